// Hostile inputs for the cloudrun-ocr services, shared by test/ocr/hostile.test.ts and
// bench/ocr.mjs: crafted and rendered images, a slow-trickle client, a raw POST that survives a
// reset, and the peak-RSS reader. Loopback only; every wait is bounded.
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import zlib from 'node:zlib';

export const KNOWN_TEXT = 'HELLO SVL 42';

/** Cloud Run memory ("256Mi", "1Gi", "512M", "2G") in MiB. */
export function parseMemoryMiB(memory) {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)$/.exec(String(memory));
  if (!m) throw new Error(`cloudrun.memory ${JSON.stringify(memory)} is not like "512Mi" or "1Gi"`);
  const n = Number(m[1]);
  const unit = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 }[m[2]];
  return Math.floor(n * unit);
}

/** VmHWM (peak resident set) of a live process, in MiB (Linux /proc). */
export async function peakRssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

/**
 * Resets a process's VmHWM to its current RSS (Linux: writing 5 to /proc/<pid>/clear_refs), so
 * one case's peak is not the previous case's.
 */
export async function resetPeakRss(pid) {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

// ---------------------------------------------------------------------------------------------
// Images

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC-32 over type + data (PNG spec §5.3). */
function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function ihdr(width, height, bitDepth, colorType) {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.writeUInt8(bitDepth, 8);
  data.writeUInt8(colorType, 9); // compression, filter, interlace: 0
  return pngChunk('IHDR', data);
}

/**
 * A header bomb: a valid PNG structure (all CRCs right) whose IHDR declares width × height RGB
 * pixels, with an IDAT of a few bytes. A service that decodes before checking the header
 * allocates width × height × 3 bytes.
 */
export function pngHeaderBomb(width, height) {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height, 8, 2), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A real, fully decodable white PNG of width × height (1-bit grayscale, so it compresses to tens
 * of KB): what a camera-less "huge scan" looks like on the wire.
 */
export function blankPng(width, height) {
  const rowBytes = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(rowBytes * height, 0xff);
  for (let y = 0; y < height; y++) raw[y * rowBytes] = 0; // filter type None
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height, 1, 0), pngChunk('IDAT', zlib.deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A PNG whose header is fine (width × height within any budget) but whose IDAT is not zlib data:
 * every decoder fails on it, leptonica with "Error in pixReadStreamPng" on stderr.
 */
export function corruptPng(width = 200, height = 100) {
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 151 + 17) & 0xff; // not a zlib header
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height, 8, 2), pngChunk('IDAT', garbage), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG cut inside IHDR (signature intact, width/height incomplete). */
export function truncatePngHeader(png) {
  return png.subarray(0, PNG_SIGNATURE.length + 8 + 3);
}

/** A JPEG cut inside its first SOF marker (the frame header that carries width × height). */
export function truncateJpegHeader(jpeg) {
  for (let i = 2; i + 1 < jpeg.length; i++) {
    if (jpeg[i] === 0xff && jpeg[i + 1] >= 0xc0 && jpeg[i + 1] <= 0xc2) return jpeg.subarray(0, i + 5);
  }
  throw new Error('no SOF0/1/2 marker in the JPEG');
}

async function convert(args) {
  const { stdout } = await execa('convert', args, { encoding: 'buffer', maxBuffer: 64 * 2 ** 20 });
  return Buffer.from(stdout);
}

/**
 * KNOWN_TEXT rendered black on white, large enough for tesseract; format: png | jpg | tiff.
 * 8-bit grayscale without alpha, as a scanner writes it (ImageMagick would otherwise write a
 * 16-bit or gray+alpha TIFF, which tesseract reads as blank); the TIFF is LZW-compressed.
 */
export function textImage(format = 'png') {
  const text = ['-size', '1400x220', 'xc:white', '-fill', 'black', '-pointsize', '96', '-gravity', 'center', '-annotate', '0', KNOWN_TEXT];
  const gray = ['-depth', '8', '-alpha', 'off', '-type', 'Grayscale', ...(format === 'tiff' ? ['-compress', 'lzw'] : [])];
  return convert([...text, ...gray, `${format}:-`]);
}

/**
 * A multi-MB photo-like JPEG: random noise, 3000×2000 (6 Mpx), quality 92 with 4:2:2 chroma —
 * about 7 MB, inside the contract's "80 × 4–8 MB photos" (4:4:4 would make it 10 MB).
 */
export function noisyPhoto() {
  return convert(['-size', '3000x2000', 'xc:', '+noise', 'Random', '-quality', '92', '-sampling-factor', '4:2:2', 'jpg:-']);
}

/** `image` followed by zero bytes up to `bytes` (decoders stop at IEND/EOI and ignore the rest). */
export function padTo(image, bytes) {
  return Buffer.concat([image, Buffer.alloc(Math.max(0, bytes - image.length))]);
}

// ---------------------------------------------------------------------------------------------
// Clients

/**
 * POST /v1/ocr. A server may answer 413 and close while the upload is still being written, which
 * fetch reports as a reset: that comes back as `{ status: 'reset' }` instead of a throw.
 * @returns {Promise<{ status: number | 'reset', code?: string, reason?: string, message?: string, retryAfter: string | null, text: string, json?: any }>}
 */
export async function postImage(url, body, contentType = 'application/octet-stream') {
  let res;
  try {
    res = await fetch(`${url}/v1/ocr`, { method: 'POST', body, headers: { 'content-type': contentType } });
  } catch (error) {
    return { status: 'reset', retryAfter: null, text: String(error?.cause?.code ?? error) };
  }
  let text;
  try {
    text = await res.text();
  } catch (error) {
    return { status: 'reset', retryAfter: null, text: String(error?.cause?.code ?? error) };
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    code: json?.error?.code,
    reason: json?.error?.reason ?? json?.reason,
    message: json?.error?.message,
    retryAfter: res.headers.get('retry-after'),
    text,
    json,
  };
}

/**
 * `connections` raw sockets that each send a POST's headers with Content-Length: `contentLength`,
 * then one body byte every `intervalMs`, until the server answers or closes. `ready` resolves when
 * every socket has written its headers; `done` with one outcome per socket once every socket is
 * closed (a socket the server never closes is destroyed after `guardMs` and reported as 'open').
 * @returns {{ ready: Promise<void>, done: Promise<Array<{ status: number | null, raw: string, error?: string, open?: boolean }>>, openCount: () => number, destroy: () => void }}
 */
export function trickle(url, { connections = 150, contentLength = 1_000_000, intervalMs = 200, guardMs = 30_000 } = {}) {
  const { hostname, port } = new URL(url);
  const sockets = [];
  let open = 0;
  const headersWritten = [];
  const outcomes = [];
  for (let i = 0; i < connections; i++) {
    open++;
    const socket = net.connect({ host: hostname, port: Number(port) });
    sockets.push(socket);
    let raw = '';
    let error;
    let timer;
    const guard = setTimeout(() => {
      error = 'open';
      socket.destroy();
    }, guardMs);
    headersWritten.push(
      new Promise((resolve) => {
        socket.once('connect', () => {
          socket.write(`POST /v1/ocr HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: image/png\r\nContent-Length: ${contentLength}\r\n\r\n`, () =>
            resolve(undefined),
          );
          // PNG magic first, then filler: the service sees a plausible image arriving slowly.
          let sent = 0;
          timer = setInterval(() => {
            if (sent < contentLength && socket.writable) socket.write(Buffer.of(PNG_SIGNATURE[sent++] ?? 0));
          }, intervalMs);
        });
        socket.once('close', () => resolve(undefined));
      }),
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (raw += chunk));
    socket.on('error', (e) => (error ??= /** @type {NodeJS.ErrnoException} */ (e).code ?? String(e)));
    outcomes.push(
      new Promise((resolve) => {
        socket.once('close', () => {
          clearTimeout(guard);
          clearInterval(timer);
          open--;
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1];
          resolve({ status: status ? Number(status) : null, raw, ...(error ? { error } : {}), ...(error === 'open' ? { open: true } : {}) });
        });
      }),
    );
  }
  return {
    ready: Promise.all(headersWritten).then(() => undefined),
    done: Promise.all(outcomes),
    openCount: () => open,
    destroy: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
