import { randomUUID } from 'node:crypto';

/** One invocation as the caller made it. */
export interface Invocation {
  requestId: string;
  payload: Buffer;
  /** JSON text for Lambda-Runtime-Client-Context (the Invoke API's X-Amz-Client-Context, decoded). */
  clientContext?: string;
  cognitoIdentity?: string;
  traceId: string;
}

export type Outcome =
  | { ok: true; payload: Buffer }
  /** A function error: the caller sees X-Amz-Function-Error: Unhandled and this JSON body. */
  | { ok: false; payload: Buffer; errorType: string };

export interface InvocationResult {
  requestId: string;
  outcome: Outcome;
  /** START … REPORT, as logged. */
  log: string[];
  report: string;
}

export function newInvocation(payload: Buffer, extra: Partial<Omit<Invocation, 'payload'>> = {}): Invocation {
  return { requestId: randomUUID(), payload, traceId: traceId(), ...extra };
}

/** An X-Ray trace header in the format Lambda passes (sampling off: nothing is sent). */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  // randomUUID draws from Node's entropy cache: no syscall per invocation, unlike randomBytes.
  const hex = randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
  return `Root=1-${epoch}-${hex.slice(0, 24)};Parent=${hex.slice(32, 48)};Sampled=0`;
}

/** Lambda's error body: `{"errorType": …, "errorMessage": …}`. */
export function errorOutcome(errorType: string, errorMessage: string): Outcome {
  return { ok: false, errorType, payload: Buffer.from(JSON.stringify({ errorType, errorMessage })) };
}
