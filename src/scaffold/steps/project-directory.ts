import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { ask } from '../ask.js';
import type { Context } from '../context.js';
import { STAGING_NAME_OVERHEAD } from '../project-transaction.js';
import { CancelledError } from '../prompter.js';

/** Where the project goes. A non-empty directory needs --overwrite (or a yes at the prompt). */
export async function projectDirectory(
  ctx: Pick<Context, 'cwd' | 'flags' | 'interactive' | 'yes' | 'prompt' | 'overwrite'>,
): Promise<{ projectDir: string; overwrite: boolean }> {
  const projectDir = await ask(ctx, {
    subject: 'the project directory',
    flag: 'the directory as the first argument (svl new <dir>)',
    message: 'Where should the project be created?',
    value: ctx.flags.dir,
    parse: (answer) => {
      if (!answer.trim()) throw new UsageError('the project directory cannot be empty — pass the directory as the first argument');
      return path.resolve(ctx.cwd, answer);
    },
  });
  assertNameLengths(projectDir);
  const existing = statTarget(projectDir);
  if (!existing) return { projectDir, overwrite: ctx.overwrite };
  if (!existing.isDirectory()) {
    throw new UsageError(`${projectDir} exists and is not a directory — choose another directory`);
  }
  // A directory holding only .git counts as empty: the repository is kept either way.
  const content = readdirSync(projectDir).filter((e) => e !== '.git');
  if (content.length === 0 || ctx.overwrite) return { projectDir, overwrite: ctx.overwrite };
  if (ctx.interactive && !ctx.yes) {
    const replace = await ctx.prompt.confirm({
      message: `${projectDir} is not empty (${content.length} entries). Replace its contents? (.git is kept)`,
      initial: false,
    });
    if (!replace) throw new CancelledError();
    return { projectDir, overwrite: true };
  }
  throw new UsageError(
    `${projectDir} is not empty — pass --overwrite to replace its contents (.git is kept), or run 'svl init' there to adopt the existing project`,
  );
}

// Linux (ext4, tmpfs, most others) and macOS allow 255 bytes per path component; past that every
// call fails with ENAMETOOLONG. The project directory also names the temporary siblings the
// transaction stages into, which are longer.
const NAME_MAX = 255;

function assertNameLengths(dir: string): void {
  const components = dir.split(path.sep).filter(Boolean);
  const last = components.length - 1;
  components.forEach((component, i) => {
    const bytes = Buffer.byteLength(component);
    const limit = i === last ? NAME_MAX - STAGING_NAME_OVERHEAD : NAME_MAX;
    if (bytes <= limit) return;
    const shown = component.length > 24 ? `${component.slice(0, 24)}…` : component;
    const why =
      i === last
        ? `at most ${limit} (255 bytes per path component on Linux, less the ${STAGING_NAME_OVERHEAD} svl adds for its temporary sibling)`
        : 'at most 255 bytes per path component on Linux';
    throw new UsageError(`the directory name '${shown}' is ${bytes} bytes, ${why} — choose a shorter directory name`);
  });
}

function statTarget(dir: string) {
  const insideFile = () => new UsageError(`${dir} is inside a file, not a directory — choose another directory`);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    // Node 20 throws ENOTDIR here; from Node 22 on, throwIfNoEntry turns it into undefined as well.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw insideFile();
    throw err;
  }
  if (stats) return stats;
  // Missing: is the nearest ancestor that exists a file? (the same answer on every Node)
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    const above = statSync(parent, { throwIfNoEntry: false });
    if (above) {
      if (!above.isDirectory()) throw insideFile();
      return undefined;
    }
    if (path.dirname(parent) === parent) return undefined;
  }
}
