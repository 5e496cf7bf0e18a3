// The record a DynamoDB stream delivers to Lambda; images in DynamoDB's attribute-value JSON.
// https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-ddb-event

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> };

export type Item = Record<string, AttributeValue>;

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';
export const STREAM_EVENT_NAMES: readonly StreamEventName[] = ['INSERT', 'MODIFY', 'REMOVE'];

export interface StreamChange {
  eventId: string;
  eventName: StreamEventName;
  keys: Item;
  newImage?: Item;
  oldImage?: Item;
  sequenceNumber: string;
  time: Date;
}

export function dynamodbStreamEvent(changes: StreamChange[], stream: { arn: string; region: string }): { Records: object[] } {
  return {
    Records: changes.map((c) => ({
      eventID: c.eventId,
      eventName: c.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: stream.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(c.time.getTime() / 1000),
        Keys: c.keys,
        ...(c.newImage ? { NewImage: c.newImage } : {}),
        ...(c.oldImage ? { OldImage: c.oldImage } : {}),
        SequenceNumber: c.sequenceNumber,
        SizeBytes: itemSize(c.keys) + itemSize(c.newImage ?? {}) + itemSize(c.oldImage ?? {}),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: stream.arn,
    })),
  };
}

/** A plausible SizeBytes (the images' JSON length; a sample needs no exact figure). */
function itemSize(item: Item): number {
  return Buffer.byteLength(JSON.stringify(item), 'utf8');
}
