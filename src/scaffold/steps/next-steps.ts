import path from 'node:path';
import type { Context } from '../context.js';
import { shellQuote } from '../shell-quote.js';

/** The commands to run next, with the directory quoted for a POSIX shell. */
export function nextSteps(ctx: Pick<Context, 'cwd' | 'projectDir' | 'template' | 'language' | 'dryRun' | 'say' | 'svlVersion'>): void {
  const rel = path.relative(ctx.cwd, ctx.projectDir);
  const dir = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : ctx.projectDir;
  const test = ctx.language === 'rust' ? 'cargo test' : 'go test ./...';
  const lines = [
    rel === '' ? undefined : `cd ${shellQuote(dir)}`,
    `${test.padEnd(16)} # unit tests`,
    `${'svl dev'.padEnd(16)} # run locally with hot rebuild`,
    ctx.template.platform === 'lambda' ? `${'svl size --build'.padEnd(16)} # release build, then binary and zip size against the budget` : undefined,
    `${'svl deploy'.padEnd(16)} # deploy to ${ctx.template.platform === 'lambda' ? 'AWS Lambda' : 'Cloud Run'}`,
  ].filter((l): l is string => l !== undefined);
  ctx.say(ctx.dryRun ? '\nDry run: nothing was written. Next steps would be:' : '\nNext steps:');
  for (const line of lines) ctx.say(`  ${line}`);
  // `npm create` installs only the generator (create-serverless-lang), not svl; the version is the
  // one the project's CI workflow pins.
  ctx.say(`\nsvl comes with the serverless-lang package: npm install -g serverless-lang@${ctx.svlVersion}`);
}
