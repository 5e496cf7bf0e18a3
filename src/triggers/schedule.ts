import { Cron } from 'croner';

// EventBridge schedule expressions, evaluated in UTC as EventBridge does.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html

/** A parsed schedule: when it fires next after a given instant. */
export interface Schedule {
  expression: string;
  /** The first fire time strictly after `after`; undefined when it never fires again. */
  next(after: Date): Date | undefined;
}

/** A schedule expression svl cannot run; the message says what to write instead. */
export class ScheduleError extends Error {}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * `rate(...)` or `cron(...)`. A rate counts from `start` (EventBridge counts from when the rule is
 * created; svl dev from when it starts).
 */
export function parseSchedule(expression: string, start: Date = new Date()): Schedule {
  const text = expression.trim();
  const rate = /^rate\((.*)\)$/s.exec(text);
  if (rate) return rateSchedule(text, rate[1]!, start);
  const cron = /^cron\((.*)\)$/s.exec(text);
  if (cron) return cronSchedule(text, cron[1]!);
  throw new ScheduleError(`'${expression}' is not a schedule expression — write rate(5 minutes) or cron(0 12 * * ? *)`);
}

function rateSchedule(expression: string, inner: string, start: Date): Schedule {
  const m = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(inner);
  const value = m ? Number(m[1]) : Number.NaN;
  const unit = m?.[2] ?? '';
  const base = unit.replace(/s$/, '') as keyof typeof UNIT_MS;
  if (!m || !(base in UNIT_MS) || !Number.isSafeInteger(value) || value < 1) {
    throw new ScheduleError(`'${expression}': a rate is rate(<n> minute|minutes|hour|hours|day|days) with a whole n ≥ 1, e.g. rate(5 minutes)`);
  }
  // EventBridge refuses "rate(1 minutes)" and "rate(5 minute)".
  const wanted = value === 1 ? base : `${base}s`;
  if (unit !== wanted) throw new ScheduleError(`'${expression}': EventBridge wants rate(${value} ${wanted})`);
  const period = value * UNIT_MS[base];
  return {
    expression,
    next(after) {
      const elapsed = after.getTime() - start.getTime();
      const n = elapsed < 0 ? 1 : Math.floor(elapsed / period) + 1;
      return new Date(start.getTime() + n * period);
    },
  };
}

/** EventBridge cron: `min hour day-of-month month day-of-week year`, one of the day fields `?`, days of the week 1-7 = SUN-SAT. */
function cronSchedule(expression: string, inner: string): Schedule {
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleError(
      `'${expression}': cron takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length} — e.g. cron(0 12 * * ? *)`,
    );
  }
  const [, , dom, , dow] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleError(`'${expression}': exactly one of day-of-month and day-of-week must be '?' — e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)`);
  }
  let cron: Cron;
  try {
    // Croner's 7-part mode with Quartz weekday numbers is EventBridge's syntax plus a seconds field.
    cron = new Cron(`0 ${fields.join(' ')}`, {
      mode: '7-part',
      alternativeWeekdays: true,
      domAndDow: true,
      sloppyRanges: true,
      timezone: 'UTC',
      paused: true,
    });
  } catch (err) {
    throw new ScheduleError(`'${expression}': ${(err as Error).message.replace(/^CronPattern: /, '')}`);
  }
  return { expression, next: (after) => cron.nextRun(after) ?? undefined };
}
