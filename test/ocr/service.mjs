// Builds a generated cloudrun-ocr project natively and runs it the way Cloud Run does (PORT set),
// shared by test/ocr and bench/ocr.mjs.
import { execa } from 'execa';
import getPort from 'get-port';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
// svl's own lock on the shared target dir (built into dist/): every Rust project's binary there is
// `bootstrap`, so another project's build must not replace ours between build and copy.
import { withTargetDirLock } from '../../dist/toolchains/target-dir-lock.js';

/**
 * Builds the service binary into the project dir; returns its path. Rust uses the shared
 * CARGO_TARGET_DIR and copies the binary out while holding svl's target-dir lock.
 * @param {string} dir generated project
 * @param {'go' | 'rust'} lang
 * @param {{ release?: boolean, cargoTargetDir: string }} options
 */
export async function buildService(dir, lang, { release = false, cargoTargetDir }) {
  if (lang === 'go') {
    const out = path.join(dir, 'bootstrap');
    await execa('go', ['build', '-trimpath', ...(release ? ['-ldflags=-s -w'] : []), '-o', out, '.'], {
      cwd: dir,
      env: { CGO_ENABLED: '0' },
    });
    return out;
  }
  const out = path.join(dir, 'bootstrap');
  await withTargetDirLock(cargoTargetDir, async () => {
    await execa('cargo', ['build', '--quiet', ...(release ? ['--release'] : []), '--bin', 'bootstrap'], {
      cwd: dir,
      env: { CARGO_TARGET_DIR: cargoTargetDir },
    });
    await copyFile(path.join(cargoTargetDir, release ? 'release' : 'debug', 'bootstrap'), out);
  });
  return out;
}

export { withTargetDirLock };

/**
 * Starts the binary on a free loopback port and waits for GET /health.
 * @param {string} binary
 * @param {Record<string, string>} env
 * @returns {Promise<{ url: string, child: import('execa').ResultPromise, startupMs: number, logs: () => string }>}
 */
export async function startService(binary, env, { healthTimeoutMs = 15_000 } = {}) {
  const port = await getPort({ host: '127.0.0.1' });
  const started = performance.now();
  let output = '';
  const child = execa(binary, [], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    extendEnv: false,
    reject: false,
    forceKillAfterDelay: 2_000,
  });
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  while (performance.now() - started < healthTimeoutMs) {
    if (child.exitCode !== null) throw new Error(`service exited early (${child.exitCode}): ${output}`);
    const healthy = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return { url, child, startupMs: performance.now() - started, logs: () => output };
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGKILL');
  throw new Error(`service not healthy after ${healthTimeoutMs} ms: ${output}`);
}
