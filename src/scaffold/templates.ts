import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError, UsageError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';
import type { Language, Platform } from '../project/project.js';

/** templates/<id>/template.json (docs/ARCHITECTURE.md, "Template layout"). */
export interface TemplateManifest {
  title: string;
  platform: Platform;
  language?: Language;
  options: Record<string, { values: string[]; default: string }>;
}

export interface Template extends TemplateManifest {
  id: string;
  dir: string;
}

/** The templates shipped in the package (toolkit or create bundle); SVL_TEMPLATES_DIR points elsewhere (tests). */
export function templatesRoot(env: Record<string, string | undefined>): string {
  return env.SVL_TEMPLATES_DIR ?? path.join(packageRoot(), 'templates');
}

export async function listTemplateIds(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && existsSync(path.join(root, e.name, 'template.json')))
    .map((e) => e.name)
    .sort();
}

export async function loadTemplate(root: string, id: string): Promise<Template> {
  const ids = await listTemplateIds(root);
  if (!ids.includes(id)) {
    throw new UsageError(`unknown template '${id}' — valid: ${ids.join(', ') || '(none found in ' + root + ')'}`);
  }
  const dir = path.join(root, id);
  let manifest: TemplateManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'template.json'), 'utf8')) as TemplateManifest;
  } catch (err) {
    throw new SvlError(`template ${id}: template.json is not valid JSON (${(err as Error).message}) — fix ${path.join(dir, 'template.json')}`);
  }
  return { ...manifest, options: manifest.options ?? {}, id, dir };
}
