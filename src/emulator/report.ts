import type { Arch } from '../project/project.js';
import { PRICE_PER_GB_SECOND, PRICE_PER_REQUEST } from './limits.js';

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Only on a cold start: spawn → the runtime's first /next. */
  initDurationMs?: number;
  arch: Arch;
  /** Measured on a debug build: said in the line, since Duration and cost are not the release ones. */
  debug?: boolean;
}

/** Lambda bills whole milliseconds, and for OS-only runtimes the init phase too. */
export function billedDurationMs(r: Pick<ReportFields, 'durationMs' | 'initDurationMs'>): number {
  return Math.max(1, Math.ceil(r.durationMs + (r.initDurationMs ?? 0)));
}

export function estimatedCostUsd(r: ReportFields): number {
  const gbSeconds = (billedDurationMs(r) / 1000) * (r.memorySizeMb / 1024);
  return gbSeconds * PRICE_PER_GB_SECOND[r.arch] + PRICE_PER_REQUEST;
}

export const startLine = (id: string) => `START RequestId: ${id} Version: $LATEST`;
export const endLine = (id: string) => `END RequestId: ${id}`;

/** Lambda's REPORT line, tab-separated as in CloudWatch, plus our cost estimate at the end. */
export function reportLine(r: ReportFields): string {
  const fields = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedDurationMs(r)} ms`,
    `Memory Size: ${r.memorySizeMb} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
  ];
  if (r.initDurationMs !== undefined) fields.push(`Init Duration: ${r.initDurationMs.toFixed(2)} ms`);
  fields.push(`Estimated Cost: $${estimatedCostUsd(r).toFixed(10)} (${r.arch}${r.debug ? ', debug build' : ''})`);
  return fields.join('\t');
}
