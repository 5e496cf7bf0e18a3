import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import getPort from 'get-port';

export interface MotoServer {
  /** http://127.0.0.1:<port>: pass as AWS_ENDPOINT_URL. */
  endpoint: string;
  /** The environment a CLI under test needs to talk to this server (dummy credentials, region). */
  env: Record<string, string>;
  /** Clears every resource (POST /moto-api/reset) so tests do not see each other's functions. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export const MOTO_REGION = 'us-east-1';

/**
 * Starts a real moto server (the AWS API emulator, `pip install 'moto[server]'`) on a free loopback
 * port and waits until it answers. moto implements the Lambda and IAM control planes; it does not
 * run function code, so tests check configuration and code hashes, never invocations.
 * `env` passes moto settings, e.g. INITIAL_NO_AUTH_ACTION_COUNT to make it enforce IAM policies.
 */
export async function startMoto(opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<MotoServer> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const port = await getPort({ host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ResultPromise = execa('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...opts.env },
    reject: false,
    stdout: 'ignore',
    stderr: 'pipe',
    cleanup: true,
  });
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto_server exited early: ${(await child).stderr} — install it with pip install 'moto[server]'`);
    try {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
    }
    await sleep(200);
  }
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: MOTO_REGION,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await child;
      clearTimeout(timer);
    },
  };
}
