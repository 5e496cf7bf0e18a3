import path from 'node:path';
import { create, scratchDir } from './cli.js';

export interface GenerateOptions {
  flavor?: string;
  lang?: string;
  name?: string;
  arch?: string;
}

/**
 * Generates a project with the BUILT create-serverless-lang bin into a fresh scratch directory
 * (`--yes --no-git`) and returns its path. Throws with the CLI's output when generation fails.
 */
export async function generateProject(template: string, opts: GenerateOptions = {}): Promise<string> {
  const name = opts.name ?? [template, opts.flavor ?? opts.lang].filter(Boolean).join('-');
  const parent = await scratchDir(`gen-${name}`);
  const dir = path.join(parent, name);
  const args = [dir, '--template', template, '--name', name, '--yes', '--no-git'];
  for (const flag of ['flavor', 'lang', 'arch'] as const) {
    if (opts[flag] !== undefined) args.push(`--${flag}`, opts[flag]);
  }
  const result = await create(args, { cwd: parent, timeout: 60_000 });
  if (result.exitCode !== 0) {
    throw new Error(`generating ${template} ${JSON.stringify(opts)} failed (exit ${result.exitCode}):\n${result.all}`);
  }
  return dir;
}
