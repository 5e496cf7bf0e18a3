import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvokeWithResponseStreamCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STREAMED_RESPONSE_BYTES } from '../../src/emulator/limits.js';
import { REPO_ROOT } from '../support/paths.js';
import { svl, testEnv } from '../support/cli.js';
import { generateProject } from '../support/projects.js';
import { REPORT_RE, fixtureCopy, lambdaClientFor, startDev, type DevServer } from './dev-server.js';

// Lambda response streaming under svl dev, both ways: a RESPONSE_STREAM function URL and
// InvokeWithResponseStream (the real @aws-sdk/client-lambda). The functions are the generated
// `stream` flavours, built for real (lambda_runtime via lambda_http, aws-lambda-go's lambdaurl), and
// a Go fixture that fails mid-stream, crashes mid-stream and streams past the size limit.

const GO_STREAM = path.join(REPO_ROOT, 'test', 'fixtures', 'functions', 'go-stream');
const SEPARATOR = Buffer.alloc(8);

interface Line {
  text: string;
  /** Date.now() when the line was complete here: the same clock the function stamps `at_ms` with. */
  receivedAt: number;
}

interface StreamedHttp {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  lines: Line[];
  /** The body ended with the final chunk (false: the connection was cut mid-body). */
  complete: boolean;
  firstByteMs: number;
  lastByteMs: number;
}

/** A GET that notes when each body line arrives. */
function getStreamed(url: string): Promise<StreamedHttp> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, (res) => {
      const chunks: Buffer[] = [];
      const lines: Line[] = [];
      let pending = '';
      let firstByteMs = 0;
      let lastByteMs = 0;
      res.on('data', (chunk: Buffer) => {
        const now = performance.now() - started;
        if (chunks.length === 0) firstByteMs = now;
        lastByteMs = now;
        chunks.push(chunk);
        // A size-limit body is one 200 MiB line: past 64 KiB without a newline, lines are not tracked.
        if (pending.length > 65_536) return;
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop()!;
        for (const text of parts) lines.push({ text, receivedAt: Date.now() });
      });
      res.on('error', () => {}); // a cut connection: `complete` says so
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          lines,
          complete: res.complete,
          firstByteMs,
          lastByteMs,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

interface StreamedInvoke {
  chunks: Buffer[];
  /** Date.now() at each chunk's arrival. */
  arrivals: number[];
  total: number;
  complete?: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string };
}

/** InvokeWithResponseStream through the SDK: every PayloadChunk (kept unless `count` only) and the InvokeComplete. */
async function invokeStreamed(lambda: LambdaClient, name: string, payload: unknown, keep = true): Promise<StreamedInvoke> {
  const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail' }));
  expect(out.StatusCode).toBe(200);
  expect(out.ExecutedVersion).toBe('$LATEST');
  const result: StreamedInvoke = { chunks: [], arrivals: [], total: 0 };
  for await (const event of out.EventStream!) {
    if (event.PayloadChunk?.Payload) {
      result.total += event.PayloadChunk.Payload.length;
      if (keep) {
        result.chunks.push(Buffer.from(event.PayloadChunk.Payload));
        result.arrivals.push(Date.now());
      }
    }
    if (event.InvokeComplete) result.complete = event.InvokeComplete;
  }
  return result;
}

/** The body after a function URL prelude (InvokeWithResponseStream passes the prelude on as written). */
function afterPrelude(bytes: Buffer): { prelude: unknown; body: Buffer } {
  const at = bytes.indexOf(SEPARATOR);
  expect(at, 'the stream starts with a prelude and 8 NUL bytes').toBeGreaterThan(0);
  return { prelude: JSON.parse(bytes.subarray(0, at).toString('utf8')), body: bytes.subarray(at + SEPARATOR.length) };
}

const startLines = (dev: DevServer) => dev.stdout().match(/^START RequestId: /gm)?.length ?? 0;

async function check(cwd: string, file: string, args: string[]): Promise<string> {
  const r = await execa(file, args, { cwd, all: true, reject: false, timeout: 10 * 60_000, env: testEnv({ CARGO_TERM_COLOR: 'never' }) });
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.all}`);
  return r.stdout;
}

const flavours = [
  {
    language: 'rust',
    template: 'rust-lambda',
    checks: [
      ['cargo', ['fmt', '--check']],
      ['cargo', ['clippy', '--all-targets', '--', '-D', 'warnings']],
      ['cargo', ['test']],
    ],
  },
  {
    language: 'go',
    template: 'go-lambda',
    checks: [
      ['gofmt', ['-l', '.']],
      ['go', ['vet', './...']],
      ['go', ['test', './...']],
    ],
  },
] as const;

describe.each(flavours)('the generated $language stream flavour under svl dev', ({ language, template, checks }) => {
  const name = `stream-${language}`;
  let dir: string;
  let dev: DevServer;
  let lambda: LambdaClient;

  beforeAll(async () => {
    dir = await generateProject(template, { flavor: 'stream', name });
    dev = await startDev(dir, ['--no-watch']);
    lambda = await lambdaClientFor(dev.url);
  }, 900_000);

  afterAll(async () => {
    lambda?.destroy();
    await dev?.stop();
  });

  it('passes its own format, lint and unit-test checks', async () => {
    for (const [file, args] of checks) {
      const out = await check(dir, file, [...args]);
      if (file === 'gofmt') expect(out, 'gofmt -l lists unformatted files').toBe('');
    }
  }, 900_000);

  it('streams through the function URL: the first line arrives before the function writes the last; status, headers and cookie come from the prelude', async () => {
    const r = await getStreamed(`${dev.url}/?name=Ada&chunks=4`);
    expect(r.status).toBe(200);
    expect(r.complete).toBe(true);
    expect(r.headers['content-type']).toBe('application/x-ndjson');
    expect(r.headers['set-cookie']).toEqual(['streamed=1; Path=/; HttpOnly']);
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.includes(0), 'no NUL bytes of the prelude separator in the body').toBe(false);
    expect(r.body.toString('utf8')).not.toContain('statusCode');
    const chunks = r.lines.map((l) => JSON.parse(l.text) as { chunk: number; message: string; at_ms: number });
    expect(chunks.map((c) => c.chunk)).toEqual([1, 2, 3, 4]);
    expect(chunks[0]!.message).toBe('Hello, Ada!');
    // Order of events on one clock, not a time limit: line 1 was here before line 4 was written.
    expect(r.lines[0]!.receivedAt).toBeLessThan(chunks[3]!.at_ms);
    // The figures the report quotes: time to first and last byte of a 4-chunk, 300 ms-paced stream,
    // cold (this first request starts the instance) and warm.
    const warm = await getStreamed(`${dev.url}/?name=Ada&chunks=4`);
    expect(warm.lines).toHaveLength(4);
    const ms = (x: StreamedHttp) => `first byte ${x.firstByteMs.toFixed(1)} ms, last byte ${x.lastByteMs.toFixed(1)} ms`;
    console.log(`${language} stream flavour over the function URL: cold ${ms(r)}; warm ${ms(warm)}`);
  });

  it('a bad chunk count is a 400 from the prelude, still streamed', async () => {
    const r = await getStreamed(`${dev.url}/?chunks=0`);
    expect([r.status, r.complete]).toEqual([400, true]);
    expect(JSON.parse(r.lines[0]!.text).error).toContain('chunks');
  });

  it('InvokeWithResponseStreamCommand reads every chunk as it is written, then InvokeComplete with the log tail', async () => {
    const event = JSON.parse(await readFile(path.join(dir, 'events', 'get.json'), 'utf8'));
    const r = await invokeStreamed(lambda, name, event);
    expect(r.complete).toBeDefined();
    expect(r.complete!.ErrorCode).toBeUndefined();
    const report = Buffer.from(r.complete!.LogResult!, 'base64').toString('utf8').match(REPORT_RE);
    expect(report).not.toBeNull();
    const { prelude, body } = afterPrelude(Buffer.concat(r.chunks));
    expect(prelude).toMatchObject({ statusCode: 200 });
    const lines = body
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { chunk: number; at_ms: number });
    expect(lines.map((l) => l.chunk)).toEqual([1, 2, 3]);
    // REPORT's Duration runs until the stream ends, past the first of the two 300 ms pauses (one pause,
    // not both: clocks of separate processes in this sandbox were seen to differ by ~1-3%).
    expect(Number(report![2])).toBeGreaterThan(300);
    // The chunk that carried line 1 arrived before the function wrote line 3.
    const first = r.chunks.findIndex((c) => c.toString('utf8').includes('"chunk":1'));
    expect(r.arrivals[first]!).toBeLessThan(lines[2]!.at_ms);
  });

  it('svl invoke prints the stream as it arrives: body on stdout, the prelude status and REPORT on stderr', async () => {
    const r = await svl(['invoke', '--event', 'events/get.json'], { cwd: dir });
    expect(r.exitCode, r.all).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { chunk: number });
    expect(lines.map((l) => l.chunk)).toEqual([1, 2, 3]);
    expect(r.stderr).toMatch(/^HTTP 200$/m);
    expect(r.stderr).toMatch(REPORT_RE);
  });
});

describe('a streaming function that goes wrong (Go fixture)', () => {
  let dev: DevServer;
  let lambda: LambdaClient;

  beforeAll(async () => {
    dev = await startDev(await fixtureCopy(GO_STREAM), ['--no-watch']);
    lambda = await lambdaClientFor(dev.url);
  }, 900_000);

  afterAll(async () => {
    lambda?.destroy();
    await dev?.stop();
  });

  it('failing mid-stream: the URL sends what was written, then cuts the connection without the final chunk', async () => {
    const r = await getStreamed(`${dev.url}/fail`);
    expect(r.status).toBe(200);
    expect(r.body.toString('utf8')).toBe('one\ntwo\n');
    expect(r.complete).toBe(false);
  });

  it('failing mid-stream: InvokeComplete carries the error type and body from the error trailers', async () => {
    const r = await invokeStreamed(lambda, 'go-stream', { mode: 'fail' });
    expect(afterPrelude(Buffer.concat(r.chunks)).body.toString('utf8')).toBe('one\ntwo\n');
    expect(r.complete?.ErrorCode).toBe('errorString');
    expect(JSON.parse(r.complete!.ErrorDetails!)).toEqual({ errorType: 'errorString', errorMessage: 'the stream broke after two lines' });
  });

  it('exiting mid-stream: the caller keeps what was written and gets Runtime.ExitError', async () => {
    const r = await invokeStreamed(lambda, 'go-stream', { mode: 'crash' });
    expect(afterPrelude(Buffer.concat(r.chunks)).body.toString('utf8')).toBe('partial\n');
    expect(r.complete?.ErrorCode).toBe('Runtime.ExitError');
    expect(r.complete?.ErrorDetails).toContain('Runtime exited with error: exit status 3');
  });

  it('past the streamed-response limit: exactly the limit is delivered, then Function.ResponseSizeTooLarge', async () => {
    const invoked = await invokeStreamed(lambda, 'go-stream', { mode: 'big', mb: 201 }, false);
    expect(invoked.total).toBe(MAX_STREAMED_RESPONSE_BYTES);
    expect(invoked.complete?.ErrorCode).toBe('Function.ResponseSizeTooLarge');
    // Over the function URL the limit counts the runtime's bytes, prelude included; then the cut.
    const url = await getStreamed(`${dev.url}/big`);
    expect(url.status).toBe(200);
    expect(url.complete).toBe(false);
    expect(url.body.length).toBe(MAX_STREAMED_RESPONSE_BYTES - Buffer.byteLength('{"statusCode":200,"headers":{"Content-Type":"text/plain"}}') - 8);
  }, 120_000);

  it('svl invoke without svl dev (a one-shot instance) prints the stream, then the error, and exits 1', async () => {
    const alone = await fixtureCopy(GO_STREAM);
    const r = await svl(['invoke', '--data', '{"mode":"fail"}'], { cwd: alone, timeout: 300_000 });
    expect(r.exitCode, r.all).toBe(1);
    const [body, error] = [r.stdout.slice(0, 8), r.stdout.slice(8).trim()];
    expect(body).toBe('one\ntwo\n');
    expect(JSON.parse(error)).toMatchObject({ errorType: 'errorString', errorMessage: 'the stream broke after two lines' });
    expect(r.stderr).toMatch(/^HTTP 200\ncontent-type: text\/plain$/m);
    expect(r.stderr).toContain('svl: the function returned an error (errorString)');
  }, 300_000);

  it('an unknown /2021-11-15/ path (or a wrong method) never runs the function', async () => {
    const before = startLines(dev);
    for (const [method, p] of [
      ['POST', '/2021-11-15/functions/go-stream/response-streaming-invocation'],
      ['POST', '/2021-11-15/functions/go-stream/invocations'],
      ['GET', '/2021-11-15/functions/go-stream/response-streaming-invocations'],
    ] as const) {
      const res = await fetch(`${dev.url}${p}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    }
    // One real invocation after them: its START is the only new one once its REPORT is in.
    const done = await invokeStreamed(lambda, 'go-stream', { mode: 'ok' });
    await dev.waitForStdout(`REPORT RequestId: ${done.complete && Buffer.from(done.complete.LogResult!, 'base64').toString().match(REPORT_RE)![1]}`);
    expect(startLines(dev)).toBe(before + 1);
  });
});

it('a BUFFERED function URL with a streaming function answers whole, prelude and all (as on AWS), and svl dev says how to stream', async () => {
  const dev = await startDev(await fixtureCopy(GO_STREAM, { invokeMode: 'BUFFERED' }), ['--no-watch']);
  try {
    const r = await getStreamed(`${dev.url}/ok`);
    expect([r.status, r.complete]).toEqual([200, true]);
    const { prelude, body } = afterPrelude(r.body);
    expect(prelude).toEqual({ statusCode: 200, headers: { 'Content-Type': 'text/plain' } });
    expect(body.toString('utf8')).toBe('ok\n');
    await dev.waitForStdout('set "invokeMode": "RESPONSE_STREAM" in svl.json');
  } finally {
    await dev.stop();
  }
}, 900_000);
