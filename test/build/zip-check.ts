import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { execa } from 'execa';
import { expect } from 'vitest';
import yauzl from 'yauzl';

/** Size of Info-ZIP's `zip -9` of `bootstrap` (stored as "bootstrap", no extra fields): the bar svl's zip must not exceed. */
export async function infoZipNine(bootstrap: string): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-zip-9-'));
  try {
    await copyFile(bootstrap, path.join(dir, 'bootstrap'));
    await execa('zip', ['-9', '-X', '-q', 'bootstrap.zip', 'bootstrap'], { cwd: dir });
    return (await stat(path.join(dir, 'bootstrap.zip'))).size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `unzip -t` passes, and an independent reader (yauzl) finds one entry, `bootstrap`, mode 0755,
 * holding exactly the bytes of `bootstrap`.
 */
export async function expectUnzipsTo(zip: string, bootstrap: string): Promise<void> {
  const test = await execa('unzip', ['-t', zip], { reject: false });
  expect(test.exitCode, test.stdout).toBe(0);
  expect(test.stdout).toMatch(/testing: bootstrap +OK/);
  const file = await yauzl.openPromise(zip, { lazyEntries: true });
  const entries: { name: string; mode: number; data: Buffer }[] = [];
  try {
    for await (const entry of file.eachEntry()) {
      const data = await buffer(await file.openReadStreamPromise(entry));
      entries.push({ name: entry.fileName, mode: (entry.externalFileAttributes >>> 16) & 0o177777, data });
    }
  } finally {
    file.close();
  }
  expect(entries.map((e) => [e.name, e.mode])).toEqual([['bootstrap', 0o100755]]);
  expect(entries[0]!.data.equals(await readFile(bootstrap))).toBe(true);
}

/**
 * SHA-256 (hex) and size of bootstrapZip(goldenInput()). Changes only when the pinned encoder
 * (7z-wasm's version in package.json) or DEFLATE_SETTINGS change — never with Node, OS or time zone.
 */
export const GOLDEN = { sha256: '0a8a01d604b61220c981a589142992e37c0781e428b31f4547bbd2f59bed6795', bytes: 308_195 };

/**
 * 512 KiB that look like a binary to a compressor — short literals, and earlier runs of up to a few
 * hundred bytes repeated at many distances — made from SHA-256 alone, so the same everywhere, forever.
 */
export function goldenInput(): Buffer {
  const literals: Buffer[] = [];
  const parts: Buffer[] = [];
  let h = createHash('sha256').update('svl zip golden input').digest();
  let total = 0;
  while (total < GOLDEN_INPUT_BYTES) {
    h = createHash('sha256').update(h).digest();
    let part: Buffer;
    if (h[0]! < 80 && literals.length > 0) {
      const from = (h[1]! * 256 + h[2]!) % literals.length;
      part = Buffer.concat(literals.slice(from, from + 1 + (h[4]! % 16)));
    } else {
      part = h.subarray(0, 1 + (h[3]! % 32));
      literals.push(part);
    }
    parts.push(part);
    total += part.length;
  }
  return Buffer.concat(parts).subarray(0, GOLDEN_INPUT_BYTES);
}
const GOLDEN_INPUT_BYTES = 512 * 1024;
