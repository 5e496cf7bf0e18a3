import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Language } from '../config/svl-config.js';

const SKIP_DIRS = new Set(['.git', '.svl', 'target', 'node_modules', '.cache']);

/** Files whose content decides the binary: sources, manifests, lock files and svl.json. */
function isBuildInput(rel: string, language: Language): boolean {
  const base = path.posix.basename(rel);
  if (base === 'svl.json') return true;
  if (language === 'go') return (base.endsWith('.go') && !base.endsWith('_test.go')) || base === 'go.mod' || base === 'go.sum';
  return base.endsWith('.rs') || ['Cargo.toml', 'Cargo.lock', 'rust-toolchain.toml', 'rust-toolchain'].includes(base) || rel === '.cargo/config.toml';
}

/**
 * A hash over the build inputs' paths and contents (not mtimes: a checkout or a copy touches every
 * file). Honours the project's .gitignore.
 */
export async function hashSources(projectDir: string, language: Language): Promise<string> {
  const ig = ignore();
  try {
    ig.add(await readFile(path.join(projectDir, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore
  }
  const files = (await listInputs(projectDir, '', ig, language)).sort();
  const hash = createHash('sha256');
  for (const rel of files) {
    hash.update(`${rel}\0`);
    hash.update(
      createHash('sha256')
        .update(await readFile(path.join(projectDir, rel)))
        .digest(),
    );
  }
  return hash.digest('hex');
}

async function listInputs(root: string, rel: string, ig: Ignore, language: Language): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (SKIP_DIRS.has(entry.name) || ig.ignores(`${child}/`)) continue;
      out.push(...(await listInputs(root, child, ig, language)));
    } else if (entry.isFile() && !ig.ignores(child) && isBuildInput(child, language)) {
      out.push(child);
    }
  }
  return out;
}
