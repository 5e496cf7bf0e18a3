import { SvlError } from '../core/errors.js';
import { isInteractive } from '../core/io.js';
import type { FunctionConfig } from '../project/project.js';
import type { DeployContext, DeployOutcome } from './target.js';

/** Cloud Run: one `gcloud run deploy --source <service folder>` per service, one after another (gcloud prompts and builds). */
export async function deployCloudRunServices(fns: FunctionConfig[], ctx: DeployContext): Promise<DeployOutcome[]> {
  const { gcloudRunDeployArgv, shellLine } = await import('../deploy/cloudrun/gcloud-argv.js');
  const { requireGcloudAccount, runGcloud } = await import('../deploy/cloudrun/gcloud.js');
  const { io, flags } = ctx;
  const outcomes: DeployOutcome[] = [];
  let account: string | undefined;
  for (const fn of fns) {
    // One service: today's wording; several: each line names its service.
    const which = fns.length > 1 ? ` ${fn.name}` : '';
    const argv = gcloudRunDeployArgv(fn, { region: flags.region, quiet: !isInteractive(io) });
    if (flags.dryRun) {
      outcomes.push({ name: fn.name, platform: 'cloudrun', report: { dryRun: true, command: 'gcloud', argv }, text: `gcloud ${shellLine(argv)}\n` });
      continue;
    }
    const g = { cwd: fn.dir, env: io.env };
    account ??= await requireGcloudAccount(g);
    io.stderr.write(`- deploying${which} as ${account}: gcloud ${shellLine(argv)}\n`);
    const code = await runGcloud(argv, g, (line) => io.stderr.write(`${line}\n`));
    if (code !== 0) {
      // Cloud Run only moves traffic after a revision is ready, so the previous one keeps serving.
      throw new SvlError(
        `gcloud run deploy${which ? ` of${which}` : ''} exited with ${code} — fix the error in its output above and run 'svl deploy' again (the previous revision, if any, still serves)`,
      );
    }
    outcomes.push({ name: fn.name, platform: 'cloudrun', report: { dryRun: false, command: 'gcloud', argv, account }, text: '' });
  }
  return outcomes;
}
