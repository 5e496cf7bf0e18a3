import type { ServerResponse } from 'node:http';
import type { Invocation, InvocationResult } from './invocation.js';
import { drainedOrClosed, HTTP_INTEGRATION_TYPE, type ResponseSink } from './response-stream.js';

// A function URL with InvokeMode RESPONSE_STREAM. The runtime's body is either
// `application/vnd.awslambda.http-integration-response` — a JSON prelude {statusCode, headers,
// cookies}, 8 NUL bytes, then the body — or any other content type, passed on as the body with 200.
// https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html

const SEPARATOR = Buffer.alloc(8);

interface Prelude {
  statusCode: number;
  headers: Record<string, string | string[]>;
}

/**
 * Runs `inv` and answers `res` as the function writes: status, headers and Set-Cookie from the
 * prelude, then each body chunk as it arrives. A failure after the headers went out cuts the
 * connection without the final empty chunk, so the client sees an incomplete body rather than a
 * clean end (Lambda has no way to change a status it has sent either); before that it is a 502.
 */
export async function streamToFunctionUrl(res: ServerResponse, inv: Invocation, run: (inv: Invocation) => Promise<InvocationResult>): Promise<void> {
  let prelude: Buffer | undefined; // bytes of a prelude still being read
  const sink: ResponseSink = {
    begin(contentType) {
      if (contentType?.startsWith(HTTP_INTEGRATION_TYPE)) prelude = Buffer.alloc(0);
      else sendHead(res, inv.requestId, { statusCode: 200, headers: { 'content-type': contentType ?? 'application/octet-stream' } });
    },
    write(chunk) {
      if (prelude === undefined) return res.write(chunk);
      prelude = Buffer.concat([prelude, chunk]);
      const at = prelude.indexOf(SEPARATOR);
      if (at === -1) return true;
      const head = parsePrelude(prelude.subarray(0, at));
      const rest = prelude.subarray(at + SEPARATOR.length);
      prelude = undefined;
      sendHead(res, inv.requestId, head ?? { statusCode: 502, headers: {} });
      return rest.length === 0 || res.write(rest);
    },
    drained: () => drainedOrClosed(res),
  };
  // The client may leave mid-stream; the function runs on (as on AWS) and its writes go nowhere.
  res.on('error', () => {});
  const result = await run({ ...inv, stream: sink });
  if (res.headersSent) {
    if (result.outcome.ok) res.end();
    // Ends the connection once what was written has gone out (destroy() would drop it), never the final chunk.
    else res.socket?.end();
    return;
  }
  // Nothing sent yet: a failure before the first byte, or a prelude with no body after it.
  const head = result.outcome.ok ? (prelude && prelude.length > 0 ? parsePrelude(prelude) : { statusCode: 200, headers: {} }) : undefined;
  if (!head) {
    const errorType = result.outcome.ok ? 'Runtime.InvalidPrelude' : result.outcome.errorType;
    res
      .writeHead(502, { 'content-type': 'application/json', 'x-amzn-requestid': inv.requestId, 'x-amzn-errortype': errorType })
      .end(JSON.stringify({ Message: 'Internal Server Error' }));
    return;
  }
  sendHead(res, inv.requestId, head);
  res.end();
}

function sendHead(res: ServerResponse, requestId: string, head: Prelude): void {
  res.writeHead(head.statusCode, { ...head.headers, 'x-amzn-requestid': requestId });
  // Headers go out now, not with the first body chunk: the client sees the status as soon as Lambda would send it.
  res.flushHeaders();
}

/** The prelude's status, headers and cookies (cookies become Set-Cookie headers), or undefined when it is not one. */
export function parsePrelude(bytes: Buffer): Prelude | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const p = parsed as { statusCode?: unknown; headers?: Record<string, unknown>; cookies?: unknown };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(p.headers ?? {})) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  headers['content-type'] ??= 'application/octet-stream';
  if (Array.isArray(p.cookies) && p.cookies.length > 0) headers['set-cookie'] = p.cookies.map(String);
  return { statusCode: Number(p.statusCode) || 200, headers };
}
