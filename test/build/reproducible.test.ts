import { readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import fs from 'fs-extra';
import { describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { CARGO_TARGET_DIR } from '../support/paths.js';
import { generateLambdaProject } from './generate.js';

// Two developers (or a developer and CI): the same sources and lockfile, built in different
// directories with different caches and file times, must give the same zip — the same CodeSha256,
// so a deploy from either uploads nothing new. The second machine's caches live beside the shared
// target dir, so warm CI runs reuse them.
const CACHE = path.dirname(CARGO_TARGET_DIR);

/** Copies a built project (with the lockfile its build wrote) elsewhere, without .svl, all files dated 2001. */
async function copyToOtherMachine(dir: string): Promise<string> {
  const other = path.join(await scratchDir('other-machine'), 'deeper', 'checkout', path.basename(dir));
  await fs.copy(dir, other, { filter: (src) => !src.includes(`${path.sep}.svl`) });
  const old = new Date('2001-02-03T04:05:06Z');
  const touch = async (p: string): Promise<void> => {
    if ((await fs.stat(p)).isDirectory()) for (const e of await fs.readdir(p)) await touch(path.join(p, e));
    await utimes(p, old, old);
  };
  await touch(other);
  return other;
}

const zipOf = (dir: string) => readFile(path.join(dir, '.svl', 'build', path.basename(dir), 'bootstrap.zip'));
const binaryOf = (dir: string) => readFile(path.join(dir, '.svl', 'build', path.basename(dir), 'bootstrap'));

describe.each([
  {
    template: 'rust-lambda' as const,
    // Another registry checkout and another target dir: every dependency is compiled from other paths.
    otherEnv: { CARGO_HOME: path.join(CACHE, 'cargo-home-alt'), CARGO_TARGET_DIR: path.join(CACHE, 'cargo-target-alt') },
    homes: () => [process.env.CARGO_HOME ?? path.join(process.env.HOME ?? '/root', '.cargo'), path.join(CACHE, 'cargo-home-alt')],
  },
  {
    template: 'go-lambda' as const,
    otherEnv: { GOMODCACHE: path.join(CACHE, 'go-mod-alt'), GOCACHE: path.join(CACHE, 'go-build-alt'), GOPATH: path.join(CACHE, 'go-path-alt') },
    homes: () => [path.join(CACHE, 'go-mod-alt'), path.join(process.env.HOME ?? '/root', 'go', 'pkg', 'mod')],
  },
])('svl build of $template on two machines', ({ template, otherEnv, homes }) => {
  it('gives byte-identical zips, with no machine path inside the binary', { timeout: 25 * 60_000 }, async () => {
    const first = await generateLambdaProject(template, 'event', 'x86_64');
    const a = await svl(['build'], { cwd: first.dir, timeout: 12 * 60_000 });
    expect(a.exitCode, a.all).toBe(0);
    const other = await copyToOtherMachine(first.dir);
    const b = await svl(['build'], { cwd: other, env: otherEnv, timeout: 12 * 60_000 });
    expect(b.exitCode, b.all).toBe(0);

    expect((await zipOf(other)).equals(await zipOf(first.dir)), 'bootstrap.zip differs between the two builds').toBe(true);
    const binary = (await binaryOf(other)).toString('latin1');
    for (const machinePath of [first.dir, other, ...homes()]) expect(binary.includes(machinePath), `${machinePath} is embedded`).toBe(false);
    // Fresh, not stale: the inputs are hashed after the build wrote its lockfile.
    const size = await svl(['size', '--json'], { cwd: other, env: otherEnv });
    expect(JSON.parse(size.stdout)).toMatchObject({ stale: false });
  });
});
