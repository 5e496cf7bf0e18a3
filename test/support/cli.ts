import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { execa, type Options } from 'execa';
import fs from 'fs-extra';
import { CARGO_TARGET_DIR, CREATE_BIN, SCRATCH_DIR, SVL_BIN } from './paths.js';

/** The environment every spawned CLI gets: no CI prompts, shared cargo target dir. */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { CI: 'true', CARGO_TARGET_DIR, NO_COLOR: '1', ...extra };
}

/** Runs the *built* svl CLI (bin/svl.js → dist/) the way a user would. Never throws on exit code. */
export function svl(args: string[], opts: Options & { cwd: string }) {
  return execa('node', [SVL_BIN, ...args], { reject: false, all: true, ...opts, env: testEnv(opts.env as Record<string, string>) });
}

/** Runs the built create-serverless-lang bin. */
export function create(args: string[], opts: Options & { cwd: string }) {
  return execa('node', [CREATE_BIN, ...args], { reject: false, all: true, ...opts, env: testEnv(opts.env as Record<string, string>) });
}

/** A fresh directory under .cache/scratch (not /tmp: generated projects can be large and are kept for debugging). */
export async function scratchDir(prefix: string): Promise<string> {
  await fs.ensureDir(SCRATCH_DIR);
  return mkdtemp(path.join(SCRATCH_DIR, `${prefix}-`));
}
