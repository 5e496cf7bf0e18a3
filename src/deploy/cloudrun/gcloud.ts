import { execa } from 'execa';
import { SvlError } from '../../core/errors.js';

export interface GcloudEnv {
  cwd: string;
  env: Record<string, string | undefined>;
}

const INSTALL_HINT = 'install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and make sure gcloud is on PATH';

/**
 * Checks gcloud is installed and has an active account before a deploy that would otherwise fail
 * half-way through a source upload. Returns the active account.
 */
export async function requireGcloudAccount(g: GcloudEnv): Promise<string> {
  const result = await execa('gcloud', ['auth', 'list', '--format=json'], {
    cwd: g.cwd,
    env: g.env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  if ((result as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(result.message ?? ''))) {
    throw new SvlError(`gcloud is not installed — ${INSTALL_HINT}`);
  }
  if (result.exitCode !== 0) {
    // gcloud's last line says why; a silent failure still gets its exit code, not "undefined".
    const why = (result.stderr || result.stdout || '').trim().split('\n').pop() || `exit ${result.exitCode}`;
    throw new SvlError(`'gcloud auth list' failed (${why}) — run 'gcloud init' to repair the gcloud configuration`);
  }
  let accounts: Array<{ account?: string; status?: string }>;
  try {
    accounts = JSON.parse(result.stdout || '[]');
  } catch {
    throw new SvlError("could not read 'gcloud auth list' output — run 'gcloud auth list' to check your gcloud installation");
  }
  const active = accounts.find((a) => a.status === 'ACTIVE')?.account;
  if (!active) {
    throw new SvlError(
      "gcloud has no active account — run 'gcloud auth login' (or 'gcloud auth activate-service-account --key-file=KEY.json'), then 'gcloud config set project PROJECT_ID'",
    );
  }
  return active;
}

export interface GcloudRun {
  exitCode: number;
  /** Its stdout (what --format asked for); gcloud's progress and errors go to stderr, streamed. */
  stdout: string;
}

/** Runs `gcloud <argv>` in the project, streaming each stderr line (progress, prompts, errors) as it arrives. */
export async function runGcloud(argv: string[], g: GcloudEnv, onLine: (line: string) => void): Promise<GcloudRun> {
  const child = execa('gcloud', argv, {
    cwd: g.cwd,
    env: g.env,
    extendEnv: false,
    reject: false,
    stdin: 'inherit',
    buffer: { stdout: true, stderr: false },
  });
  for await (const line of child.iterable({ from: 'stderr' })) onLine(line);
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT') throw new SvlError(`gcloud is not installed — ${INSTALL_HINT}`);
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? '') };
}
