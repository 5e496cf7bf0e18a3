import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http-body.js';
import { functionUrlEvent, httpReply } from './function-url.js';
import type { InstancePool } from './instance-pool.js';
import { newInvocation, type InvocationResult } from './invocation.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import type { FunctionSettings } from './function-settings.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's LogType Tail returns the last 4 KB of the invocation's log. */
const TAIL_BYTES = 4096;

/**
 * The one user-facing port: the Invoke API (what @aws-sdk/client-lambda and `aws lambda invoke`
 * call, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) and, on every other path,
 * the function URL.
 */
export async function startPublicServer(pool: InstancePool, fn: FunctionSettings, port: number, host: string): Promise<Server & { port: number }> {
  const server = createServer((req, res) => {
    const m = req.method === 'POST' ? INVOKE_PATH.exec((req.url ?? '').split('?')[0]!) : null;
    const handled = m ? invokeApi(req, res, decodeURIComponent(m[1]!), pool, fn) : functionUrl(req, res, pool, fn);
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

/** Accepts the name, the unqualified ARN, or name/ARN with $LATEST. */
function namesFunction(ref: string, name: string): boolean {
  const [base, qualifier] = ref.startsWith('arn:') ? [ref.split(':')[6], ref.split(':')[7]] : ref.split(':');
  return base === name && (qualifier === undefined || qualifier === '$LATEST');
}

function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type }).end(JSON.stringify({ Type: 'User', message }));
}

async function invokeApi(req: IncomingMessage, res: ServerResponse, ref: string, pool: InstancePool, fn: FunctionSettings): Promise<void> {
  const body = await readBody(req, MAX_REQUEST_BYTES);
  // Most calls carry no query string: skip the URL parse (a few µs on every invoke) for them.
  const url = req.url ?? '/';
  const qualifier = url.includes('?') ? new URL(url, 'http://localhost').searchParams.get('Qualifier') : null;
  if (!namesFunction(ref, fn.name) || (qualifier !== null && qualifier !== '$LATEST')) {
    return awsError(
      res,
      404,
      'ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${fn.region}:${fn.accountId}:function:${ref} (svl dev serves '${fn.name}')`,
    );
  }
  if (body === undefined) {
    return awsError(res, 413, 'RequestEntityTooLargeException', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`);
  }
  const payload = body.length === 0 ? Buffer.from('{}') : body;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return awsError(res, 400, 'InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type === 'DryRun') return void res.writeHead(204, { 'X-Amz-Executed-Version': '$LATEST' }).end();
  const clientContextB64 = req.headers['x-amz-client-context'];
  const clientContext = typeof clientContextB64 === 'string' ? Buffer.from(clientContextB64, 'base64').toString('utf8') : undefined;
  const inv = newInvocation(payload, { clientContext });
  if (type === 'Event') {
    // Asynchronous: queued, answered at once; the result only reaches the log.
    void pool.invoke(inv);
    return void res.writeHead(202, { 'x-amzn-RequestId': inv.requestId }).end();
  }
  const result = await pool.invoke(inv);
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
  const log = Buffer.from(result.log.join('\n') + '\n');
  return log.subarray(Math.max(0, log.length - TAIL_BYTES)).toString('base64');
}

async function functionUrl(req: IncomingMessage, res: ServerResponse, pool: InstancePool, fn: FunctionSettings): Promise<void> {
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) {
    return void res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify({ Message: 'Request Entity Too Large' }));
  }
  const inv = newInvocation(Buffer.alloc(0));
  inv.payload = Buffer.from(JSON.stringify(functionUrlEvent(req, body, inv.requestId, fn)));
  const result = await pool.invoke(inv);
  if (!result.outcome.ok) {
    // Lambda hides function errors behind a 502 on function URLs; the details are in the log.
    return void res
      .writeHead(502, { 'Content-Type': 'application/json', 'x-amzn-RequestId': result.requestId, 'x-amzn-ErrorType': result.outcome.errorType })
      .end(JSON.stringify({ Message: 'Internal Server Error' }));
  }
  const reply = httpReply(result.outcome.payload);
  const headers: Record<string, string | string[]> = { ...reply.headers, 'x-amzn-requestid': result.requestId };
  if (reply.cookies.length > 0) headers['set-cookie'] = reply.cookies;
  res.writeHead(reply.statusCode, headers).end(reply.body);
}
