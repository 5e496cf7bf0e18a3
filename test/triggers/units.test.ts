import { describe, expect, it } from 'vitest';
import type { FunctionConfig } from '../../src/project/project.js';
import { batchOutcome } from '../../src/triggers/batch-outcome.js';
import type { Clock } from '../../src/triggers/clock.js';
import { matchingRecords, readS3Notification, type S3Record } from '../../src/triggers/s3-notifications.js';
import { parseSchedule } from '../../src/triggers/schedule.js';
import { describeSqsError } from '../../src/triggers/sqs-queue.js';
import { startTriggers, withCliQueues } from '../../src/triggers/triggers.js';

// The pure parts of svl dev's event sources; the end-to-end behaviour against moto is in sqs.test.ts,
// s3.test.ts and schedule.test.ts.

const at = (iso: string) => new Date(iso);

describe('schedule expressions', () => {
  it('rate: counts from the start, singular unit for 1, plural otherwise', () => {
    const start = at('2026-12-02T10:00:30Z');
    const every = parseSchedule('rate(1 minute)', start);
    expect(every.next(start)).toEqual(at('2026-12-02T10:01:30Z'));
    expect(every.next(at('2026-12-02T10:01:30Z'))).toEqual(at('2026-12-02T10:02:30Z'));
    expect(every.next(at('2026-12-02T10:05:00Z'))).toEqual(at('2026-12-02T10:05:30Z'));
    expect(parseSchedule('rate(2 hours)', start).next(start)).toEqual(at('2026-12-02T12:00:30Z'));
    expect(parseSchedule('rate(3 days)', start).next(start)).toEqual(at('2026-12-05T10:00:30Z'));
  });

  it.each([
    ['rate(1 minutes)', 'EventBridge wants rate(1 minute)'],
    ['rate(5 minute)', 'EventBridge wants rate(5 minutes)'],
    ['rate(0 minutes)', 'whole n ≥ 1'],
    ['rate(1.5 hours)', 'whole n ≥ 1'],
    ['rate(2 weeks)', 'minute|minutes|hour|hours|day|days'],
    ['every 5 minutes', 'not a schedule expression'],
    ['cron(0 12 * * *)', 'cron takes 6 fields'],
    ['cron(0 12 * * MON *)', "exactly one of day-of-month and day-of-week must be '?'"],
    ['cron(0 12 ? * ? *)', "exactly one of day-of-month and day-of-week must be '?'"],
    ['cron(0 25 * * ? *)', 'hour'],
  ])('%s is refused: %s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(message);
  });

  it('cron: EventBridge fields in UTC, days of the week 1-7 = SUN-SAT, L W # and year', () => {
    const from = at('2026-12-02T10:00:00Z'); // a Wednesday
    const next = (e: string) => parseSchedule(e).next(from)?.toISOString();
    expect(next('cron(0 10 * * ? *)')).toBe('2026-12-03T10:00:00.000Z'); // strictly after
    expect(next('cron(0/15 * * * ? *)')).toBe('2026-12-02T10:15:00.000Z');
    expect(next('cron(0 8 ? * MON-FRI *)')).toBe('2026-12-03T08:00:00.000Z');
    expect(next('cron(0 8 ? * 2 *)')).toBe('2026-12-07T08:00:00.000Z'); // 2 = Monday
    expect(next('cron(0 8 L * ? *)')).toBe('2026-12-31T08:00:00.000Z');
    expect(next('cron(0 8 15W * ? *)')).toBe('2026-12-15T08:00:00.000Z');
    expect(next('cron(0 8 ? * 6#3 *)')).toBe('2026-12-18T08:00:00.000Z'); // third Friday
    expect(next('cron(0 8 * * ? 2028)')).toBe('2028-01-01T08:00:00.000Z');
    expect(next('cron(0 8 * * ? 2020)')).toBeUndefined();
  });
});

/** A clock the test moves by hand: timers fire in order as `advance` passes them. */
function fakeClock(startIso: string): Clock & { advance(ms: number): void } {
  let now = at(startIso).getTime();
  const timers: { at: number; fire: () => void; live: boolean }[] = [];
  return {
    now: () => new Date(now),
    at(when, fire) {
      const t = { at: when.getTime(), fire, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        due.live = false;
        now = due.at;
        due.fire();
      }
      now = end;
    },
  };
}

describe('schedules fired on an injected clock', () => {
  const fn = (events: FunctionConfig['events']) => ({ name: 'tick', timeout: 3, memory: 128, region: 'eu-west-1', events }) as unknown as FunctionConfig;

  it('a rate(1 minute) trigger fires once a minute with the Scheduled Event; a disabled one never', async () => {
    const clock = fakeClock('2026-12-02T10:00:00Z');
    const payloads: { fn: string; event: Record<string, unknown> }[] = [];
    const lines: string[] = [];
    const triggers = startTriggers(
      [
        fn([
          { type: 'schedule', name: 'every-minute', schedule: 'rate(1 minute)' },
          { type: 'schedule', name: 'off', schedule: 'rate(1 minute)', enabled: false },
        ]),
      ],
      {
        env: { AWS_ACCOUNT_ID: '111122223333' },
        clock,
        say: (l) => lines.push(l),
        invoke: async (name, payload) => {
          payloads.push({ fn: name, event: JSON.parse(payload.toString()) });
          return { outcome: { ok: true, payload: Buffer.from('null') } };
        },
      },
    );
    clock.advance(59_999);
    expect(payloads).toHaveLength(0);
    clock.advance(1);
    clock.advance(2 * 60_000);
    await triggers.close();
    expect(payloads.map((p) => p.event.time)).toEqual(['2026-12-02T10:01:00Z', '2026-12-02T10:02:00Z', '2026-12-02T10:03:00Z']);
    expect(payloads[0]!.event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:111122223333:rule/every-minute'],
    });
    expect(lines).toContain('schedule off → tick: disabled in svl.json — not run');
    clock.advance(10 * 60_000);
    expect(payloads).toHaveLength(3); // closed: no more fires
  });

  it('a trigger with "input" sends that JSON instead', async () => {
    const clock = fakeClock('2026-12-02T10:00:00Z');
    const seen: unknown[] = [];
    const triggers = startTriggers([fn([{ type: 'schedule', name: 'nightly', schedule: 'cron(0 2 * * ? *)', input: { job: 'report' } }])], {
      env: {},
      clock,
      say: () => undefined,
      invoke: async (_n, payload) => {
        seen.push(JSON.parse(payload.toString()));
        return { outcome: { ok: true, payload: Buffer.from('null') } };
      },
    });
    clock.advance(24 * 3_600_000);
    await triggers.close();
    expect(seen).toEqual([{ job: 'report' }]);
  });
});

describe('which messages of a batch are deleted', () => {
  const msgs = (...ids: string[]) => ids.map((id) => ({ messageId: id, groupId: id.slice(0, 1) }));
  const ok = (body: unknown) => ({ ok: true, payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) });
  const ids = (l: { messageId: string }[]) => l.map((m) => m.messageId);
  const partial = { reportBatchItemFailures: true, fifo: false };

  it('a function error retries the whole batch; success without ReportBatchItemFailures deletes it all', () => {
    const batch = msgs('a1', 'a2');
    expect(ids(batchOutcome(batch, { ok: false, payload: Buffer.from('{}') }, partial).retry)).toEqual(['a1', 'a2']);
    expect(ids(batchOutcome(batch, ok({ batchItemFailures: [{ itemIdentifier: 'a1' }] }), { ...partial, reportBatchItemFailures: false }).done)).toEqual([
      'a1',
      'a2',
    ]);
  });

  it.each([['null'], [''], ['{}'], [{ batchItemFailures: [] }], [{ batchItemFailures: null }]])('%j is complete success', (body) => {
    expect(ids(batchOutcome(msgs('a1', 'b1'), ok(body), partial).done)).toEqual(['a1', 'b1']);
  });

  it('only the named items are retried', () => {
    const out = batchOutcome(msgs('a1', 'a2', 'b1'), ok({ batchItemFailures: [{ itemIdentifier: 'a2' }] }), partial);
    expect([ids(out.done), ids(out.retry)]).toEqual([['a1', 'b1'], ['a2']]);
  });

  it.each([
    ['not json', 'not JSON'],
    [{ batchItemFailures: [{ itemIdentifier: '' }] }, 'no itemIdentifier'],
    [{ batchItemFailures: [{ itemIdentifier: null }] }, 'no itemIdentifier'],
    [{ batchItemFailures: [{ id: 'a1' }] }, 'no itemIdentifier'],
    [{ batchItemFailures: [{ itemIdentifier: 'zz' }] }, "'zz' is not a message of this batch"],
    [{ batchItemFailures: 'a1' }, 'not a list'],
  ])('%j fails the whole batch (%s), as Lambda does', (body, reason) => {
    const out = batchOutcome(msgs('a1', 'b1'), ok(body), partial);
    expect(ids(out.retry)).toEqual(['a1', 'b1']);
    expect(out.reason).toContain(reason);
  });

  it('FIFO: the messages after a failed one in its group are retried too; other groups go on', () => {
    const out = batchOutcome(msgs('a1', 'b1', 'a2', 'b2', 'a3'), ok({ batchItemFailures: [{ itemIdentifier: 'a2' }] }), { ...partial, fifo: true });
    expect([ids(out.done), ids(out.retry)]).toEqual([
      ['a1', 'b1', 'b2'],
      ['a2', 'a3'],
    ]);
  });
});

describe('S3 notifications', () => {
  const record = (eventName: string, key: string, bucket = 'photos'): S3Record => ({ eventName, s3: { bucket: { name: bucket }, object: { key } } });

  it('reads Records, recognises s3:TestEvent, refuses what is not a notification', () => {
    expect(readS3Notification({ Body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }) }).kind).toBe('test');
    expect(readS3Notification({ Body: 'hello' })).toMatchObject({ kind: 'unreadable' });
    expect(readS3Notification({ Body: JSON.stringify({ Records: [record('ObjectCreated:Put', 'a.jpg')] }) })).toMatchObject({ kind: 'records' });
  });

  it('filters by bucket, event type (with *), and prefix/suffix on the decoded key', () => {
    const records = [
      record('ObjectCreated:Put', 'in%2Fmy+cat.jpg'),
      record('ObjectCreated:Copy', 'in/dog.png'),
      record('ObjectRemoved:Delete', 'in/old.jpg'),
      record('ObjectCreated:Put', 'in/x.jpg', 'other-bucket'),
    ];
    const keys = (l: S3Record[]) => l.map((r) => r.s3.object.key);
    expect(keys(matchingRecords(records, { bucket: 'photos', events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '.jpg' }))).toEqual(['in%2Fmy+cat.jpg']);
    expect(keys(matchingRecords(records, { bucket: 'photos', events: ['s3:ObjectRemoved:Delete', 's3:ObjectCreated:Copy'] }))).toEqual([
      'in/dog.png',
      'in/old.jpg',
    ]);
  });

  it("gives a zoneless eventTime (moto's) S3's UTC 'Z'; leaves S3's own as it is", () => {
    const timeOf = (t: string) =>
      matchingRecords([{ ...record('ObjectCreated:Put', 'a'), eventTime: t }], { bucket: 'photos', events: ['s3:ObjectCreated:*'] })[0]!.eventTime;
    expect(timeOf('2026-12-02T04:03:35.035720')).toBe('2026-12-02T04:03:35.035Z');
    expect(timeOf('2026-12-02T04:03:35.035Z')).toBe('2026-12-02T04:03:35.035Z');
  });
});

describe('--sqs and SQS errors', () => {
  const f = (name: string, flavor?: string) => ({ name, flavor, events: [] }) as unknown as FunctionConfig;

  it('--sqs <queue> goes to the only sqs-flavoured function, else the only function; <fn>=<queue> names one', () => {
    expect(withCliQueues([f('api', 'http'), f('jobs', 'sqs')], ['http://h/1/q'])[1]!.events).toEqual([
      { type: 'sqs', queue: 'http://h/1/q', name: 'jobs-sqs-cli-1' },
    ]);
    expect(withCliQueues([f('only')], ['q'])[0]!.events).toHaveLength(1);
    expect(withCliQueues([f('a'), f('b')], ['b=https://sqs.eu-west-1.amazonaws.com/1/q'])[1]!.events[0]).toMatchObject({
      queue: 'https://sqs.eu-west-1.amazonaws.com/1/q',
    });
    expect(() => withCliQueues([f('a'), f('b')], ['q'])).toThrow('pass --sqs <function>=<queue> (one of: a, b)');
    expect(() => withCliQueues([f('a'), f('b')], ['c=q'])).toThrow("no Lambda function 'c'");
  });

  it('names the queue and endpoint', () => {
    const ref = { queue: 'orders', endpoint: 'http://127.0.0.1:9', region: 'us-east-1' };
    const missing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    expect(describeSqsError(missing, ref).text).toBe(
      `queue 'orders' does not exist at http://127.0.0.1:9 — create it or fix the trigger's "queue" in svl.json`,
    );
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeSqsError(down, ref).text).toContain('cannot reach SQS at http://127.0.0.1:9 (ECONNREFUSED)');
  });
});
