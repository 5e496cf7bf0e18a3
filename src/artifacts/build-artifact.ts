import path from 'node:path';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { SvlError } from '../core/errors.js';
import type { Arch, Language, SvlConfig } from '../config/svl-config.js';
import { toolchainFor } from '../toolchains/index.js';
import { readElfArch } from './elf.js';
import { artifactPaths, buildDir, stagingDir } from '../project/layout.js';
import { hashSources } from './sources-hash.js';
import { zipBootstrap } from './zip-bootstrap.js';

export interface BuildManifest {
  name: string;
  arch: Arch;
  language: Language;
  bytes: number;
  zipBytes: number;
  /** base64 SHA-256 of bootstrap.zip, as Lambda's CodeSha256. */
  zipSha256: string;
  sourcesHash: string;
  builtAt: string;
}

export interface BuiltArtifact {
  bootstrap: string;
  zip: string;
  arch: Arch;
  binaryBytes: number;
  zipBytes: number;
  zipSha256: string;
}

export interface BuildArtifactOptions {
  projectDir: string;
  config: SvlConfig;
  /** Defaults to svl.json's arch. */
  arch?: Arch;
  onOutput?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/**
 * The release build, checked and packaged: compile in a staging dir, verify the ELF arch, zip it
 * reproducibly, write build.json, then swap the staging dir into .svl/build/<name>/. A failure at
 * any step leaves the previous artifact as it was.
 */
export async function buildArtifact(opts: BuildArtifactOptions): Promise<BuiltArtifact> {
  const { projectDir, config } = opts;
  const arch = opts.arch ?? config.arch;
  // Hash before compiling: an edit made during the build must make the result stale.
  const sourcesHash = await hashSources(projectDir, config.language);
  const staging = stagingDir(projectDir, config.name);
  await rm(staging, { recursive: true, force: true });
  try {
    const { binaryPath } = await toolchainFor(config.language).build({
      projectDir,
      name: config.name,
      arch,
      onOutput: opts.onOutput,
      env: opts.env,
    });
    const built = await readElfArch(binaryPath);
    if (built !== arch) {
      throw new SvlError(`the build produced a ${built ?? 'non-ELF'} binary, not ${arch} — check the toolchain's target settings (.cargo/config.toml, GOARCH)`);
    }
    const final = artifactPaths(projectDir, config.name);
    const zipPath = path.join(staging, 'bootstrap.zip');
    const zip = await zipBootstrap(binaryPath, zipPath);
    const binaryBytes = (await stat(binaryPath)).size;
    const manifest: BuildManifest = {
      name: config.name,
      arch,
      language: config.language,
      bytes: binaryBytes,
      zipBytes: zip.bytes,
      zipSha256: zip.sha256,
      sourcesHash,
      builtAt: new Date().toISOString(),
    };
    await writeFile(path.join(staging, 'build.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(buildDir(projectDir, config.name), { recursive: true, force: true });
    await rename(staging, buildDir(projectDir, config.name));
    return { bootstrap: final.bootstrap, zip: final.zip, arch, binaryBytes, zipBytes: zip.bytes, zipSha256: zip.sha256 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The manifest of the last successful build, or null when there is none (or it is unreadable). */
export async function readManifest(projectDir: string, name: string): Promise<BuildManifest | null> {
  const paths = artifactPaths(projectDir, name);
  try {
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as BuildManifest;
    await Promise.all([stat(paths.bootstrap), stat(paths.zip)]);
    return manifest;
  } catch {
    return null;
  }
}

/** missing: never built; stale: sources, manifests, svl.json or arch changed since; fresh: deployable as is. */
export async function artifactStatus(projectDir: string, config: SvlConfig): Promise<'missing' | 'stale' | 'fresh'> {
  const manifest = await readManifest(projectDir, config.name);
  if (!manifest) return 'missing';
  if (manifest.arch !== config.arch || manifest.language !== config.language) return 'stale';
  return manifest.sourcesHash === (await hashSources(projectDir, config.language)) ? 'fresh' : 'stale';
}
