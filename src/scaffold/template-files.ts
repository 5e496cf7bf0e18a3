import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { Template } from './templates.js';

/** One file of the generated project: where it comes from and whether it is rendered. */
export interface PlannedFile {
  /** Absolute path in templates/<id>/. */
  source: string;
  /** Relative output path (posix), dot-names and `.hbs` already applied. */
  target: string;
  render: boolean;
}

/**
 * The files a template produces for the chosen options: the base, then each `_<option>/<value>/`
 * overlay on top (an overlay file replaces the base file with the same output path).
 */
export async function planFiles(template: Template, options: Record<string, string>): Promise<PlannedFile[]> {
  const overlayDirs = new Set(Object.keys(template.options).map((o) => `_${o}`));
  const byTarget = new Map<string, PlannedFile>();
  const add = (files: PlannedFile[]) => {
    for (const f of files) byTarget.set(f.target, f);
  };

  add(await walk(template.dir, '', (rel) => rel !== 'template.json' && !overlayDirs.has(rel)));
  for (const [option, value] of Object.entries(options)) {
    const overlay = path.join(template.dir, `_${option}`, value);
    if (await isDirectory(overlay)) add(await walk(overlay, '', () => true));
  }
  return [...byTarget.values()].sort((a, b) => a.target.localeCompare(b.target));
}

async function walk(root: string, rel: string, keep: (rel: string) => boolean): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (!keep(childRel)) continue;
    if (entry.isDirectory()) out.push(...(await walk(root, childRel, keep)));
    else if (entry.isFile()) out.push({ source: path.join(root, childRel), target: outputPath(childRel), render: entry.name.endsWith('.hbs') });
  }
  return out;
}

/**
 * `_gitignore` → `.gitignore`, `_github/` → `.github/` (npm drops some dotfiles when packing, so
 * templates store them with `_`), and `x.hbs` → `x`.
 */
export function outputPath(rel: string): string {
  return rel
    .split('/')
    .map((segment) => (segment.startsWith('_') ? `.${segment.slice(1)}` : segment))
    .join('/')
    .replace(/\.hbs$/, '');
}

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** A planned file's output: rendered text for `.hbs` files, the bytes otherwise, and the source's mode. */
export interface RenderedFile {
  target: string;
  content: string | Buffer;
  mode: number;
}

/**
 * Renders the planned files in memory: `.hbs` files through Handlebars (noEscape, strict: an
 * unknown variable is a template bug, not an empty string), everything else byte for byte, all
 * with the source's mode so executable scripts stay executable.
 */
export async function renderFiles(files: PlannedFile[], vars: Record<string, unknown>): Promise<RenderedFile[]> {
  // Loaded on first use: it is the largest import of a scaffold run.
  const { default: Handlebars } = await import('handlebars');
  const out: RenderedFile[] = [];
  for (const file of files) {
    const { mode } = await stat(file.source);
    const content = file.render ? renderText(Handlebars, await readFile(file.source, 'utf8'), vars, file.source) : await readFile(file.source);
    out.push({ target: file.target, content, mode: mode & 0o777 });
  }
  return out;
}

/** Writes the planned files, rendered (see renderFiles), under `destDir`. */
export async function writeFiles(files: PlannedFile[], vars: Record<string, unknown>, destDir: string): Promise<void> {
  for (const file of await renderFiles(files, vars)) {
    const dest = path.join(destDir, ...file.target.split('/'));
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, file.content);
    await chmod(dest, file.mode);
  }
}

function renderText(handlebars: typeof import('handlebars'), text: string, vars: Record<string, unknown>, source: string): string {
  try {
    return handlebars.compile(text, { noEscape: true, strict: true })(vars);
  } catch (err) {
    throw new SvlError(
      `template file ${source} does not render: ${(err as Error).message.split('\n')[0]?.replace(' in [object Object]', '')} — fix the template`,
    );
  }
}
