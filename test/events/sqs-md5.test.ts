import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5OfBody, md5OfMessageAttributes, sqsEvent } from '../../src/events/sqs.js';
import { type MotoServer, startMoto } from '../support/moto.js';

// sqsEvent's MD5 of message attributes against an SQS implementation: messages sent and received
// with the real aws CLI through moto server, which computes MD5OfMessageAttributes itself.
let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

async function aws(args: string[]): Promise<Record<string, unknown>> {
  const r = await execa('aws', [...args, '--endpoint-url', moto.endpoint, '--output', 'json'], {
    env: { ...moto.env, AWS_DEFAULT_REGION: moto.env.AWS_REGION, AWS_PAGER: '' },
  });
  return JSON.parse(r.stdout || '{}');
}

describe('sqsEvent and SQS', () => {
  it('computes the MD5 of message attributes and body as SQS does, from a received message', async () => {
    const { QueueUrl } = (await aws(['sqs', 'create-queue', '--queue-name', 'md5-check'])) as { QueueUrl: string };
    const attributes = {
      kind: { DataType: 'String', StringValue: 'order' },
      n: { DataType: 'Number', StringValue: '3' },
      'x-trace': { DataType: 'String.custom', StringValue: 'é ünïcode' },
    };
    const sent = (await aws([
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'héllo',
      '--message-attributes',
      JSON.stringify(attributes),
    ])) as {
      MD5OfMessageBody: string;
      MD5OfMessageAttributes: string;
    };
    expect(md5OfBody('héllo')).toBe(sent.MD5OfMessageBody);
    expect(md5OfMessageAttributes(attributes)).toBe(sent.MD5OfMessageAttributes);

    const received = (await aws(['sqs', 'receive-message', '--queue-url', QueueUrl, '--attribute-names', 'All', '--message-attribute-names', 'All'])) as {
      Messages: {
        MessageId: string;
        ReceiptHandle: string;
        Body: string;
        MD5OfBody: string;
        Attributes: Record<string, string>;
        MessageAttributes: typeof attributes;
      }[];
    };
    const m = received.Messages[0]!;
    const event = sqsEvent(
      [
        {
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: m.Body,
          md5OfBody: m.MD5OfBody,
          attributes: m.Attributes,
          messageAttributes: m.MessageAttributes,
        },
      ],
      { arn: 'arn:aws:sqs:us-east-1:123456789012:md5-check', region: 'us-east-1' },
    );
    const record = event.Records[0]!;
    expect(record.md5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(record.md5OfBody).toBe(md5OfBody('héllo'));
    expect(record.messageAttributes['x-trace']).toEqual({ stringValue: 'é ünïcode', stringListValues: [], binaryListValues: [], dataType: 'String.custom' });
    expect(Object.keys(record.attributes)).toEqual(
      expect.arrayContaining(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']),
    );
  });
});
