import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { Arch } from '../project/project.js';
import { buildRoot, devDir, stagingDir } from '../project/layout.js';
import { cargoBinaryOf, cargoWorkspace, localPackagesOf, type CargoWorkspace } from './cargo-workspace.js';
import { binaryName, type BuildInputs, type BuildRequest, type BuildResult, type DevBuildRequest, type SizeBreakdown, type Toolchain } from './toolchain.js';
import { hasTool, INSTALL_HINTS, runTool } from './run-tool.js';
import { releaseRustflagsConfig, remapPathConfig } from './rust-path-remap.js';
import { readElfLayout } from './elf-layout.js';
import { rlibsOf, rustSizeBreakdown } from './rust-size.js';
import { withTargetDirLock } from './target-dir-lock.js';

export const RUST_TARGET: Record<Arch, string> = { arm64: 'aarch64-unknown-linux-gnu', x86_64: 'x86_64-unknown-linux-gnu' };

/** The std for a target ships as a directory in the sysroot; its absence means rustup never added it. */
async function targetInstalled(triple: string, env?: Record<string, string | undefined>): Promise<boolean> {
  const out = await runTool('rustc', ['--print', 'target-libdir', '--target', triple], {
    cwd: process.cwd(),
    env,
    captureStdout: true,
    tool: 'cargo',
    what: 'rustc --print target-libdir failed',
  });
  const dir = out.join('').trim();
  return (
    Boolean(dir) &&
    (await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  );
}

/** Everything a release build needs, checked up front so a missing piece is one line, not a prompt. */
async function checkCrossToolchain(arch: Arch, lambda: boolean, env?: Record<string, string | undefined>): Promise<void> {
  if (!(await hasTool('cargo'))) throw new SvlError(INSTALL_HINTS.cargo!);
  if (lambda) {
    if (!(await hasTool('cargo', ['lambda', '--version']))) throw new SvlError(INSTALL_HINTS['cargo-lambda']!);
    // cargo-lambda looks for zig on PATH, then in the ziglang Python package.
    if (!(await hasTool('zig', ['version'])) && !(await hasTool('python3', ['-m', 'ziglang', 'version']))) throw new SvlError(INSTALL_HINTS.zig!);
  }
  const triple = RUST_TARGET[arch];
  if (!(await targetInstalled(triple, env))) {
    const other = arch === 'arm64' ? 'x86_64' : 'arm64';
    throw new SvlError(`Rust target ${triple} is not installed — run 'rustup target add ${triple}' or build with --arch ${other}`);
  }
}

/** A `compiler-artifact` message of cargo's JSON output. */
interface CargoArtifact {
  executable?: string | null;
  filenames?: string[];
  target?: { name: string; kind?: string[]; crate_types?: string[] };
}

/** `cargo build --message-format=json-render-diagnostics` for several binaries at once; returns bin → executable. */
async function cargoBuildExecutables(
  dir: string,
  targets: { pkg: string; bin: string }[],
  args: string[],
  req: Pick<BuildRequest, 'env' | 'onOutput'>,
  onArtifact?: (artifact: CargoArtifact) => void,
): Promise<Map<string, string>> {
  const bins = targets.map((t) => t.bin);
  const messages = await runTool('cargo', ['build', ...selectArgs(targets), '--message-format=json-render-diagnostics', ...args], {
    cwd: dir,
    env: req.env,
    onOutput: req.onOutput,
    captureStdout: true,
    what: 'cargo build failed',
  });
  const found = new Map<string, string>();
  for (const line of messages) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line) as CargoArtifact & { reason?: string };
    if (msg.reason === 'compiler-artifact') onArtifact?.(msg);
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target && bins.includes(msg.target.name) && msg.target.kind?.includes('bin')) {
      found.set(msg.target.name, msg.executable);
    }
  }
  for (const b of bins) if (!found.has(b)) throw new SvlError(`cargo build reported no executable for '${b}' — check the [[bin]] section of Cargo.toml`);
  return found;
}

/**
 * `-p` for each package and `--bin` for each binary: from a workspace root that is itself a package,
 * a bare `--bin` only looks in the default members.
 */
function selectArgs(targets: { pkg: string; bin: string }[]): string[] {
  return [...new Set(targets.map((t) => t.pkg))].flatMap((p) => ['-p', p]).concat(targets.flatMap((t) => ['--bin', t.bin]));
}

interface Planned<R> {
  ws: CargoWorkspace;
  items: { req: R; bin: string; pkg: string }[];
}

/**
 * Groups requests by workspace (and arch/packaging) so each group is one cargo invocation. Two
 * functions that name the same binary target cannot share one: they go in separate groups.
 */
async function planGroups<R extends { fn: BuildRequest['fn']; env?: BuildRequest['env'] }>(reqs: R[], key: (r: R) => string): Promise<Planned<R>[]> {
  const groups = new Map<string, Planned<R>>();
  const workspaces = new Map<string, CargoWorkspace>();
  for (const req of reqs) {
    let ws = workspaces.get(req.fn.dir);
    if (!ws) {
      ws = await cargoWorkspace(req.fn.dir, req.env);
      workspaces.set(req.fn.dir, ws);
    }
    const { bin, pkg } = cargoBinaryOf(ws, req.fn);
    let n = 0;
    let k = `${ws.root}\0${key(req)}\0${n}`;
    // `-p a -p b --bin x` builds every x of a and b: a group may not hold a name two of its packages share.
    const binsOf = (name: string) =>
      new Set(
        ws.packages
          .find((p) => p.name === name)
          ?.targets.filter((t) => t.kind.includes('bin'))
          .map((t) => t.name),
      );
    const clashes = (g: Planned<R> | undefined) =>
      g?.items.some((i) => i.bin === bin || (i.pkg !== pkg.name && (binsOf(i.pkg).has(bin) || binsOf(pkg.name).has(i.bin))));
    while (clashes(groups.get(k))) k = `${ws.root}\0${key(req)}\0${++n}`;
    const group = groups.get(k) ?? { ws, items: [] };
    group.items.push({ req, bin, pkg: pkg.name });
    groups.set(k, group);
  }
  return [...groups.values()];
}

export const rustToolchain: Toolchain = {
  language: 'rust',

  async build(reqs: BuildRequest[]): Promise<BuildResult[]> {
    const results: BuildResult[] = [];
    // Before cargo metadata, which may wait on other cargo processes' package-cache lock: a missing
    // target or tool is known at once.
    const checks = new Map(reqs.map((r) => [`${r.arch}/${r.packaging}`, r]));
    for (const r of checks.values()) await checkCrossToolchain(r.arch, r.packaging === 'lambda', r.env);
    for (const group of await planGroups(reqs, (r) => `${r.arch}/${r.packaging}/${r.packaging === 'lambda' ? r.fn.relocationModel : ''}`)) {
      const first = group.items[0]!.req;
      const lambda = first.packaging === 'lambda';
      const out = await mkdtemp(path.join(await ensureDir(buildRoot(first.fn.root)), '.cargo-'));
      try {
        await withTargetDirLock(group.ws.targetDir, async () => {
          if (lambda) {
            // cargo-lambda cross-links with zig for Lambda's glibc; one invocation builds every binary.
            const flag = first.arch === 'arm64' ? '--arm64' : '--x86-64';
            const rustflags = releaseRustflagsConfig(group.ws, first.env, first.fn.relocationModel);
            const args = ['lambda', 'build', '--release', flag, ...rustflags, ...selectArgs(group.items), '--lambda-dir', out];
            await runTool('cargo', args, {
              cwd: group.ws.root,
              env: first.env,
              onOutput: first.onOutput,
              tool: 'cargo-lambda',
              what: `cargo lambda build (${RUST_TARGET[first.arch]}) failed`,
            });
            for (const { req, bin } of group.items) results.push({ fn: req.fn, binaryPath: await keep(path.join(out, bin, 'bootstrap'), req) });
          } else {
            // A Cloud Run container runs what its Dockerfile builds: cargo build --release for Linux.
            const exes = await cargoBuildExecutables(
              group.ws.root,
              group.items,
              ['--release', '--target', RUST_TARGET[first.arch], ...remapPathConfig(group.ws, first.env)],
              first,
            );
            for (const { req, bin } of group.items) results.push({ fn: req.fn, binaryPath: await keep(exes.get(bin)!, req) });
          }
        });
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    return results;
  },

  async devBuild(reqs: DevBuildRequest[]): Promise<BuildResult[]> {
    if (!(await hasTool('cargo'))) throw new SvlError(INSTALL_HINTS.cargo!);
    const results: BuildResult[] = [];
    for (const group of await planGroups(reqs, (r) => (r.release ? 'release' : 'debug'))) {
      const first = group.items[0]!.req;
      // Copy out of the shared target dir while holding the lock: another project may rebuild the same bin name.
      await withTargetDirLock(group.ws.targetDir, async () => {
        const exes = await cargoBuildExecutables(group.ws.root, group.items, first.release ? ['--release'] : [], first);
        for (const { req, bin } of group.items) {
          const binaryPath = path.join(devDir(req.fn.root, req.fn.name), 'bootstrap');
          await mkdir(path.dirname(binaryPath), { recursive: true });
          await copyFile(exes.get(bin)!, binaryPath);
          results.push({ fn: req.fn, binaryPath });
        }
      });
    }
    return results;
  },

  async test(req): Promise<void> {
    await runTool('cargo', ['test'], { cwd: req.fn.dir, env: req.env, onOutput: req.onOutput, what: 'cargo test failed' });
  },

  async sizeBreakdown(req: BuildRequest): Promise<SizeBreakdown> {
    const ws = await cargoWorkspace(req.fn.dir, req.env);
    const { bin, pkg } = cargoBinaryOf(ws, req.fn);
    // The project's release profile with the symbol table kept (what cargo-bloat builds too). A
    // host build: crate proportions do not depend on the arch, and it works where the Lambda
    // arch's std is not installed.
    const rlibs: { crate: string; file: string }[] = [];
    const binary = await withTargetDirLock(ws.targetDir, async () => {
      const exes = await cargoBuildExecutables(
        ws.root,
        [{ pkg: pkg.name, bin }],
        ['--release', '--config', 'profile.release.strip=false', ...remapPathConfig(ws, req.env)],
        req,
        (a) => rlibs.push(...rlibsOf(a)),
      );
      // Read before the lock is let go: another project may rebuild the same bin name.
      return readElfLayout(exes.get(bin)!);
    });
    const libdir = (
      await runTool('rustc', ['--print', 'target-libdir'], {
        cwd: req.fn.dir,
        env: req.env,
        captureStdout: true,
        tool: 'cargo',
        what: 'rustc --print target-libdir failed',
      })
    )
      .join('')
      .trim();
    return rustSizeBreakdown(binary, rlibs, libdir);
  },

  async inputs(fn, env): Promise<BuildInputs> {
    const ws = await cargoWorkspace(fn.dir, env);
    const { pkg } = cargoBinaryOf(ws, fn);
    const trees = localPackagesOf(ws, pkg).map((p) => path.dirname(p.manifest_path));
    const exclude = [
      ...ws.packages.map((p) => path.dirname(p.manifest_path)).filter((d) => !trees.includes(d) && trees.some((t) => d.startsWith(t + path.sep))),
      ...trees.map((t) => path.join(t, 'target')),
      ws.targetDir,
    ];
    const files = ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml', 'rust-toolchain.toml', 'rust-toolchain'].map((f) => path.join(ws.root, f));
    return { trees, dirs: [], exclude, files, isSource: (base) => base.endsWith('.rs') || base === 'Cargo.toml' };
  },
};

async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Copies a built binary out of a temporary or shared folder into the function's staging dir. */
async function keep(binary: string, req: BuildRequest): Promise<string> {
  const dir = stagingDir(req.fn.root, req.fn.name);
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, binaryName(req));
  await copyFile(binary, target);
  return target;
}
