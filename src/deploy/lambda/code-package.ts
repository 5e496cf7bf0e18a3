import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { LAMBDA_LIMITS } from '../../artifacts/size-report.js';
import { SvlError } from '../../core/errors.js';
import { AwsCallError, errorName } from './aws-errors.js';

/** Where Lambda takes the code from: the request itself, or an object svl put in S3. */
export type CodeSource = { kind: 'zip' } | { kind: 's3'; bucket: string; key: string };

/** s3://<bucket>/svl/<function>/<sha256 hex>.zip: the same zip always has the same key, so it is uploaded once. */
export function s3Key(functionName: string, zip: Buffer): string {
  return `svl/${functionName}/${createHash('sha256').update(zip).digest('hex')}.zip`;
}

export function codeSource(functionName: string, zip: Buffer, bucket: string | undefined): CodeSource {
  return bucket ? { kind: 's3', bucket, key: s3Key(functionName, zip) } : { kind: 'zip' };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Sum of the entries' uncompressed sizes, read from the zip's central directory. */
export async function unzippedBytes(zip: Buffer): Promise<number> {
  const yauzl = (await import('yauzl')).default;
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err ?? new Error('unreadable zip'));
      let total = 0;
      file.on('entry', (entry: import('yauzl').Entry) => {
        total += entry.uncompressedSize;
        file.readEntry();
      });
      file.on('end', () => resolve(total));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

/**
 * Lambda's package quotas, checked before any AWS call: 250 MB unzipped always, 50 MB zipped for
 * a direct upload (larger goes through S3). https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export async function checkCodeSize(functionName: string, zip: Buffer, bucket: string | undefined): Promise<void> {
  const unzipped = await unzippedBytes(zip);
  if (unzipped > LAMBDA_LIMITS.unzipped) {
    throw new SvlError(
      `${functionName}: bootstrap.zip unzips to ${mb(unzipped)}, over Lambda's 250 MB unzipped limit (S3 does not lift it) — shrink the binary (see 'svl size --why') or strip debug info`,
    );
  }
  if (!bucket && zip.length > LAMBDA_LIMITS.zip) {
    throw new SvlError(
      `${functionName}: bootstrap.zip is ${mb(zip.length)}, over Lambda's 50 MB direct-upload limit — pass --s3-bucket <bucket> (or set "s3Bucket" in svl.json) to deploy it through S3, or shrink the binary (see 'svl size')`,
    );
  }
}

/** Whether the object is already there; a missing or unreachable bucket is one line naming it. */
export async function s3ObjectExists(s3: S3Client, source: { bucket: string; key: string }, region: string): Promise<boolean> {
  const { HeadBucketCommand, HeadObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    await s3.send(new HeadBucketCommand({ Bucket: source.bucket }));
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || errorName(err) === 'NotFound' || errorName(err) === 'NoSuchBucket') {
      throw new SvlError(
        `S3 bucket ${source.bucket} does not exist — create it in ${region} ('aws s3 mb s3://${source.bucket} --region ${region}') or pass another --s3-bucket`,
      );
    }
    if (status === 301) {
      throw new SvlError(
        `S3 bucket ${source.bucket} is not in ${region} — Lambda reads code only from a bucket in the function's region; pass a bucket in ${region}`,
      );
    }
    throw new AwsCallError('s3:ListBucket', err);
  }
  try {
    await s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key }));
    return true;
  } catch (err) {
    if (errorName(err) === 'NotFound' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw new AwsCallError('s3:GetObject', err);
  }
}

export async function putZip(s3: S3Client, source: { bucket: string; key: string }, zip: Buffer): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  try {
    await s3.send(new PutObjectCommand({ Bucket: source.bucket, Key: source.key, Body: zip, ContentType: 'application/zip' }));
  } catch (err) {
    throw new AwsCallError('s3:PutObject', err);
  }
}

/** The Code / UpdateFunctionCode fields for the source. */
export function codeFields(source: CodeSource, zip: Buffer): { ZipFile: Buffer } | { S3Bucket: string; S3Key: string } {
  return source.kind === 's3' ? { S3Bucket: source.bucket, S3Key: source.key } : { ZipFile: zip };
}
