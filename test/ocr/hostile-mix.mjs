// One hostile mix for bench/ocr.mjs's "peak RSS under hostile load" row: everything the hardening
// contract names, at once, against one running service — tricklers hold connections while one
// normal request is made, then 80 noisy photos, 10 × 19 MB uploads, pixel/header bombs and
// truncated images arrive. The caller reads the service's VmHWM afterwards.
import {
  blankPng,
  corruptPng,
  noisyPhoto,
  padTo,
  pngHeaderBomb,
  postImage,
  textImage,
  trickle,
  truncateJpegHeader,
  truncatePngHeader,
} from './hostile-inputs.mjs';

/** The mix's inputs, made once (ImageMagick for the photo and text images). */
export async function hostileImages() {
  const [png, jpeg, photo] = await Promise.all([textImage('png'), textImage('jpg'), noisyPhoto()]);
  return {
    png,
    photo,
    huge: blankPng(12_000, 12_000),
    bomb: pngHeaderBomb(50_000, 50_000),
    truncatedPng: truncatePngHeader(png),
    truncatedJpeg: truncateJpegHeader(jpeg),
    corrupt: corruptPng(),
    nineteenMB: padTo(jpeg, 19_000_000),
  };
}

/**
 * Runs the mix against `url` (the service should run with a short OCR_BODY_TIMEOUT_MS so the
 * tricklers end). Returns the answers by "status code", the normal request's status and whether
 * it was answered while tricklers were still connected.
 * @param {string} url
 * @param {Awaited<ReturnType<typeof hostileImages>>} images
 * @param {{ tricklers?: number, photos?: number, uploads?: number }} [counts]
 */
export async function runHostileMix(url, images, { tricklers = 150, photos = 80, uploads = 10 } = {}) {
  const attack = trickle(url, { connections: tricklers, contentLength: 1_000_000, intervalMs: 200, guardMs: 30_000 });
  try {
    await attack.ready;
    // The normal request first, while only the tricklers are connected (the contract's "200 during
    // a trickle attack"); the heavy part may rightly shed it.
    const normal = await postImage(url, images.png, 'image/png');
    const duringTrickle = attack.openCount() > 0;
    const answers = await Promise.all([
      ...Array.from({ length: photos }, () => postImage(url, images.photo, 'image/jpeg')),
      ...Array.from({ length: uploads }, () => postImage(url, images.nineteenMB, 'image/jpeg')),
      ...[images.huge, images.bomb, images.truncatedPng, images.truncatedJpeg, images.corrupt].map((image) => postImage(url, image)),
    ]);
    const trickled = await attack.done;
    /** @type {Record<string, number>} */
    const counts = {};
    for (const a of answers) {
      const k = `${a.status}${a.code ? ` ${a.code}` : ''}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    /** @type {Record<string, number>} */
    const trickleCounts = {};
    for (const t of trickled) {
      const k = t.open ? 'open' : String(t.status ?? t.error ?? 'closed');
      trickleCounts[k] = (trickleCounts[k] ?? 0) + 1;
    }
    return { counts, trickleCounts, normal: normal.status, duringTrickle };
  } finally {
    attack.destroy();
  }
}
