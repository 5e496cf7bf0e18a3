import { createRequire } from 'node:module';

/** The package's version, read once from its package.json. */
let cached: string | undefined;
export function version(): string {
  cached ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return cached;
}
