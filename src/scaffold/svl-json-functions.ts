import type { LambdaFunction, SvlJson } from '../project/svl-json.js';

// Fields of a single-function svl.json that describe its one function; in the many-function shape
// they move into that function's entry (top-level language/flavor/artifact are refused there, and
// top-level events would no longer be the function's).
const FUNCTION_FIELDS = ['language', 'flavor', 'size', 'artifact', 'events'] as const;

/** Whether svl.json already lists functions/services (else its top level is one function). */
export const isManyFunctions = (json: SvlJson) => json.functions !== undefined || json.services !== undefined;

/**
 * svl.json with `entry` added as `functions.<name>`. A single-function svl.json is first turned
 * into the many-function shape: its function becomes `functions.<json.name>` at path ".", the
 * project settings (arch, memory, timeout, environment, region, tags, …) stay top-level as the
 * defaults of every function. Key order is kept; `functions` goes before routes/default.
 */
export function withFunction(json: SvlJson, name: string, entry: LambdaFunction): SvlJson {
  if (isManyFunctions(json)) return { ...json, functions: { ...json.functions, [name]: entry } };
  const root: LambdaFunction = { path: '.' };
  for (const field of FUNCTION_FIELDS) {
    if (json[field] !== undefined) (root as Record<string, unknown>)[field] = json[field];
  }
  const out: Record<string, unknown> = {};
  const functions = { [json.name]: root, [name]: entry };
  for (const [key, value] of Object.entries(json)) {
    if ((FUNCTION_FIELDS as readonly string[]).includes(key) || key === 'platform') continue;
    if ((key === 'routes' || key === 'default') && !('functions' in out)) out.functions = functions;
    out[key] = value;
  }
  out.functions ??= functions;
  return out as unknown as SvlJson;
}

/** 2-space JSON with a trailing newline, like the templates write it. */
export const formatSvlJson = (json: SvlJson) => `${JSON.stringify(json, null, 2)}\n`;
