import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import { artifactPaths, buildDir, stagingDir } from '../project/layout.js';
import type { Arch, FunctionConfig, Language, Platform } from '../project/project.js';
import { binaryName, toolchainFor, type BuildInputs, type Packaging } from '../toolchains/index.js';
import { readElfArch } from './elf.js';
import { hashInputs } from './sources-hash.js';
import { copyPrebuilt } from './prebuilt.js';
import { codeSha256, zipBootstrap } from './zip-bootstrap.js';

export interface BuildManifest {
  name: string;
  platform: Platform;
  arch: Arch;
  /** 'prebuilt' for an svl.json `artifact`. */
  language: Language | 'prebuilt';
  /** The executable's file name in the build folder: `bootstrap` (Lambda) or the service's name (Cloud Run). */
  binary: string;
  bytes: number;
  /** Lambda only: bootstrap.zip. */
  zipBytes?: number;
  /** base64 SHA-256 of bootstrap.zip, as Lambda's CodeSha256. */
  zipSha256?: string;
  sourcesHash: string;
  builtAt: string;
}

export interface BuiltArtifact {
  fn: FunctionConfig;
  manifest: BuildManifest;
  binary: string;
  zip?: string;
}

export interface BuildArtifactsOptions {
  fns: FunctionConfig[];
  /** The platform's packaging of each function (Lambda zip or container binary). */
  packagingOf: (fn: FunctionConfig) => Packaging;
  onOutput?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/** What decides the binary besides the sources: a change here makes the last build stale. */
function buildSettings(fn: FunctionConfig, packaging: Packaging) {
  return {
    platform: fn.platform,
    packaging,
    arch: fn.arch,
    language: fn.language ?? 'prebuilt',
    bin: fn.bin,
    package: fn.package,
    dir: path.relative(fn.root, fn.dir),
    // Only when not the default, so builds made before the option existed stay fresh.
    relocationModel: fn.relocationModel === 'static' ? 'static' : undefined,
  };
}

/** The hash of what the function's binary is made from (sources, manifests, lock files, settings). */
export async function inputsHash(fn: FunctionConfig, packaging: Packaging, env?: Record<string, string | undefined>): Promise<string> {
  return hashInputs(fn.root, await buildInputsOf(fn, env), buildSettings(fn, packaging));
}

/** What decides the function's binary: its toolchain's inputs, or the prebuilt artifact alone. */
export function buildInputsOf(fn: FunctionConfig, env?: Record<string, string | undefined>): Promise<BuildInputs> {
  if (fn.artifact) return Promise.resolve({ trees: [], dirs: [], exclude: [], files: [fn.artifact], isSource: () => false });
  return toolchainFor(fn.language!).inputs(fn, env);
}

/**
 * Release builds, checked and packaged: compile every function (one toolchain call per language,
 * so a cargo workspace builds in one invocation) into staging dirs, verify each ELF's arch, zip
 * Lambda bootstraps reproducibly, write build.json, then swap each staging dir into
 * .svl/build/<name>/. A failure leaves the previous artifacts as they were.
 */
export async function buildArtifacts(opts: BuildArtifactsOptions): Promise<BuiltArtifact[]> {
  const { fns } = opts;
  for (const fn of fns) await rm(stagingDir(fn.root, fn.name), { recursive: true, force: true });
  try {
    const binaries = new Map<FunctionConfig, string>();
    for (const fn of fns.filter((f) => f.artifact)) binaries.set(fn, await stagePrebuilt(fn, opts.packagingOf(fn)));
    for (const language of ['rust', 'go'] as const) {
      const mine = fns.filter((f) => !f.artifact && f.language === language);
      if (mine.length === 0) continue;
      const results = await toolchainFor(language).build(
        mine.map((fn) => ({ fn, arch: fn.arch, packaging: opts.packagingOf(fn), onOutput: opts.onOutput, env: opts.env })),
      );
      for (const r of results) binaries.set(r.fn, r.binaryPath);
    }
    const built: BuiltArtifact[] = [];
    for (const fn of fns) built.push(await finish(fn, binaries.get(fn)!, opts));
    for (const b of built) {
      await rm(buildDir(b.fn.root, b.fn.name), { recursive: true, force: true });
      await rename(stagingDir(b.fn.root, b.fn.name), buildDir(b.fn.root, b.fn.name));
    }
    return built.map((b) => withFinalPaths(b));
  } finally {
    for (const fn of fns) await rm(stagingDir(fn.root, fn.name), { recursive: true, force: true });
  }
}

async function finish(fn: FunctionConfig, binaryPath: string, opts: BuildArtifactsOptions): Promise<BuiltArtifact> {
  const packaging = opts.packagingOf(fn);
  const built = await readElfArch(binaryPath);
  if (built !== fn.arch) {
    throw new SvlError(
      fn.artifact
        ? built === null || built === 'other'
          ? `${fn.artifact} is not a Linux ELF executable for arm64 or x86_64 — point "artifact" of ${fn.name} at a Lambda bootstrap or a zip holding one`
          : `${fn.artifact} is built for ${built}, not ${fn.arch} — rebuild it for linux/${fn.arch}, or set "arch" for ${fn.name} in svl.json`
        : `the build of ${fn.name} produced a ${built ?? 'non-ELF'} binary, not ${fn.arch} — check the toolchain's target settings (.cargo/config.toml, GOARCH)`,
    );
  }
  const staging = stagingDir(fn.root, fn.name);
  // Hashed after the toolchain ran: a build may write its lock file (Cargo.lock) on the way.
  const sourcesHash = await inputsHash(fn, packaging, opts.env);
  const manifest: BuildManifest = {
    name: fn.name,
    platform: fn.platform,
    arch: fn.arch,
    language: fn.language ?? 'prebuilt',
    binary: path.basename(binaryPath),
    bytes: (await stat(binaryPath)).size,
    sourcesHash,
    builtAt: new Date().toISOString(),
  };
  let zip: string | undefined;
  if (packaging === 'lambda') {
    zip = path.join(staging, 'bootstrap.zip');
    const z = await zipBootstrap(binaryPath, zip);
    manifest.zipBytes = z.bytes;
    manifest.zipSha256 = z.sha256;
  }
  await writeFile(path.join(staging, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { fn, manifest, binary: binaryPath, zip };
}

function withFinalPaths(b: BuiltArtifact): BuiltArtifact {
  const dir = buildDir(b.fn.root, b.fn.name);
  return { ...b, binary: path.join(dir, b.manifest.binary), zip: b.zip ? path.join(dir, 'bootstrap.zip') : undefined };
}

/** An svl.json `artifact`, copied into the staging dir under the name the platform runs. */
function stagePrebuilt(fn: FunctionConfig, packaging: Packaging): Promise<string> {
  return copyPrebuilt(fn, path.join(stagingDir(fn.root, fn.name), binaryName({ fn, packaging })));
}

/** The manifest of the last successful build, or null when there is none (or it is unreadable). */
export async function readManifest(projectDir: string, name: string): Promise<BuildManifest | null> {
  const paths = artifactPaths(projectDir, name);
  try {
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as BuildManifest;
    manifest.binary ??= 'bootstrap';
    manifest.platform ??= 'lambda';
    await stat(path.join(paths.dir, manifest.binary));
    if (manifest.zipSha256) await stat(paths.zip);
    return manifest;
  } catch {
    return null;
  }
}

export type ArtifactStatus = { state: 'missing' } | { state: 'fresh'; manifest: BuildManifest } | { state: 'stale'; manifest: BuildManifest; why: string };

/**
 * missing: never built; stale: sources, build settings or arch changed since (with the true reason);
 * fresh: deployable as is.
 */
export async function artifactStatus(
  fn: FunctionConfig,
  packaging: Packaging,
  env?: Record<string, string | undefined>,
  opts: { anyArch?: boolean } = {},
): Promise<ArtifactStatus> {
  const manifest = await readManifest(fn.root, fn.name);
  if (!manifest) return { state: 'missing' };
  // anyArch: judge the last build by the arch it was made for (svl size without --arch).
  if (opts.anyArch) fn = { ...fn, arch: manifest.arch };
  if (manifest.arch !== fn.arch) return { state: 'stale', manifest, why: `the last build is for ${manifest.arch}, this one is for ${fn.arch}` };
  if (manifest.language !== (fn.language ?? 'prebuilt') || manifest.platform !== fn.platform) {
    return { state: 'stale', manifest, why: 'the language or platform changed since the last build' };
  }
  if (manifest.sourcesHash !== (await inputsHash(fn, packaging, env))) return { state: 'stale', manifest, why: 'sources changed since the last build' };
  return { state: 'fresh', manifest };
}

export { codeSha256 };
