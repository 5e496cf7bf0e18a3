import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundledVersion, packageRoot } from './package-root.js';

/** The package's version: baked into the create bundle, else read once from its package.json. */
let cached: string | undefined;
export function version(): string {
  cached ??= bundledVersion ?? (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
