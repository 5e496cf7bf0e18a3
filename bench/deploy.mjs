#!/usr/bin/env node
// Wall time of `svl deploy` against a local moto server (Lambda + IAM control plane): a first deploy
// (creates role, function, URL and both permissions) versus a re-deploy with unchanged code (reads
// only) versus a re-deploy with new code. moto answers in-process, so these figures are svl's own
// overhead (Node start, SDK, hashing, request count), not AWS latency. Most of a first deploy is
// moto building its IAM backend (~1 s for the managed-policy catalogue) on the first IAM call.
//   npm run build && node bench/deploy.mjs [runs]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 5);
const name = 'bench-deploy';

const freePort = () =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

async function startMoto() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })).ok) return { endpoint, child };
    } catch {}
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start — pip install "moto[server]"');
}

/** A Go project with svl.json; `svl build` (untimed) leaves a fresh artifact for the deploys to use. */
function project(dir, greeting, env) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'svl.json'), JSON.stringify({ name, platform: 'lambda', language: 'go', arch: 'arm64', memory: 128, timeout: 10 }));
  writeFileSync(path.join(dir, 'go.mod'), 'module example.com/bench\n\ngo 1.22\n');
  writeFileSync(path.join(dir, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(greeting)}) }\n`);
  execFileSync('node', [path.join(root, 'bin', 'svl.js'), 'build'], { cwd: dir, env, stdio: 'ignore' });
}

/** Runs one CLI invocation; returns its wall time and the bytes it uploaded. */
function timed(cwd, env, args) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('node', [path.join(root, 'bin', 'svl.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = args.includes('--json') ? JSON.parse(out) : undefined;
  return { ms, uploaded: report?.code?.upload ? report.code.bytes : 0 };
}
const deploy = (cwd, env) => timed(cwd, env, ['deploy', '--function-url', 'public', '--json']);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const moto = await startMoto();
const dir = mkdtempSync(path.join(root, '.cache', 'bench-deploy-'));
try {
  const env = {
    ...process.env,
    CI: 'true',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const times = { floor: [], first: [], unchanged: [], changed: [] };
  for (let i = 0; i < runs; i++) {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    project(dir, 'v1', env);
    times.floor.push(timed(dir, env, ['deploy', '--help']));
    times.first.push(deploy(dir, env));
    times.unchanged.push(deploy(dir, env));
    project(dir, `v2-${i}`, env);
    times.changed.push(deploy(dir, env));
  }
  const rows = [
    ['floor: svl deploy --help (Node start)', times.floor],
    ['first deploy (role + function + URL)', times.first],
    ['re-deploy, code unchanged (no upload)', times.unchanged],
    ['re-deploy, code changed (upload)', times.changed],
  ];
  console.log(`svl deploy against moto, ${runs} runs each (wall time of the CLI process)\n`);
  console.log(`${'scenario'.padEnd(40)}${'median ms'.padStart(11)}${'min ms'.padStart(9)}${'max ms'.padStart(9)}${'uploaded'.padStart(12)}`);
  for (const [label, xs] of rows) {
    const ms = xs.map((x) => x.ms);
    const bytes = median(xs.map((x) => x.uploaded));
    console.log(
      `${label.padEnd(40)}${median(ms).toFixed(0).padStart(11)}${Math.min(...ms)
        .toFixed(0)
        .padStart(9)}${Math.max(...ms)
        .toFixed(0)
        .padStart(9)}${`${(bytes / 1024).toFixed(0)} KiB`.padStart(12)}`,
    );
  }
} finally {
  moto.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
