import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { REPORT_RE, RUST_FAULTS, fixtureCopy, lambdaClientFor, startDev, type DevServer } from './dev-server.js';

// The Rust fault fixture (lambda_runtime, the real Rust runtime client) under svl dev: the same
// faults as the Go fixture, answered the same way. svl.json: 128 MB, 2 s timeout.
let dev: DevServer;
let lambda: LambdaClient;

const decode = (b?: Uint8Array) => JSON.parse(Buffer.from(b ?? []).toString('utf8'));
const invoke = (mode: string) =>
  lambda.send(new InvokeCommand({ FunctionName: 'rust-faults', Payload: Buffer.from(JSON.stringify({ mode })), LogType: 'Tail' }));

beforeAll(async () => {
  dev = await startDev(await fixtureCopy(RUST_FAULTS), ['--no-watch', '--concurrency', '2']);
  lambda = await lambdaClientFor(dev.url);
}, 900_000);

afterAll(async () => {
  lambda?.destroy();
  await dev?.stop();
});

describe('svl dev with lambda_runtime', () => {
  it('passes the request id, ARN and a deadline in epoch ms', async () => {
    const out = await invoke('echo');
    const body = decode(out.Payload);
    expect(body.arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:rust-faults');
    expect(body.deadlineMs - Date.now()).toBeGreaterThan(1_000);
    expect(body.deadlineMs - Date.now()).toBeLessThanOrEqual(2_000);
    expect(body.memory).toBe('128');
    expect(Buffer.from(out.LogResult!, 'base64').toString()).toMatch(REPORT_RE);
  });

  it('logs with the request id; a returned error and a caught panic are Unhandled function errors', async () => {
    const logged = await invoke('log');
    expect(Buffer.from(logged.LogResult!, 'base64').toString()).toContain(`${logged.$metadata.requestId}\thello from rust`);
    const error = await invoke('error');
    expect(error.FunctionError).toBe('Unhandled');
    expect(decode(error.Payload).errorMessage).toBe('something went wrong in rust');
    const panicked = await invoke('panic');
    expect(panicked.FunctionError).toBe('Unhandled');
    expect(decode(panicked.Payload).errorMessage).toContain('the handler panicked');
  });

  it('answers exit, timeout, memory and response-size faults like Lambda, and recovers after each', async () => {
    const expected: Record<string, string> = {
      exit: 'Runtime.ExitError',
      sleep: 'Sandbox.Timedout',
      alloc: 'Runtime.OutOfMemory',
      big: 'Function.ResponseSizeTooLarge',
    };
    for (const [mode, errorType] of Object.entries(expected)) {
      const out = await invoke(mode);
      expect(out.FunctionError, mode).toBe('Unhandled');
      expect(decode(out.Payload).errorType, mode).toBe(errorType);
      expect((await invoke('echo')).FunctionError, `echo after ${mode}`).toBeUndefined();
    }
  });
});

it('a Rust function that fails init (selected by RUST_FIXTURE_MODE) answers Runtime.ExitError with its output', async () => {
  const dir = await fixtureCopy(RUST_FAULTS, { environment: { RUST_FIXTURE_MODE: 'init-error' } });
  const r = await svl(['invoke'], { cwd: dir });
  expect(r.exitCode).toBe(1);
  expect(JSON.parse(r.stdout)).toMatchObject({ errorType: 'Runtime.ExitError' });
  expect(r.stderr).toContain('init failed: RUST_FIXTURE_MODE=init-error');
}, 900_000);
