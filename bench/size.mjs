#!/usr/bin/env node
// bench/size.mjs — svl's release zips against what a user gets from the peers, the levers that make
// the difference, and the cold start and speed of the one lever svl leaves opt-in.
//
//   Rust peer: bench/fixtures/cargo-lambda-new-{event,http} (the shape of `cargo lambda new`'s
//              default template), built by `cargo lambda build --release --x86-64` and zipped by
//              `--output-format zip`, exactly as a cargo-lambda user would. cargo-lambda's release
//              build already adds strip, thin LTO, one codegen unit, panic=abort and a target-cpu.
//   Go peer:   svl's go-lambda templates built the way SAM's go1.x BuildMethod does:
//              `GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o bootstrap .` (no tags, no ldflags:
//              SAM's Go builder passes neither), zipped like SAM: Python zipfile, ZIP_DEFLATED, level 6.
//   svl:       `svl build --arch x86_64 --json` of the generated templates (the built CLI in dist/).
//
// Levers, each measured as svl's baseline without it → with it:
//   relocationModel "static" (svl.json opt-in), --remap-path-prefix (on in svl; the "without" build
//   is svl's cargo-lambda command minus the remaps), and the zip encoder (dist/artifacts/
//   zip-bootstrap.js against Node zlib deflate -9 of the same bytes).
// Cold start (spawn → the runtime's first GET /next, median of COLD runs) and throughput (invokes/s
// of an ~87 KB JSON event through a loopback Runtime API, median of ROUNDS interleaved rounds) for
// the Rust templates, PIE vs static.
//
// Usage: npm run build && node bench/size.mjs [cold=21] [invokes=400]
//        (ROUNDS=n, default 9; cargo target dir .cache/cargo-target-bench, or BENCH_CARGO_TARGET_DIR)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SVL = path.join(ROOT, 'bin', 'svl.js');
const CREATE = path.join(ROOT, 'bin', 'create-serverless-lang.js');
const { zipBootstrap } = await import(pathToFileURL(path.join(ROOT, 'dist', 'artifacts', 'zip-bootstrap.js')).href);
const COLD = Number(process.argv[2] ?? 21);
const INVOKES = Number(process.argv[3] ?? 400);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
// Its own target dir: every project's binary lands at <target>/<triple>/release/bootstrap-ish paths,
// and a concurrent build in the suite's shared dir could swap it between cargo's link and the copy out.
const env = { ...process.env, CARGO_TARGET_DIR: process.env.BENCH_CARGO_TARGET_DIR ?? path.join(ROOT, '.cache', 'cargo-target-bench'), CI: 'true' };
const GOALS = { 'rust-lambda/event': 0.42, 'rust-lambda/http': 0.52 };

const run = (cmd, args, cwd, extra = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).toString();
const size = (f) => statSync(f).size;
const say = (s) => process.stderr.write(`${s}\n`);

/** Generates the project with the built create-serverless-lang, as a user would. */
function render(template, flavor, out) {
  run('node', [CREATE, out, '--template', template, '--name', path.basename(out), '--flavor', flavor, '--arch', 'x86_64', '--yes', '--no-git'], ROOT);
}

function setSvlJson(dir, patch) {
  const file = path.join(dir, 'svl.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(patch))
    if (v === undefined) delete json[k];
    else json[k] = v;
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/** `svl build` as a user runs it; keeps a copy of the bootstrap for the timing runs. */
function svlBuild(dir, keepAs) {
  const out = JSON.parse(run('node', [SVL, 'build', '--arch', 'x86_64', '--json'], dir));
  const bootstrap = path.resolve(dir, out.bootstrap.path);
  if (keepAs) cpSync(bootstrap, keepAs);
  return { binary: out.bootstrap.bytes, zip: out.zip.bytes, bootstrap: keepAs ?? bootstrap };
}

/** The peer's Rust build: the fixture as it stands, `cargo lambda build --release`, its own zip. */
function cargoLambdaNew(fixture, work) {
  const dir = path.join(work, path.basename(fixture));
  cpSync(fixture, dir, { recursive: true });
  const bin = path.join(work, `${path.basename(fixture)}-bin`);
  const zip = path.join(work, `${path.basename(fixture)}-zip`);
  run('cargo', ['lambda', 'build', '--release', '--x86-64', '--lambda-dir', bin], dir);
  // The same build again, packaged: cargo has nothing left to compile.
  run('cargo', ['lambda', 'build', '--release', '--x86-64', '--output-format', 'zip', '--lambda-dir', zip], dir);
  const name = path.basename(fixture);
  return { binary: size(path.join(bin, name, 'bootstrap')), zip: size(path.join(zip, name, 'bootstrap.zip')) };
}

/** SAM's go1.x build, zipped the way SAM packages it (Python's zipfile, deflate at zlib's default 6). */
function samGo(dir) {
  const out = path.join(dir, 'sam');
  mkdirSync(out, { recursive: true });
  const bootstrap = path.join(out, 'bootstrap');
  run('go', ['build', '-o', bootstrap, '.'], dir, { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0' });
  const zip = path.join(out, 'bootstrap.zip');
  run(
    'python3',
    ['-c', 'import sys,zipfile\nwith zipfile.ZipFile(sys.argv[2],"w",zipfile.ZIP_DEFLATED) as z: z.write(sys.argv[1],"bootstrap")', bootstrap, zip],
    dir,
  );
  return { binary: size(bootstrap), zip: size(zip) };
}

/** svl's Lambda release command minus the path remaps: what the remap lever costs or saves. */
function withoutRemap(dir, work) {
  const out = path.join(work, `${path.basename(dir)}-noremap`);
  run('cargo', ['lambda', 'build', '--release', '--x86-64', '--lambda-dir', out], dir);
  const bootstrap = path.join(out, path.basename(dir), 'bootstrap');
  return { binary: size(bootstrap), bootstrap };
}

/** Node's zlib at level 9 in a minimal zip of one entry: the encoder svl had before. */
function zlibNineZipBytes(bootstrap) {
  const data = readFileSync(bootstrap);
  // Local header 30 + name, central header 46 + name, end record 22, around the raw deflate stream.
  const name = 'bootstrap'.length;
  return deflateRawSync(data, { level: 9 }).length + 30 + name + 46 + name + 22;
}

async function svlZipBytes(bootstrap, work) {
  const zip = path.join(work, `${path.basename(bootstrap)}.zip`);
  return (await zipBootstrap(bootstrap, zip)).bytes;
}

// ---- timing: a loopback Runtime API that hands one event out again and again --------------------

const pad = 'x'.repeat(80);
const items = Array.from({ length: 760 }, (_, i) => ({ id: i, sku: `SKU-${i}`, note: pad }));
const bigJson = JSON.stringify({ name: 'Ada', items });
const EVENTS = {
  event: bigJson,
  http: JSON.stringify({
    ...JSON.parse(readFileSync(path.join(ROOT, 'templates', 'rust-lambda', '_flavor', 'http', 'events', 'post.json'), 'utf8')),
    body: bigJson,
  }),
};

/** One process against one Runtime API; resolves with the time to the first /next and the invoke rate. */
function drive(bootstrap, event, invokes) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let firstNext = 0;
    let served = 0;
    let answered = 0;
    let clock = 0;
    let child;
    const body = Buffer.from(event);
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url.endsWith('/invocation/next')) {
        if (!firstNext) firstNext = performance.now();
        if (served === invokes) return; // parked: the bench ends the process
        served++;
        res.writeHead(200, {
          'Lambda-Runtime-Aws-Request-Id': `bench-${served}`,
          'Lambda-Runtime-Deadline-Ms': String(Date.now() + 10_000),
          'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:bench',
          'Content-Type': 'application/json',
          'Content-Length': body.length,
        });
        return res.end(body);
      }
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(202, { 'Content-Length': 0 }).end();
        if (!req.url.endsWith('/response')) return finish(new Error(`${bootstrap}: ${req.url} ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        // The first invoke pays the cold path; the clock runs over the rest.
        if (++answered === 1) clock = performance.now();
        if (answered === invokes) finish(null, { init: firstNext - started, rate: (invokes - 1) / ((performance.now() - clock) / 1000) });
      });
    });
    const timer = setTimeout(() => finish(new Error(`${bootstrap}: no ${invokes} answers within 120 s`)), 120_000);
    function finish(err, value) {
      clearTimeout(timer);
      child?.kill('SIGKILL');
      server.closeAllConnections();
      server.close();
      if (err) reject(err);
      else resolve(value);
    }
    server.listen(0, '127.0.0.1', () => {
      const api = `127.0.0.1:${server.address().port}`;
      started = performance.now();
      child = spawn(bootstrap, [], {
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH,
          AWS_LAMBDA_RUNTIME_API: api,
          AWS_LAMBDA_FUNCTION_NAME: 'bench',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        },
      });
      child.on('error', (e) => finish(e));
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Cold starts and throughput of several binaries, interleaved so outside load falls on all alike. */
async function time(binaries, event) {
  const init = binaries.map(() => []);
  const rate = binaries.map(() => []);
  for (let i = 0; i < COLD; i++) for (const [j, b] of binaries.entries()) init[j].push((await drive(b, event, 1)).init);
  for (let r = 0; r < ROUNDS; r++) for (const [j, b] of binaries.entries()) rate[j].push((await drive(b, event, INVOKES)).rate);
  return binaries.map((_, j) => ({ init: median(init[j]), rate: median(rate[j]) }));
}

// ---- the run --------------------------------------------------------------------------------------

const work = mkdtempSync(path.join(os.tmpdir(), 'svl-bench-size-'));
const peers = [];
const levers = [];
const timing = [];
try {
  for (const flavor of ['event', 'http']) {
    const dir = path.join(work, `rust-${flavor}`);
    render('rust-lambda', flavor, dir);
    say(`rust ${flavor}: cargo lambda new's build…`);
    const peer = cargoLambdaNew(path.join(ROOT, 'bench', 'fixtures', `cargo-lambda-new-${flavor}`), work);
    say(`rust ${flavor}: svl build (pie)…`);
    const pie = svlBuild(dir, path.join(work, `rust-${flavor}-pie`));
    setSvlJson(dir, { relocationModel: 'static' });
    say(`rust ${flavor}: svl build (static)…`);
    const stat = svlBuild(dir, path.join(work, `rust-${flavor}-static`));
    setSvlJson(dir, { relocationModel: undefined });
    say(`rust ${flavor}: without remaps…`);
    const noRemap = withoutRemap(dir, work);
    const encoderSvl = await svlZipBytes(pie.bootstrap, work);
    const encoderZlib = zlibNineZipBytes(pie.bootstrap);
    peers.push({ project: `rust-lambda/${flavor}`, peer: 'cargo lambda new + build --release', peerBytes: peer, svl: pie, staticZip: stat.zip });
    levers.push(
      { project: `rust-lambda/${flavor}`, lever: 'relocationModel static (zip)', without: pie.zip, with: stat.zip },
      { project: `rust-lambda/${flavor}`, lever: 'remap-path-prefix (binary)', without: noRemap.binary, with: pie.binary },
      { project: `rust-lambda/${flavor}`, lever: 'zip encoder: zlib -9 → svl zipBootstrap', without: encoderZlib, with: encoderSvl },
      { project: `rust-lambda/${flavor}`, lever: 'all three (zip)', without: zlibNineZipBytes(noRemap.bootstrap), with: stat.zip },
    );
    say(`rust ${flavor}: timing pie vs static…`);
    const [p, s] = await time([pie.bootstrap, stat.bootstrap], EVENTS[flavor]);
    timing.push({ project: `rust-lambda/${flavor}`, pie: p, static: s });
  }
  for (const flavor of ['event', 'http']) {
    const dir = path.join(work, `go-${flavor}`);
    render('go-lambda', flavor, dir);
    say(`go ${flavor}: SAM-style build and svl build…`);
    const peer = samGo(dir);
    const ours = svlBuild(dir);
    peers.push({ project: `go-lambda/${flavor}`, peer: 'SAM go1.x build + zipfile', peerBytes: peer, svl: ours });
    levers.push({
      project: `go-lambda/${flavor}`,
      lever: 'zip encoder: zlib -9 → svl zipBootstrap',
      without: zlibNineZipBytes(ours.bootstrap),
      with: await svlZipBytes(ours.bootstrap, work),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const kB = (n) => `${(n / 1e3).toFixed(1)} kB`;
const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  for (const r of all)
    console.log(
      r
        .map((c, i) => String(c).padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  console.log('');
}

console.log('Against the peers (x86_64; zips as each tool writes them)\n');
table(
  ['project', 'peer', 'peer binary', 'peer zip', 'svl binary', 'svl zip', 'ratio', 'static zip', 'ratio', 'goal'],
  peers.map(({ project, peer, peerBytes, svl, staticZip }) => {
    const goal = GOALS[project];
    const r = svl.zip / peerBytes.zip;
    const rs = staticZip === undefined ? undefined : staticZip / peerBytes.zip;
    const verdict = goal === undefined ? '' : `≤${goal}×: default ${r <= goal ? 'met' : 'MISSED'}, static ${rs <= goal ? 'met' : 'MISSED'}`;
    return [
      project,
      peer,
      kB(peerBytes.binary),
      kB(peerBytes.zip),
      kB(svl.binary),
      kB(svl.zip),
      `${r.toFixed(3)}×`,
      staticZip === undefined ? '—' : kB(staticZip),
      rs === undefined ? '—' : `${rs.toFixed(3)}×`,
      verdict,
    ];
  }),
);

console.log('Levers (svl baseline without → with; bytes)\n');
table(
  ['project', 'lever', 'without', 'with', 'change'],
  levers.map(({ project, lever, without, with: w }) => [project, lever, kB(without), kB(w), pct(without, w)]),
);

console.log(
  `Cold start and throughput, PIE (default) vs relocationModel "static" (median of ${COLD} cold starts; invokes/s of a ${kB(EVENTS.event.length)} JSON event, median of ${ROUNDS} rounds of ${INVOKES})\n`,
);
table(
  ['project', 'init pie', 'init static', 'change', 'invokes/s pie', 'invokes/s static', 'change'],
  timing.map(({ project, pie, static: s }) => [
    project,
    `${pie.init.toFixed(2)} ms`,
    `${s.init.toFixed(2)} ms`,
    pct(pie.init, s.init),
    pie.rate.toFixed(0),
    s.rate.toFixed(0),
    pct(pie.rate, s.rate),
  ]),
);
console.log("Init is spawn → first GET /next on this machine (process start + runtime setup), not Lambda's Init Duration.");
// A loaded machine moves both columns by tens of percent in either direction: say how loaded it was.
console.log(`Load average (1 min) at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores — compare PIE and static only from a quiet run.`);
