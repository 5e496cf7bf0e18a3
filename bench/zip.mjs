#!/usr/bin/env node
// bench/zip.mjs — svl's bootstrap.zip encoder against Info-ZIP `zip -9` and Node's zlib -9.
// Binaries: the release bootstraps of a generated rust-lambda and go-lambda project (`svl build`),
// and the Go toolchain's own `compile` (~25 MB) standing in for a large Go function; or the
// binaries given as arguments. Each row is a complete zip of one `bootstrap` entry.
//   zip -9           Info-ZIP 3.0 at its best level (`zip -9 -X`), the usual tool's figure
//   node zlib -9     what svl used before: yazl at compressionLevel 9, Node's bundled zlib
//   fflate -9        pure-JS deflate at its best level
//   7-Zip -mx=9      7-Zip's Deflate at fast bytes 128, 10 passes (its -mx=9), in svl's container
//   svl              what `svl build` writes (src/artifacts/deflate-7zip.ts: fast bytes 64, 3 passes)
// seconds: wall time; cpu: this process's CPU time (one core), or the child's for zip -9 — on a
// loaded machine cpu is the closer figure to an idle core.
// Usage: npm run build && node bench/zip.mjs [binary...]   (Info-ZIP `zip` must be installed)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import yazl from 'yazl';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SVL = path.join(ROOT, 'bin', 'svl.js');
const CREATE = path.join(ROOT, 'bin', 'create-serverless-lang.js');
const { zipBootstrap, bootstrapZip } = await import(path.join(ROOT, 'dist', 'artifacts', 'zip-bootstrap.js'));
const env = {
  ...process.env,
  CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'create-serverless-lang', 'cargo-target'),
  CI: 'true',
};
/** 7-Zip's -mx=9 Deflate settings, run only where they stay affordable. */
const MX9 = { algorithm: 1, fastBytes: 128, passes: 10, matchFinderCycles: 80 };
const MX9_UP_TO = 8e6;

const work = mkdtempSync(path.join(os.tmpdir(), 'svl-bench-zip-'));

/** A generated project's release bootstrap, built by the built svl. */
function templateBootstrap(template) {
  const dir = path.join(work, template);
  execFileSync('node', [CREATE, dir, '--template', template, '--name', template, '--flavor', 'event', '--arch', 'x86_64', '--yes', '--no-git'], {
    env,
    stdio: 'ignore',
  });
  process.stderr.write(`building ${template}…\n`);
  const out = JSON.parse(execFileSync('node', [SVL, 'build', '--arch', 'x86_64', '--json'], { cwd: dir, env, maxBuffer: 64 << 20 }).toString());
  return out.bootstrap.path;
}

function goCompile() {
  return path.join(execFileSync('go', ['env', 'GOTOOLDIR'], { env }).toString().trim(), 'compile');
}

/** Runs `f` and returns its zip size with wall and CPU seconds. */
async function timed(f) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const cpu = process.cpuUsage(cpu0);
  return { bytes: r.bytes, seconds: (performance.now() - t0) / 1000, cpu: r.cpu ?? (cpu.user + cpu.system) / 1e6 };
}

/** Info-ZIP of `dir`/bootstrap (a copy of the binary under the name Lambda runs). */
function infoZip(dir) {
  const out = path.join(dir, 'zip-9.zip');
  // GNU time prints the child's user and system seconds on stderr.
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'zip', '-9', '-X', '-q', out, 'bootstrap'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`zip -9 failed: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
  return { bytes: statSync(out).size, cpu: user + sys };
}

async function yazlNine(data) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(data, 'bootstrap', { mtime: new Date(1980, 0, 1), mode: 0o100755, compressionLevel: 9, forceDosTimestamp: true });
  zip.end();
  let bytes = 0;
  for await (const chunk of zip.outputStream) bytes += chunk.length;
  return { bytes };
}

const binaries = process.argv.length > 2 ? process.argv.slice(2).map((p) => ['given', path.resolve(p)]) : null;
const rows = [];
try {
  const cases = binaries ?? [
    ['rust-lambda', templateBootstrap('rust-lambda')],
    ['go-lambda', templateBootstrap('go-lambda')],
    ['go compile', goCompile()],
  ];
  for (const [label, file] of cases) {
    const dir = path.join(work, `z-${rows.length}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(file, path.join(dir, 'bootstrap'));
    const data = readFileSync(file);
    process.stderr.write(`zipping ${label} (${data.length} B)…\n`);
    const results = [['zip -9', await timed(() => infoZip(dir))]];
    results.push(['node zlib -9', await timed(() => yazlNine(data))]);
    results.push(['fflate -9', await timed(() => ({ bytes: zipSync({ bootstrap: [data, { level: 9, mem: 12 }] }).length }))]);
    if (data.length <= MX9_UP_TO) results.push(['7-Zip -mx=9', await timed(async () => ({ bytes: (await bootstrapZip(data, MX9)).length }))]);
    results.push(['svl', await timed(() => zipBootstrap(file, path.join(dir, 'svl.zip')))]);
    rows.push({ label, size: data.length, results });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const header = ['binary', 'bootstrap B', 'encoder', 'zip B', 'vs zip -9', 'seconds', 'cpu s'];
const table = [header];
for (const { label, size, results } of rows) {
  const base = results[0][1].bytes;
  for (const [name, r] of results) {
    const delta = ((r.bytes / base - 1) * 100).toFixed(2);
    table.push([label, String(size), name, String(r.bytes), `${delta.startsWith('-') ? '' : '+'}${delta} %`, r.seconds.toFixed(2), r.cpu.toFixed(2)]);
  }
}
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table)
  console.log(
    r
      .map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd(),
  );
