import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../support/cli.js';
import { GO_FAULTS, REPORT_RE, fixtureCopy, lambdaClientFor, startDev, type DevServer } from './dev-server.js';

// The Go fault fixture (aws-lambda-go, the real runtime client) under the built `svl dev`,
// driven by the real @aws-sdk/client-lambda InvokeCommand. svl.json: 128 MB, 2 s timeout.
let dev: DevServer;
let lambda: LambdaClient;

const decode = (b?: Uint8Array) => JSON.parse(Buffer.from(b ?? []).toString('utf8'));
const tail = (logResult?: string) => Buffer.from(logResult ?? '', 'base64').toString('utf8');

async function invoke(event: object, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) {
  return lambda.send(new InvokeCommand({ FunctionName: 'go-faults', Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail', ...extra }));
}

beforeAll(async () => {
  dev = await startDev(await fixtureCopy(GO_FAULTS), ['--no-watch', '--concurrency', '2']);
  lambda = await lambdaClientFor(dev.url);
}, 240_000);

afterAll(async () => {
  lambda?.destroy();
  expect((await dev?.stop())?.exitCode).toBe(0);
});

describe('svl dev: the Runtime API as aws-lambda-go sees it', () => {
  it('hands over request id, a real epoch deadline from the timeout, the ARN, client context and Lambda env', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { team: 'svl' } })).toString('base64');
    const out = await invoke({ mode: 'echo' }, { ClientContext: clientContext });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('$LATEST');
    const body = decode(out.Payload);
    expect(body.arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:go-faults');
    expect(body.deadlineMs - body.nowMs).toBeGreaterThan(1_500);
    expect(body.deadlineMs - body.nowMs).toBeLessThanOrEqual(2_000);
    expect(body.clientContext).toEqual({ team: 'svl' });
    expect(body.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'go-faults',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      _HANDLER: 'bootstrap',
      TZ: ':UTC',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/go-faults',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      FIXTURE_GREETING: 'hi',
    });
    expect(body.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body.env.AWS_LAMBDA_RUNTIME_API).not.toBe(`127.0.0.1:${dev.port}`);
    expect(body.env.AWS_ACCESS_KEY_ID).toBeUndefined(); // the test env has no credentials to pass on
    const log = tail(out.LogResult);
    expect(log).toMatch(new RegExp(`^START RequestId: ${body.requestId} Version: \\$LATEST$`, 'm'));
    expect(log).toMatch(new RegExp(`^END RequestId: ${body.requestId}$`, 'm'));
    const report = REPORT_RE.exec(log)!;
    expect(report[1]).toBe(body.requestId);
    expect(Number(report[3])).toBeGreaterThanOrEqual(Math.ceil(Number(report[2])));
    expect(report[4]).toBe('128');
    expect(Number(report[5])).toBeGreaterThan(1);
    expect(report[8]).toBe('x86_64');
  });

  it("answers a runtime that misuses the Runtime API with the spec's status codes", async () => {
    const out = await invoke({ mode: 'probe' });
    expect(decode(out.Payload)).toEqual({
      unknownId: { status: 400, errorType: 'InvalidRequestID' },
      initErrorTooLate: { status: 403, errorType: 'InvalidStateTransition' },
      unknownPath: { status: 404, errorType: 'NotFound' },
    });
  });

  it('prefixes function output with the request id, in the log tail and on stdout', async () => {
    const out = await invoke({ mode: 'log' });
    const id = out.$metadata.requestId!;
    expect(decode(out.Payload)).toBe('logged');
    expect(tail(out.LogResult)).toContain(`${id}\thello from the function`);
    expect(tail(out.LogResult)).toContain(`${id}\ta line on stderr`);
    await dev.waitForStdout(`${id}\thello from the function`);
  });

  it('returns only the last 4 KB of a long log in X-Amz-Log-Result', async () => {
    const out = await invoke({ mode: 'spam' });
    const log = Buffer.from(out.LogResult!, 'base64');
    expect(log.length).toBeLessThanOrEqual(4096);
    expect(log.toString()).not.toContain('log line 000');
    expect(log.toString()).toContain('log line 299');
    expect(log.toString()).toMatch(REPORT_RE);
  });

  it('returns a handler error as X-Amz-Function-Error: Unhandled with the runtime client body', async () => {
    const out = await invoke({ mode: 'error' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toEqual({ errorMessage: 'something went wrong', errorType: 'errorString' });
  });

  it('answers a crash with Runtime.ExitError and serves the next call from a fresh instance (cold start)', async () => {
    const out = await invoke({ mode: 'crash' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 3') });
    const next = await invoke({ mode: 'echo' });
    expect(next.FunctionError).toBeUndefined();
  });

  it('kills an instance past the timeout with "Task timed out after 2.00 seconds", then starts a fresh one', async () => {
    const started = Date.now();
    const out = await invoke({ mode: 'sleep', ms: 5_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/Task timed out after 2\.00 seconds$/) });
    const report = REPORT_RE.exec(tail(out.LogResult))!;
    expect(Number(report[2])).toBeGreaterThanOrEqual(2_000);
    const after = await invoke({ mode: 'echo' });
    expect(after.FunctionError).toBeUndefined();
    expect(tail(out.LogResult)).toMatch(/^\S+Z [0-9a-f-]{36} Task timed out after 2\.00 seconds$/m);
  });

  it('ends an instance that goes past MemorySize with Runtime.OutOfMemory', async () => {
    const out = await invoke({ mode: 'alloc', mb: 200 });
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    // The sampler ends the instance as soon as RSS passes 128 MB, so the peak can round to 128 (as Lambda shows it).
    expect(Number(REPORT_RE.exec(tail(out.LogResult))![5])).toBeGreaterThanOrEqual(128);
  });

  it("reports Max Memory Used that agrees with the process's own getrusage peak", async () => {
    const out = await invoke({ mode: 'alloc', mb: 60 });
    expect(out.FunctionError).toBeUndefined();
    const { maxRssKb } = decode(out.Payload);
    const reported = Number(REPORT_RE.exec(tail(out.LogResult))![5]);
    expect(reported).toBeGreaterThanOrEqual(60);
    // Same process, two kernel interfaces (VmHWM from /proc vs ru_maxrss): within 2 MB.
    expect(Math.abs(reported - maxRssKb / 1024)).toBeLessThanOrEqual(2);
  });

  it('turns a 7 MB response into Function.ResponseSizeTooLarge', async () => {
    const out = await invoke({ mode: 'big' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('rejects a request over 6 MB with RequestEntityTooLargeException before it reaches the function', async () => {
    const big = { mode: 'echo', pad: 'x'.repeat(6 * 1024 * 1024) };
    await expect(invoke(big)).rejects.toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
  });

  it('answers InvocationType Event with 202 and DryRun with 204; an unknown function is ResourceNotFound', async () => {
    expect((await invoke({ mode: 'echo' }, { InvocationType: 'Event' })).StatusCode).toBe(202);
    expect((await invoke({ mode: 'echo' }, { InvocationType: 'DryRun' })).StatusCode).toBe(204);
    await expect(invoke({}, { FunctionName: 'other-function' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // svl dev serves the working copy only: $LATEST, by name or ARN.
    await expect(invoke({}, { Qualifier: 'live' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(
      (await invoke({ mode: 'version' }, { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:go-faults', Qualifier: '$LATEST' })).FunctionError,
    ).toBeUndefined();
  });

  // The real AWS CLI (.ci/run installs it with pip install awscli): a missing one fails here, not skips.
  it('works with `aws lambda invoke --endpoint-url`', async () => {
    const outFile = path.join(await scratchDir('aws-cli'), 'out.json');
    const r = await execa(
      'aws',
      [
        'lambda',
        'invoke',
        '--endpoint-url',
        dev.url,
        '--region',
        'us-east-1',
        '--function-name',
        'go-faults',
        '--payload',
        '{"mode":"error"}',
        '--log-type',
        'Tail',
        outFile,
      ],
      { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, timeout: 60_000 },
    );
    const meta = JSON.parse(r.stdout);
    expect(meta).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '$LATEST' });
    expect(tail(meta.LogResult)).toMatch(REPORT_RE);
    expect(JSON.parse(await readFile(outFile, 'utf8'))).toEqual({ errorMessage: 'something went wrong', errorType: 'errorString' });
  });

  it('serves the function URL: payload 2.0 event in, status/headers/cookies/body out', async () => {
    const res = await fetch(`${dev.url}/orders/42?tag=a&tag=b&q=x%20y`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: 'c1=v1; c2=v2', 'X-Custom': 'Yes' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fixture')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark']);
    const event = await res.json();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/orders/42',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      headers: { 'content-type': 'application/json', 'x-custom': 'Yes' },
      requestContext: { http: { method: 'POST', path: '/orders/42', protocol: 'HTTP/1.1' }, stage: '$default' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
    });
  });

  it('base64-encodes a binary request body and decodes a base64 response body', async () => {
    const echoed = await (
      await fetch(`${dev.url}/echo`, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 2, 255]) })
    ).json();
    expect(echoed).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0, 1, 2, 255]).toString('base64') });
    const png = await fetch(`${dev.url}/binary`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  });

  it('answers a function URL request over 6 MB with 413 without invoking', async () => {
    const res = await fetch(`${dev.url}/upload`, { method: 'POST', body: new Uint8Array(7 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('maps a JSON result without statusCode to 200 application/json, and a function error to 502', async () => {
    const plain = await fetch(`${dev.url}/plain`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ plain: 'yes' });
    const failed = await fetch(`${dev.url}/error`);
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ Message: 'Internal Server Error' });
  });
});
