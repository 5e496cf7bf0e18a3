import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceOptions {
  cwd: string;
  port: number;
  environment: Record<string, string>;
  hostEnv: Record<string, string | undefined>;
  onLog: (line: string) => void;
}

/**
 * A Cloud Run service run natively: the container contract is just "listen on $PORT", so the host
 * build runs as is. restart() swaps in a new build: SIGTERM (Cloud Run's shutdown signal) first.
 */
export class CloudRunService {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(private readonly opts: ServiceOptions) {}

  start(binary: string): void {
    const env = { ...this.opts.hostEnv, ...this.opts.environment, PORT: String(this.opts.port) };
    const child = spawn(binary, [], { cwd: this.opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const s of [child.stdout, child.stderr]) createInterface({ input: s, crlfDelay: Infinity }).on('line', this.opts.onLog);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.opts.onLog(`svl dev: the service exited (${signal ?? `code ${code}`}); it restarts on the next source change`);
    });
  }

  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async restart(binary: string): Promise<void> {
    await this.stop();
    this.start(binary);
  }
}
