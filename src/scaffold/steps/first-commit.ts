import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { initRepository } from '../git-repository.js';

/** Queues `git init` + first commit in the staged project, unless --no-git or the target keeps its own .git. */
export function firstCommit(ctx: Pick<Context, 'git' | 'dryRun' | 'projectDir' | 'stagingDir' | 'svlVersion' | 'say' | 'tasks'>): void {
  if (!ctx.git) return;
  if (existsSync(path.join(ctx.projectDir, '.git'))) {
    ctx.say(`${ctx.dryRun ? 'Would keep' : 'Keeping'} the existing git repository in ${ctx.projectDir} (no commit made)`);
    return;
  }
  if (ctx.dryRun) {
    ctx.say('Would run git init and make a first commit');
    return;
  }
  ctx.tasks.push({
    title: 'Initialising a git repository',
    run: async () => {
      if ((await initRepository(ctx.stagingDir, ctx.svlVersion)) === 'git-missing') ctx.say('git not found: skipped git init');
    },
  });
}
