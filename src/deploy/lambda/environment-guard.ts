import { SvlError } from '../../core/errors.js';
import { withholdValues } from '../redact.js';

export { secretLookingNames } from '../secret-names.js';

/**
 * Lambda refuses an environment whose JSON form is over 4 KB, and its error then quotes the whole
 * environment ("String measured: {…}"). svl checks first, naming the largest variables, never a value.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export const ENVIRONMENT_LIMIT_BYTES = 4096;

export function checkEnvironmentSize(functionName: string, env: Record<string, string>): void {
  const bytes = Buffer.byteLength(JSON.stringify(env));
  if (bytes <= ENVIRONMENT_LIMIT_BYTES) return;
  const largest = Object.entries(env)
    .map(([k, v]) => ({ k, bytes: Buffer.byteLength(k) + Buffer.byteLength(v) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((e) => `${e.k} (${e.bytes} bytes)`)
    .join(', ');
  throw new SvlError(
    `the environment of ${functionName} is ${bytes} bytes, over Lambda's 4 KB limit (${ENVIRONMENT_LIMIT_BYTES}, measured as JSON) — largest: ${largest}; keep large values in S3 or SSM Parameter Store and pass their name`,
  );
}

/**
 * Removes environment values from a message before it is printed: AWS errors may quote them
 * (the 4 KB error quotes all of them after "String measured:").
 */
export function redactEnvironment(message: string, env: Record<string, string>): string {
  return withholdValues(message.replace(/String measured:.*$/s, 'String measured: <environment withheld>'), env);
}

/** The same for an AWS SDK error (or svl's wrapper of one), in place: its message is what gets printed. */
export function redactErrorEnvironment(err: unknown, env: Record<string, string>): void {
  for (let e = err as { message?: string; awsError?: unknown } | undefined, depth = 0; e && depth < 3; e = e.awsError as typeof e, depth++) {
    if (typeof e.message === 'string') {
      try {
        e.message = redactEnvironment(e.message, env);
      } catch {
        // a frozen error: its message was not ours to change
      }
    }
  }
}
