import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { SvlError, UsageError } from '../core/errors.js';
import { noPositionals, parseFlags, positiveInt } from './support/args.js';
import { loadConfig, type SvlConfig } from '../config/svl-config.js';
import { toolchainFor } from '../toolchains/index.js';
import {
  BuildSnapshots,
  CloudRunService,
  portAcceptsConnections,
  LambdaEmulator,
  functionSettings,
  removeDevState,
  watchSources,
  writeDevState,
} from '../emulator/index.js';

const HELP = `Usage: svl dev [options]

Builds the function for this machine and serves it like Lambda, rebuilding on every source change.
Lambda projects: one port with the Invoke API (POST /2015-03-31/functions/<name>/invocations,
for the AWS SDK and 'aws lambda invoke --endpoint-url') and the function URL on every other path.
Cloud Run projects: runs the service with PORT set.

Options:
  --port <n>          port to listen on (default 9000)
  --host <addr>       Lambda: address to listen on (default 127.0.0.1)
  --concurrency <n>   Lambda: instances at most (default: svl.json "concurrency", else 4)
  --no-watch          build once, do not rebuild on changes
  -h, --help          show this help
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      concurrency: { type: 'string' },
      watch: { type: 'boolean', default: true },
      help: { type: 'boolean', short: 'h' },
    },
    'dev',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  noPositionals(positionals, 'dev');
  const port = values.port === '0' ? 0 : (positiveInt(values.port, '--port') ?? 9000);
  if (port > 65535) throw new UsageError(`--port must be a TCP port from 1 to 65535 (or 0 for any free one), got '${values.port}'`);
  const concurrency = positiveInt(values.concurrency, '--concurrency');
  const config = await loadConfig(io.cwd);
  const log = (line: string) => io.stdout.write(`${line}\n`);
  const say = (line: string) => io.stderr.write(`svl dev: ${line}\n`);

  if (config.platform === 'cloudrun') {
    // The service binds $HOST:$PORT itself (svl dev sets HOST=127.0.0.1) and serves requests concurrently.
    if (values.host !== undefined)
      throw new UsageError('--host applies to Lambda projects; a Cloud Run service listens on 127.0.0.1:$PORT under svl dev — drop --host');
    if (concurrency !== undefined)
      throw new UsageError('--concurrency applies to Lambda projects; a Cloud Run service handles its own concurrency — drop --concurrency');
  }

  const toolchain = toolchainFor(config.language);
  const snapshots = new BuildSnapshots(io.cwd, config.name);
  const build = async () => {
    const started = performance.now();
    // Compiler output is shown only when the build fails: a clean rebuild stays one line.
    const output: string[] = [];
    let binaryPath: string;
    try {
      ({ binaryPath } = await toolchain.devBuild({ projectDir: io.cwd, name: config.name, env: io.env, onOutput: (l) => output.push(l) }));
    } catch (err) {
      io.stderr.write(output.map((l) => `${l}\n`).join(''));
      throw err;
    }
    const snapshot = await snapshots.take(binaryPath);
    say(`built ${config.name} (${config.language}) in ${Math.round(performance.now() - started)} ms`);
    return snapshot;
  };

  say(`building ${config.name} (${config.language}) for this machine…`);
  const first = await build();
  const server =
    config.platform === 'cloudrun'
      ? await startCloudRun(io, config, first, port, log, say)
      : await startLambda(io, config, first, port, values.host ?? '127.0.0.1', concurrency ?? config.concurrency ?? 4, log, say);

  let rebuilding: Promise<void> = Promise.resolve();
  const watcher = values.watch
    ? await watchSources(io.cwd, toolchain.sourceGlobs, (changed) => {
        rebuilding = rebuilding.then(async () => {
          say(`${changed.join(', ')} changed — rebuilding…`);
          try {
            await server.swap(await build());
          } catch (err) {
            // The last good build keeps serving: a typo must not take the endpoint down.
            say(`${(err as Error).message}\nsvl dev: still serving the last good build`);
          }
        });
      })
    : undefined;
  if (watcher) say('watching sources for changes (Ctrl-C to stop)');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('shutting down');
  await watcher?.close();
  await rebuilding;
  await server.close();
  await snapshots.removeAll();
  return EXIT.ok;
}

interface RunningServer {
  swap(binary: string): Promise<void>;
  close(): Promise<void>;
}

async function startLambda(
  io: Io,
  config: SvlConfig,
  binary: string,
  port: number,
  host: string,
  maxInstances: number,
  log: (line: string) => void,
  say: (line: string) => void,
): Promise<RunningServer> {
  const fn = functionSettings(config, io.cwd, io.env);
  const emulator = new LambdaEmulator({ fn, binary, maxInstances, hostEnv: io.env, onLog: log });
  let bound: number;
  try {
    bound = await emulator.listen(port, host);
  } catch (err) {
    await emulator.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new SvlError(`port ${port} is in use — pass --port <free port>`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new SvlError(`cannot listen on --host ${host} (${code}) — pass an address of this machine, e.g. --host 127.0.0.1 or --host 0.0.0.0`);
    }
    throw err;
  }
  await writeDevState(io.cwd, config.name, { pid: process.pid, port: bound, host });
  const base = `http://${host}:${bound}`;
  say(`${config.name} listening on ${base} (up to ${maxInstances} instances, ${config.memory} MB, ${config.timeout} s timeout)`);
  say(`  function URL: ${base}/`);
  say(`  Invoke API:   ${base}/2015-03-31/functions/${config.name}/invocations (AWS_ENDPOINT_URL=${base})`);
  return {
    swap: async (next) => emulator.pool.useBinary(next),
    close: async () => {
      await removeDevState(io.cwd, config.name);
      await emulator.close();
    },
  };
}

async function startCloudRun(
  io: Io,
  config: SvlConfig,
  binary: string,
  port: number,
  log: (line: string) => void,
  say: (line: string) => void,
): Promise<RunningServer> {
  const environment = { ...config.environment };
  if (!io.env.GEMINI_API_KEY) {
    environment.OCR_ENGINE = 'tesseract';
    say('GEMINI_API_KEY is not set: OCR_ENGINE=tesseract (local tesseract instead of Gemini)');
  }
  const servicePort = port || 8080;
  if (await portAcceptsConnections(servicePort)) throw new SvlError(`port ${servicePort} is in use — pass --port <free port>`);
  const service = new CloudRunService({ cwd: io.cwd, host: '127.0.0.1', port: servicePort, environment, hostEnv: io.env, onLog: log });
  service.start(binary);
  if (!(await service.waitUntilListening())) {
    await service.stop();
    throw new SvlError(`the service did not listen on PORT=${servicePort} — check its output above (is the port free? pass --port <free port>)`);
  }
  say(`${config.name} (Cloud Run service) listening on http://127.0.0.1:${servicePort}/`);
  return {
    swap: async (next) => {
      if (await service.restart(next)) say(`restarted on http://127.0.0.1:${servicePort}/`);
      else say('the new build did not start listening — fix it and save again');
    },
    close: () => service.stop(),
  };
}
