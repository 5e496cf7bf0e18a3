import type { Message } from '@aws-sdk/client-sqs';

// S3 event notifications as a bucket sends them to an SQS queue, turned into the event Lambda
// gives a function an S3 bucket triggers: the notification's own Records.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html

export interface S3Filter {
  bucket: string;
  /** e.g. s3:ObjectCreated:* or s3:ObjectRemoved:Delete */
  events: string[];
  prefix?: string;
  suffix?: string;
}

export interface S3Record {
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string } };
  [k: string]: unknown;
}

export type S3Notification =
  /** s3:TestEvent, which S3 sends when a notification is configured: never a function call. */
  { kind: 'test' } | { kind: 'records'; records: S3Record[] } | { kind: 'unreadable'; why: string };

export function readS3Notification(message: Message): S3Notification {
  let body: { Event?: string; Records?: unknown };
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { kind: 'unreadable', why: 'the message body is not JSON' };
  }
  if (body?.Event === 's3:TestEvent') return { kind: 'test' };
  if (!Array.isArray(body?.Records)) return { kind: 'unreadable', why: 'the message has no S3 "Records"' };
  const records = body.Records.filter(
    (r): r is S3Record => typeof r?.eventName === 'string' && typeof r?.s3?.bucket?.name === 'string' && typeof r?.s3?.object?.key === 'string',
  );
  return { kind: 'records', records };
}

/** The records the trigger's bucket, event types and key prefix/suffix select, as S3 itself would. */
export function matchingRecords(records: S3Record[], filter: S3Filter): S3Record[] {
  return records.map(withZonedTime).filter((r) => {
    if (r.s3.bucket.name !== filter.bucket) return false;
    const name = `s3:${r.eventName}`;
    if (!filter.events.some((e) => (e.endsWith(':*') ? name.startsWith(e.slice(0, -1)) : name === e))) return false;
    const key = objectKey(r);
    return key.startsWith(filter.prefix ?? '') && key.endsWith(filter.suffix ?? '');
  });
}

/**
 * S3 writes eventTime in UTC with a 'Z'; S3-compatible servers (moto) may leave the zone out, which
 * the Lambda runtimes' S3 event types refuse to parse — such a time is S3's UTC, so it gets its 'Z'.
 */
function withZonedTime(r: S3Record): S3Record {
  const t = r.eventTime;
  if (typeof t !== 'string' || !/^\d{4}-\d\d-\d\dT[\d:.]+$/.test(t)) return r;
  const date = new Date(`${t}Z`);
  return Number.isNaN(date.getTime()) ? r : { ...r, eventTime: date.toISOString() };
}

/** Notifications URL-encode the key, spaces as '+'. */
export function objectKey(r: S3Record): string {
  try {
    return decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
  } catch {
    return r.s3.object.key;
  }
}
