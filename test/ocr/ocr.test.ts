// The cloudrun-ocr template end to end: generate both languages with the built CLI, build them
// natively, run them as Cloud Run would (PORT set) and speak the HTTP contract. The offline engine
// (Debian's tesseract) reads a PNG rendered here with ImageMagick; the Gemini path runs against
// test/ocr/fake-gemini.mjs because the real API cannot be reached (or billed) from CI.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { CARGO_TARGET_DIR } from '../support/paths.js';
import { loadConfig } from '../support/config.js';
// @ts-expect-error plain ESM shared with bench/ocr.mjs
import { startFakeGemini } from './fake-gemini.mjs';
// @ts-expect-error plain ESM shared with bench/ocr.mjs
import { buildService, startService, withTargetDirLock } from './service.mjs';

type Service = { url: string; child: ReturnType<typeof execa>; logs: () => string };
type FakeGemini = { url: string; requests: () => number; received: Promise<void>; close: () => Promise<void> };

const KNOWN_TEXT = 'HELLO SVL 42';
const UPLOAD_LIMIT = 1024 * 1024;

/** A PNG of known text, large enough for tesseract to read without doubt. */
async function renderTextPng(): Promise<Buffer> {
  const { stdout } = await execa(
    'convert',
    ['-size', '1400x220', 'xc:white', '-fill', 'black', '-pointsize', '96', '-gravity', 'center', '-annotate', '0', KNOWN_TEXT, 'png:-'],
    { encoding: 'buffer' },
  );
  return Buffer.from(stdout);
}

async function postImage(url: string, body: Uint8Array, contentType = 'application/octet-stream') {
  const res = await fetch(`${url}/v1/ocr`, { method: 'POST', body, headers: { 'content-type': contentType } });
  // biome-ignore lint/suspicious/noExplicitAny: the service's JSON answers, checked field by field below
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const exited = (child: ReturnType<typeof execa>) => child.then((r) => r.exitCode);

describe.each(['go', 'rust'] as const)('cloudrun-ocr --lang %s', (lang) => {
  let dir: string;
  let binary: string;
  let service: Service;
  let png: Buffer;

  beforeAll(async () => {
    const root = await scratchDir(`ocr-${lang}`);
    dir = path.join(root, `ocr-${lang}`);
    const generated = await svl(['new', dir, '--template', 'cloudrun-ocr', '--lang', lang], { cwd: root });
    expect(generated.exitCode, generated.all).toBe(0);
    const config = await loadConfig(dir); // validates against schema/svl.schema.json
    expect(config).toMatchObject({ platform: 'cloudrun', language: lang, arch: 'x86_64', cloudrun: { secrets: { GEMINI_API_KEY: 'gemini-api-key' } } });
    expect(await fs.pathExists(path.join(dir, '.dockerignore'))).toBe(true);
    expect(await fs.pathExists(path.join(dir, '.gcloudignore'))).toBe(true);
    [binary, png] = await Promise.all([buildService(dir, lang, { cargoTargetDir: CARGO_TARGET_DIR }), renderTextPng()]);
    service = await startService(binary, { OCR_ENGINE: 'tesseract', OCR_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT), GOOGLE_CLOUD_PROJECT: 'proj-1' });
  });

  afterAll(() => {
    service?.child.kill('SIGKILL');
  });

  it('passes its own fmt, lint and tests (which run against a fake generateContent server)', async () => {
    const run = (cmd: string, args: string[]) => execa(cmd, args, { cwd: dir, all: true, reject: false, env: { CARGO_TARGET_DIR } });
    const steps =
      lang === 'go'
        ? [run('gofmt', ['-l', '.']), run('go', ['vet', './...'])]
        : [run('cargo', ['fmt', '--check']), run('cargo', ['clippy', '--quiet', '--all-targets', '--', '-D', 'warnings'])];
    // (clippy only checks: it writes no binary into the shared target dir.)
    for (const step of await Promise.all(steps)) {
      expect(step.exitCode, step.all).toBe(0);
      if (step.command.startsWith('gofmt')) expect(step.stdout, 'gofmt -l lists unformatted files').toBe('');
    }
    // cargo test rewrites the shared target dir's `bootstrap`: hold svl's lock like every svl build.
    const tests =
      lang === 'go' ? await run('go', ['test', '-count=1', './...']) : await withTargetDirLock(CARGO_TARGET_DIR, () => run('cargo', ['test', '--quiet']));
    expect(tests.exitCode, tests.all).toBe(0);
  });

  it('reads known text from a PNG with the offline engine', async () => {
    const { status, body } = await postImage(service.url, png, 'image/jpeg' /* a lie: sniffing decides */);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.text.replace(/\s+/g, ' ').trim()).toBe(KNOWN_TEXT);
    expect(body).toMatchObject({ engine: 'tesseract', model: 'tesseract-eng' });
    expect(body.durationMs).toBeTypeOf('number');
  });

  it('takes the multipart field "file" too', async () => {
    const form = new FormData();
    form.append('file', new Blob([png]), 'scan.png');
    const res = await fetch(`${service.url}/v1/ocr`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toContain('SVL');
  });

  it('answers 413 over the upload limit, 415 for random bytes and for HEIC offline, 400 for an empty body', async () => {
    const oversize = Buffer.concat([png, Buffer.alloc(UPLOAD_LIMIT)]);
    const cases = [
      [oversize, 413, 'too_large'],
      [Buffer.concat([Buffer.from([0]), randomBytes(4095)]), 415, 'not_an_image'], // 0x00 first: no PNG/JPEG/WebP/PDF magic
      [new Uint8Array(), 400, 'empty_body'],
      // HEIC is sniffed as an image, but only Gemini reads it.
      [Buffer.concat([Buffer.from('\0\0\0\x18ftypheic', 'latin1'), Buffer.alloc(64)]), 415, 'unsupported_by_engine'],
    ] as const;
    for (const [upload, status, code] of cases) {
      const res = await postImage(service.url, upload);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
  });

  it('writes JSON logs Cloud Logging understands, with the trace', async () => {
    await fetch(`${service.url}/v1/ocr`, {
      method: 'POST',
      body: Buffer.from('plain text, not an image'),
      headers: { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' },
    });
    // The log line is written before the response, but reaches us through a pipe: poll briefly.
    const traced = () =>
      service
        .logs()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (let i = 0; i < 100 && !traced().some((l) => 'logging.googleapis.com/trace' in l); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = traced();
    expect(lines[0]).toMatchObject({ severity: 'INFO', message: 'listening' });
    const rejected = lines.filter((l) => l.code === 'not_an_image').at(-1);
    expect(rejected).toMatchObject({
      severity: 'WARNING',
      'logging.googleapis.com/trace': 'projects/proj-1/traces/105445aa7843bc8bf206b12000100000',
    });
  });

  it('on SIGTERM finishes the request in flight, refuses new ones and exits 0 within 10 s', async () => {
    const fake: FakeGemini = await startFakeGemini({ latencyMs: 1500, text: 'drained' });
    const secret = 'fake-key-must-not-be-logged';
    const slow = await startService(binary, { OCR_ENGINE: 'gemini', GEMINI_API_KEY: secret, GEMINI_BASE_URL: fake.url, GOOGLE_CLOUD_PROJECT: 'p' });
    try {
      const inFlight = postImage(slow.url, png);
      await fake.received;
      const signalled = performance.now();
      slow.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await expect(fetch(`${slow.url}/health`)).rejects.toThrow();
      const { status, body } = await inFlight;
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ text: 'drained', engine: 'gemini', model: 'fake-flash-lite' });
      expect(await exited(slow.child)).toBe(0);
      expect(performance.now() - signalled).toBeLessThan(10_000);
      expect(slow.logs()).not.toContain(secret);
    } finally {
      slow.child.kill('SIGKILL');
      await fake.close();
    }
  });
});
