import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

// Response streaming on the Runtime API side: the runtime POSTs /response with chunked transfer
// encoding (lambda_runtime adds `Lambda-Runtime-Function-Response-Mode: streaming`; aws-lambda-go
// sends every response chunked and says nothing) and reports a failure after the first byte in the
// trailers Lambda-Runtime-Function-Error-Type / Lambda-Runtime-Function-Error-Body (base64).
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming

/** The content type of a function URL response with a JSON prelude (see url-stream.ts). */
export const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';

/** Where a streaming invocation's response goes while the function writes it. */
export interface ResponseSink {
  /** Once, before the first chunk: the Content-Type the runtime posted with. */
  begin(contentType: string | undefined): void;
  /** One piece of the body as it arrived; `false` means: wait for drained() before the next. */
  write(chunk: Buffer): boolean;
  drained(): Promise<void>;
}

export type StreamEnd =
  | { kind: 'complete' }
  /** The runtime failed mid-stream and said so in the error trailers. */
  | { kind: 'error'; errorType: string; payload: Buffer }
  /** The limit was reached: the sink got exactly `limit` bytes, the rest is discarded. */
  | { kind: 'too-large' }
  /** The connection broke off (the process died): whoever watches the process settles. */
  | { kind: 'aborted' };

/** Passes the runtime's response body to `sink` chunk by chunk, as it arrives, up to `limit` bytes. */
export function pipeResponse(req: IncomingMessage, sink: ResponseSink, limit: number): Promise<StreamEnd> {
  return new Promise((resolve) => {
    let size = 0;
    let done = false;
    const finish = (end: StreamEnd) => {
      if (done) return;
      done = true;
      resolve(end);
    };
    sink.begin(first(req.headers['content-type']));
    req.on('data', (chunk: Buffer) => {
      if (done) return; // past the limit: drained and dropped
      if (size + chunk.length > limit) {
        if (limit > size) sink.write(chunk.subarray(0, limit - size));
        size = limit;
        finish({ kind: 'too-large' });
        return;
      }
      size += chunk.length;
      if (!sink.write(chunk)) {
        // The caller reads slower than the function writes: let TCP push back on the runtime.
        req.pause();
        void sink.drained().then(() => req.resume());
      }
    });
    req.on('end', () => finish(trailerError(req) ?? { kind: 'complete' }));
    req.on('close', () => finish({ kind: 'aborted' }));
    req.on('error', () => finish({ kind: 'aborted' }));
  });
}

/** The error a runtime reported in the trailers (read after the body ended), if any. */
export function trailerError(req: IncomingMessage): { kind: 'error'; errorType: string; payload: Buffer } | undefined {
  const errorType = first(req.trailers['lambda-runtime-function-error-type']);
  if (!errorType) return undefined;
  const encoded = first(req.trailers['lambda-runtime-function-error-body']);
  const payload = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  return { kind: 'error', errorType, payload: payload.length > 0 ? payload : Buffer.from(JSON.stringify({ errorType, errorMessage: '' })) };
}

/** Whether a /response POST is a streamed one (what lambda_runtime and aws-lambda-go's lambdaurl send). */
export function isStreamedResponse(req: IncomingMessage): boolean {
  return (
    first(req.headers['lambda-runtime-function-response-mode'])?.toLowerCase() === 'streaming' ||
    (first(req.headers['content-type']) ?? '').startsWith(HTTP_INTEGRATION_TYPE)
  );
}

/** For a sink over `out`: resolves once `out` can take more, or is gone (a caller that left never drains). */
export function drainedOrClosed(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done).off('close', done);
      resolve();
    };
    out.on('drain', done).on('close', done);
  });
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
