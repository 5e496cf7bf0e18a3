import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';
import { REPO_ROOT, SVL_BIN } from '../support/paths.js';
import { scratchDir, testEnv } from '../support/cli.js';

export const GO_FAULTS = path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'go-faults');
export const RUST_FAULTS = path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'rust-faults');

/** A copy of a fixture in scratch space, with svl.json fields replaced by `patch`. */
export async function fixtureCopy(fixture: string, patch: Record<string, unknown> = {}): Promise<string> {
  const dir = await scratchDir(`emulator-${path.basename(fixture)}`);
  await cp(fixture, dir, { recursive: true, filter: (src) => !/[\\/](\.svl|target)([\\/]|$)/.test(src) });
  const configPath = path.join(dir, 'svl.json');
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  await writeFile(configPath, JSON.stringify({ ...config, ...patch }, null, 2));
  return dir;
}

export interface DevServer {
  url: string;
  port: number;
  /** Everything svl dev printed to stdout (function logs) so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr contains `text` (after `from` characters), rejects after `timeoutMs`. */
  waitForStderr(text: string | RegExp, timeoutMs?: number, from?: number): Promise<void>;
  /** Resolves when stdout contains `text`; svl dev's output reaches the test asynchronously. */
  waitForStdout(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<{ exitCode?: number }>;
}

/** Starts the built `svl dev` in `cwd` on a free port and waits until it listens. */
export async function startDev(cwd: string, args: string[] = [], env: Record<string, string> = {}, startTimeoutMs = 15 * 60_000): Promise<DevServer> {
  const port = await getPort({ host: '127.0.0.1' });
  const child: ResultPromise = execa('node', [SVL_BIN, 'dev', '--port', String(port), ...args], {
    cwd,
    env: testEnv(env),
    reject: false,
    buffer: false,
    cleanup: true,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let exited = false;
  const done = child.then((r) => {
    exited = true;
    return r;
  });
  const waitForStderr = async (text: string | RegExp, timeoutMs = 60_000, from = 0) => {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof text === 'string' ? err.slice(from).includes(text) : text.test(err.slice(from)));
    while (!found()) {
      if (exited) throw new Error(`svl dev exited while waiting for ${text}:\n${err}`);
      if (Date.now() > deadline) throw new Error(`svl dev did not print ${text} within ${timeoutMs} ms:\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitForStderr('listening on', startTimeoutMs);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stdout: () => out,
    stderr: () => err,
    waitForStderr,
    async waitForStdout(text, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (!out.includes(text)) throw new Error(`svl dev did not print ${text} within ${timeoutMs} ms`);
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const r = await done;
      clearTimeout(timer);
      return { exitCode: r.exitCode };
    },
  };
}

/** A LambdaClient pointed at a dev server, with dummy credentials (svl dev does not check them). */
export async function lambdaClientFor(url: string) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export const REPORT_RE =
  /^REPORT RequestId: ([0-9a-f-]{36})\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB(?:\tInit Duration: (\d+\.\d\d) ms)?\tEstimated Cost: \$(\d+\.\d+) \((x86_64|arm64)(?:, debug build)?\)$/m;
