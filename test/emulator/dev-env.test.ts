// What a function gets from the developer's machine under `svl dev`: the host's AWS profile and
// logging variables, --env-file values, svl.json's environment on top — and the checks svl dev makes
// before it spends minutes building (a busy port, an unreadable --env-file).
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { GO_FAULTS, fixtureCopy, lambdaClientFor, startDev } from './dev-server.js';

let dir: string;
beforeAll(async () => {
  dir = await fixtureCopy(GO_FAULTS);
});

describe('svl dev environment', () => {
  it('passes the host AWS_PROFILE and credentials files, then --env-file, then svl.json environment (which wins)', async () => {
    const envFile = path.join(dir, 'dev.env');
    await writeFile(envFile, '# local settings\nAWS_FROM_ENV_FILE=yes\nFIXTURE_GREETING="from the env file"\n');
    const dev = await startDev(dir, ['--no-watch', '--dotenv', envFile], {
      AWS_PROFILE: 'dev-profile',
      AWS_CONFIG_FILE: '/tmp/aws-config-for-test',
      AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
    });
    const client = await lambdaClientFor(dev.url);
    try {
      const out = await client.send(new InvokeCommand({ FunctionName: 'go-faults', Payload: Buffer.from('{"mode":"echo"}') }));
      const { env } = JSON.parse(Buffer.from(out.Payload!).toString());
      expect(env).toMatchObject({
        AWS_PROFILE: 'dev-profile',
        AWS_CONFIG_FILE: '/tmp/aws-config-for-test',
        AWS_LAMBDA_LOG_LEVEL: 'DEBUG',
        AWS_FROM_ENV_FILE: 'yes',
        FIXTURE_GREETING: 'hi', // svl.json's environment beats the env file
        AWS_LAMBDA_FUNCTION_NAME: 'go-faults', // Lambda's own variables beat everything
      });
      // A Go dev build is an optimised build already: REPORT does not call it a debug build.
      expect(dev.stdout()).not.toContain('debug build');
    } finally {
      client.destroy();
      await dev.stop();
    }
  });

  it('a busy port is reported before building, in one line', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await svl(['dev', '--port', String(port)], { cwd: dir });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(`svl: port ${port} is in use — pass --port <free port>`);
    } finally {
      blocker.close();
    }
  });

  it('an --env-file that does not exist is reported in one line (by node itself, on every Node)', async () => {
    const r = await svl(['dev', '--env-file', 'missing.env'], { cwd: dir });
    // Node itself checks that every --env-file in argv exists, even after the script name, and stops
    // with its own one-line error before svl runs (measured on Node 20.20, 22.23, 24.22 and 26.12; an
    // existing file is left alone and svl reads it). So a missing file is node's exit 9 on every Node.
    expect([r.exitCode, r.stderr]).toEqual([9, 'node: missing.env: not found']);
  });

  it('a --dotenv file that cannot be read is a usage error naming it (node does not read --dotenv)', async () => {
    const r = await svl(['dev', '--dotenv', 'missing.env'], { cwd: dir });
    expect([r.exitCode, r.stderr]).toEqual([2, 'svl: --dotenv missing.env: cannot read it (ENOENT) — check the path']);
  });
});
