// A stand-in for the Gemini generateContent REST endpoint on loopback, for the OCR suite and
// bench/ocr.mjs: the real API cannot be reached (and must not be billed) from tests.
// Besides the normal answer it speaks the failures the real API sends, with its field names
// (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse, google.rpc.Status):
//   ok          200, one candidate with the JSON text the services ask for, finishReason STOP
//   retry-info  429 RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail (retryDelay, "45s")
//   quota       429 RESOURCE_EXHAUSTED with a google.rpc.QuotaFailure detail, no RetryInfo —
//               every call, like an exhausted daily quota
//   unavailable 503 UNAVAILABLE ("The model is overloaded.")
//   safety      200, candidates[0].finishReason SAFETY, no content parts, safetyRatings
//   blocked     200, no candidates, promptFeedback.blockReason (PROHIBITED_CONTENT)
//   max-tokens  200, finishReason MAX_TOKENS with a cut-off text part
//   garbage     200, content-type application/json, a body that is not JSON
import http from 'node:http';

/** @typedef {'ok' | 'retry-info' | 'quota' | 'unavailable' | 'safety' | 'blocked' | 'max-tokens' | 'garbage'} FakeMode */
export const FAKE_MODES = ['ok', 'retry-info', 'quota', 'unavailable', 'safety', 'blocked', 'max-tokens', 'garbage'];

const MODEL_VERSION = 'fake-flash-lite';

/** google.rpc.Status as the Gemini API wraps it: { error: { code, message, status, details } }. */
const rpcError = (code, status, message, details = []) => ({ status: code, body: JSON.stringify({ error: { code, message, status, details } }) });

const safetyRatings = (blockedCategory) =>
  ['HARM_CATEGORY_SEXUALLY_EXPLICIT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_DANGEROUS_CONTENT'].map((category) =>
    category === blockedCategory ? { category, probability: 'HIGH', blocked: true } : { category, probability: 'NEGLIGIBLE' },
  );

const usageMetadata = { promptTokenCount: 1290, totalTokenCount: 1290 };

/**
 * @param {FakeMode} mode
 * @param {{ text: string, retryDelay: string }} options
 * @returns {{ status: number, body: string }}
 */
function answer(mode, { text, retryDelay }) {
  switch (mode) {
    case 'ok':
      return {
        status: 200,
        body: JSON.stringify({
          candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify({ text }) }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { ...usageMetadata, candidatesTokenCount: 12, totalTokenCount: 1302 },
          modelVersion: MODEL_VERSION,
        }),
      };
    case 'retry-info':
      return rpcError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
      ]);
    case 'quota':
      return rpcError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
              quotaDimensions: { location: 'global', model: 'gemini-2.5-flash-lite' },
              quotaValue: '1000',
            },
          ],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
        },
      ]);
    case 'unavailable':
      return rpcError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'safety':
      // A candidate stopped for safety has no content parts (or no content at all).
      return {
        status: 200,
        body: JSON.stringify({
          candidates: [{ content: { role: 'model' }, finishReason: 'SAFETY', index: 0, safetyRatings: safetyRatings('HARM_CATEGORY_DANGEROUS_CONTENT') }],
          usageMetadata,
          modelVersion: MODEL_VERSION,
        }),
      };
    case 'blocked':
      // The prompt itself was blocked: no candidates, only promptFeedback.
      return {
        status: 200,
        body: JSON.stringify({
          promptFeedback: { blockReason: 'PROHIBITED_CONTENT', safetyRatings: safetyRatings('') },
          usageMetadata,
          modelVersion: MODEL_VERSION,
        }),
      };
    case 'max-tokens':
      return {
        status: 200,
        body: JSON.stringify({
          candidates: [{ content: { role: 'model', parts: [{ text: '{"text": "HELLO SV' }] }, finishReason: 'MAX_TOKENS', index: 0 }],
          usageMetadata: { ...usageMetadata, candidatesTokenCount: 8, totalTokenCount: 1298 },
          modelVersion: MODEL_VERSION,
        }),
      };
    case 'garbage':
      return { status: 200, body: '<html><body>502 Bad Gateway from some proxy</body></html>\n\x00\x01not json' };
    default:
      throw new Error(`unknown fake Gemini mode ${mode}: one of ${FAKE_MODES.join(', ')}`);
  }
}

/**
 * @param {{ latencyMs?: number, text?: string, mode?: FakeMode, retryDelay?: string }} [options]
 * @returns {Promise<{ url: string, requests: () => number, received: Promise<void>, setMode: (mode: FakeMode) => void, close: () => Promise<void> }>}
 *   requests(): generateContent calls answered so far, whatever the mode.
 */
export async function startFakeGemini({ latencyMs = 0, text = 'FAKE GEMINI TEXT', mode = 'ok', retryDelay = '45s' } = {}) {
  if (!FAKE_MODES.includes(mode)) throw new Error(`unknown fake Gemini mode ${mode}: one of ${FAKE_MODES.join(', ')}`);
  let current = mode;
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
      const { status, body } = answer(current, { text, retryDelay });
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(body);
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
    setMode: (next) => {
      if (!FAKE_MODES.includes(next)) throw new Error(`unknown fake Gemini mode ${next}: one of ${FAKE_MODES.join(', ')}`);
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

// `node test/ocr/fake-gemini.mjs <latencyMs> [mode]` serves in its own process (bench/ocr.mjs uses
// this so the fake and the load generator do not share one event loop) and prints its URL.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const fake = await startFakeGemini({ latencyMs: Number(process.argv[2] ?? 0), mode: /** @type {FakeMode} */ (process.argv[3] ?? 'ok') });
  process.stdout.write(`${fake.url}\n`);
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}
