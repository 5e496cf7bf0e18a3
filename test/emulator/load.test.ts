import { afterAll, beforeAll, expect, it } from 'vitest';
import { GO_FAULTS, fixtureCopy, startDev, type DevServer } from './dev-server.js';

// Thousands of invocations through the Invoke API at concurrency 8 with crashes, handler errors
// and timeouts mixed in: every caller gets exactly one answer, and the counts add up.
const TOTAL = 2_000;
const CONCURRENCY = 8;
let dev: DevServer;

beforeAll(async () => {
  dev = await startDev(await fixtureCopy(GO_FAULTS, { timeout: 1 }), ['--no-watch', '--concurrency', String(CONCURRENCY)]);
}, 240_000);

afterAll(async () => {
  await dev?.stop();
});

function eventFor(i: number): { mode: string; ms?: number } {
  if (i % 500 === 250) return { mode: 'sleep', ms: 3_000 }; // past the 1 s timeout
  if (i % 97 === 0) return { mode: 'crash' };
  if (i % 50 === 0) return { mode: 'error' };
  return { mode: 'version' };
}

it(`answers ${TOTAL} invocations at concurrency ${CONCURRENCY} with faults mixed in: none lost, none hung`, async () => {
  const expected: Record<string, number> = {};
  for (let i = 0; i < TOTAL; i++) {
    const kind = { sleep: 'Sandbox.Timedout', crash: 'Runtime.ExitError', error: 'errorString', version: 'ok' }[eventFor(i).mode]!;
    expected[kind] = (expected[kind] ?? 0) + 1;
  }
  const seen: Record<string, number> = {};
  const requestIds = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const res = await fetch(`${dev.url}/2015-03-31/functions/go-faults/invocations`, {
        method: 'POST',
        body: JSON.stringify(eventFor(i)),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(200);
      requestIds.add(res.headers.get('x-amzn-requestid')!);
      const body = await res.json();
      const kind = res.headers.get('x-amz-function-error') ? (body.errorType as string) : body === 'v1' ? 'ok' : `unexpected ${JSON.stringify(body)}`;
      seen[kind] = (seen[kind] ?? 0) + 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  expect(seen).toEqual(expected);
  expect(requestIds.size).toBe(TOTAL);
  // Every invocation was logged once; cold starts only for the first 8 and each replaced instance.
  const reportCount = () => (dev.stdout().match(/^REPORT RequestId: /gm) ?? []).length;
  for (let i = 0; i < 100 && reportCount() < TOTAL; i++) await new Promise((r) => setTimeout(r, 50));
  const reports = dev.stdout().match(/^REPORT RequestId: /gm) ?? [];
  expect(reports.length).toBe(TOTAL);
  const coldStarts = dev.stdout().match(/\tInit Duration: /g) ?? [];
  const replaced = expected['Sandbox.Timedout']! + expected['Runtime.ExitError']!;
  expect(coldStarts.length).toBeLessThanOrEqual(CONCURRENCY + replaced);
  expect(coldStarts.length).toBeGreaterThanOrEqual(replaced);
  console.log(`${TOTAL} invocations in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)}/s incl. faults), ${coldStarts.length} cold starts`);
}, 120_000);
