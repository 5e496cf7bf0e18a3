import { SvlError } from '../../core/errors.js';
import type { FunctionConfig } from '../../project/project.js';

export interface CloudRunDeployOptions {
  /** --region; otherwise svl.json's cloudrun.region, then its top-level region. */
  region?: string;
  /** Non-interactive runs add --quiet so gcloud never waits on a prompt (e.g. "create an Artifact Registry repo?"). */
  quiet: boolean;
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
 * The `gcloud run deploy` argv for svl.json's cloudrun block (without the leading `gcloud`).
 * Only flags svl.json sets are passed, so gcloud keeps its own defaults for the rest.
 */
export function gcloudRunDeployArgv(config: FunctionConfig, opts: CloudRunDeployOptions): string[] {
  const cr = config.cloudrun ?? {};
  const region = opts.region ?? cr.region ?? config.region;
  if (!region) {
    throw new SvlError('no Cloud Run region — pass --region or set "cloudrun": { "region": "europe-west1" } in svl.json');
  }
  const argv = ['run', 'deploy', serviceName(config), '--source', '.', '--region', region];
  if (cr.memory) argv.push('--memory', cr.memory);
  if (cr.cpu) argv.push('--cpu', cr.cpu);
  if (cr.concurrency !== undefined) argv.push('--concurrency', String(cr.concurrency));
  if (cr.timeout !== undefined) argv.push('--timeout', String(cr.timeout));
  if (cr.minInstances !== undefined) argv.push('--min-instances', String(cr.minInstances));
  if (cr.maxInstances !== undefined) argv.push('--max-instances', String(cr.maxInstances));
  if (cr.cpuBoost !== undefined) argv.push(cr.cpuBoost ? '--cpu-boost' : '--no-cpu-boost');
  if (Object.keys(config.environment).length > 0) argv.push('--set-env-vars', gcloudDict(config.environment));
  const secrets = Object.fromEntries(Object.entries(cr.secrets ?? {}).map(([env, secret]) => [env, `${secret}:latest`]));
  if (Object.keys(secrets).length > 0) argv.push('--set-secrets', gcloudDict(secrets));
  if (cr.allowUnauthenticated !== undefined) argv.push(cr.allowUnauthenticated ? '--allow-unauthenticated' : '--no-allow-unauthenticated');
  if (opts.quiet) argv.push('--quiet');
  return argv;
}

/** The argv as one copy-pasteable shell line. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
