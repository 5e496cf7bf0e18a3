// What decides bootstrap.zip's bytes, pinned: the encoder (7z-wasm, an exact version in package.json),
// its settings (DEFLATE_SETTINGS, each passed to 7-Zip explicitly) and our container (fflate).
// GOLDEN (zip-check.ts) changes only when the pinned encoder or its settings change — a deliberate
// change that moves the CodeSha256 of every unchanged function, so the commit must say so.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFLATE_SETTINGS } from '../../src/artifacts/deflate-7zip.js';
import { bootstrapZip, codeSha256, zipBootstrap } from '../../src/artifacts/zip-bootstrap.js';
import { scratchDir } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { expectUnzipsTo, GOLDEN, goldenInput, infoZipNine } from './zip-check.js';
import { sha256 } from './zip-entries.js';

let dir: string;
let input: string;

beforeAll(async () => {
  dir = await scratchDir('zip-golden');
  input = path.join(dir, 'bootstrap');
  await writeFile(input, goldenInput());
});

describe('bootstrap.zip bytes', () => {
  it('are pinned: a fixed input gives the known SHA-256', async () => {
    const zip = path.join(dir, 'golden.zip');
    const r = await zipBootstrap(input, zip);
    expect({ sha256: await sha256(zip), bytes: r.bytes }).toEqual(GOLDEN);
    expect(r.sha256).toBe(Buffer.from(GOLDEN.sha256, 'hex').toString('base64'));
    await expectUnzipsTo(zip, input);
    // And no larger than Info-ZIP's best on the same input.
    expect(r.bytes).toBeLessThanOrEqual(await infoZipNine(input));
  });

  it('come from an exactly pinned encoder, with every setting given', async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies['7z-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies.fflate).toMatch(/^\d+\.\d+\.\d+$/);
    const installed = JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules', '7z-wasm', 'package.json'), 'utf8'));
    expect(installed.version).toBe(pkg.dependencies['7z-wasm']);
    expect(DEFLATE_SETTINGS.encoder.startsWith(`7z-wasm ${installed.version} `)).toBe(true);
    // Each setting reaches 7-Zip: changing any one of them changes the bytes.
    const data = goldenInput().subarray(0, 128 * 1024);
    const ours = codeSha256(await bootstrapZip(data));
    for (const change of [{ algorithm: 0 as const }, { fastBytes: 32 }, { passes: 1 }, { matchFinderCycles: 4 }]) {
      expect(codeSha256(await bootstrapZip(data, { ...DEFLATE_SETTINGS, ...change })), JSON.stringify(change)).not.toBe(ours);
    }
  });

  it('do not depend on the time zone (DOS time is local time, and 7-Zip reads the clock in WASM)', async () => {
    const script = `import { zipBootstrap } from ${JSON.stringify(path.join(REPO_ROOT, 'dist', 'artifacts', 'zip-bootstrap.js'))};
const r = await zipBootstrap(process.argv[1], process.argv[2]); console.log(r.sha256);`;
    for (const tz of ['Pacific/Kiritimati', 'America/Adak']) {
      const r = await execa(process.execPath, ['--input-type=module', '-e', script, input, path.join(dir, `${tz.replace('/', '-')}.zip`)], {
        env: { TZ: tz },
      });
      expect(r.stdout.trim(), tz).toBe(Buffer.from(GOLDEN.sha256, 'hex').toString('base64'));
    }
  });

  it('leave process.exitCode alone (emscripten writes 7-Zip exit code there)', async () => {
    const before = process.exitCode;
    await bootstrapZip(goldenInput().subarray(0, 4096));
    expect(process.exitCode).toBe(before);
  });

  it('still unzip to the input when it does not compress', async () => {
    const noise = path.join(dir, 'noise');
    await writeFile(noise, randomBytes(256 * 1024));
    const zip = path.join(dir, 'noise.zip');
    await zipBootstrap(noise, zip);
    await expectUnzipsTo(zip, noise);
  });
});
