// A stand-in for the Gemini generateContent REST endpoint on loopback, for the OCR suite and
// bench/ocr.mjs: the real API cannot be reached (and must not be billed) from tests.
import http from 'node:http';

/**
 * @param {{ latencyMs?: number, text?: string }} [options]
 * @returns {Promise<{ url: string, requests: () => number, received: Promise<void>, close: () => Promise<void> }>}
 */
export async function startFakeGemini({ latencyMs = 0, text = 'FAKE GEMINI TEXT' } = {}) {
  let count = 0;
  /** @type {() => void} */
  let markReceived = () => {};
  const received = new Promise((resolve) => (markReceived = () => resolve(undefined)));
  const timers = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const ok = req.method === 'POST' && /^\/v1beta\/models\/[^/]+:generateContent$/.test(req.url ?? '');
      if (!ok) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"status":"NOT_FOUND"}}');
        return;
      }
      count++;
      markReceived();
      const body = JSON.stringify({
        candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify({ text }) }] }, finishReason: 'STOP' }],
        modelVersion: 'fake-flash-lite',
      });
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      }, latencyMs);
      timers.add(timer);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => count,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

// `node test/ocr/fake-gemini.mjs <latencyMs>` serves in its own process (bench/ocr.mjs uses this so
// the fake and the load generator do not share one event loop) and prints its URL.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const fake = await startFakeGemini({ latencyMs: Number(process.argv[2] ?? 0) });
  process.stdout.write(`${fake.url}\n`);
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}
