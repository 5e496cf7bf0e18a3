#!/usr/bin/env node
// Scaffolding speed from one run: median wall time of `svl --help`, of generating each template
// with the built CLI, and of create-vite generating its vanilla template, with the ratio to
// create-vite. Run after `npm run build`:  node bench/scaffold.mjs [runs=15]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version } from '../dist/cli/svl.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const svl = path.join(root, 'bin', 'svl.js');
const create = path.join(root, 'bin', 'create-serverless-lang.js');
const createVite = path.join(root, 'node_modules', 'create-vite', 'index.js');
const templates = readdirSync(path.join(root, 'templates')).sort();
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

/** Wall time (ms) of one `node <args>` run in a fresh empty directory. */
function timeOnce(label, args) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'svl-bench-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args(cwd), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(cwd, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}): ${result.stderr}`);
  return ms;
}

const commands = [
  ['node -e 0 (Node start floor)', () => ['-e', '0']],
  ['svl --help', () => [svl, '--help']],
  ['svl new --help', () => [svl, 'new', '--help']],
  ...templates.map((t) => [`create-serverless-lang --template ${t} --no-git`, () => [create, 'proj', '--template', t, '--no-git']]),
  ['create-serverless-lang --template rust-lambda (with git init + commit)', () => [create, 'proj', '--template', 'rust-lambda']],
  ['create-vite --template vanilla', () => [createVite, 'proj', '--template', 'vanilla', '--no-immediate']],
];

// Round-robin: every round runs each command once, so a busy machine slows them all alike.
const samples = commands.map(() => []);
for (let round = 0; round < runs; round++) {
  for (const [i, [label, args]] of commands.entries()) samples[i].push(timeOnce(label, args));
}
const rows = commands.map(([label], i) => {
  const times = samples[i].sort((a, b) => a - b);
  return { label, ms: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
});
const vite = rows[rows.length - 1].ms;

const width = Math.max(...rows.map((r) => r.label.length));
console.log(`create-serverless-lang ${version()} · Node ${process.version} · median of ${runs} runs\n`);
console.log(`${'command'.padEnd(width)}  median ms  min–max ms   vs create-vite`);
for (const r of rows) {
  const range = `${r.min.toFixed(0)}–${r.max.toFixed(0)}`;
  console.log(`${r.label.padEnd(width)}  ${r.ms.toFixed(1).padStart(9)}  ${range.padStart(10)}   ${(r.ms / vite).toFixed(2)}×`);
}
