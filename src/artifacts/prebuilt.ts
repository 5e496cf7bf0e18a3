import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionConfig } from '../project/project.js';
import { SvlError } from '../core/errors.js';

/** Copies the `bootstrap` entry of a Lambda zip to `target` (mode 0755). */
export async function extractBootstrap(zipFile: string, target: string): Promise<void> {
  const yauzl = (await import('yauzl')).default;
  const data = await new Promise<Buffer>((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err || !zip)
        return reject(
          new SvlError(`${zipFile} is not a readable zip (${err?.message ?? 'unknown error'}) — point "artifact" at a Lambda zip or a bootstrap executable`),
        );
      let found = false;
      zip.on('entry', (entry: import('yauzl').Entry) => {
        if (entry.fileName !== 'bootstrap') return zip.readEntry();
        found = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks));
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => {
        if (!found)
          reject(new SvlError(`${zipFile} has no 'bootstrap' at its root — Lambda's provided.al2023 runtime runs that file; rebuild the zip with it`));
      });
      zip.on('error', reject);
      zip.readEntry();
    });
  });
  await writeFile(target, data, { mode: 0o755 });
}

/** Puts an svl.json `artifact` (a bootstrap executable, or a zip holding one) at `target`. */
export async function copyPrebuilt(fn: FunctionConfig, target: string): Promise<string> {
  const file = fn.artifact!;
  await mkdir(path.dirname(target), { recursive: true });
  let head: Buffer;
  try {
    head = (await readFile(file)).subarray(0, 4);
  } catch (err) {
    throw new SvlError(
      `cannot read ${file} (svl.json artifact of ${fn.name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — fix the path`,
    );
  }
  if (head.toString('latin1') === 'PK\u0003\u0004') await extractBootstrap(file, target);
  else await copyFile(file, target);
  return target;
}
