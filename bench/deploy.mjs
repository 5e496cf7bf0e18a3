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
import yazl from 'yazl';

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
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' } });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' })).ok) return { endpoint, child };
    } catch {}
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start — pip install "moto[server]"');
}

function zipOf(file) {
  return new Promise((resolve) => {
    const z = new yazl.ZipFile();
    z.addFile(file, 'bootstrap', { mtime: new Date(Date.UTC(1980, 0, 1)), mode: 0o100755 });
    z.end();
    const chunks = [];
    z.outputStream.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** A project with svl.json and a real Go bootstrap for linux/arm64 in .svl/build/<name>/. */
async function project(dir, greeting) {
  const src = path.join(dir, 'src');
  const out = path.join(dir, '.svl', 'build', name);
  mkdirSync(src, { recursive: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(dir, 'svl.json'), JSON.stringify({ name, platform: 'lambda', language: 'go', arch: 'arm64', memory: 128, timeout: 10 }));
  writeFileSync(path.join(src, 'go.mod'), 'module example.com/bench\n\ngo 1.22\n');
  writeFileSync(path.join(src, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(greeting)}) }\n`);
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w -buildid=', '-o', path.join(out, 'bootstrap'), '.'], { cwd: src, env: { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' } });
  writeFileSync(path.join(out, 'bootstrap.zip'), await zipOf(path.join(out, 'bootstrap')));
}

function deploy(cwd, env) {
  const t0 = process.hrtime.bigint();
  execFileSync('node', [path.join(root, 'bin', 'svl.js'), 'deploy', '--function-url', '--json'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const moto = await startMoto();
const dir = mkdtempSync(path.join(root, '.cache', 'bench-deploy-'));
try {
  const env = { ...process.env, CI: 'true', AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
  const times = { first: [], unchanged: [], changed: [] };
  for (let i = 0; i < runs; i++) {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
    await project(dir, 'v1');
    times.first.push(deploy(dir, env));
    times.unchanged.push(deploy(dir, env));
    await project(dir, `v2-${i}`);
    times.changed.push(deploy(dir, env));
  }
  const rows = [
    ['first deploy (role + function + URL)', times.first],
    ['re-deploy, code unchanged (no upload)', times.unchanged],
    ['re-deploy, code changed (upload)', times.changed],
  ];
  console.log(`svl deploy against moto, ${runs} runs each (wall time of the CLI process)\n`);
  console.log(`${'scenario'.padEnd(40)}${'median ms'.padStart(11)}${'min ms'.padStart(9)}${'max ms'.padStart(9)}`);
  for (const [label, xs] of rows) {
    console.log(`${label.padEnd(40)}${median(xs).toFixed(0).padStart(11)}${Math.min(...xs).toFixed(0).padStart(9)}${Math.max(...xs).toFixed(0).padStart(9)}`);
  }
} finally {
  moto.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
