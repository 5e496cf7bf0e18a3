import { SvlError } from '../core/errors.js';
import { EXIT, type Io } from '../core/io.js';

export type CommandModule = { run(io: Io): Promise<number> };

export async function runCommand(mod: CommandModule, io: Io): Promise<number> {
  try {
    return await mod.run(io);
  } catch (err) {
    if (err instanceof SvlError) {
      io.stderr.write(`svl: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`svl: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}

export function processIo(proc: NodeJS.Process, argv: string[]): Io {
  return { argv, env: proc.env, cwd: proc.cwd(), stdout: proc.stdout, stderr: proc.stderr, stdin: proc.stdin };
}
