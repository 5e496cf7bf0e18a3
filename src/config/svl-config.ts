import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { SvlError } from '../core/errors.js';

export type Arch = 'arm64' | 'x86_64';
export type Language = 'rust' | 'go';
export type Platform = 'lambda' | 'cloudrun';
export type SizeValue = number | string;

export interface CloudRunSettings {
  service?: string;
  region?: string;
  memory?: string;
  cpu?: string;
  concurrency?: number;
  timeout?: number;
  minInstances?: number;
  maxInstances?: number;
  cpuBoost?: boolean;
  allowUnauthenticated?: boolean;
  secrets?: Record<string, string>;
}

/** svl.json after validation, with Lambda defaults filled in. */
export interface SvlConfig {
  name: string;
  platform: Platform;
  language: Language;
  flavor?: 'http' | 'event';
  runtime: 'provided.al2023';
  arch: Arch;
  memory: number;
  timeout: number;
  concurrency?: number;
  region?: string;
  description?: string;
  environment: Record<string, string>;
  tags: Record<string, string>;
  size: { zip?: SizeValue; binary?: SizeValue };
  cloudrun?: CloudRunSettings;
}

export const CONFIG_FILE = 'svl.json';

/** Lambda's own defaults where svl.json is silent (timeout: ours, 10 s, not Lambda's 3 s). */
const DEFAULTS = { runtime: 'provided.al2023', arch: 'arm64', memory: 128, timeout: 10 } as const;

const require = createRequire(import.meta.url);
export const SCHEMA_PATH = path.join(path.dirname(require.resolve('../../package.json')), 'schema', 'svl.schema.json');

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
  return `${at} ${e.message ?? 'is invalid'}`;
}

/** Parses and validates svl.json text; errors name the file and the path of the bad field. */
export async function parseConfig(text: string, file = CONFIG_FILE): Promise<SvlConfig> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SvlError(`${file} is not valid JSON (${(err as Error).message}) — fix the JSON syntax in ${file}`);
  }
  const errors = (await validate(data)).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  if (errors.length > 0) {
    throw new SvlError(`${file}: ${errors.map(describe).join('; ')} — fix the field (schema: ${SCHEMA_PATH})`);
  }
  const raw = data as Partial<SvlConfig> & Pick<SvlConfig, 'name' | 'platform' | 'language'>;
  return { ...DEFAULTS, environment: {}, tags: {}, size: {}, ...raw };
}

/** Loads `<projectDir>/svl.json`. */
export async function loadConfig(projectDir: string): Promise<SvlConfig> {
  const file = path.join(projectDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new SvlError(`cannot read ${file} (${code ?? (err as Error).message}) — make it a readable file`);
    throw new SvlError(`no ${CONFIG_FILE} in ${projectDir} — run svl inside a generated project, or create one with 'svl new'`);
  }
  return parseConfig(text, file);
}
