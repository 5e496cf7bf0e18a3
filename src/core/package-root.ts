import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Defined by esbuild only when building the create-serverless-lang bundle
// (scripts/build-create-package.mjs); undeclared — so `typeof` is 'undefined' — in dist/.
declare const SVL_BUNDLE_VERSION: string | undefined;

/** The version baked into the create-serverless-lang bundle; undefined when running from dist/. */
export const bundledVersion: string | undefined = typeof SVL_BUNDLE_VERSION === 'string' ? SVL_BUNDLE_VERSION : undefined;

/**
 * The installed package's folder, holding package.json, templates/ and schema/: two levels above
 * dist/core/ in the serverless-lang toolkit, or the folder of index.js in the create-serverless-lang
 * bundle (where every module's import.meta.url is the bundle's own).
 */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return bundledVersion === undefined ? path.resolve(here, '..', '..') : here;
}
