import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { generateProject } from '../support/projects.js';
import { startDev, type DevServer } from './dev-server.js';

// svl dev on the cloudrun-ocr (Go) template: the host build runs natively with PORT set, falls
// back to tesseract without GEMINI_API_KEY, listens on loopback only (HOST=127.0.0.1), and
// restarts on a source change.
let dev: DevServer;
let dir: string;

beforeAll(async () => {
  dir = await generateProject('cloudrun-ocr', { lang: 'go', name: 'dev-ocr' });
  dev = await startDev(dir, [], { GEMINI_API_KEY: '' });
  await dev.waitForStderr('watching sources');
}, 600_000);

afterAll(async () => {
  expect((await dev?.stop())?.exitCode).toBe(0);
});

it('runs the service on --port with OCR_ENGINE=tesseract when GEMINI_API_KEY is unset, and says so', async () => {
  expect(dev.stderr()).toContain('GEMINI_API_KEY is not set: OCR_ENGINE=tesseract');
  const res = await fetch(`${dev.url}/health`, { signal: AbortSignal.timeout(5_000) });
  expect(await res.json()).toEqual({ status: 'ok', engine: 'tesseract' });
});

/** The local addresses of the listening TCP sockets on `port`, from /proc/net/tcp and tcp6 (hex, as the kernel writes them). */
async function listeningAddresses(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of (await readFile(file, 'utf8')).split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.slice(0, -5)); // 0A = LISTEN
    }
  }
  return found;
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

it('the service listens on 127.0.0.1 only, not on every interface', async () => {
  expect(await tryConnect('127.0.0.1', dev.port)).toBe('connected');
  if (existsSync('/proc/net/tcp')) {
    // 0100007F is 127.0.0.1 in /proc/net/tcp's byte order; a 0.0.0.0 or [::] bind would show 00000000….
    expect(await listeningAddresses(dev.port)).toEqual(['0100007F']);
  }
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && a.family === 'IPv4');
  if (external.length === 0) return; // no non-loopback address to try from
  for (const address of external) expect(await tryConnect(address!.address, dev.port), address!.address).toBe('ECONNREFUSED');
});

it('the generated READMEs curl the port svl dev serves by default', async () => {
  const help = await svl(['dev', '--help'], { cwd: dir });
  const documented = /--port <n>\s+port to listen on \(default (\d+)\)/.exec(help.stdout)?.[1];
  expect(documented, help.stdout).toBeDefined();
  const rust = await generateProject('cloudrun-ocr', { lang: 'rust', name: 'readme-ocr' });
  for (const project of [dir, rust]) {
    const readme = await readFile(path.join(project, 'README.md'), 'utf8');
    const curled = [...readme.matchAll(/^curl .*?(?:localhost|127\.0\.0\.1):(\d+)\//gm)].map((m) => m[1]);
    expect(curled.length, readme).toBeGreaterThan(0);
    expect(new Set(curled), project).toEqual(new Set([documented]));
  }
});

it('restarts the service on a source change', async () => {
  const server = path.join(dir, 'server.go');
  const source = await readFile(server, 'utf8');
  const mark = dev.stderr().length;
  await writeFile(server, source.replace('"status": "ok"', '"status": "ok-after-edit"'));
  await dev.waitForStderr('restarted on', 120_000, mark);
  const res = await fetch(`${dev.url}/health`, { signal: AbortSignal.timeout(5_000) });
  expect(await res.json()).toMatchObject({ status: 'ok-after-edit' });
}, 180_000);

it('refuses the Lambda-only --host and --concurrency on a Cloud Run project (exit 2, naming the fix)', async () => {
  const host = await svl(['dev', '--host', '0.0.0.0'], { cwd: dir });
  expect(host.exitCode).toBe(2);
  expect(host.stderr).toBe('svl: --host applies to Lambda projects; a Cloud Run service listens on 127.0.0.1:$PORT under svl dev — drop --host');
  const conc = await svl(['dev', '--concurrency', '3'], { cwd: dir });
  expect(conc.exitCode).toBe(2);
  expect(conc.stderr).toMatch(/--concurrency applies to Lambda projects.* — drop --concurrency$/);
});
