import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { parseFlags } from './support/args.js';
import { withJsonErrors } from './support/json-errors.js';
import { oneOf, UsageError } from '../core/errors.js';
import { FUNCTION_URL_AUTHS, selectFunctions } from '../project/project.js';
import { targetFor, type DeployOutcome } from '../targets/index.js';
import { FUNCTION_FLAG, FUNCTION_HELP, projectFor } from './support/project-flags.js';

const HELP = `Usage: svl deploy [--function <name>]... [options]

Deploys the project's functions: Lambda functions with the AWS SDK's default credentials (a few
at once), Cloud Run services with gcloud (it prints each service's URL). Stale or missing builds are
rebuilt first. A service's environment variables and secrets become exactly svl.json's.

Options:
${FUNCTION_HELP}
  --arch <arch>          arm64 or x86_64 (default: SVL_ARCH, else svl.json's arch)
  --region <region>      AWS / Cloud Run region (default: AWS_REGION, your profile, svl.json)
  --profile <name>       AWS profile from ~/.aws/config
  --role <arn>           Lambda execution role (default: create or reuse svl-<name>-role)
  --function-url <auth>  the function URL: iam (AuthType AWS_IAM), public (AuthType NONE and the
                         two public invoke permissions) or none (delete the URL and svl's
                         permissions); default: svl.json's functionUrl, else an existing URL is
                         kept as it is. With --alias the URL is the alias's
  --s3-bucket <bucket>   upload the zip to s3://<bucket>/svl/<function>/<sha256>.zip and deploy
                         from there (needed over Lambda's 50 MB direct upload; svl.json s3Bucket)
  --alias <name>         publish a version and point this alias at it
  --endpoint-url <url>   AWS API endpoint (also AWS_ENDPOINT_URL), e.g. a local moto server
  --adopt                take over a Lambda function or IAM role of the same name that svl did not
                         create, or deploy with svl's role widened to admin-class (without it svl
                         stops and changes nothing)
  --dry-run              print the plan (Lambda) or the gcloud command (Cloud Run, environment
                         values shown as ***); change nothing
  --json                 machine-readable output
  -h, --help             this help
`;

const FLAGS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  role: { type: 'string' },
  'function-url': { type: 'string' },
  's3-bucket': { type: 'string' },
  alias: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'dry-run': { type: 'boolean' },
  adopt: { type: 'boolean' },
  json: { type: 'boolean' },
  arch: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...FUNCTION_FLAG,
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
  oneOf(values['function-url'], FUNCTION_URL_AUTHS, '--function-url');
  if (values['s3-bucket'] !== undefined && !S3_BUCKET.test(values['s3-bucket'])) {
    throw new UsageError(`--s3-bucket must be an S3 bucket name (3-63 of a-z 0-9 . -), got '${values['s3-bucket']}'`);
  }
  if (values['endpoint-url'] !== undefined && !/^https?:\/\/[^\s]+$/.test(values['endpoint-url'])) {
    throw new UsageError(`--endpoint-url must be an http(s) URL, got '${values['endpoint-url']}'`);
  }
  return {
    region: values.region,
    profile: values.profile,
    role: values.role,
    functionUrl: oneOf(values['function-url'], FUNCTION_URL_AUTHS, '--function-url'),
    s3Bucket: values['s3-bucket'],
    alias: values.alias,
    endpointUrl: values['endpoint-url'],
    dryRun: values['dry-run'] ?? false,
    adopt: values.adopt ?? false,
    json: values.json ?? false,
  };
}

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `--function-url` was a switch before it took a value: bare, it names the choices (not parseArgs' generic message). */
function refuseBareFunctionUrl(argv: string[]): void {
  const i = argv.indexOf('--function-url');
  if (i !== -1 && (i === argv.length - 1 || argv[i + 1]!.startsWith('-'))) {
    throw new UsageError(
      "--function-url needs a value: iam (AuthType AWS_IAM), public (AuthType NONE, anyone can call it) or none (delete the URL) — e.g. 'svl deploy --function-url public'",
    );
  }
}

export async function run(io: Io): Promise<number> {
  const json = io.argv.includes('--json');
  await withJsonErrors(json, io, async () => {
    refuseBareFunctionUrl(io.argv);
    return EXIT.ok;
  });
  const parsed = parseFlags(io.argv, FLAGS, 'deploy');
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  return withJsonErrors(parsed.values.json ?? false, io, async () => {
    const flags = deployFlags(parsed);
    const project = await projectFor(io, { arch: parsed.values.arch, functionUrl: flags.functionUrl, s3Bucket: flags.s3Bucket });
    const fns = selectFunctions(project, { names: parsed.values.function });
    const platforms = [...new Set(fns.map((f) => f.platform))];
    for (const platform of platforms) {
      const target = targetFor(platform);
      const flag = target.foreignDeployFlags.find((f) => flags[f]);
      if (flag) {
        const names = fns.filter((f) => f.platform === platform).map((f) => f.name);
        throw new UsageError(
          `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to Lambda projects only, not to ${target.title}s (${names.join(', ')}) — drop the flag${platforms.length > 1 ? ' or pick functions with --function' : ''}`,
        );
      }
    }
    const outcomes: DeployOutcome[] = [];
    for (const platform of platforms) {
      outcomes.push(
        ...(await targetFor(platform).deploy(
          fns.filter((f) => f.platform === platform),
          { io, project, flags },
        )),
      );
    }
    if (flags.json) {
      const doc =
        outcomes.length === 1
          ? { ...outcomes[0]!.report, functions: outcomes.map((o) => ({ name: o.name, ...o.report })) }
          : { functions: outcomes.map((o) => ({ name: o.name, ...o.report })) };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      io.stdout.write(outcomes.map((o) => (outcomes.length > 1 ? `== ${o.name} ==\n${o.text}` : o.text)).join(''));
    }
    return EXIT.ok;
  });
}
