import { buffer } from 'node:stream/consumers';
// A CommonJS module whose types declare `export default`; it sets module.exports.default for that.
import sevenZipWasm from '7z-wasm';
import yauzl from 'yauzl';

export interface DeflateSettings {
  algorithm: 0 | 1;
  fastBytes: number;
  passes: number;
  matchFinderCycles: number;
}

/**
 * Everything that decides the deflate stream's bytes. 7-Zip's Deflate encoder (optimal parsing,
 * several passes) beats Info-ZIP `zip -9` by 3–4 % on our binaries, where Node's zlib -9 loses
 * 1.6–2.8 % to it; compiled to WASM and pinned to one npm version, it gives the same bytes on every
 * Node and machine. Each setting is passed explicitly so 7-Zip's level defaults cannot move them.
 * Measured with bench/zip.mjs (docs/build-and-size.md, "The bootstrap zip").
 */
export const DEFLATE_SETTINGS = {
  /** package.json pins 7z-wasm exactly; a new version may change the bytes (see the golden test). */
  encoder: '7z-wasm 1.2.0 (7-Zip 24.09 Deflate)',
  /** 1: optimal parsing (7-Zip's "normal" algorithm; 0 is its fast greedy one). */
  algorithm: 1,
  /** Match length the parser is satisfied with: 64 is 7-Zip's -mx=7. 128 (its -mx=9, with 10 passes) gains 0.2–0.3 % for 2–2.5× the time. */
  fastBytes: 64,
  /** Optimisation passes per block: 3, as -mx=7. */
  passes: 3,
  /** Binary-tree match finder depth: 7-Zip's own default for fastBytes 64 (16 + fastBytes/2), written out. */
  matchFinderCycles: 48,
} as const satisfies DeflateSettings & { encoder: string };

/** 7-Zip's switches for `settings`; nothing is left to its level defaults. */
function switches(settings: DeflateSettings): string[] {
  return [
    '-tzip',
    '-mm=Deflate',
    `-ma=${settings.algorithm}`,
    `-mfb=${settings.fastBytes}`,
    `-mpass=${settings.passes}`,
    `-mmc=${settings.matchFinderCycles}`,
    // One thread: the WASM build has none, and threads must never decide the bytes.
    '-mmt=1',
  ];
}

export interface Deflated {
  /** Zip compression method: 8 (deflate), or 0 (stored) where deflate would not make it smaller. */
  method: 0 | 8;
  data: Buffer;
  crc32: number;
}

/**
 * Deflates `input` with 7-Zip's encoder. 7-Zip only writes archives, so it zips the input in WASM
 * memory and we take the entry's raw compressed bytes and CRC out of that zip (yauzl); the zip we
 * ship is written by zipBootstrap, whose container we control. Other `settings` are for bench/zip.mjs.
 */
export async function deflate7zip(input: Uint8Array, settings: DeflateSettings = DEFLATE_SETTINGS): Promise<Deflated> {
  let messages = '';
  const sevenZip = await sevenZipWasm.default({ print: () => {}, printErr: (line: string) => void (messages += `${line}\n`) });
  sevenZip.FS.writeFile('/in', input);
  // Emscripten's exit handler writes 7-Zip's exit code into process.exitCode; ours must stay ours.
  const exitCode = process.exitCode;
  let status: unknown;
  try {
    status = sevenZip.callMain(['a', '-bso0', '-bsp0', ...switches(settings), '/out.zip', '/in']);
  } finally {
    process.exitCode = exitCode;
  }
  if (status !== 0) throw new Error(`7-Zip could not deflate the bootstrap (exit ${String(status)}): ${messages.trim() || 'no message'}`);
  return rawEntry(Buffer.from(sevenZip.FS.readFile('/out.zip')));
}

/** The one entry's compressed bytes (not inflated), its method and CRC-32, read by yauzl. */
async function rawEntry(zip: Buffer): Promise<Deflated> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  try {
    for await (const entry of file.eachEntry()) {
      const method = entry.compressionMethod;
      if (method !== 0 && method !== 8) throw new Error(`7-Zip used zip method ${method}, not deflate`);
      const data = await buffer(await file.openReadStreamPromise(entry, { decodeFileData: false }));
      return { method, data, crc32: entry.crc32 };
    }
    throw new Error('7-Zip wrote an empty zip');
  } finally {
    file.close();
  }
}
