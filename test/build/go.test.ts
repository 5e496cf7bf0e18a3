import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElfArch } from '../../src/artifacts/elf.js';
import { svl, testEnv } from '../support/cli.js';
import { SVL_BIN } from '../support/paths.js';
import { generateLambdaProject, setBudgets, type GeneratedProject } from './generate.js';
import { expectUnzipsTo, infoZipNine } from './zip-check.js';
import { sha256, zipEntries } from './zip-entries.js';

// Real Go builds of the generated go-lambda project (event flavour), built once and reused.
let project: GeneratedProject;
let paths: { bootstrap: string; zip: string };

beforeAll(async () => {
  project = await generateLambdaProject('go-lambda', 'event', 'x86_64');
  paths = {
    bootstrap: path.join(project.dir, '.svl', 'build', project.name, 'bootstrap'),
    zip: path.join(project.dir, '.svl', 'build', project.name, 'bootstrap.zip'),
  };
  const r = await svl(['build'], { cwd: project.dir, timeout: 5 * 60_000 });
  expect(r.exitCode, r.all).toBe(0);
});

describe('svl build (Go)', () => {
  it('writes an x86_64 ELF and a zip holding only bootstrap, mode 0755, fixed timestamp', async () => {
    expect(await readElfArch(paths.bootstrap)).toBe('x86_64');
    const entries = await zipEntries(paths.zip);
    expect(entries.map((e) => e.name)).toEqual(['bootstrap']);
    expect(entries[0]!.mode).toBe(0o100755);
    expect(entries[0]!.mtime.getFullYear()).toBe(1980);
  });

  it('gives a byte-identical zip when built again from the same sources', async () => {
    const before = await sha256(paths.zip);
    const r = await svl(['build', '--json'], { cwd: project.dir, timeout: 5 * 60_000 });
    expect(r.exitCode, r.all).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(await sha256(paths.zip)).toBe(before);
    // --json reports the base64 form Lambda uses for CodeSha256.
    expect(Buffer.from(out.zip.sha256, 'base64').toString('hex')).toBe(before);
    expect(out).toMatchObject({ name: project.name, language: 'go', arch: 'x86_64', bootstrap: { bytes: expect.any(Number) } });
  });

  it('zips smaller than Info-ZIP zip -9 of the same bootstrap, and the zip unzips to it', async () => {
    const ours = (await stat(paths.zip)).size;
    const zipNine = await infoZipNine(paths.bootstrap);
    console.log(`Go bootstrap ${(await stat(paths.bootstrap)).size} B → svl zip ${ours} B, zip -9 ${zipNine} B`);
    expect(ours).toBeLessThanOrEqual(zipNine);
    await expectUnzipsTo(paths.zip, paths.bootstrap);
  });

  it('builds arm64 on request, and the binary runs under qemu-aarch64 (aws-lambda-go starts and asks for the Runtime API)', async () => {
    const copy = await generateLambdaProject('go-lambda', 'event', 'arm64');
    const r = await svl(['build'], { cwd: copy.dir, timeout: 5 * 60_000 });
    expect(r.exitCode, r.all).toBe(0);
    const bootstrap = path.join(copy.dir, '.svl', 'build', copy.name, 'bootstrap');
    expect(await readElfArch(bootstrap)).toBe('arm64');
    const run = await execa('qemu-aarch64', [bootstrap], { reject: false, timeout: 30_000, env: { AWS_LAMBDA_RUNTIME_API: undefined }, extendEnv: false });
    expect(run.stderr).toMatch(/expected AWS Lambda environment variables \[AWS_LAMBDA_RUNTIME_API\] are not defined/);
    expect(run.exitCode).toBe(1);
  });

  it('on a terminal, streams compiler output in a task log that stays on failure and collapses on success', async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal (stdin and stdout are TTYs).
    const onTerminal = () =>
      execa('script', ['-qec', `stty cols 120 rows 40; node ${SVL_BIN} build`, '/dev/null'], {
        cwd: project.dir,
        env: { ...testEnv(), CI: undefined },
        reject: false,
        timeout: 120_000,
      });
    const handler = path.join(project.dir, 'handler.go');
    const original = await readFile(handler, 'utf8');
    const zipBefore = await sha256(paths.zip);
    try {
      await appendFile(handler, '\nfunc broken( {\n');
      const failed = await onTerminal();
      expect(failed.exitCode).toBe(1);
      const afterFailure = failed.stdout.slice(failed.stdout.indexOf('Build failed'));
      expect(afterFailure).toMatch(/handler\.go:\d+:\d+: syntax error/); // the log is kept
      expect(failed.stdout).toMatch(/svl: go build \(linux\/amd64\) failed \(exit 1\): .*syntax error/);
      expect(await sha256(paths.zip)).toBe(zipBefore); // the last good artifact is untouched
    } finally {
      await writeFile(handler, original);
    }
    const ok = await onTerminal();
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/Built go-event for x86_64/);
    expect(ok.stdout).toMatch(/go-event \(x86_64\): bootstrap [\d.]+ MB, zip [\d.]+ MB/);
  });

  it('names go when it is not installed, in one line, exit 1', async () => {
    const r = await svl(['build'], { cwd: project.dir, env: { PATH: path.dirname(process.execPath) } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^svl: go not found — install Go from https:\/\/go\.dev\/dl/);
    expect(r.stderr.match(/^svl:/gm)).toHaveLength(1);
  });

  it('rejects an unknown --arch as a usage error', async () => {
    const r = await svl(['build', '--arch', 'mips'], { cwd: project.dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown --arch 'mips' — valid: arm64, x86_64/);
    // A stray word is refused, not silently ignored; --json gets the error as JSON.
    const stray = await svl(['build', 'x86_64'], { cwd: project.dir });
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr.trim()).toBe("svl: unexpected argument 'x86_64' — see 'svl build --help'");
    const straySize = await svl(['size', '--json', 'bootstrap'], { cwd: project.dir });
    expect(straySize.exitCode).toBe(2);
    expect(JSON.parse(straySize.stdout)).toEqual({ error: { message: "unexpected argument 'bootstrap' — see 'svl size --help'", exitCode: 2 } });
  });
});

describe('svl size (Go)', () => {
  it('passes within the template budget, with the documented JSON shape', async () => {
    const r = await svl(['size', '--json'], { cwd: project.dir });
    expect(r.exitCode, r.all).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, name: project.name, language: 'go', arch: 'x86_64', stale: false, passed: true });
    expect(report.artifacts.map((a: { name: string }) => a.name)).toEqual(['bootstrap', 'bootstrap.zip']);
    for (const a of report.artifacts) {
      expect(Object.keys(a).sort()).toEqual(['budget', 'bytes', 'function', 'lambdaLimit', 'limit', 'name', 'passed', 'path']);
      expect(a.passed).toBe(true);
      expect(a.bytes).toBeLessThanOrEqual(a.limit);
    }
    expect(report.artifacts[1]).toMatchObject({ path: `.svl/build/${project.name}/bootstrap.zip`, lambdaLimit: 50 * 1024 * 1024 });
    expect(report.artifacts[0].lambdaLimit).toBe(250 * 1024 * 1024);
  });

  it('fails over budget (exit 1) with the fix, a step summary and an ::error annotation on svl.json', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-summary-'));
    const summary = path.join(dir, 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const original = await readFile(path.join(project.dir, 'svl.json'), 'utf8');
    try {
      await setBudgets(project.dir, { zip: '1 kB', binary: '2 MiB' });
      const r = await svl(['size'], { cwd: project.dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/^::error file=svl\.json,title=svl size::bootstrap\.zip is .* over the size\.zip budget of 1\.0 kB/m);
      expect(r.stderr).toMatch(/bootstrap\.zip is .*, over the size\.zip budget of 1\.0 kB .* raise size\.zip in svl\.json/);
      // The Go binary is over 2 MiB (2097152 bytes) too.
      expect(r.stdout).toMatch(/bootstrap +[\d.]+ MB +2 MiB +250 MiB +OVER BUDGET/);
      const md = await readFile(summary, 'utf8');
      expect(md.startsWith('# earlier step\n')).toBe(true);
      expect(md).toMatch(/\| `bootstrap\.zip` \| [\d.]+ MB \| 1\.0 kB \| 50 MiB \| \*\*over budget\*\* \|/);
    } finally {
      await writeFile(path.join(project.dir, 'svl.json'), original);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('diffs against a baseline --json in bytes and percent', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-baseline-'));
    try {
      const base = JSON.parse((await svl(['size', '--json'], { cwd: project.dir })).stdout);
      base.artifacts[1].bytes -= 1000; // main was 1000 bytes smaller
      const file = path.join(dir, 'main.json');
      await writeFile(file, JSON.stringify(base));
      const r = await svl(['size', '--json', '--baseline', file], { cwd: project.dir });
      expect(r.exitCode, r.all).toBe(0);
      const zip = JSON.parse(r.stdout).artifacts[1];
      expect(zip.baseline.diff).toBe(1000);
      expect(zip.baseline.bytes).toBe(zip.bytes - 1000);
      expect(zip.baseline.percent).toBeCloseTo((1000 / (zip.bytes - 1000)) * 100, 1);
      const text = await svl(['size', '--baseline', file], { cwd: project.dir });
      expect(text.stdout).toMatch(/bootstrap\.zip .* \+1\.0 kB \(\+0\.\d+%\)/);
      expect(text.stdout).toMatch(/bootstrap .* ±0 B \(0%\)/);

      const missing = await svl(['size', '--json', '--baseline', path.join(dir, 'nope.json')], { cwd: project.dir });
      expect(missing.exitCode).toBe(2);
      expect(JSON.parse(missing.stdout).error.message).toMatch(/--baseline .*nope\.json: not found — pass the output of an earlier 'svl size --json'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports stale figures after a source edit', async () => {
    const handler = path.join(project.dir, 'handler.go');
    const original = await readFile(handler, 'utf8');
    try {
      await appendFile(handler, '\n// edited\n');
      const r = await svl(['size', '--json'], { cwd: project.dir });
      expect(JSON.parse(r.stdout).stale).toBe(true);
      expect(r.stderr).toMatch(/sources changed since the last build .* run 'svl build'/);
    } finally {
      await writeFile(handler, original);
    }
    expect(JSON.parse((await svl(['size', '--json'], { cwd: project.dir })).stdout).stale).toBe(false);
  });

  it('says to build first when nothing is built, as JSON in --json mode', async () => {
    const fresh = await generateLambdaProject('go-lambda', 'http', 'x86_64');
    const r = await svl(['size'], { cwd: fresh.dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(`svl: nothing built yet in .svl/build/${fresh.name} — run 'svl build' first (or 'svl size --build')`);
    const j = await svl(['size', '--json'], { cwd: fresh.dir });
    expect(j.exitCode).toBe(1);
    expect(JSON.parse(j.stdout)).toEqual({ error: { message: expect.stringMatching(/nothing built yet/), exitCode: 1 } });
    const bad = await svl(['size', '--json', '--nope'], { cwd: fresh.dir });
    expect(bad.exitCode).toBe(2);
    // --build builds first; the http flavour is within its template budget too.
    const built = await svl(['size', '--build', '--json'], { cwd: fresh.dir, timeout: 5 * 60_000 });
    expect(built.exitCode, built.all).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ name: fresh.name, passed: true, stale: false });
  });

  it('--why attributes the bytes to Go packages, and --html draws them as a treemap (checked in Chromium)', async () => {
    const html = path.join(project.dir, 'size-report.html');
    const r = await svl(['size', '--why', '--html', html], { cwd: project.dir, timeout: 5 * 60_000 });
    expect(r.exitCode, r.all).toBe(0);
    const why = r.stdout.slice(r.stdout.indexOf('Where the bytes come from'));
    // Package rows only: section rows (.gopclntab, the largest) name the bytes no symbol covers.
    const rows = why
      .split('\n')
      .slice(2, 17)
      .map((l) => l.trim().split(/\s+/))
      .filter((cells) => cells[1] === 'package')
      .map((cells) => cells[0]);
    expect(rows[0]).toBe('runtime');
    // aws-lambda-go's Runtime API client is what pulls in net/http (and with it crypto/tls).
    expect(rows).toContain('net/http');
    const json = JSON.parse((await svl(['size', '--why', '--json'], { cwd: project.dir, timeout: 5 * 60_000 })).stdout);
    expect(json.breakdown.map((e: { name: string }) => e.name)).toContain('github.com/aws/aws-lambda-go/lambda');

    const page = await readFile(html, 'utf8');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no scripts, nothing fetched
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      timeout: 60_000,
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
      await tab.goto(`file://${html}`);
      const cells = await tab.locator('#treemap g.cell').count();
      expect(cells).toBeGreaterThan(10);
      const labels = await tab.locator('#treemap text').allTextContents();
      expect(labels).toContain('runtime');
      // The biggest cell is the first package of the table, and cells fill the treemap's area.
      const areas = await tab.$$eval('#treemap rect', (rs) => rs.map((r) => Number(r.getAttribute('width')) * Number(r.getAttribute('height'))));
      expect(areas.reduce((a, b) => a + b, 0)).toBeCloseTo(1000 * 560, -2);
      await tab.screenshot({ path: path.join(project.dir, 'size-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
    expect(existsSync(path.join(project.dir, 'size-report.png'))).toBe(true);

    const unwritable = path.join(project.dir, 'no-such-dir', 'report.html');
    const bad = await svl(['size', '--html', unwritable], { cwd: project.dir, timeout: 5 * 60_000 });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toBe(`svl: --html ${unwritable}: cannot write it (ENOENT) — pass a file in an existing, writable directory`);
  });
});
