import { SvlError } from '../../core/errors.js';

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function networkCode(err: AwsLikeError): string | undefined {
  for (let e: AwsLikeError | undefined = err, depth = 0; e && depth < 4; e = e.cause as AwsLikeError, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return 'timed out';
  }
  return undefined;
}

/** True when the call never got an answer (refused, unreachable, timed out). */
export function isNetworkError(err: unknown): boolean {
  return networkCode((err ?? {}) as AwsLikeError) !== undefined;
}

export function errorName(err: unknown): string | undefined {
  return (err as AwsLikeError | undefined)?.name;
}

/**
 * Turns an AWS SDK failure into one line that names the fix. `action` is the IAM action of the
 * call that failed (e.g. lambda:CreateFunction), so an AccessDenied names what to grant even when
 * AWS's own message does not.
 */
export function toSvlError(err: unknown, action: string, endpoint: string): SvlError {
  if (err instanceof SvlError) return err;
  if (err instanceof AwsCallError) return toSvlError(err.awsError, err.action, endpoint);
  const e = (err ?? {}) as AwsLikeError;
  const net = networkCode(e);
  if (net) {
    return new SvlError(`cannot reach the AWS endpoint ${endpoint} (${net}) — check your network, --endpoint-url and AWS_ENDPOINT_URL`);
  }
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new SvlError(
      "no AWS credentials found — run 'aws configure' or 'aws sso login', pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException'].includes(e.name ?? '')) {
    return new SvlError(
      `AWS rejected the credentials (${e.name}) during ${action} — refresh them ('aws sso login' or 'aws configure') or pick another --profile`,
    );
  }
  if (/AccessDenied/.test(e.name ?? '') || e.$metadata?.httpStatusCode === 403) {
    const named = deniedAction(e.message ?? '');
    if (named) {
      return new SvlError(
        `AWS denied ${named} — grant ${named} to your IAM user or role${action.startsWith('iam:') ? ', or pass --role <arn> to use an existing execution role' : ''}`,
      );
    }
    // A 403 that does not say which permission is missing (a proxy's HTML page, a bare "Forbidden",
    // another service on the endpoint) is not reported as one: the cause may be any of three.
    const code = awsCode(e);
    return new SvlError(
      `AWS refused the request (403${code ? ` ${code}` : ''}) during ${action} — check the credentials ('aws sts get-caller-identity'), the endpoint (${endpoint}; --endpoint-url, AWS_ENDPOINT_URL) and that your IAM user or role may call ${action}`,
    );
  }
  if (e.name === 'InvalidParameterValueException' && /cannot be assumed/i.test(e.message ?? '')) {
    return new SvlError(
      `Lambda cannot assume the execution role — check that the --role ARN exists and trusts lambda.amazonaws.com, or omit --role to let svl create one`,
    );
  }
  const detail = `${action} failed: ${e.name ?? 'Error'}: ${(e.message ?? String(err)).split('\n')[0]}`;
  return new SvlError(`${detail} — ${fixFor(e)}`);
}

/**
 * The action an IAM denial names, in the two forms AWS words it: "… is not authorized to perform:
 * lambda:CreateFunction on resource …" and "… because no identity-based policy allows the
 * lambda:CreateFunction action". https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
function deniedAction(message: string): string | undefined {
  return (
    /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1] ?? /policy allows the ([a-z0-9-]+:[A-Za-z0-9*]+) action/.exec(message)?.[1]
  );
}

/** The error code AWS sent, if the body had one (the SDK says Unknown, or a parse error's name, when not). */
function awsCode(e: AwsLikeError): string | undefined {
  const name = e.name ?? '';
  return /^[A-Z][A-Za-z]+(Exception|Error|Denied|Forbidden)?$/.test(name) && !['Unknown', 'SyntaxError', 'Error', 'UnknownError'].includes(name)
    ? name
    : undefined;
}

/** The next step for failures that are not about reachability, credentials or permissions. */
function fixFor(e: AwsLikeError): string {
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (/Throttl|TooManyRequests/.test(e.name ?? '') || status === 429) return 'AWS is throttling this account; run svl deploy again in a minute';
  if (status >= 500) return 'an AWS-side error; run svl deploy again';
  if (/InvalidParameterValue|Validation/.test(e.name ?? '')) return 'check the matching field in svl.json (svl deploy --dry-run shows what would be sent)';
  return 'fix what AWS names above, then run svl deploy again (svl deploy --dry-run shows the plan)';
}

/** An AWS failure tagged with the IAM action of the call, so the message can name it. */
export class AwsCallError extends Error {
  constructor(
    readonly action: string,
    readonly awsError: unknown,
  ) {
    super(`${action}: ${(awsError as Error | undefined)?.message ?? String(awsError)}`);
    this.name = 'AwsCallError';
  }
}

/** Runs one AWS call; a failure carries the action it was for. */
export async function awsCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof AwsCallError ? err : new AwsCallError(action, err);
  }
}
