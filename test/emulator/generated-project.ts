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

/** A Lambda project from templates/<language>-lambda with the given flavor, in scratch space. */
export async function generateLambdaProject(language: 'go' | 'rust', flavor: 'http' | 'event', name: string): Promise<string> {
  const templateDir = path.join(REPO_ROOT, 'templates', `${language}-lambda`);
  const dir = await scratchDir(`emulator-${name}`);
  const vars = {
    name,
    platform: 'lambda',
    language,
    flavor,
    lang: language,
    arch: 'x86_64',
    memory: 128,
    timeout: 10,
    schemaUrl: '../schema/svl.schema.json',
    svlVersion: '0.1.0',
    __options: { flavor },
  };
  await copyTree(templateDir, dir, vars, true);
  await copyTree(path.join(templateDir, '_flavor', flavor), dir, vars, false);
  return dir;
}
