import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../../core/errors.js';
import { STREAM_EVENT_NAMES } from '../../events/dynamodb.js';
import { EventRandom } from '../../events/random.js';
import {
  SAMPLE_SOURCES,
  S3_EVENT_NAMES,
  type SampleContext,
  type SampleSource,
  albSample,
  apigwSample,
  dynamodbSample,
  httpSample,
  s3Sample,
  scheduleSample,
  sqsSample,
} from '../../events/samples.js';
import { oneOf, positiveInt } from './args.js';

// The command line of the sample events, shared by `svl events <source>` and `svl invoke --example <source>`.

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface SourceFlags {
  options: Options;
  help: string[];
  build(v: Values, ctx: SampleContext): object;
}

const HTTP_OPTIONS: Options = {
  method: { type: 'string' },
  path: { type: 'string' },
  body: { type: 'string' },
  header: { type: 'string', multiple: true },
  query: { type: 'string', multiple: true },
};
const HTTP_HELP = [
  '--method <m>        HTTP method (default GET, POST with --body)',
  '--path <p>          request path (default /)',
  '--body <text>       request body (sent with content-type application/json unless --header sets one)',
  '--header <k:v>      a request header; repeatable',
  '--query <k=v&…>     query string; repeatable',
];

function httpOptions(v: Values) {
  const headers = ((v.header as string[] | undefined) ?? []).map((h): [string, string] => {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header '${h}' is not name:value — write it like --header 'x-api-key: abc'`);
    return [h.slice(0, colon).trim(), h.slice(colon + 1).trim()];
  });
  const path = (v.path as string | undefined) ?? '/';
  if (!path.startsWith('/') || /[\s?#]/.test(path))
    throw new UsageError(`--path '${path}' must start with / and hold no spaces, ? or # — put the query in --query`);
  const method = ((v.method as string | undefined) ?? (v.body !== undefined ? 'POST' : 'GET')).toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`--method '${v.method}' is not an HTTP method — e.g. GET, POST, PUT, DELETE`);
  const query = ((v.query as string[] | undefined) ?? []).map((q) => q.replace(/^\?/, '')).join('&');
  return { method, path, body: v.body as string | undefined, headers, query };
}

const SOURCE_FLAGS: Record<SampleSource, SourceFlags> = {
  sqs: {
    options: { body: { type: 'string' }, count: { type: 'string' }, queue: { type: 'string' }, fifo: { type: 'boolean' }, group: { type: 'string' } },
    help: [
      '--body <text>       message body; {n} becomes the message number (default {"message":"hello {n}"})',
      '--count <n>         messages in the batch, 1 to 10000 (default 1)',
      '--queue <name|arn>  the queue (default my-queue, my-queue.fifo for FIFO)',
      '--fifo              a FIFO queue (MessageGroupId, SequenceNumber, MessageDeduplicationId)',
      '--group <id>        the FIFO message group (implies --fifo; default group-1)',
    ],
    build(v, ctx) {
      const count = positiveInt(v.count as string | undefined, '--count') ?? 1;
      if (count > 10000) throw new UsageError(`--count ${count} is more than an SQS batch holds (10000) — use at most 10000`);
      const fifo = v.fifo === true || v.group !== undefined;
      const queue = (v.queue as string | undefined) ?? (fifo ? 'my-queue.fifo' : 'my-queue');
      if (fifo !== queue.endsWith('.fifo')) {
        throw new UsageError(
          fifo ? `FIFO queue names end in .fifo — pass --queue ${queue}.fifo` : `queue ${queue} is a FIFO queue — add --fifo (or --group <id>)`,
        );
      }
      if (fifo && count > 10) throw new UsageError(`--count ${count}: a FIFO batch holds at most 10 messages — use --count 10 or less`);
      const body = (v.body as string | undefined) ?? '{"message":"hello {n}"}';
      return sqsSample({ body, count, queue, group: fifo ? ((v.group as string | undefined) ?? 'group-1') : undefined }, ctx);
    },
  },
  s3: {
    options: { bucket: { type: 'string' }, key: { type: 'string' }, size: { type: 'string' }, 'event-name': { type: 'string' } },
    help: [
      '--bucket <name>     bucket (default my-bucket)',
      '--key <key>         object key, URL-encoded in the event as S3 does (default uploads/hello world.txt)',
      '--size <bytes>      object size (default 1024)',
      `--event-name <e>    ${S3_EVENT_NAMES.slice(0, 3).join(', ')}, … (default ObjectCreated:Put)`,
    ],
    build(v, ctx) {
      const size = v.size === '0' ? 0 : (positiveInt(v.size as string | undefined, '--size') ?? 1024);
      const bucket = (v.bucket as string | undefined) ?? 'my-bucket';
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
        throw new UsageError(`--bucket '${bucket}' is not an S3 bucket name — 3-63 lower-case letters, digits, dots and hyphens`);
      const key = (v.key as string | undefined) ?? 'uploads/hello world.txt';
      if (key === '') throw new UsageError('--key must not be empty');
      const eventName = oneOf(v['event-name'] as string | undefined, S3_EVENT_NAMES, '--event-name') ?? 'ObjectCreated:Put';
      return s3Sample({ bucket, key, size, eventName }, ctx);
    },
  },
  schedule: {
    options: { rule: { type: 'string' } },
    help: ['--rule <name|arn>   the EventBridge rule (default my-schedule)'],
    build: (v, ctx) => scheduleSample({ rule: (v.rule as string | undefined) ?? 'my-schedule' }, ctx),
  },
  dynamodb: {
    options: { table: { type: 'string' }, count: { type: 'string' }, 'event-name': { type: 'string' } },
    help: [
      '--table <name|arn>  table, or its stream ARN (default my-table)',
      '--count <n>         records, 1 to 10000 (default 1)',
      '--event-name <e>    INSERT (NewImage), MODIFY (OldImage + NewImage) or REMOVE (OldImage) (default INSERT)',
    ],
    build(v, ctx) {
      const count = positiveInt(v.count as string | undefined, '--count') ?? 1;
      if (count > 10000) throw new UsageError(`--count ${count} is more than a stream batch holds (10000) — use at most 10000`);
      const eventName = oneOf((v['event-name'] as string | undefined)?.toUpperCase(), STREAM_EVENT_NAMES, '--event-name') ?? 'INSERT';
      return dynamodbSample({ table: (v.table as string | undefined) ?? 'my-table', count, eventName }, ctx);
    },
  },
  http: { options: HTTP_OPTIONS, help: HTTP_HELP, build: (v, ctx) => httpSample(httpOptions(v), ctx) },
  apigw: { options: HTTP_OPTIONS, help: HTTP_HELP, build: (v, ctx) => apigwSample(httpOptions(v), ctx) },
  alb: { options: HTTP_OPTIONS, help: HTTP_HELP, build: (v, ctx) => albSample(httpOptions(v), ctx) },
};

const COMMON_OPTIONS: Options = { region: { type: 'string' }, account: { type: 'string' }, seed: { type: 'string' }, time: { type: 'string' } };
export const COMMON_HELP = [
  '--region <r>        region in ARNs and records (default $AWS_REGION, $AWS_DEFAULT_REGION or us-east-1)',
  '--account <id>      12-digit account id (default 123456789012)',
  '--seed <text>       the same seed gives the same ids (with --time, the same event)',
  '--time <iso>        the event time (default now)',
];

export const SOURCE_NAMES = Object.keys(SAMPLE_SOURCES) as SampleSource[];

export function sampleSource(name: string | undefined, command: string): SampleSource {
  if (name === undefined) throw new UsageError(`name a source: svl ${command} <source> — valid: ${SOURCE_NAMES.join(', ')}`);
  if (!(SOURCE_NAMES as string[]).includes(name)) throw new UsageError(`unknown event source '${name}' — valid: ${SOURCE_NAMES.join(', ')}`);
  return name as SampleSource;
}

/** One source's options in help form. */
export function sourceHelp(source: SampleSource): string[] {
  return SOURCE_FLAGS[source].help;
}

/**
 * Parses argv with `own` (the command's options) plus the source's: an option that is neither is a
 * usage error naming the source's valid ones.
 */
export function parseSampleFlags<O extends Options>(argv: string[], source: SampleSource, own: O, command: string) {
  const sourceOptions = { ...COMMON_OPTIONS, ...SOURCE_FLAGS[source].options };
  try {
    return parseArgs({ args: argv, options: { ...sourceOptions, ...own }, allowPositionals: true, strict: true });
  } catch (err) {
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    const valid = Object.keys(sourceOptions).map((o) => `--${o}`);
    if (unknown) throw new UsageError(`unknown option '${unknown}' for ${source} events — valid: ${valid.join(', ')}`);
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
    throw new UsageError(`${msg} — see 'svl ${command} --help'`);
  }
}

/** The sample event for parsed flags. */
export function sampleEvent(source: SampleSource, values: Values, env: NodeJS.ProcessEnv): object {
  const region = (values.region as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`region '${region}' is not an AWS region — e.g. us-east-1, pass --region`);
  const account = (values.account as string | undefined) ?? '123456789012';
  if (!/^\d{12}$/.test(account)) throw new UsageError(`--account '${account}' is not a 12-digit AWS account id`);
  let time = new Date();
  if (values.time !== undefined) {
    time = new Date(values.time as string);
    if (Number.isNaN(time.getTime())) throw new UsageError(`--time '${values.time}' is not a date — write it like 2026-12-02T10:00:00Z`);
  }
  return SOURCE_FLAGS[source].build(values, { region, account, time, random: new EventRandom(values.seed as string | undefined) });
}

/** The source of `--example <source>` in argv, if any (`svl invoke --example sqs --count 3`). */
export function exampleSource(argv: string[]): SampleSource | undefined {
  const i = argv.findIndex((a) => a === '--example' || a.startsWith('--example='));
  if (i < 0) return undefined;
  const name = argv[i]!.startsWith('--example=') ? argv[i]!.slice('--example='.length) : argv[i + 1];
  return sampleSource(name === undefined || name.startsWith('-') ? undefined : name, 'invoke --example');
}
