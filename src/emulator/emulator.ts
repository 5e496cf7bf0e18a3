import type { Server } from 'node:http';
import type { Route } from '../project/svl-json.js';
import type { FunctionSettings } from './function-settings.js';
import { InstancePool } from './instance-pool.js';
import { newInvocation, type InvocationResult } from './invocation.js';
import { startPublicServer } from './public-server.js';
import type { ResponseSink } from './response-stream.js';

/** How long answers already computed may take to reach their callers at shutdown. */
const CLOSE_GRACE_MS = 2_000;

export interface EmulatedFunction {
  fn: FunctionSettings;
  binary: string;
  maxInstances: number;
}

export interface EmulatorOptions {
  functions: EmulatedFunction[];
  hostEnv: Record<string, string | undefined>;
  /** Every log line, with the function it came from. */
  onLog: (name: string, line: string) => void;
  routes?: Route[];
  /** The function bare function-URL paths reach. */
  defaultFunction?: string;
}

/** One function's instance pool and settings. */
export interface ServedFunction {
  fn: FunctionSettings;
  pool: InstancePool;
}

/**
 * A running emulator for many functions: one instance pool per function behind one public port
 * (Invoke API by name, `/lambda-url/<name>/…`, the routes table, and the default function).
 */
export class LambdaEmulator {
  private readonly served = new Map<string, ServedFunction>();
  private server?: Server & { port: number };
  routes: Route[];
  defaultFunction?: string;

  constructor(private readonly opts: EmulatorOptions) {
    this.routes = opts.routes ?? [];
    this.defaultFunction = opts.defaultFunction;
    for (const f of opts.functions) this.add(f);
  }

  /** The served functions, by name. */
  get functions(): ReadonlyMap<string, ServedFunction> {
    return this.served;
  }

  /** Starts serving a function (or replaces its settings: the old pool finishes what it runs, then ends). */
  add(f: EmulatedFunction): void {
    const old = this.served.get(f.fn.name);
    const pool = new InstancePool({ fn: f.fn, maxInstances: f.maxInstances, hostEnv: this.opts.hostEnv, onLog: (line) => this.opts.onLog(f.fn.name, line) });
    pool.useBinary(f.binary);
    this.served.set(f.fn.name, { fn: f.fn, pool });
    if (old) void old.pool.close();
  }

  async remove(name: string): Promise<void> {
    const old = this.served.get(name);
    this.served.delete(name);
    await old?.pool.close();
  }

  /** New sandboxes of `name` run `binary`; busy ones finish on the old build. */
  useBinary(name: string, binary: string): void {
    this.served.get(name)?.pool.useBinary(binary);
  }

  /** Opens the public port; resolves to the port actually bound. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = await startPublicServer(this, port, host);
    return this.server.port;
  }

  /** One invocation without HTTP (svl invoke's one-shot mode); with `stream`, the response goes there as it is written. */
  invoke(name: string, payload: Buffer, stream?: ResponseSink): Promise<InvocationResult> {
    const f = this.served.get(name);
    if (!f) throw new Error(`no function ${name}`);
    return f.pool.invoke(newInvocation(payload, { stream }));
  }

  /**
   * Stops accepting, answers every pending caller (the pools refuse queued invocations and end
   * running ones), lets those answers reach the wire, then drops what is left.
   */
  async close(): Promise<void> {
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    await Promise.all([...this.served.values()].map((f) => f.pool.close()));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    server?.closeAllConnections();
  }
}
