import { type HttpRequestForEvent, eventBody, headerValue } from './http-request.js';

// The event an Application Load Balancer sends a Lambda target (multi-value headers off).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#receive-event-from-load-balancer

export function albEvent(req: HttpRequestForEvent, targetGroupArn: string): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of req.headers) headers[name.toLowerCase()] = value; // the last value wins
  // ALB passes query values as sent, still URL-encoded (unlike API Gateway).
  const queryStringParameters: Record<string, string> = {};
  for (const pair of req.rawQueryString.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    queryStringParameters[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
  }
  const { body, isBase64Encoded } = eventBody(req.body, headerValue(req, 'content-type'));
  return {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: req.method,
    path: req.rawPath,
    queryStringParameters,
    headers,
    body: body ?? '',
    isBase64Encoded,
  };
}
