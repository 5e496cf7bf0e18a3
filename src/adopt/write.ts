import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import { CONFIG_FILE } from '../project/svl-json.js';

/**
 * Writes svl.json, and only svl.json: 'wx' fails instead of replacing one that appeared since we
 * looked, so adopting never overwrites a file.
 */
export async function writeSvlJson(root: string, text: string): Promise<string> {
  const file = path.join(root, CONFIG_FILE);
  try {
    await writeFile(file, text, { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new SvlError(`${file} appeared while svl init was looking — nothing was changed; run svl init again if it should be replaced`);
    throw new SvlError(`cannot write ${file} (${code ?? (err as Error).message}) — make ${root} writable`);
  }
  return file;
}
