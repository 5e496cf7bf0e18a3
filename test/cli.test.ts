// The svl dispatcher through the BUILT bin: the exit-code contract (0 ok, 2 usage) before any
// command module runs.
import { describe, expect, it } from 'vitest';
import { svl } from './support/cli.js';
import { REPO_ROOT } from './support/paths.js';

const run = (args: string[]) => svl(args, { cwd: REPO_ROOT });

describe('svl dispatcher', () => {
  it('--help lists every command on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.exitCode).toBe(0);
    for (const command of ['new', 'add', 'dev', 'invoke', 'build', 'size', 'deploy']) expect(r.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
  });

  it('no command is a usage error (exit 2) that still shows the help', async () => {
    const r = await run([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('Usage: svl <command> [options]');
  });

  it('an unknown command is one line naming the valid ones, exit 2', async () => {
    const r = await run(['deplyo']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe("svl: unknown command 'deplyo' — valid: new, init, add, dev, invoke, events, build, size, deploy");
  });

  it('--version prints the package version, exit 0', async () => {
    const r = await run(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it("an unknown flag is one usage line pointing at the command's --help", async () => {
    const r = await run(['build', '--colour']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^svl: Unknown option '--colour'.* — see 'svl build --help'$/);
  });
});
