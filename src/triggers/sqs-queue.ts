import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';

/** What the poller needs to know about a queue, read once from SQS. */
export interface QueueInfo {
  url: string;
  arn: string;
  region: string;
  fifo: boolean;
  /** The queue's own VisibilityTimeout (s); svl overrides it per receive with the function timeout. */
  visibilityTimeout: number;
  /** RedrivePolicy: where SQS moves a message after maxReceiveCount receives; none: retried forever. */
  redrive?: { deadLetterTargetArn: string; maxReceiveCount: number };
}

export interface QueueRef {
  /** svl.json's queue: a URL, an ARN or a name. */
  queue: string;
  /** The trigger's endpoint, else AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL; undefined: AWS itself. */
  endpoint?: string;
  region: string;
}

/** An SQS client for one trigger; the region of an ARN or AWS queue URL wins over the function's. */
export function sqsClientFor(ref: QueueRef): SQSClient {
  return new SQSClient({ region: regionOf(ref.queue) ?? ref.region, ...(ref.endpoint ? { endpoint: ref.endpoint } : {}), maxAttempts: 1 });
}

function regionOf(queue: string): string | undefined {
  if (queue.startsWith('arn:')) return queue.split(':')[3] || undefined;
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(queue)?.[1];
}

/** A URL as it is; an ARN or a name through GetQueueUrl (an ARN's account as the queue owner). */
export async function resolveQueue(client: SQSClient, ref: QueueRef, signal?: AbortSignal): Promise<QueueInfo> {
  let url = ref.queue;
  if (!/^https?:\/\//.test(ref.queue)) {
    const [name, owner] = ref.queue.startsWith('arn:') ? [ref.queue.split(':')[5], ref.queue.split(':')[4]] : [ref.queue, undefined];
    const out = await client.send(new GetQueueUrlCommand({ QueueName: name, ...(owner ? { QueueOwnerAWSAccountId: owner } : {}) }), { abortSignal: signal });
    url = out.QueueUrl!;
  }
  const { Attributes: a = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'FifoQueue', 'RedrivePolicy', 'VisibilityTimeout'] }),
    { abortSignal: signal },
  );
  const arn = a.QueueArn ?? '';
  const redrive = a.RedrivePolicy ? (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string }) : undefined;
  return {
    url,
    arn,
    region: arn.split(':')[3] || ref.region,
    fifo: a.FifoQueue === 'true',
    visibilityTimeout: Number(a.VisibilityTimeout ?? 30),
    ...(redrive ? { redrive: { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) } } : {}),
  };
}

/** One line for an SQS failure, naming the queue and endpoint and what to do. */
export function describeSqsError(err: unknown, ref: QueueRef): { text: string; missingQueue: boolean } {
  const e = err as Error & { name?: string; code?: string; cause?: { code?: string } };
  const where = ref.endpoint ?? 'AWS';
  const name = e.name ?? '';
  if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue' || /NonExistentQueue|does not exist/i.test(e.message)) {
    return { text: `queue '${ref.queue}' does not exist at ${where} — create it or fix the trigger's "queue" in svl.json`, missingQueue: true };
  }
  const code = e.code ?? e.cause?.code ?? /(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)/.exec(e.message)?.[1] ?? '';
  if (code)
    return { text: `cannot reach SQS at ${where} (${code}) — is it running? Set the trigger's "endpoint" or AWS_ENDPOINT_URL_SQS`, missingQueue: false };
  return { text: `SQS at ${where}: ${name && name !== 'Error' ? `${name}: ` : ''}${e.message.split('\n')[0]}`, missingQueue: false };
}
