import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * One cargo target dir for every generated Rust project in the suite (and across runs): cargo
 * compiles the shared dependencies once. CI and local runs use the same default.
 */
export const CARGO_TARGET_DIR = process.env.CARGO_TARGET_DIR ?? path.join(REPO_ROOT, '.cache', 'cargo-target');

/** Scratch space for generated projects; under the repo so it survives between test files. */
export const SCRATCH_DIR = path.join(REPO_ROOT, '.cache', 'scratch');

export const SVL_BIN = path.join(REPO_ROOT, 'bin', 'svl.js');
export const CREATE_BIN = path.join(REPO_ROOT, 'bin', 'create-serverless-lang.js');
