// git init + first commit: the user's identity when configured, a fixed one when not, and a
// clean skip when git is not installed. Each run gets its own global git config (GIT_CONFIG_GLOBAL)
// so the machine's own settings never leak in.
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { FIXTURE_TEMPLATES } from './tree.js';

async function generate(parent: string, env: Record<string, string>) {
  const result = await svl(['new', 'proj', '--template', 'fixture', '--yes'], {
    cwd: parent,
    env: { SVL_TEMPLATES_DIR: FIXTURE_TEMPLATES, GIT_CONFIG_NOSYSTEM: '1', ...env },
  });
  expect(result.exitCode, result.all).toBe(0);
  return result;
}

const author = async (dir: string) => (await execa('git', ['log', '-1', '--format=%an <%ae>'], { cwd: dir })).stdout;

describe('first commit', () => {
  it("uses the user's configured identity", async () => {
    const parent = await scratchDir('git-user');
    const config = path.join(parent, '..', `${path.basename(parent)}.gitconfig`);
    await writeFile(config, '[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[commit]\n\tgpgsign = true\n');
    await generate(parent, { GIT_CONFIG_GLOBAL: config });
    expect(await author(path.join(parent, 'proj'))).toBe('Ada Lovelace <ada@example.com>');
  });

  it('falls back to a fixed identity when the user has none', async () => {
    const parent = await scratchDir('git-anon');
    await generate(parent, { GIT_CONFIG_GLOBAL: '/dev/null' });
    expect(await author(path.join(parent, 'proj'))).toBe('create-serverless-lang <create-serverless-lang@users.noreply.github.com>');
    // The fallback is passed per command, never written into the new repository's config.
    const local = await execa('git', ['config', '--local', '--list'], { cwd: path.join(parent, 'proj') });
    expect(local.stdout).not.toContain('user.');
  });

  it('skips git init, and says so, when git is not installed', async () => {
    const parent = await scratchDir('git-missing');
    // A PATH holding node and nothing else.
    const bin = path.join(parent, '..', `${path.basename(parent)}.bin`);
    await mkdir(bin, { recursive: true });
    await symlink(process.execPath, path.join(bin, 'node'));
    const result = await generate(parent, { PATH: bin });
    expect(result.stdout).toContain('git not found: skipped git init');
    expect(existsSync(path.join(parent, 'proj', 'README.md'))).toBe(true);
    expect(existsSync(path.join(parent, 'proj', '.git'))).toBe(false);
  });

  it('a git failure is one line naming --no-git, and nothing is left', async () => {
    const parent = await scratchDir('git-fails');
    // GIT_DIR under a file: git init cannot create the repository.
    const result = await svl(['new', 'proj', '--template', 'fixture', '--yes'], {
      cwd: parent,
      env: { SVL_TEMPLATES_DIR: FIXTURE_TEMPLATES, GIT_DIR: '/dev/null/repo' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toMatch(/^svl: git init failed: .*\/dev\/null\/repo.* — fix git, or pass --no-git$/);
    expect(await readdir(parent)).toEqual([]);
  });
});
