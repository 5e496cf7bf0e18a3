import { describe, expect, it } from 'vitest';
import { GO_FAULTS, fixtureCopy, startDev } from './dev-server.js';

// Stopping svl dev while calls are running and queued: every caller still gets an HTTP answer
// (Lambda's "nothing hangs" rule), none is left with a reset connection.
describe('svl dev shutdown', () => {
  it('answers the in-flight and the queued invocation when stopped, then exits 0', async () => {
    const dev = await startDev(await fixtureCopy(GO_FAULTS), ['--no-watch', '--concurrency', '1']);
    const call = () =>
      fetch(`${dev.url}/2015-03-31/functions/go-faults/invocations`, {
        method: 'POST',
        body: JSON.stringify({ mode: 'sleep', ms: 1500 }),
        signal: AbortSignal.timeout(20_000),
      });
    const inFlight = call();
    // svl dev prints an invocation's log when it ends, so ordering is by delay: the first call has
    // 1.5 s of sleep left when the second arrives and queues behind it (one instance only).
    await new Promise((r) => setTimeout(r, 300));
    const queued = call();
    await new Promise((r) => setTimeout(r, 300));
    const stopped = dev.stop();

    const [first, second] = await Promise.all([inFlight, queued]);
    const secondBody = (await second.json()) as { errorType: string; errorMessage: string };
    expect(second.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(secondBody.errorType).toBe('ServiceException');
    expect(secondBody.errorMessage).toMatch(/shutting down/);
    // The in-flight call ends with the instance: an answer, not a dropped connection.
    expect(first.status).toBeGreaterThanOrEqual(200);
    await first.text();
    expect((await stopped).exitCode).toBe(0);
  });
});
