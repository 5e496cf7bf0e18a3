import { SvlError } from '../core/errors.js';

export type GitResult = 'committed' | 'git-missing';

/** The identity used only when the user has none configured, so the first commit never fails. */
const FALLBACK_IDENTITY = ['-c', 'user.name=create-serverless-lang', '-c', 'user.email=create-serverless-lang@users.noreply.github.com'];

/** `git init` and a first commit of everything in `dir`. */
export async function initRepository(dir: string, version: string): Promise<GitResult> {
  // execa is imported here, not at the top: it is a large module graph and --no-git runs never need it.
  const { execa } = await import('execa');
  const probe = await execa('git', ['--version'], { reject: false });
  if (probe.failed) return 'git-missing';
  /** Runs `git [...config] <subcommand> ...args`; a failure names the subcommand and git's first line. */
  const git = async (subcommand: string, args: string[], config: string[] = []) => {
    const result = await execa('git', [...config, subcommand, ...args], { cwd: dir, stdin: 'ignore', reject: false });
    if (result.failed) {
      const [why] = String(result.stderr || result.shortMessage)
        .trim()
        .split('\n');
      throw new SvlError(`git ${subcommand} failed: ${why} — fix git, or pass --no-git`);
    }
  };
  await git('init', ['--quiet', '--initial-branch=main']);
  const email = await execa('git', ['config', 'user.email'], { cwd: dir, reject: false });
  const name = await execa('git', ['config', 'user.name'], { cwd: dir, reject: false });
  const identity = email.stdout.trim() && name.stdout.trim() ? [] : FALLBACK_IDENTITY;
  await git('add', ['--all']);
  // No signing, no hooks: a user's commit.gpgsign or a global hook must not stop the scaffold.
  await git('commit', ['--quiet', '--no-verify', '-m', `Initial commit from create-serverless-lang ${version}`], [...identity, '-c', 'commit.gpgsign=false']);
  return 'committed';
}
