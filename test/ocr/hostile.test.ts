// The cloudrun-ocr services under hostile input, black box, against the hardening contract
// (issue 10): pixel and header bombs, truncated and corrupt images, many large uploads at once,
// slow-trickle connections, and a Gemini that refuses, rate-limits or answers garbage. Both
// languages are generated with the built CLI, built with release settings (image decoding in a
// debug Rust build is far too slow) and run with OCR_MEMORY_LIMIT_MIB = svl.json's cloudrun.memory;
// the service must answer every case with the contract's status and code, never exit, and keep
// its peak RSS (VmHWM) under that limit. Loopback only; every count is bounded.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { loadConfig } from '../support/config.js';
import { CARGO_TARGET_DIR } from '../support/paths.js';
// @ts-expect-error plain ESM shared with bench/ocr.mjs
import { startFakeGemini } from './fake-gemini.mjs';
import {
  blankPng,
  corruptPng,
  KNOWN_TEXT,
  noisyPhoto,
  padTo,
  parseMemoryMiB,
  peakRssMiB,
  pngHeaderBomb,
  postImage,
  resetPeakRss,
  textImage,
  trickle,
  truncateJpegHeader,
  truncatePngHeader,
  // @ts-expect-error plain ESM shared with bench/ocr.mjs
} from './hostile-inputs.mjs';
// @ts-expect-error plain ESM shared with bench/ocr.mjs
import { buildService, startService } from './service.mjs';

type Service = { url: string; child: { pid?: number; exitCode: number | null; kill: (signal?: string) => boolean }; logs: () => string };
type FakeMode = 'ok' | 'retry-info' | 'quota' | 'unavailable' | 'safety' | 'blocked' | 'max-tokens' | 'garbage';
type FakeGemini = { url: string; requests: () => number; setMode: (mode: FakeMode) => void; close: () => Promise<void> };
type Answer = { status: number | 'reset'; code?: string; reason?: string; message?: string; retryAfter: string | null; text: string };
type TrickleOutcome = { status: number | null; raw: string; error?: string; open?: boolean };

const BODY_TIMEOUT_MS = 2000;
const TRICKLERS = 150;
const MAX_PIXELS = 25_000_000; // the contract's OCR_MAX_PIXELS default, left unset here
const GEMINI_UPLOAD_LIMIT = 14 * 2 ** 20; // OCR_MAX_UPLOAD_BYTES defaults, left unset here
const TESSERACT_UPLOAD_LIMIT = 20 * 2 ** 20;
const SECRET = 'hostile-fake-key-must-not-leak';

/** The hostile images, made once for both languages. */
const inputs = (async () => {
  const [png, jpeg, tiff, photo] = await Promise.all([textImage('png'), textImage('jpg'), textImage('tiff'), noisyPhoto()]);
  return {
    png,
    tiff,
    photo,
    huge: blankPng(12_000, 12_000), // real and decodable: 144 Mpx in ~30 KB
    bomb: pngHeaderBomb(50_000, 50_000), // 2.5 Gpx declared, a few bytes of data
    truncatedPng: truncatePngHeader(png),
    truncatedJpeg: truncateJpegHeader(jpeg),
    corrupt: corruptPng(),
    nineteenMB: padTo(jpeg, 19_000_000), // a readable JPEG + zeros after EOI
  };
})();

/**
 * Refusals the contract allows when an instance is full: come back later. A 429 busy can be
 * answered while the upload is still being written (its bytes are charged as they arrive), and
 * the close that follows may reach fetch as a reset before the answer does: a reset counts here
 * too — a crash is caught by the exit check, not by the status.
 */
const LOAD_SHED = ['429 busy', '429 queue_full', '503 rate_limited', 'reset'];
const key = (a: Answer) => `${a.status} ${a.code ?? ''}`.trim();

/** The counts of "status code" over answers, for failure messages. */
function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[key(a)] = (counts[key(a)] ?? 0) + 1;
  return counts;
}

describe.each(['go', 'rust'] as const)('cloudrun-ocr --lang %s under hostile input', (lang) => {
  let binary: string;
  let limitMiB: number;
  let images: Awaited<typeof inputs>;
  let fake: FakeGemini;
  const started: Service[] = [];
  const fakes: FakeGemini[] = [];

  // OCR_BODY_TIMEOUT_MS stays at its default (10 s) except for the trickle case: 80 × 10 MB from
  // one client on two loaded cores can rightly take more than 2 s to arrive.
  const baseEnv = () => ({ OCR_MEMORY_LIMIT_MIB: String(limitMiB), GOOGLE_CLOUD_PROJECT: 'proj-1' });
  async function start(env: Record<string, string>): Promise<Service> {
    const service: Service = await startService(binary, { ...baseEnv(), ...env });
    started.push(service);
    await resetPeakRss(service.child.pid); // each case measures its own peak
    return service;
  }
  // One Gemini and one tesseract service per language serve most cases. Each case starts from a
  // reset peak; a case that crashed one is reported there, and the next case gets a new one.
  const shared: Record<'gemini' | 'tesseract', { env: () => Record<string, string>; service?: Service }> = {
    gemini: { env: () => geminiEnv(fake) },
    tesseract: { env: () => ({ OCR_ENGINE: 'tesseract' }) },
  };
  async function service(engine: 'gemini' | 'tesseract'): Promise<Service> {
    const entry = shared[engine];
    if (entry.service?.child.exitCode === null) {
      await resetPeakRss(entry.service.child.pid);
      return entry.service;
    }
    entry.service = await start(entry.env());
    return entry.service;
  }
  async function fakeGemini(mode: FakeMode = 'ok'): Promise<FakeGemini> {
    const f: FakeGemini = await startFakeGemini({ mode });
    fakes.push(f);
    return f;
  }
  const geminiEnv = (f: FakeGemini, extra: Record<string, string> = {}) => ({ OCR_ENGINE: 'gemini', GEMINI_API_KEY: SECRET, GEMINI_BASE_URL: f.url, ...extra });

  /** The service is still running, still healthy, and its peak RSS so far is under the limit. */
  async function expectSurvived(service: Service) {
    expect(service.child.exitCode, `the service exited:\n${service.logs().slice(-4000)}`).toBeNull();
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    const peak = await peakRssMiB(service.child.pid);
    expect(peak, `peak RSS ${peak.toFixed(1)} MiB against OCR_MEMORY_LIMIT_MIB=${limitMiB}`).toBeLessThan(limitMiB);
  }

  beforeAll(async () => {
    const root = await scratchDir(`ocr-hostile-${lang}`);
    const dir = path.join(root, `ocr-${lang}`);
    const generated = await svl(['new', dir, '--template', 'cloudrun-ocr', '--lang', lang], { cwd: root });
    expect(generated.exitCode, generated.all).toBe(0);
    const config = await loadConfig(dir);
    limitMiB = parseMemoryMiB(config.cloudrun?.memory);
    // A template that pins the limit in its environment must pin the memory it deploys with.
    const pinned = config.environment.OCR_MEMORY_LIMIT_MIB;
    if (pinned !== undefined) expect(Number(pinned), 'svl.json environment.OCR_MEMORY_LIMIT_MIB vs cloudrun.memory').toBe(limitMiB);
    [binary, images] = await Promise.all([buildService(dir, lang, { release: true, cargoTargetDir: CARGO_TARGET_DIR }), inputs]);
    fake = await fakeGemini('ok');
  });

  afterAll(async () => {
    for (const s of started) s.child.kill('SIGKILL');
    await Promise.all(fakes.map((f) => f.close()));
  });

  afterEach(() => {
    for (const s of started) expect(s.logs(), 'the API key in a log line').not.toContain(SECRET);
  });

  describe.each(['gemini', 'tesseract'] as const)('engine %s', (engine) => {
    it('refuses a real 12000×12000 PNG and a 50000×50000 header bomb before decoding: 413 too_many_pixels', { timeout: 60_000 }, async () => {
      const svc = await service(engine);
      for (const [image, w] of [
        [images.huge, 12_000],
        [images.bomb, 50_000],
      ] as const) {
        const a: Answer = await postImage(svc.url, image, 'image/png');
        expect(key(a), a.text).toBe('413 too_many_pixels');
        expect(a.message).toMatch(new RegExp(`${w}\\s*[x×]\\s*${w}`));
        expect(a.message).toContain('OCR_MAX_PIXELS');
        // The budget, as 25000000 (any digit grouping) or 25 Mpx.
        expect(a.message?.replace(/(\d)[ _,.'](?=\d{3})/g, '$1')).toMatch(new RegExp(`${MAX_PIXELS}|${MAX_PIXELS / 1e6}\\s*M`));
      }
      await expectSurvived(svc);
    });

    it('answers 422 bad_image for a PNG cut inside IHDR and a JPEG cut inside its frame header', { timeout: 60_000 }, async () => {
      const svc = await service(engine);
      for (const image of [images.truncatedPng, images.truncatedJpeg]) {
        const a: Answer = await postImage(svc.url, image);
        expect(key(a), a.text).toBe('422 bad_image');
        expect(a.message).toBe('the image could not be decoded');
      }
      await expectSurvived(svc);
    });

    it('takes 10 uploads of 19 MB at once without going over its memory', { timeout: 120_000 }, async () => {
      const svc = await service(engine);
      const answers: Answer[] = await Promise.all(Array.from({ length: 10 }, () => postImage(svc.url, images.nineteenMB, 'image/jpeg')));
      const counts = tally(answers);
      if (engine === 'gemini') {
        // 19 MB is over the Gemini engine's 14 MiB limit: refused from Content-Length, before the
        // body is read — fetch may see the connection closed while it is still writing.
        expect(images.nineteenMB.length).toBeGreaterThan(GEMINI_UPLOAD_LIMIT);
        for (const a of answers) expect(['413 too_large', 'reset'], JSON.stringify(counts)).toContain(key(a));
        // The same headers without a body byte: the 413 must come from Content-Length alone.
        const [headersOnly]: TrickleOutcome[] = await trickle(svc.url, {
          connections: 1,
          contentLength: images.nineteenMB.length,
          intervalMs: 3_600_000,
          guardMs: 15_000,
        }).done;
        expect(headersOnly?.open, 'answered from Content-Length, without waiting for the body').toBeUndefined();
        expect(headersOnly?.status, headersOnly?.raw).toBe(413);
        expect(headersOnly?.raw).toMatch(/"code"\s*:\s*"too_large"/);
      } else {
        expect(images.nineteenMB.length).toBeLessThan(TESSERACT_UPLOAD_LIMIT);
        for (const a of answers) {
          // 504 engine_timeout: the contract's bound on a tesseract child that waited or ran too
          // long (OCR_TESSERACT_TIMEOUT_MS / the request deadline) — a refusal, not a hang.
          expect(['200', '413 too_large_for_instance', '504 engine_timeout', ...LOAD_SHED], JSON.stringify(counts)).toContain(key(a));
          if (a.status === 429) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
        }
        // Not all shed: at least one upload got a verdict of its own. (A lone 19 MB upload may
        // rightly be 413 too_large_for_instance when tesseract's RLIMIT_AS cannot hold it.)
        const verdicts = answers.filter((a) => !LOAD_SHED.includes(key(a)));
        expect(verdicts.length, `at least one upload is processed: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
        for (const served of answers.filter((a) => a.status === 200)) {
          expect(JSON.parse(served.text).text.replace(/\s+/g, ' ').trim()).toBe(KNOWN_TEXT);
        }
      }
      await expectSurvived(svc);
    });
  });

  it('80 concurrent 7 MB noisy photos: each served or shed with Retry-After, memory under the limit', { timeout: 180_000 }, async () => {
    expect(images.photo.length).toBeGreaterThan(4_000_000);
    const gemini = await service('gemini');
    const calls = fake.requests();
    const answers: Answer[] = await Promise.all(Array.from({ length: 80 }, () => postImage(gemini.url, images.photo, 'image/jpeg')));
    const counts = tally(answers);
    for (const a of answers) {
      expect(['200', ...LOAD_SHED], JSON.stringify(counts)).toContain(key(a));
      if (a.status !== 200 && a.status !== 'reset') expect(Number(a.retryAfter), `Retry-After on ${key(a)}`).toBeGreaterThanOrEqual(1);
    }
    expect(counts['200'] ?? 0, JSON.stringify(counts)).toBeGreaterThan(0);
    expect(fake.requests() - calls).toBe(counts['200']);
    await expectSurvived(gemini);
  });

  it(`${TRICKLERS} slow-trickle uploads get 408 body_timeout and lose their connection; a normal request meanwhile gets 200`, { timeout: 90_000 }, async () => {
    // OCR_QUEUE_SIZE=20 puts the old "admission slot per connection" design (80 + 20 slots) below
    // the number of tricklers, so a service that holds a slot while reading a body fails.
    const gemini = await start(geminiEnv(fake, { OCR_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS), OCR_QUEUE_SIZE: '20' }));
    // Each trickler declares 1 MB and sends one byte every 200 ms: it would take 55 hours.
    const attack = trickle(gemini.url, { connections: TRICKLERS, contentLength: 1_000_000, intervalMs: 200, guardMs: 30_000 });
    try {
      await attack.ready;
      const normal: Answer = await postImage(gemini.url, images.png, 'image/png');
      const stillOpen = attack.openCount();
      expect(key(normal), normal.text).toBe('200');
      expect(JSON.parse(normal.text).text).toBe('FAKE GEMINI TEXT');
      expect(stillOpen, 'the normal request was answered while the tricklers were still connected').toBeGreaterThan(0);
      const outcomes: TrickleOutcome[] = await attack.done;
      const summary = JSON.stringify(tallyTrickle(outcomes));
      for (const o of outcomes) {
        expect(o.open, `the server closed every trickling connection: ${summary}`).toBeUndefined();
        expect(o.status, summary).toBe(408);
        expect(o.raw).toMatch(/"code"\s*:\s*"body_timeout"/);
        expect(o.raw).toContain(String(BODY_TIMEOUT_MS));
      }
    } finally {
      attack.destroy();
    }
    await expectSurvived(gemini);
  });

  describe('engine tesseract', () => {
    it('reads known text back from a TIFF', { timeout: 60_000 }, async () => {
      expect(images.tiff.subarray(0, 4).toString('latin1')).toMatch(/^(II\*\0|MM\0\*)$/);
      const tesseract = await service('tesseract');
      const a: Answer = await postImage(tesseract.url, images.tiff, 'image/tiff');
      expect(key(a), a.text).toBe('200');
      expect(JSON.parse(a.text).text.replace(/\s+/g, ' ').trim()).toBe(KNOWN_TEXT);
    });

    it('answers a corrupt PNG with 422 bad_image and no leptonica text', { timeout: 60_000 }, async () => {
      const tesseract = await service('tesseract');
      const a: Answer = await postImage(tesseract.url, images.corrupt, 'image/png');
      expect(key(a), a.text).toBe('422 bad_image');
      expect(a.message).toBe('the image could not be decoded');
      expect(a.text).not.toMatch(/Error in|pixRead|leptonica|libpng/i);
      await expectSurvived(tesseract);
    });
  });

  describe('engine gemini against a misbehaving model', () => {
    it.each([
      ['safety', 422, 'model_refused', 'SAFETY'],
      ['blocked', 422, 'model_refused', 'PROHIBITED_CONTENT'],
      ['max-tokens', 502, 'model_answer_truncated', 'MAX_TOKENS'],
      ['garbage', 502, 'model_answer_unusable', undefined],
    ] as const)('a %s answer → %i %s, after exactly one call', { timeout: 60_000 }, async (mode, status, code, reason) => {
      const f = await fakeGemini(mode);
      const service = await start(geminiEnv(f));
      const a: Answer = await postImage(service.url, images.png, 'image/png');
      expect(key(a), a.text).toBe(`${status} ${code}`);
      if (reason) {
        expect(a.reason).toBe(reason);
        if (code === 'model_refused') expect(a.message).toBe(`the model stopped: ${reason}`);
      }
      expect(f.requests(), 'a 200 from the model is not retried').toBe(1);
      await expectSurvived(service);
    });

    it('a 429 with RetryInfo 45s → 503 model_overloaded, Retry-After: 45, at once and after one call; the breaker then answers without calling', {
      timeout: 60_000,
    }, async () => {
      const f = await fakeGemini('retry-info');
      const service = await start(geminiEnv(f));
      const t0 = performance.now();
      const a: Answer = await postImage(service.url, images.png, 'image/png');
      // "At once": before the 45 s the model asked for could have passed — no sleeping through it.
      expect(performance.now() - t0).toBeLessThan(45_000);
      expect(key(a), a.text).toBe('503 model_overloaded');
      expect(a.retryAfter).toBe('45');
      expect(f.requests()).toBe(1);
      const again: Answer = await postImage(service.url, images.png, 'image/png');
      expect(key(again), again.text).toBe('503 model_overloaded');
      expect(Number(again.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(again.retryAfter)).toBeLessThanOrEqual(45);
      expect(f.requests(), 'no call while the breaker is open').toBe(1);
      await expectSurvived(service);
    });

    it('an exhausted quota (every call 429): 20 requests reach the model a handful of times, each answered 503 with Retry-After', {
      timeout: 90_000,
    }, async () => {
      const f = await fakeGemini('quota');
      const retries = 2;
      const service = await start(geminiEnv(f, { GEMINI_MAX_RETRIES: String(retries) }));
      // One request opens the breaker (its own retries back off 1 s, 2 s within OCR_MAX_RETRY_WAIT_MS);
      // the next 19 arrive at once while it is open.
      const first: Answer = await postImage(service.url, images.png, 'image/png');
      const rest: Answer[] = await Promise.all(Array.from({ length: 19 }, () => postImage(service.url, images.png, 'image/png')));
      const answers = [first, ...rest];
      for (const a of answers) {
        expect(key(a), JSON.stringify(tally(answers))).toBe('503 model_overloaded');
        expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      // The first request's call and retries, plus at most one half-open probe.
      expect(f.requests()).toBeGreaterThanOrEqual(1);
      expect(f.requests()).toBeLessThanOrEqual(1 + retries + 1);
      await expectSurvived(service);
    });
  });
});

function tallyTrickle(outcomes: TrickleOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.open ? 'still open' : `${o.status ?? 'no answer'}${o.error ? ` ${o.error}` : ''}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
