import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDev, type DevServer } from '../emulator/dev-server.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { createQueue, queueDepth, sqsClient, triggersProject, until } from './support.js';

// An S3 trigger under svl dev: the bucket (configured here, as its owner would — svl never changes
// it) sends notifications to an SQS queue on moto; svl reads them, skips s3:TestEvent, filters by
// prefix/suffix, and invokes the Go fixture with the notification's Records. Where moto diverges
// from S3: its eventTime has no zone ("2026-12-02T04:03:35.035720"), which aws-lambda-go refuses;
// svl gives such a time its 'Z' (s3-notifications.ts).

let moto: MotoServer;
let sqs: SQSClient;
let s3: S3Client;
let dev: DevServer;

beforeAll(async () => {
  moto = await startMoto();
  sqs = sqsClient(moto);
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
}, 60_000);

afterAll(async () => {
  await dev?.stop();
  await moto?.stop();
});

it('an object put under the prefix invokes the function with its bucket and key; others and the test event do not', async () => {
  const queue = await createQueue(sqs, 'uploads-events');
  await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  // moto, like S3, sends an s3:TestEvent to the queue when the configuration is set.
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'uploads',
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queue.arn, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
  const dir = await triggersProject([{ type: 's3', bucket: 'uploads', queue: 'uploads-events', prefix: 'in/', suffix: '.jpg' }]);
  dev = await startDev(dir, ['--no-watch'], moto.env);
  await dev.waitForStderr('s3 uploads → go-triggers: s3:TestEvent skipped');
  await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'out/skipped.jpg', Body: 'x' }));
  await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'in/not-a-photo.txt', Body: 'x' }));
  await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'in/my cat.jpg', Body: 'meow' }));
  await dev.waitForStdout('s3 uploads in/my cat.jpg ObjectCreated:Put', 30_000);
  // Every notification was read and deleted, the unmatched ones without an invocation.
  await until(
    'the queue drained',
    () => queueDepth(sqs, queue.url),
    (d) => d.visible === 0 && d.inFlight === 0,
  );
  expect(dev.stdout().match(/\ts3 /g)).toHaveLength(1);
  expect(dev.stderr()).toContain('s3 uploads → go-triggers: ObjectCreated:Put in/my cat.jpg: ok');
}, 300_000);
