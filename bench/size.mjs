#!/usr/bin/env node
// bench/size.mjs — our release artifacts vs what the usual tools give from the same sources.
//   Rust anchor: `cargo lambda build --release` with the template's [profile.release] removed
//                (what `cargo lambda new` users get).
//   Go anchor:   plain `GOOS=linux GOARCH=amd64 go build` (what SAM's Go build does).
//   Anchors are zipped with `zip -9` (Info-ZIP must be installed).
// Ours: `svl build --arch x86_64` (x86_64 only: this machine has no Rust arm64 std).
// Usage: npm run build && node bench/size.mjs    (cargo target dir: .cache/cargo-target-bench, or BENCH_CARGO_TARGET_DIR)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SVL = path.join(ROOT, 'bin', 'svl.js');
const CREATE = path.join(ROOT, 'bin', 'create-serverless-lang.js');
// Its own target dir: the anchors link a `bootstrap` too, and a concurrent build in the suite's
// shared dir could overwrite it between cargo's link and the copy out.
const env = { ...process.env, CARGO_TARGET_DIR: process.env.BENCH_CARGO_TARGET_DIR ?? path.join(ROOT, '.cache', 'cargo-target-bench'), CI: 'true' };
const CASES = [
  ['rust-lambda', 'event'],
  ['rust-lambda', 'http'],
  ['go-lambda', 'event'],
  ['go-lambda', 'http'],
];
const GOALS = { rust: 0.6, go: 0.55 };

/** Generates the project with the built create-serverless-lang, as a user would. */
function render(template, flavor, out) {
  execFileSync('node', [CREATE, out, '--template', template, '--name', path.basename(out), '--flavor', flavor, '--arch', 'x86_64', '--yes', '--no-git'], {
    env,
    stdio: 'ignore',
  });
}

const run = (cmd, args, cwd, extra = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 }).toString();

function ours(dir) {
  const out = JSON.parse(run('node', [SVL, 'build', '--arch', 'x86_64', '--json'], dir));
  return { binary: out.bootstrap.bytes, zip: out.zip.bytes };
}

function rustAnchor(dir) {
  const cargo = path.join(dir, 'Cargo.toml');
  // Drop the [profile.release] table (up to the next table or the end).
  writeFileSync(cargo, readFileSync(cargo, 'utf8').replace(/\n\[profile\.release\][\s\S]*?(?=\n\[|$)/, '\n'));
  const lambdaDir = path.join(dir, 'anchor');
  run('cargo', ['lambda', 'build', '--release', '--x86-64', '--lambda-dir', lambdaDir, '--flatten', 'bootstrap'], dir);
  const binary = statSync(path.join(lambdaDir, 'bootstrap')).size;
  const zip = zipNine(path.join(lambdaDir, 'bootstrap'));
  return { binary, zip };
}

function goAnchor(dir) {
  const out = path.join(dir, 'anchor');
  mkdirSync(out, { recursive: true });
  run('go', ['build', '-o', path.join(out, 'bootstrap'), '.'], dir, { GOOS: 'linux', GOARCH: 'amd64' });
  return { binary: statSync(path.join(out, 'bootstrap')).size, zip: zipNine(path.join(out, 'bootstrap')) };
}

/** Anchors are zipped with Info-ZIP at its best level (-9): any gap is the binary's, not the zipper's. */
function zipNine(bootstrap) {
  const zip = `${bootstrap}.zip`;
  execFileSync('zip', ['-q', '-9', '-j', zip, bootstrap]);
  return statSync(zip).size;
}

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const work = mkdtempSync(path.join(os.tmpdir(), 'svl-bench-size-'));
const rows = [];
try {
  for (const [template, flavor] of CASES) {
    const lang = template.split('-')[0];
    const dir = path.join(work, `${lang}-${flavor}`);
    render(template, flavor, dir);
    process.stderr.write(`building ${template} (${flavor})…\n`);
    const a = ours(dir);
    const b = lang === 'rust' ? rustAnchor(dir) : goAnchor(dir);
    rows.push({ template, flavor, lang, a, b });
    process.stderr.write(`  ours ${JSON.stringify(a)} anchor ${JSON.stringify(b)}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const header = ['template', 'flavour', 'ours bootstrap', 'anchor bootstrap', 'ratio', 'ours zip', 'anchor zip', 'ratio', 'goal'];
const table = [
  header,
  ...rows.map(({ template, flavor, lang, a, b }) => {
    const zr = a.zip / b.zip;
    const goal = lang === 'rust' && flavor === 'event' ? `≤${GOALS.rust}× and ≤1.0 MB` : `≤${GOALS[lang]}×`;
    const met = zr <= GOALS[lang] && !(lang === 'rust' && flavor === 'event' && a.zip > 1e6);
    return [
      template,
      flavor,
      fmt(a.binary),
      fmt(b.binary),
      `${(a.binary / b.binary).toFixed(2)}×`,
      fmt(a.zip),
      fmt(b.zip),
      `${zr.toFixed(2)}×`,
      `${goal} ${met ? 'met' : 'MISSED'}`,
    ];
  }),
];
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
for (const r of table)
  console.log(
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
