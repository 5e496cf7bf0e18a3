import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a started service may take to accept connections (Cloud Run's default startup probe: 240 s). */
const STARTUP_TIMEOUT_MS = 60_000;

/** True when something listens on 127.0.0.1:port. */
export function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ServiceOptions {
  cwd: string;
  /**
   * The address the service is told to listen on (HOST). The generated services default to
   * 0.0.0.0 as Cloud Run requires; svl dev passes 127.0.0.1 so a dev server is not on the network.
   */
  host: string;
  port: number;
  environment: Record<string, string>;
  hostEnv: Record<string, string | undefined>;
  onLog: (line: string) => void;
}

/**
 * A Cloud Run service run natively: the container contract is just "listen on $PORT", so the host
 * build runs as is, with HOST added so it listens on loopback only. restart() swaps in a new build: SIGTERM (Cloud Run's shutdown signal) first.
 */
export class CloudRunService {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(private readonly opts: ServiceOptions) {}

  start(binary: string): void {
    // Set last: svl.json's environment cannot move the dev service off the address svl dev prints.
    const env = { ...this.opts.hostEnv, ...this.opts.environment, HOST: this.opts.host, PORT: String(this.opts.port) };
    const child = spawn(binary, [], { cwd: this.opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const s of [child.stdout, child.stderr]) createInterface({ input: s, crlfDelay: Infinity }).on('line', this.opts.onLog);
    child.on('exit', (code, signal) => {
      if (this.child === child) this.opts.onLog(`svl dev: the service exited (${signal ?? `code ${code}`}); it restarts on the next source change`);
    });
  }

  /** Resolves once the service accepts connections on PORT; false if it exited or timed out. */
  async waitUntilListening(): Promise<boolean> {
    const child = this.child;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (child && child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if (await portAcceptsConnections(this.opts.port)) return true;
      await sleep(50);
    }
    return false;
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

  async restart(binary: string): Promise<boolean> {
    await this.stop();
    this.start(binary);
    return this.waitUntilListening();
  }
}
