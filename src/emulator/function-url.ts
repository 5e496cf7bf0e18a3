import type { IncomingMessage } from 'node:http';
import type { FunctionSettings } from './function-settings.js';
import { httpApiEvent } from '../events/http-api.js';
import type { HttpRequestForEvent } from '../events/http-request.js';

// Function URLs speak the API Gateway payload format 2.0; the shape lives in src/events (svl events
// http builds the same one).

/** Where a request was routed: the path the function sees and, for svl.json routes, the route. */
export interface UrlRouting {
  rawPath: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
}

/** The event a function URL request becomes. */
export function functionUrlEvent(req: IncomingMessage, body: Buffer, requestId: string, fn: FunctionSettings, routing?: UrlRouting): object {
  const target = req.url ?? '/';
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const request: HttpRequestForEvent = {
    method: req.method ?? 'GET',
    rawPath: routing?.rawPath ?? new URL(target, 'http://localhost').pathname,
    rawQueryString: target.includes('?') ? target.slice(target.indexOf('?') + 1) : '',
    headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${req.httpVersion}`,
    requestId,
    time: new Date(),
  };
  return httpApiEvent(request, { apiId: fn.name, accountId: 'anonymous', routeKey: routing?.routeKey, pathParameters: routing?.pathParameters });
}

export interface HttpReply {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Maps the function's result back to HTTP the way Lambda does for function URLs. */
export function httpReply(payload: Buffer): HttpReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'statusCode' in parsed) {
    const r = parsed as { statusCode: number; headers?: Record<string, unknown>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    headers['content-type'] ??= 'application/json';
    const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : Buffer.from(String(r.body), r.isBase64Encoded ? 'base64' : 'utf8');
    return { statusCode: Number(r.statusCode) || 200, headers, cookies: Array.isArray(r.cookies) ? r.cookies : [], body };
  }
  // Anything else is the body itself: "a JSON result without statusCode → 200 application/json".
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: payload };
}
