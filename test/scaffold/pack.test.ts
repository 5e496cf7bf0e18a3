// The two packages as npm publishes them, through real `npm pack` and `npm install`:
// - create-serverless-lang (packages/create-serverless-lang/): what `npm create serverless-lang`
//   installs — one bundled index.js, templates/ and schema/, no dependencies, ≤ 3 MB installed.
// - serverless-lang (the repo root): the svl toolkit, which generated projects pin in their CI.
// Catches a `files` list that misses dist/templates/schema or dotfiles npm would drop, a bundle
// that cannot find its templates or version once installed, and a pack from a fresh clone (no
// dist/, no bundle yet) that must build them in prepack.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, testEnv } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { KEY, Terminal } from './terminal.js';
import { listTree } from './tree.js';

const GENERATOR_DIR = path.join(REPO_ROOT, 'packages', 'create-serverless-lang');
const CREATE_BUDGET_BYTES = 3 * 1024 * 1024;
const env = testEnv({ npm_config_update_notifier: 'false' });

type PackInfo = { name: string; filename: string; files: { path: string }[] };

async function rootVersion(): Promise<string> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
}

/** `npm pack` of the package in `cwd` into a scratch folder: the tarball's path and its file list. */
async function pack(cwd: string, label: string, scripts: 'ignore-scripts' | 'run-scripts'): Promise<{ tarball: string; info: PackInfo }> {
  const out = await scratchDir(label);
  const args = ['pack', '--json', '--pack-destination', out, ...(scripts === 'ignore-scripts' ? ['--ignore-scripts'] : [])];
  const result = await execa('npm', args, { cwd, timeout: 300_000, env });
  const [info] = JSON.parse(result.stdout) as PackInfo[];
  return { tarball: path.join(out, info!.filename), info: info! };
}

/** Sum of the sizes of every file below `dir` (what "installed size" means here; no block rounding). */
/** `npm install --global` of a packed tarball into a fresh prefix, as a user would; returns the prefix. */
async function installGlobally(tarball: string, label: string): Promise<string> {
  const prefix = await scratchDir(label);
  const install = await execa('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: prefix,
    reject: false,
    all: true,
    timeout: 300_000,
    env,
  });
  expect(install.exitCode, install.all).toBe(0);
  return prefix;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

async function expectLambdaProject(dir: string, version: string): Promise<string[]> {
  const files = await listTree(dir);
  for (const f of ['svl.json', '.gitignore', '.github/workflows/ci.yml', 'README.md']) expect(files).toContain(f);
  // Nothing left of the template's storage names.
  expect(files.filter((f) => f.endsWith('.hbs') || f.split('/').some((s) => s.startsWith('_')))).toEqual([]);
  const workflow = await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
  // The project's CI installs the toolkit it was made with, not the generator.
  expect(workflow).toContain(`npm install -g serverless-lang@${version}`);
  expect(workflow).not.toContain('create-serverless-lang@');
  // The workflow is copied, not rendered: GitHub's own ${{ }} expressions survive.
  expect(workflow).toContain('${{');
  const config = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
  expect(config.$schema).toBe(`https://unpkg.com/serverless-lang@${version}/schema/svl.schema.json`);
  return files;
}

describe('create-serverless-lang: npm pack → install → npm exec', () => {
  let tarball: string;
  let packed: string[];
  let prefix: string;
  let version: string;

  beforeAll(async () => {
    version = await rootVersion();
    if (!existsSync(path.join(GENERATOR_DIR, 'index.js'))) {
      throw new Error("packages/create-serverless-lang/index.js is missing — run 'npm run build' (npm test does it for you)");
    }
    // --ignore-scripts: the bundle is already built (npm test builds first); the prepack rebuild
    // would rewrite it under test files running alongside. The prepack case is the fresh clone below.
    const packedGenerator = await pack(GENERATOR_DIR, 'pack-create', 'ignore-scripts');
    tarball = packedGenerator.tarball;
    packed = packedGenerator.info.files.map((f) => f.path);
    prefix = await scratchDir('pack-create-prefix');
    // --offline: a package with no dependencies installs from its tarball alone.
    const install = await execa('npm', ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: prefix,
      reject: false,
      all: true,
      timeout: 120_000,
      env,
    });
    expect(install.exitCode, install.all).toBe(0);
  });

  it('has no dependencies, the toolkit version, and ships only the bundle, templates and schema', async () => {
    const pkg = JSON.parse(await readFile(path.join(prefix, 'node_modules', 'create-serverless-lang', 'package.json'), 'utf8'));
    expect(pkg.name).toBe('create-serverless-lang');
    expect(pkg.version).toBe(version);
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies']) expect(pkg[field], field).toBeUndefined();
    expect(pkg.bin).toEqual({ 'create-serverless-lang': 'index.js' });
    expect(packed).toContain('index.js');
    expect(packed).toContain('schema/svl.schema.json');
    for (const template of ['rust-lambda', 'go-lambda', 'cloudrun-ocr']) {
      expect(packed).toContain(`templates/${template}/template.json`);
      expect(packed).toContain(`templates/${template}/_gitignore`);
    }
    expect(packed).toContain('templates/go-lambda/_github/workflows/ci.yml.hbs');
    const others = packed.filter((f) => !/^(index\.js|package\.json|README\.md|LICENSE|templates\/.+|schema\/.+)$/.test(f));
    expect(others).toEqual([]);
  });

  it('installs in at most 3 MB', async () => {
    const bytes = await treeBytes(path.join(prefix, 'node_modules'));
    expect(bytes).toBeLessThanOrEqual(CREATE_BUDGET_BYTES);
  });

  it('npm exec generates go-lambda with its dotfiles and the pinned toolkit', async () => {
    const cwd = await scratchDir('pack-create-go');
    const result = await execa(
      'npm',
      ['exec', '--offline', '--yes', '--package', tarball, '--', 'create-serverless-lang', 'my-fn', '--template', 'go-lambda', '--yes', '--no-git'],
      { cwd, reject: false, all: true, timeout: 120_000, env },
    );
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`npm install -g serverless-lang@${version}`);
    const files = await expectLambdaProject(path.join(cwd, 'my-fn'), version);
    for (const f of ['go.mod', 'main.go']) expect(files).toContain(f);
    const config = JSON.parse(await readFile(path.join(cwd, 'my-fn', 'svl.json'), 'utf8'));
    expect(config.name).toBe('my-fn');
  });

  it('the installed bin generates rust-lambda with git init and the first commit', async () => {
    // With git: execa's CommonJS dependencies need the require the bundle defines.
    const cwd = await scratchDir('pack-create-rust');
    const bin = path.join(prefix, 'node_modules', '.bin', 'create-serverless-lang');
    const result = await execa(bin, ['proj', '--template', 'rust-lambda'], { cwd, reject: false, all: true, env });
    expect(result.exitCode, result.all).toBe(0);
    const files = await expectLambdaProject(path.join(cwd, 'proj'), version);
    for (const f of ['Cargo.toml', 'src/main.rs']) expect(files).toContain(f);
    const log = await execa('git', ['log', '--format=%s'], { cwd: path.join(cwd, 'proj') });
    expect(log.stdout).toBe(`Initial commit from create-serverless-lang ${version}`);
  });

  it.each(['go', 'rust'])('the installed bin generates cloudrun-ocr --lang %s', async (lang) => {
    const cwd = await scratchDir(`pack-create-ocr-${lang}`);
    const bin = path.join(prefix, 'node_modules', '.bin', 'create-serverless-lang');
    const result = await execa(bin, ['ocr', '--template', 'cloudrun-ocr', '--lang', lang, '--no-git'], { cwd, reject: false, all: true, env });
    expect(result.exitCode, result.all).toBe(0);
    const files = await listTree(path.join(cwd, 'ocr'));
    for (const f of ['svl.json', 'Dockerfile', '.gitignore', '.dockerignore', 'README.md']) expect(files).toContain(f);
    for (const f of lang === 'go' ? ['go.mod', 'main.go'] : ['Cargo.toml', 'Cargo.lock', 'src/main.rs']) expect(files).toContain(f);
    expect(files.filter((f) => f.endsWith('.hbs') || f.split('/').some((s) => s.startsWith('_')))).toEqual([]);
  });

  it('asks in a terminal with the bundled @clack/prompts', async () => {
    const cwd = await scratchDir('pack-create-tty');
    const term = new Terminal(['proj', '--yes', '--no-git'], cwd, {}, path.join(prefix, 'node_modules', 'create-serverless-lang', 'index.js'));
    await term.waitFor('Which template?');
    await term.type(KEY.down, KEY.enter); // cloudrun-ocr → go-lambda
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(0);
    expect(term.screen).toContain(`create-serverless-lang ${version}`);
    expect(await listTree(path.join(cwd, 'proj'))).toContain('go.mod');
  });

  it('--version prints the version baked in at build time', async () => {
    const bin = path.join(prefix, 'node_modules', '.bin', 'create-serverless-lang');
    const result = await execa(bin, ['--version'], { reject: false, all: true, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

describe('serverless-lang (the toolkit): npm pack → install → svl', () => {
  let tarball: string;
  let info: PackInfo;
  let bin: string;
  let version: string;

  beforeAll(async () => {
    version = await rootVersion();
    // --ignore-scripts for the reason given above (dist/ is built by npm test).
    ({ tarball, info } = await pack(REPO_ROOT, 'pack', 'ignore-scripts'));
    const prefix = await installGlobally(tarball, 'pack-prefix');
    bin = path.join(prefix, 'bin');
  });

  it('ships dist, templates (dotfiles stored as _names), the schema and only the svl bin', () => {
    const packed = info.files.map((f) => f.path);
    expect(info.name).toBe('serverless-lang');
    expect(packed).toContain('bin/svl.js');
    expect(packed).toContain('dist/cli/svl.js');
    expect(packed).toContain('dist/commands/new.js');
    expect(packed).toContain('schema/svl.schema.json');
    for (const template of ['rust-lambda', 'go-lambda', 'cloudrun-ocr']) {
      expect(packed).toContain(`templates/${template}/template.json`);
      expect(packed).toContain(`templates/${template}/_gitignore`);
    }
    expect(packed).toContain('templates/rust-lambda/_github/workflows/ci.yml.hbs');
    // The create-serverless-lang bin belongs to the generator package: two packages installing
    // the same bin would clash in a global prefix.
    expect(packed).not.toContain('bin/create-serverless-lang.js');
    expect(packed.filter((f) => /^(src|test|packages)\//.test(f))).toEqual([]);
    expect(existsSync(path.join(bin, 'create-serverless-lang'))).toBe(false);
  });

  it('svl --version prints the package version', async () => {
    const result = await execa(path.join(bin, 'svl'), ['--version'], { reject: false, all: true, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it.each(['rust-lambda', 'go-lambda'])('svl new generates %s from the installed package with its dotfiles', async (template) => {
    const cwd = await scratchDir(`pack-${template}`);
    const result = await execa(path.join(bin, 'svl'), ['new', 'proj', '--template', template, '--no-git'], { cwd, reject: false, all: true, env });
    expect(result.exitCode, result.all).toBe(0);
    await expectLambdaProject(path.join(cwd, 'proj'), version);
    const config = JSON.parse(await readFile(path.join(cwd, 'proj', 'svl.json'), 'utf8'));
    expect(config.name).toBe('proj');
  });
});

describe('npm pack from a fresh clone (no dist/, no bundle)', () => {
  it('builds the bundle and dist/ in prepack, so the installed bins run', async () => {
    // A copy of what a clone holds (tracked files and new ones not ignored, as in the working
    // tree) with the existing node_modules linked in: npm ci would take minutes.
    const clone = await scratchDir('pack-clone');
    const listed = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT });
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the working tree
      await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
      await cp(path.join(REPO_ROOT, file), path.join(clone, file));
    }
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);
    const cloneGenerator = path.join(clone, 'packages', 'create-serverless-lang');
    expect(existsSync(path.join(cloneGenerator, 'index.js'))).toBe(false);
    const version = await rootVersion();

    // The generator first: its own prepack must build the bundle (the root build would too).
    const generator = await pack(cloneGenerator, 'pack-clone-create-out', 'run-scripts');
    const generatorFiles = generator.info.files.map((f) => f.path);
    expect(generatorFiles).toContain('index.js');
    expect(generatorFiles).toContain('templates/go-lambda/template.json');
    const createPrefix = await scratchDir('pack-clone-create-prefix');
    const createInstall = await execa('npm', ['install', '--prefix', createPrefix, '--offline', '--no-audit', '--no-fund', generator.tarball], {
      cwd: createPrefix,
      reject: false,
      all: true,
      timeout: 120_000,
      env,
    });
    expect(createInstall.exitCode, createInstall.all).toBe(0);
    const help = await execa(path.join(createPrefix, 'node_modules', '.bin', 'create-serverless-lang'), ['--help'], { reject: false, all: true, env });
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toMatch(/^Usage: svl new/);

    const toolkit = await pack(clone, 'pack-clone-out', 'run-scripts');
    expect(toolkit.info.files.map((f) => f.path)).toContain('dist/cli/svl.js');
    const prefix = await installGlobally(toolkit.tarball, 'pack-clone-prefix');
    const svlVersion = await execa(path.join(prefix, 'bin', 'svl'), ['--version'], { reject: false, all: true, env });
    expect(svlVersion.exitCode, svlVersion.all).toBe(0);
    expect(svlVersion.stdout.trim()).toBe(version);
  });
});
