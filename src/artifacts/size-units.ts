import { SvlError } from '../core/errors.js';

// SI units are powers of 1000 (kB, MB, GB; "KB" is read as kB), IEC units powers of 1024 (KiB, MiB, GiB).
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses a size budget: a whole number of bytes, or "900 kB", "1.5 MB", "2 MiB". Rounds to whole bytes. */
export function parseSize(value: number | string, field = 'size'): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value > 0) return value;
    throw new SvlError(`${field} must be a positive whole number of bytes or a string like "900 kB", got ${value}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(value);
  const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined || Number(m[1]) <= 0) {
    throw new SvlError(`${field}: cannot read '${value}' as a size — use bytes or a value like "900 kB", "1.5 MB" (SI) or "2 MiB" (IEC)`);
  }
  return Math.round(Number(m[1]) * factor);
}

/** Human size in SI units, the way the budgets are usually written: 1.23 MB, 845.2 kB, 512 B. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  // Limits written in IEC (Lambda's 50 MiB) read best in their own unit.
  if (abs >= 1024 ** 2 && abs % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
  if (abs < 1e3) return `${bytes} B`;
  if (abs < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (abs < 1e9) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}
