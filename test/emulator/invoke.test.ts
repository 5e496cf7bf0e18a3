import { access, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';
import { GO_FAULTS, REPORT_RE, fixtureCopy, startDev } from './dev-server.js';

// `svl invoke` as a user runs it: one-shot instances when no svl dev runs, the running dev when
// one does, init failures reaching the caller, and --remote through the SDK.
let dir: string;

beforeAll(async () => {
  dir = await fixtureCopy(GO_FAULTS);
}, 60_000);

describe('svl invoke (one-shot)', () => {
  it('prints the result on stdout and the REPORT (with Init Duration) on stderr', async () => {
    const r = await svl(['invoke', '--data', '{"mode":"log"}'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('"logged"');
    expect(r.stderr).toMatch(/\thello from the function$/m);
    const report = REPORT_RE.exec(r.stderr)!;
    expect(report[6]).toBeDefined();
  });

  it('reads the event from a file or stdin, and exits 1 with the error body on a function error', async () => {
    await writeFile(path.join(dir, 'event.json'), '{"mode":"error"}');
    const fromFile = await svl(['invoke', '--event', 'event.json'], { cwd: dir });
    expect(fromFile.exitCode).toBe(1);
    expect(JSON.parse(fromFile.stdout)).toEqual({ errorMessage: 'something went wrong', errorType: 'errorString' });
    expect(fromFile.stderr).toContain('the function returned an error');
    const fromStdin = await svl(['invoke', '-'], { cwd: dir, input: '{"mode":"version"}' });
    expect(fromStdin.exitCode).toBe(0);
    expect(fromStdin.stdout).toBe('"v1"');
  });

  it("passes the caller's AWS credentials to the function only when the caller has them", async () => {
    const without = JSON.parse((await svl(['invoke', '--data', '{"mode":"echo"}'], { cwd: dir })).stdout);
    expect(without.env.AWS_ACCESS_KEY_ID).toBeUndefined();
    const withCreds = await svl(['invoke', '--data', '{"mode":"echo"}'], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    expect(JSON.parse(withCreds.stdout).env).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(withCreds.stderr).not.toContain('secret'); // never logged
  });

  it('svl dev rejects a bad --port or --concurrency with a usage error', async () => {
    const port = await svl(['dev', '--port', 'abc'], { cwd: dir });
    expect(port.exitCode).toBe(2);
    expect(port.stderr).toContain('--port must be a positive whole number');
    const stray = await svl(['dev', '8080'], { cwd: dir });
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr.trim()).toBe("svl: unexpected argument '8080' — see 'svl dev --help'");
    const outOfRange = await svl(['dev', '--port', '70000'], { cwd: dir });
    expect(outOfRange.exitCode).toBe(2);
    expect(outOfRange.stderr.trim()).toBe("svl: --port must be a TCP port from 1 to 65535 (or 0 for any free one), got '70000'");
    const conc = await svl(['dev', '--concurrency', '0'], { cwd: dir });
    expect(conc.exitCode).toBe(2);
    expect(conc.stderr.trim()).toBe("svl: --concurrency must be a positive whole number, got '0'");
  });

  it('rejects bad input with a usage error naming the fix, before building anything', async () => {
    const bad = await svl(['invoke', '--data', '{nope'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON .* — fix the JSON/);
    const both = await svl(['invoke', '--data', '{}', '--event', 'x.json'], { cwd: dir });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('give the event one way: --event <file>, --data <json> or - (stdin)');
    const missing = await svl(['invoke', '--event', 'missing.json'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe("svl: cannot read event file 'missing.json' — check the path");
    const region = await svl(['invoke', '--region', 'eu-west-1'], { cwd: dir });
    expect(region.exitCode).toBe(2);
    expect(region.stderr.trim()).toBe('svl: --region applies to --remote only (a local invoke runs here) — add --remote, or drop --region');
  });

  it('passes an init error the runtime posts to /runtime/init/error on to the caller', async () => {
    const failing = await fixtureCopy(GO_FAULTS, { environment: { FIXTURE_INIT: 'post' } });
    const r = await svl(['invoke'], { cwd: failing });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ errorType: 'ConfigError', errorMessage: 'missing configuration' });
  });

  it('answers a runtime that exits during init with Runtime.ExitError and its output in the log', async () => {
    const failing = await fixtureCopy(GO_FAULTS, { environment: { FIXTURE_INIT: 'exit' } });
    const r = await svl(['invoke'], { cwd: failing });
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 1') });
    expect(r.stderr).toContain('init failed: missing configuration');
  });
});

describe('svl dev refusals', () => {
  it('exits 1 with the compiler output when the first build fails, leaving no dev state behind', async () => {
    const broken = await fixtureCopy(GO_FAULTS);
    await writeFile(path.join(broken, 'broken.go'), 'package main\n\nfunc broken() { undefinedThing() }\n');
    const r = await svl(['dev', '--port', '0'], { cwd: broken, timeout: 120_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('undefinedThing');
    expect(r.stderr).toMatch(/^svl: go build failed/m);
    await expect(access(path.join(broken, '.svl', 'dev', 'go-faults', 'dev.json'))).rejects.toThrow();
  });

  it('names a --host it cannot listen on', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const r = await svl(['dev', '--port', '0', '--host', '192.0.2.1', '--no-watch'], { cwd: dir, timeout: 120_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'svl: cannot listen on --host 192.0.2.1 (EADDRNOTAVAIL) — pass an address of this machine, e.g. --host 127.0.0.1 or --host 0.0.0.0',
    );
  });

  it('names a port that is already taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await svl(['dev', '--port', String(port), '--no-watch'], { cwd: dir, timeout: 120_000 });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`port ${port} is in use — pass --port <free port>`);
    } finally {
      blocker.close();
    }
  });
});

describe('svl invoke against a running svl dev', () => {
  it('uses the running instance (warm after the first call)', async () => {
    const dev = await startDev(dir, ['--no-watch']);
    try {
      const first = await svl(['invoke', '--data', '{"mode":"echo"}'], { cwd: dir });
      const second = await svl(['invoke', '--data', '{"mode":"echo"}'], { cwd: dir });
      expect(first.exitCode).toBe(0);
      expect(JSON.parse(second.stdout).pid).toBe(JSON.parse(first.stdout).pid);
      expect(REPORT_RE.exec(second.stderr)![6]).toBeUndefined(); // no Init Duration: warm
      await dev.waitForStdout(`REPORT RequestId: ${JSON.parse(second.stdout).requestId}`);
    } finally {
      await dev.stop();
    }
  });

  it("reports svl dev's refusal (an event over 6 MB) instead of retrying on a one-shot instance", async () => {
    const dev = await startDev(dir, ['--no-watch']);
    try {
      await writeFile(path.join(dir, 'huge.json'), JSON.stringify('x'.repeat(7 * 1024 * 1024)));
      const r = await svl(['invoke', '--event', 'huge.json'], { cwd: dir });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toMatch(
        /^svl: svl dev at http:\/\/127\.0\.0\.1:\d+ refused the invocation \(RequestEntityTooLargeException: Request must be smaller than \d+ bytes .*\) — fix the event, or see the svl dev output$/,
      );
    } finally {
      await dev.stop();
    }
  });
});

describe('svl invoke --remote', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  // moto runs the Lambda control plane but not function code (it needs Docker for that), so this
  // proves the call goes through the SDK to AWS_ENDPOINT_URL and a missing function is named.
  it('invokes through the SDK at AWS_ENDPOINT_URL and names a function that is not deployed', async () => {
    const r = await svl(['invoke', '--remote', '--data', '{}'], { cwd: dir, env: moto.env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      "svl: function go-faults is not deployed in us-east-1 — run 'svl deploy' first, or pass --region <the region it is deployed in>",
    );
  });
});
