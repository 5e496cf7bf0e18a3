import { createHash, randomBytes } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPaths } from '../../src/project/layout.js';
import { scratchDir, svl } from '../support/cli.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { REPO_ROOT } from '../support/paths.js';
import { recordingProxy } from '../support/recording-proxy.js';

// A zip over Lambda's 50 MB direct-upload limit goes through S3 (--s3-bucket / svl.json s3Bucket).
// The function is a prebuilt artifact: a real arm64 ELF (the tiny-bootstrap fixture) with 60 MB of
// random bytes appended — still an ELF to svl's check, and incompressible, so the zip is ~60 MB.
// Real svl CLI → real SDK (Lambda, S3) → moto, whose Lambda reads the code from its own S3.
let moto: MotoServer;
let lambda: LambdaClient;
let s3: S3Client;
let dir: string;
const NAME = 'svl-s3-big';
const BUCKET = 'svl-code-bucket';

/** Values no output may show, failing paths included. */
const ENVIRONMENT = { API_TOKEN: 'tok-marker-s3a1', STAGE_NAME: 'stage-marker-s3b2' };
const noEnvironmentValue = (out: string) => {
  for (const v of Object.values(ENVIRONMENT)) expect(out).not.toContain(v);
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const deploy = (args: string[], env: Record<string, string> = {}) => svl(['deploy', ...args], { cwd: dir, env: { ...moto.env, ...env }, timeout: 180_000 });
const writeConfig = (extra: Record<string, unknown> = {}) =>
  writeFile(
    path.join(dir, 'svl.json'),
    JSON.stringify({ name: 'big', environment: ENVIRONMENT, functions: { [NAME]: { path: '.', arch: 'arm64', artifact: 'bootstrap', ...extra } } }, null, 2),
  );

beforeAll(async () => {
  moto = await startMoto();
  const cfg = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  lambda = new LambdaClient(cfg);
  s3 = new S3Client({ ...cfg, forcePathStyle: true });
  dir = await scratchDir('deploy-s3');
  await execa('go', ['build', '-trimpath', '-o', path.join(dir, 'bootstrap'), '.'], {
    cwd: path.join(REPO_ROOT, 'test', 'fixtures', 'adopt', 'tiny-bootstrap'),
    env: { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOTOOLCHAIN: 'local' },
  });
  await appendFile(path.join(dir, 'bootstrap'), randomBytes(60 * 1024 * 1024));
  await writeConfig();
  expect((await svl(['build'], { cwd: dir, timeout: 120_000 })).exitCode).toBe(0);
}, 180_000);

afterAll(async () => {
  lambda?.destroy();
  s3?.destroy();
  await moto?.stop();
});

describe('svl deploy --s3-bucket', () => {
  it('a zip over 50 MB without a bucket fails before any AWS call, naming --s3-bucket', async () => {
    const proxy = await recordingProxy(moto.endpoint);
    try {
      const r = await deploy([], { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(r.exitCode).toBe(1);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(
        /^svl: svl-s3-big: bootstrap\.zip is 6\d\.\d MB, over Lambda's 50 MB direct-upload limit — pass --s3-bucket <bucket> \(or set "s3Bucket" in svl\.json\)/,
      );
      expect(proxy.requests).toEqual([]);
      noEnvironmentValue(r.all ?? '');
      const json = await deploy(['--json'], { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(JSON.parse(json.stdout).error.message).toMatch(/over Lambda's 50 MB direct-upload limit — pass --s3-bucket/);
      noEnvironmentValue(json.all ?? '');
    } finally {
      await proxy.close();
    }
  });

  it('a bucket that does not exist is one line naming it; nothing is created', async () => {
    const r = await deploy(['--s3-bucket', 'no-such-bucket-svl']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^svl: S3 bucket no-such-bucket-svl does not exist — create it in us-east-1 \('aws s3 mb s3:\/\/no-such-bucket-svl --region us-east-1'\) or pass another --s3-bucket/,
    );
    noEnvironmentValue(r.all ?? '');
    const json = await deploy(['--s3-bucket', 'no-such-bucket-svl', '--json']);
    expect(JSON.parse(json.stdout).error).toMatchObject({ exitCode: 1, message: expect.stringMatching(/^S3 bucket no-such-bucket-svl does not exist/) });
    noEnvironmentValue(json.all ?? '');
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: NAME }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('uploads the zip to s3://<bucket>/svl/<function>/<sha256>.zip and creates the function from it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const zip = await readFile(artifactPaths(dir, NAME).zip);
    expect(zip.length).toBeGreaterThan(60 * 1024 * 1024);
    const key = `svl/${NAME}/${hex(zip)}.zip`;

    const plan = await deploy(['--s3-bucket', BUCKET, '--dry-run']);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toContain(`via s3://${BUCKET}/${key}`);
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });

    const r = await deploy(['--s3-bucket', BUCKET, '--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).code).toEqual({ sha256: sha(zip), bytes: zip.length, upload: true, s3: { bucket: BUCKET, key, uploaded: true } });
    const object = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(object.ContentLength).toBe(zip.length);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: NAME }));
    expect(fn.Configuration).toMatchObject({ CodeSha256: sha(zip), CodeSize: zip.length, Architectures: ['arm64'] });
  });

  it('the same zip is not uploaded again: unchanged code skips it, and a re-create (svl.json s3Bucket) finds it in S3', async () => {
    const zip = await readFile(artifactPaths(dir, NAME).zip);
    const key = `svl/${NAME}/${hex(zip)}.zip`;
    await writeConfig({ s3Bucket: BUCKET });
    const proxy = await recordingProxy(moto.endpoint);
    try {
      const again = await deploy(['--json'], { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(again.exitCode, again.all).toBe(0);
      expect(JSON.parse(again.stdout).code).toMatchObject({ upload: false });

      // Someone deleted the function; the object is still there.
      await lambda.send(new DeleteFunctionCommand({ FunctionName: NAME }));
      const r = await deploy(['--json'], { AWS_ENDPOINT_URL: proxy.endpoint });
      expect(r.exitCode, r.all).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ action: 'create', code: { s3: { bucket: BUCKET, key, uploaded: false } } });
      expect(r.stderr).toContain('already holds this zip, not uploaded again');
      expect(proxy.requests.filter((q) => q.startsWith('PUT '))).toEqual([]);
      expect((await lambda.send(new GetFunctionCommand({ FunctionName: NAME }))).Configuration?.CodeSha256).toBe(sha(zip));
    } finally {
      await proxy.close();
    }
  });

  it('a bad --s3-bucket is a usage error (exit 2)', async () => {
    const r = await deploy(['--s3-bucket', 'Not_A_Bucket']);
    expect([r.exitCode, r.stderr.trim()]).toEqual([2, "svl: --s3-bucket must be an S3 bucket name (3-63 of a-z 0-9 . -), got 'Not_A_Bucket'"]);
  });
});

describe("Lambda's 250 MB unzipped limit", () => {
  it('is checked locally, with or without a bucket', async () => {
    const { checkCodeSize } = await import('../../src/deploy/lambda/code-package.js');
    const yazl = (await import('yazl')).default;
    // 251 MiB of zeros deflate to a few hundred KB: under every zipped limit, over the unzipped one.
    const zipfile = new yazl.ZipFile();
    zipfile.addBuffer(Buffer.alloc(251 * 1024 * 1024), 'bootstrap');
    zipfile.end();
    const chunks: Buffer[] = [];
    for await (const c of zipfile.outputStream) chunks.push(c as Buffer);
    const zip = Buffer.concat(chunks);
    expect(zip.length).toBeLessThan(2 * 1024 * 1024);
    for (const bucket of [undefined, BUCKET]) {
      await expect(checkCodeSize('fn', zip, bucket)).rejects.toThrow(
        /^fn: bootstrap\.zip unzips to 263\.2 MB, over Lambda's 250 MB unzipped limit \(S3 does not lift it\)/,
      );
    }
  });
});
