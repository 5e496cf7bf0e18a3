import { EXIT } from './io.js';

/** An error the user can fix: printed as one line, with the exit code it carries. */
export class SvlError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'SvlError';
  }
}

export class UsageError extends SvlError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/**
 * `--json` callers get a user-fixable failure as JSON on stdout too, in one shape for every command:
 * `{"error":{"message","exitCode"}}`. The one-line message still reaches stderr via the dispatcher.
 */
export async function withJsonErrors(json: boolean, io: { stdout: { write(chunk: string): unknown } }, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (json && err instanceof SvlError) {
      io.stdout.write(`${JSON.stringify({ error: { message: err.message, exitCode: err.exitCode } })}\n`);
    }
    throw err;
  }
}
