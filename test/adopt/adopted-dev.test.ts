// Projects adopted by `svl init` run under `svl dev` as they are: every detected function answers
// through the Invoke API (by name) and, for http ones, its function URL — no file but svl.json added.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { execa } from 'execa';
import fs from 'fs-extra';
import { describe, expect, it } from 'vitest';
import { lambdaClientFor, startDev } from '../emulator/dev-server.js';
import { scratchDir, svl } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'adopt');

async function adopted(name: string, prepare?: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(await scratchDir(`adopt-dev-${name}`), name);
  if (name in { 'go-cmds': 1, 'cargo-bins': 1, 'cargo-workspace': 1, 'cargo-single': 1 }) await fs.copy(path.join(FIXTURES, name), dir);
  else await mkdir(dir, { recursive: true });
  await prepare?.(dir);
  const r = await svl(['init', '--yes'], { cwd: dir });
  expect(r.exitCode, r.all).toBe(0);
  return dir;
}

async function invokeEach(dir: string, names: string[], payload: object) {
  const dev = await startDev(dir, ['--no-watch']);
  const client = await lambdaClientFor(dev.url);
  try {
    const answers = await Promise.all(
      names.map((FunctionName) => client.send(new InvokeCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(payload)) }))),
    );
    return { dev, answers: answers.map((a) => ({ error: a.FunctionError, body: Buffer.from(a.Payload ?? []).toString() })) };
  } finally {
    client.destroy();
    await dev.stop();
  }
}

describe('svl dev on adopted projects', () => {
  it('a Go module with two cmd/* mains: both functions answer by name', async () => {
    const dir = await adopted('go-cmds');
    const json = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
    expect(Object.keys(json.functions).sort()).toEqual(['notify', 'orders']);
    const { answers } = await invokeEach(dir, ['orders', 'notify'], { Records: [] });
    expect(answers[0]!.error).toBeUndefined();
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ statusCode: 200 });
    expect(answers[1]).toEqual({ error: undefined, body: 'null' });
  });

  it('a save in a package one Go function imports rebuilds that function only', async () => {
    const dir = await adopted('go-cmds');
    const dev = await startDev(dir);
    try {
      await dev.waitForStderr('watching sources');
      const mark = dev.stderr().length;
      const store = path.join(dir, 'internal', 'store', 'store.go');
      await writeFile(store, (await readFile(store, 'utf8')).replace(/return "[^"]*"/, 'return "edited"'));
      await dev.waitForStderr(/built orders in \d+ ms/, 120_000, mark);
      expect(dev.stderr().slice(mark)).toMatch(/internal\/store\/store\.go changed — rebuilding orders\n/);
      const res = await fetch(`${dev.url}/lambda-url/orders/`);
      expect(await res.text()).toBe('edited');
    } finally {
      await dev.stop();
    }
  });

  it('a single cargo-lambda crate (lambda_http) answers on its function URL', async () => {
    const dir = await adopted('cargo-single');
    const dev = await startDev(dir, ['--no-watch']);
    try {
      const res = await fetch(`${dev.url}/lambda-url/orders-api/`);
      expect([res.status, await res.text()]).toEqual([200, 'orders']);
    } finally {
      await dev.stop();
    }
  });

  it('a crate with three [[bin]]s: one cargo build, each bin answers as its own function', async () => {
    const dir = await adopted('cargo-bins');
    const { dev, answers } = await invokeEach(dir, ['ingest', 'report', 'cleanup'], { job: 42 });
    for (const a of answers) expect(a).toEqual({ error: undefined, body: '{"job":42}' });
    expect(dev.stderr()).toMatch(/built (ingest|report|cleanup), (ingest|report|cleanup), (ingest|report|cleanup) in/);
  });

  it('a cargo workspace whose two packages both have a bin named migrate: each function runs its own binary', async () => {
    const dir = await adopted('cargo-workspace');
    const dev = await startDev(dir, ['--no-watch']);
    const client = await lambdaClientFor(dev.url);
    try {
      const [api, apiMigrate] = await Promise.all([fetch(`${dev.url}/lambda-url/api/`), fetch(`${dev.url}/lambda-url/api-migrate/`)]);
      expect([api.status, await api.text()]).toEqual([200, 'orders']);
      expect([apiMigrate.status, await apiMigrate.text()]).toEqual([200, 'api-migrate']);
      for (const FunctionName of ['worker', 'worker-migrate']) {
        const out = await client.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{"n":1}') }));
        expect([out.FunctionError, Buffer.from(out.Payload ?? []).toString()]).toEqual([undefined, '{"n":1}']);
      }
    } finally {
      client.destroy();
      await dev.stop();
    }
  });

  it('an artifact that is not a Linux ELF, or is one for the other arch, is refused in one line', async () => {
    const dir = await adopted('prebuilt-bad', async (d) => {
      await execa('go', ['build', '-trimpath', '-o', path.join(d, 'bootstrap'), './cmd/orders'], {
        cwd: path.join(FIXTURES, 'go-cmds'),
        env: { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
      });
    });
    const file = path.join(dir, 'svl.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const [name] = Object.keys(json.functions);
    json.functions[name!].arch = 'x86_64'; // svl.json says x86_64, the file is arm64
    await writeFile(file, JSON.stringify(json, null, 2));
    const wrongArch = await svl(['build'], { cwd: dir });
    expect(wrongArch.exitCode).toBe(1);
    expect(wrongArch.stderr.trim().split('\n').at(-1)).toMatch(
      /bootstrap is built for arm64, not x86_64 — rebuild it for linux\/x86_64, or set "arch" for .* in svl\.json$/,
    );
    await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\necho not an ELF\n');
    const notElf = await svl(['build'], { cwd: dir });
    expect(notElf.exitCode).toBe(1);
    expect(notElf.stderr.trim().split('\n').at(-1)).toMatch(
      /bootstrap is not a Linux ELF executable for arm64 or x86_64 — point "artifact" of .* at a Lambda bootstrap/,
    );
    const dev = await svl(['dev', '--no-watch'], { cwd: dir });
    expect([dev.exitCode, dev.stderr.trim().split('\n').at(-1)]).toEqual([
      1,
      expect.stringMatching(/is not a Linux ELF executable — point "artifact" at a Lambda bootstrap/),
    ]);
  });

  it('a folder with only a prebuilt bootstrap: served as it is, nothing compiled', async () => {
    const dir = await adopted('prebuilt', async (d) => {
      // A real Lambda bootstrap built elsewhere (here: the adopted Go fixture's orders function).
      await execa('go', ['build', '-trimpath', '-o', path.join(d, 'bootstrap'), './cmd/orders'], {
        cwd: path.join(FIXTURES, 'go-cmds'),
        env: { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
      });
    });
    const json = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
    const [name] = Object.keys(json.functions);
    expect(json.functions[name!]).toMatchObject({ artifact: 'bootstrap' });
    const { dev, answers } = await invokeEach(dir, [name!], {});
    expect(JSON.parse(answers[0]!.body)).toMatchObject({ statusCode: 200 });
    expect(dev.stderr()).toMatch(/\(prebuilt\)/);
    // size and build use the artifact without compiling either
    const build = await svl(['build', '--json'], { cwd: dir });
    expect(build.exitCode, build.all).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({ language: 'prebuilt', arch: 'x86_64' });
    const size = await svl(['size', '--json'], { cwd: dir });
    expect(size.exitCode, size.all).toBe(0);
    expect(JSON.parse(size.stdout)).toMatchObject({ stale: false, passed: true });
  });
});
