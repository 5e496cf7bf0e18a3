/** An HTTP request as the HTTP event shapes (function URL / HTTP API, REST API, ALB) need it. */
export interface HttpRequestForEvent {
  method: string;
  /** The path as sent, before any query string. */
  rawPath: string;
  /** The query string as sent, without the '?'. */
  rawQueryString: string;
  /** Header name/value pairs, names as sent, in order; a repeated name appears twice. */
  headers: [string, string][];
  body: Buffer;
  sourceIp: string;
  /** e.g. HTTP/1.1 */
  protocol: string;
  requestId: string;
  time: Date;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** The body as the event carries it: text as is, anything else base64. */
export function eventBody(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  const isText = TEXT_TYPES.test(contentType ?? '');
  return { body: isText ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !isText };
}

/** The first value of a header, any case. */
export function headerValue(req: HttpRequestForEvent, name: string): string | undefined {
  return req.headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Query parameters decoded, grouped by name in order. */
export function queryValues(rawQueryString: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(rawQueryString)) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}
