import { Sandbox } from './sandbox.js';
import { errorOutcome, type Invocation, type InvocationResult } from './invocation.js';
import type { FunctionSettings } from './function-settings.js';

export interface PoolOptions {
  fn: FunctionSettings;
  /** Most sandboxes alive at once; further invocations wait in the queue. */
  maxInstances: number;
  hostEnv: Record<string, string | undefined>;
  onLog: (line: string) => void;
}

interface Queued {
  inv: Invocation;
  resolve: (r: InvocationResult) => void;
}

/**
 * Lambda's scaling in miniature: reuse a warm idle sandbox, else start one (a cold start) while
 * under the limit, else queue. A new build only changes which binary new sandboxes run; busy ones
 * finish their invocation on the old binary and are then retired.
 */
export class InstancePool {
  private binary?: string;
  private generation = 0;
  private readonly gen = new Map<Sandbox, number>();
  private readonly idle: Sandbox[] = [];
  private readonly invocationQueue: Queued[] = [];
  private started = 0;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  get size(): number {
    return this.gen.size;
  }

  /** Points new sandboxes at `binary` and retires idle ones running an older build. */
  useBinary(binary: string): void {
    this.binary = binary;
    this.generation++;
    for (const s of this.idle.splice(0)) this.retire(s);
    this.dispatch();
  }

  invoke(inv: Invocation): Promise<InvocationResult> {
    if (this.closed) throw new Error('the emulator is shutting down');
    return new Promise((resolve) => {
      this.invocationQueue.push({ inv, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Every caller gets an answer: invocations still waiting for an instance are refused, not dropped.
    for (const { inv, resolve } of this.invocationQueue.splice(0)) {
      resolve({
        requestId: inv.requestId,
        outcome: errorOutcome('ServiceException', 'svl dev is shutting down; the invocation was not run'),
        log: [],
        report: '',
      });
    }
    const all = [...this.gen.keys()];
    await Promise.all(all.map((s) => s.shutdown()));
  }

  private dispatch(): void {
    while (this.invocationQueue.length > 0 && this.binary) {
      let sandbox = this.idle.pop();
      if (!sandbox) {
        if (this.gen.size >= this.opts.maxInstances) return;
        sandbox = this.spawn();
      }
      const { inv, resolve } = this.invocationQueue.shift()!;
      const s = sandbox;
      void s.run(inv).then(async (result) => {
        resolve(result);
        // The caller has its answer; the instance is free once its extensions are done too.
        await s.whenFree();
        this.release(s);
      });
    }
  }

  private spawn(): Sandbox {
    const s = new Sandbox({ binary: this.binary!, fn: this.opts.fn, hostEnv: this.opts.hostEnv, instanceNo: ++this.started, onLog: this.opts.onLog });
    this.gen.set(s, this.generation);
    // A sandbox that dies (crash, timeout, memory) leaves the pool; the next invocation starts a fresh one.
    void s.exited.then(() => {
      this.gen.delete(s);
      const at = this.idle.indexOf(s);
      if (at !== -1) this.idle.splice(at, 1);
      if (!this.closed) this.dispatch();
    });
    return s;
  }

  private release(s: Sandbox): void {
    if (this.closed || s.dead) return;
    if (this.gen.get(s) !== this.generation) {
      this.retire(s);
      return;
    }
    this.idle.push(s);
    this.dispatch();
  }

  private retire(s: Sandbox): void {
    void s.shutdown();
  }
}
