import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject } from '../support/projects.js';
import { REPORT_RE, lambdaClientFor, startDev, type DevServer } from './dev-server.js';

// The generated functions (the built create-serverless-lang CLI), built by their real toolchains, with their real runtime clients
// (aws-lambda-go; lambda_http and lambda_runtime) under svl dev.
const servers: DevServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function devFor(language: 'go' | 'rust', flavor: 'http' | 'event'): Promise<DevServer> {
  const dir = await generateProject(`${language}-lambda`, { flavor, name: `conf-${language}-${flavor}`, arch: 'x86_64' });
  const dev = await startDev(dir, ['--no-watch']);
  servers.push(dev);
  return dev;
}

const tail = (b64?: string) => Buffer.from(b64 ?? '', 'base64').toString('utf8');

describe.each(['go', 'rust'] as const)('%s-lambda', (language) => {
  it('http flavour: GET and POST through the function URL', async () => {
    const dev = await devFor(language, 'http');
    const get = await fetch(`${dev.url}/?name=Ada`, { signal: AbortSignal.timeout(10_000) });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ message: 'Hello, Ada!' });
    const post = await fetch(`${dev.url}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"answer":42}' });
    expect(await post.json()).toEqual({ echo: { answer: 42 } });
    expect(dev.stdout()).toMatch(REPORT_RE);
  }, 600_000);

  it('event flavour: SDK InvokeCommand, a result and a typed error', async () => {
    const dev = await devFor(language, 'event');
    const lambda = await lambdaClientFor(dev.url);
    try {
      const ok = await lambda.send(new InvokeCommand({ FunctionName: `conf-${language}-event`, Payload: Buffer.from('{"name":"Ada"}'), LogType: 'Tail' }));
      expect(ok.FunctionError).toBeUndefined();
      expect(JSON.parse(Buffer.from(ok.Payload!).toString())).toEqual({ message: 'Hello, Ada!' });
      expect(tail(ok.LogResult)).toMatch(REPORT_RE);
      const bad = await lambda.send(new InvokeCommand({ FunctionName: `conf-${language}-event`, Payload: Buffer.from('{"name":""}') }));
      expect(bad.FunctionError).toBe('Unhandled');
      const body = JSON.parse(Buffer.from(bad.Payload!).toString());
      expect(body.errorMessage).toMatch(/name/);
      expect(typeof body.errorType).toBe('string');
    } finally {
      lambda.destroy();
    }
  }, 600_000);
});
