#!/usr/bin/env node
// Go beside Rust for the cloudrun-ocr template, against a local fake Gemini with a fixed latency:
// idle RSS, RSS and p50/p99 latency at N concurrent requests, time from spawn to the first
// healthy GET /health — printed next to the figures commonly quoted for such services — and the
// peak RSS (VmHWM) under the hostile mix of test/ocr/hostile-mix.mjs (tricklers, 80 noisy photos,
// 10 × 19 MB uploads, pixel and header bombs, truncated images) with OCR_MEMORY_LIMIT_MIB set to
// the generated svl.json's cloudrun.memory.
//   node bench/ocr.mjs [--concurrency 80] [--rounds 10] [--latency 500] [--starts 7]
// Generates both projects with the built CLI (GEN="node bin/svl.js new" by default), builds them
// with release settings (shared CARGO_TARGET_DIR), then measures. Build once: `npm run build`.
import { execa } from 'execa';
import fs from 'fs-extra';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseMemoryMiB, peakRssMiB } from '../test/ocr/hostile-inputs.mjs';
import { hostileImages, runHostileMix } from '../test/ocr/hostile-mix.mjs';
import { buildService, startService } from '../test/ocr/service.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CARGO_TARGET_DIR = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, '.cache', 'cargo-target');
const WORK = path.join(ROOT, '.cache', 'scratch', 'bench-ocr');
const GEN = (process.env.GEN ?? `node ${path.join(ROOT, 'bin', 'svl.js')} new`).split(' ');

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '80' },
    rounds: { type: 'string', default: '10' },
    latency: { type: 'string', default: '500' },
    starts: { type: 'string', default: '7' },
  },
});
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const LATENCY_MS = Number(values.latency);
const STARTS = Number(values.starts);

/** utime + stime of a process in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
async function cpuMs(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS / VmHWM of a process, in MB (Linux /proc). */
async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** CONCURRENCY workers each POSTing `rounds` times; latencies sorted ascending. */
async function load(url, body, rounds) {
  const latencies = [];
  let failures = 0;
  const worker = async () => {
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', body });
      await res.arrayBuffer();
      if (res.ok) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies: latencies.sort((a, b) => a - b), failures };
}

async function measure(lang, binary, image, fakeUrl) {
  const env = {
    OCR_ENGINE: 'gemini',
    GEMINI_API_KEY: 'bench-fake-key',
    GEMINI_BASE_URL: fakeUrl,
    GEMINI_MAX_CONCURRENCY: String(CONCURRENCY),
    // 80 workers × 2 requests/s is ~9600 RPM, over the services' default client-side bucket
    // (GEMINI_RPM 4000): the latency rows measure the service, not its rate limiter.
    GEMINI_RPM: '1000000',
  };
  // Start-up: spawn → first 200 from /health, median of several cold starts.
  const startups = [];
  for (let i = 0; i < STARTS; i++) {
    const s = await startService(binary, env);
    startups.push(s.startupMs);
    s.child.kill('SIGTERM');
    await s.child;
  }
  const service = await startService(binary, env);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await memory(service.child.pid);
    let peakDuringLoad = idle.rss;
    const sampler = setInterval(() => {
      memory(service.child.pid).then(
        (m) => (peakDuringLoad = Math.max(peakDuringLoad, m.rss)),
        () => {},
      );
    }, 50);
    // One warm-up round so connection pools exist on both sides, as on a warm instance.
    await load(`${service.url}/v1/ocr`, image, 1);
    const cpuBefore = await cpuMs(service.child.pid);
    const { latencies, failures } = await load(`${service.url}/v1/ocr`, image, ROUNDS);
    const cpuMsPerRequest = ((await cpuMs(service.child.pid)) - cpuBefore) / (latencies.length + failures);
    clearInterval(sampler);
    const after = await memory(service.child.pid);
    return {
      lang,
      binaryMB: (await fs.stat(binary)).size / 1e6,
      startupMs: median(startups),
      idleMB: idle.rss,
      loadMB: Math.max(peakDuringLoad, after.rss),
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      cpuMsPerRequest,
      requests: latencies.length,
      failures,
    };
  } finally {
    service.child.kill('SIGTERM');
    await service.child;
  }
}

/**
 * A fresh service under the hostile mix (Gemini engine against the fake): its peak RSS against the
 * memory it is configured for, what the mix was answered, and whether a normal request made
 * during the trickle got 200. A service that exits mid-mix is reported, not thrown.
 */
async function measureHostile(binary, limitMiB, images, fakeUrl) {
  const service = await startService(binary, {
    OCR_ENGINE: 'gemini',
    GEMINI_API_KEY: 'bench-fake-key',
    GEMINI_BASE_URL: fakeUrl,
    OCR_MEMORY_LIMIT_MIB: String(limitMiB),
    OCR_BODY_TIMEOUT_MS: '2000',
    OCR_QUEUE_SIZE: '20',
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peakRssMiB(service.child.pid).then(
      (p) => (peak = Math.max(peak, p)),
      () => {},
    );
  }, 50);
  try {
    const mix = await runHostileMix(service.url, images, { tricklers: TRICKLERS });
    const alive = service.child.exitCode === null;
    if (alive) peak = Math.max(peak, await peakRssMiB(service.child.pid));
    return { limitMiB, peakMiB: peak, alive, ...mix };
  } finally {
    clearInterval(sampler);
    service.child.kill('SIGTERM');
    await service.child;
  }
}

/** The fake Gemini in its own process, so it does not compete with the load generator's event loop. */
async function startFakeGeminiProcess(latencyMs) {
  const child = execa('node', [path.join(ROOT, 'test', 'ocr', 'fake-gemini.mjs'), String(latencyMs)], { reject: false });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
    child.once('exit', (code) => reject(new Error(`fake Gemini exited with ${code}`)));
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

async function main() {
  await fs.ensureDir(WORK);
  const image = await execa(
    'convert',
    ['-size', '1400x220', 'xc:white', '-fill', 'black', '-pointsize', '96', '-gravity', 'center', '-annotate', '0', 'HELLO SVL 42', 'png:-'],
    { encoding: 'buffer' },
  ).then((r) => Buffer.from(r.stdout));
  const binaries = {};
  const limits = {};
  for (const lang of ['go', 'rust']) {
    const dir = path.join(WORK, `ocr-${lang}`);
    await fs.remove(dir);
    await execa(GEN[0], [...GEN.slice(1), dir, '--template', 'cloudrun-ocr', '--lang', lang], { cwd: WORK, env: { CI: 'true' } });
    process.stderr.write(`building ${lang} (release)…\n`);
    binaries[lang] = await buildService(dir, lang, { release: true, cargoTargetDir: CARGO_TARGET_DIR });
    limits[lang] = parseMemoryMiB(JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8')).cloudrun.memory);
  }
  const images = await hostileImages();
  const fake = await startFakeGeminiProcess(LATENCY_MS);
  const results = [];
  try {
    for (const lang of ['go', 'rust']) {
      process.stderr.write(`measuring ${lang}…\n`);
      // The harness floor: this client straight to the fake, same body and concurrency, right
      // before the service's run. What the service adds is the difference; on a busy machine the
      // floor itself drifts above the backend latency.
      const direct = `${fake.url}/v1beta/models/fake:generateContent`;
      await load(direct, image, 1);
      const floor = (await load(direct, image, ROUNDS)).latencies;
      results.push({ ...(await measure(lang, binaries[lang], image, fake.url)), floorP99: quantile(floor, 0.99) });
    }
    for (const [i, lang] of ['go', 'rust'].entries()) {
      process.stderr.write(`hostile mix against ${lang}…\n`);
      results[i].hostile = await measureHostile(binaries[lang], limits[lang], images, fake.url);
    }
  } finally {
    await fake.close();
  }
  const [go, rust] = results;
  const f = (n, digits = 1) => n.toFixed(digits);
  const rows = [
    ['metric', 'Go (genai SDK)', 'Rust (reqwest)', 'commonly quoted', 'goal'],
    ['binary (MB, stripped)', f(go.binaryMB), f(rust.binaryMB), '', ''],
    ['idle RSS (MB)', f(go.idleMB), f(rust.idleMB), 'Go 20–50 · Rust 2–10', 'Go ≤ 20 · Rust ≤ 10'],
    [`RSS at ${CONCURRENCY} concurrent (MB)`, f(go.loadMB), f(rust.loadMB), '', ''],
    [`p50 at ${CONCURRENCY} concurrent (ms)`, f(go.p50, 0), f(rust.p50, 0), '', `backend ${LATENCY_MS}`],
    [`p99 at ${CONCURRENCY} concurrent (ms)`, f(go.p99, 0), f(rust.p99, 0), '', `≤ ${f(LATENCY_MS * 1.2, 0)} (1.2×)`],
    [`p99 client → fake directly (ms)`, f(go.floorP99, 0), f(rust.floorP99, 0), '', 'harness floor, same load'],
    ['CPU per request (ms)', f(go.cpuMsPerRequest, 2), f(rust.cpuMsPerRequest, 2), '', ''],
    ['p99 / backend latency', f(go.p99 / LATENCY_MS, 2), f(rust.p99 / LATENCY_MS, 2), '', '≤ 1.20'],
    [`spawn → healthy (ms, median of ${STARTS})`, f(go.startupMs), f(rust.startupMs), 'Go 50–200 · Rust 15–50', ''],
    ['requests ok / failed', `${go.requests} / ${go.failures}`, `${rust.requests} / ${rust.failures}`, '', ''],
    ['memory limit (svl.json cloudrun.memory, MiB)', f(go.hostile.limitMiB, 0), f(rust.hostile.limitMiB, 0), '', ''],
    ['peak RSS under hostile load (MiB, VmHWM)', f(go.hostile.peakMiB), f(rust.hostile.peakMiB), '', '< memory limit'],
    ['peak RSS / memory limit', f(go.hostile.peakMiB / go.hostile.limitMiB, 2), f(rust.hostile.peakMiB / rust.hostile.limitMiB, 2), '', '< 1.00'],
    ['hostile mix: 200 / shed 429·503 / 408 / 413·422 / reset', hostileSummary(go.hostile), hostileSummary(rust.hostile), '', ''],
    [`normal request during ${TRICKLERS} tricklers`, normalSummary(go.hostile), normalSummary(rust.hostile), '', '200'],
    [
      `tricklers answered 408 / ${TRICKLERS}`,
      String(go.hostile.trickleCounts['408'] ?? 0),
      String(rust.hostile.trickleCounts['408'] ?? 0),
      '',
      String(TRICKLERS),
    ],
    ['service alive after the mix', go.hostile.alive ? 'yes' : 'NO (exited)', rust.hostile.alive ? 'yes' : 'NO (exited)', '', 'yes'],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`cloudrun-ocr: Go vs Rust against a fake Gemini with ${LATENCY_MS} ms latency (${CONCURRENCY} concurrent × ${ROUNDS} rounds)`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows.slice(1)) console.log(line(r));
  for (const [lang, r] of [
    ['go', go],
    ['rust', rust],
  ]) {
    console.log(`hostile mix, ${lang}: ${JSON.stringify(r.hostile.counts)}; tricklers ${JSON.stringify(r.hostile.trickleCounts)}`);
  }
}

const TRICKLERS = 150;

/**
 * The hostile mix's answers as served / shed (429, 503) / body timeout (408: the mix runs with
 * OCR_BODY_TIMEOUT_MS=2000 so the tricklers end) / refused (413, 422) / reset (a refusal that
 * closed the connection before fetch read it) / anything else.
 */
function hostileSummary({ counts }) {
  const buckets = [0, 0, 0, 0, 0, 0];
  for (const [k, n] of Object.entries(counts)) {
    const i = k === '200' ? 0 : /^(429|503)/.test(k) ? 1 : /^408/.test(k) ? 2 : /^(413|422)/.test(k) ? 3 : k === 'reset' ? 4 : 5;
    buckets[i] += n;
  }
  return `${buckets.slice(0, 5).join(' / ')}${buckets[5] ? ` (+${buckets[5]} other)` : ''}`;
}

const normalSummary = (h) => `${h.normal}${h.duringTrickle ? '' : ' (after the trickle)'}`;

await main();
