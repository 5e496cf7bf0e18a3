import type { Io } from '../../core/io.js';
import { oneOf } from '../../core/errors.js';
import { ARCHES, FUNCTION_URL_AUTHS, loadProject, type Project } from '../../project/project.js';

/** `--function <name>` (repeatable), shared by every command that works on functions. */
export const FUNCTION_FLAG = { function: { type: 'string', multiple: true, short: 'f' } } as const;

export const FUNCTION_HELP = '  -f, --function <name>  only this function (repeatable; default: the one whose folder you are in, else all)';

/** Loads the project once, with the flags that beat the environment and svl.json. */
export async function projectFor(io: Io, flags: { arch?: string; functionUrl?: string; s3Bucket?: string } = {}): Promise<Project> {
  return loadProject({
    cwd: io.cwd,
    env: io.env,
    flags: { arch: oneOf(flags.arch, ARCHES, '--arch'), functionUrl: oneOf(flags.functionUrl, FUNCTION_URL_AUTHS, '--function-url'), s3Bucket: flags.s3Bucket },
  });
}
