import { randomUUID } from 'node:crypto';

// The event an EventBridge schedule rule sends.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html

export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

export function scheduledEvent(opts: { time: Date; ruleArn: string; region: string; account: string; id?: string }): ScheduledEvent {
  return {
    version: '0',
    id: opts.id ?? randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: opts.account,
    time: isoSeconds(opts.time),
    region: opts.region,
    resources: [opts.ruleArn],
    detail: {},
  };
}

/** ISO 8601 without milliseconds, as EventBridge writes times: 2026-12-02T10:00:00Z. */
export function isoSeconds(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}
