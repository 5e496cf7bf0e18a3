#!/usr/bin/env node
// The README's main job, end to end: generate a Go and a Rust Lambda (http flavour) with the built
// CLI, start `svl dev` on a free port, send one HTTP request to the function URL, print the
// response and the REPORT line, shut down. Exits non-zero with the reason on any failure.
// Usage: npm run demo
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CREATE = path.join(ROOT, 'bin', 'create-serverless-lang.js');
const SVL = path.join(ROOT, 'bin', 'svl.js');
// A first Rust build compiles lambda_http and tokio; later runs reuse the shared target dir.
const BUILD_TIMEOUT_MS = 10 * 60_000;
const env = { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? path.join(ROOT, '.cache', 'cargo-target') };
const live = new Set();

function fail(reason) {
  console.error(`demo failed: ${reason}`);
  for (const child of live) child.kill('SIGKILL');
  process.exit(1);
}

/** Runs a command to completion; its output is shown only if it fails. */
function run(args, cwd, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) fail(`${path.basename(args[0])} ${args.slice(1).join(' ')} → ${signal ?? `exit ${code}`}\n${output}`);
      resolve(output);
    });
  });
}

async function demo(work, language) {
  const name = `demo-${language}`;
  console.log(`\n== ${language}-lambda (http) ==`);
  await run([CREATE, name, '--template', `${language}-lambda`, '--flavor', 'http', '--arch', 'x86_64', '--yes', '--no-git'], work);
  const dir = path.join(work, name);
  const port = await getPort({ host: '127.0.0.1' });
  const dev = spawn(process.execPath, [SVL, 'dev', '--no-watch', '--port', String(port)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(dev);
  let logs = '';
  let messages = '';
  dev.stdout.on('data', (d) => (logs += d));
  dev.stderr.on('data', (d) => (messages += d));
  const exited = new Promise((resolve) => dev.once('exit', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!messages.includes('listening on')) {
    if (dev.exitCode !== null) fail(`svl dev exited before listening:\n${messages}`);
    if (Date.now() > deadline) fail(`svl dev did not start within ${BUILD_TIMEOUT_MS / 1000} s:\n${messages}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://127.0.0.1:${port}/?name=Ada`;
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    fail(`GET ${url}: ${err.message}`);
  }
  const body = await res.text();
  console.log(`GET ${url}\n→ ${res.status} ${res.headers.get('content-type')} ${body}`);
  if (res.status !== 200) fail(`expected 200 from the function URL, got ${res.status}`);
  await new Promise((r) => setTimeout(r, 100)); // the REPORT follows the response by a tick
  const report = logs.split('\n').find((l) => l.startsWith('REPORT '));
  if (!report) fail(`no REPORT line in svl dev's output:\n${logs}`);
  console.log(report);
  dev.kill('SIGTERM');
  const timer = setTimeout(() => dev.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  live.delete(dev);
  if (code !== 0) fail(`svl dev did not shut down cleanly (${code})`);
  console.log('svl dev shut down cleanly');
}

const work = mkdtempSync(path.join(os.tmpdir(), 'svl-demo-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true })); // also after fail()
const overall = setTimeout(() => fail('the demo took longer than 20 minutes'), 20 * 60_000);
await demo(work, 'go');
await demo(work, 'rust');
clearTimeout(overall);
