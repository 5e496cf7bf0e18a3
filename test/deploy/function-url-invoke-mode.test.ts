import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { lambdaFixture, type LambdaFixture } from './lambda-fixture.js';

// svl.json "invokeMode" becomes the function URL's InvokeMode: real svl CLI → real SDK → moto.
// moto (5.2.1) keeps InvokeMode from CreateFunctionUrlConfig but ignores it in
// UpdateFunctionUrlConfig (its FunctionUrlConfig.update copies only Cors and AuthType), so the
// switch back is checked on the request svl sends, through a loopback proxy that keeps URL-config bodies.
let moto: MotoServer;
let lambda: LambdaClient;
let fx: LambdaFixture;

const deploy = (args: string[], endpoint = moto.endpoint) =>
  svl(['deploy', ...args], { cwd: fx.dir, env: { ...moto.env, AWS_ENDPOINT_URL: endpoint }, timeout: 120_000 });

/** A proxy to moto that keeps the JSON body of every PUT to a function URL config. */
async function urlConfigRecorder(target: string) {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT' && /\/url(\?|$)/.test(req.url ?? '')) bodies.push(JSON.parse(body.toString('utf8')));
      const up = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
const urlConfig = () => lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fx.name }));

beforeAll(async () => {
  moto = await startMoto();
  lambda = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  fx = await lambdaFixture('svl-url-invoke-mode');
});

afterAll(async () => {
  lambda?.destroy();
  await moto?.stop();
});

it('creates a RESPONSE_STREAM URL from svl.json, switches it back to BUFFERED, and a dry run says so first', async () => {
  await fx.writeConfig({ functionUrl: 'public', invokeMode: 'RESPONSE_STREAM' });
  const created = await deploy(['--json']);
  expect(created.exitCode, created.all).toBe(0);
  expect(JSON.parse(created.stdout).functionUrl).toMatchObject({ action: 'create', authType: 'NONE', invokeMode: 'RESPONSE_STREAM' });
  expect(await urlConfig()).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });

  const again = await deploy(['--json']);
  expect(JSON.parse(again.stdout).functionUrl).toMatchObject({ action: 'keep', invokeMode: 'RESPONSE_STREAM' });

  await fx.writeConfig({ functionUrl: 'public', invokeMode: 'BUFFERED' });
  const plan = await deploy(['--dry-run']);
  expect(plan.exitCode, plan.all).toBe(0);
  expect(plan.stdout).toMatch(/url\s+change InvokeMode RESPONSE_STREAM → BUFFERED https:\/\/\S+ \(functionUrl public\)/);
  expect(await urlConfig()).toMatchObject({ InvokeMode: 'RESPONSE_STREAM' });

  const recorder = await urlConfigRecorder(moto.endpoint);
  try {
    const updated = await deploy(['--json'], recorder.endpoint);
    expect(updated.exitCode, updated.all).toBe(0);
    expect(JSON.parse(updated.stdout).functionUrl).toMatchObject({ action: 'update', invokeMode: 'BUFFERED', previousInvokeMode: 'RESPONSE_STREAM' });
    expect(recorder.bodies).toEqual([{ AuthType: 'NONE', InvokeMode: 'BUFFERED' }]);
  } finally {
    await recorder.close();
  }
}, 300_000);
