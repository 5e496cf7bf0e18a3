import { readFile } from 'node:fs/promises';
import { SvlError } from '../../cli/errors.js';
import { artifactPaths } from '../../artifacts/layout.js';
import type { SvlConfig } from '../../config/svl-config.js';

export interface DeployArtifact {
  zipPath: string;
  zip: Buffer;
}

/** The zip `svl build` produced for this project (TODO: build first when missing or stale). */
export async function loadDeployArtifact(projectDir: string, config: SvlConfig): Promise<DeployArtifact> {
  const { zip: zipPath } = artifactPaths(projectDir, config.name);
  try {
    return { zipPath, zip: await readFile(zipPath) };
  } catch {
    throw new SvlError(`no build artifact at ${zipPath} — run 'svl build' first`);
  }
}
