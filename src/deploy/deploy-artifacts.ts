import { readFile } from 'node:fs/promises';
import { artifactStatus, buildArtifacts } from '../artifacts/build-artifact.js';
import { SvlError } from '../core/errors.js';
import { artifactPaths } from '../project/layout.js';
import type { FunctionConfig } from '../project/project.js';
import type { Packaging } from '../toolchains/index.js';
import type { Progress } from './progress.js';

export interface DeployArtifact {
  fn: FunctionConfig;
  zipPath: string;
  zip: Buffer;
  /** fresh: the last `svl build` was used as is; built: svl deploy built it first. */
  build: 'fresh' | 'built';
}

/**
 * The zips to upload: the last `svl build` of each function when it still matches its sources,
 * settings and arch; the others rebuilt together (one cargo invocation for a workspace), with the
 * true reason, so a deploy never ships stale code.
 */
export async function ensureDeployArtifacts(
  fns: FunctionConfig[],
  packaging: Packaging,
  progress: Progress,
  env: Record<string, string | undefined>,
): Promise<DeployArtifact[]> {
  const statuses = await Promise.all(fns.map(async (fn) => ({ fn, status: await artifactStatus(fn, packaging, env) })));
  const todo = statuses.filter((s) => s.status.state !== 'fresh');
  for (const { fn, status } of todo) {
    progress.step(status.state === 'stale' ? `rebuilding ${fn.name} for ${fn.arch} (${status.why})` : `building ${fn.name} for ${fn.arch}`);
  }
  if (todo.length > 0) await buildArtifacts({ fns: todo.map((t) => t.fn), packagingOf: () => packaging, env });
  return Promise.all(
    statuses.map(async ({ fn, status }) => {
      const { zip: zipPath } = artifactPaths(fn.root, fn.name);
      try {
        return { fn, zipPath, zip: await readFile(zipPath), build: status.state === 'fresh' ? ('fresh' as const) : ('built' as const) };
      } catch {
        throw new SvlError(`no build artifact at ${zipPath} after building — run 'svl build' and check its output`);
      }
    }),
  );
}
