import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/** Tiny templates of our own that exercise the generator's file rules (templates/ holds the real ones). */
export const FIXTURE_TEMPLATES = path.join(REPO_ROOT, 'test', 'fixtures', 'templates');

/** Every file under `dir` (posix, sorted), without .git's internals. */
export async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git') out.push(...(await listTree(dir, rel)));
    } else out.push(rel);
  }
  return out.sort();
}
