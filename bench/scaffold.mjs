#!/usr/bin/env node
// Scaffolding speed from one run: median wall time of `svl --help`, of generating each template
// with the built CLI, and of create-vite generating its vanilla template, with the ratio to
// create-vite; then what `npm create` costs cold: `npm exec` of the packed create-serverless-lang
// and of a packed create-vite, each with an empty npm cache (no network: neither has
// dependencies); then `node -e 0`, `svl --help` and a go-lambda scaffold on each other supported Node
// (binaries from scripts/node-bin.sh; BENCH_NODES="22 24 26" by default, "" for none).
// Run after `npm run build`:  node bench/scaffold.mjs [runs=15]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version } from '../dist/cli/svl.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 15);
const svl = path.join(root, 'bin', 'svl.js');
const create = path.join(root, 'bin', 'create-serverless-lang.js');
const createBundle = path.join(root, 'packages', 'create-serverless-lang', 'index.js');
const createVite = path.join(root, 'node_modules', 'create-vite', 'index.js');
const templates = readdirSync(path.join(root, 'templates')).sort();
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

/** `npm pack` of the package in `dir` into a scratch folder; the tarball's path. */
function packed(dir) {
  const out = mkdtempSync(path.join(tmpdir(), 'svl-bench-pack-'));
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }));
  return path.join(out, info.filename);
}
const createTarball = packed(path.join(root, 'packages', 'create-serverless-lang'));
const createViteTarball = packed(path.join(root, 'node_modules', 'create-vite'));

/** `npm exec` of a tarball's bin as `npm create` runs it, with an empty npm cache: a cold start. */
function npmExecCold(tarball, bin, args) {
  return (cwd) => ['npm', ['exec', '--offline', '--yes', '--package', tarball, '--', bin, ...args], { npm_config_cache: path.join(cwd, '.npm-cache') }];
}

/** Wall time (ms) of one run in a fresh empty directory: `node <args>`, or [file, args, env] for another program. */
function timeOnce(label, args) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'svl-bench-'));
  const command = args(cwd);
  const [file, argv, extraEnv] = typeof command[0] === 'string' && Array.isArray(command[1]) ? command : [process.execPath, command, {}];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, argv, { cwd, env: { ...env, ...extraEnv, npm_config_update_notifier: 'false' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(cwd, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}): ${result.stderr}`);
  return ms;
}

/** The other Node versions to time the CLI on: [version, path of its node binary]. */
const otherNodes = (process.env.BENCH_NODES ?? '22 24 26')
  .split(/\s+/)
  .filter((major) => major && major !== process.versions.node.split('.')[0])
  .map((major) => {
    const node = path.join(execFileSync(path.join(root, 'scripts', 'node-bin.sh'), [major], { encoding: 'utf8' }).trim(), 'node');
    return [execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(), node];
  });

const commands = [
  ['node -e 0 (Node start floor)', () => ['-e', '0']],
  ['svl --help', () => [svl, '--help']],
  ['svl new --help', () => [svl, 'new', '--help']],
  ...templates.map((t) => [`create-serverless-lang --template ${t} --no-git`, () => [create, 'proj', '--template', t, '--no-git']]),
  ['create-serverless-lang bundle (packages/…/index.js) --template go-lambda --no-git', () => [createBundle, 'proj', '--template', 'go-lambda', '--no-git']],
  ['create-serverless-lang --template rust-lambda (with git init + commit)', () => [create, 'proj', '--template', 'rust-lambda']],
  ['create-vite --template vanilla', () => [createVite, 'proj', '--template', 'vanilla', '--no-immediate']],
  [
    'npm exec create-serverless-lang.tgz --template go-lambda (cold cache)',
    npmExecCold(createTarball, 'create-serverless-lang', ['proj', '--template', 'go-lambda', '--no-git']),
  ],
  [
    'npm exec create-vite.tgz --template vanilla (cold cache)',
    npmExecCold(createViteTarball, 'create-vite', ['proj', '--template', 'vanilla', '--no-immediate']),
  ],
  ...otherNodes.flatMap(([v, node]) => [
    [`Node ${v}: node -e 0`, () => [node, ['-e', '0'], {}]],
    [`Node ${v}: svl --help`, () => [node, [svl, '--help'], {}]],
    [`Node ${v}: create-serverless-lang --template go-lambda --no-git`, () => [node, [create, 'proj', '--template', 'go-lambda', '--no-git'], {}]],
  ]),
];
// The create-vite row each row is compared with: the npm exec rows with the npm exec one.
const viteIndex = commands.findIndex(([label]) => label === 'create-vite --template vanilla');
const npmViteIndex = commands.findIndex(([label]) => label === 'npm exec create-vite.tgz --template vanilla (cold cache)');
const viteRow = (label) => (label.startsWith('npm exec') ? npmViteIndex : viteIndex);

// Round-robin: every round runs each command once, so a busy machine slows them all alike.
const samples = commands.map(() => []);
for (let round = 0; round < runs; round++) {
  for (const [i, [label, args]] of commands.entries()) samples[i].push(timeOnce(label, args));
}
const rows = commands.map(([label], i) => {
  const times = samples[i].sort((a, b) => a - b);
  return { label, ms: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
});

const width = Math.max(...rows.map((r) => r.label.length));
console.log(`create-serverless-lang ${version()} · Node ${process.version} (rows without a Node prefix) · median of ${runs} runs\n`);
console.log(`${'command'.padEnd(width)}  median ms  min–max ms   vs create-vite`);
for (const [i, r] of rows.entries()) {
  const vite = rows[viteRow(commands[i][0])].ms;
  const range = `${r.min.toFixed(0)}–${r.max.toFixed(0)}`;
  console.log(`${r.label.padEnd(width)}  ${r.ms.toFixed(1).padStart(9)}  ${range.padStart(10)}   ${(r.ms / vite).toFixed(2)}×`);
}
for (const tarball of [createTarball, createViteTarball]) rmSync(path.dirname(tarball), { recursive: true, force: true });
