import { homedir } from 'node:os';
import path from 'node:path';
import type { RelocationModel } from '../project/svl-json.js';
import type { CargoWorkspace } from './cargo-workspace.js';

/**
 * Rust embeds the absolute paths of the sources it compiled (panic locations, debug info): the
 * registry under CARGO_HOME, git checkouts and the target dir (OUT_DIR includes).
 * Two machines with different homes or checkouts would get different bytes and a different
 * CodeSha256. Each prefix is remapped to a fixed name.
 *
 * Passed as `--config build.rustflags=[…]`, not RUSTFLAGS: the environment variable replaces every
 * config-level rustflags, including the target-cpu that cargo-lambda sets through `--config`,
 * while config arrays from several sources are joined. A user's own RUSTFLAGS still wins, as cargo
 * documents.
 */
export function remapPathConfig(ws: CargoWorkspace, env?: Record<string, string | undefined>): string[] {
  return rustflagsConfig(remapPathFlags(ws, env));
}

/**
 * A Lambda release build's rustflags: the path remaps and, when svl.json opts in, the fixed-address
 * relocation model (no ASLR for the main image; see the schema's relocationModel). cargo-lambda
 * passes --target, so build.rustflags reach only the target's crates, not build scripts or proc
 * macros, which must stay position-independent to load.
 */
export function releaseRustflagsConfig(ws: CargoWorkspace, env: Record<string, string | undefined> | undefined, relocationModel?: RelocationModel): string[] {
  const flags = remapPathFlags(ws, env);
  if (relocationModel === 'static') flags.push('-Crelocation-model=static');
  return rustflagsConfig(flags);
}

function remapPathFlags(ws: CargoWorkspace, env?: Record<string, string | undefined>): string[] {
  // The build's env extends the process's (execa's default).
  const home = env?.CARGO_HOME || process.env.CARGO_HOME;
  const cargoHome = path.resolve(home || path.join(homedir(), '.cargo'));
  // The project itself needs no remap: cargo hands rustc its workspace members' sources as paths
  // relative to the workspace root. Remapping it would put the project's path into every crate's
  // rustflags, and a shared CARGO_TARGET_DIR would rebuild all dependencies for each checkout.
  // Later flags win where prefixes nest (a target dir inside CARGO_HOME).
  const remaps: [string, string][] = [
    [cargoHome, '/cargo'],
    [ws.targetDir, '/target'],
  ];
  return remaps.map(([from, to]) => `--remap-path-prefix=${from}=${to}`);
}

// JSON strings are valid TOML basic strings.
const rustflagsConfig = (flags: string[]) => ['--config', `build.rustflags=[${flags.map((f) => JSON.stringify(f)).join(', ')}]`];
