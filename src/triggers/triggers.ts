import type { Message } from '@aws-sdk/client-sqs';
import { UsageError } from '../core/errors.js';
import { functionSettings } from '../emulator/index.js';
import { scheduledEvent } from '../events/schedule.js';
import { sqsEvent, type SqsMessageForEvent } from '../events/sqs.js';
import type { FunctionConfig, ResolvedEventSource } from '../project/project.js';
import type { S3EventSource, ScheduleEventSource, SqsEventSource } from '../project/svl-json.js';
import { batchOutcome } from './batch-outcome.js';
import { systemClock, type Clock } from './clock.js';
import { matchingRecords, objectKey, readS3Notification } from './s3-notifications.js';
import { parseSchedule, ScheduleError, type Schedule } from './schedule.js';
import type { HandledBatch, PollerOptions } from './sqs-poller.js';
import type { QueueRef } from './sqs-queue.js';

// svl dev's event sources: SQS queues polled as Lambda's event source mapping polls them, EventBridge
// schedules fired on this machine's clock (UTC), S3 notifications read from the queue the bucket
// sends them to (svl never changes a bucket's notification configuration).

const SQS_DEFAULT_BATCH = 10;

type Outcome = { ok: true; payload: Buffer } | { ok: false; payload: Buffer; errorType: string };

export interface TriggerHost {
  /** Invokes a served function as the Invoke API does. */
  invoke(fn: string, payload: Buffer): Promise<{ outcome: Outcome }>;
  say(line: string): void;
  env: Record<string, string | undefined>;
  clock?: Clock;
}

export interface ScheduleTrigger {
  name: string;
  fn: string;
  expression: string;
}

export interface RunningTriggers {
  /** The schedules, which --trigger and the `t` key fire by name. */
  readonly schedules: ScheduleTrigger[];
  /** Fires a schedule now, as its rule would; resolves once the function answered. */
  fire(name: string): Promise<void>;
  /** Stops polling at once (a long poll is aborted) and clears the timers; resolves when every poller ended. */
  close(): Promise<void>;
}

const enabled = (e: ResolvedEventSource) => e.enabled !== false;

/** Startup check of what svl.json says: a schedule svl cannot evaluate, or a batch Lambda would refuse, is a usage error. */
export function checkTriggers(fns: FunctionConfig[]): void {
  for (const fn of fns) {
    for (const e of fn.events) {
      if (e.type === 'schedule') {
        try {
          parseSchedule(e.schedule);
        } catch (err) {
          if (err instanceof ScheduleError) throw new UsageError(`trigger '${e.name}' of ${fn.name}: ${err.message}`);
          throw err;
        }
      }
      if (e.type === 'sqs' && (e.batchSize ?? SQS_DEFAULT_BATCH) > 10 && !e.batchingWindow) {
        throw new UsageError(
          `trigger '${e.name}' of ${fn.name}: a batchSize over 10 needs a batchingWindow of at least 1 s (as in Lambda) — add "batchingWindow": 1`,
        );
      }
    }
  }
}

/**
 * `--sqs <queue>` (the only function with flavor sqs, else the only function) and
 * `--sqs <function>=<queue>`: extra SQS triggers for this run, on top of svl.json's.
 */
export function withCliQueues(fns: FunctionConfig[], specs: string[]): FunctionConfig[] {
  if (specs.length === 0) return fns;
  const added = new Map<string, ResolvedEventSource[]>();
  for (const spec of specs) {
    const eq = /^[^=:/]+=/.exec(spec) ? spec.indexOf('=') : -1;
    const [name, queue] = eq === -1 ? [undefined, spec] : [spec.slice(0, eq), spec.slice(eq + 1)];
    if (!queue) throw new UsageError(`--sqs '${spec}' names no queue — pass --sqs <queue-url> or --sqs <function>=<queue-url>`);
    const fn = name === undefined ? defaultSqsFunction(fns) : fns.find((f) => f.name === name);
    if (!fn) throw new UsageError(`--sqs ${spec}: no Lambda function '${name}' is served — one of: ${fns.map((f) => f.name).join(', ')}`);
    const list = added.get(fn.name) ?? [];
    list.push({ type: 'sqs', queue, name: `${fn.name}-sqs-cli-${list.length + 1}` });
    added.set(fn.name, list);
  }
  return fns.map((f) => (added.has(f.name) ? { ...f, events: [...f.events, ...added.get(f.name)!] } : f));
}

function defaultSqsFunction(fns: FunctionConfig[]): FunctionConfig {
  const sqs = fns.filter((f) => f.flavor === 'sqs');
  if (sqs.length === 1) return sqs[0]!;
  if (fns.length === 1) return fns[0]!;
  const candidates = (sqs.length > 1 ? sqs : fns).map((f) => f.name).join(', ');
  throw new UsageError(`--sqs <queue> needs to know the function — pass --sqs <function>=<queue> (one of: ${candidates})`);
}

/** The schedule `ref` names: a trigger name, or a function with exactly one schedule. */
export function scheduleNamed(triggers: ScheduleTrigger[], ref: string): ScheduleTrigger {
  const byName = triggers.find((t) => t.name === ref);
  if (byName) return byName;
  const ofFn = triggers.filter((t) => t.fn === ref);
  if (ofFn.length === 1) return ofFn[0]!;
  const known = triggers.map((t) => `${t.name} (${t.fn})`).join(', ') || 'none — add a "schedule" trigger to svl.json';
  if (ofFn.length > 1) throw new UsageError(`--trigger ${ref}: ${ref} has ${ofFn.length} schedules — name one: ${known}`);
  throw new UsageError(`--trigger ${ref}: no schedule trigger is called that — schedules: ${known}`);
}

/** The enabled schedule triggers of `fns`. */
export function scheduleTriggers(fns: FunctionConfig[]): ScheduleTrigger[] {
  return fns.flatMap((fn) =>
    fn.events
      .filter((e): e is ScheduleEventSource & { name: string } => e.type === 'schedule' && enabled(e))
      .map((e) => ({ name: e.name, fn: fn.name, expression: e.schedule })),
  );
}

export function startTriggers(fns: FunctionConfig[], host: TriggerHost): RunningTriggers {
  const abort = new AbortController();
  const clock = host.clock ?? systemClock;
  const loops: Promise<void>[] = [];
  const cancels: (() => void)[] = [];
  const fires = new Map<string, (time: Date) => Promise<void>>();
  for (const fn of fns) {
    const { region, accountId } = functionSettings(fn, host.env);
    for (const e of fn.events) {
      if (!enabled(e)) {
        host.say(`${e.type} ${e.name} → ${fn.name}: disabled in svl.json — not run`);
        continue;
      }
      if (e.type === 'schedule') {
        const fire = scheduleFirer(fn, e, { region, accountId }, host);
        fires.set(e.name, fire);
        cancels.push(runSchedule(parseSchedule(e.schedule, clock.now()), clock, fire));
        host.say(
          `schedule ${e.name} → ${fn.name}: ${e.schedule} (UTC), next at ${parseSchedule(e.schedule, clock.now()).next(clock.now())?.toISOString() ?? 'never'}`,
        );
      } else if (e.type === 'sqs') {
        loops.push(sqsTrigger(fn, e, region, host, abort.signal));
      } else if (e.type === 's3') {
        if (!e.queue) {
          host.say(
            `s3 ${e.name} → ${fn.name}: no "queue" — svl dev reads S3 notifications from the SQS queue the bucket sends them to; add "queue" to the trigger`,
          );
          continue;
        }
        loops.push(s3Trigger(fn, e as S3EventSource & { queue: string; name: string }, region, host, abort.signal));
      }
    }
  }
  return {
    schedules: scheduleTriggers(fns),
    async fire(name) {
      const fire = fires.get(name);
      if (!fire) throw new UsageError(`no schedule trigger '${name}' is running`);
      await fire(clock.now());
    },
    async close() {
      abort.abort();
      for (const c of cancels) c();
      await Promise.all(loops);
    },
  };
}

/** Arms the next fire time, fires, re-arms from the time it was due (no drift); answers a cancel. */
function runSchedule(schedule: Schedule, clock: Clock, fire: (time: Date) => Promise<void>): () => void {
  let cancel: (() => void) | undefined;
  let stopped = false;
  const arm = (after: Date) => {
    const next = schedule.next(after);
    if (!next || stopped) return;
    cancel = clock.at(next, () => {
      void fire(next);
      arm(next);
    });
  };
  arm(clock.now());
  return () => {
    stopped = true;
    cancel?.();
  };
}

function scheduleFirer(fn: FunctionConfig, e: ScheduleEventSource & { name: string }, where: { region: string; accountId: string }, host: TriggerHost) {
  const ruleArn = `arn:aws:events:${where.region}:${where.accountId}:rule/${e.name}`;
  return async (time: Date) => {
    const event = e.input ?? scheduledEvent({ time, ruleArn, region: where.region, account: where.accountId });
    try {
      const { outcome } = await host.invoke(fn.name, Buffer.from(JSON.stringify(event)));
      // EventBridge invokes asynchronously: a failure is only logged (Lambda would retry it twice).
      host.say(`schedule ${e.name} → ${fn.name}: fired for ${time.toISOString()}, ${outcome.ok ? 'ok' : `function error (${outcome.errorType})`}`);
    } catch (err) {
      host.say(`schedule ${e.name} → ${fn.name}: not fired — ${(err as Error).message}`);
    }
  };
}

function queueRef(queue: string, endpoint: string | undefined, region: string, env: Record<string, string | undefined>): QueueRef {
  // The trigger's own, then the SQS/all-services endpoint variables the SDK also honours.
  return { queue, endpoint: endpoint ?? env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL, region };
}

/** The SQS client and poller load only when a queue is polled: most dev sessions have none. */
async function poll(ref: QueueRef, opts: Omit<PollerOptions, 'client' | 'ref'>): Promise<void> {
  const [{ pollQueue }, { sqsClientFor }] = await Promise.all([import('./sqs-poller.js'), import('./sqs-queue.js')]);
  await pollQueue({ ...opts, ref, client: sqsClientFor(ref) });
}

/** The queue's name as the log shows it: the last part of a URL or ARN. */
const queueName = (queue: string) => queue.split(/[/:]/).pop() || queue;

function sqsTrigger(fn: FunctionConfig, e: SqsEventSource & { name: string }, region: string, host: TriggerHost, signal: AbortSignal): Promise<void> {
  const ref = queueRef(e.queue, e.endpoint, region, host.env);
  const window = e.batchingWindow ?? 0;
  return poll(ref, {
    label: `sqs ${queueName(e.queue)} → ${fn.name}`,
    batchSize: e.batchSize ?? SQS_DEFAULT_BATCH,
    batchingWindow: window,
    // A batch stays invisible while the function may run on it (the issue: the function timeout).
    visibilityTimeout: fn.timeout + window,
    say: host.say,
    signal,
    async handle(messages, queue): Promise<HandledBatch> {
      const event = sqsEvent(messages.map(forEvent), { arn: queue.arn, region: queue.region });
      const { outcome } = await host.invoke(fn.name, Buffer.from(JSON.stringify(event)));
      const withGroups = messages.map((m) => ({ m, messageId: m.MessageId!, groupId: m.Attributes?.MessageGroupId }));
      const out = batchOutcome(withGroups, outcome, { reportBatchItemFailures: e.reportBatchItemFailures ?? false, fifo: queue.fifo });
      const note = outcome.ok ? out.reason && `response not read as a partial batch response: ${out.reason}` : `function error ${outcome.errorType}`;
      return { done: out.done.map((x) => x.m), retry: out.retry.map((x) => x.m), ...(out.retry.length > 0 && note ? { note } : {}) };
    },
  });
}

function forEvent(m: Message): SqsMessageForEvent {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    md5OfBody: m.MD5OfBody ?? '',
    attributes: (m.Attributes ?? {}) as Record<string, string>,
    ...(m.MessageAttributes ? { messageAttributes: m.MessageAttributes as SqsMessageForEvent['messageAttributes'] } : {}),
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
  };
}

/** Each notification is one invocation with its matching Records, as S3 invokes a function; deleted when it succeeds. */
function s3Trigger(
  fn: FunctionConfig,
  e: S3EventSource & { name: string; queue: string },
  region: string,
  host: TriggerHost,
  signal: AbortSignal,
): Promise<void> {
  const ref = queueRef(e.queue, e.endpoint, region, host.env);
  const label = `s3 ${e.bucket} → ${fn.name}`;
  const filter = { bucket: e.bucket, events: e.events ?? ['s3:ObjectCreated:*'], prefix: e.prefix, suffix: e.suffix };
  return poll(ref, {
    label,
    batchSize: 10,
    batchingWindow: 0,
    visibilityTimeout: fn.timeout,
    say: host.say,
    signal,
    async handle(messages): Promise<HandledBatch> {
      const done: Message[] = [];
      const retry: Message[] = [];
      for (const m of messages) {
        const n = readS3Notification(m);
        if (n.kind === 'test') {
          host.say(`${label}: s3:TestEvent skipped`);
          done.push(m);
        } else if (n.kind === 'unreadable') {
          host.say(`${label}: message ${m.MessageId} is not an S3 notification (${n.why}) — left in the queue`);
          retry.push(m);
        } else {
          const records = matchingRecords(n.records, filter);
          if (records.length === 0) {
            done.push(m);
            continue;
          }
          const { outcome } = await host.invoke(fn.name, Buffer.from(JSON.stringify({ Records: records })));
          const what = records.map((r) => `${r.eventName} ${objectKey(r)}`).join(', ');
          host.say(`${label}: ${what}: ${outcome.ok ? 'ok' : `function error (${outcome.errorType}) — retried after the visibility timeout`}`);
          (outcome.ok ? done : retry).push(m);
        }
      }
      return { done, retry };
    },
  });
}
