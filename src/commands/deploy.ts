import type { Io } from '../core/io.js';
import { EXIT, isInteractive } from '../core/io.js';
import { parseFlags } from './support/args.js';
import { withJsonErrors } from './support/json-errors.js';
import { SvlError, UsageError } from '../core/errors.js';
import { loadConfig, type SvlConfig } from '../config/svl-config.js';
import { createProgress } from '../deploy/progress.js';

const HELP = `Usage: svl deploy [options]

Deploys the project in the current directory: AWS Lambda (svl.json platform "lambda") with the
AWS SDK's default credentials, or Cloud Run (platform "cloudrun") with gcloud.

Options:
  --region <region>      AWS / Cloud Run region (default: AWS_REGION, your profile, svl.json)
  --profile <name>       AWS profile from ~/.aws/config
  --role <arn>           Lambda execution role (default: create or reuse svl-<name>-role)
  --function-url         give the function a public URL (AuthType NONE)
  --alias <name>         publish a version and point this alias at it
  --endpoint-url <url>   AWS API endpoint (also AWS_ENDPOINT_URL), e.g. a local moto server
  --dry-run              print the plan (Lambda) or the gcloud command (Cloud Run); change nothing
  --json                 machine-readable output
  -h, --help             this help
`;

const FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  role: { type: 'string' },
  'function-url': { type: 'boolean' },
  alias: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type DeployFlags = ReturnType<typeof deployFlags>;

/** Checks the values parseFlags let through; runs inside withJsonErrors so --json gets these errors as JSON too. */
function deployFlags({ values, positionals }: ReturnType<typeof parseFlags<typeof FLAGS>>) {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' — see 'svl deploy --help'`);
  if (values.role !== undefined && !/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(values.role)) {
    throw new UsageError(`--role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got '${values.role}'`);
  }
  if (values.alias !== undefined && !/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(values.alias)) {
    throw new UsageError(`--alias must be 1-128 of letters, digits, - and _ and not only digits, got '${values.alias}'`);
  }
  if (values['endpoint-url'] !== undefined && !/^https?:\/\/[^\s]+$/.test(values['endpoint-url'])) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got '${values['endpoint-url']}'`);
  }
  return {
    region: values.region,
    profile: values.profile,
    role: values.role,
    functionUrl: values['function-url'] ?? false,
    alias: values.alias,
    endpointUrl: values['endpoint-url'],
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
  };
}

export async function run(io: Io): Promise<number> {
  const parsed = parseFlags(io.argv, FLAGS, 'deploy');
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  return withJsonErrors(parsed.values.json ?? false, io, async () => {
    const flags = deployFlags(parsed);
    const config = await loadConfig(io.cwd);
    return config.platform === 'cloudrun' ? deployCloudRun(io, config, flags) : deployLambdaCommand(io, config, flags);
  });
}

async function deployLambdaCommand(io: Io, config: SvlConfig, flags: DeployFlags): Promise<number> {
  // Loaded here, not at the top: Cloud Run projects never pay for the AWS SDK.
  const { createAwsClients } = await import('../deploy/lambda/aws-clients.js');
  const { deployLambda } = await import('../deploy/lambda/deploy-lambda.js');
  const { desiredFunction } = await import('../deploy/lambda/function-config.js');
  const { ensureDeployArtifact } = await import('../deploy/lambda/deploy-artifact.js');
  const { formatLambdaReport } = await import('../deploy/lambda/format-report.js');

  const clients = await createAwsClients({
    region: flags.region,
    configRegion: config.region,
    profile: flags.profile,
    endpointUrl: flags.endpointUrl,
    env: io.env,
  });
  const progress = createProgress(io);
  try {
    const artifact = await ensureDeployArtifact(io.cwd, config, progress, io.env);
    const report = await deployLambda({
      clients,
      desired: desiredFunction(config),
      zip: artifact.zip,
      roleArn: flags.role,
      functionUrl: flags.functionUrl,
      alias: flags.alias,
      dryRun: flags.dryRun,
      progress,
    });
    const out = { ...report, artifact: { zip: artifact.zipPath, build: artifact.build } };
    io.stdout.write(flags.json ? `${JSON.stringify(out, null, 2)}\n` : formatLambdaReport(report));
    return EXIT.ok;
  } catch (err) {
    // A running spinner holds a timer: stop it so the error prints cleanly and the process exits.
    progress.fail();
    throw err;
  } finally {
    clients.lambda.destroy();
    clients.iam.destroy();
  }
}

async function deployCloudRun(io: Io, config: SvlConfig, flags: DeployFlags): Promise<number> {
  for (const [flag, set] of [
    ['--role', flags.role],
    ['--function-url', flags.functionUrl],
    ['--alias', flags.alias],
    ['--profile', flags.profile],
    ['--endpoint-url', flags.endpointUrl],
  ] as const) {
    if (set) throw new UsageError(`${flag} applies to Lambda projects only; this project deploys to Cloud Run (svl.json platform "cloudrun")`);
  }
  const { gcloudRunDeployArgv, shellLine } = await import('../deploy/cloudrun/gcloud-argv.js');
  const { requireGcloudAccount, runGcloud } = await import('../deploy/cloudrun/gcloud.js');
  const argv = gcloudRunDeployArgv(config, { region: flags.region, quiet: !isInteractive(io) });
  if (flags.dryRun) {
    io.stdout.write(flags.json ? `${JSON.stringify({ dryRun: true, command: 'gcloud', argv }, null, 2)}\n` : `gcloud ${shellLine(argv)}\n`);
    return EXIT.ok;
  }
  const g = { cwd: io.cwd, env: io.env };
  const account = await requireGcloudAccount(g);
  io.stderr.write(`- deploying as ${account}: gcloud ${shellLine(argv)}\n`);
  const code = await runGcloud(argv, g, (line) => io.stderr.write(`${line}\n`));
  if (code !== 0) {
    // Cloud Run only moves traffic after a revision is ready, so the previous one keeps serving.
    throw new SvlError(
      `gcloud run deploy exited with ${code} — fix the error in its output above and run 'svl deploy' again (the previous revision, if any, still serves)`,
    );
  }
  if (flags.json) io.stdout.write(`${JSON.stringify({ dryRun: false, command: 'gcloud', argv, account }, null, 2)}\n`);
  return EXIT.ok;
}
