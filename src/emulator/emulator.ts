import type { Server } from 'node:http';
import { InstancePool } from './instance-pool.js';
import type { FunctionSettings } from './function-settings.js';
import { startPublicServer } from './public-server.js';
import { newInvocation, type InvocationResult } from './invocation.js';

/** How long answers already computed may take to reach their callers at shutdown. */
const CLOSE_GRACE_MS = 2_000;

export interface EmulatorOptions {
  fn: FunctionSettings;
  binary: string;
  maxInstances: number;
  hostEnv: Record<string, string | undefined>;
  onLog: (line: string) => void;
}

/** A running emulator: the instance pool plus (when listening) the public port. */
export class LambdaEmulator {
  readonly pool: InstancePool;
  private server?: Server & { port: number };

  constructor(private readonly opts: EmulatorOptions) {
    this.pool = new InstancePool({ fn: opts.fn, maxInstances: opts.maxInstances, hostEnv: opts.hostEnv, onLog: opts.onLog });
    this.pool.useBinary(opts.binary);
  }

  /** Opens the Invoke API + function URL port; resolves to the port actually bound. */
  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = await startPublicServer(this.pool, this.opts.fn, port, host);
    return this.server.port;
  }

  /** One invocation without HTTP (svl invoke's one-shot mode). */
  invoke(payload: Buffer): Promise<InvocationResult> {
    return this.pool.invoke(newInvocation(payload));
  }

  /**
   * Stops accepting, answers every pending caller (the pool refuses queued invocations and ends
   * running ones), lets those answers reach the wire, then drops what is left.
   */
  async close(): Promise<void> {
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    await this.pool.close();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    server?.closeAllConnections();
  }
}
