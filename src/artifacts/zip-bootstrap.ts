import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Zip, type ZipInputFile } from 'fflate';
import { DEFLATE_SETTINGS, type DeflateSettings, deflate7zip } from './deflate-7zip.js';

/**
 * Local midnight, 1980-01-01: the earliest DOS timestamp. DOS times are stored in local time, so a
 * fixed *local* date (and no UTC extended field) gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Regular file, rwxr-xr-x: Lambda runs `bootstrap` only if it is executable. */
const BOOTSTRAP_MODE = 0o100755;
/** "Version made by" host 3 (Unix): readers take the mode from the high half of the external attributes. */
const UNIX_HOST = 3;

/**
 * Writes `bootstrap` (mode 0755) alone at the root of a zip; the same binary gives the same bytes on
 * every Node and machine. The deflate stream is 7-Zip's (deflate-7zip.ts); fflate writes the
 * container around it with every field fixed: name, mode, time, no extra fields.
 */
export async function zipBootstrap(binaryPath: string, zipPath: string): Promise<{ bytes: number; sha256: string }> {
  const data = await bootstrapZip(await readFile(binaryPath));
  await writeFile(zipPath, data);
  return { bytes: data.length, sha256: codeSha256(data) };
}

/** The zip of one `bootstrap` entry holding `binary`; other `settings` only for bench/zip.mjs. */
export async function bootstrapZip(binary: Uint8Array, settings: DeflateSettings = DEFLATE_SETTINGS): Promise<Buffer> {
  const deflated = await deflate7zip(binary, settings);
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(err);
      chunks.push(chunk);
      if (final) resolve();
    });
    const entry: ZipInputFile = {
      filename: 'bootstrap',
      size: binary.length,
      crc: deflated.crc32,
      compression: deflated.method,
      flag: 0,
      os: UNIX_HOST,
      attrs: BOOTSTRAP_MODE * 0x10000,
      mtime: FIXED_MTIME,
    };
    zip.add(entry);
    // fflate takes a Uint8Array over a plain ArrayBuffer; a Buffer may sit on a shared pool.
    entry.ondata!(null, Uint8Array.from(deflated.data), true);
    zip.end();
  });
  await done;
  return Buffer.concat(chunks);
}

/** Lambda's CodeSha256: base64 of the SHA-256 of the zip. build.json and deploy both use this form. */
export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}
