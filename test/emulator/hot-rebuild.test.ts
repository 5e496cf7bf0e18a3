import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GO_FAULTS, fixtureCopy, startDev, type DevServer } from './dev-server.js';

// svl dev with the watcher on: edits rebuild, in-flight calls finish on the old build, a compile
// error keeps the last good build serving, and .gitignore'd files never trigger a build.
let dev: DevServer;
let dir: string;

const invoke = async (event: object) => {
  const res = await fetch(`${dev.url}/2015-03-31/functions/go-faults/invocations`, {
    method: 'POST',
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(15_000),
  });
  return res.json();
};

async function setVersion(source: string, version: string): Promise<void> {
  await writeFile(path.join(dir, 'main.go'), source.replace('const version = "v1"', `const version = "${version}"`));
}

beforeAll(async () => {
  dir = await fixtureCopy(GO_FAULTS, { timeout: 10 });
  await writeFile(path.join(dir, '.gitignore'), 'generated/\n');
  dev = await startDev(dir);
  await dev.waitForStderr('watching sources');
}, 240_000);

afterAll(async () => {
  await dev?.stop();
});

it('rebuilds on a change; the in-flight call finishes on the old build, new calls get the new one', async () => {
  const source = await readFile(path.join(dir, 'main.go'), 'utf8');
  expect(await invoke({ mode: 'version' })).toBe('v1');
  const inFlight = invoke({ mode: 'sleep', ms: 4_000 });
  await new Promise((r) => setTimeout(r, 300));
  const mark = dev.stderr().length;
  await setVersion(source, 'v2');
  await dev.waitForStderr(/built go-faults/, 60_000, mark);
  expect(await invoke({ mode: 'version' })).toBe('v2');
  expect(await inFlight).toBe('slept');
}, 90_000);

it('keeps serving the last good build when the edit does not compile, and says why', async () => {
  const mark = dev.stderr().length;
  await writeFile(path.join(dir, 'broken.go'), 'package main\n\nfunc broken() { undefinedThing() }\n');
  await dev.waitForStderr('still serving the last good build', 60_000, mark);
  expect(dev.stderr().slice(mark)).toContain('undefinedThing');
  expect(await invoke({ mode: 'version' })).toBe('v2');
}, 90_000);

it('ignores files that .gitignore excludes', async () => {
  await new Promise((r) => setTimeout(r, 500));
  const mark = dev.stderr().length;
  await mkdir(path.join(dir, 'generated'), { recursive: true });
  await writeFile(path.join(dir, 'generated', 'gen.go'), 'package main\n');
  await new Promise((r) => setTimeout(r, 1_500));
  expect(dev.stderr().slice(mark)).not.toContain('rebuilding');
  // Control: the watcher is alive, and the next tracked edit's rebuild does not list the ignored file.
  await writeFile(path.join(dir, 'main.go'), await readFile(path.join(dir, 'main.go'), 'utf8'));
  await dev.waitForStderr(/changed — rebuilding/, 10_000, mark);
  expect(dev.stderr().slice(mark)).toMatch(/^svl dev: main\.go changed — rebuilding/m);
}, 30_000);
