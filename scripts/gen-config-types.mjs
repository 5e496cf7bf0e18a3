#!/usr/bin/env node
// schema/svl.schema.json is the one source of truth for svl.json: this writes its TypeScript
// types to src/project/svl-json.generated.ts. `--check` fails when the committed file is out of date (lint).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'src', 'project', 'svl-json.generated.ts');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'svl.schema.json'), 'utf8'));
// Named SvlJson whatever the title and published URL say.
delete schema.$id;
delete schema.title;

const ts = await compile(schema, 'SvlJson', {
  bannerComment: '// Generated from schema/svl.schema.json by scripts/gen-config-types.mjs — do not edit; run `npm run build`.',
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { singleQuote: true, printWidth: 160, trailingComma: 'all' },
});

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {}
  if (current !== ts) {
    console.error('src/project/svl-json.generated.ts is out of date with schema/svl.schema.json — run `npm run build`');
    process.exit(1);
  }
} else {
  writeFileSync(OUT, ts);
}
