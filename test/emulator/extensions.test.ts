import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import getPort from 'get-port';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { fixtureCopy, lambdaClientFor, startDev, type DevServer } from './dev-server.js';

// A Rust function with an internal extension (the lambda-extension crate, run in the runtime's
// process next to lambda_runtime) and a Telemetry API subscriber, plus an external extension (a
// shell script with curl in the fixture's extensions/ folder, Lambda's /opt/extensions), under the
// built `svl dev`. The fixture prints everything its extensions and subscriber receive as tagged
// lines; the tests wait for those lines.
const RUST_EXTENSION = path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'rust-extension');

const decode = (b?: Uint8Array) => JSON.parse(Buffer.from(b ?? []).toString('utf8'));
const invoke = (lambda: LambdaClient, say: string) =>
  lambda.send(new InvokeCommand({ FunctionName: 'rust-extension', Payload: Buffer.from(JSON.stringify({ say })) }));

/** Resolves when svl dev's stdout matches `re` (its output reaches the test asynchronously). */
async function waitForMatch(dev: DevServer, re: RegExp, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(dev.stdout())) {
    if (Date.now() > deadline) throw new Error(`svl dev did not print ${re} within ${timeoutMs} ms:\n${dev.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One copy for every test: cargo keeps its build (a new path would rebuild the crate). */
let rustCopy: string | undefined;

/** A dev server for the fixture with `environment` for the function; one instance, no watcher. */
async function devFor(environment: Record<string, string>) {
  rustCopy ??= await fixtureCopy(RUST_EXTENSION);
  const configPath = path.join(rustCopy, 'svl.json');
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  // The crate's telemetry listener binds a fixed port on the host (on Lambda each instance has its
  // own network): a free one per run.
  const port = await getPort({ host: '127.0.0.1' });
  await writeFile(configPath, JSON.stringify({ ...config, environment: { TELEMETRY_PORT: String(port), ...environment } }, null, 2));
  const dev = await startDev(rustCopy, ['--no-watch', '--concurrency', '1']);
  return { dev, lambda: await lambdaClientFor(dev.url) };
}

describe('svl dev with extensions (lambda-extension crate, and an external one)', () => {
  it('runs the extensions through init, every invoke and shutdown, and feeds the telemetry subscriber', async () => {
    // The extension works 300 ms after each INVOKE: the instance is busy until it calls next again.
    const { dev, lambda } = await devFor({ EXTENSION_WORK_MS: '300' });
    try {
      const [first, second] = await Promise.all([invoke(lambda, 'alpha'), invoke(lambda, 'beta')]);
      expect(first.FunctionError).toBeUndefined();
      expect(second.FunctionError).toBeUndefined();
      const ids = [decode(first.Payload).requestId as string, decode(second.Payload).requestId as string];

      // Init ended with both internal extensions registered (ours and lambda_runtime's
      // graceful-shutdown helper, which subscribes to nothing), as CloudWatch lists them.
      await dev.waitForStdout('EXTENSION\tName: svl-test-extension\tState: Ready\tEvents: [INVOKE]');
      await dev.waitForStdout('EXTENSION\tName: _lambda-rust-runtime-no-op-graceful-shutdown-helper\tState: Ready\tEvents: []');
      await dev.waitForStdout('EXTENSION\tName: svl-shell-extension\tState: Ready\tEvents: [INVOKE,SHUTDOWN]');
      // An identifier no extension was given is refused with 403, as Lambda does.
      await dev.waitForStdout('[external] an unknown identifier is answered 403');
      for (const id of ids) {
        await dev.waitForStdout(`[extension] INVOKE ${id} deadline `);
        await dev.waitForStdout(`[extension] done ${id}`);
        await waitForMatch(
          dev,
          new RegExp(
            `\\[external\\] event \\{"eventType":"INVOKE","deadlineMs":\\d+,"requestId":"${id}","invokedFunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:rust-extension","tracing":\\{"type":"X-Amzn-Trace-Id","value":"Root=1-`,
          ),
        );
      }
      // One instance: the second invocation reached the runtime and the extension only after the
      // extension had finished with the first (Lambda's invoke phase ends with every extension's next).
      const out = dev.stdout();
      const [a, b] = out.indexOf(`[extension] INVOKE ${ids[0]}`) < out.indexOf(`[extension] INVOKE ${ids[1]}`) ? ids : [ids[1]!, ids[0]!];
      expect(out.indexOf(`[extension] done ${a}`)).toBeLessThan(out.indexOf(`[extension] INVOKE ${b}`));
      expect(out.indexOf(`[extension] done ${a}`)).toBeLessThan(out.indexOf(`START RequestId: ${b}`));

      // The Telemetry API subscriber (the crate's processor on sandbox.localdomain:<port>) got
      // the function's lines and the platform records of each invocation.
      await dev.waitForStdout('[telemetry] function handler says alpha');
      await dev.waitForStdout('[telemetry] function handler says beta');
      for (const id of ids) {
        await dev.waitForStdout(`[telemetry] platform.start ${id}`);
        await dev.waitForStdout(`[telemetry] platform.runtimeDone ${id} Success`);
        await dev.waitForStdout(`[telemetry] platform.report ${id} `);
      }
    } finally {
      lambda.destroy();
      // With extensions registered, Lambda's Shutdown phase sends SIGTERM to the runtime and
      // SHUTDOWN to the external extensions subscribed to it, and waits (2 s with external
      // extensions) before SIGKILL: lambda_runtime's hook runs, the shell extension exits.
      const stopped = await dev.stop();
      expect(stopped.exitCode).toBe(0);
    }
    expect(dev.stdout()).toContain('[runtime] SIGTERM received');
    expect(dev.stdout()).toContain('[runtime] graceful shutdown hook ran');
    expect(dev.stdout()).toMatch(/\[external\] event \{"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":\d+\}/);
  });

  it('fails the init, as Lambda does, when an extension reports /extension/init/error', async () => {
    const { dev, lambda } = await devFor({ EXTENSION_MODE: 'init-error' });
    try {
      const out = await invoke(lambda, 'never');
      expect(out.FunctionError).toBe('Unhandled');
      const body = decode(out.Payload);
      expect(body.errorType).toBe('Extension.InitError');
      expect(body.errorMessage).toBe('Extension svl-test-extension reported init/error Extension.ConfigMissing: SVL_TEST_API_KEY is not set');
      await dev.waitForStdout('EXTENSION\tName: svl-test-extension\tState: InitError\tEvents: [INVOKE]');
      // The handler never ran.
      expect(dev.stdout()).not.toContain('handler says');
    } finally {
      lambda.destroy();
      await dev.stop();
    }
  });

  it('refuses SHUTDOWN to an internal extension, as Lambda does', async () => {
    // Lambda's runtime (RAPID) answers 403 Extension.InvalidEventType
    // "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension": only external extensions (their
    // own processes) get SHUTDOWN; an internal one ends with the runtime, which gets SIGTERM.
    const { dev, lambda } = await devFor({ EXTENSION_MODE: 'shutdown-internal' });
    try {
      const out = await invoke(lambda, 'never');
      expect(out.FunctionError).toBe('Unhandled');
      expect(decode(out.Payload).errorType).toBe('Runtime.ExitError');
      await dev.waitForStdout('unable to register the extension: 403 Forbidden');
    } finally {
      lambda.destroy();
      await dev.stop();
    }
  });
});

describe('svl dev with a Go internal extension (net/http, no extension library)', () => {
  it('registers during init and gets an INVOKE event for each invocation', async () => {
    const dev = await startDev(await fixtureCopy(path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'go-extension')), ['--no-watch', '--concurrency', '1']);
    const lambda = await lambdaClientFor(dev.url);
    try {
      for (const say of ['one', 'two']) {
        const out = await lambda.send(new InvokeCommand({ FunctionName: 'go-extension', Payload: Buffer.from(JSON.stringify({ say })) }));
        expect(out.FunctionError).toBeUndefined();
        await dev.waitForStdout(`go handler got ${say}`);
        await waitForMatch(dev, new RegExp(`\\[go-extension\\] event \\{"eventType":"INVOKE","deadlineMs":\\d+,"requestId":"${out.$metadata.requestId}"`));
      }
      expect(dev.stdout()).toContain('[go-extension] registered: {"functionName":"go-extension","functionVersion":"$LATEST","handler":"bootstrap"}');
      expect(dev.stdout()).toContain('EXTENSION\tName: go-internal-extension\tState: Ready\tEvents: [INVOKE]');
    } finally {
      lambda.destroy();
      expect((await dev.stop()).exitCode).toBe(0);
    }
  });
});
