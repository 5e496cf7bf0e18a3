import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { buildInputsOf } from '../artifacts/build-artifact.js';
import { devBinaries } from '../artifacts/dev-binaries.js';
import { affectsInputs } from '../artifacts/sources-hash.js';
import { UsageError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { BuildSnapshots, listenError, watchProject } from '../emulator/index.js';
import { DEV_HOST, DEV_PORT } from '../project/defaults.js';
import { loadProject, selectFunctions, type FunctionConfig, type Platform, type Project } from '../project/project.js';
import { targetFor, type DevFunction, type DevServer } from '../targets/index.js';
import type { BuildInputs } from '../toolchains/index.js';
import { acceleratedClock, checkTriggers, listenForTriggerKeys, scheduleNamed, scheduleTriggers, startTriggers, withCliQueues } from '../triggers/index.js';
import { noPositionals, parseFlags, positiveInt } from './support/args.js';

const HELP = `Usage: svl dev [options]

Builds the project's functions for this machine and serves them like Lambda, rebuilding what a
save touches. One port for every Lambda function: the Invoke API by name
(POST /2015-03-31/functions/<name>/invocations, for the AWS SDK and 'aws lambda invoke
--endpoint-url'), function URLs at /lambda-url/<name>/…, svl.json's "routes", and the default
function on every other path. Cloud Run services run with PORT set, from the next port up.

Options:
  --port <n>             port to listen on (default ${DEV_PORT}); 0 picks any free port
  --host <addr>          Lambda: address to listen on (default ${DEV_HOST})
  --concurrency <n>      Lambda: instances at most per function (default: svl.json "concurrency", else 4)
  -f, --function <name>  serve only this function (repeatable; default: all)
  --release              run release builds, so Duration and cost in REPORT are the real ones
  --dotenv <file>        dotenv file of extra variables for every function (repeatable); --env-file
                         is the same, but node itself also reads a file given that way (into
                         svl's own environment) and stops on a missing one
  --no-watch             build once, do not rebuild on changes
  --sqs <queue>          Lambda: poll this SQS queue (URL, ARN or name) for the function with flavor
                         sqs (or the only one); --sqs <function>=<queue> names it (repeatable)
  --trigger <name>       fire this schedule trigger once at start (its name, or a function with one
                         schedule; repeatable); in a terminal, press t to fire one
  -h, --help             show this help

svl.json "events" run here too: SQS queues are polled as Lambda's event source mapping does,
schedules fire on this machine's clock (UTC), S3 notifications are read from their "queue" (see
docs/triggers.md).

Each function's environment, later entries winning: the host's RUST_LOG, AWS_LAMBDA_LOG_LEVEL,
AWS_LAMBDA_LOG_FORMAT, AWS_PROFILE, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, HOME, credentials
and AWS_ENDPOINT_URL; then --dotenv / --env-file values; then svl.json "environment"; then the variables
Lambda itself sets (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION from AWS_REGION or svl.json, …).
`;

/** What a function on a developer's machine needs to reach real AWS the way it would with its role. */
const HOST_PASS_THROUGH = [
  'RUST_LOG',
  'RUST_BACKTRACE',
  'AWS_LAMBDA_LOG_LEVEL',
  'AWS_LAMBDA_LOG_FORMAT',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'HOME',
];

/** Cargo/go lines that say a (first, slow) build is making progress. */
const PROGRESS = /^\s*(Compiling|Downloading|Downloaded|Locking|Updating|go: downloading)\b/;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      concurrency: { type: 'string' },
      function: { type: 'string', multiple: true, short: 'f' },
      release: { type: 'boolean', default: false },
      dotenv: { type: 'string', multiple: true },
      'env-file': { type: 'string', multiple: true },
      watch: { type: 'boolean', default: true },
      sqs: { type: 'string', multiple: true },
      trigger: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    'dev',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  noPositionals(positionals, 'dev');
  const port = values.port === '0' ? 0 : (positiveInt(values.port, '--port') ?? DEV_PORT);
  if (port > 65535) throw new UsageError(`--port must be a TCP port from 1 to 65535 (or 0 for any free one), got '${values.port}'`);
  const concurrency = positiveInt(values.concurrency, '--concurrency');
  const host = values.host ?? DEV_HOST;
  const load = () => loadProject({ cwd: io.cwd, env: io.env, flags: { concurrency } });
  let project = await load();
  // svl dev serves every function unless --function names some (inside a function's folder that
  // one is only the default for bare paths).
  const servedOf = (p: Project) => (values.function?.length ? selectFunctions(p, { names: values.function }) : p.functions);
  let fns = servedOf(project);
  const platforms = platformsOf(fns);
  // A flag is refused only when no platform being served takes it (a Cloud Run service binds $PORT itself).
  for (const [flag, given] of [
    ['host', values.host !== undefined],
    ['concurrency', concurrency !== undefined],
  ] as const) {
    if (given && !platforms.some((p) => targetFor(p).devFlags.includes(flag))) {
      const detail = flag === 'host' ? `a Cloud Run service listens on ${DEV_HOST}:$PORT under svl dev` : 'a Cloud Run service handles its own concurrency';
      throw new UsageError(`--${flag} applies to Lambda projects; ${detail} — drop --${flag}`);
    }
  }
  // Event sources run for the Lambda functions served; a bad schedule or --trigger stops here, before any build.
  const triggerFns = () =>
    withCliQueues(
      fns.filter((f) => f.platform === 'lambda'),
      values.sqs ?? [],
    );
  checkTriggers(triggerFns());
  const firstFires = (values.trigger ?? []).map((t) => scheduleNamed(scheduleTriggers(triggerFns()), t).name);
  const clockSpeed = io.env.SVL_DEV_CLOCK_SPEED;
  if (clockSpeed !== undefined && !(Number(clockSpeed) > 0))
    throw new UsageError(`SVL_DEV_CLOCK_SPEED must be a positive number (60: a minute a second), got '${clockSpeed}'`);
  const clock = clockSpeed ? acceleratedClock(Number(clockSpeed)) : undefined;
  const extraEnv = { ...hostPassThrough(io.env), ...(await readEnvFiles(io.cwd, [...(values.dotenv ?? []), ...(values['env-file'] ?? [])])) };
  const ports = portsOf(platforms, fns, port);
  // A busy port is reported now, not after a build of several minutes.
  for (const [platform, first] of ports) {
    const count = targetFor(platform).devPorts(fns.filter((f) => f.platform === platform));
    if (first !== 0) for (let p = first; p < first + count; p++) await assertPortFree(p, targetFor(platform).devHost(host));
  }

  const many = () => fns.length > 1;
  const log = (name: string, text: string) => io.stdout.write(`${many() ? text.replace(/^/gm, `[${name}] `) : text}\n`);
  const say = (line: string) => io.stderr.write(`svl dev: ${line}\n`);
  const snapshots = new Map<string, BuildSnapshots>();
  const snapshotOf = (fn: FunctionConfig) => {
    let s = snapshots.get(fn.name);
    if (!s) {
      s = new BuildSnapshots(fn.root, fn.name);
      snapshots.set(fn.name, s);
    }
    return s;
  };

  /** Host builds of `targets`, one toolchain call per language; compiler output only when it fails. */
  const build = async (targets: FunctionConfig[], showProgress: boolean): Promise<DevFunction[]> => {
    const started = performance.now();
    const output: string[] = [];
    let binaries: Map<FunctionConfig, string>;
    try {
      binaries = await devBinaries(targets, {
        env: io.env,
        release: values.release,
        onOutput: (line) => {
          output.push(line);
          if (showProgress && PROGRESS.test(line)) say(line.trim());
        },
      });
    } catch (err) {
      io.stderr.write(output.map((l) => `${l}\n`).join(''));
      throw err;
    }
    const out: DevFunction[] = [];
    for (const fn of targets) out.push({ fn, binary: await snapshotOf(fn).take(binaries.get(fn)!), debug: !values.release && fn.language === 'rust' });
    say(`built ${targets.map((f) => f.name).join(', ')} in ${Math.round(performance.now() - started)} ms${values.release ? ' (release)' : ''}`);
    return out;
  };

  const compiled = fns.filter((f) => !f.artifact);
  say(
    `building ${fns.map((f) => `${f.name} (${f.language ?? 'prebuilt'})`).join(', ')} for this machine${compiled.some((f) => f.language === 'rust') ? ' — a first Rust build compiles its dependencies and can take minutes' : ''}…`,
  );
  let current = await build(fns, true);
  const servers = new Map<Platform, DevServer>();
  const startAll = async () => {
    for (const [platform, p] of ports) {
      const mine = current.filter((d) => d.fn.platform === platform);
      if (mine.length === 0) continue;
      servers.set(platform, await targetFor(platform).dev(mine, { io, project, port: p, host: targetFor(platform).devHost(host), extraEnv, log, say }));
    }
  };
  try {
    await startAll();
  } catch (err) {
    for (const s of servers.values()) await s.close();
    throw err;
  }

  const startEventSources = () =>
    startTriggers(triggerFns(), {
      env: io.env,
      say,
      ...(clock ? { clock } : {}),
      invoke: (name, payload) => {
        const lambda = servers.get('lambda');
        if (!lambda?.invoke) throw new Error(`${name} is not served`);
        return lambda.invoke(name, payload);
      },
    });
  let triggers = startEventSources();
  let triggersKey = JSON.stringify(triggerFns().map((f) => [f.name, f.events]));
  for (const name of firstFires) void triggers.fire(name);
  const keys = listenForTriggerKeys(io.stdin, () => triggers, say);

  let rebuilding: Promise<void> = Promise.resolve();
  const inputs = new Map<string, BuildInputs>();
  const refreshInputs = async (targets: FunctionConfig[]) => {
    for (const fn of targets) inputs.set(fn.name, await buildInputsOf(fn, io.env));
  };
  if (values.watch) await refreshInputs(fns);

  const onChange = async (changed: string[]) => {
    if (changed.includes(project.file)) {
      await reloadConfig();
      return;
    }
    const touched = fns.filter((fn) => changed.some((f) => affectsInputs(inputs.get(fn.name)!, f)));
    if (touched.length === 0) return;
    const rel = changed.map((f) => path.relative(project.root, f)).join(', ');
    say(`${rel} changed — rebuilding ${touched.map((f) => f.name).join(', ')}`);
    try {
      const next = await build(touched, false);
      for (const d of next) {
        current = current.map((c) => (c.fn.name === d.fn.name ? d : c));
        await servers.get(d.fn.platform)?.swap(d);
      }
      await refreshInputs(touched);
    } catch (err) {
      // The last good build keeps serving: a typo must not take the endpoint down.
      say(`${(err as Error).message}\nsvl dev: still serving the last good build`);
    }
  };

  /** svl.json changed: functions added are built, removed ones stopped, changed ones restarted. */
  const reloadConfig = async () => {
    let next: Project;
    try {
      next = await load();
    } catch (err) {
      say(`${(err as Error).message}\nsvl dev: keeping the previous settings`);
      return;
    }
    const nextFns = servedOf(next);
    try {
      checkTriggers(
        withCliQueues(
          nextFns.filter((f) => f.platform === 'lambda'),
          values.sqs ?? [],
        ),
      );
    } catch (err) {
      say(`${(err as Error).message}\nsvl dev: keeping the previous settings`);
      return;
    }
    const nextPlatforms = platformsOf(nextFns);
    if (nextPlatforms.some((p) => !servers.has(p)) && servers.size > 0 && nextPlatforms.join() !== [...servers.keys()].join()) {
      say('svl.json now mixes platforms differently — restart svl dev to serve them');
      return;
    }
    const built = new Map(current.map((d) => [d.fn.name, d]));
    const needBuild = nextFns.filter((f) => {
      const old = built.get(f.name)?.fn;
      return !old || old.dir !== f.dir || old.language !== f.language || old.bin !== f.bin || old.package !== f.package || old.artifact !== f.artifact;
    });
    try {
      const fresh = needBuild.length > 0 ? await build(needBuild, true) : [];
      current = nextFns.map((f) => fresh.find((d) => d.fn.name === f.name) ?? { ...built.get(f.name)!, fn: f });
      project = next;
      fns = nextFns;
      for (const [platform, server] of servers)
        await server.reconfigure(
          next,
          current.filter((d) => d.fn.platform === platform),
        );
      await refreshInputs(nextFns);
      const key = JSON.stringify(triggerFns().map((f) => [f.name, f.events]));
      if (key !== triggersKey) {
        await triggers.close();
        triggers = startEventSources();
        triggersKey = key;
      }
      say('svl.json changed — settings applied');
    } catch (err) {
      say(`${(err as Error).message}\nsvl dev: keeping the previous settings`);
    }
  };

  const watcher = values.watch
    ? await watchProject(project.root, (changed) => {
        rebuilding = rebuilding.then(() => onChange(changed));
      })
    : undefined;
  if (watcher) say('watching sources and svl.json for changes (Ctrl-C to stop)');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('shutting down');
  keys?.close();
  await watcher?.close();
  await rebuilding;
  // Polls stop first; a batch still running ends with its pool and stays in its queue.
  const triggersStopped = triggers.close();
  for (const s of servers.values()) await s.close();
  await triggersStopped;
  for (const s of snapshots.values()) await s.removeAll();
  return EXIT.ok;
}

function platformsOf(fns: FunctionConfig[]): Platform[] {
  return (['lambda', 'cloudrun'] as const).filter((p) => fns.some((f) => f.platform === p));
}

/** Each platform's first port: from --port up, as many as each needs (0: each picks free ones). */
function portsOf(platforms: Platform[], fns: FunctionConfig[], port: number): [Platform, number][] {
  let next = port;
  return platforms.map((p) => {
    const first = next;
    if (port !== 0) next += targetFor(p).devPorts(fns.filter((f) => f.platform === p));
    return [p, first];
  });
}

async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function hostPassThrough(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(HOST_PASS_THROUGH.flatMap((k) => (env[k] ? [[k, env[k]!]] : [])));
}

async function readEnvFiles(cwd: string, files: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, f), 'utf8');
    } catch (err) {
      throw new UsageError(`--dotenv ${f}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — check the path`);
    }
    Object.assign(out, parseEnv(text));
  }
  return out;
}
