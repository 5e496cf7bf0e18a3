import path from 'node:path';
import fs from 'fs-extra';
import Handlebars from 'handlebars';
import { REPO_ROOT } from '../support/paths.js';
import { scratchDir } from '../support/cli.js';

export interface GeneratedProject {
  dir: string;
  name: string;
}

/**
 * A Lambda project generated from templates/<id> for the build tests. Uses GEN's shared
 * generateProject() when it exists; until then renders by the template contract in
 * docs/ARCHITECTURE.md (base + _flavor overlay, *.hbs rendered strictly, `_x` → `.x`).
 */
export async function generateLambdaProject(template: 'rust-lambda' | 'go-lambda', flavor: 'http' | 'event', arch: 'arm64' | 'x86_64'): Promise<GeneratedProject> {
  const name = `${template.split('-')[0]}-${flavor}`;
  const shared = await import(/* @vite-ignore */ String('../support/projects.js')).catch(() => null);
  if (shared && typeof shared.generateProject === 'function') {
    const project = await shared.generateProject({ template, flavor, arch, name });
    return { dir: typeof project === 'string' ? project : project.dir, name };
  }
  const dir = path.join(await scratchDir(`build-${name}`), name);
  const root = path.join(REPO_ROOT, 'templates', template);
  const vars = {
    name,
    platform: 'lambda',
    language: template.startsWith('rust') ? 'rust' : 'go',
    flavor,
    lang: '',
    arch,
    memory: 128,
    timeout: 10,
    schemaUrl: 'https://unpkg.com/create-serverless-lang/schema/svl.schema.json',
    svlVersion: '0.1.0',
  };
  await copyTemplate(root, dir, vars, true);
  await copyTemplate(path.join(root, '_flavor', flavor), dir, vars, false);
  return { dir, name };
}

async function copyTemplate(src: string, dst: string, vars: Record<string, unknown>, top: boolean): Promise<void> {
  for (const entry of await fs.readdir(src, { withFileTypes: true })) {
    if (top && (entry.name === 'template.json' || entry.name === '_flavor')) continue;
    const from = path.join(src, entry.name);
    let to = path.join(dst, entry.name.startsWith('_') ? `.${entry.name.slice(1)}` : entry.name);
    if (entry.isDirectory()) {
      await copyTemplate(from, to, vars, false);
      continue;
    }
    await fs.ensureDir(dst);
    if (to.endsWith('.hbs')) {
      to = to.slice(0, -4);
      const render = Handlebars.compile(await fs.readFile(from, 'utf8'), { noEscape: true, strict: true });
      await fs.writeFile(to, render(vars));
    } else {
      await fs.copyFile(from, to);
    }
  }
}

/** Rewrites svl.json's size budgets (the tests' way to be over or under budget). */
export async function setBudgets(dir: string, size: { zip?: number | string; binary?: number | string }): Promise<void> {
  const file = path.join(dir, 'svl.json');
  const config = await fs.readJson(file);
  await fs.writeJson(file, { ...config, size }, { spaces: 2 });
}
