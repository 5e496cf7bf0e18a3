import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { Arch } from '../config/svl-config.js';
import { devDir, stagingDir } from '../project/layout.js';
import type { BuildRequest, BuildResult, SizeEntry, Toolchain } from './toolchain.js';
import { hasTool, INSTALL_HINTS, runTool } from './run-tool.js';
import { rustCrateOf, requireNm, symbolSizesBy } from './symbol-sizes.js';
import { withTargetDirLock } from './target-dir-lock.js';

export const RUST_TARGET: Record<Arch, string> = { arm64: 'aarch64-unknown-linux-gnu', x86_64: 'x86_64-unknown-linux-gnu' };

interface CargoProject {
  targetDir: string;
  /** The binary target to build: named after the function in Lambda templates (`bootstrap` in older projects). */
  bin: string;
}

/** Asks cargo for the target dir (honours CARGO_TARGET_DIR) and the binary to build. */
async function cargoProject(projectDir: string, env?: Record<string, string | undefined>): Promise<CargoProject> {
  const out = await runTool('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], {
    cwd: projectDir,
    env,
    captureStdout: true,
    what: 'cargo metadata failed (is Cargo.toml valid?)',
  });
  const meta = JSON.parse(out.join('\n')) as {
    target_directory: string;
    packages: { name: string; manifest_path: string; targets: { name: string; kind: string[] }[] }[];
  };
  const pkg = meta.packages.find((p) => path.dirname(p.manifest_path) === path.resolve(projectDir)) ?? meta.packages[0];
  const bins = (pkg?.targets ?? []).filter((t) => t.kind.includes('bin')).map((t) => t.name);
  const bin = bins.find((b) => b === 'bootstrap') ?? bins.find((b) => b === pkg?.name) ?? bins[0];
  if (!bin) throw new SvlError(`${path.join(projectDir, 'Cargo.toml')} has no binary target — add a [[bin]] named after the function`);
  return { targetDir: meta.target_directory, bin };
}

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

/** Everything `cargo lambda build` needs, checked up front so a missing piece is one line, not a prompt. */
async function checkCrossToolchain(arch: Arch, env?: Record<string, string | undefined>): Promise<void> {
  if (!(await hasTool('cargo'))) throw new SvlError(INSTALL_HINTS.cargo!);
  if (!(await hasTool('cargo', ['lambda', '--version']))) throw new SvlError(INSTALL_HINTS['cargo-lambda']!);
  // cargo-lambda looks for zig on PATH, then in the ziglang Python package.
  if (!(await hasTool('zig', ['version'])) && !(await hasTool('python3', ['-m', 'ziglang', 'version']))) {
    throw new SvlError(INSTALL_HINTS.zig!);
  }
  const triple = RUST_TARGET[arch];
  if (!(await targetInstalled(triple, env))) {
    const other = arch === 'arm64' ? 'x86_64' : 'arm64';
    throw new SvlError(`Rust target ${triple} is not installed — run 'rustup target add ${triple}' or build with --arch ${other}`);
  }
}

/** Runs `cargo build --message-format=json-render-diagnostics` and returns the executable cargo reports. */
async function cargoBuildExecutable(projectDir: string, bin: string, args: string[], req: Pick<BuildRequest, 'env' | 'onOutput'>): Promise<string> {
  const messages = await runTool('cargo', ['build', '--bin', bin, '--message-format=json-render-diagnostics', ...args], {
    cwd: projectDir,
    env: req.env,
    onOutput: req.onOutput,
    captureStdout: true,
    what: 'cargo build failed',
  });
  let executable: string | undefined;
  for (const line of messages) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line) as { reason?: string; executable?: string | null; target?: { name: string } };
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target?.name === bin) executable = msg.executable;
  }
  if (!executable) throw new SvlError(`cargo build reported no executable for '${bin}' — check the [[bin]] section of Cargo.toml`);
  return executable;
}

export const rustToolchain: Toolchain = {
  language: 'rust',
  sourceGlobs: ['src/**/*.rs', 'build.rs', 'Cargo.toml', 'Cargo.lock'],

  async build(req: BuildRequest): Promise<BuildResult> {
    await checkCrossToolchain(req.arch, req.env);
    const { targetDir, bin } = await cargoProject(req.projectDir, req.env);
    const outDir = stagingDir(req.projectDir, req.name);
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const flag = req.arch === 'arm64' ? '--arm64' : '--x86-64';
    await withTargetDirLock(targetDir, () =>
      runTool('cargo', ['lambda', 'build', '--release', flag, '--bin', bin, '--lambda-dir', outDir, '--flatten', bin], {
        cwd: req.projectDir,
        env: req.env,
        onOutput: req.onOutput,
        tool: 'cargo-lambda',
        what: `cargo lambda build (${RUST_TARGET[req.arch]}) failed`,
      }),
    );
    return { binaryPath: path.join(outDir, 'bootstrap') };
  },

  async devBuild(req): Promise<BuildResult> {
    if (!(await hasTool('cargo'))) throw new SvlError(INSTALL_HINTS.cargo!);
    const { targetDir, bin } = await cargoProject(req.projectDir, req.env);
    const binaryPath = path.join(devDir(req.projectDir, req.name), 'bootstrap');
    await mkdir(path.dirname(binaryPath), { recursive: true });
    // Copy out of the shared target dir while holding the lock: another project's build may write the same path.
    await withTargetDirLock(targetDir, async () => {
      const exe = await cargoBuildExecutable(req.projectDir, bin, req.release ? ['--release'] : [], req);
      await copyFile(exe, binaryPath);
    });
    return { binaryPath };
  },

  async test(req): Promise<void> {
    await runTool('cargo', ['test'], { cwd: req.projectDir, env: req.env, onOutput: req.onOutput, what: 'cargo test failed' });
  },

  async sizeBreakdown(req: BuildRequest): Promise<SizeEntry[]> {
    await requireNm();
    const { targetDir, bin } = await cargoProject(req.projectDir, req.env);
    // The project's release profile with the symbol table kept. A host build: crate proportions do
    // not depend on the arch, and it works where the Lambda arch's std is not installed.
    return withTargetDirLock(targetDir, async () => {
      const exe = await cargoBuildExecutable(req.projectDir, bin, ['--release', '--config', 'profile.release.strip=false'], req);
      return symbolSizesBy(exe, rustCrateOf, { cwd: req.projectDir, demangle: true });
    });
  },
};
