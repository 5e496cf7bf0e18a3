
export type GitResult = 'committed' | 'git-missing';

/** The identity used only when the user has none configured, so the first commit never fails. */
const FALLBACK_IDENTITY = ['-c', 'user.name=create-serverless-lang', '-c', 'user.email=create-serverless-lang@users.noreply.github.com'];

/** `git init` and a first commit of everything in `dir`. */
export async function initRepository(dir: string, version: string): Promise<GitResult> {
  // execa is imported here, not at the top: it is a large module graph and --no-git runs never need it.
  const { execa } = await import('execa');
  const probe = await execa('git', ['--version'], { reject: false });
  if (probe.failed) return 'git-missing';
  const git = (args: string[]) => execa('git', args, { cwd: dir, stdin: 'ignore' });
  await git(['init', '--quiet', '--initial-branch=main']);
  const email = await execa('git', ['config', 'user.email'], { cwd: dir, reject: false });
  const name = await execa('git', ['config', 'user.name'], { cwd: dir, reject: false });
  const identity = email.stdout.trim() && name.stdout.trim() ? [] : FALLBACK_IDENTITY;
  await git(['add', '--all']);
  // No signing, no hooks: a user's commit.gpgsign or a global hook must not stop the scaffold.
  await git([...identity, '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', `Initial commit from create-serverless-lang ${version}`]);
  return 'committed';
}
