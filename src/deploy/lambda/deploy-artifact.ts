import { readFile } from 'node:fs/promises';
import { SvlError } from '../../core/errors.js';
import { artifactStatus, buildArtifact } from '../../artifacts/build-artifact.js';
import { artifactPaths } from '../../project/layout.js';
import type { SvlConfig } from '../../config/svl-config.js';
import type { Progress } from '../progress.js';

export interface DeployArtifact {
  zipPath: string;
  zip: Buffer;
  /** fresh: the last `svl build` was used as is; built: svl deploy built it first. */
  build: 'fresh' | 'built';
}

/**
 * The zip to upload: the last `svl build` when it still matches the sources, svl.json and arch,
 * otherwise a new release build for svl.json's arch (so a deploy never ships stale code).
 */
export async function ensureDeployArtifact(
  projectDir: string,
  config: SvlConfig,
  progress: Progress,
  env: Record<string, string | undefined>,
): Promise<DeployArtifact> {
  const status = await artifactStatus(projectDir, config);
  if (status !== 'fresh') {
    progress.step(`${status === 'missing' ? 'building' : 'rebuilding (sources changed since the last build)'} ${config.name} for ${config.arch}`);
    await buildArtifact({ projectDir, config, env });
  }
  const { zip: zipPath } = artifactPaths(projectDir, config.name);
  try {
    return { zipPath, zip: await readFile(zipPath), build: status === 'fresh' ? 'fresh' : 'built' };
  } catch {
    throw new SvlError(`no build artifact at ${zipPath} after building — run 'svl build' and check its output`);
  }
}
