// The record S3 sends for an event notification.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html

export interface S3ObjectEvent {
  eventName: string;
  bucket: string;
  /** The key as stored; the event carries it URL-encoded. */
  key: string;
  /** Absent for removals, as S3 sends them. */
  size?: number;
  eTag?: string;
  versionId?: string;
  sequencer: string;
  time: Date;
  region: string;
  principalId: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
  configurationId: string;
  ownerPrincipalId: string;
}

export function s3Event(objects: S3ObjectEvent[]): { Records: object[] } {
  return { Records: objects.map(s3Record) };
}

function s3Record(o: S3ObjectEvent): object {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: o.region,
    eventTime: o.time.toISOString(),
    eventName: o.eventName,
    userIdentity: { principalId: o.principalId },
    requestParameters: { sourceIPAddress: o.sourceIp },
    responseElements: { 'x-amz-request-id': o.requestId, 'x-amz-id-2': o.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: o.configurationId,
      bucket: { name: o.bucket, ownerIdentity: { principalId: o.ownerPrincipalId }, arn: `arn:aws:s3:::${o.bucket}` },
      object: {
        key: s3EventKey(o.key),
        ...(o.size !== undefined ? { size: o.size } : {}),
        ...(o.eTag !== undefined ? { eTag: o.eTag } : {}),
        ...(o.versionId !== undefined ? { versionId: o.versionId } : {}),
        sequencer: o.sequencer,
      },
    },
  };
}

/** S3 URL-encodes keys in events the form way ("red flower.jpg" → "red+flower.jpg"); slashes stay. */
export function s3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => new URLSearchParams({ k: part }).toString().slice(2))
    .join('/');
}
