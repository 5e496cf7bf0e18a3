import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildInputs } from '../toolchains/toolchain.js';

const SKIP_DIRS = new Set(['.git', '.svl', 'target', 'node_modules', '.cache']);

/** The input files, absolute, sorted: what a build of the function reads. */
export async function listInputFiles(inputs: BuildInputs): Promise<string[]> {
  const found = new Set<string>();
  const excluded = (dir: string) => inputs.exclude.some((e) => dir === e || dir.startsWith(e + path.sep));
  const walk = async (dir: string, deep: boolean) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (deep && !SKIP_DIRS.has(e.name) && !excluded(p)) await walk(p, true);
      } else if (e.isFile() && inputs.isSource(e.name)) found.add(p);
    }
  };
  for (const t of inputs.trees) await walk(t, true);
  for (const d of inputs.dirs) await walk(d, false);
  for (const f of inputs.files) {
    const exists = await readFile(f).then(
      () => true,
      () => false,
    );
    if (exists) found.add(f);
  }
  return [...found].sort();
}

/** True when a change to `file` can change the function's binary. */
export function affectsInputs(inputs: BuildInputs, file: string): boolean {
  const abs = path.resolve(file);
  if (inputs.files.includes(abs)) return true;
  if (!inputs.isSource(path.basename(abs))) return false;
  const dir = path.dirname(abs);
  if (inputs.dirs.includes(dir)) return true;
  const parts = (p: string) => p.split(path.sep);
  return inputs.trees.some(
    (t) =>
      (dir === t || dir.startsWith(t + path.sep)) &&
      !inputs.exclude.some((e) => dir === e || dir.startsWith(e + path.sep)) &&
      !parts(path.relative(t, dir)).some((seg) => SKIP_DIRS.has(seg)),
  );
}

/**
 * A hash over the build inputs' paths (relative to the project root) and contents, plus the build
 * settings that change the binary — not mtimes (a checkout touches every file) and not svl.json as
 * a whole (a new size budget does not change the binary).
 */
export async function hashInputs(root: string, inputs: BuildInputs, settings: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify(settings)}\0`);
  for (const file of await listInputFiles(inputs)) {
    hash.update(`${path.relative(root, file).split(path.sep).join('/')}\0`);
    hash.update(
      createHash('sha256')
        .update(await readFile(file))
        .digest(),
    );
  }
  return hash.digest('hex');
}
