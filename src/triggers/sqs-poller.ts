import { setTimeout as delay } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { describeSqsError, resolveQueue, type QueueInfo, type QueueRef } from './sqs-queue.js';

// Lambda's SQS event source mapping, one poller per trigger: long polls, gathers a batch within the
// batching window, hands it over, deletes what succeeded. Whatever is not deleted comes back after
// the visibility timeout; the queue's own redrive policy moves it to its DLQ.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html

/** SQS's most messages per ReceiveMessage and per DeleteMessageBatch. */
const SQS_MAX_BATCH = 10;
/** SQS's longest long poll. */
const MAX_WAIT_S = 20;
const BACKOFF_START_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** A delete runs even while dev shuts down (the batch succeeded); this bounds it. */
const DELETE_TIMEOUT_MS = 10_000;

export interface HandledBatch {
  done: Message[];
  retry: Message[];
  /** Why the batch was retried, for the log line. */
  note?: string;
}

export interface PollerOptions {
  /** The log line's subject, e.g. "sqs orders → process-orders". */
  label: string;
  client: SQSClient;
  ref: QueueRef;
  batchSize: number;
  /** MaximumBatchingWindowInSeconds. */
  batchingWindow: number;
  /** Seconds a received batch stays invisible to other consumers: the function timeout (plus the window it waited in). */
  visibilityTimeout: number;
  handle(messages: Message[], queue: QueueInfo): Promise<HandledBatch>;
  say(line: string): void;
  signal: AbortSignal;
}

/** Polls until `signal` aborts; an unreachable endpoint or missing queue is reported and retried with backoff. */
export async function pollQueue(opts: PollerOptions): Promise<void> {
  const { client, signal, label } = opts;
  let queue: QueueInfo | undefined;
  let backoff = BACKOFF_START_MS;
  let lastError: string | undefined;
  while (!signal.aborted) {
    try {
      if (!queue) {
        queue = await resolveQueue(client, opts.ref, signal);
        const redrive = queue.redrive
          ? `, DLQ ${queue.redrive.deadLetterTargetArn.split(':').pop()} after ${queue.redrive.maxReceiveCount} receives`
          : ', no DLQ';
        opts.say(`${label}: polling ${queue.url} (${queue.fifo ? 'FIFO' : 'standard'}, batches up to ${opts.batchSize}${redrive})`);
      }
      const batch = await receiveBatch(opts, queue);
      if (lastError) opts.say(`${label}: reached the queue again`);
      lastError = undefined;
      backoff = BACKOFF_START_MS;
      if (batch.length === 0) continue;
      let handled: HandledBatch;
      try {
        handled = await opts.handle(batch, queue);
      } catch (err) {
        // Not an SQS problem (the function is gone, dev is stopping): the batch simply comes back.
        if (!signal.aborted)
          opts.say(`${label}: batch of ${batch.length} not delivered (${(err as Error).message}) — it comes back after the visibility timeout`);
        continue;
      }
      const notDeleted = await deleteAll(client, queue.url, handled.done);
      opts.say(`${label}: ${summary(batch.length, handled, notDeleted, queue)}`);
    } catch (err) {
      if (signal.aborted) break;
      const { text } = describeSqsError(err, opts.ref);
      if (text !== lastError) opts.say(`${label}: ${text} — retrying (every ${BACKOFF_MAX_MS / 1000} s at most)`);
      lastError = text;
      await delay(backoff, undefined, { signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
  }
}

/** One long poll, then (with a batching window) more receives until the batch is full or the window ends. */
async function receiveBatch(opts: PollerOptions, queue: QueueInfo): Promise<Message[]> {
  const receive = async (max: number, waitSeconds: number) => {
    const out = await opts.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, max),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: opts.visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: opts.signal },
    );
    return out.Messages ?? [];
  };
  const batch = await receive(opts.batchSize, MAX_WAIT_S);
  if (batch.length === 0 || opts.batchingWindow === 0) return batch;
  const windowEnd = Date.now() + opts.batchingWindow * 1000;
  while (batch.length < opts.batchSize && Date.now() < windowEnd) {
    const wait = Math.min(MAX_WAIT_S, Math.floor((windowEnd - Date.now()) / 1000));
    const more = await receive(opts.batchSize - batch.length, wait);
    batch.push(...more);
    if (more.length === 0 && wait === 0) break;
  }
  return batch;
}

/** Deletes in chunks of 10; answers how many SQS did not delete (e.g. a receipt handle that expired). */
async function deleteAll(client: SQSClient, url: string, messages: Message[]): Promise<number> {
  let failed = 0;
  for (let i = 0; i < messages.length; i += SQS_MAX_BATCH) {
    const chunk = messages.slice(i, i + SQS_MAX_BATCH);
    const out = await client.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((m, j) => ({ Id: `m${j}`, ReceiptHandle: m.ReceiptHandle! })) }),
      { abortSignal: AbortSignal.timeout(DELETE_TIMEOUT_MS) },
    );
    failed += out.Failed?.length ?? 0;
  }
  return failed;
}

function summary(size: number, handled: HandledBatch, notDeleted: number, queue: QueueInfo): string {
  const parts = [`batch of ${size}`, `${handled.done.length - notDeleted} deleted`];
  if (handled.retry.length > 0) {
    const dlq = queue.redrive ? `, to the DLQ after ${queue.redrive.maxReceiveCount} receives` : '';
    parts.push(`${handled.retry.length} failed (retry${handled.note ? `: ${handled.note}` : ''}${dlq})`);
  }
  if (notDeleted > 0) parts.push(`${notDeleted} not deleted (receipt handle no longer valid — they will come again)`);
  return parts.join(', ');
}
