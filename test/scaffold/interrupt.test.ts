// A kill mid-way leaves nothing half-written. SVL_TEST_PAUSE_BEFORE_COMMIT holds the BUILT CLI at
// the worst moment (every file staged and committed to git, nothing moved into place yet) so the
// test can signal it there.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { listTree } from './tree.js';

async function killWhenPaused(args: string[], cwd: string, signal: NodeJS.Signals) {
  const child = svl(args, { cwd, env: { SVL_TEST_PAUSE_BEFORE_COMMIT: '1' }, timeout: 60_000 });
  let staged: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CLI never paused')), 30_000);
    child.stderr?.on('data', async (chunk: Buffer) => {
      if (!chunk.toString().includes('paused before moving the project into place')) return;
      clearTimeout(timer);
      staged = await listTree(cwd);
      child.kill(signal);
      resolve();
    });
  });
  return { result: await child, staged };
}

describe('interrupted', () => {
  it('SIGTERM while staged: exit 143, no target, no staging directory, no created parent', async () => {
    const parent = await scratchDir('kill');
    const { result, staged } = await killWhenPaused(['new', 'deep/proj', '--template', 'go-lambda', '--yes'], parent, 'SIGTERM');
    // The kill really happened mid-way: the staged project existed when the signal was sent.
    expect(
      staged.some((f) => /^deep\/\.proj\.svl-new-[0-9a-f]+\/go\.mod$/.test(f)),
      staged.join('\n'),
    ).toBe(true);
    expect(result.exitCode).toBe(143);
    expect(result.stderr).toContain('SIGTERM — stopped, nothing was written');
    expect(await listTree(parent)).toEqual([]);
    expect(existsSync(path.join(parent, 'deep'))).toBe(false);
  });

  it('SIGINT during --overwrite: exit 130, the old contents and .git untouched', async () => {
    const parent = await scratchDir('kill-overwrite');
    const dir = path.join(parent, 'proj');
    await mkdir(path.join(dir, '.git'), { recursive: true });
    await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(dir, 'keep.txt'), 'mine\n');
    const { result } = await killWhenPaused(['new', 'proj', '--template', 'rust-lambda', '--overwrite'], parent, 'SIGINT');
    expect(result.exitCode).toBe(130);
    expect(await listTree(parent)).toEqual(['proj/keep.txt']);
    expect(await readFile(path.join(dir, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
  });
});
