import { randomFillSync, randomUUID } from 'node:crypto';
import type { ResponseSink } from './response-stream.js';

/** One invocation as the caller made it. */
export interface Invocation {
  requestId: string;
  payload: Buffer;
  /** JSON text for Lambda-Runtime-Client-Context (the Invoke API's X-Amz-Client-Context, decoded). */
  clientContext?: string;
  cognitoIdentity?: string;
  traceId: string;
  /** Set when the caller takes the response as it is written (see response-stream.ts). */
  stream?: ResponseSink;
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

/** Random bytes drawn in blocks, so a trace ID costs a slice of this buffer rather than a syscall. */
const entropy = Buffer.alloc(20 * 256);
let entropyAt = entropy.length;

/** An X-Ray trace header in the format Lambda passes (sampling off: nothing is sent). */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  if (entropyAt === entropy.length) {
    randomFillSync(entropy);
    entropyAt = 0;
  }
  // 12 bytes of root ID, 8 of parent ID.
  const root = entropy.toString('hex', entropyAt, entropyAt + 12);
  const parent = entropy.toString('hex', entropyAt + 12, entropyAt + 20);
  entropyAt += 20;
  return `Root=1-${epoch}-${root};Parent=${parent};Sampled=0`;
}

/** Lambda's error body: `{"errorType": …, "errorMessage": …}`. */
export function errorOutcome(errorType: string, errorMessage: string): Outcome {
  return { ok: false, errorType, payload: Buffer.from(JSON.stringify({ errorType, errorMessage })) };
}
