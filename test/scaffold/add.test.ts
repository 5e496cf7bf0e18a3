// svl add through the BUILT CLI: a Rust-first project grown to four functions (two Rust in one
// cargo workspace, two Go in one module), a Go-first one given a Rust function (a virtual
// workspace) and a scheduled Go project given an SQS function of each language, each checked with
// the toolchains its CI runs; then every bad input, and a failed write that must leave the project
// as it was.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../src/core/version.js';
import { addWorkspaceMember } from '../../src/scaffold/cargo-workspace.js';
import { addGoRequires } from '../../src/scaffold/go-module.js';
import { resolveProject } from '../../src/project/project.js';
import { parseSvlJson } from '../../src/project/svl-json.js';
import { scratchDir, svl, testEnv } from '../support/cli.js';
import { generateProject } from '../support/projects.js';

const TOOL_TIMEOUT = 10 * 60_000;
const GOBIN = path.join(execaSync('go', ['env', 'GOPATH']).stdout.trim(), 'bin');
const PATH_WITH_GOBIN = `${process.env.PATH}${path.delimiter}${GOBIN}`;

async function run(cwd: string, file: string, args: string[]) {
  const result = await execa(file, args, {
    cwd,
    all: true,
    reject: false,
    timeout: TOOL_TIMEOUT,
    env: testEnv({ PATH: PATH_WITH_GOBIN, CARGO_TERM_COLOR: 'never' }),
  });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed in ${cwd} (exit ${result.exitCode}):\n${result.all}`);
  return result.all ?? '';
}

async function add(cwd: string, args: string[]) {
  const result = await svl(['add', ...args], { cwd, timeout: 60_000 });
  if (result.exitCode !== 0) throw new Error(`svl add ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.all}`);
  return result;
}

/** Every file under `dir` with its contents (target/ and .git skipped): a tree to compare before and after. */
async function snapshot(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'target' && entry.name !== '.git') Object.assign(out, await snapshot(dir, rel));
    } else out[rel] = await readFile(path.join(dir, rel), 'utf8');
  }
  return out;
}

async function projectOf(dir: string) {
  const file = path.join(dir, 'svl.json');
  return resolveProject(await parseSvlJson(await readFile(file, 'utf8'), file), file);
}

describe('a Rust-first project with a second Rust function and two Go functions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await generateProject('rust-lambda', { flavor: 'http', arch: 'x86_64', name: 'shop' });
    await add(dir, ['orders', '--template', 'rust-lambda', '--flavor', 'event']);
    await add(dir, ['cart', '--template', 'go-lambda', '--flavor', 'http']);
    // From inside a function's folder: the project is found by walking up.
    await add(path.join(dir, 'functions', 'orders', 'src'), ['mailer', '--template', 'go-lambda', '--flavor', 'event', '--memory', '256']);
  });

  it('writes a valid many-function svl.json that lists the four functions in their folders', async () => {
    const project = await projectOf(dir);
    expect(project.functions.map((f) => [f.name, path.relative(dir, f.dir), f.language, f.flavor])).toEqual([
      ['shop', '', 'rust', 'http'],
      ['orders', 'functions/orders', 'rust', 'event'],
      ['cart', 'functions/cart', 'go', 'http'],
      ['mailer', 'functions/mailer', 'go', 'event'],
    ]);
    expect(project.functions.map((f) => [f.arch, f.memory, f.environment])).toEqual([
      ['x86_64', 128, { GREETING: 'Hello' }],
      ['x86_64', 128, { GREETING: 'Hello' }],
      ['x86_64', 128, { GREETING: 'Hello' }],
      ['x86_64', 256, { GREETING: 'Hello' }],
    ]);
    const text = await readFile(path.join(dir, 'svl.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(['$schema', 'name', 'runtime', 'arch', 'memory', 'timeout', 'environment', 'functions']);
    expect(json.functions.shop).toEqual({ path: '.', language: 'rust', flavor: 'http', size: { zip: '900 kB', binary: '1.8 MB' } });
    expect(json.functions.orders).toEqual({ language: 'rust', flavor: 'event', size: { zip: '500 kB', binary: '1 MB' } });
    expect(json.functions.mailer.memory).toBe(256);
  });

  it('makes every Rust function a member of one workspace, bins named after the functions', async () => {
    const rootToml = await readFile(path.join(dir, 'Cargo.toml'), 'utf8');
    expect(rootToml).toMatch(/\n\[workspace\]\nmembers = \["functions\/orders"\]\nresolver = "3"\n$/);
    expect(rootToml).toMatch(/\[\[bin\]\]\nname = "shop"/);
    const member = await readFile(path.join(dir, 'functions/orders/Cargo.toml'), 'utf8');
    expect(member).toMatch(/\[\[bin\]\]\nname = "orders"/);
    expect(member).not.toContain('[profile.release]');
    expect(member).toContain('[package.metadata.lambda.deploy]\nmemory = 128\ntimeout = 10\nenv = { GREETING = "Hello" }\n');
  });

  it('passes cargo fmt, clippy -D warnings and cargo test over the workspace', async () => {
    await run(dir, 'cargo', ['fmt', '--all', '--check']);
    await run(dir, 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
    const output = await run(dir, 'cargo', ['test', '--workspace']);
    expect(output).toContain('Running unittests src/main.rs');
    expect(output).not.toMatch(/profiles for the non root package will be ignored/);
    const suites = [...output.matchAll(/test result: ok\. (\d+) passed; 0 failed/g)].map((m) => Number(m[1]));
    expect(suites.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('has exactly one Cargo.lock and one [profile.release]', async () => {
    const files = await snapshot(dir);
    expect(Object.keys(files).filter((f) => f.endsWith('Cargo.lock'))).toEqual(['Cargo.lock']);
    expect(
      Object.entries(files)
        .filter(([f, text]) => f.endsWith('Cargo.toml') && text.includes('[profile.release]'))
        .map(([f]) => f),
    ).toEqual(['Cargo.toml']);
  });

  it('puts the Go functions in one module at the root that gofmt, go vet and go test accept', async () => {
    expect(await readFile(path.join(dir, 'go.mod'), 'utf8')).toMatch(/^module shop\n\ngo \d+\.\d+\n\nrequire github\.com\/aws\/aws-lambda-go v/);
    expect(await run(dir, 'gofmt', ['-l', '.'])).toBe('');
    await run(dir, 'go', ['mod', 'tidy', '-diff']);
    await run(dir, 'go', ['vet', './...']);
    const output = await run(dir, 'go', ['test', '-count=1', './...']);
    expect(output).toMatch(/^ok\s+shop\/functions\/cart/m);
    expect(output).toMatch(/^ok\s+shop\/functions\/mailer/m);
  });

  it('keeps sample events in each function folder and lists every function in the README', async () => {
    const files = Object.keys(await snapshot(dir));
    expect(files).toEqual(
      expect.arrayContaining(['functions/orders/events/greet.json', 'functions/cart/events/get.json', 'functions/mailer/events/greet.json']),
    );
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme.match(/^## Functions$/gm)).toHaveLength(1);
    expect(readme).toContain('| `shop` | `.` | Rust (http) | `svl invoke --function shop --event events/get.json` |');
    expect(readme).toContain('| `mailer` | `functions/mailer/` | Go (event) | `svl invoke --function mailer --event functions/mailer/events/greet.json` |');
  });

  it('rewrites the CI workflow for both languages with a pinned svl, and actionlint accepts it', async () => {
    const workflow = await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
    for (const step of [
      'cargo fmt --all --check',
      'cargo clippy --workspace --all-targets -- -D warnings',
      'cargo test --workspace',
      'gofmt -l .',
      'go vet ./...',
      'go test ./...',
      `npm install -g serverless-lang@${version()}`,
      'run: svl build',
      'run: svl size',
    ]) {
      expect(workflow).toContain(step);
    }
    await run(dir, 'actionlint', ['.github/workflows/ci.yml']);
  });
});

describe('a Go-first project given a Rust function', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await generateProject('go-lambda', { flavor: 'http', arch: 'x86_64', name: 'gofirst' });
    await add(dir, ['resize', '--template', 'rust-lambda', '--flavor', 'event']);
    await add(dir, ['thumb', '--template', 'rust-lambda', '--flavor', 'http']);
  });

  it('writes a virtual workspace root with the release profile, and the member without one', async () => {
    const rootToml = await readFile(path.join(dir, 'Cargo.toml'), 'utf8');
    expect(rootToml).toContain('[workspace]\nmembers = ["functions/resize", "functions/thumb"]\nresolver = "3"\n');
    expect(rootToml).toContain('[profile.release]\nopt-level = "s"');
    expect(rootToml).not.toContain('[package]');
    expect(await readFile(path.join(dir, 'functions/resize/Cargo.toml'), 'utf8')).not.toContain('[profile.release]');
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toContain('/target/');
    const project = await projectOf(dir);
    expect(project.functions.map((f) => [f.name, path.relative(dir, f.dir) || '.', f.language])).toEqual([
      ['gofirst', '.', 'go'],
      ['resize', 'functions/resize', 'rust'],
      ['thumb', 'functions/thumb', 'rust'],
    ]);
  });

  it('passes the Rust and Go checks and actionlint', async () => {
    await run(dir, 'cargo', ['fmt', '--all', '--check']);
    await run(dir, 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
    expect(await run(dir, 'cargo', ['test', '--workspace'])).toMatch(/test result: ok\. [1-9]\d* passed/);
    expect(await run(dir, 'gofmt', ['-l', '.'])).toBe('');
    await run(dir, 'go', ['vet', './...']);
    await run(dir, 'go', ['test', '-count=1', './...']);
    const workflow = await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8');
    expect(workflow).toContain('cargo test --workspace');
    expect(workflow).toContain('go test ./...');
    await run(dir, 'actionlint', ['.github/workflows/ci.yml']);
  });
});

describe('a scheduled Go project given an SQS function in each language', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await generateProject('go-lambda', { flavor: 'schedule', name: 'jobs' });
    await add(dir, ['queue', '--template', 'go-lambda', '--flavor', 'sqs']);
    await add(dir, ['ingest', '--template', 'rust-lambda', '--flavor', 'sqs']);
  });

  it('keeps the schedule with its function and declares no queue for the new ones', async () => {
    const json = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
    expect(json.events).toBeUndefined();
    expect(json.functions.jobs).toMatchObject({ path: '.', flavor: 'schedule', events: [{ type: 'schedule', schedule: 'rate(5 minutes)' }] });
    expect(json.functions.queue).toEqual({ language: 'go', flavor: 'sqs', size: { zip: '3.3 MB', binary: '8 MB' } });
    expect(json.functions.ingest).toEqual({ language: 'rust', flavor: 'sqs', size: { zip: '500 kB', binary: '1 MB' } });
    const project = await projectOf(dir);
    expect(project.functions.map((f) => [f.name, f.flavor, f.events.map((e) => e.type)])).toEqual([
      ['jobs', 'schedule', ['schedule']],
      ['queue', 'sqs', []],
      ['ingest', 'sqs', []],
    ]);
  });

  it('passes the Rust and Go checks', async () => {
    await run(dir, 'cargo', ['fmt', '--all', '--check']);
    await run(dir, 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
    expect(await run(dir, 'cargo', ['test', '--workspace'])).toMatch(/test result: ok\. [1-9]\d* passed/);
    expect(await run(dir, 'gofmt', ['-l', '.'])).toBe('');
    await run(dir, 'go', ['vet', './...']);
    const output = await run(dir, 'go', ['test', '-count=1', './...']);
    expect(output).toMatch(/^ok\s+jobs\/functions\/queue/m);
  });

  it('answers a partial batch failure from each SQS function under svl invoke', async () => {
    for (const fn of ['queue', 'ingest']) {
      const event = `functions/${fn}/events/partial-failure.json`;
      const result = await svl(['invoke', '--function', fn, '--event', event], { cwd: dir, timeout: TOOL_TIMEOUT });
      expect(result.exitCode, `${fn}:\n${result.all}`).toBe(0);
      expect(JSON.parse(String(result.stdout).split('\n')[0] ?? '')).toEqual({
        batchItemFailures: [{ itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' }],
      });
    }
  });
});

describe('bad input: exit code, one line naming the fix, nothing written', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await generateProject('rust-lambda', { flavor: 'http', name: 'bad' });
    await mkdir(path.join(dir, 'functions', 'exists'), { recursive: true });
  });

  const cases: { title: string; args: string[]; code: number; message: RegExp }[] = [
    { title: 'no name', args: ['--template', 'rust-lambda'], code: 2, message: /the function name is required — run 'svl add <name> --template rust-lambda'$/ },
    { title: 'no template', args: ['x'], code: 2, message: /the template is required — pass --template \(go-lambda, rust-lambda\)$/ },
    {
      title: 'unknown template',
      args: ['x', '--template', 'python-lambda'],
      code: 2,
      message: /unknown --template 'python-lambda' — valid: go-lambda, rust-lambda$/,
    },
    {
      title: 'a Cloud Run template',
      args: ['x', '--template', 'cloudrun-ocr'],
      code: 2,
      message: /unknown --template 'cloudrun-ocr' \(a Cloud Run template: svl add adds Lambda functions only\) — valid: go-lambda, rust-lambda$/,
    },
    {
      title: 'unknown flavour',
      args: ['x', '--template', 'go-lambda', '--flavor', 'grpc'],
      code: 2,
      message: /unknown --flavor 'grpc' for template go-lambda — valid: http, event, sqs, s3, schedule, dynamodb, stream$/,
    },
    {
      title: 'a Rust keyword',
      args: ['fn', '--template', 'rust-lambda'],
      code: 2,
      message: /'fn' is a Rust keyword and cannot be a crate name — choose another function name$/,
    },
    {
      title: 'an invalid name',
      args: ['no way', '--template', 'go-lambda'],
      code: 2,
      message: /'no way' is not a valid Lambda function name: .* — choose another function name$/,
    },
    {
      title: 'a name in use',
      args: ['bad', '--template', 'go-lambda'],
      code: 2,
      message: /'bad' is already used in .*svl\.json — choose another function name$/,
    },
    {
      title: 'an existing folder',
      args: ['exists', '--template', 'go-lambda'],
      code: 2,
      message: /functions\/exists already exists — choose another function name, or remove that folder$/,
    },
    {
      title: 'memory out of range',
      args: ['x', '--template', 'go-lambda', '--memory', '64'],
      code: 2,
      message: /--memory must be a whole number of MB from 128 to 10240 .*, got '64'$/,
    },
    {
      title: 'two names',
      args: ['a', 'b', '--template', 'go-lambda'],
      code: 2,
      message: /expected one function name, got 2: a b — add one function per 'svl add'$/,
    },
    { title: 'unknown flag', args: ['x', '--template', 'go-lambda', '--lang', 'go'], code: 2, message: /Unknown option '--lang' — see 'svl add --help'$/ },
  ];

  it.each(cases)('$title → exit $code', async ({ args, code, message }) => {
    const before = await snapshot(dir);
    const result = await svl(['add', ...args], { cwd: dir });
    expect(result.exitCode).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('outside any project → exit 1 naming svl new', async () => {
    const outside = await scratchDir('add-outside');
    const result = await svl(['add', 'x', '--template', 'go-lambda'], { cwd: outside });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^svl: no svl\.json in .* create one with 'svl new'.*$/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('a Cloud Run project root → exit 2, out of scope', async () => {
    const cloudrun = await scratchDir('add-cloudrun');
    await writeFile(path.join(cloudrun, 'svl.json'), `${JSON.stringify({ name: 'svc', platform: 'cloudrun', language: 'go' }, null, 2)}\n`);
    const result = await svl(['add', 'x', '--template', 'go-lambda'], { cwd: cloudrun });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /Cloud Run service at the project root; svl add adds Lambda functions .*out of its scope\) — generate a separate project with 'svl new'$/,
    );
    expect(await readdir(cloudrun)).toEqual(['svl.json']);
  });

  it('--dry-run lists the changes and writes nothing', async () => {
    const before = await snapshot(dir);
    const result = await svl(['add', 'dry', '--template', 'go-lambda', '--dry-run'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    for (const line of [
      'would create functions/dry/',
      '    main.go',
      'would create go.mod',
      'would update svl.json',
      'would update .github/workflows/ci.yml',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(await snapshot(dir)).toEqual(before);
  });

  it('a write that fails after others went in → exit 1, every change undone', async () => {
    const before = await snapshot(dir);
    const result = await svl(['add', 'late', '--template', 'go-lambda'], { cwd: dir, env: { SVL_TEST_FAIL_WRITE: 'svl.json' } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^svl: cannot write .*svl\.json \(ETEST\) — nothing was changed; fix that and run the command again$/);
    expect(await snapshot(dir)).toEqual(before);
    expect(await readdir(dir)).not.toContain('go.mod');
  });

  it('a write that fails while staging (functions/ is a file) → exit 1, nothing written', async () => {
    const other = await generateProject('go-lambda', { name: 'stage' });
    await writeFile(path.join(other, 'functions'), 'not a folder\n');
    const before = await snapshot(other);
    const result = await svl(['add', 'late', '--template', 'rust-lambda'], { cwd: other });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot write .*functions\/late \((ENOTDIR|EEXIST)\) — nothing was changed/);
    expect(await snapshot(other)).toEqual(before);
  });
});

describe('Cargo.toml and go.mod edits keep the rest of the file as it was', () => {
  it('appends a member to a one-line, an empty and a multi-line members array', () => {
    const pkg = '[package]\nname = "a"\nedition = "2024"\n';
    expect(addWorkspaceMember(`${pkg}\n[workspace]\nmembers = ["x"] # ours\n`, 'functions/b')).toBe(
      `${pkg}\n[workspace]\nmembers = ["x", "functions/b"] # ours\nresolver = "3"\n`,
    );
    expect(addWorkspaceMember(`${pkg}\n[workspace]\nmembers = []\nresolver = "2"\n`, 'functions/b')).toBe(
      `${pkg}\n[workspace]\nmembers = ["functions/b"]\nresolver = "2"\n`,
    );
    const multi = `${pkg}\n[workspace]\nmembers = [\n  "x",\n  "y"\n]\n\n# the profile\n[profile.release]\nlto = true\n`;
    expect(addWorkspaceMember(multi, 'functions/b')).toBe(
      `${pkg}\n[workspace]\nmembers = [\n  "x",\n  "y",\n  "functions/b",\n]\nresolver = "3"\n\n# the profile\n[profile.release]\nlto = true\n`,
    );
    expect(addWorkspaceMember(multi.replace('"y"', '"functions/b"'), 'functions/b')).toBe(multi.replace('"y"', '"functions/b"'));
  });

  it('adds [workspace] to a package, with resolver 3 only for edition 2024', () => {
    expect(addWorkspaceMember('[package]\nname = "a"\nedition = "2021"\n', 'functions/b')).toBe(
      '[package]\nname = "a"\nedition = "2021"\n\n[workspace]\nmembers = ["functions/b"]\n',
    );
    expect(addWorkspaceMember('[package]\nname = "a"\nedition = "2024"\n\n[workspace]\n', 'functions/b')).toBe(
      '[package]\nname = "a"\nedition = "2024"\n\n[workspace]\nmembers = ["functions/b"]\nresolver = "3"\n',
    );
  });

  it('adds the aws-lambda-go require to a go.mod that lacks it, in its require block', () => {
    const template = 'module t\n\ngo 1.26\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n';
    expect(addGoRequires('module m\n\ngo 1.24\n', template)).toBe('module m\n\ngo 1.24\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n');
    expect(addGoRequires('module m\n\ngo 1.24\n\nrequire (\n\texample.com/x v1.0.0\n)\n', template)).toBe(
      'module m\n\ngo 1.24\n\nrequire (\n\tgithub.com/aws/aws-lambda-go v1.55.1\n\texample.com/x v1.0.0\n)\n',
    );
    expect(addGoRequires(template, template)).toBe(template);
  });
});
