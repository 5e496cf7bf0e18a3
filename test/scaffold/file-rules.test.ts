// The template file rules of docs/ARCHITECTURE.md, on a fixture template of our own, through the
// BUILT CLI: overlays, .hbs-only rendering, dotfile names, byte-for-byte copies, modes, git, dry run.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { create, scratchDir, svl } from '../support/cli.js';
import { FIXTURE_TEMPLATES, listTree } from './tree.js';

const env = { SVL_TEMPLATES_DIR: FIXTURE_TEMPLATES };
const fixture = (...p: string[]) => path.join(FIXTURE_TEMPLATES, 'fixture', ...p);

describe('fixture template, flavour b, with git', () => {
  let parent: string;
  let dir: string;
  let output: string;

  beforeAll(async () => {
    parent = await scratchDir('rules');
    dir = path.join(parent, 'my fn');
    const result = await svl(['new', dir, '--template', 'fixture', '--flavor', 'b', '--name', 'rules-fn', '--yes'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    output = result.stdout;
  });

  it('writes the base plus the chosen overlay, with dot-names and without .hbs', async () => {
    expect(await listTree(dir)).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
      'README.md',
      'blob.bin',
      'scripts/run.sh',
      'src/handler.txt',
      'src/shared.txt',
    ]);
    expect(await readFile(path.join(dir, 'src/handler.txt'), 'utf8')).toBe('flavour b handler for rules-fn\n');
  });

  it('renders every documented variable, unescaped', async () => {
    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('# rules-fn\n');
    expect(readme).toContain('platform=lambda language=go flavor=b lang=go arch=arm64 memory=128 timeout=10');
    expect(readme).toMatch(/schema=https:\/\/unpkg\.com\/serverless-lang@\d+\.\d+\.\d+\/schema\/svl\.schema\.json svl=\d+\.\d+\.\d+/);
    expect(readme).toContain('escaped: ${{ github.sha }} & <not escaped>');
  });

  it('copies everything else byte for byte (${{ }} and {{ }} survive, binary intact)', async () => {
    for (const [from, to] of [
      ['_github/workflows/ci.yml', '.github/workflows/ci.yml'],
      ['blob.bin', 'blob.bin'],
      ['_gitignore', '.gitignore'],
    ] as const) {
      expect(Buffer.compare(await readFile(fixture(from)), await readFile(path.join(dir, to))), to).toBe(0);
    }
    expect(await readFile(path.join(dir, '.github/workflows/ci.yml'), 'utf8')).toContain('echo "${{ github.ref }} {{name}}"');
  });

  it('keeps the executable bit', async () => {
    expect((await stat(path.join(dir, 'scripts/run.sh'))).mode & 0o111).toBe(0o111);
    expect((await stat(path.join(dir, 'src/shared.txt'))).mode & 0o111).toBe(0);
    const run = await execa(path.join(dir, 'scripts/run.sh'));
    expect(run.stdout).toBe('ok');
  });

  it('makes a first commit holding every file, executable bit included', async () => {
    const log = await execa('git', ['log', '--format=%s'], { cwd: dir });
    expect(log.stdout).toMatch(/^Initial commit from create-serverless-lang \d/);
    const tracked = await execa('git', ['ls-files', '--stage'], { cwd: dir });
    expect(tracked.stdout).toMatch(/^100755 \S+ 0\tscripts\/run\.sh$/m);
    expect(tracked.stdout.split('\n')).toHaveLength((await listTree(dir)).length);
    const status = await execa('git', ['status', '--porcelain'], { cwd: dir });
    expect(status.stdout).toBe('');
  });

  it('leaves no staging directory behind', async () => {
    expect((await listTree(parent)).filter((f) => f.includes('.svl-new-'))).toEqual([]);
  });

  it('ends with next steps that quote a path with spaces', () => {
    expect(output).toContain("cd 'my fn'\n");
    expect(output).toContain('go test ./...');
  });

  it('quotes a path with a single quote so the shell gets it back intact', async () => {
    const odd = path.join(parent, "it's here");
    const result = await svl(['new', odd, '--template', 'fixture', '--name', 'odd', '--yes', '--no-git'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    const cd = /^ {2}cd (.+)$/m.exec(result.stdout)?.[1];
    expect(cd).toBe(`'it'\\''s here'`);
    const echoed = await execa('sh', ['-c', `cd ${cd} && pwd`], { cwd: parent });
    expect(echoed.stdout).toBe(odd);
  });
});

describe('defaults and flags', () => {
  it('takes the default flavour and a name from the directory', async () => {
    const parent = await scratchDir('rules-defaults');
    const result = await create(['My Service', '--template', 'fixture', '--no-git'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    const dir = path.join(parent, 'My Service');
    expect(await readFile(path.join(dir, 'src/handler.txt'), 'utf8')).toBe('flavour a handler\n');
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toContain('# my-service\n');
    expect(existsSync(path.join(dir, '.git'))).toBe(false);
  });

  it('--dry-run says what it would do and writes nothing', async () => {
    const parent = await scratchDir('rules-dry');
    const dir = path.join(parent, 'nested', 'dry');
    const result = await svl(['new', dir, '--template', 'fixture', '--dry-run'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`Would create ${dir} from fixture (flavor a), name dry, arch arm64, memory 128 MB:`);
    expect(result.stdout).toContain('would write .github/workflows/ci.yml');
    expect(result.stdout).toContain('would write README.md  (rendered)');
    expect(result.stdout).toContain('Would run git init');
    expect(result.stdout).toContain('nothing was written');
    expect(await listTree(parent)).toEqual([]);
    expect(existsSync(path.join(parent, 'nested'))).toBe(false);
  });

  it('--overwrite replaces the contents and keeps .git', async () => {
    const parent = await scratchDir('rules-overwrite');
    const dir = path.join(parent, 'proj');
    await execa('git', ['init', '-q', dir]);
    await execa('sh', ['-c', 'echo old > old.txt && mkdir -p src && echo old > src/handler.txt'], { cwd: dir });
    const head = await readFile(path.join(dir, '.git', 'HEAD'), 'utf8');
    const result = await svl(['new', dir, '--template', 'fixture', '--overwrite'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain('Keeping the existing git repository');
    expect(existsSync(path.join(dir, 'old.txt'))).toBe(false);
    expect(await readFile(path.join(dir, 'src/handler.txt'), 'utf8')).toBe('flavour a handler\n');
    expect(await readFile(path.join(dir, '.git', 'HEAD'), 'utf8')).toBe(head);
    expect((await listTree(parent)).filter((f) => f.includes('.svl-new-'))).toEqual([]);
  });

  it("'.' keeps the directory itself (a shell sitting in it stays in the project)", async () => {
    const parent = await scratchDir('rules-dot');
    const dir = path.join(parent, 'here-fn');
    await mkdir(dir);
    await writeFile(path.join(dir, 'old.txt'), 'old\n');
    const inode = (await stat(dir)).ino;
    const result = await svl(['new', '.', '--template', 'fixture', '--overwrite', '--no-git'], { cwd: dir, env });
    expect(result.exitCode, result.all).toBe(0);
    expect((await stat(dir)).ino).toBe(inode);
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toContain('# here-fn\n');
    expect(existsSync(path.join(dir, 'old.txt'))).toBe(false);
    expect(result.stdout).not.toContain('cd ');
    expect(await readdir(parent)).toEqual(['here-fn']);
  });

  it('a directory holding only .git counts as empty', async () => {
    const parent = await scratchDir('rules-gitonly');
    const dir = path.join(parent, 'proj');
    await execa('git', ['init', '-q', dir]);
    const result = await svl(['new', dir, '--template', 'fixture'], { cwd: parent, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(existsSync(path.join(dir, '.git', 'HEAD'))).toBe(true);
    expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
  });

  it('--help and --version', async () => {
    const parent = await scratchDir('rules-help');
    const help = await create(['--help'], { cwd: parent });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--template <id>');
    expect(help.stdout).toContain('--dry-run');
    const version = await svl(['new', '--version'], { cwd: parent });
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
