import type { IncomingMessage } from 'node:http';
import type { FunctionSettings } from './function-settings.js';

// Function URLs speak the API Gateway payload format 2.0.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** Where a request was routed: the path the function sees and, for svl.json routes, the route. */
export interface UrlRouting {
  rawPath: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
}

/** The event a function URL request becomes. */
export function functionUrlEvent(req: IncomingMessage, body: Buffer, requestId: string, fn: FunctionSettings, routing?: UrlRouting): object {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const rawPath = routing?.rawPath ?? url.pathname;
  const routeKey = routing?.routeKey ?? '$default';
  const rawQueryString = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies = (cookies ?? []).concat(value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  let queryStringParameters: Record<string, string> | undefined;
  for (const [k, v] of url.searchParams) {
    queryStringParameters ??= {};
    queryStringParameters[k] = queryStringParameters[k] === undefined ? v : `${queryStringParameters[k]},${v}`;
  }
  const now = new Date();
  const host = headers.host ?? 'localhost';
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(routing?.pathParameters && Object.keys(routing.pathParameters).length > 0 ? { pathParameters: routing.pathParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: fn.name,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: body.length > 0 && !isText,
  };
  if (body.length > 0) event.body = isText ? body.toString('utf8') : body.toString('base64');
  return event;
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
