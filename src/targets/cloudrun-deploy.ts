import { SvlError } from '../core/errors.js';
import { isInteractive } from '../core/io.js';
import type { FunctionConfig } from '../project/project.js';
import type { DeployContext, DeployOutcome } from './target.js';

/** Cloud Run: one `gcloud run deploy --source <service folder>` per service, one after another (gcloud prompts and builds). */
export async function deployCloudRunServices(fns: FunctionConfig[], ctx: DeployContext): Promise<DeployOutcome[]> {
  const { cloudRunDeployPlan, shellLine } = await import('../deploy/cloudrun/gcloud-argv.js');
  const { withholdValues } = await import('../deploy/redact.js');
  const { requireGcloudAccount, runGcloud } = await import('../deploy/cloudrun/gcloud.js');
  const { io, flags } = ctx;
  const outcomes: DeployOutcome[] = [];
  let account: string | undefined;
  // Every plan first: an svl.json mistake in the last service stops the run before the first deploys.
  const plans = fns.map((fn) => ({ fn, plan: cloudRunDeployPlan(fn, { region: flags.region, quiet: !isInteractive(io) }) }));
  for (const { fn, plan } of plans) {
    // One service: today's wording; several: each line names its service.
    const which = fns.length > 1 ? ` ${fn.name}` : '';
    for (const w of plan.warnings) io.stderr.write(`svl: warning: ${w}\n`);
    const base = { command: 'gcloud', argv: plan.shown, service: plan.service, region: plan.region };
    if (flags.dryRun) {
      outcomes.push({ name: fn.name, platform: 'cloudrun', report: { dryRun: true, ...base }, text: `gcloud ${shellLine(plan.shown)}\n` });
      continue;
    }
    const g = { cwd: fn.dir, env: io.env };
    account ??= await requireGcloudAccount(g);
    io.stderr.write(`- deploying${which} as ${account}: gcloud ${shellLine(plan.shown)}\n`);
    const run = await runGcloud(plan.argv, g, (line) => io.stderr.write(`${withholdValues(line, fn.environment)}\n`));
    if (run.exitCode !== 0) {
      // Cloud Run only moves traffic after a revision is ready, so the previous one keeps serving.
      throw new SvlError(
        `gcloud run deploy${which ? ` of${which}` : ''} exited with ${run.exitCode} — fix the error in its output above and run 'svl deploy' again (the previous revision, if any, still serves)`,
      );
    }
    // --format value(status.url) makes the URL gcloud's only stdout line.
    const lines = run.stdout.split('\n').map((l) => l.trim());
    const url = lines.find((l) => /^https:\/\/\S+$/.test(l)) ?? null;
    for (const l of lines.filter((l) => l && l !== url)) io.stderr.write(`${withholdValues(l, fn.environment)}\n`);
    if (!url) {
      io.stderr.write(
        `svl: warning: gcloud printed no service URL for ${plan.service} — see it with 'gcloud run services describe ${plan.service} --region ${plan.region} --format "value(status.url)"'\n`,
      );
    }
    outcomes.push({ name: fn.name, platform: 'cloudrun', report: { dryRun: false, ...base, account, url }, text: url ? `${url}\n` : '' });
  }
  return outcomes;
}
