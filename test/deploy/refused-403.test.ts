import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { MOTO_REGION } from '../support/moto.js';
import { lambdaFixture, type LambdaFixture } from './lambda-fixture.js';

// An endpoint that answers every request 403 with a body that is no AWS error (a proxy's or a
// firewall's HTML page): the real SDK cannot parse it, so svl must not claim a missing permission.
let server: Server;
let endpoint: string;
let fx: LambdaFixture;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-type': 'text/html' });
    res.end('<html><body><h1>403 Forbidden</h1>corporate proxy</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fx = await lambdaFixture('svl-deploy-refused');
  await fx.writeConfig({ environment: { DB_PASSWORD: 'pw-marker-403a', STAGE: 'stage-marker-403b' } });
  // Built first, so the deploy goes straight to AWS.
  expect((await svl(['build'], { cwd: fx.dir })).exitCode).toBe(0);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const env = () => ({ AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: MOTO_REGION });

describe('svl deploy when the endpoint answers 403 with a body that is no AWS error', () => {
  it('says AWS refused the request and names credentials, endpoint and permissions — not a missing permission', async () => {
    const r = await svl(['deploy'], { cwd: fx.dir, env: env(), timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(requests.length).toBeGreaterThan(0); // the request did reach the server
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('svl:') && !l.startsWith('svl: warning:'));
    expect(errors).toEqual([
      `svl: AWS refused the request (403) during lambda:GetFunction — check the credentials ('aws sts get-caller-identity'), the endpoint (${endpoint}; --endpoint-url, AWS_ENDPOINT_URL) and that your IAM user or role may call lambda:GetFunction (now: nothing was changed)`,
    ]);
    expect(r.all).not.toMatch(/AWS denied|grant /);
  });

  it('--json: the error as JSON, with no environment value anywhere in the output', async () => {
    const r = await svl(['deploy', '--json', '--function-url', 'public'], { cwd: fx.dir, env: env(), timeout: 60_000 });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { exitCode: 1, message: expect.stringMatching(/^AWS refused the request \(403\) during lambda:GetFunction — /) },
    });
    for (const value of ['pw-marker-403a', 'stage-marker-403b']) expect(r.all).not.toContain(value);
  });
});
