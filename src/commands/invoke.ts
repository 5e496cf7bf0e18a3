import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { SvlError, UsageError } from '../core/errors.js';
import { parseFlags } from './support/args.js';
import { devBinaries } from '../artifacts/dev-binaries.js';
import { BuildSnapshots, LambdaEmulator, functionSettings, logTail, readDevState, type ResponseSink } from '../emulator/index.js';
import { streamPrinter, streamOverHttp } from './support/invoke-stream.js';
import { selectOne, type FunctionConfig } from '../project/project.js';
import { projectFor } from './support/project-flags.js';
import { exampleSource, parseSampleFlags, sampleEvent } from './support/sample-flags.js';

const HELP = `Usage: svl invoke [--function <name>] [--event <file> | --data <json> | - | --example <source> [options]] [--remote]

Invokes a function once and prints its result (stdout) and the REPORT line (stderr).
Locally it uses the running 'svl dev' for this project, or starts a one-shot instance.

Options:
  -f, --function <name>  the function (default: the one whose folder you are in, the only one, or svl.json's "default")
  --event <file>   event JSON from a file
  --data <json>    event JSON inline
  -                read the event from stdin
  --example <source>  a sample event, with the options of 'svl events <source>' (svl events --list)
  --remote         invoke the deployed function through the AWS SDK (honours AWS_ENDPOINT_URL)
  --region <r>     AWS region for --remote
  -h, --help       show this help

Exit code 1 when the function returns an error.
`;

interface Answer {
  payload: Buffer;
  /** The response was printed as it arrived (a RESPONSE_STREAM function): only an error payload is left. */
  streamed?: boolean;
  functionError?: string;
  /** Base64 log tail (LogType Tail). */
  logResult?: string;
}

export async function run(io: Io): Promise<number> {
  const flags = {
    event: { type: 'string' },
    data: { type: 'string' },
    remote: { type: 'boolean', default: false },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    function: { type: 'string', short: 'f' },
    example: { type: 'string' },
  } as const;
  // --example takes the options of its event source as well.
  const example = exampleSource(io.argv);
  const { values, positionals } = example ? parseSampleFlags(io.argv, example, flags, 'invoke') : parseFlags(io.argv, flags, 'invoke');
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  // With --example, --region is also the region in the sample event.
  if (values.region !== undefined && !values.remote && !example)
    throw new UsageError('--region applies to --remote only (a local invoke runs here) — add --remote, or drop --region');
  if (example && (values.event !== undefined || values.data !== undefined || positionals.includes('-')))
    throw new UsageError('give the event one way: --example <source>, --event <file>, --data <json> or - (stdin)');
  if (example) noStrayArguments(positionals);
  const payload = example
    ? Buffer.from(JSON.stringify(sampleEvent(example, values, io.env)))
    : await readEvent(io, values.event as string | undefined, values.data as string | undefined, positionals);
  const project = await projectFor(io);
  if (!project.functions.some((f) => f.platform === 'lambda')) {
    throw new UsageError(`svl invoke is for Lambda functions — ${project.name} has only Cloud Run services: run 'svl dev' and send them HTTP requests`);
  }
  const config = selectOne(project, values.function);
  const answer = values.remote ? await invokeRemote(io, config, payload, values.region) : await invokeLocal(io, config, payload);
  if (!answer.streamed || answer.payload.length > 0) io.stdout.write(`${answer.payload.toString('utf8')}\n`);
  const report = answer.logResult
    ? Buffer.from(answer.logResult, 'base64')
        .toString('utf8')
        .split('\n')
        .find((l) => l.startsWith('REPORT '))
    : undefined;
  if (report) io.stderr.write(`${report}\n`);
  if (answer.functionError) {
    io.stderr.write(`svl: the function returned an error (${answer.functionError})\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

function noStrayArguments(positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' — see 'svl invoke --help'`);
}

async function readEvent(io: Io, file: string | undefined, data: string | undefined, positionals: string[]): Promise<Buffer> {
  const stdin = positionals[0] === '-';
  if (positionals.some((p) => p !== '-'))
    throw new UsageError(`unexpected argument '${positionals.find((p) => p !== '-')}' — pass the event with --event <file>, --data <json> or -`);
  if ([file !== undefined, data !== undefined, stdin].filter(Boolean).length > 1) {
    throw new UsageError('give the event one way: --event <file>, --data <json> or - (stdin)');
  }
  let raw = '{}';
  let from = '--data';
  if (file !== undefined) {
    from = file;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`cannot read event file '${file}' — check the path`);
    }
  } else if (data !== undefined) raw = data;
  else if (stdin) {
    from = 'stdin';
    raw = await text(io.stdin);
  }
  try {
    JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`the event from ${from} is not valid JSON (${(err as Error).message}) — fix the JSON`);
  }
  return Buffer.from(raw);
}

async function invokeLocal(io: Io, config: FunctionConfig, payload: Buffer): Promise<Answer> {
  const dev = await readDevState(config.root);
  const streamed = config.invokeMode === 'RESPONSE_STREAM';
  if (dev?.functions.includes(config.name)) {
    try {
      const base = `http://${dev.host}:${dev.port}`;
      return streamed ? await streamOverHttp(io, base, config.name, payload) : await invokeOverHttp(base, config.name, payload);
    } catch (err) {
      // svl dev answered with an error: that is the answer, not a reason to invoke a second time.
      if (err instanceof SvlError) throw err;
      // Otherwise svl dev went away between the check and the call: fall back to a one-shot instance.
    }
  }
  const binaryPath = (await devBinaries([config], { env: io.env })).get(config)!;
  const snapshots = new BuildSnapshots(config.root, config.name, `invoke-${process.pid}`);
  const emulator = new LambdaEmulator({
    functions: [{ fn: functionSettings(config, io.env, { debug: config.language === 'rust' }), binary: await snapshots.take(binaryPath), maxInstances: 1 }],
    hostEnv: io.env,
    // The function's own output goes to stderr, so stdout stays the result alone.
    onLog: (_name, text) => {
      for (const line of text.split('\n')) if (!/^(START|END|REPORT) RequestId:/.test(line)) io.stderr.write(`${line}\n`);
    },
  });
  try {
    const printer = streamed ? streamPrinter(io) : undefined;
    const sink: ResponseSink | undefined = printer && {
      begin() {},
      write(chunk) {
        printer.write(chunk);
        return true;
      },
      drained: () => Promise.resolve(),
    };
    const result = await emulator.invoke(config.name, payload, sink);
    printer?.end();
    return {
      streamed,
      payload: streamed && result.outcome.ok ? Buffer.alloc(0) : result.outcome.payload,
      functionError: result.outcome.ok ? undefined : result.outcome.errorType,
      logResult: logTail(result),
    };
  } finally {
    await emulator.close();
    await snapshots.removeAll();
  }
}

async function invokeOverHttp(base: string, name: string, payload: Buffer): Promise<Answer> {
  const res = await fetch(`${base}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
    method: 'POST',
    headers: { 'X-Amz-Log-Type': 'Tail', 'Content-Type': 'application/json' },
    body: new Uint8Array(payload),
  });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) {
    // The Invoke API's error shape ({"Type","message"} + x-amzn-ErrorType); svl dev's own 500 is plain text.
    let message = body.toString('utf8');
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // plain text
    }
    const type = res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`;
    throw new SvlError(`svl dev at ${base} refused the invocation (${type}: ${message.split('\n')[0]}) — fix the event, or see the svl dev output`);
  }
  let functionError: string | undefined;
  if (res.headers.get('x-amz-function-error')) {
    try {
      functionError = (JSON.parse(body.toString('utf8')) as { errorType?: string }).errorType ?? 'Unhandled';
    } catch {
      functionError = 'Unhandled';
    }
  }
  return { payload: body, functionError, logResult: res.headers.get('x-amz-log-result') ?? undefined };
}

async function invokeRemote(io: Io, config: FunctionConfig, payload: Buffer, region: string | undefined): Promise<Answer> {
  // Loaded only here: the SDK costs ~100 ms to import and local invokes do not need it.
  const { createAwsClients } = await import('../deploy/lambda/aws-clients.js');
  const { InvokeCommand, InvokeWithResponseStreamCommand } = await import('@aws-sdk/client-lambda');
  const { errorName, toSvlError } = await import('../deploy/lambda/aws-errors.js');
  const clients = await createAwsClients({ region, configRegion: config.region, env: io.env });
  try {
    if (config.invokeMode === 'RESPONSE_STREAM') {
      const out = await clients.lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: config.name, Payload: payload, LogType: 'Tail' }));
      const printer = streamPrinter(io);
      let answer: Answer = { streamed: true, payload: Buffer.alloc(0) };
      for await (const event of out.EventStream ?? []) {
        if (event.PayloadChunk?.Payload) printer.write(Buffer.from(event.PayloadChunk.Payload));
        const done = event.InvokeComplete;
        if (done) answer = { streamed: true, payload: Buffer.from(done.ErrorDetails ?? ''), functionError: done.ErrorCode, logResult: done.LogResult };
      }
      printer.end();
      return answer;
    }
    const out = await clients.lambda.send(new InvokeCommand({ FunctionName: config.name, Payload: payload, LogType: 'Tail' }));
    return { payload: Buffer.from(out.Payload ?? new Uint8Array()), functionError: out.FunctionError, logResult: out.LogResult };
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') {
      throw new SvlError(
        `function ${config.name} is not deployed in ${clients.region} — run 'svl deploy' first, or pass --region <the region it is deployed in>`,
      );
    }
    // The IAM action, so an AccessDenied names what to grant.
    throw toSvlError(err, 'lambda:InvokeFunction', clients.endpoint);
  } finally {
    clients.lambda.destroy();
    clients.iam.destroy();
  }
}
