import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElfArch, readElfType } from '../../src/artifacts/elf.js';
import { svl } from '../support/cli.js';
import { generateLambdaProject, type GeneratedProject } from './generate.js';
import { expectUnzipsTo, infoZipNine } from './zip-check.js';
import { sha256, zipEntries } from './zip-entries.js';

// Real `cargo lambda build --release` of the generated rust-lambda project (event flavour), built
// once; dependencies are shared through CARGO_TARGET_DIR with the rest of the suite.
let project: GeneratedProject;
const ARM64_STD = existsSync(
  execaSync('rustc', ['--print', 'target-libdir', '--target', 'aarch64-unknown-linux-gnu'], { reject: false }).stdout.trim() || '/nonexistent',
);
let zipPath: string;

beforeAll(async () => {
  project = await generateLambdaProject('rust-lambda', 'event', 'x86_64');
  zipPath = path.join(project.dir, '.svl', 'build', project.name, 'bootstrap.zip');
  const r = await svl(['build'], { cwd: project.dir, timeout: 14 * 60_000 });
  expect(r.exitCode, r.all).toBe(0);
});

describe('svl build (Rust)', () => {
  it('writes an x86_64 ELF and a reproducible zip with bootstrap alone at its root', async () => {
    const bootstrap = path.join(project.dir, '.svl', 'build', project.name, 'bootstrap');
    expect(await readElfArch(bootstrap)).toBe('x86_64');
    const entries = await zipEntries(zipPath);
    expect(entries.map((e) => [e.name, e.mode])).toEqual([['bootstrap', 0o100755]]);
    const first = await sha256(zipPath);
    const again = await svl(['build'], { cwd: project.dir, timeout: 10 * 60_000 });
    expect(again.exitCode, again.all).toBe(0);
    expect(await sha256(zipPath)).toBe(first);
  });

  it('zips smaller than Info-ZIP zip -9 of the same bootstrap, and the zip unzips to it', async () => {
    const bootstrap = path.join(project.dir, '.svl', 'build', project.name, 'bootstrap');
    const ours = (await stat(zipPath)).size;
    const zipNine = await infoZipNine(bootstrap);
    console.log(`Rust bootstrap ${(await stat(bootstrap)).size} B → svl zip ${ours} B, zip -9 ${zipNine} B`);
    expect(ours).toBeLessThanOrEqual(zipNine);
    await expectUnzipsTo(zipPath, bootstrap);
  });

  // `rustup target add` may or may not reach its server on a machine: each state gets its test.
  it.runIf(!ARM64_STD)('stops before building arm64 when its Rust target is missing: the fix, exit 1, no artifact', async () => {
    const arm = await generateLambdaProject('rust-lambda', 'event', 'arm64');
    const r = await svl(['build'], { cwd: arm.dir, timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      "svl: Rust target aarch64-unknown-linux-gnu is not installed — run 'rustup target add aarch64-unknown-linux-gnu' or build with --arch x86_64",
    );
    expect(existsSync(path.join(arm.dir, '.svl', 'build', arm.name))).toBe(false);
    const j = await svl(['build', '--json'], { cwd: arm.dir, timeout: 60_000 });
    expect(j.exitCode).toBe(1);
    expect(JSON.parse(j.stdout).error.message).toMatch(/rustup target add aarch64-unknown-linux-gnu/);
    // Asking for arm64 explicitly on the x86_64 project never falls back to x86_64 either.
    const explicit = await svl(['build', '--arch', 'arm64'], { cwd: project.dir, timeout: 60_000 });
    expect(explicit.exitCode).toBe(1);
    expect(await readElfArch(path.join(project.dir, '.svl', 'build', project.name, 'bootstrap'))).toBe('x86_64');
  });

  it('links a PIE by default and a fixed-address executable with relocationModel "static", a smaller zip', { timeout: 15 * 60_000 }, async () => {
    const bootstrap = path.join(project.dir, '.svl', 'build', project.name, 'bootstrap');
    expect(await readElfType(bootstrap)).toBe('DYN');
    const pieZip = (await stat(zipPath)).size;
    const file = path.join(project.dir, 'svl.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), relocationModel: 'static' }, null, 2));
    // The setting is a build input: the PIE build is stale and rebuilt, not reused.
    const r = await svl(['build', '--json'], { cwd: project.dir, timeout: 14 * 60_000 });
    expect(r.exitCode, r.all).toBe(0);
    expect(await readElfType(bootstrap)).toBe('EXEC');
    expect(await readElfArch(bootstrap)).toBe('x86_64');
    expect(JSON.parse(r.stdout).zip.bytes).toBeLessThan(pieZip);
  });
});

describe('svl build (Rust) for arm64 with its std installed', () => {
  it.runIf(ARM64_STD)('builds an aarch64 ELF — never an x86_64 one under the arm64 name', { timeout: 15 * 60_000 }, async () => {
    const arm = await generateLambdaProject('rust-lambda', 'event', 'arm64');
    const r = await svl(['build', '--json'], { cwd: arm.dir, timeout: 14 * 60_000 });
    expect(r.exitCode, r.all).toBe(0);
    expect(await readElfArch(path.join(arm.dir, '.svl', 'build', arm.name, 'bootstrap'))).toBe('arm64');
    expect(JSON.parse(r.stdout).arch).toBe('arm64');
  });
});

describe('svl build (Rust) with a missing tool', () => {
  it('names cargo-lambda and how to install it, in one line, exit 1', async () => {
    const { stdout: cargo } = await execa('which', ['cargo']);
    // node and cargo on PATH, but not the Python scripts dir that holds cargo-lambda.
    const r = await svl(['build'], {
      cwd: project.dir,
      env: { PATH: [path.dirname(process.execPath), path.dirname(cargo), '/usr/bin', '/bin'].join(':') },
      timeout: 60_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe("svl: cargo-lambda not found — install it with 'pip install cargo-lambda' (it brings zig)");
  });
});

describe('svl size (Rust)', () => {
  it('is within the template budget and under 1 MB zipped', async () => {
    const r = await svl(['size', '--json'], { cwd: project.dir });
    expect(r.exitCode, r.all).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ language: 'rust', arch: 'x86_64', passed: true, stale: false });
    expect(report.artifacts[1].bytes).toBeLessThanOrEqual(1_000_000);
  });

  it('--why names the crates that dominate a hello function', async () => {
    const r = await svl(['size', '--why', '--json'], { cwd: project.dir, timeout: 14 * 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const top = JSON.parse(r.stdout)
      .breakdown.filter((e: { kind: string }) => e.kind === 'crate')
      .slice(0, 10)
      .map((e: { name: string }) => e.name);
    expect(top).toContain('tokio');
    expect(top).toContain('lambda_runtime');
    expect(top).toContain('std');
  });
});
