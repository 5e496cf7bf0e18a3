import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';

export interface ZipEntryInfo {
  name: string;
  /** Unix mode from the external attributes. */
  mode: number;
  mtime: Date;
}

/** Lists a zip's entries with their unix mode, read by an independent zip reader (yauzl). */
export async function zipEntries(file: string): Promise<ZipEntryInfo[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const entries: ZipEntryInfo[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push({ name: e.fileName, mode: (e.externalFileAttributes >>> 16) & 0o177777, mtime: e.getLastModDate() });
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return entries;
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
