import { SvlError, UsageError } from '../core/errors.js';
import { createProgress } from '../deploy/progress.js';
import { DEPLOY_PARALLELISM } from '../project/defaults.js';
import type { FunctionConfig } from '../project/project.js';
import { mapBounded } from './bounded.js';
import type { DeployContext, DeployOutcome } from './target.js';

/**
 * Lambda: build what is stale (together), then create or update each function with bounded
 * parallelism. Every function gets its own outcome; a failure of one names it and the others'
 * results are still reported.
 */
export async function deployLambdaFunctions(fns: FunctionConfig[], ctx: DeployContext): Promise<DeployOutcome[]> {
  // Loaded here, not at the top: Cloud Run projects never pay for the AWS SDK.
  const { createAwsClients } = await import('../deploy/lambda/aws-clients.js');
  const { deployLambda } = await import('../deploy/lambda/deploy-lambda.js');
  const { desiredFunction } = await import('../deploy/lambda/function-config.js');
  const { checkEnvironmentSize } = await import('../deploy/lambda/environment-guard.js');
  const { ensureDeployArtifacts } = await import('../deploy/deploy-artifacts.js');
  const { formatLambdaReport } = await import('../deploy/lambda/format-report.js');
  const { io, flags } = ctx;
  const many = fns.length > 1;
  if (flags.role && many) {
    throw new UsageError(
      '--role gives one execution role to every function deployed — pick one function with --function, or let svl create a role per function',
    );
  }
  // Fails before building or calling AWS; names variables, never values.
  for (const fn of fns) checkEnvironmentSize(fn.name, desiredFunction(fn).environment);
  const clients = await createAwsClients({
    region: flags.region,
    configRegion: fns[0]!.region,
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    env: io.env,
  });
  // Spinners cannot show several functions at once: many functions report plain lines.
  const progress = createProgress(io, false, many);
  try {
    const artifacts = await ensureDeployArtifacts(fns, 'lambda', progress, io.env);
    const settled = await mapBounded(artifacts, DEPLOY_PARALLELISM, async (artifact) => {
      const report = await deployLambda({
        clients,
        desired: desiredFunction(artifact.fn),
        zip: artifact.zip,
        roleArn: flags.role,
        functionUrl: artifact.fn.functionUrl,
        invokeMode: artifact.fn.invokeMode,
        s3Bucket: artifact.fn.s3Bucket,
        alias: flags.alias,
        adopt: flags.adopt,
        dryRun: flags.dryRun,
        progress: many ? prefixed(progress, artifact.fn.name) : progress,
        warn: (line) => io.stderr.write(`svl: warning: ${line}\n`),
      });
      const out = { ...report, artifact: { zip: artifact.zipPath, build: artifact.build } };
      return { name: artifact.fn.name, platform: 'lambda' as const, report: out, text: formatLambdaReport(report) };
    });
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ name: artifacts[i]!.fn.name, err: s.reason as Error }] : []));
    if (failed.length > 0) {
      const done = settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<DeployOutcome>).value.name);
      const first = failed[0]!;
      const message =
        failed.length === 1 && !many
          ? first.err.message
          : `${failed.map((f) => `${f.name}: ${f.err.message}`).join(' | ')}${done.length ? ` (deployed: ${done.join(', ')})` : ''}`;
      throw new SvlError(message, first.err instanceof SvlError ? first.err.exitCode : 1);
    }
    return settled.map((s) => (s as PromiseFulfilledResult<DeployOutcome>).value);
  } catch (err) {
    // A running spinner holds a timer: stop it so the error prints cleanly and the process exits.
    progress.fail();
    throw err;
  } finally {
    clients.destroy();
  }
}

function prefixed(p: ReturnType<typeof createProgress>, name: string): ReturnType<typeof createProgress> {
  return { step: (m) => p.step(`${name}: ${m}`), done: (m) => p.done(m && `${name}: ${m}`), fail: (m) => p.fail(m && `${name}: ${m}`) };
}
