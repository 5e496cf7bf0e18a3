// Every bad input: the exit code, a one-line message naming the fix, and the target left absent
// (or, when it existed, untouched). Runs the BUILT CLI without a terminal (CI=true).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { FIXTURE_TEMPLATES, listTree } from './tree.js';

const fixtures = { SVL_TEMPLATES_DIR: FIXTURE_TEMPLATES };

interface Case {
  title: string;
  args: (dir: string) => string[];
  code: number;
  message: RegExp;
  env?: Record<string, string>;
}

const cases: Case[] = [
  {
    title: 'no directory',
    args: () => ['--template', 'rust-lambda'],
    code: 2,
    message: /the project directory is required .* — pass the directory as the first argument/,
  },
  { title: 'no template', args: (d) => [d], code: 2, message: /the template is required .* — pass --template \(cloudrun-ocr, go-lambda, rust-lambda\)/ },
  {
    title: 'unknown template',
    args: (d) => [d, '--template', 'python-lambda'],
    code: 2,
    message: /unknown template 'python-lambda' — valid: cloudrun-ocr, go-lambda, rust-lambda$/,
  },
  {
    title: 'unknown flavour',
    args: (d) => [d, '--template', 'rust-lambda', '--flavor', 'grpc'],
    code: 2,
    message: /unknown --flavor 'grpc' for template rust-lambda — valid: http, event, sqs, s3, schedule, dynamodb, stream$/,
  },
  {
    title: 'flavour on a template without one',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--flavor', 'http'],
    code: 2,
    message: /template cloudrun-ocr has no --flavor option — its options: --lang go\|rust$/,
  },
  {
    title: 'unknown lang',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--lang', 'zig'],
    code: 2,
    message: /unknown --lang 'zig' for template cloudrun-ocr — valid: go, rust$/,
  },
  { title: 'unknown arch', args: (d) => [d, '--template', 'go-lambda', '--arch', 'arm'], code: 2, message: /unknown --arch 'arm' — valid: arm64, x86_64$/ },
  {
    title: 'arch on Cloud Run',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--arch', 'arm64'],
    code: 2,
    message: /--arch applies to Lambda templates only/,
  },
  {
    title: 'memory too small',
    args: (d) => [d, '--template', 'go-lambda', '--memory', '64'],
    code: 2,
    message: /--memory must be a whole number of MB from 128 to 10240/,
  },
  { title: 'memory not a number', args: (d) => [d, '--template', 'go-lambda', '--memory', '1GB'], code: 2, message: /--memory must be a whole number of MB/ },
  {
    title: 'Lambda name with a dot',
    args: (d) => [d, '--template', 'go-lambda', '--name', 'my.fn'],
    code: 2,
    message: /'my\.fn' is not a valid Lambda function name: use 1-64 of A-Z a-z 0-9 - _ — choose another --name$/,
  },
  {
    title: 'Lambda name too long',
    args: (d) => [d, '--template', 'go-lambda', '--name', 'a'.repeat(65)],
    code: 2,
    message: /not a valid Lambda function name: use 1-64/,
  },
  {
    title: 'crate name starting with a digit',
    args: (d) => [d, '--template', 'rust-lambda', '--name', '1fn'],
    code: 2,
    message: /'1fn' is not a valid Rust crate name: it must start with a letter/,
  },
  {
    title: 'crate name that is a keyword',
    args: (d) => [d, '--template', 'rust-lambda', '--name', 'self'],
    code: 2,
    message: /'self' is a Rust keyword and cannot be a crate name/,
  },
  { title: 'crate name reserved by cargo', args: (d) => [d, '--template', 'rust-lambda', '--name', 'test'], code: 2, message: /'test' is reserved by cargo/ },
  { title: 'crate name std', args: (d) => [d, '--template', 'rust-lambda', '--name', 'std'], code: 2, message: /'std' is reserved by cargo/ },
  {
    title: 'Go module path with a leading dash',
    args: (d) => [d, '--template', 'go-lambda', '--name=-fn'],
    code: 2,
    message: /'-fn' is not a valid Go module path: it cannot start with -/,
  },
  {
    title: 'Go module path the go command reserves',
    args: (d) => [d, '--template', 'go-lambda', '--name', 'std'],
    code: 2,
    message: /'std' is reserved by the go command/,
  },
  // Each of these was tried by hand (go mod init <name>; go build, go vet, go test on go-lambda)
  // and fails; src/scaffold/names.ts says how.
  ...['fmt', 'net', 'os', 'crypto', 'encoding', 'unsafe', 'Fmt'].map(
    (name): Case => ({
      title: `Go module path that is a standard library package: ${name}`,
      args: (d) => [d, '--template', 'go-lambda', '--name', name],
      code: 2,
      message: new RegExp(
        `^svl: '${name}' clashes with the Go standard library package '${name.toLowerCase()}' and cannot be a module path — choose another --name$`,
      ),
    }),
  ),
  ...['go', 'toolchain', 'main', 'tool', 'builtin'].map(
    (name): Case => ({
      title: `Go module path the go command reserves: ${name}`,
      args: (d) => [d, '--template', 'go-lambda', '--name', name],
      code: 2,
      message: new RegExp(`^svl: '${name}' is reserved by the go command \\(.+\\) and cannot be a module path — choose another --name$`),
    }),
  ),
  {
    title: 'Go std package as a Cloud Run service (Go) name',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--lang', 'go', '--name', 'net'],
    code: 2,
    message: /'net' clashes with the Go standard library package 'net'/,
  },
  {
    title: 'explicit --name with an accent',
    args: (d) => [d, '--template', 'go-lambda', '--name', 'fünktion'],
    code: 2,
    message: /^svl: 'fünktion' contains 'ü' \(U\+00FC\), not allowed in a Lambda function name \(allowed: A-Z a-z 0-9 - _\) — choose another --name$/,
  },
  {
    title: 'explicit --name with CJK on Cloud Run',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--name', 'ocr-関数'],
    code: 2,
    message: /^svl: 'ocr-関数' contains '関' \(U\+95A2\), not allowed in a Cloud Run service name \(allowed: a-z 0-9 -\) — choose another --name$/,
  },
  {
    title: 'Cloud Run service name in capitals',
    args: (d) => [d, '--template', 'cloudrun-ocr', '--name', 'OCR'],
    code: 2,
    message: /'OCR' is not a valid Cloud Run service name/,
  },
  { title: 'unknown flag', args: (d) => [d, '--template', 'go-lambda', '--colour'], code: 2, message: /Unknown option '--colour'.* — see 'svl new --help'/ },
  {
    title: 'a flag value that looks like a flag',
    args: (d) => [d, '--template', 'go-lambda', '--name', '-fn'],
    code: 2,
    message: /Option '--name' argument is ambiguous\. .*'--name=-XYZ'.* — see 'svl new --help'$/,
  },
  { title: 'two directories', args: (d) => [d, 'other', '--template', 'go-lambda'], code: 2, message: /expected one directory, got 2/ },
  {
    title: 'a template that does not render',
    args: (d) => [d, '--template', 'broken'],
    code: 1,
    env: fixtures,
    message: /template file .*z\.txt\.hbs does not render: "notAVariable" not defined .* — fix the template$/,
  },
];

describe('bad input', () => {
  it.each(cases)('$title → exit $code, one line, nothing written', async ({ args, code, message, env }) => {
    const parent = await scratchDir('bad');
    // A nested target: no parent directory may be created either.
    const dir = path.join(parent, 'nested', 'proj');
    const result = await svl(['new', ...args(dir), '--yes'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(code);
    expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(await listTree(parent)).toEqual([]);
    expect(existsSync(path.join(parent, 'nested'))).toBe(false);
  });

  it('a name from a directory that makes a bad crate name says to pass --name', async () => {
    const parent = await scratchDir('bad-dirname');
    const result = await svl(['new', 'self', '--template', 'rust-lambda', '--yes'], { cwd: parent });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/'self' is a Rust keyword .* — choose another --name/);
    expect(existsSync(path.join(parent, 'self'))).toBe(false);
  });

  it.each([
    ['fünktion', 'funktion'],
    ['café', 'cafe'],
    ['Ｆｕｌｌ－width', 'full-width'],
  ])('a name derived from the directory %j folds accents to %j', async (dir, name) => {
    const parent = await scratchDir('name-fold');
    const result = await svl(['new', dir, '--template', 'go-lambda', '--yes', '--no-git'], { cwd: parent });
    expect(result.exitCode, result.all).toBe(0);
    const config = JSON.parse(await readFile(path.join(parent, dir, 'svl.json'), 'utf8'));
    expect(config.name).toBe(name);
    expect(await readFile(path.join(parent, dir, 'go.mod'), 'utf8')).toMatch(new RegExp(`^module ${name}$`, 'm'));
  });

  it.each([
    [
      'fn🚀',
      'rust-lambda',
      /^svl: 'fn🚀' contains '🚀' \(U\+1F680\), not allowed in a Lambda function name \(allowed: A-Z a-z 0-9 - _\) — choose another --name$/,
    ],
    ['関数', 'go-lambda', /^svl: '関数' contains '関' \(U\+95A2\), not allowed in a Lambda function name .* — choose another --name$/],
    [
      'ocr-サービス',
      'cloudrun-ocr',
      /^svl: 'ocr-サービス' contains 'サ' \(U\+30B5\), not allowed in a Cloud Run service name \(allowed: a-z 0-9 -\) — choose another --name$/,
    ],
  ])('a directory %j that does not fold to ASCII is refused naming the character (%s)', async (dir, template, message) => {
    const parent = await scratchDir('name-foreign');
    const result = await svl(['new', dir, '--template', template, '--yes', '--no-git'], { cwd: parent });
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr).not.toMatch(/keyword/);
    expect(await listTree(parent)).toEqual([]);
    // The same directory with an explicit ASCII --name is fine.
    const named = await svl(['new', dir, '--template', template, '--name', 'ok-fn', '--yes', '--no-git', '--dry-run'], { cwd: parent });
    expect(named.exitCode, named.all).toBe(0);
  });

  it.each([
    [300, 300],
    [250, 250],
    [234, 234],
  ])('a %i-character directory name is a one-line usage error naming the limit, nothing written', async (length, bytes) => {
    const parent = await scratchDir('name-long');
    const dir = 'd'.repeat(length);
    const result = await svl(['new', dir, '--template', 'go-lambda', '--yes', '--no-git'], { cwd: parent });
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toBe(
      `svl: the directory name '${'d'.repeat(24)}…' is ${bytes} bytes, at most 233 (255 bytes per path component on Linux, less the 22 svl adds for its temporary sibling) — choose a shorter directory name`,
    );
    expect(await listTree(parent)).toEqual([]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a too-long parent directory component is named too', async () => {
    const parent = await scratchDir('name-long-parent');
    const result = await svl(['new', `${'p'.repeat(256)}/proj`, '--template', 'go-lambda', '--yes', '--no-git'], { cwd: parent });
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^svl: the directory name 'p{24}…' is 256 bytes, at most 255 bytes per path component on Linux — choose a shorter directory name$/,
    );
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a 233-character directory name (the longest that fits with the temporary sibling) works', async () => {
    const parent = await scratchDir('name-max');
    const dir = 'm'.repeat(233);
    const result = await svl(['new', dir, '--template', 'go-lambda', '--yes', '--no-git'], { cwd: parent });
    expect(result.exitCode, result.all).toBe(0);
    expect(readdirSync(parent)).toEqual([dir]);
  });

  it('a non-empty target is refused and left untouched', async () => {
    const parent = await scratchDir('bad-nonempty');
    const dir = path.join(parent, 'proj');
    await mkdir(dir);
    await writeFile(path.join(dir, 'keep.txt'), 'mine\n');
    const result = await svl(['new', dir, '--template', 'go-lambda', '--yes'], { cwd: parent });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `svl: ${dir} is not empty — pass --overwrite to replace its contents (.git is kept), or run 'svl init' there to adopt the existing project`,
    );
    expect(await listTree(parent)).toEqual(['proj/keep.txt']);
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine\n');
  });

  it('a target that is a file is refused', async () => {
    const parent = await scratchDir('bad-file');
    await writeFile(path.join(parent, 'proj'), 'a file\n');
    const result = await svl(['new', 'proj', '--template', 'go-lambda', '--overwrite'], { cwd: parent });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/proj exists and is not a directory — choose another directory/);
    expect(await readFile(path.join(parent, 'proj'), 'utf8')).toBe('a file\n');
  });

  it('a target inside a file is refused', async () => {
    const parent = await scratchDir('bad-under-file');
    await writeFile(path.join(parent, 'file'), 'a file\n');
    const result = await svl(['new', 'file/proj', '--template', 'go-lambda'], { cwd: parent });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(`svl: ${path.join(parent, 'file', 'proj')} is inside a file, not a directory — choose another directory`);
    expect(await listTree(parent)).toEqual(['file']);
  });

  it('a template that fails to render under --overwrite leaves the old contents in place', async () => {
    const parent = await scratchDir('bad-overwrite');
    const dir = path.join(parent, 'proj');
    await mkdir(path.join(dir, '.git'), { recursive: true });
    await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(dir, 'keep.txt'), 'mine\n');
    const result = await svl(['new', dir, '--template', 'broken', '--overwrite'], { cwd: parent, env: fixtures });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^svl: template file .*z\.txt\.hbs does not render: .* — fix the template$/);
    expect(await listTree(parent)).toEqual(['proj/keep.txt']);
    expect(existsSync(path.join(dir, '.git', 'HEAD'))).toBe(true);
  });
});
