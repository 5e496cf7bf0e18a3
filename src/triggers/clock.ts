/** Time for the schedules: the real one, or a test's. */
export interface Clock {
  now(): Date;
  /** Calls `fire` at `at` (or at once when it has passed); answers a cancel function. */
  at(at: Date, fire: () => void): () => void;
}

/** Node's timers take at most ~24.8 days; a later time is reached in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  at(at, fire) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = at.getTime() - Date.now();
      timer = setTimeout(wait > MAX_TIMER_MS ? arm : fire, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};

/**
 * Time running `speed` times faster from now on (SVL_DEV_CLOCK_SPEED): a rate(1 minute) schedule
 * fires every second at 60, so a test or a demo sees it fire through the real timers.
 */
export function acceleratedClock(speed: number, base: Clock = systemClock): Clock {
  const origin = base.now().getTime();
  const now = () => new Date(origin + (base.now().getTime() - origin) * speed);
  return {
    now,
    at(at, fire) {
      const realAt = origin + (at.getTime() - origin) / speed;
      return base.at(new Date(realAt), fire);
    },
  };
}
