import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { FunctionConfig } from '../project/project.js';
import { runTool } from './run-tool.js';

interface CargoPackage {
  name: string;
  manifest_path: string;
  targets: { name: string; kind: string[] }[];
  dependencies: { name: string; path?: string }[];
}

export interface CargoWorkspace {
  root: string;
  targetDir: string;
  packages: CargoPackage[];
}

/** `cargo metadata` for the workspace holding `dir` (honours CARGO_TARGET_DIR); no dependency resolution. */
export async function cargoWorkspace(dir: string, env?: Record<string, string | undefined>): Promise<CargoWorkspace> {
  const out = await runTool('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], {
    cwd: dir,
    env,
    captureStdout: true,
    what: 'cargo metadata failed (is Cargo.toml valid?)',
  });
  const meta = JSON.parse(out.join('\n')) as { workspace_root: string; target_directory: string; packages: CargoPackage[] };
  return { root: meta.workspace_root, targetDir: meta.target_directory, packages: meta.packages };
}

export interface CargoBinary {
  pkg: CargoPackage;
  bin: string;
}

/**
 * The package and binary target of a function: svl.json's `package`/`bin` when set; else the package
 * in the function's folder and its binary named after the function, else `bootstrap`, else its
 * only (or first) binary.
 */
export function cargoBinaryOf(ws: CargoWorkspace, fn: FunctionConfig): CargoBinary {
  const pkg = fn.package ? ws.packages.find((p) => p.name === fn.package) : ws.packages.find((p) => path.dirname(p.manifest_path) === path.resolve(fn.dir));
  if (!pkg) {
    throw new SvlError(
      fn.package
        ? `cargo package '${fn.package}' (svl.json functions.${fn.name}.package) is not in the workspace at ${ws.root} — fix the name or add the package to [workspace] members`
        : `no cargo package in ${fn.dir} — add a Cargo.toml there, or set "package" for ${fn.name} in svl.json`,
    );
  }
  const bins = pkg.targets.filter((t) => t.kind.includes('bin')).map((t) => t.name);
  if (fn.bin) {
    if (!bins.includes(fn.bin))
      throw new SvlError(`package ${pkg.name} has no binary '${fn.bin}' (svl.json ${fn.name}.bin) — its binaries: ${bins.join(', ') || 'none'}`);
    return { pkg, bin: fn.bin };
  }
  const bin = bins.find((b) => b === fn.name) ?? bins.find((b) => b === 'bootstrap') ?? bins.find((b) => b === pkg.name) ?? bins[0];
  if (!bin) throw new SvlError(`${pkg.manifest_path} has no binary target — add a [[bin]] named ${fn.name}`);
  return { pkg, bin };
}

/** The package and the workspace packages it depends on by path, transitively. */
export function localPackagesOf(ws: CargoWorkspace, pkg: CargoPackage): CargoPackage[] {
  const byDir = new Map(ws.packages.map((p) => [path.dirname(p.manifest_path), p]));
  const seen = new Set<CargoPackage>([pkg]);
  const queue = [pkg];
  while (queue.length > 0) {
    for (const dep of queue.pop()!.dependencies) {
      const local = dep.path ? byDir.get(path.resolve(dep.path)) : undefined;
      if (local && !seen.has(local)) {
        seen.add(local);
        queue.push(local);
      }
    }
  }
  return [...seen];
}
