import { LAMBDA_DEFAULTS } from '../../project/defaults.js';
import type { Context } from '../context.js';
import { planFiles, writeFiles } from '../template-files.js';

/** Queues writing the template's files into the staging directory; on --dry-run lists them instead. */
export async function writeProject(
  ctx: Pick<
    Context,
    'template' | 'options' | 'language' | 'name' | 'arch' | 'memory' | 'svlVersion' | 'projectDir' | 'stagingDir' | 'dryRun' | 'overwrite' | 'say' | 'tasks'
  >,
): Promise<void> {
  const files = await planFiles(ctx.template, ctx.options);
  const vars = {
    name: ctx.name,
    platform: ctx.template.platform,
    language: ctx.language,
    flavor: ctx.options.flavor ?? '',
    lang: ctx.options.lang ?? ctx.language,
    arch: ctx.arch,
    memory: ctx.memory,
    timeout: LAMBDA_DEFAULTS.timeout,
    schemaUrl: `https://unpkg.com/serverless-lang@${ctx.svlVersion}/schema/svl.schema.json`,
    svlVersion: ctx.svlVersion,
  };
  const chosen = Object.entries(ctx.options)
    .map(([o, v]) => `${o} ${v}`)
    .join(', ');
  const what = `${ctx.template.id}${chosen ? ` (${chosen})` : ''}`;
  if (ctx.dryRun) {
    if (ctx.overwrite) ctx.say(`Would replace the contents of ${ctx.projectDir} (keeping .git)`);
    const runtime = ctx.template.platform === 'lambda' ? `, arch ${ctx.arch}, memory ${ctx.memory} MB` : '';
    ctx.say(`Would create ${ctx.projectDir} from ${what}, name ${ctx.name}${runtime}:`);
    for (const f of files) ctx.say(`  would write ${f.target}${f.render ? '  (rendered)' : ''}`);
    return;
  }
  ctx.tasks.push({
    title: `Writing ${files.length} files from ${what}`,
    run: () => writeFiles(files, vars, ctx.stagingDir),
  });
}
