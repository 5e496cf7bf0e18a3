import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import ignore from 'ignore';

/** Build output and tool state never trigger a rebuild, whatever .gitignore says. */
const ALWAYS_IGNORED = ['target/', '.svl/', '.git/', 'node_modules/', '.cache/'];

/** `**\/*.go` → any .go file at any depth; `go.mod` → that file at the root. */
function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('/')
    .map((part) => (part === '**' ? '(?:.*/)?' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*') + '/'))
    .join('')
    .replace(/\/$/, '')
    .replace(/\(\?:\.\*\/\)\?\//g, '(?:.*/)?');
  return new RegExp(`^${re}$`);
}

/**
 * Watches a project's sources (the toolchain's globs, minus .gitignore'd paths) and calls
 * `onChange` once per burst of edits, `debounceMs` after the last one.
 */
export async function watchSources(
  projectDir: string,
  sourceGlobs: readonly string[],
  onChange: (changed: string[]) => void,
  debounceMs = 150,
): Promise<FSWatcher> {
  const ig = ignore().add(ALWAYS_IGNORED);
  try {
    ig.add(await readFile(path.join(projectDir, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore: only the built-in list applies
  }
  const patterns = sourceGlobs.map(globToRegExp);
  const relative = (p: string) => path.relative(projectDir, p).split(path.sep).join('/');
  const isIgnored = (p: string, isDir: boolean) => {
    const rel = relative(p);
    return rel !== '' && !rel.startsWith('..') && ig.ignores(isDir ? `${rel}/` : rel);
  };
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(projectDir, {
    ignoreInitial: true,
    ignored: (p, stats) => isIgnored(p, stats?.isDirectory() ?? false),
  });
  watcher.on('all', (_event, p) => {
    const rel = relative(p);
    if (!patterns.some((re) => re.test(rel))) return;
    pending.add(rel);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = [...pending];
      pending = new Set();
      onChange(changed);
    }, debounceMs);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}
