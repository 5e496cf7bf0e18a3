import { type HttpRequestForEvent, eventBody, headerValue, queryValues } from './http-request.js';
import { clfTime } from './http-time.js';

// Function URLs and HTTP APIs speak the API Gateway payload format 2.0.
// https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads

export interface HttpApiTarget {
  apiId: string;
  accountId: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
}

/** The payload 2.0 event for one request: cookies apart, repeated headers and query values joined with commas. */
export function httpApiEvent(req: HttpRequestForEvent, target: HttpApiTarget): Record<string, unknown> {
  const routeKey = target.routeKey ?? '$default';
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [rawName, value] of req.headers) {
    const name = rawName.toLowerCase();
    if (name === 'cookie') {
      cookies = (cookies ?? []).concat(value.split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  let queryStringParameters: Record<string, string> | undefined;
  for (const [k, vs] of queryValues(req.rawQueryString)) {
    queryStringParameters ??= {};
    queryStringParameters[k] = vs.join(',');
  }
  const host = headerValue(req, 'host') ?? 'localhost';
  return {
    version: '2.0',
    routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(target.pathParameters && Object.keys(target.pathParameters).length > 0 ? { pathParameters: target.pathParameters } : {}),
    requestContext: {
      accountId: target.accountId,
      apiId: target.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: req.method,
        path: req.rawPath,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: headerValue(req, 'user-agent') ?? '',
      },
      requestId: req.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(req.time),
      timeEpoch: req.time.getTime(),
    },
    ...eventBody(req.body, headerValue(req, 'content-type')),
  };
}
