import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body.js';

// The Lambda Extensions API 2020-01-01, on the sandbox's Runtime API address:
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
// Error types and messages follow Lambda's runtime (RAPID, as published in
// aws-lambda-runtime-interface-emulator): every refusal is a 403 with an `Extension.*` type.

export const EXTENSIONS_PREFIX = '/2020-01-01/extension/';
/** Lambda's cap on extensions per function. */
const MAX_EXTENSIONS = 10;
const MAX_BODY_BYTES = 1024 * 1024;

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

export interface RegisteredExtension {
  id: string;
  name: string;
  events: ReadonlySet<ExtensionEventType>;
  /** Started by svl from the function's extensions/ folder (else it runs inside the runtime). */
  external: boolean;
}

interface ExtensionState extends RegisteredExtension {
  /** Its /event/next call, parked until there is an event for it. */
  waiting?: ServerResponse;
  /** Events it has not collected yet. */
  queue: object[];
  /** It has called /event/next since its last event: done with that event (or with init). */
  ready: boolean;
}

export interface ExtensionsApiOptions {
  functionName: string;
  accountId: string;
  /** Every extension is parked in /event/next with nothing left to collect. */
  onAllReady: () => void;
  /** An extension reported /extension/init/error or /extension/exit/error. */
  onError: (phase: 'init' | 'exit', ext: RegisteredExtension, errorType: string, message: string) => void;
}

/** What an invocation tells the extensions subscribed to INVOKE. */
export interface InvokeEventFields {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
}

/**
 * The extensions of one sandbox: registration (only during init), their long-polling
 * /event/next, and the lifecycle rules built on it — init ends when the runtime and every
 * extension have called next, and an invocation ends when the runtime has answered and every
 * extension subscribed to INVOKE has called next again.
 */
export class ExtensionsApi {
  private readonly byId = new Map<string, ExtensionState>();
  /** External extensions started by svl that have not registered yet, by name. */
  private readonly expected = new Set<string>();
  private registrationOpen = true;
  private closed = false;

  constructor(private readonly opts: ExtensionsApiOptions) {}

  get count(): number {
    return this.byId.size;
  }

  get registered(): RegisteredExtension[] {
    return [...this.byId.values()];
  }

  /** External extensions svl has started: they may subscribe to SHUTDOWN, and init waits for them. */
  expectExternal(name: string): void {
    this.expected.add(name);
  }

  /** An external extension's process ended before it registered. */
  externalGone(name: string): void {
    this.expected.delete(name);
  }

  /** Every extension (registered or expected) is in /event/next with nothing queued. */
  get allReady(): boolean {
    if (this.expected.size > 0) return false;
    for (const ext of this.byId.values()) if (!ext.ready) return false;
    return true;
  }

  /** The runtime's first /next ends the window in which internal extensions may register. */
  closeRegistration(): void {
    this.registrationOpen = false;
  }

  /** Hands INVOKE to every extension subscribed to it; the invocation is not over until they call next again. */
  invoke(fields: InvokeEventFields): void {
    this.broadcast('INVOKE', {
      eventType: 'INVOKE',
      deadlineMs: fields.deadlineMs,
      requestId: fields.requestId,
      invokedFunctionArn: fields.invokedFunctionArn,
      tracing: { type: 'X-Amzn-Trace-Id', value: fields.traceId },
    });
  }

  /**
   * Sends SHUTDOWN to the extensions subscribed to it (external ones only: Lambda refuses the
   * subscription to internal extensions). Returns how many got it.
   */
  shutdown(reason: 'spindown' | 'timeout' | 'failure', deadlineMs: number): number {
    return this.broadcast('SHUTDOWN', { eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs });
  }

  /** Drops every parked /event/next: the sandbox is gone. */
  close(): void {
    this.closed = true;
    for (const ext of this.byId.values()) {
      ext.waiting?.destroy();
      ext.waiting = undefined;
    }
  }

  async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const action = (req.url ?? '').slice(EXTENSIONS_PREFIX.length).split('?')[0];
    if (req.method === 'POST' && action === 'register') return this.register(req, res);
    if (req.method === 'GET' && action === 'event/next') return this.next(req, res);
    if (req.method === 'POST' && (action === 'init/error' || action === 'exit/error')) return this.error(action === 'init/error' ? 'init' : 'exit', req, res);
    send(res, 404, { errorType: 'NotFound', errorMessage: `unknown path ${req.url}` });
  }

  private broadcast(type: ExtensionEventType, event: object): number {
    let sent = 0;
    for (const ext of this.byId.values()) {
      if (!ext.events.has(type)) continue;
      sent++;
      ext.ready = false;
      ext.queue.push(event);
      this.flush(ext);
    }
    return sent;
  }

  private flush(ext: ExtensionState): void {
    if (!ext.waiting || ext.queue.length === 0) return;
    const res = ext.waiting;
    ext.waiting = undefined;
    const body = JSON.stringify(ext.queue.shift());
    res
      .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Lambda-Extension-Event-Identifier': randomUUID() })
      .end(body);
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = header(req, 'lambda-extension-name');
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!name) return forbidden(res, 'Extension.InvalidExtensionName', 'Empty extension name');
    let events: unknown;
    try {
      events = (JSON.parse(body?.toString('utf8') ?? '') as { events?: unknown }).events ?? [];
    } catch (err) {
      return forbidden(res, 'InvalidRequestFormat', (err as Error).message);
    }
    if (!Array.isArray(events)) return forbidden(res, 'InvalidRequestFormat', 'events must be a list of event types');
    const external = this.expected.has(name);
    for (const e of events) {
      // Internal extensions run inside the runtime, which Lambda stops itself: SHUTDOWN is for
      // external ones only (RAPID: ShutdownEventNotSupportedForInternalExtension).
      if (e === 'SHUTDOWN' && !external) return forbidden(res, 'Extension.InvalidEventType', `${e}: ShutdownEventNotSupportedForInternalExtension`);
      if (e !== 'INVOKE' && e !== 'SHUTDOWN') return forbidden(res, 'Extension.InvalidEventType', `${String(e)}: ErrorInvalidEventType`);
    }
    if (!external && (!this.registrationOpen || this.closed)) return forbidden(res, 'Extension.RegistrationClosed', 'Extension registration closed already');
    if ([...this.byId.values()].some((x) => x.name === name))
      return forbidden(res, 'Extension.InvalidExtensionState', 'Extension with this name already registered');
    if (this.byId.size >= MAX_EXTENSIONS) return forbidden(res, 'Extension.TooManyExtensions', `Extension limit (${MAX_EXTENSIONS}) reached`);
    const ext: ExtensionState = { id: randomUUID(), name, events: new Set(events as ExtensionEventType[]), external, queue: [], ready: false };
    this.byId.set(ext.id, ext);
    this.expected.delete(name);
    const answer: Record<string, string> = { functionName: this.opts.functionName, functionVersion: '$LATEST', handler: 'bootstrap' };
    if ((header(req, 'lambda-extension-accept-feature') ?? '').split(',').some((f) => f.trim() === 'accountId')) answer.accountId = this.opts.accountId;
    const text = JSON.stringify(answer);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Lambda-Extension-Identifier': ext.id }).end(text);
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    const ext = this.caller(req, res);
    if (!ext) return;
    ext.waiting?.destroy();
    ext.waiting = res;
    if (this.closed) {
      res.destroy();
      return;
    }
    if (ext.queue.length > 0) {
      this.flush(ext);
      return;
    }
    const wasReady = ext.ready;
    ext.ready = true;
    if (!wasReady && this.allReady) this.opts.onAllReady();
  }

  private async error(phase: 'init' | 'exit', req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const ext = this.caller(req, res);
    if (!ext) return;
    const errorType = header(req, 'lambda-extension-function-error-type');
    if (!errorType) return forbidden(res, 'Extension.MissingHeader', 'Lambda-Extension-Function-Error-Type not found');
    let message = '';
    try {
      message = String((JSON.parse(body?.toString('utf8') || '{}') as { errorMessage?: unknown }).errorMessage ?? '');
    } catch {
      message = body?.toString('utf8') ?? '';
    }
    send(res, 202, { status: 'OK' });
    this.opts.onError(phase, ext, errorType, message);
  }

  /** The extension a request names by Lambda-Extension-Identifier, or a 403 when it names none. */
  private caller(req: IncomingMessage, res: ServerResponse): ExtensionState | undefined {
    const id = header(req, 'lambda-extension-identifier');
    if (!id) {
      forbidden(res, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
      return undefined;
    }
    const ext = this.byId.get(id);
    if (!ext) forbidden(res, 'Extension.UnknownExtensionIdentifier', `Unknown extension ${id}`);
    return ext;
  }

  /** The extension registered under `id` (Telemetry API subscriptions name their extension so). */
  find(id: string | undefined): RegisteredExtension | undefined {
    return id ? this.byId.get(id) : undefined;
  }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function send(res: ServerResponse, status: number, body: object | string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

export function forbidden(res: ServerResponse, errorType: string, errorMessage: string): void {
  send(res, 403, { errorType, errorMessage });
}
