import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { SvlConfig } from '../config/svl-config.js';
import type { SizeEntry } from '../toolchains/toolchain.js';
import type { BuildManifest } from './build-artifact.js';
import { artifactPaths } from '../project/layout.js';
import { parseSize } from './size-units.js';

/**
 * Lambda's deployment package quotas: 50 MiB for a zip uploaded directly (CreateFunction /
 * UpdateFunctionCode ZipFile) and 250 MiB unzipped. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_LIMITS = { zip: 50 * 1024 * 1024, unzipped: 250 * 1024 * 1024 } as const;

export interface ArtifactSize {
  /** "bootstrap" or "bootstrap.zip". */
  name: 'bootstrap' | 'bootstrap.zip';
  /** Relative to the project directory. */
  path: string;
  bytes: number;
  /** The tighter of the budget and Lambda's limit: what `passed` is judged against. */
  limit: number;
  /** svl.json's size.binary / size.zip in bytes, or null when none is set. */
  budget: number | null;
  /** Lambda's own quota for this artifact. */
  lambdaLimit: number;
  passed: boolean;
  baseline?: { bytes: number; diff: number; percent: number };
}

/** The `svl size --json` document. Fields are only ever added, never renamed (version bumps on a break). */
export interface SizeReport {
  version: 1;
  name: string;
  language: string;
  arch: string;
  /** Sources changed since this build: the figures describe an older binary. */
  stale: boolean;
  passed: boolean;
  artifacts: ArtifactSize[];
  /** `--why`: bytes of symbols by Rust crate / Go package, largest first. */
  breakdown?: { name: string; bytes: number; percent: number }[];
}

export function sizeReport(projectDir: string, config: SvlConfig, manifest: BuildManifest, stale: boolean): SizeReport {
  const paths = artifactPaths(projectDir, config.name);
  const rel = (p: string) => path.relative(projectDir, p);
  const artifact = (
    name: ArtifactSize['name'],
    file: string,
    bytes: number,
    budgetValue: number | string | undefined,
    field: string,
    lambdaLimit: number,
  ): ArtifactSize => {
    const budget = budgetValue === undefined ? null : parseSize(budgetValue, `svl.json ${field}`);
    const limit = budget === null ? lambdaLimit : Math.min(budget, lambdaLimit);
    return { name, path: rel(file), bytes, limit, budget, lambdaLimit, passed: bytes <= limit };
  };
  const artifacts = [
    artifact('bootstrap', paths.bootstrap, manifest.bytes, config.size.binary, 'size.binary', LAMBDA_LIMITS.unzipped),
    artifact('bootstrap.zip', paths.zip, manifest.zipBytes, config.size.zip, 'size.zip', LAMBDA_LIMITS.zip),
  ];
  return {
    version: 1,
    name: config.name,
    language: config.language,
    arch: manifest.arch,
    stale,
    passed: artifacts.every((a) => a.passed),
    artifacts,
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
    const before = previous.artifacts.find((p) => p?.name === a.name);
    if (!before || typeof before.bytes !== 'number') continue;
    const diff = a.bytes - before.bytes;
    a.baseline = { bytes: before.bytes, diff, percent: before.bytes === 0 ? 0 : round2((diff / before.bytes) * 100) };
  }
}

export function withBreakdown(report: SizeReport, entries: SizeEntry[]): void {
  const total = entries.reduce((s, e) => s + e.bytes, 0) || 1;
  report.breakdown = entries.map((e) => ({ name: e.name, bytes: e.bytes, percent: round2((e.bytes / total) * 100) }));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
