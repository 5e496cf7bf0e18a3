import { SvlError } from '../../core/errors.js';

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
