import { Agent, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forbidden, header, send, type ExtensionsApi } from './extensions-api.js';
import { readBody } from './http-body.js';
import type { Outcome } from './invocation.js';
import { billedDurationMs, type ReportFields } from './report.js';

// The Lambda Telemetry API 2022-07-01 and the older Logs API 2020-08-15, on the sandbox's Runtime
// API address: https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html and
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html. Subscribers get JSON arrays
// of records POSTed to the HTTP listener they name, batched as their `buffering` asks.

export const TELEMETRY_PATH = '/2022-07-01/telemetry';
export const LOGS_PATH = '/2020-08-15/logs';

/** Lambda's buffering bounds and defaults (Telemetry API reference). */
const BUFFERING = {
  maxItems: { min: 1_000, max: 10_000, default: 10_000 },
  maxBytes: { min: 262_144, max: 1_048_576, default: 262_144 },
  timeoutMs: { min: 25, max: 30_000, default: 1_000 },
} as const;
const TYPES = new Set(['platform', 'function', 'extension']);
/** Lambda's subscribers listen inside the sandbox, which svl dev is: these names mean loopback. */
const SANDBOX_HOSTS = new Set(['sandbox.localdomain', 'sandbox', 'localhost', '127.0.0.1']);
/** How often a delivery is tried while the subscriber is not listening yet (it binds after subscribing). */
const DELIVERY_ATTEMPTS = 20;
const RETRY_MS = 50;
/** Records kept for a subscriber that does not keep up; past that Lambda drops them too. */
const MAX_QUEUED = 10_000;

type RecordType = 'platform' | 'function' | 'extension';

export interface TelemetryRecord {
  time: string;
  type: string;
  record: unknown;
}

interface Subscriber {
  extension: string;
  api: 'telemetry' | 'logs';
  types: Set<RecordType>;
  port: number;
  path: string;
  hostHeader: string;
  buffering: { maxItems: number; maxBytes: number; timeoutMs: number };
  queue: string[];
  queuedBytes: number;
  timer?: NodeJS.Timeout;
  sending: boolean;
  agent: Agent;
}

/** Init's records are kept and replayed to later subscribers: they subscribe during init. */
const MAX_BACKLOG = 1_000;

export class TelemetryApi {
  private readonly subscribers: Subscriber[] = [];
  private backlog: TelemetryRecord[] = [];
  private initOver = false;
  private closed = false;

  /** Created with the sandbox, so its init starts now. */
  constructor(private readonly extensions: ExtensionsApi) {
    this.platform('platform.initStart', { initializationType: 'on-demand', phase: 'init' });
  }

  /** The runtime and every extension have reached their first /next. */
  initDone(durationMs: number): void {
    this.platform('platform.initRuntimeDone', { initializationType: 'on-demand', phase: 'init', status: 'success', spans: [] });
    this.platform('platform.initReport', {
      initializationType: 'on-demand',
      phase: 'init',
      status: 'success',
      metrics: { durationMs: round(durationMs) },
      spans: [],
    });
    this.initOver = true;
  }

  invocationStart(requestId: string, traceId: string): void {
    this.platform('platform.start', { requestId, version: '$LATEST', tracing: { type: 'X-Amzn-Trace-Id', value: traceId } });
  }

  /** platform.runtimeDone and platform.report, with the numbers of the REPORT line. */
  invocationDone(r: ReportFields, outcome: Outcome): void {
    const status = outcome.ok
      ? 'success'
      : outcome.errorType === 'Sandbox.Timedout'
        ? 'timeout'
        : /^(Runtime|Sandbox|Extension)\./.test(outcome.errorType)
          ? 'failure'
          : 'error';
    const errorType = outcome.ok ? {} : { errorType: outcome.errorType };
    const durationMs = round(r.durationMs);
    this.platform('platform.runtimeDone', {
      requestId: r.requestId,
      status,
      ...errorType,
      metrics: { durationMs, producedBytes: outcome.payload.length },
      spans: [],
    });
    const metrics: Record<string, number> = {
      durationMs,
      billedDurationMs: billedDurationMs(r),
      memorySizeMB: r.memorySizeMb,
      maxMemoryUsedMB: r.maxMemoryUsedMb,
    };
    if (r.initDurationMs !== undefined) metrics.initDurationMs = round(r.initDurationMs);
    this.platform('platform.report', { requestId: r.requestId, status, ...errorType, metrics, spans: [] });
  }

  get active(): boolean {
    return this.subscribers.length > 0;
  }

  /** One line written to stdout or stderr: by the runtime (and the internal extensions in its process), or by an external extension. */
  logLine(source: 'function' | 'extension', line: string): void {
    this.emit(source, source, line);
  }

  /** A `platform.*` event, e.g. platform.start with `{ requestId, version }`. */
  platform(type: string, record: object): void {
    this.emit('platform', type, record);
  }

  /** Sends what is buffered now; resolves when every subscriber has had it (or given up). */
  async flush(): Promise<void> {
    await Promise.all(this.subscribers.map((s) => this.deliver(s)));
  }

  close(): void {
    this.closed = true;
    for (const s of this.subscribers) {
      clearTimeout(s.timer);
      s.agent.destroy();
    }
  }

  async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const api = path === TELEMETRY_PATH ? 'telemetry' : 'logs';
    if (req.method !== 'PUT') return send(res, 405, { errorType: 'MethodNotAllowed', errorMessage: `${req.method} ${path}` });
    const body = await readBody(req, 64 * 1024);
    const id = header(req, 'lambda-extension-identifier');
    if (!id) return forbidden(res, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
    const ext = this.extensions.find(id);
    if (!ext) return forbidden(res, 'Extension.UnknownExtensionIdentifier', `Unknown extension ${id}`);
    let sub: Subscriber;
    try {
      sub = parseSubscription(api, ext.name, body);
    } catch (err) {
      return send(res, 400, { errorType: 'ValidationError', errorMessage: (err as Error).message });
    }
    // One subscription per extension and API: a second one replaces the first.
    const at = this.subscribers.findIndex((s) => s.extension === sub.extension && s.api === sub.api);
    if (at !== -1) this.subscribers.splice(at, 1)[0]!.agent.destroy();
    this.subscribers.push(sub);
    for (const r of this.backlog) this.enqueue(sub, r);
    send(res, 200, 'OK');
  }

  private emit(kind: RecordType, type: string, record: unknown): void {
    if (this.closed) return;
    const item: TelemetryRecord = { time: new Date().toISOString(), type, record };
    if (!this.initOver && this.backlog.length < MAX_BACKLOG) this.backlog.push(item);
    for (const s of this.subscribers) if (s.types.has(kind)) this.enqueue(s, item);
  }

  private enqueue(s: Subscriber, item: TelemetryRecord): void {
    const kind: RecordType = item.type === 'function' ? 'function' : item.type === 'extension' ? 'extension' : 'platform';
    if (!s.types.has(kind)) return;
    const shaped = s.api === 'logs' ? toLogsApi(item) : item;
    if (!shaped || s.queue.length >= MAX_QUEUED) return;
    const text = JSON.stringify(shaped);
    s.queue.push(text);
    s.queuedBytes += Buffer.byteLength(text);
    if (s.queue.length >= s.buffering.maxItems || s.queuedBytes >= s.buffering.maxBytes) void this.deliver(s);
    else s.timer ??= setTimeout(() => void this.deliver(s), s.buffering.timeoutMs);
  }

  /** POSTs one batch (what is queued now) to the subscriber, retrying while it is not listening. */
  private async deliver(s: Subscriber): Promise<void> {
    clearTimeout(s.timer);
    s.timer = undefined;
    if (s.sending || s.queue.length === 0 || this.closed) return;
    s.sending = true;
    const batch = s.queue.splice(0, s.buffering.maxItems);
    s.queuedBytes = s.queue.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const body = `[${batch.join(',')}]`;
    for (let attempt = 0; attempt < DELIVERY_ATTEMPTS && !this.closed; attempt++) {
      if (await post(s, body)) break;
      await new Promise((r) => setTimeout(r, RETRY_MS).unref());
    }
    s.sending = false;
    if (s.queue.length > 0) s.timer ??= setTimeout(() => void this.deliver(s), s.buffering.timeoutMs);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function post(s: Subscriber, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: s.path,
        method: 'POST',
        agent: s.agent,
        headers: { Host: s.hostHeader, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve((res.statusCode ?? 500) < 500));
        res.on('error', () => resolve(false));
      },
    );
    req.setTimeout(5_000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

function parseSubscription(api: 'telemetry' | 'logs', extension: string, body: Buffer | undefined): Subscriber {
  let spec: {
    schemaVersion?: unknown;
    destination?: { protocol?: unknown; URI?: unknown };
    types?: unknown;
    buffering?: Record<string, unknown>;
  };
  try {
    spec = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    throw new Error('the subscription body is not JSON');
  }
  const { destination } = spec;
  if (destination?.protocol !== 'HTTP') throw new Error('destination.protocol must be HTTP (TCP is not supported by svl dev)');
  let uri: URL;
  try {
    uri = new URL(String(destination.URI));
  } catch {
    throw new Error(`destination.URI is not a URL: ${String(destination.URI)}`);
  }
  if (uri.protocol !== 'http:' || !SANDBOX_HOSTS.has(uri.hostname))
    throw new Error(`destination.URI must be http://sandbox.localdomain:<port>/…, not ${uri.href}`);
  if (!Array.isArray(spec.types) || spec.types.length === 0 || spec.types.some((t) => !TYPES.has(t as string))) {
    throw new Error('types must list one or more of platform, function, extension');
  }
  const buffering = { maxItems: 0, maxBytes: 0, timeoutMs: 0 };
  for (const key of ['maxItems', 'maxBytes', 'timeoutMs'] as const) {
    const bounds = BUFFERING[key];
    const value = spec.buffering?.[key] ?? bounds.default;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
      throw new Error(`buffering.${key} must be an integer from ${bounds.min} to ${bounds.max}`);
    }
    buffering[key] = value;
  }
  return {
    extension,
    api,
    types: new Set(spec.types as RecordType[]),
    port: Number(uri.port || 80),
    path: `${uri.pathname}${uri.search}`,
    hostHeader: uri.host,
    buffering,
    queue: [],
    queuedBytes: 0,
    sending: false,
    // One kept-alive connection per subscriber, as Lambda's dispatcher does: the lambda-extension
    // crate serves each accepted connection with its own listener loop.
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
  };
}

/** The Logs API (schema 2021-03-18) has no init records and ends an invocation with platform.end. */
function toLogsApi(item: TelemetryRecord): TelemetryRecord | undefined {
  if (item.type.startsWith('platform.init')) return undefined;
  if (item.type === 'platform.runtimeDone') {
    const r = item.record as { requestId: string };
    return { time: item.time, type: 'platform.end', record: { requestId: r.requestId } };
  }
  if (item.type === 'platform.start') {
    const r = item.record as { requestId: string; version?: string };
    return { time: item.time, type: 'platform.start', record: { requestId: r.requestId, version: r.version } };
  }
  return item;
}
