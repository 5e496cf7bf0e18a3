import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import yazl from 'yazl';

/**
 * Local midnight, 1980-01-01: the earliest DOS timestamp. DOS times are stored in local time, so a
 * fixed *local* date (and no UTC extended field) gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Writes `bootstrap` (mode 0755) alone at the root of a zip; the same binary gives the same bytes. */
export async function zipBootstrap(binaryPath: string, zipPath: string): Promise<{ bytes: number; sha256: string }> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(await readFile(binaryPath), 'bootstrap', {
    mtime: FIXED_MTIME,
    mode: 0o100755,
    compressionLevel: 9,
    forceDosTimestamp: true,
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  await writeFile(zipPath, data);
  return { bytes: data.length, sha256: codeSha256(data) };
}

/** Lambda's CodeSha256: base64 of the SHA-256 of the zip. build.json and deploy both use this form. */
export function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}
