import { SvlError, UsageError } from '../../core/errors.js';
import type { FunctionConfig } from '../../project/project.js';
import { REDACTED } from '../redact.js';
import { secretLookingNames } from '../secret-names.js';

export interface CloudRunDeployOptions {
  /** --region; otherwise svl.json's cloudrun.region, then its top-level region. */
  region?: string;
  /** Non-interactive runs add --quiet so gcloud never waits on a prompt (e.g. "create an Artifact Registry repo?"). */
  quiet: boolean;
}

/** One `gcloud run deploy`, as data: what is run, what is printed, and what to warn about. */
export interface CloudRunDeployPlan {
  service: string;
  region: string;
  /** The argv gcloud is run with (without the leading `gcloud`); holds the environment's values. */
  argv: string[];
  /** The same argv with every environment value shown as `***`: the only form svl prints or reports. */
  shown: string[];
  /** One-line warnings; they name variables, never a value. */
  warnings: string[];
}

/**
 * gcloud splits list flags on commas; a value that contains one needs gcloud's alternate-delimiter
 * syntax (`^;^A=1;B=x,y`, see `gcloud topic escaping`).
 */
export function gcloudDict(entries: Record<string, string>): string {
  const pairs = Object.entries(entries).map(([k, v]) => `${k}=${v}`);
  if (!pairs.some((p) => p.includes(','))) return pairs.join(',');
  const delimiter = ['@', ';', '|', '~', '#'].find((d) => !pairs.some((p) => p.includes(d)));
  if (!delimiter) throw new SvlError('an environment value contains , @ ; | ~ and # — gcloud cannot pass it on the command line; use a secret instead');
  return `^${delimiter}^${pairs.join(delimiter)}`;
}

/** Cloud Run service names are lower-case; svl.json's name may not be. */
export function serviceName(config: FunctionConfig): string {
  return config.cloudrun?.service ?? config.name.toLowerCase().replace(/_/g, '-');
}

/**
 * The `gcloud run deploy` for svl.json's cloudrun block. Only settings svl.json sets are passed, so
 * gcloud keeps its own defaults for the rest — except the environment and the secrets, which svl.json
 * owns whole: after a deploy the service has exactly svl.json's variables and secrets, no leftovers.
 */
export function cloudRunDeployPlan(config: FunctionConfig, opts: CloudRunDeployOptions): CloudRunDeployPlan {
  const cr = config.cloudrun ?? {};
  const region = opts.region ?? cr.region ?? config.region;
  if (!region) {
    throw new SvlError('no Cloud Run region — pass --region or set "cloudrun": { "region": "europe-west1" } in svl.json');
  }
  const environment = config.environment;
  const secretRefs = cr.secrets ?? {};
  // Refused rather than warned: gcloud itself rejects a variable that is both a literal and a secret
  // ("already been set with a different type"), but only after uploading and building the source,
  // and which of the two values the service should get is the user's decision, not svl's.
  const both = Object.keys(environment).filter((k) => k in secretRefs);
  if (both.length > 0) {
    throw new UsageError(
      `${config.name}: ${both.join(', ')} ${both.length > 1 ? 'are' : 'is'} in both "environment" and "cloudrun.secrets" in svl.json — remove ${both.length > 1 ? 'them' : 'it'} from "environment" (Cloud Run takes a variable from one source)`,
    );
  }
  const warnings = secretLookingNames(environment).map(
    (name) =>
      `${config.name}: environment variable ${name} looks like a secret — Cloud Run shows environment values to anyone who can view the service; store it in Secret Manager and map it in svl.json "cloudrun": { "secrets": { "${name}": "<secret-name>" } }`,
  );

  const service = serviceName(config);
  const argv = ['run', 'deploy', service, '--source', '.', '--region', region];
  if (cr.memory) argv.push('--memory', cr.memory);
  if (cr.cpu) argv.push('--cpu', cr.cpu);
  if (cr.concurrency !== undefined) argv.push('--concurrency', String(cr.concurrency));
  if (cr.timeout !== undefined) argv.push('--timeout', String(cr.timeout));
  if (cr.minInstances !== undefined) argv.push('--min-instances', String(cr.minInstances));
  if (cr.maxInstances !== undefined) argv.push('--max-instances', String(cr.maxInstances));
  if (cr.cpuBoost !== undefined) argv.push(cr.cpuBoost ? '--cpu-boost' : '--no-cpu-boost');
  if (cr.serviceAccount) argv.push('--service-account', cr.serviceAccount);
  // `gcloud run deploy --help`: --set-env-vars and --set-secrets remove every existing one first;
  // --clear-env-vars / --clear-secrets remove all. So each deploy states the whole set, and an empty
  // set clears: a variable or secret deleted from svl.json does not stay on the service.
  // (gcloud applies the environment before the secrets, so a secret that becomes a plain variable in
  // the same deploy is refused by gcloud: deploy once without it, then with it.)
  let shownEnvironment: string | undefined;
  if (Object.keys(environment).length > 0) {
    argv.push('--set-env-vars', gcloudDict(environment));
    shownEnvironment = Object.keys(environment)
      .map((k) => `${k}=${REDACTED}`)
      .join(',');
  } else {
    argv.push('--clear-env-vars');
  }
  const secrets = Object.fromEntries(Object.entries(secretRefs).map(([env, secret]) => [env, `${secret}:latest`]));
  if (Object.keys(secrets).length > 0) argv.push('--set-secrets', gcloudDict(secrets));
  else argv.push('--clear-secrets');
  if (cr.allowUnauthenticated !== undefined) argv.push(cr.allowUnauthenticated ? '--allow-unauthenticated' : '--no-allow-unauthenticated');
  // gcloud run deploy prints nothing on stdout by default ("can be overridden by --format"); this
  // makes it print the service URL there, which is what svl reports (and what a pasted line shows).
  argv.push('--format', 'value(status.url)');
  if (opts.quiet) argv.push('--quiet');

  const envAt = argv.indexOf('--set-env-vars') + 1;
  const shown = argv.map((a, i) => (i === envAt && shownEnvironment !== undefined ? shownEnvironment : a));
  return { service, region, argv, shown, warnings };
}

/** The argv as one copy-pasteable shell line. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
