// The smoke run CI does on the Node versions the full suite does not run on (.ci/run): generate each
// template, `svl dev` answers a request from a generated Go function, `svl build` + `svl size` on it.
// With test/scaffold/pack.test.ts it is `npm run test:smoke`. Everything else is the full suite's.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { svl } from './support/cli.js';
import { parseConfig } from './support/config.js';
import { REPO_ROOT } from './support/paths.js';
import { generateProject } from './support/projects.js';
import { listTree } from './scaffold/tree.js';
import { startDev, type DevServer } from './emulator/dev-server.js';

const templates = readdirSync(path.join(REPO_ROOT, 'templates')).sort();
const servers: DevServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('smoke', () => {
  it('the CLI and the tests run on the same Node (the one first on PATH)', async () => {
    const onPath = (await execa('node', ['--version'])).stdout;
    expect(onPath).toBe(process.version);
    const wanted = process.env.SVL_TEST_NODE_MAJOR;
    if (wanted) expect(process.versions.node.split('.')[0]).toBe(wanted);
  });

  it.each(templates)('generates %s', async (template) => {
    const dir = await generateProject(template, { name: `smoke-${template}` });
    const files = await listTree(dir);
    expect(files).toContain('.gitignore');
    expect(files.filter((f) => f.endsWith('.hbs') || f.split('/').some((s) => s.startsWith('_')))).toEqual([]);
    const config = await parseConfig(await readFile(path.join(dir, 'svl.json'), 'utf8'));
    expect(config.name).toBe(`smoke-${template}`);
    // Lambda projects get a CI workflow; it installs svl on the Node the README names as tested.
    if (config.platform === 'lambda') {
      expect(await readFile(path.join(dir, '.github', 'workflows', 'ci.yml'), 'utf8')).toMatch(/^ {10}node-version: 24$/m);
    }
  });

  it('svl dev answers a request from a generated Go function', async () => {
    const dir = await generateProject('go-lambda', { flavor: 'http', name: 'smoke-go-http', arch: 'x86_64' });
    const dev = await startDev(dir, ['--no-watch']);
    servers.push(dev);
    const res = await fetch(`${dev.url}/?name=Ada`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'Hello, Ada!' });
  }, 600_000);

  it('svl build and svl size on a generated Go function', async () => {
    const dir = await generateProject('go-lambda', { flavor: 'event', name: 'smoke-go-event', arch: 'x86_64' });
    const build = await svl(['build', '--json'], { cwd: dir, timeout: 5 * 60_000 });
    expect(build.exitCode, build.all).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({ language: 'go', arch: 'x86_64', zip: { bytes: expect.any(Number) } });
    const size = await svl(['size', '--json'], { cwd: dir });
    expect(size.exitCode, size.all).toBe(0);
    expect(JSON.parse(size.stdout)).toMatchObject({ language: 'go', stale: false, passed: true });
  }, 600_000);
});
