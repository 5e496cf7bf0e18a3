import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { REPO_ROOT } from '../support/paths.js';
import { scratchDir } from '../support/cli.js';

// Renders a template the way docs/ARCHITECTURE.md "Template layout" defines it (base + the
// `_<option>/<value>/` overlay, `*.hbs` rendered, `_x` → `.x`), so these tests exercise the real
// template sources without depending on the scaffolder's internals.

async function copyTree(from: string, to: string, vars: Record<string, unknown>, skipOverlays: boolean): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (skipOverlays && entry.isDirectory() && entry.name.startsWith('_') && entry.name !== '_github') {
      const option = entry.name.slice(1);
      if (option in ((vars.__options as object) ?? {})) continue;
    }
    if (entry.name === 'template.json') continue;
    const src = path.join(from, entry.name);
    const name = entry.name.startsWith('_') ? `.${entry.name.slice(1)}` : entry.name;
    if (entry.isDirectory()) {
      await copyTree(src, path.join(to, name), vars, false);
      continue;
    }
    await mkdir(to, { recursive: true });
    const target = path.join(to, name.replace(/\.hbs$/, ''));
    if (name.endsWith('.hbs')) {
      const render = Handlebars.compile(await readFile(src, 'utf8'), { noEscape: true, strict: true });
      await writeFile(target, render(vars));
    } else {
      await writeFile(target, await readFile(src));
      await chmod(target, (await stat(src)).mode);
    }
  }
}

/** A project from templates/<id> with one option (`flavor` or `lang`) set, in scratch space. */
export async function generateProject(templateId: string, option: { flavor: string } | { lang: string }, name: string): Promise<string> {
  const templateDir = path.join(REPO_ROOT, 'templates', templateId);
  const [optionName, value] = Object.entries(option)[0]!;
  const language = 'lang' in option ? option.lang : templateId.split('-')[0]!;
  const dir = await scratchDir(`emulator-${name}`);
  const vars = {
    name,
    platform: templateId.startsWith('cloudrun') ? 'cloudrun' : 'lambda',
    language,
    flavor: 'flavor' in option ? option.flavor : '',
    lang: language,
    arch: 'x86_64',
    memory: 128,
    timeout: 10,
    schemaUrl: '../schema/svl.schema.json',
    svlVersion: '0.1.0',
    __options: { [optionName]: value },
  };
  await copyTree(templateDir, dir, vars, true);
  await copyTree(path.join(templateDir, `_${optionName}`, value), dir, vars, false);
  return dir;
}

/** A Lambda project from templates/<language>-lambda with the given flavor. */
export const generateLambdaProject = (language: 'go' | 'rust', flavor: 'http' | 'event', name: string) =>
  generateProject(`${language}-lambda`, { flavor }, name);
