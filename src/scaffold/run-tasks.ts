import { SvlError } from '../core/errors.js';
import type { Context } from './context.js';
import type { ProjectTransaction } from './project-transaction.js';

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs the queued tasks inside the transaction: files land in the staging directory and move into
 * place only when every task succeeded. A failure or SIGINT/SIGTERM rolls back, so nothing
 * half-written is left. One spinner per task in a terminal, one line each otherwise.
 */
export async function runTasks(ctx: Pick<Context, 'tasks' | 'interactive' | 'env' | 'say'>, transaction: ProjectTransaction): Promise<void> {
  const onSignal = (signal: keyof typeof SIGNAL_EXIT) => {
    transaction.rollback();
    process.stderr.write(`svl: ${signal} — stopped, nothing was written\n`);
    process.exit(SIGNAL_EXIT[signal]);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await transaction.begin();
    const spinner = ctx.interactive ? (await import('@clack/prompts')).spinner() : undefined;
    for (const task of ctx.tasks) {
      if (spinner) spinner.start(task.title);
      else ctx.say(`- ${task.title}`);
      try {
        await task.run();
      } catch (err) {
        spinner?.error(`${task.title}: failed`);
        throw err;
      }
      spinner?.stop(task.title);
    }
    await pauseForTests(ctx.env);
    await transaction.commit();
  } catch (err) {
    transaction.rollback();
    const code = (err as NodeJS.ErrnoException).code;
    if (code && !(err instanceof SvlError)) {
      throw new SvlError(`could not write ${transaction.targetDir}: ${(err as Error).message} — check that the directory is writable and the disk has space`);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Test hook: SVL_TEST_PAUSE_BEFORE_COMMIT=1 holds the run with everything staged so a test can
 * kill it at the worst moment and check that nothing is left behind.
 */
async function pauseForTests(env: Record<string, string | undefined>): Promise<void> {
  if (env.SVL_TEST_PAUSE_BEFORE_COMMIT !== '1') return;
  process.stderr.write('svl: paused before moving the project into place\n');
  await new Promise((resolve) => setTimeout(resolve, 30_000));
}
