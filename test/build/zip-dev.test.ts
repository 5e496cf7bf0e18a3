// `svl dev` / `svl invoke` run the host build directly: they never zip, so they never pay the
// release zip encoder (7-Zip's Deflate, about 3× the CPU time of zip -9). Only `svl build` (and
// deploy / size --build, which run it) write bootstrap.zip.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GO_FAULTS, fixtureCopy } from '../emulator/dev-server.js';
import { svl } from '../support/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await fixtureCopy(GO_FAULTS);
}, 60_000);

/** Every file under `root` whose name ends in .zip. */
async function zipsUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.zip')).map((e) => path.join(e.parentPath, e.name));
}

describe('the dev path', () => {
  it('svl invoke builds and runs the function without writing any zip', async () => {
    const r = await svl(['invoke', '--data', '{"mode":"log"}'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('"logged"');
    expect(await zipsUnder(dir)).toEqual([]);
  });
});
