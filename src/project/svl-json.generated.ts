// Generated from schema/svl.schema.json by scripts/gen-config-types.mjs — do not edit; run `npm run build`.

/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "size".
 */
export type Size = number | string;
/**
 * svl deploy: the Lambda function URL — "iam" (AuthType AWS_IAM), "public" (AuthType NONE and the two public invoke permissions) or "none" (delete the URL and svl's permissions). Left out (and no --function-url): an existing URL is kept as it is.
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "functionUrl".
 */
export type FunctionUrl = 'iam' | 'public' | 'none';
/**
 * The function URL's invoke mode: BUFFERED (default; the response is returned whole, up to 6 MB) or RESPONSE_STREAM (the function streams its response as it writes it, up to 200 MB; svl dev and svl deploy both honour it)
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "invokeMode".
 */
export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';
/**
 * Rust functions on Lambda: how the release bootstrap is linked. "pie" (default): a position-independent executable, loaded at a random address on each start (ASLR), as Rust builds for Linux by default. "static": -C relocation-model=static, a fixed-address executable whose zip is 2-3% smaller (bench/size.mjs), at the price of ASLR for the main image: its code and data sit at known addresses, which makes a memory-safety bug (in unsafe or C code) easier to exploit. Not for Go: Go's Lambda builds are already fixed-address executables.
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "relocationModel".
 */
export type RelocationModel = 'pie' | 'static';
/**
 * A trigger of the function: svl dev runs it locally (SQS polled from an SQS-compatible endpoint, schedules fired here, S3 notifications read from the queue the bucket notifies)
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "eventSource".
 */
export type EventSource = SqsEventSource | ScheduleEventSource | S3EventSource;
/**
 * svl deploy: upload the zip to s3://<bucket>/svl/<function>/<sha256>.zip and deploy it from there (needed over Lambda's 50 MB direct-upload limit); the bucket must exist in the function's region
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "s3Bucket".
 */
export type S3Bucket = string;

export interface SvlJson {
  $schema?: string;
  /**
   * Project name; in a single-function svl.json (no "functions") also the function's (or Cloud Run service's) name: 1-64 of A-Z a-z 0-9 - _
   */
  name: string;
  /**
   * Single-function svl.json: where the function runs. With "functions"/"services" it is the default platform of nothing and may be left out.
   */
  platform?: 'lambda' | 'cloudrun';
  /**
   * Single-function svl.json: the function's language
   */
  language?: 'rust' | 'go';
  /**
   * Lambda event shape the template was generated for
   */
  flavor?: 'http' | 'event' | 'sqs' | 's3' | 'schedule' | 'dynamodb' | 'stream';
  /**
   * Lambda runtime: compiled functions run on the OS-only runtime
   */
  runtime?: 'provided.al2023';
  arch?: 'arm64' | 'x86_64';
  /**
   * Lambda MemorySize in MB
   */
  memory?: number;
  /**
   * Lambda Timeout in seconds
   */
  timeout?: number;
  /**
   * instances svl dev may run at once
   */
  concurrency?: number;
  region?: string;
  description?: string;
  environment?: Environment;
  tags?: Tags;
  size?: SizeBudgets;
  cloudrun?: CloudRunSettings;
  /**
   * Single-function svl.json: a prebuilt Lambda bootstrap (ELF) or zip to use instead of building
   */
  artifact?: string;
  functionUrl?: FunctionUrl;
  invokeMode?: InvokeMode;
  relocationModel?: RelocationModel;
  /**
   * Triggers svl dev runs locally and a stack deploys: SQS queues, schedules, S3 buckets
   */
  events?: EventSource[];
  s3Bucket?: S3Bucket;
  /**
   * Lambda functions of the project, by name. Top-level arch, memory, timeout, concurrency, region, environment, tags, size, functionUrl and s3Bucket are their defaults.
   */
  functions?: {
    [k: string]: LambdaFunction;
  };
  /**
   * Cloud Run services of the project, by name
   */
  services?: {
    [k: string]: CloudRunService;
  };
  /**
   * svl dev: HTTP routes on the one port, first match wins (method + path pattern → function), like cargo-lambda's router. /lambda-url/<name>/… always reaches <name>.
   */
  routes?: Route[];
  /**
   * svl dev: the function that answers bare function-URL paths no route matches (default: the only function, or the one at path ".")
   */
  default?: string;
  /**
   * svl deploy --stack / svl export / svl destroy: the project as one CloudFormation stack
   */
  stack?: {
    /**
     * The stack's name (default: svl-<project name>); --stack <name> overrides it
     */
    name?: string;
    /**
     * S3 bucket the built zips are uploaded to, keyed by content hash (default: one svl creates and tags managed-by=svl, svl-<account>-<region>-artifacts)
     */
    bucket?: string;
  };
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "environment".
 */
export interface Environment {
  [k: string]: string;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "tags".
 */
export interface Tags {
  [k: string]: string;
}
/**
 * Size budgets: bytes as a number, or a string such as "900 kB", "1.5 MB" (SI, 1000) or "2 MiB" (IEC, 1024)
 *
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "sizeBudgets".
 */
export interface SizeBudgets {
  zip?: Size;
  binary?: Size;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "cloudRunSettings".
 */
export interface CloudRunSettings {
  service?: string;
  region?: string;
  memory?: string;
  cpu?: string;
  concurrency?: number;
  timeout?: number;
  minInstances?: number;
  maxInstances?: number;
  cpuBoost?: boolean;
  allowUnauthenticated?: boolean;
  /**
   * the identity the service runs as (gcloud run deploy --service-account): a service account's email, e.g. ocr-runtime@my-project.iam.gserviceaccount.com. Unset: Cloud Run uses the project's default compute service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com)
   */
  serviceAccount?: string;
  /**
   * env var name -> Secret Manager secret name (mounted as :latest); the service account must be allowed roles/secretmanager.secretAccessor on each
   */
  secrets?: {
    [k: string]: string;
  };
  /**
   * Cloud Run billing mode: "request" (default; CPU only while a request is served, gcloud --cpu-throttling) or "instance" (CPU always allocated, gcloud --no-cpu-throttling)
   */
  billing?: 'request' | 'instance';
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "lambdaFunction".
 */
export interface LambdaFunction {
  /**
   * The function's folder, relative to svl.json (default: functions/<name>)
   */
  path?: string;
  language?: 'rust' | 'go';
  /**
   * Lambda event shape the function was generated for
   */
  flavor?: 'http' | 'event' | 'sqs' | 's3' | 'schedule' | 'dynamodb' | 'stream';
  runtime?: 'provided.al2023';
  arch?: 'arm64' | 'x86_64';
  memory?: number;
  timeout?: number;
  concurrency?: number;
  description?: string;
  environment?: Environment;
  tags?: Tags;
  size?: SizeBudgets;
  /**
   * A prebuilt bootstrap (ELF) or zip, relative to svl.json: dev, size and deploy use it without building
   */
  artifact?: string;
  functionUrl?: FunctionUrl;
  invokeMode?: InvokeMode;
  relocationModel?: RelocationModel;
  /**
   * Triggers svl dev runs locally and a stack deploys: SQS queues, schedules, S3 buckets
   */
  events?: EventSource[];
  s3Bucket?: S3Bucket;
  /**
   * Rust: the cargo binary target (default: the function's name, else 'bootstrap', else the package's only binary)
   */
  bin?: string;
  /**
   * Rust: the cargo package that holds the binary (default: the package at path)
   */
  package?: string;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "cloudRunService".
 */
export interface CloudRunService {
  /**
   * The function's folder, relative to svl.json (default: functions/<name>)
   */
  path?: string;
  language: 'rust' | 'go';
  arch?: 'arm64' | 'x86_64';
  environment?: Environment;
  size?: SizeBudgets;
  bin?: string;
  cloudrun?: CloudRunSettings;
  /**
   * Cloud Run multi-container service: the ingress container's name (default "ingress"); it alone receives requests on $PORT
   */
  container?: string;
  /**
   * Cloud Run multi-container service: containers beside the ingress in the same instance, by container name; they listen on 127.0.0.1:<port>, start first, and the ingress depends on each one's startup probe
   */
  sidecars?: {
    [k: string]: CloudRunSidecar;
  };
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "cloudRunSidecar".
 */
export interface CloudRunSidecar {
  /**
   * The sidecar's folder, relative to svl.json
   */
  path: string;
  language: 'rust' | 'go';
  bin?: string;
  /**
   * The port it listens on at 127.0.0.1 (not $PORT, which belongs to the ingress)
   */
  port: number;
  /**
   * HTTP path of its startup probe (default /healthz)
   */
  health?: string;
  cpu?: string;
  memory?: string;
  environment?: Environment;
  size?: SizeBudgets;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "route".
 */
export interface Route {
  /**
   * HTTP method, or ANY (default)
   */
  method?: string;
  /**
   * Path pattern: literal segments, {param} for one segment, {proxy+} (last) for the rest
   */
  path: string;
  function: string;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "sqsEventSource".
 */
export interface SqsEventSource {
  type: 'sqs';
  /**
   * The trigger's name (svl dev --trigger <name>; default: <function>-<type>-<n>)
   */
  name?: string;
  /**
   * The queue: its URL, ARN, or name (resolved with GetQueueUrl)
   */
  queue: string;
  /**
   * An SQS-compatible endpoint URL for svl dev (default: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, then AWS)
   */
  endpoint?: string;
  /**
   * Most messages per invoke (Lambda: 1-10000, FIFO queues 1-10; default 10)
   */
  batchSize?: number;
  /**
   * MaximumBatchingWindowInSeconds: seconds to gather a batch (0-300, default 0)
   */
  batchingWindow?: number;
  /**
   * FunctionResponseTypes ReportBatchItemFailures: only the batchItemFailures the function returns are retried (default false, as in Lambda: any error retries the whole batch)
   */
  reportBatchItemFailures?: boolean;
  /**
   * false: declared but not run by svl dev (default true)
   */
  enabled?: boolean;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "scheduleEventSource".
 */
export interface ScheduleEventSource {
  type: 'schedule';
  /**
   * The trigger's name (svl dev --trigger <name>; default: <function>-<type>-<n>)
   */
  name?: string;
  /**
   * EventBridge schedule expression: rate(<n> minute|minutes|hour|hours|day|days) or cron(<min> <hour> <day-of-month> <month> <day-of-week> <year>), UTC
   */
  schedule: string;
  /**
   * Constant JSON passed instead of the scheduled event (EventBridge target Input)
   */
  input?: {
    [k: string]: unknown;
  };
  /**
   * false: declared but not run by svl dev (default true)
   */
  enabled?: boolean;
}
/**
 * This interface was referenced by `SvlJson`'s JSON-Schema
 * via the `definition` "s3EventSource".
 */
export interface S3EventSource {
  type: 's3';
  /**
   * The trigger's name (svl dev --trigger <name>; default: <function>-<type>-<n>)
   */
  name?: string;
  bucket: string;
  /**
   * S3 event types (default ["s3:ObjectCreated:*"])
   *
   * @minItems 1
   */
  events?: [string, ...string[]];
  prefix?: string;
  suffix?: string;
  /**
   * svl dev: the SQS queue (URL, ARN or name) the bucket's notifications go to; svl reads S3 events from it
   */
  queue?: string;
  /**
   * An SQS-compatible endpoint URL for svl dev (default: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, then AWS)
   */
  endpoint?: string;
  /**
   * false: declared but not run by svl dev (default true)
   */
  enabled?: boolean;
}
