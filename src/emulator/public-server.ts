import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchesRoute } from '../project/routes.js';
import type { LambdaEmulator, ServedFunction } from './emulator.js';
import { functionUrlEvent, httpReply, type UrlRouting } from './function-url.js';
import { readBody } from './http-body.js';
import { newInvocation, type InvocationResult } from './invocation.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import { streamToEventStream } from './event-stream.js';
import { streamToFunctionUrl } from './url-stream.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** InvokeWithResponseStream. */
const STREAMING_INVOKE_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/;
/** Lambda API paths (`/2015-03-31/…`, `/2021-11-15/…`): never a function URL, so an unknown one never runs a function. */
const API_PATH = /^\/20\d\d-\d\d-\d\d\//;
const LAMBDA_URL_PREFIX = '/lambda-url/';
/** Lambda's LogType Tail returns the last 4 KB of the invocation's log. */
const TAIL_BYTES = 4096;

/**
 * The one user-facing port: the Invoke API (what @aws-sdk/client-lambda and `aws lambda invoke`
 * call, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) by function name, and
 * function URLs: `/lambda-url/<name>/…` (as cargo-lambda serves them), svl.json's routes, then the
 * default function on every other path.
 */
export async function startPublicServer(emulator: LambdaEmulator, port: number, host: string): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const pathname = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
    let handled: Promise<void>;
    if (API_PATH.test(pathname)) {
      const m = req.method === 'POST' ? INVOKE_PATH.exec(pathname) : null;
      const streamed = req.method === 'POST' && !m ? STREAMING_INVOKE_PATH.exec(pathname) : null;
      const ref = (m ?? streamed)?.[1];
      handled = ref
        ? invokeApi(req, res, decodeURIComponent(ref), emulator, streamed !== null)
        : Promise.resolve(awsError(res, 404, 'UnknownOperationException', `svl dev does not serve ${req.method} ${pathname}`));
    } else handled = functionUrl(req, res, pathname, emulator);
    handled.catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`svl dev: ${err.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** The function a name, unqualified ARN, or name/ARN with $LATEST refers to. */
function functionNamed(ref: string, emulator: LambdaEmulator): ServedFunction | undefined {
  const [base, qualifier] = ref.startsWith('arn:') ? [ref.split(':')[6], ref.split(':')[7]] : ref.split(':');
  if (qualifier !== undefined && qualifier !== '$LATEST') return undefined;
  return base === undefined ? undefined : emulator.functions.get(base);
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type }).end(JSON.stringify({ Type: 'User', message }));
}

const servedNames = (emulator: LambdaEmulator) => [...emulator.functions.keys()].join(', ');

async function invokeApi(req: IncomingMessage, res: ServerResponse, ref: string, emulator: LambdaEmulator, streamed: boolean): Promise<void> {
  const body = await readBody(req, MAX_REQUEST_BYTES);
  // Most calls carry no query string: skip the URL parse (a few µs on every invoke) for them.
  const url = req.url ?? '/';
  const qualifier = url.includes('?') ? new URL(url, 'http://localhost').searchParams.get('Qualifier') : null;
  const target = functionNamed(ref, emulator);
  if (!target || (qualifier !== null && qualifier !== '$LATEST')) {
    const any = emulator.functions.values().next().value?.fn;
    const region = any?.region ?? 'us-east-1';
    const account = any?.accountId ?? '000000000000';
    awsError(
      res,
      404,
      'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${region}:${account}:function:${ref} (svl dev serves: ${servedNames(emulator)})`,
    );
    return;
  }
  if (body === undefined) {
    awsError(res, 413, 'RequestEntityTooLargeException', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`);
    return;
  }
  const payload = body.length === 0 ? Buffer.from('{}') : body;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    awsError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
    return;
  }
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type === 'DryRun') {
    res.writeHead(204, { 'X-Amz-Executed-Version': '$LATEST' }).end();
    return;
  }
  const clientContextB64 = req.headers['x-amz-client-context'];
  const clientContext = typeof clientContextB64 === 'string' ? Buffer.from(clientContextB64, 'base64').toString('utf8') : undefined;
  const inv = newInvocation(payload, { clientContext });
  if (streamed) {
    if (type !== 'RequestResponse') {
      awsError(res, 400, 'InvalidParameterValueException', `InvokeWithResponseStream takes InvocationType RequestResponse or DryRun, not ${type}`);
      return;
    }
    const tail = req.headers['x-amz-log-type'] === 'Tail';
    return streamToEventStream(res, inv, (i) => target.pool.invoke(i), { logTail: tail ? logTail : undefined });
  }
  if (type === 'Event') {
    // Asynchronous: queued, answered at once; the result only reaches the log.
    void target.pool.invoke(inv);
    res.writeHead(202, { 'x-amzn-RequestId': inv.requestId }).end();
    return;
  }
  const result = await target.pool.invoke(inv);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    // Known length instead of chunked encoding: one less framing layer on every answer.
    'Content-Length': result.outcome.payload.length,
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': result.requestId,
  };
  if (!result.outcome.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
  if (req.headers['x-amz-log-type'] === 'Tail') headers['X-Amz-Log-Result'] = logTail(result);
  res.writeHead(200, headers).end(result.outcome.payload);
}

export function logTail(result: InvocationResult): string {
  const log = Buffer.from(`${result.log.join('\n')}\n`);
  return log.subarray(Math.max(0, log.length - TAIL_BYTES)).toString('base64');
}

/** Which function a function-URL request reaches, and the path it sees. */
function routeRequest(method: string, pathname: string, emulator: LambdaEmulator): { target: ServedFunction; routing: UrlRouting } | undefined {
  if (pathname.startsWith(LAMBDA_URL_PREFIX)) {
    const rest = pathname.slice(LAMBDA_URL_PREFIX.length);
    const slash = rest.indexOf('/');
    const name = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    const target = emulator.functions.get(name);
    return target ? { target, routing: { rawPath: slash === -1 ? '/' : rest.slice(slash) } } : undefined;
  }
  for (const route of emulator.routes) {
    const params = matchesRoute(route, method, pathname);
    const target = params && emulator.functions.get(route.function);
    if (target) return { target, routing: { rawPath: pathname, routeKey: `${route.method ?? 'ANY'} ${route.path}`, pathParameters: params } };
  }
  const fallback = emulator.defaultFunction === undefined ? undefined : emulator.functions.get(emulator.defaultFunction);
  return fallback ? { target: fallback, routing: { rawPath: pathname } } : undefined;
}

async function functionUrl(req: IncomingMessage, res: ServerResponse, pathname: string, emulator: LambdaEmulator): Promise<void> {
  const body = await readBody(req, MAX_REQUEST_BYTES);
  const found = routeRequest(req.method ?? 'GET', pathname, emulator);
  if (!found) {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(
      JSON.stringify({
        Message: `no function serves ${req.method} ${pathname} — use /lambda-url/<name>/… (svl dev serves: ${servedNames(emulator)}) or add a route to svl.json`,
      }),
    );
    return;
  }
  if (body === undefined) {
    res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Message: 'Request Entity Too Large' }));
    return;
  }
  const { target, routing } = found;
  const inv = newInvocation(Buffer.alloc(0));
  inv.payload = Buffer.from(JSON.stringify(functionUrlEvent(req, body, inv.requestId, target.fn, routing)));
  if (target.fn.invokeMode === 'RESPONSE_STREAM') return streamToFunctionUrl(res, inv, (i) => target.pool.invoke(i));
  const result = await target.pool.invoke(inv);
  if (!result.outcome.ok) {
    // Lambda hides function errors behind a 502 on function URLs; the details are in the log.
    res
      .writeHead(502, { 'Content-Type': 'application/json', 'x-amzn-RequestId': result.requestId, 'x-amzn-ErrorType': result.outcome.errorType })
      .end(JSON.stringify({ Message: 'Internal Server Error' }));
    return;
  }
  const reply = httpReply(result.outcome.payload);
  const headers: Record<string, string | string[]> = { ...reply.headers, 'x-amzn-requestid': result.requestId };
  if (reply.cookies.length > 0) headers['set-cookie'] = reply.cookies;
  res.writeHead(reply.statusCode, headers).end(reply.body);
}
