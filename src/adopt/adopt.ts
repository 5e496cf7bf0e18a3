import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SvlError, UsageError } from '../core/errors.js';
import { findProjectFile } from '../project/project.js';
import { CONFIG_FILE } from '../project/svl-json.js';
import type { Prompter } from '../scaffold/prompter.js';
import { CancelledError } from '../scaffold/prompter.js';
import { detectCargo } from './cargo.js';
import type { DetectedFunction, Detection } from './detected.js';
import { detectGo } from './go.js';
import { asName, isValidName, planSvlJson } from './plan.js';
import { detectPrebuilt } from './prebuilt.js';
import { walkProject } from './walk.js';
import { writeSvlJson } from './write.js';

export interface AdoptOptions {
  /** The project folder (absolute). */
  dir: string;
  /** --name: the project name (default: from the folder). */
  name?: string;
  /** --yes: write without asking. */
  yes: boolean;
  dryRun: boolean;
  interactive: boolean;
  prompt: Prompter;
  say: (line: string) => void;
  svlVersion: string;
}

const LOOKED_FOR =
  'cargo packages depending on lambda_runtime or lambda_http, Go main packages calling aws-lambda-go lambda.Start, prebuilt bootstrap ELF files and zips with a bootstrap';

/**
 * Adopts an existing project: detects its Lambda functions, prints what it found and guessed and
 * the svl.json it would write, then writes that one file (asking first in a terminal).
 */
export async function adopt(opts: AdoptOptions): Promise<'written' | 'dry-run'> {
  const root = await projectRoot(opts.dir);
  const existing = path.join(root, CONFIG_FILE);
  if (
    await stat(existing).then(
      () => true,
      () => false,
    )
  ) {
    throw new UsageError(`${existing} already exists — this project is already set up for svl; edit that file to change its functions`);
  }
  const projectName = opts.name ?? asName(path.basename(root));
  if (!isValidName(projectName)) throw new UsageError(`--name '${projectName}' is not a valid project name — use 1-64 of A-Z a-z 0-9 - _`);

  const files = await walkProject(root);
  const detections = [
    await detectCargo(root, files.cargoManifests),
    await detectGo(root, files.goModules),
    await detectPrebuilt(root, projectName, files.bootstraps, files.zips),
  ];
  const { functions, skipped } = withoutBuildOutputs(detections);
  if (functions.length === 0) {
    for (const line of skipped) opts.say(line);
    throw new SvlError(`no Lambda function found in ${root} (looked for ${LOOKED_FOR})`);
  }

  const plan = await planSvlJson(root, projectName, functions, opts.svlVersion);
  const outer = await findProjectFile(path.dirname(root)).catch(() => undefined);
  const shadowed = outer && path.dirname(root) !== root ? [`note: ${outer} is above this folder; inside ${root} svl will use the new svl.json instead`] : [];
  for (const line of [...plan.found, ...skipped, ...plan.guessed, ...plan.notes, ...shadowed]) opts.say(line);
  opts.say(`${opts.dryRun ? 'would write' : 'will write'} ${existing}:`);
  opts.say(plan.text.trimEnd());

  if (opts.dryRun) {
    opts.say('dry run — nothing written');
    return 'dry-run';
  }
  if (!opts.yes) {
    if (!opts.interactive) {
      throw new UsageError('no terminal to confirm on, so nothing was written — rerun with --yes to write this svl.json (or --dry-run to only print it)');
    }
    const ok = await opts.prompt.confirm({ message: `Write ${CONFIG_FILE} with ${functions.length} function(s)?`, initial: true });
    if (!ok) throw new CancelledError();
  }
  await writeSvlJson(root, plan.text);
  opts.say(`wrote ${existing} — no other file was changed; next: svl dev`);
  return 'written';
}

async function projectRoot(dir: string): Promise<string> {
  const s = await stat(dir).catch(() => undefined);
  if (!s) throw new UsageError(`${dir} does not exist — pass the folder of an existing project (svl new creates new ones)`);
  if (!s.isDirectory()) throw new UsageError(`${dir} is not a folder — pass the folder of an existing project`);
  // cargo and go report real paths; compare like with like.
  return realpath(dir);
}

/** A prebuilt bootstrap or zip in the folder of a detected source function is that function's build output. */
function withoutBuildOutputs(detections: Detection[]): { functions: DetectedFunction[]; skipped: string[] } {
  const all = detections.flatMap((d) => d.functions);
  const skipped = detections.flatMap((d) => d.skipped);
  const sources = all.filter((f) => f.kind !== 'prebuilt');
  const functions = all.filter((f) => {
    if (f.kind !== 'prebuilt') return true;
    const owner = sources.find((s) => s.path === f.path);
    if (owner)
      skipped.push(`skipped ${f.artifact}: it sits in ${owner.path}, the folder of ${owner.kind} function '${owner.name}', so it is taken as its build output`);
    return !owner;
  });
  return { functions, skipped };
}
