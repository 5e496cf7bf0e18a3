import { type HttpRequestForEvent, eventBody, headerValue, queryValues } from './http-request.js';
import { clfTime } from './http-time.js';

// An API Gateway REST API's Lambda proxy integration event (payload format 1.0).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
// AWS also sends requestContext.extendedRequestId and identity.principalOrgId; they are left out
// because aws_lambda_events (Rust) and aws-lambda-go lack them, and a sample must parse in both.

export interface RestApiTarget {
  apiId: string;
  accountId: string;
  stage: string;
  resourceId: string;
  /** The resource the path matched: /{proxy+} for a greedy proxy. */
  resource: string;
  pathParameters?: Record<string, string>;
}

export function restApiEvent(req: HttpRequestForEvent, target: RestApiTarget): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of req.headers) {
    headers[name] = value; // the last value wins in the single-value map, as API Gateway does
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = queryValues(req.rawQueryString);
  const single = query.size > 0 ? Object.fromEntries([...query].map(([k, vs]) => [k, vs.at(-1)!])) : null;
  const multi = query.size > 0 ? Object.fromEntries(query) : null;
  const host = headerValue(req, 'host') ?? `${target.apiId}.execute-api.amazonaws.com`;
  const pathParameters = target.pathParameters && Object.keys(target.pathParameters).length > 0 ? target.pathParameters : null;
  const { body, isBase64Encoded } = eventBody(req.body, headerValue(req, 'content-type'));
  return {
    resource: target.resource,
    path: req.rawPath,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: target.resourceId,
      resourcePath: target.resource,
      httpMethod: req.method,
      requestTime: clfTime(req.time),
      path: `/${target.stage}${req.rawPath}`,
      accountId: target.accountId,
      protocol: req.protocol,
      stage: target.stage,
      domainPrefix: host.split('.')[0],
      requestTimeEpoch: req.time.getTime(),
      requestId: req.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: req.sourceIp,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: headerValue(req, 'user-agent') ?? null,
        user: null,
      },
      domainName: host,
      apiId: target.apiId,
    },
    body: body ?? null,
    isBase64Encoded,
  };
}
