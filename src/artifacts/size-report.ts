import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { FunctionConfig } from '../project/project.js';
import type { SizeBreakdown, SizeEntry } from '../toolchains/toolchain.js';
import type { BuildManifest } from './build-artifact.js';
import { artifactPaths } from '../project/layout.js';
import { parseSize } from './size-units.js';

/**
 * Lambda's deployment package quotas: 50 MiB for a zip uploaded directly (CreateFunction /
 * UpdateFunctionCode ZipFile) and 250 MiB unzipped. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_LIMITS = { zip: 50 * 1024 * 1024, unzipped: 250 * 1024 * 1024 } as const;

export interface ArtifactSize {
  /** "bootstrap" or "bootstrap.zip" (Lambda), or the service binary's name (Cloud Run). */
  name: string;
  /** The function it belongs to (many-function projects). */
  function: string;
  /** Relative to the project directory. */
  path: string;
  bytes: number;
  /** The tighter of the budget and the platform's limit: what `passed` is judged against (null: nothing to judge). */
  limit: number | null;
  /** svl.json's size.binary / size.zip in bytes, or null when none is set. */
  budget: number | null;
  /** Lambda's own quota for this artifact; null on Cloud Run, whose image has no such limit. */
  lambdaLimit: number | null;
  passed: boolean;
  baseline?: { bytes: number; diff: number; percent: number };
}

/** One function's part of the report. */
export interface FunctionSizeReport {
  name: string;
  platform: string;
  language: string;
  arch: string;
  /** Sources changed since this build: the figures describe an older binary. */
  stale: boolean;
  passed: boolean;
  artifacts: ArtifactSize[];
  /**
   * `--why`: every byte of `breakdownOf.binary`, largest first — symbol bytes by Rust crate / Go
   * package (kind crate/package), the rest of each section (kind section), headers and padding
   * (kind file). The rows sum to `breakdownOf.bytes`; percent is of that file.
   */
  breakdown?: (SizeEntry & { percent: number })[];
  breakdownOf?: { binary: string; bytes: number; textBytes: number; method: string };
}

/**
 * The `svl size --json` document. Fields are only ever added, never renamed (version bumps on a
 * break): the top level describes the one function of a single-function project as before, and
 * sums up a many-function one (its artifacts are every function's, each naming its function);
 * `functions` has one entry per function.
 */
export interface SizeReport extends FunctionSizeReport {
  version: 1;
  functions: FunctionSizeReport[];
}

export function functionSizeReport(fn: FunctionConfig, manifest: BuildManifest, stale: boolean): FunctionSizeReport {
  const paths = artifactPaths(fn.root, fn.name);
  const rel = (p: string) => path.relative(fn.root, p);
  const artifact = (
    name: string,
    file: string,
    bytes: number,
    budgetValue: number | string | undefined,
    field: string,
    lambdaLimit: number | null,
  ): ArtifactSize => {
    const budget = budgetValue === undefined ? null : parseSize(budgetValue, `svl.json ${field}`);
    const limit = budget === null ? lambdaLimit : lambdaLimit === null ? budget : Math.min(budget, lambdaLimit);
    return { name, function: fn.name, path: rel(file), bytes, limit, budget, lambdaLimit, passed: limit === null || bytes <= limit };
  };
  const lambda = manifest.platform === 'lambda';
  const artifacts = [
    artifact(manifest.binary, path.join(paths.dir, manifest.binary), manifest.bytes, fn.size.binary, 'size.binary', lambda ? LAMBDA_LIMITS.unzipped : null),
  ];
  if (lambda && manifest.zipBytes !== undefined)
    artifacts.push(artifact('bootstrap.zip', paths.zip, manifest.zipBytes, fn.size.zip, 'size.zip', LAMBDA_LIMITS.zip));
  return {
    name: fn.name,
    platform: manifest.platform,
    language: manifest.language,
    arch: manifest.arch,
    stale,
    passed: artifacts.every((a) => a.passed),
    artifacts,
  };
}

/** The whole report from each function's part. */
export function sizeReport(projectName: string, parts: FunctionSizeReport[]): SizeReport {
  if (parts.length === 1) return { version: 1, ...parts[0]!, functions: parts };
  const one = <K extends 'language' | 'arch' | 'platform'>(k: K) => (new Set(parts.map((p) => p[k])).size === 1 ? parts[0]![k] : 'mixed');
  return {
    version: 1,
    name: projectName,
    platform: one('platform'),
    language: one('language'),
    arch: one('arch'),
    stale: parts.some((p) => p.stale),
    passed: parts.every((p) => p.passed),
    artifacts: parts.flatMap((p) => p.artifacts),
    functions: parts,
  };
}

/** Adds +/- bytes and % against a previous `svl size --json` (e.g. main's, kept as a CI artifact). */
export async function applyBaseline(report: SizeReport, file: string): Promise<void> {
  let previous: Partial<SizeReport>;
  try {
    previous = JSON.parse(await readFile(file, 'utf8')) as Partial<SizeReport>;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'not valid JSON';
    throw new UsageError(`--baseline ${file}: ${why} — pass the output of an earlier 'svl size --json'`);
  }
  if (!Array.isArray(previous.artifacts)) {
    throw new UsageError(`--baseline ${file} has no "artifacts" list — pass the output of an earlier 'svl size --json'`);
  }
  for (const a of report.artifacts) {
    // Older reports have no `function` field: they held one function, whose name was the report's.
    const before = previous.artifacts.find((p) => p?.name === a.name && (p.function ?? previous.name) === a.function);
    if (!before || typeof before.bytes !== 'number') continue;
    const diff = a.bytes - before.bytes;
    a.baseline = { bytes: before.bytes, diff, percent: before.bytes === 0 ? 0 : round2((diff / before.bytes) * 100) };
  }
}

export function withBreakdown(report: FunctionSizeReport, b: SizeBreakdown): void {
  const total = b.fileBytes || 1;
  report.breakdown = b.rows.map((e) => ({ name: e.name, kind: e.kind, bytes: e.bytes, percent: round2((e.bytes / total) * 100) }));
  report.breakdownOf = { binary: b.binary, bytes: b.fileBytes, textBytes: b.textBytes, method: b.method };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
