// svl init through the built CLI on real-project-shaped fixtures: what it detects, that the
// svl.json it writes validates and resolves, and that no other file changes.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { resolveProject } from '../../src/project/project.js';
import { parseSvlJson } from '../../src/project/svl-json.js';
import { scratchDir, svl } from '../support/cli.js';
import { REPO_ROOT, SVL_BIN } from '../support/paths.js';
import { KEY, Terminal } from '../scaffold/terminal.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'adopt');

async function copyFixture(name: string): Promise<string> {
  const dir = path.join(await scratchDir(`init-${name}`), name);
  await fs.copy(path.join(FIXTURES, name), dir);
  return dir;
}

/** Every file and folder under `dir` with its content hash and mode, svl.json at the root left out. */
async function treeState(dir: string, prefix = ''): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (rel === 'svl.json') continue;
    const abs = path.join(dir, rel);
    const { mode } = await lstat(abs);
    if (entry.isDirectory()) {
      state[`${rel}/`] = mode.toString(8);
      Object.assign(state, await treeState(dir, rel));
    } else
      state[rel] = `${mode.toString(8)} ${createHash('sha256')
        .update(await readFile(abs))
        .digest('hex')}`;
  }
  return state;
}

/** Runs `svl init --yes` and checks it changed nothing but svl.json; returns the parsed, resolved result. */
async function initYes(dir: string) {
  const before = await treeState(dir);
  const r = await svl(['init', '--yes'], { cwd: dir });
  expect(r.exitCode, r.all).toBe(0);
  expect(await treeState(dir)).toEqual(before);
  const file = path.join(dir, 'svl.json');
  const json = await parseSvlJson(await readFile(file, 'utf8'), file);
  const project = resolveProject(json, file);
  return { r, json, project };
}

async function goBootstrap(out: string, goarch: 'amd64' | 'arm64'): Promise<void> {
  await execa('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', out, '.'], {
    cwd: path.join(FIXTURES, 'tiny-bootstrap'),
    env: { GOOS: 'linux', GOARCH: goarch, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  });
}

describe('svl init --yes', () => {
  it('(a) a cargo-lambda crate: memory, timeout and env from [package.metadata.lambda.deploy], arch guessed', async () => {
    const dir = await copyFixture('cargo-single');
    const { r, json, project } = await initYes(dir);
    expect(json.functions).toEqual({
      'orders-api': {
        path: '.',
        language: 'rust',
        flavor: 'http',
        memory: 512,
        timeout: 30,
        environment: { RUST_LOG: 'info', TABLE_NAME: 'orders' },
        package: 'orders-api',
      },
    });
    expect(json.arch).toBe('arm64');
    expect(r.stdout).toMatch(/^found rust function 'orders-api' in \. \(.*memory 512, timeout 30, 2 env var\(s\)/m);
    expect(r.stdout).toMatch(/^guessed arch arm64 for orders-api: /m);
    expect(r.stdout).toContain('env_file .env.production');
    expect(project.functions).toMatchObject([{ name: 'orders-api', dir, language: 'rust', arch: 'arm64', memory: 512, timeout: 30 }]);
    expect(project.defaultFunction).toBe('orders-api');
    // cargo metadata --no-deps resolves nothing: no lockfile, no target/ (the tree check above says so too).
    expect(await fs.pathExists(path.join(dir, 'Cargo.lock'))).toBe(false);
    expect(await fs.pathExists(path.join(dir, 'target'))).toBe(false);
  });

  it('(b) a crate with three [[bin]]s: one function each, event flavor (lambda_http only as a dev-dependency)', async () => {
    const dir = await copyFixture('cargo-bins');
    const { json, project } = await initYes(dir);
    expect(json.functions).toEqual({
      ingest: { path: '.', language: 'rust', flavor: 'event', package: 'jobs' },
      report: { path: '.', language: 'rust', flavor: 'event', package: 'jobs' },
      cleanup: { path: '.', language: 'rust', flavor: 'event', package: 'jobs' },
    });
    expect(project.functions.map((f) => [f.name, f.dir]).sort()).toEqual([
      ['cleanup', dir],
      ['ingest', dir],
      ['report', dir],
    ]);
  });

  it('(c) a workspace of two members: bootstrap bins take the package name, equal bin names get the package in front', async () => {
    const dir = await copyFixture('cargo-workspace');
    const { r, json, project } = await initYes(dir);
    expect(json.functions).toEqual({
      api: { path: 'crates/api', language: 'rust', flavor: 'http', timeout: 20, bin: 'bootstrap', package: 'api' },
      'api-migrate': { path: 'crates/api', language: 'rust', flavor: 'http', timeout: 20, bin: 'migrate', package: 'api' },
      'worker-migrate': {
        path: 'crates/worker',
        language: 'rust',
        flavor: 'event',
        arch: 'arm64',
        memory: 1024,
        timeout: 20,
        bin: 'migrate',
        package: 'worker',
      },
      worker: { path: 'crates/worker', language: 'rust', flavor: 'event', arch: 'arm64', memory: 1024, timeout: 20, package: 'worker' },
    });
    expect(r.stdout).toMatch(/^2 functions are called 'migrate': named them 'api-migrate', 'worker-migrate'/m);
    expect(r.stdout).toMatch(/^guessed arch arm64 for api, api-migrate: /m);
    expect(r.stdout).toContain('arm64 from [package.metadata.lambda.build]');
    expect(project.functions.find((f) => f.name === 'worker')).toMatchObject({ dir: path.join(dir, 'crates', 'worker'), arch: 'arm64', bin: undefined });
  });

  it('(d) a Go module with two cmd/* mains calling lambda.Start; a plain main and a local go build output are left alone', async () => {
    const dir = await copyFixture('go-cmds');
    await goBootstrap(path.join(dir, 'cmd', 'orders', 'bootstrap'), 'amd64'); // what `go build -o bootstrap` leaves behind
    const { r, json, project } = await initYes(dir);
    expect(json.functions).toEqual({
      notify: { path: 'cmd/notify', language: 'go', flavor: 'sqs' }, // its handler takes events.SQSEvent
      orders: { path: 'cmd/orders', language: 'go', flavor: 'http' },
    });
    expect(r.stdout).toContain('main package calls awslambda.StartWithOptions');
    expect(r.stdout).toMatch(/^skipped cmd\/orders\/bootstrap: it sits in cmd\/orders, the folder of go function 'orders'/m);
    expect(project.functions.map((f) => f.dir)).toEqual([path.join(dir, 'cmd', 'notify'), path.join(dir, 'cmd', 'orders')]);
  });

  it('(e) a folder with only a prebuilt x86_64 bootstrap: artifact, arch from its ELF header, no language', async () => {
    const dir = path.join(await scratchDir('init-prebuilt'), 'legacy-billing');
    await goBootstrap(path.join(dir, 'bootstrap'), 'amd64');
    const { r, json, project } = await initYes(dir);
    expect(json).toMatchObject({ name: 'legacy-billing', functions: { 'legacy-billing': { path: '.', arch: 'x86_64', artifact: 'bootstrap' } } });
    expect(json.arch).toBeUndefined();
    expect(r.stdout).not.toContain('guessed');
    expect(project.functions).toMatchObject([{ name: 'legacy-billing', language: undefined, arch: 'x86_64', artifact: path.join(dir, 'bootstrap') }]);
  });

  it('(f) a zip with a bootstrap: named after the zip, arch read from the zipped ELF', async () => {
    const dir = await scratchDir('init-zip');
    await mkdir(path.join(dir, 'dist'));
    const elf = path.join(await scratchDir('init-zip-elf'), 'bootstrap');
    await goBootstrap(elf, 'arm64');
    const zip = new yazl.ZipFile();
    zip.addFile(elf, 'bootstrap', { mode: 0o100755 });
    zip.addBuffer(Buffer.from('billing v1\n'), 'VERSION');
    zip.end();
    await new Promise((resolve, reject) =>
      zip.outputStream
        .pipe(createWriteStream(path.join(dir, 'dist', 'legacy.zip')))
        .on('close', resolve)
        .on('error', reject),
    );
    await writeFile(path.join(dir, 'README.md'), '# billing, prebuilt\n');
    await writeFile(path.join(dir, 'dist', 'notes.zip'), 'not a zip at all');
    const { json, project } = await initYes(dir);
    expect(json.functions).toEqual({ legacy: { path: 'dist', arch: 'arm64', artifact: 'dist/legacy.zip' } });
    expect(project.functions[0]).toMatchObject({ name: 'legacy', dir: path.join(dir, 'dist'), artifact: path.join(dir, 'dist', 'legacy.zip') });
  });
});

describe('svl init refuses and explains', () => {
  it('--dry-run prints the svl.json and writes nothing', async () => {
    const dir = await copyFixture('cargo-single');
    const before = await treeState(dir);
    const r = await svl(['init', '--dry-run'], { cwd: dir });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain('"orders-api": {');
    expect(r.stdout).toMatch(/^dry run — nothing written$/m);
    expect(await fs.pathExists(path.join(dir, 'svl.json'))).toBe(false);
    expect(await treeState(dir)).toEqual(before);
  });

  it('an existing svl.json is refused and left as it is', async () => {
    const dir = await copyFixture('cargo-single');
    const text = '{ "name": "mine", "platform": "lambda", "language": "rust" }\n';
    await writeFile(path.join(dir, 'svl.json'), text);
    const r = await svl(['init', '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/svl\.json already exists — this project is already set up for svl/);
    expect(await readFile(path.join(dir, 'svl.json'), 'utf8')).toBe(text);
  });

  it('a Cargo.toml without cargo on PATH is one line naming how to install Rust', async () => {
    const dir = await copyFixture('cargo-single');
    const r = await svl(['init', '--yes'], { cwd: dir, env: { PATH: path.dirname(process.execPath) } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('svl: found Cargo.toml but cargo is not installed — install Rust from https://rustup.rs, then rerun svl init');
    expect(await fs.pathExists(path.join(dir, 'svl.json'))).toBe(false);
  });

  it('says so when an svl.json above the folder stops applying inside it', async () => {
    const outer = await scratchDir('init-nested');
    await writeFile(path.join(outer, 'svl.json'), '{ "name": "outer", "platform": "lambda", "language": "go" }\n');
    const dir = path.join(outer, 'go-cmds');
    await fs.copy(path.join(FIXTURES, 'go-cmds'), dir);
    const { r } = await initYes(dir);
    expect(r.stdout).toContain(`note: ${path.join(outer, 'svl.json')} is above this folder; inside ${dir} svl will use the new svl.json instead`);
  });

  it('a bad --name is a usage error before anything is read', async () => {
    const dir = await copyFixture('cargo-single');
    const r = await svl(['init', '--yes', '--name', 'my app'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("svl: --name 'my app' is not a valid project name — use 1-64 of A-Z a-z 0-9 - _");
  });

  it('an empty folder exits 1 saying what it looked for', async () => {
    const dir = await scratchDir('init-empty');
    const r = await svl(['init', '--yes'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^svl: no Lambda function found in .* \(looked for cargo packages .*\)$/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('without a terminal and without --yes it prints the plan, writes nothing and exits 2 naming --yes', async () => {
    const dir = await copyFixture('go-cmds');
    const r = await svl(['init', dir], { cwd: REPO_ROOT });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain("found go function 'orders' in cmd/orders");
    expect(r.stderr).toBe('svl: no terminal to confirm on, so nothing was written — rerun with --yes to write this svl.json (or --dry-run to only print it)');
    expect(await fs.pathExists(path.join(dir, 'svl.json'))).toBe(false);
  });
});

describe('svl init in a terminal', () => {
  it('asks before writing; Enter accepts', async () => {
    const dir = await copyFixture('cargo-bins');
    const term = new Terminal(['init'], dir, {}, SVL_BIN);
    await term.waitFor('Write svl.json with 3 function(s)?');
    await term.type(KEY.enter);
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(0);
    expect(term.screen).toContain("found rust function 'ingest'");
    expect(Object.keys(JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8')).functions)).toEqual(['cleanup', 'ingest', 'report']);
  });

  it('answering no writes nothing and exits 130', async () => {
    const dir = await copyFixture('cargo-bins');
    const term = new Terminal(['init'], dir, {}, SVL_BIN);
    await term.waitFor('Write svl.json with 3 function(s)?');
    await term.type('n', KEY.enter);
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(130);
    expect(term.screen).toContain('cancelled — nothing was written');
    expect(await fs.pathExists(path.join(dir, 'svl.json'))).toBe(false);
  });
});
