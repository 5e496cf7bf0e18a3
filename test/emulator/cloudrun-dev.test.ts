import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateProject } from '../support/projects.js';
import { startDev, type DevServer } from './dev-server.js';

// svl dev on the cloudrun-ocr (Go) template: the host build runs natively with PORT set, falls
// back to tesseract without GEMINI_API_KEY, and restarts on a source change.
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
  const { svl } = await import('../support/cli.js');
  const host = await svl(['dev', '--host', '0.0.0.0'], { cwd: dir });
  expect(host.exitCode).toBe(2);
  expect(host.stderr).toBe('svl: --host applies to Lambda projects; a Cloud Run service listens on 0.0.0.0:$PORT — drop --host');
  const conc = await svl(['dev', '--concurrency', '3'], { cwd: dir });
  expect(conc.exitCode).toBe(2);
  expect(conc.stderr).toMatch(/--concurrency applies to Lambda projects.* — drop --concurrency$/);
});
