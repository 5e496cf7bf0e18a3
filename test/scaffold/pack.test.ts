// The package as npm publishes it: `npm pack`, then run the tarball the way `npm create` does
// (`npm exec --package <tarball> -- create-serverless-lang …`). Catches a `files` list that
// misses dist/templates/schema and dotfiles npm would drop; and a pack from a fresh clone (no
// dist/ yet) that must build it in prepack.
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, testEnv } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { listTree } from './tree.js';

describe('npm pack → npm exec create-serverless-lang', () => {
  let tarball: string;
  let packed: string[];

  beforeAll(async () => {
    const out = await scratchDir('pack');
    // --ignore-scripts: dist/ is already built (npm test builds first), and the prepack rebuild
    // would rewrite it under test files running alongside. The prepack case is the one below.
    const pack = await execa('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: REPO_ROOT, timeout: 120_000 });
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string; mode: number }[] }[];
    tarball = path.join(out, info!.filename);
    packed = info!.files.map((f) => f.path);
  });

  it('ships dist, templates (dotfiles stored as _names) and the schema, and no sources or tests', () => {
    expect(packed).toContain('dist/cli/svl.js');
    expect(packed).toContain('dist/commands/new.js');
    expect(packed).toContain('bin/create-serverless-lang.js');
    expect(packed).toContain('schema/svl.schema.json');
    for (const template of ['rust-lambda', 'go-lambda', 'cloudrun-ocr']) {
      expect(packed).toContain(`templates/${template}/template.json`);
      expect(packed).toContain(`templates/${template}/_gitignore`);
    }
    expect(packed).toContain('templates/rust-lambda/_github/workflows/ci.yml.hbs');
    expect(packed.filter((f) => /^(src|test)\//.test(f))).toEqual([]);
  });

  it.each(['rust-lambda', 'go-lambda'])('generates %s from the tarball with its dotfiles', async (template) => {
    const cwd = await scratchDir(`pack-${template}`);
    const result = await execa(
      'npm',
      ['exec', '--yes', '--prefer-offline', '--package', tarball, '--', 'create-serverless-lang', 'proj', '--template', template, '--no-git'],
      { cwd, reject: false, all: true, timeout: 300_000, env: testEnv({ npm_config_update_notifier: 'false' }) },
    );
    expect(result.exitCode, result.all).toBe(0);
    const files = await listTree(path.join(cwd, 'proj'));
    expect(files).toContain('.gitignore');
    expect(files).toContain('.github/workflows/ci.yml');
    expect(files).toContain('svl.json');
    expect(files.filter((f) => f.endsWith('.hbs') || f.split('/').some((s) => s.startsWith('_')))).toEqual([]);
    const config = JSON.parse(await readFile(path.join(cwd, 'proj', 'svl.json'), 'utf8'));
    expect(config.name).toBe('proj');
    // The workflow is copied, not rendered: GitHub's own ${{ }} expressions survive.
    expect(await readFile(path.join(cwd, 'proj', '.github/workflows/ci.yml'), 'utf8')).toContain('${{');
  });
});

describe('npm pack from a fresh clone (no dist/)', () => {
  it('builds dist/ in prepack, so the installed bins run', async () => {
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

    const out = await scratchDir('pack-clone-out');
    const env = testEnv({ npm_config_update_notifier: 'false' });
    const pack = await execa('npm', ['pack', '--json', '--pack-destination', out], { cwd: clone, timeout: 300_000, env });
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    expect(info!.files.map((f) => f.path)).toContain('dist/cli/svl.js');

    const prefix = await scratchDir('pack-clone-prefix');
    const install = await execa(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', path.join(out, info!.filename)],
      { cwd: out, reject: false, all: true, timeout: 300_000, env },
    );
    expect(install.exitCode, install.all).toBe(0);
    const bin = path.join(prefix, 'bin');
    const version = await execa(path.join(bin, 'svl'), ['--version'], { reject: false, all: true, env });
    expect(version.exitCode, version.all).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const help = await execa(path.join(bin, 'create-serverless-lang'), ['--help'], { reject: false, all: true, env });
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toMatch(/^Usage: svl new/);
  });
});
