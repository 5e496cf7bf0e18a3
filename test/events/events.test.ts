import { cp } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { md5OfBody, sqsEvent } from '../../src/events/sqs.js';
import { scheduledEvent } from '../../src/events/schedule.js';
import { scratchDir, svl } from '../support/cli.js';
import { CARGO_TARGET_DIR, REPO_ROOT } from '../support/paths.js';

// `svl events` and `svl invoke --example`, proven against the real event types: every sample is
// decoded by aws_lambda_events (Rust; parsed, serialized again and compared field by field, since
// serde ignores unknown fields) and by aws-lambda-go (DisallowUnknownFields).
const TYPES = path.join(REPO_ROOT, 'test', 'fixtures', 'event-types');
let outside: string; // no svl.json anywhere up from here
let goChecker: string;
let rustChecker: string;

beforeAll(async () => {
  outside = await scratchDir('events');
  goChecker = path.join(outside, 'go-check');
  rustChecker = path.join(CARGO_TARGET_DIR, 'release', 'svl-event-types-check');
  // Each checker is built once per run; the Rust one shares the suite's cargo target dir.
  await Promise.all([
    execa('go', ['build', '-o', goChecker, '.'], { cwd: path.join(TYPES, 'go') }),
    execa('cargo', ['build', '--release', '--locked', '--quiet'], { cwd: path.join(TYPES, 'rust'), env: { CARGO_TARGET_DIR } }),
  ]);
}, 20 * 60_000);

interface Checked {
  type: string;
  json: unknown;
}

/** Both checkers' verdicts, one line per input: `ok <type>` or `FAIL <type>: why`. */
async function check(inputs: Checked[]): Promise<{ go: string[]; rust: string[] }> {
  const input = `${inputs.map((i) => JSON.stringify(i)).join('\n')}\n`;
  const [go, rust] = await Promise.all([execa(goChecker, { input, reject: false }), execa(rustChecker, { input, reject: false })]);
  return { go: go.stdout.split('\n'), rust: rust.stdout.split('\n') };
}

// biome-ignore lint/suspicious/noExplicitAny: a sample is arbitrary JSON, read and edited field by field
type Json = any;

async function sample(args: string[]): Promise<Json> {
  const r = await svl(['events', ...args], { cwd: outside });
  expect(r.stderr, `svl events ${args.join(' ')}`).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout);
}

const CASES: [type: string, args: string[]][] = [
  ['sqs', []],
  ['sqs', ['--count', '3', '--body', 'order {n}']],
  ['sqs', ['--fifo', '--count', '2']],
  ['sqs', ['--group', 'g1', '--queue', 'arn:aws:sqs:eu-west-1:111122223333:orders.fifo']],
  ['s3', []],
  ['s3', ['--bucket', 'photos', '--key', 'my dir/a b+c.txt', '--size', '5']],
  ['s3', ['--event-name', 'ObjectRemoved:Delete']],
  ['schedule', []],
  ['schedule', ['--rule', 'arn:aws:events:eu-west-1:111122223333:rule/nightly', '--time', '2026-12-02T10:00:00.456Z']],
  ['dynamodb', []],
  ['dynamodb', ['--event-name', 'MODIFY', '--count', '3', '--table', 'orders']],
  ['dynamodb', ['--event-name', 'REMOVE', '--table', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders']],
  ['http', []],
  ['http', ['--method', 'put', '--path', '/items/7', '--body', '{"a":1}', '--header', 'x-api-key: k', '--header', 'Cookie: a=1; b=2', '--query', 'q=x y&q=z']],
  ['http', ['--header', 'content-type: application/octet-stream', '--body', 'raw']],
  ['apigw', []],
  ['apigw', ['--path', '/users/42', '--body', 'hi', '--header', 'X-Api-Key: k', '--query', 'a=1&a=2&b=3']],
  ['alb', []],
  ['alb', ['--method', 'POST', '--path', '/lambda', '--query', 'q=a%20b', '--body', '{}']],
];

describe('svl events', () => {
  it('every source and main option combination decodes into the real Rust and Go types', async () => {
    const inputs: Checked[] = [];
    for (const [type, args] of CASES) inputs.push({ type, json: await sample([type, ...args]) });
    const { go, rust } = await check(inputs);
    const expected = inputs.map((i) => `ok ${i.type}`);
    expect(go).toEqual(expected);
    expect(rust).toEqual(expected);
  });

  it('SQS and schedule events built by the library (message attributes, FIFO) decode too', async () => {
    const body = 'hello';
    const sqs = sqsEvent(
      [
        {
          messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
          receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
          body,
          md5OfBody: md5OfBody(body),
          attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1545082649183',
            SenderId: 'AIDAIENQZJOLO23YVJ4VO',
            ApproximateFirstReceiveTimestamp: '1545082649185',
            MessageGroupId: 'g',
            Ignored: 'x',
          },
          messageAttributes: {
            kind: { DataType: 'String', StringValue: 'order' },
            n: { DataType: 'Number', StringValue: '3' },
            raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
          },
        },
      ],
      { arn: 'arn:aws:sqs:us-east-2:123456789012:q', region: 'us-east-2' },
    );
    const record = sqs.Records[0]!;
    expect(record.attributes).toEqual({
      ApproximateReceiveCount: '2',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
      MessageGroupId: 'g',
    });
    expect(record.messageAttributes.raw).toEqual({ binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' });
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(record.md5OfBody).toBe('5d41402abc4b2a76b9719d911017c592');
    const none = sqsEvent([{ ...record, md5OfBody: record.md5OfBody, attributes: {}, messageAttributes: undefined }], {
      arn: 'arn:aws:sqs:us-east-2:123456789012:q',
      region: 'us-east-2',
    });
    expect(none.Records[0]!.md5OfMessageAttributes).toBeNull();
    const schedule = scheduledEvent({
      time: new Date('2026-12-02T10:00:00.789Z'),
      ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r',
      region: 'us-east-1',
      account: '123456789012',
    });
    expect(schedule.time).toBe('2026-12-02T10:00:00Z');
    const { go, rust } = await check([
      { type: 'sqs', json: sqs },
      { type: 'sqs', json: none },
      { type: 'schedule', json: schedule },
    ]);
    expect(go).toEqual(['ok sqs', 'ok sqs', 'ok schedule']);
    expect(rust).toEqual(['ok sqs', 'ok sqs', 'ok schedule']);
  });

  it('the checkers catch a misspelt field (each fails on it)', async () => {
    const sqs = await sample(['sqs']);
    sqs.Records[0].md5OfBodyy = sqs.Records[0].md5OfBody;
    delete sqs.Records[0].md5OfBody;
    const apigw = await sample(['apigw']);
    apigw.requestContext.httpMethodd = apigw.requestContext.httpMethod;
    const { go, rust } = await check([
      { type: 'sqs', json: sqs },
      { type: 'apigw', json: apigw },
    ]);
    expect(go[0]).toMatch(/^FAIL sqs: .*unknown field "md5OfBodyy"/);
    expect(go[1]).toMatch(/^FAIL apigw: .*unknown field "httpMethodd"/);
    expect(rust[0]).toMatch(/^FAIL sqs: .*md5OfBodyy is not a field of the type/);
    expect(rust[1]).toMatch(/^FAIL apigw: .*httpMethodd is not a field of the type/);
  });

  it('the samples carry what the options say, as AWS writes it', async () => {
    const fifo = await sample(['sqs', '--fifo', '--count', '2', '--body', 'm{n}']);
    expect(fifo.Records.map((r: { body: string }) => r.body)).toEqual(['m1', 'm2']);
    expect(fifo.Records[0].eventSourceARN).toBe('arn:aws:sqs:us-east-1:123456789012:my-queue.fifo');
    expect(Object.keys(fifo.Records[0].attributes)).toEqual(
      expect.arrayContaining([
        'ApproximateReceiveCount',
        'SentTimestamp',
        'SenderId',
        'ApproximateFirstReceiveTimestamp',
        'SequenceNumber',
        'MessageGroupId',
        'MessageDeduplicationId',
      ]),
    );
    expect(fifo.Records[0].md5OfBody).toBe(md5OfBody('m1'));
    const s3 = await sample(['s3', '--key', 'my dir/a b+c.txt', '--region', 'eu-central-1']);
    expect(s3.Records[0].s3.object.key).toBe('my+dir/a+b%2Bc.txt');
    expect(s3.Records[0]).toMatchObject({ eventName: 'ObjectCreated:Put', awsRegion: 'eu-central-1' });
    const removed = await sample(['s3', '--event-name', 'ObjectRemoved:Delete']);
    expect(removed.Records[0].s3.object.size).toBeUndefined();
    const schedule = await sample(['schedule', '--time', '2026-12-02T10:00:00.456Z', '--account', '111122223333']);
    expect(schedule).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-12-02T10:00:00Z',
      account: '111122223333',
      detail: {},
    });
    expect(schedule.resources).toEqual(['arn:aws:events:us-east-1:111122223333:rule/my-schedule']);
    const modify = await sample(['dynamodb', '--event-name', 'MODIFY']);
    expect(Object.keys(modify.Records[0].dynamodb)).toEqual(expect.arrayContaining(['Keys', 'OldImage', 'NewImage']));
    expect(modify.Records[0].dynamodb.NewImage.Id).toEqual({ N: '101' });
    const http = await sample(['http', '--header', 'content-type: application/octet-stream', '--body', 'raw', '--query', 'a=1&a=2']);
    expect(http).toMatchObject({ version: '2.0', isBase64Encoded: true, body: Buffer.from('raw').toString('base64'), queryStringParameters: { a: '1,2' } });
    expect(http.requestContext.http.method).toBe('POST');
    const apigw = await sample(['apigw', '--path', '/users/42', '--query', 'a=1&a=2']);
    expect(apigw).toMatchObject({
      resource: '/{proxy+}',
      path: '/users/42',
      pathParameters: { proxy: 'users/42' },
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
    });
    expect(apigw.requestContext.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    // With a seed and a time the sample is the same every run.
    const seeded = ['alb', '--seed', 'abc', '--time', '2026-12-02T10:00:00Z'];
    expect(await sample(seeded)).toEqual(await sample(seeded));
  });

  it('--list names every source; --help a source its options', async () => {
    const list = await svl(['events', '--list'], { cwd: outside });
    expect(list.exitCode).toBe(0);
    expect(list.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['sqs', 's3', 'schedule', 'dynamodb', 'http', 'apigw', 'alb']);
    const help = await svl(['events', 's3', '--help'], { cwd: outside });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--event-name');
  });

  it.each([
    [['events', 'kafka'], "svl: unknown event source 'kafka' — valid: sqs, s3, schedule, dynamodb, http, apigw, alb"],
    [
      ['events', 'sqs', '--bucket', 'b'],
      "svl: unknown option '--bucket' for sqs events — valid: --region, --account, --seed, --time, --body, --count, --queue, --fifo, --group",
    ],
    [['events', 'sqs', '--count', 'many'], "svl: --count must be a positive whole number, got 'many'"],
    [['events', 'sqs', '--fifo', '--queue', 'q'], 'svl: FIFO queue names end in .fifo — pass --queue q.fifo'],
    [
      ['events', 's3', '--event-name', 'Put'],
      "svl: unknown --event-name 'Put' — valid: ObjectCreated:Put, ObjectCreated:Post, ObjectCreated:Copy, ObjectCreated:CompleteMultipartUpload, ObjectRemoved:Delete, ObjectRemoved:DeleteMarkerCreated, ObjectRestore:Post, ObjectRestore:Completed, ObjectTagging:Put, ObjectTagging:Delete, LifecycleExpiration:Delete",
    ],
    [['events', 'dynamodb', '--count', '0'], "svl: --count must be a positive whole number, got '0'"],
    [['events', 'schedule', '--time', 'soon'], "svl: --time 'soon' is not a date — write it like 2026-12-02T10:00:00Z"],
    [['events', 'http', '--header', 'nocolon'], "svl: --header 'nocolon' is not name:value — write it like --header 'x-api-key: abc'"],
    [['events'], undefined],
    [['invoke', '--example', 'sqs', '--data', '{}'], 'svl: give the event one way: --example <source>, --event <file>, --data <json> or - (stdin)'],
    [['invoke', '--example', 'nope'], "svl: unknown event source 'nope' — valid: sqs, s3, schedule, dynamodb, http, apigw, alb"],
    [
      ['invoke', '--example', 'sqs', '--size', '1'],
      "svl: unknown option '--size' for sqs events — valid: --region, --account, --seed, --time, --body, --count, --queue, --fifo, --group",
    ],
  ])('svl %j is a usage error (exit 2, one line)', async (args, message) => {
    const r = await svl(args, { cwd: outside });
    expect(r.exitCode).toBe(2);
    if (message) expect(r.stderr.trim()).toBe(message);
    else expect(r.stdout).toContain('Usage: svl events <source>');
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(1);
  });
});

describe('svl invoke --example', () => {
  it('sends the sample to a real Go function, which decodes it with aws-lambda-go and answers', async () => {
    const dir = await scratchDir('events-invoke');
    await cp(path.join(TYPES, 'go-sqs-function'), dir, { recursive: true });
    const r = await svl(['invoke', '--example', 'sqs', '--count', '3', '--body', 'order {n}'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      records: 3,
      bodies: ['order 1', 'order 2', 'order 3'],
      eventSource: 'aws:sqs',
      queue: 'arn:aws:sqs:us-east-1:123456789012:my-queue',
    });
    expect(r.stderr).toMatch(/^REPORT RequestId: /m);
  });
});
