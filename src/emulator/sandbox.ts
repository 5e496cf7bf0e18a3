import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { EXTENSIONS_PREFIX, ExtensionsApi, type RegisteredExtension } from './extensions-api.js';
import { extensionExited, killExtension, startExternalExtensions, type ExternalExtension } from './external-extensions.js';
import { readBody } from './http-body.js';
import { errorOutcome, type Invocation, type InvocationResult, type Outcome } from './invocation.js';
import { INIT_TIMEOUT_MS, MAX_RESPONSE_BYTES, MAX_STREAMED_RESPONSE_BYTES } from './limits.js';
import { ProcessTreeMemory } from './proc-memory.js';
import { endLine, reportLine, startLine, type ReportFields } from './report.js';
import { isStreamedResponse, pipeResponse, trailerError, type ResponseSink } from './response-stream.js';
import { LOGS_PATH, TELEMETRY_PATH, TelemetryApi } from './telemetry-api.js';
import { functionArn, lambdaEnvironment, type FunctionSettings } from './function-settings.js';

const PREFIX = '/2018-06-01/runtime/';
const MB = 1024 * 1024;
/** How often VmRSS is sampled while an invocation runs, to enforce MemorySize. */
const MEMORY_POLL_MS = 20;
/** Lambda's Shutdown phase limits: 500 ms with internal extensions only, 2 s with external ones. */
const SHUTDOWN_INTERNAL_MS = 500;
const SHUTDOWN_EXTERNAL_MS = 2_000;

export interface SandboxOptions {
  binary: string;
  fn: FunctionSettings;
  hostEnv: Record<string, string | undefined>;
  instanceNo: number;
  /** Every log line, as Lambda would send it to CloudWatch. */
  onLog: (line: string) => void;
}

interface Running {
  inv: Invocation;
  resolve: (r: InvocationResult) => void;
  log: string[];
  /** When /next handed the event over (undefined until then). */
  deliveredAt?: number;
  /** The one timer watching MemorySize and the deadline (see watch()). */
  timer?: NodeJS.Timeout;
  settled: boolean;
  startPrinted: boolean;
}

/**
 * One Lambda execution environment: the function's process and its own Runtime API server
 * (2018-06-01, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) on 127.0.0.1.
 * It runs one invocation at a time; a timeout, crash or memory overrun ends it for good.
 */
export class Sandbox {
  private server!: Server;
  private child?: ChildProcess;
  private memory?: ProcessTreeMemory;
  private spawnedAt = 0;
  private initDurationMs?: number;
  private coldReported = false;
  private waitingNext?: ServerResponse;
  private running?: Running;
  private initError?: Outcome;
  private pendingLog: string[] = [];
  /** Highest RSS seen by sampling: /proc is gone once a crashed process is reaped. */
  private sampledPeak = 0;
  private lastRequestId?: string;
  private exitReason?: string;
  private warnedBufferedStream = false;
  /** Constant for the sandbox's life: built once instead of on every /next. */
  private readonly arn: string;
  /** The Extensions and Telemetry APIs on this sandbox's Runtime API address. */
  private readonly extensions: ExtensionsApi;
  private readonly telemetry: TelemetryApi;
  private runtimeCalledNext = false;
  /** Epoch ms by which the last delivered invocation (runtime and extensions) must be over. */
  private deadlineMs = 0;
  private readonly freeWaiters: (() => void)[] = [];
  /** Processes started from the function's extensions/ folder. */
  private externals: ExternalExtension[] = [];
  private shuttingDown = false;
  dead = false;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(private readonly opts: SandboxOptions) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.arn = functionArn(opts.fn);
    this.extensions = new ExtensionsApi({
      functionName: opts.fn.name,
      accountId: opts.fn.accountId,
      onAllReady: () => this.tryDeliver(),
      onError: (phase, ext, errorType, message) => this.extensionError(phase, ext, errorType, message),
    });
    this.telemetry = new TelemetryApi(this.extensions);
    this.ready = this.start().catch((err: Error) => this.onExit(`sandbox failed to start: ${err.message}`));
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  private async start(): Promise<void> {
    this.server = createServer((req, res) => void this.route(req, res).catch(() => res.destroy()));
    this.server.keepAliveTimeout = 0; // the runtime keeps one connection open across long polls
    this.server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    if (this.dead) {
      this.closeServer();
      return this.onExit('killed before start');
    }
    const api = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const env = lambdaEnvironment(this.opts.fn, api, this.opts.instanceNo, this.opts.hostEnv);
    this.spawnedAt = performance.now();
    this.externals = startExternalExtensions(
      this.opts.fn.taskRoot,
      env,
      (line) => this.functionOutput(line, 'extension'),
      (name, why) => this.externalExited(name, why),
    );
    for (const e of this.externals) this.extensions.expectExternal(e.name);
    // Its own process group, so a kill takes the whole tree the function may have started.
    const child = spawn(this.opts.binary, [], { cwd: this.opts.fn.taskRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    if (child.pid) this.memory = new ProcessTreeMemory(child.pid);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.functionOutput(line));
    }
    child.on('error', (err) => this.onExit(`Runtime failed to start: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`));
    setTimeout(() => {
      if (this.initDurationMs === undefined && !this.dead) this.fail('Sandbox.Timedout', `INIT timed out after ${INIT_TIMEOUT_MS / 1000} seconds`);
    }, INIT_TIMEOUT_MS).unref();
  }

  /** Runs one invocation here; the sandbox must be idle. Always resolves. */
  run(inv: Invocation): Promise<InvocationResult> {
    return new Promise((resolve) => {
      const log = [startLine(inv.requestId)];
      // Init output belongs in the first invocation's log tail, before START as in CloudWatch.
      if (this.pendingLog.length > 0) log.unshift(...this.pendingLog.splice(0));
      // START is printed with the first output line or with END/REPORT: one write per quiet invocation.
      this.running = { inv, resolve, log, settled: false, startPrinted: false };
      this.lastRequestId = inv.requestId;
      if (this.dead) return this.settle(this.initError ?? this.exitOutcome());
      if (this.initError) return this.settle(this.initError);
      this.tryDeliver();
    });
  }

  /** Ends the process tree; a running invocation (if any) gets `outcome`. */
  kill(): void {
    if (this.child?.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    for (const e of this.externals) killExtension(e);
    this.dead = true;
    this.closeServer();
    if (!this.child) this.onExit('killed before start');
  }

  private closeServer(): void {
    this.waitingNext?.destroy();
    this.waitingNext = undefined;
    this.extensions.close();
    this.telemetry.close();
    this.server?.close();
    this.server?.closeAllConnections();
  }

  /** A line the runtime (or an extension, which the Telemetry API tells apart) wrote. */
  private functionOutput(line: string, source: 'function' | 'extension' = 'function'): void {
    const id = this.running?.inv.requestId ?? this.lastRequestId;
    const text = id ? `${id}\t${line}` : line;
    this.telemetry.logLine(source, line);
    this.print(text);
    if (this.running) this.running.log.push(text);
    else if (!this.coldReported) this.pendingLog.push(text);
  }

  /** A line Lambda itself writes to the function's log (timeouts, exits), as CloudWatch shows it. */
  private platformLog(message: string): void {
    const line = `${new Date().toISOString()} ${message.replace(/^RequestId: \S+ Error: /, `${this.running?.inv.requestId} `)}`;
    this.print(line);
    this.running?.log.push(line);
  }

  /** Prints a log line, preceded by the running invocation's START if that is still pending. */
  private print(text: string): void {
    const running = this.running;
    if (running && !running.startPrinted) {
      running.startPrinted = true;
      text = `${startLine(running.inv.requestId)}\n${text}`;
    }
    this.opts.onLog(text);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (url.startsWith(EXTENSIONS_PREFIX)) return this.extensions.route(req, res);
    if (url === TELEMETRY_PATH || url === LOGS_PATH) return this.telemetry.route(req, res);
    if (!url.startsWith(PREFIX)) return send(res, 404, { errorType: 'NotFound', errorMessage: `unknown path ${url}` });
    const rest = url.slice(PREFIX.length);
    if (req.method === 'GET' && rest === 'invocation/next') return this.next(res);
    if (req.method !== 'POST') return send(res, 405, { errorType: 'MethodNotAllowed', errorMessage: `${req.method} ${url}` });
    const streaming = this.running;
    if (streaming?.inv.stream && streaming.deliveredAt !== undefined && rest === `invocation/${streaming.inv.requestId}/response`) {
      return this.streamed(req, res, streaming.inv.stream);
    }
    const body = await readBody(req, MAX_RESPONSE_BYTES);
    if (rest === 'init/error') return this.postInitError(req, res, body);
    const m = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (!m) return send(res, 404, { errorType: 'NotFound', errorMessage: `unknown path ${url}` });
    const running = this.running;
    if (!running || running.inv.requestId !== decodeURIComponent(m[1]!) || running.deliveredAt === undefined) {
      return send(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
    }
    if (body === undefined) {
      send(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` });
      return this.settle(
        errorOutcome('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`),
      );
    }
    accepted(res);
    if (m[2] === 'response') {
      if (isStreamedResponse(req)) this.warnBufferedStream();
      const failed = trailerError(req);
      return this.settle(failed ? { ok: false, errorType: failed.errorType, payload: failed.payload } : { ok: true, payload: body });
    }
    const errorType = header(req, 'lambda-runtime-function-error-type') ?? 'Unhandled';
    this.settle({ ok: false, errorType, payload: body.length > 0 ? body : Buffer.from(JSON.stringify({ errorType, errorMessage: '' })) });
  }

  /** A streaming invocation's response: handed to the caller as the runtime writes it (response-stream.ts). */
  private async streamed(req: IncomingMessage, res: ServerResponse, sink: ResponseSink): Promise<void> {
    const end = await pipeResponse(req, sink, MAX_STREAMED_RESPONSE_BYTES);
    if (end.kind === 'aborted') return; // the process is gone: onExit (or the deadline) settles
    if (end.kind === 'too-large') {
      // As for buffered responses: the runtime's POST is refused and the invocation fails; the caller
      // has already had the first MAX_STREAMED_RESPONSE_BYTES.
      const message = `Response payload size exceeded maximum allowed payload size (${MAX_STREAMED_RESPONSE_BYTES} bytes).`;
      send(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: message });
      return this.settle(errorOutcome('Function.ResponseSizeTooLarge', message));
    }
    accepted(res);
    this.settle(end.kind === 'error' ? { ok: false, errorType: end.errorType, payload: end.payload } : { ok: true, payload: Buffer.alloc(0) });
  }

  /** Once per sandbox: a streamed response to a buffered invocation reaches the caller whole, prelude included (as on AWS). */
  private warnBufferedStream(): void {
    if (this.warnedBufferedStream) return;
    this.warnedBufferedStream = true;
    this.print(
      `svl: ${this.opts.fn.name} streamed its response but was invoked buffered, so the caller gets it whole at the end (a function URL: with the JSON prelude in the body, as on AWS) — set "invokeMode": "RESPONSE_STREAM" in svl.json`,
    );
  }

  private next(res: ServerResponse): void {
    if (this.dead) {
      send(res, 500, { errorType: 'Runtime.ExitError', errorMessage: 'Container error. Non-recoverable state. Runtime should exit promptly.' });
      return;
    }
    this.runtimeCalledNext = true;
    // Internal extensions register before the runtime's first /next (Lambda closes registration then).
    this.extensions.closeRegistration();
    this.waitingNext?.destroy();
    this.waitingNext = res;
    this.tryDeliver();
  }

  /**
   * Lambda's gate between phases: init ends, and an event is handed over, only once the runtime
   * and every extension wait in their /next.
   */
  private tryDeliver(): void {
    if (!this.runtimeCalledNext || !this.extensions.allReady || this.dead) return;
    if (this.initDurationMs === undefined) this.initDone();
    for (const resolve of this.freeWaiters.splice(0)) resolve();
    const running = this.running;
    if (this.waitingNext && running && running.deliveredAt === undefined && !running.settled) this.deliver(this.waitingNext);
  }

  private initDone(): void {
    this.initDurationMs = performance.now() - this.spawnedAt;
    // CloudWatch shows one EXTENSION line per registered extension at the end of init.
    for (const ext of this.extensions.registered) {
      this.functionOutputPlatform(`EXTENSION\tName: ${ext.name}\tState: Ready\tEvents: [${[...ext.events].join(',')}]`);
    }
    this.telemetry.initDone(this.initDurationMs);
  }

  /** A platform line that belongs to init: printed and kept for the first invocation's log. */
  private functionOutputPlatform(line: string): void {
    this.print(line);
    if (this.running) this.running.log.push(line);
    else if (!this.coldReported) this.pendingLog.push(line);
  }

  /**
   * Resolves once the last invocation is over for the extensions too (each subscribed to INVOKE
   * has called /event/next again) or the sandbox has ended. Their time counts against the
   * function's timeout, as on Lambda: past the deadline the sandbox is ended.
   */
  whenFree(): Promise<void> {
    if (this.dead || this.extensions.allReady) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.platformLog(`${this.lastRequestId} Extensions did not call /extension/event/next within the function's timeout; the instance is ended`);
          this.kill();
        },
        Math.max(0, this.deadlineMs - Date.now()),
      );
      this.freeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Lambda's Shutdown phase. With extensions registered the runtime gets SIGTERM and 500 ms (2 s
   * with external extensions, which get a SHUTDOWN event) before SIGKILL; without, it is killed
   * at once. https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown
   */
  async shutdown(): Promise<void> {
    const pid = this.child?.pid;
    this.shuttingDown = true;
    if (this.dead || (this.extensions.count === 0 && this.externals.length === 0) || !pid) {
      this.kill();
      return this.exited;
    }
    const graceMs = this.extensions.registered.some((e) => e.external) ? SHUTDOWN_EXTERNAL_MS : SHUTDOWN_INTERNAL_MS;
    const killer = setTimeout(() => this.kill(), graceMs);
    this.extensions.shutdown('spindown', Date.now() + graceMs);
    // What the telemetry subscribers have not had yet goes out before the runtime (and with it
    // any internal subscriber) is stopped.
    await Promise.race([this.telemetry.flush(), this.exited]);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.all([this.exited, ...this.externals.map(extensionExited)]);
    clearTimeout(killer);
    this.kill();
  }

  /** An external extension ended on its own: Lambda resets the environment (Extension.Crash). */
  private externalExited(name: string, why: string): void {
    if (this.shuttingDown || this.dead) return;
    this.extensions.externalGone(name);
    const outcome = errorOutcome('Extension.Crash', `Extension ${name} exited: ${why}`);
    this.platformLog(`EXTENSION\tName: ${name}\tState: Crash\tReason: ${why}`);
    if (this.initDurationMs === undefined) this.initError = outcome;
    if (this.running && !this.running.settled) this.settle(outcome);
    this.kill();
  }

  private extensionError(phase: 'init' | 'exit', ext: RegisteredExtension, errorType: string, message: string): void {
    const what = `Extension ${ext.name} reported ${phase}/error ${errorType}${message ? `: ${message}` : ''}`;
    this.platformLog(`EXTENSION\tName: ${ext.name}\tState: ${phase === 'init' ? 'InitError' : 'ExitError'}\tEvents: [${[...ext.events].join(',')}]`);
    const outcome = errorOutcome(phase === 'init' ? 'Extension.InitError' : 'Extension.ExitError', what);
    // Lambda ends the environment: a failed init fails the invocation waiting for it.
    if (phase === 'init') this.initError = outcome;
    if (this.running && !this.running.settled) this.settle(outcome);
    this.kill();
  }

  private deliver(res: ServerResponse): void {
    const running = this.running!;
    const { inv } = running;
    this.waitingNext = undefined;
    const { fn } = this.opts;
    // Content-Length instead of chunked encoding: fewer bytes to write and for the runtime to parse.
    this.deadlineMs = Date.now() + fn.timeoutSec * 1000;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': inv.payload.length,
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(this.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': this.arn,
      'Lambda-Runtime-Trace-Id': inv.traceId,
    };
    if (inv.clientContext) headers['Lambda-Runtime-Client-Context'] = inv.clientContext;
    if (inv.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = inv.cognitoIdentity;
    // The first event's peak includes init; later ones start from the last REPORT's peak.
    if (!this.coldReported && this.memory) this.sampledPeak = this.memory.peakBytes();
    res.writeHead(200, headers).end(inv.payload);
    this.extensions.invoke({ requestId: inv.requestId, deadlineMs: this.deadlineMs, invokedFunctionArn: this.arn, traceId: inv.traceId });
    this.telemetry.invocationStart(inv.requestId, inv.traceId);
    running.deliveredAt = performance.now();
    this.watch(running, running.deliveredAt + fn.timeoutSec * 1000);
  }

  /**
   * One timer per invocation for both limits: every MEMORY_POLL_MS it samples VmRSS (MemorySize),
   * and it lands exactly on the deadline (Timeout). A fast invocation arms and clears a single timer.
   */
  private watch(running: Running, deadline: number): void {
    const { inv } = running;
    const { fn } = this.opts;
    const limit = fn.memoryMb * MB;
    const tick = () => {
      if (running.settled) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.fail('Sandbox.Timedout', `RequestId: ${inv.requestId} Error: Task timed out after ${fn.timeoutSec.toFixed(2)} seconds`);
        return;
      }
      const rss = this.memory?.currentBytes() ?? 0;
      this.sampledPeak = Math.max(this.sampledPeak, rss);
      if (rss > limit) {
        this.fail('Runtime.OutOfMemory', `RequestId: ${inv.requestId} Error: Runtime exited with error: signal: killed`);
        return;
      }
      running.timer = setTimeout(tick, Math.min(MEMORY_POLL_MS, left));
    };
    running.timer = setTimeout(tick, Math.min(MEMORY_POLL_MS, deadline - performance.now()));
  }

  private postInitError(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): void {
    if (this.initDurationMs !== undefined) {
      send(res, 403, { errorType: 'InvalidStateTransition', errorMessage: 'init/error after the first /next' });
      return;
    }
    const errorType = header(req, 'lambda-runtime-function-error-type') ?? 'Runtime.InitError';
    this.initError = { ok: false, errorType, payload: body && body.length > 0 ? body : Buffer.from(JSON.stringify({ errorType, errorMessage: '' })) };
    send(res, 202, { status: 'OK' });
    // Lambda ends an environment whose init failed; the caller gets the runtime's own error.
    if (this.running) this.settle(this.initError);
    this.kill();
  }

  /** Ends the sandbox because of the running invocation (timeout, memory). */
  private fail(errorType: string, message: string): void {
    if (this.running && !this.running.settled) {
      this.platformLog(message);
      this.settle(errorOutcome(errorType, message));
    }
    this.kill();
  }

  private exitOutcome(): Outcome {
    const id = this.running?.inv.requestId ?? '';
    return errorOutcome('Runtime.ExitError', `RequestId: ${id} Error: Runtime exited with error: ${this.exitReason ?? 'unknown'}`);
  }

  private onExit(reason: string): void {
    if (this.exitReason) return;
    this.exitReason = reason;
    this.dead = true;
    const running = this.running;
    if (running && !running.settled) {
      this.platformLog(`RequestId: ${running.inv.requestId} Error: Runtime exited with error: ${reason}`);
      this.settle(this.initError ?? this.exitOutcome());
    }
    this.closeServer();
    this.memory?.close();
    // The environment ends with its runtime; in the Shutdown phase external extensions get the rest of it.
    if (!this.shuttingDown) for (const e of this.externals) killExtension(e);
    for (const resolve of this.freeWaiters.splice(0)) resolve();
    this.markExited();
  }

  private settle(outcome: Outcome): void {
    const running = this.running;
    if (!running || running.settled) return;
    running.settled = true;
    clearTimeout(running.timer);
    const now = performance.now();
    let durationMs = running.deliveredAt === undefined ? 0 : now - running.deliveredAt;
    // Timers may fire a fraction of a millisecond early; Lambda reports a timeout as the full timeout.
    if (!outcome.ok && outcome.errorType === 'Sandbox.Timedout') durationMs = Math.max(durationMs, this.opts.fn.timeoutSec * 1000);
    const peak = Math.max(this.sampledPeak, this.memory?.peakBytes() ?? 0);
    this.sampledPeak = peak;
    const { fn } = this.opts;
    if (outcome.ok && peak > fn.memoryMb * MB) {
      // It outgrew MemorySize between two samples: Lambda would have killed it before it answered.
      outcome = errorOutcome('Runtime.OutOfMemory', `RequestId: ${running.inv.requestId} Error: Runtime exited with error: signal: killed`);
      this.kill();
    }
    const cold = !this.coldReported;
    this.coldReported = true;
    const id = running.inv.requestId;
    const fields: ReportFields = {
      requestId: id,
      durationMs,
      memorySizeMb: fn.memoryMb,
      maxMemoryUsedMb: Math.max(1, Math.round(peak / MB)),
      initDurationMs: cold ? (this.initDurationMs ?? now - this.spawnedAt) : undefined,
      arch: fn.arch,
      debug: fn.debug,
    };
    const report = reportLine(fields);
    this.telemetry.invocationDone(fields, outcome);
    // Output written just before the response may still be in the pipe: let it land in this log.
    setImmediate(() => {
      running.log.push(endLine(id), report);
      this.print(`${endLine(id)}\n${report}`);
      if (this.running === running) this.running = undefined;
      running.resolve({ requestId: id, outcome, log: running.log, report });
    });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

const ACCEPTED = Buffer.from(JSON.stringify({ status: 'OK' }));

/** The 202 every /response and /error gets: the same bytes each time. */
function accepted(res: ServerResponse): void {
  res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': ACCEPTED.length }).end(ACCEPTED);
}
