import { albEvent } from './alb.js';
import { type Item, type StreamChange, type StreamEventName, dynamodbStreamEvent } from './dynamodb.js';
import { httpApiEvent } from './http-api.js';
import type { HttpRequestForEvent } from './http-request.js';
import type { EventRandom } from './random.js';
import { restApiEvent } from './rest-api.js';
import { s3Event } from './s3.js';
import { scheduledEvent } from './schedule.js';
import { md5OfBody, type SqsMessageForEvent, sqsEvent } from './sqs.js';

// Sample events for `svl events` and `svl invoke --example`: the shapes AWS sends, with ids and
// timestamps that look like AWS's.

export interface SampleContext {
  region: string;
  account: string;
  random: EventRandom;
  time: Date;
}

export const SAMPLE_SOURCES = {
  sqs: 'SQS messages, as a Lambda event source mapping delivers them',
  s3: 'an S3 event notification (object created / removed / …)',
  schedule: 'an EventBridge "Scheduled Event" (schedule or cron rule)',
  dynamodb: 'DynamoDB stream records (INSERT / MODIFY / REMOVE with images)',
  http: 'a function URL / HTTP API request (payload format 2.0)',
  apigw: 'an API Gateway REST API proxy request (payload format 1.0)',
  alb: 'an Application Load Balancer request to a Lambda target',
} as const;

export type SampleSource = keyof typeof SAMPLE_SOURCES;

/** A name or an ARN: the ARN as given, or one built from the name in this region and account. */
function arnOf(nameOrArn: string, service: string, resource: (name: string) => string, ctx: SampleContext): { arn: string; region: string } {
  if (nameOrArn.startsWith('arn:')) return { arn: nameOrArn, region: nameOrArn.split(':')[3] || ctx.region };
  return { arn: `arn:aws:${service}:${ctx.region}:${ctx.account}:${resource(nameOrArn)}`, region: ctx.region };
}

export interface SqsSampleOptions {
  /** `{n}` becomes the message's number, 1 to count. */
  body: string;
  count: number;
  queue: string;
  /** Set for a FIFO queue: the message group. */
  group?: string;
}

export function sqsSample(o: SqsSampleOptions, ctx: SampleContext): object {
  const queue = arnOf(o.queue, 'sqs', (n) => n, ctx);
  const sent = ctx.time.getTime();
  const messages: SqsMessageForEvent[] = [];
  let sequence = BigInt(`1${ctx.random.digits(19)}`);
  for (let i = 0; i < o.count; i++) {
    const body = o.body.replaceAll('{n}', String(i + 1));
    const attributes: Record<string, string> = {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sent + i),
      SenderId: `AIDA${ctx.random.chars(17)}`,
      ApproximateFirstReceiveTimestamp: String(sent + i + 7),
    };
    if (o.group !== undefined) {
      attributes.SequenceNumber = String(sequence++);
      attributes.MessageGroupId = o.group;
      attributes.MessageDeduplicationId = ctx.random.hex(64);
    }
    messages.push({
      messageId: ctx.random.uuid(),
      receiptHandle: `AQEB${ctx.random.base64(120)}`,
      body,
      md5OfBody: md5OfBody(body),
      attributes,
    });
  }
  return sqsEvent(messages, queue);
}

export const S3_EVENT_NAMES = [
  'ObjectCreated:Put',
  'ObjectCreated:Post',
  'ObjectCreated:Copy',
  'ObjectCreated:CompleteMultipartUpload',
  'ObjectRemoved:Delete',
  'ObjectRemoved:DeleteMarkerCreated',
  'ObjectRestore:Post',
  'ObjectRestore:Completed',
  'ObjectTagging:Put',
  'ObjectTagging:Delete',
  'LifecycleExpiration:Delete',
] as const;

export interface S3SampleOptions {
  bucket: string;
  key: string;
  size: number;
  eventName: (typeof S3_EVENT_NAMES)[number];
}

export function s3Sample(o: S3SampleOptions, ctx: SampleContext): object {
  const removed = o.eventName.startsWith('ObjectRemoved:') || o.eventName.startsWith('LifecycleExpiration:');
  return s3Event([
    {
      eventName: o.eventName,
      bucket: o.bucket,
      key: o.key,
      ...(removed ? {} : { size: o.size, eTag: ctx.random.hex(32) }),
      sequencer: ctx.random.chars(18, '0123456789ABCDEF'),
      time: ctx.time,
      region: ctx.region,
      principalId: `AWS:AIDA${ctx.random.chars(17)}`,
      sourceIp: '203.0.113.10',
      requestId: ctx.random.chars(16, '0123456789ABCDEF'),
      hostId: ctx.random.base64(57),
      configurationId: ctx.random.uuid(),
      ownerPrincipalId: `A${ctx.random.chars(13)}`,
    },
  ]);
}

export function scheduleSample(o: { rule: string }, ctx: SampleContext): object {
  const rule = arnOf(o.rule, 'events', (n) => `rule/${n}`, ctx);
  return scheduledEvent({ time: ctx.time, ruleArn: rule.arn, region: rule.region, account: ctx.account, id: ctx.random.uuid() });
}

export interface DynamodbSampleOptions {
  table: string;
  count: number;
  eventName: StreamEventName;
}

export function dynamodbSample(o: DynamodbSampleOptions, ctx: SampleContext): object {
  const label = ctx.time.toISOString().replace(/Z$/, '');
  // A table ARN gets its stream's suffix; a stream ARN is used as given.
  const table = o.table.startsWith('arn:') && !o.table.includes('/stream/') ? `${o.table}/stream/${label}` : o.table;
  const stream = arnOf(table, 'dynamodb', (n) => `table/${n}/stream/${label}`, ctx);
  const changes: StreamChange[] = [];
  let sequence = BigInt(`1${ctx.random.digits(20)}`);
  for (let i = 0; i < o.count; i++) {
    const id = String(101 + i);
    const keys: Item = { Id: { N: id } };
    const before: Item = { Id: { N: id }, Message: { S: `item ${id}` }, Tags: { SS: ['new'] }, Done: { BOOL: false } };
    const after: Item = { Id: { N: id }, Message: { S: `item ${id}, updated` }, Tags: { SS: ['new', 'seen'] }, Done: { BOOL: true } };
    changes.push({
      eventId: ctx.random.hex(32),
      eventName: o.eventName,
      keys,
      ...(o.eventName === 'INSERT' ? { newImage: before } : {}),
      ...(o.eventName === 'MODIFY' ? { oldImage: before, newImage: after } : {}),
      ...(o.eventName === 'REMOVE' ? { oldImage: before } : {}),
      sequenceNumber: String(sequence),
      time: ctx.time,
    });
    sequence += 100n;
  }
  return dynamodbStreamEvent(changes, stream);
}

export interface HttpSampleOptions {
  method: string;
  path: string;
  body?: string;
  /** Extra headers, name/value, as given. */
  headers: [string, string][];
  /** The query string, without '?'. */
  query: string;
}

function sampleRequest(o: HttpSampleOptions, host: string, ctx: SampleContext, requestId: string): HttpRequestForEvent {
  const given = new Set(o.headers.map(([k]) => k.toLowerCase()));
  const defaults: [string, string][] = [
    ['Host', host],
    ['User-Agent', 'curl/8.5.0'],
    ['Accept', '*/*'],
    ...(o.body !== undefined ? ([['Content-Type', 'application/json']] as [string, string][]) : []),
    ['X-Amzn-Trace-Id', `Root=1-${Math.floor(ctx.time.getTime() / 1000).toString(16)}-${ctx.random.hex(24)}`],
    ['X-Forwarded-For', '203.0.113.10'],
    ['X-Forwarded-Port', '443'],
    ['X-Forwarded-Proto', 'https'],
  ];
  return {
    method: o.method,
    rawPath: o.path,
    rawQueryString: o.query,
    headers: [...defaults.filter(([k]) => !given.has(k.toLowerCase())), ...o.headers],
    body: Buffer.from(o.body ?? '', 'utf8'),
    sourceIp: '203.0.113.10',
    protocol: 'HTTP/1.1',
    requestId,
    time: ctx.time,
  };
}

export function httpSample(o: HttpSampleOptions, ctx: SampleContext): object {
  const urlId = ctx.random.chars(32, 'abcdefghijklmnopqrstuvwxyz0123456789');
  const host = `${urlId}.lambda-url.${ctx.region}.on.aws`;
  return httpApiEvent(sampleRequest(o, host, ctx, ctx.random.uuid()), { apiId: urlId, accountId: 'anonymous' });
}

export function apigwSample(o: HttpSampleOptions, ctx: SampleContext): object {
  const apiId = ctx.random.chars(10, 'abcdefghijklmnopqrstuvwxyz0123456789');
  const host = `${apiId}.execute-api.${ctx.region}.amazonaws.com`;
  const proxy = o.path.replace(/^\/+/, '');
  return restApiEvent(sampleRequest(o, host, ctx, ctx.random.uuid()), {
    apiId,
    accountId: ctx.account,
    stage: 'prod',
    resourceId: ctx.random.chars(6, 'abcdefghijklmnopqrstuvwxyz0123456789'),
    resource: '/{proxy+}',
    pathParameters: proxy ? { proxy } : undefined,
  });
}

export function albSample(o: HttpSampleOptions, ctx: SampleContext): object {
  const host = `my-alb-${ctx.random.digits(10)}.${ctx.region}.elb.amazonaws.com`;
  const targetGroupArn = `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:targetgroup/my-targets/${ctx.random.hex(16)}`;
  return albEvent(sampleRequest(o, host, ctx, ctx.random.uuid()), targetGroupArn);
}
