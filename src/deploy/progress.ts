import type { Writable } from 'node:stream';
import { spinner } from '@clack/prompts';
import { isInteractive, type Io } from '../core/io.js';

/** Where deploy steps report what they are doing: a spinner on a terminal, plain lines otherwise. */
export interface Progress {
  step(message: string): void;
  done(message?: string): void;
  fail(message?: string): void;
}

/** Plain lines go to stderr so `--json` output on stdout stays machine-readable. */
export function createProgress(io: Pick<Io, 'stdin' | 'stdout' | 'stderr' | 'env'>, quiet = false, plain = false): Progress {
  if (quiet) return { step() {}, done() {}, fail() {} };
  if (plain || !isInteractive(io)) {
    return {
      step: (m) => io.stderr.write(`- ${m}\n`),
      done: (m) => m && io.stderr.write(`- ${m}\n`),
      fail: () => {},
    };
  }
  const s = spinner({ output: io.stderr as unknown as Writable });
  let started = false;
  return {
    step(m) {
      if (started) s.message(m);
      else s.start(m);
      started = true;
    },
    done(m) {
      if (started) s.stop(m);
      started = false;
    },
    fail(m) {
      if (started) s.error(m);
      started = false;
    },
  };
}
