#!/usr/bin/env node
// Builds packages/create-serverless-lang/ — what `npm create serverless-lang` installs: index.js,
// one esbuild bundle of src/cli/create.ts (svl new with @clack/prompts and Handlebars inlined,
// no dependencies), with copies of templates/ and schema/ beside it. Run by the root `npm run
// build` and by the generator's own prepack, so `npm pack` there works from a fresh clone.
import { cp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'packages', 'create-serverless-lang');
const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
const generator = JSON.parse(await readFile(path.join(OUT, 'package.json'), 'utf8'));
if (generator.version !== version) {
  throw new Error(`packages/create-serverless-lang/package.json has version ${generator.version}, the toolkit ${version} — set both to the same`);
}

const result = await build({
  // The bundle's own bin: the real process is wired here, as in bin/create-serverless-lang.js.
  stdin: {
    contents: "import { mainCreate } from './src/cli/create.ts';\nmainCreate(process);\n",
    resolveDir: ROOT,
    loader: 'ts',
    sourcefile: 'create-entry.ts',
  },
  outfile: path.join(OUT, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22.12',
  minify: true,
  legalComments: 'eof',
  // execa's CommonJS dependencies (cross-spawn, which, …) call require('child_process'); an ES
  // module has no require, so the bundle makes one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __svlCreateRequire } from 'node:module';\nconst require = __svlCreateRequire(import.meta.url);",
  },
  // packageRoot() and version() read these: templates/, schema/ and the version sit beside index.js.
  define: { SVL_BUNDLE_VERSION: JSON.stringify(version) },
  alias: {
    // handlebars' package main is its CommonJS build, whose precompiler requires uglify-js and
    // source-map and whose `require.extensions` hook esbuild warns about; lib/handlebars.js is the
    // compiler + runtime alone.
    handlebars: path.join(path.dirname(createRequire(import.meta.url).resolve('handlebars/package.json')), 'lib', 'handlebars.js'),
  },
  // Handlebars' code generator tries require('source-map') in a try/catch and falls back to plain
  // strings; only source-mapped precompiling needs it, and generating never precompiles. Left
  // external: installed, nothing beside the bundle provides it and the fallback is taken.
  external: ['source-map'],
  logLevel: 'warning',
  metafile: true,
});
if (result.warnings.length > 0) throw new Error(`esbuild warned ${result.warnings.length} time(s); fix them rather than ship a bundle that may break`);

const inputs = Object.keys(result.metafile.inputs);
const unwanted = inputs.filter((f) => /node_modules\/(uglify-js|source-map|@aws-sdk|@smithy|ajv|chokidar)\//.test(f));
if (unwanted.length > 0) throw new Error(`the create bundle pulled in modules generating never needs:\n  ${unwanted.join('\n  ')}`);

for (const dir of ['templates', 'schema']) {
  await rm(path.join(OUT, dir), { recursive: true, force: true });
  await cp(path.join(ROOT, dir), path.join(OUT, dir), { recursive: true });
}
const bytes = result.metafile.outputs[path.relative(ROOT, path.join(OUT, 'index.js'))]?.bytes ?? 0;
// stderr: `npm pack --json` runs this in prepack, and its stdout must stay JSON.
console.error(`packages/create-serverless-lang: index.js ${(bytes / 1024).toFixed(0)} KiB from ${inputs.length} modules, templates/, schema/`);
