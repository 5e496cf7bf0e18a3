import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fixtureCopy } from '../emulator/dev-server.js';
import { MOTO_REGION, type MotoServer } from '../support/moto.js';
import { REPO_ROOT } from '../support/paths.js';

/** The Go function the trigger tests run: logs `processed <id> <body>`, `s3 <bucket> <key>`, `scheduled …`. */
export const GO_TRIGGERS = path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'go-triggers');

/** A copy of go-triggers whose svl.json declares `events`. */
export const triggersProject = (events: unknown[], patch: Record<string, unknown> = {}) => fixtureCopy(GO_TRIGGERS, { events, ...patch });

export function sqsClient(moto: MotoServer): SQSClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new SQSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Visible + in-flight messages of a queue. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

/** Polls `check` until it holds, failing after `timeoutMs` with what it saw last: a wait on queue or log state, not a sleep. */
export async function until<T>(what: string, check: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `<verb> <id> <body> receive=<n>` lines the fixture logged (svl dev puts the request ID first, as CloudWatch does). */
export function logged(stdout: string, verb: 'processed' | 'failed'): { body: string; receive: number }[] {
  return [...stdout.matchAll(new RegExp(`^(?:\\S+\\t)?${verb} \\S+ (\\S+) receive=(\\d+)$`, 'gm'))].map((m) => ({ body: m[1]!, receive: Number(m[2]) }));
}
