// Values read from another tool's configuration become svl.json values only when svl.json's
// schema accepts them; anything else is left out with a note saying so.
const ENV_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function inRange(v: unknown, min: number, max: number, unit: string, where: string, notes: string[]): number | undefined {
  if (v === undefined) return undefined;
  const n = wholeNumber(v);
  if (n === undefined || n < min || n > max) {
    notes.push(`${where} = ${JSON.stringify(v)} left out: svl.json takes ${min}-${max} ${unit}`);
    return undefined;
  }
  return n;
}

export const cleanMemory = (v: unknown, where: string, notes: string[]) => inRange(v, 128, 10240, 'MB', where, notes);
export const cleanTimeout = (v: unknown, where: string, notes: string[]) => inRange(v, 1, 900, 'seconds', where, notes);

/** A table of environment variables; values that are numbers or booleans become strings, as Lambda's are. */
export function cleanEnvironment(v: unknown, where: string, notes: string[]): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    notes.push(`${where} left out: it is not a table of variables`);
    return {};
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    if (!ENV_NAME.test(key)) notes.push(`${where}.${key} left out: not a valid environment variable name`);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[key] = String(value);
    else notes.push(`${where}.${key} left out: its value is not a string`);
  }
  return env;
}
