import path from 'node:path';
import { LAMBDA_DEFAULTS } from '../project/defaults.js';
import { resolveProject } from '../project/project.js';
import { CONFIG_FILE, parseSvlJson, type SvlJson } from '../project/svl-json.js';
import type { DetectedFunction } from './detected.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The svl.json to write and the lines that explain it: what was found, renamed and guessed. */
export interface AdoptionPlan {
  document: SvlJson;
  text: string;
  found: string[];
  guessed: string[];
  notes: string[];
}

/** A string made into a function or project name: invalid characters become '-', at most 64. */
export function asName(raw: string): string {
  const name = raw
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return name === '' ? 'project' : name;
}

/**
 * Turns detected functions into a many-function svl.json (one entry per function, even for one:
 * the same shape whatever was found, and `artifact` needs it). Arch the sources do not name is
 * guessed once, as the top-level default, and said to be a guess.
 */
export async function planSvlJson(root: string, projectName: string, detected: DetectedFunction[], svlVersion: string): Promise<AdoptionPlan> {
  const notes: string[] = [];
  const named = uniqueNames(detected, notes);
  const guessedArch = named.filter(({ f }) => f.arch === undefined).map(({ name }) => name);
  const functions: NonNullable<SvlJson['functions']> = {};
  for (const { name, f } of named) {
    functions[name] = {
      path: f.path,
      ...(f.language && { language: f.language }),
      ...(f.flavor && { flavor: f.flavor }),
      ...(f.arch && { arch: f.arch }),
      ...(f.memory !== undefined && { memory: f.memory }),
      ...(f.timeout !== undefined && { timeout: f.timeout }),
      ...(f.environment && { environment: f.environment }),
      ...(f.artifact && { artifact: f.artifact }),
      ...(f.bin && f.bin !== name && { bin: f.bin }),
      ...(f.package && { package: f.package }),
    };
  }
  const document: SvlJson = {
    $schema: `https://unpkg.com/serverless-lang@${svlVersion}/schema/svl.schema.json`,
    name: projectName,
    ...(guessedArch.length > 0 && { arch: LAMBDA_DEFAULTS.arch }),
    functions,
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  // What we write must be what every command reads: validate and resolve it as they will.
  const file = path.join(root, CONFIG_FILE);
  resolveProject(await parseSvlJson(text, file), file);
  const found = named.map(({ name, f }) => {
    const arch = f.arch ? `, ${f.arch} from ${f.archFrom}` : '';
    const settings = f.settings ? `; ${f.settings}` : '';
    return `found ${f.kind} function '${name}' in ${f.path} (${f.evidence}${f.flavor ? ` → ${f.flavor}` : ''}${arch}${settings})`;
  });
  const guessed =
    guessedArch.length > 0
      ? [
          `guessed arch ${LAMBDA_DEFAULTS.arch} for ${guessedArch.join(', ')}: nothing in the sources names one (${LAMBDA_DEFAULTS.arch} is cheaper per GB-second) — set "arch" to x86_64 where a function needs it`,
        ]
      : [];
  for (const { name, f } of named) for (const n of f.notes) notes.push(`${name}: ${n}`);
  return { document, text, found, guessed, notes };
}

/** Function names made unique: equal names get their qualifier (package, module) in front, and the line says so. */
function uniqueNames(detected: DetectedFunction[], notes: string[]): { name: string; f: DetectedFunction }[] {
  const count = new Map<string, number>();
  for (const f of detected) count.set(asName(f.name), (count.get(asName(f.name)) ?? 0) + 1);
  const taken = new Set<string>();
  const renamed = new Map<string, string[]>();
  const result = detected.map((f) => {
    const base = asName(f.name);
    // The package or module tells equal names apart; when it is the name itself, the kind does.
    const prefix = f.qualifier === base ? f.kind : f.qualifier;
    let name = count.get(base)! > 1 ? asName(`${prefix}-${base}`) : base;
    for (let i = 2; taken.has(name); i++) name = asName(`${name.replace(/-\d+$/, '')}-${i}`);
    taken.add(name);
    if (name !== base) renamed.set(base, [...(renamed.get(base) ?? []), name]);
    else if (base !== f.name) notes.push(`'${f.name}' is not a valid function name: using '${name}'`);
    return { name, f };
  });
  for (const [base, names] of renamed) {
    notes.push(
      `${count.get(base)} functions are called '${base}': named them ${names.map((n) => `'${n}'`).join(', ')} after their package or module — rename them in svl.json if you like`,
    );
  }
  return result;
}

export const isValidName = (name: string) => NAME.test(name);
