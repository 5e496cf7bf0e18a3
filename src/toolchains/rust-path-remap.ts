import { homedir } from 'node:os';
import path from 'node:path';
import type { CargoWorkspace } from './cargo-workspace.js';

/**
 * Rust embeds the absolute paths of the sources it compiled (panic locations, debug info): the
 * registry under CARGO_HOME, git checkouts, the project and the target dir (OUT_DIR includes).
 * Two machines with different homes or checkouts would get different bytes and a different
 * CodeSha256. Each prefix is remapped to a fixed name.
 *
 * Passed as `--config build.rustflags=[…]`, not RUSTFLAGS: the environment variable replaces every
 * config-level rustflags, including the target-cpu that cargo-lambda sets through `--config`,
 * while config arrays from several sources are joined. A user's own RUSTFLAGS still wins, as cargo
 * documents.
 */
export function remapPathConfig(ws: CargoWorkspace, env?: Record<string, string | undefined>): string[] {
  // The build's env extends the process's (execa's default).
  const home = env?.CARGO_HOME || process.env.CARGO_HOME;
  const cargoHome = path.resolve(home || path.join(homedir(), '.cargo'));
  // Later flags win where prefixes nest (a project inside CARGO_HOME, a target dir inside the project).
  const remaps: [string, string][] = [
    [cargoHome, '/cargo'],
    [ws.root, '/build'],
    [ws.targetDir, '/target'],
  ];
  const flags = remaps.map(([from, to]) => `--remap-path-prefix=${from}=${to}`);
  // JSON strings are valid TOML basic strings.
  return ['--config', `build.rustflags=[${flags.map((f) => JSON.stringify(f)).join(', ')}]`];
}
