import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { visit } from 'jsonc-parser';
import { SvlError } from '../core/errors.js';
import { packageRoot } from '../core/package-root.js';
import type { SvlJson } from './svl-json.generated.js';

export type * from './svl-json.generated.js';

export const CONFIG_FILE = 'svl.json';

export const SCHEMA_PATH = path.join(packageRoot(), 'schema', 'svl.schema.json');

let validator: ReturnType<Ajv['compile']> | undefined;
async function validate(data: unknown): Promise<ErrorObject[]> {
  if (!validator) {
    const schema = JSON.parse(await readFile(SCHEMA_PATH, 'utf8'));
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at}: unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'propertyNames') return `${at}: '${(e.params as { propertyName: string }).propertyName}' is not an allowed name`;
  return `${at} ${e.message ?? 'is invalid'}`;
}

/**
 * JSON.parse keeps the last of two equal keys without a word; in svl.json that would silently drop a
 * function, so duplicates are an error naming the key and where it is.
 */
function duplicateKey(text: string): { key: string; at: string } | undefined {
  const stack: { keys: Set<string>; path: string }[] = [];
  let found: { key: string; at: string } | undefined;
  let lastKey = '';
  visit(text, {
    onObjectBegin: () => {
      const parent = stack.at(-1);
      stack.push({ keys: new Set(), path: parent ? `${parent.path}/${lastKey}` : '' });
    },
    onObjectEnd: () => void stack.pop(),
    onArrayBegin: () => {
      const parent = stack.at(-1);
      stack.push({ keys: new Set(), path: parent ? `${parent.path}/${lastKey}` : '' });
    },
    onArrayEnd: () => void stack.pop(),
    onObjectProperty: (key) => {
      const top = stack.at(-1)!;
      if (top.keys.has(key) && !found) found = { key, at: top.path || '/' };
      top.keys.add(key);
      lastKey = key;
    },
  });
  return found;
}

/** Parses and validates svl.json text; errors name the file and the path of the bad field. */
export async function parseSvlJson(text: string, file = CONFIG_FILE): Promise<SvlJson> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SvlError(`${file} is not valid JSON (${(err as Error).message}) — fix the JSON syntax in ${file}`);
  }
  const dup = duplicateKey(text);
  if (dup) throw new SvlError(`${file}: '${dup.key}' appears twice in ${dup.at} — give each function and field one entry`);
  // oneOf/if wrap the errors that say what is wrong; reporting them too would repeat it.
  const errors = (await validate(data)).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  if (errors.length > 0) {
    throw new SvlError(`${file}: ${errors.map(describe).join('; ')} — fix the field (schema: ${SCHEMA_PATH})`);
  }
  return data as SvlJson;
}

/** Reads and validates `file`. */
export async function readSvlJson(file: string): Promise<SvlJson> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SvlError(`cannot read ${file} (${code ?? (err as Error).message}) — make it a readable file`);
  }
  return parseSvlJson(text, file);
}
