import type { BaseContext, Context } from './context.js';
import { ProjectTransaction } from './project-transaction.js';
import { runTasks } from './run-tasks.js';
import { chooseTemplate } from './steps/choose-template.js';
import { firstCommit } from './steps/first-commit.js';
import { nextSteps } from './steps/next-steps.js';
import { projectDirectory } from './steps/project-directory.js';
import { projectName } from './steps/project-name.js';
import { runtimeSettings } from './steps/runtime-settings.js';
import { templateOptions } from './steps/template-options.js';
import { writeProject } from './steps/write-project.js';

/**
 * The generator: questions first (each step reads only what it declares), then the queued work
 * in one transaction, then the next steps. Nothing touches the disk before every answer is in.
 */
export async function scaffold(base: BaseContext): Promise<Context> {
  base.prompt.intro(`create-serverless-lang ${base.svlVersion}`);
  const { projectDir, overwrite } = await projectDirectory(base);
  const template = await chooseTemplate(base);
  const { options, language } = await templateOptions({ ...base, template });
  const name = await projectName({ ...base, projectDir, template, language });
  const { arch, memory } = await runtimeSettings({ ...base, template });

  const transaction = new ProjectTransaction(projectDir);
  const ctx: Context = { ...base, overwrite, projectDir, template, options, language, name, arch, memory, stagingDir: transaction.stagingDir, tasks: [] };
  await writeProject(ctx);
  firstCommit(ctx);
  if (!ctx.dryRun) await runTasks(ctx, transaction);
  base.prompt.outro(ctx.dryRun ? 'Dry run done' : `Created ${ctx.name}`);
  nextSteps(ctx);
  return ctx;
}
