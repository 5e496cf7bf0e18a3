import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import ignore from 'ignore';

/** Build output and tool state never trigger a rebuild, whatever .gitignore says. */
const ALWAYS_IGNORED = ['target/', '.svl/', '.git/', 'node_modules/', '.cache/'];

/**
 * Watches the project (minus .gitignore'd paths) and calls `onChange` once per burst of edits,
 * `debounceMs` after the last one, with the absolute paths that changed. Which functions a path
 * touches is the caller's question (their build inputs).
 */
export async function watchProject(root: string, onChange: (changed: string[]) => void, debounceMs = 150): Promise<FSWatcher> {
  const ig = ignore().add(ALWAYS_IGNORED);
  try {
    ig.add(await readFile(path.join(root, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore: only the built-in list applies
  }
  const relative = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const isIgnored = (p: string, isDir: boolean) => {
    const rel = relative(p);
    return rel !== '' && !rel.startsWith('..') && ig.ignores(isDir ? `${rel}/` : rel);
  };
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(root, {
    ignoreInitial: true,
    ignored: (p, stats) => isIgnored(p, stats?.isDirectory() ?? false),
  });
  watcher.on('all', (event, p) => {
    if (event === 'addDir' || event === 'unlinkDir') return;
    pending.add(path.resolve(p));
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
