import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { generateProject } from '../support/projects.js';

// From a freshly generated go-lambda project to a function with a public URL in one `svl deploy`:
// the CLI builds the template's real code (aws-lambda-go) and deploys it to moto. moto stores the
// function but does not run it; the emulator tests run the same binaries.
let moto: MotoServer;
let lambda: LambdaClient;
let project: { dir: string; name: string };

function zipEntries(zip: Buffer): Promise<Array<{ name: string; mode: number }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const entries: Array<{ name: string; mode: number }> = [];
      file.on('entry', (e: yauzl.Entry) => {
        entries.push({ name: e.fileName, mode: (e.externalFileAttributes >>> 16) & 0o777 });
        file.readEntry();
      });
      file.on('end', () => resolve(entries));
      file.readEntry();
    });
  });
}

beforeAll(async () => {
  moto = await startMoto();
  lambda = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  // The real generator (built create-serverless-lang bin), as a user would start.
  const name = 'svl-deploy-go-http';
  project = { name, dir: await generateProject('go-lambda', { flavor: 'http', arch: 'arm64', name }) };
});

afterAll(async () => {
  lambda?.destroy();
  await moto?.stop();
});

describe('svl deploy of a generated go-lambda project', () => {
  it('builds and deploys it with a function URL in one command', async () => {
    const r = await svl(['deploy', '--function-url', 'public', '--json'], { cwd: project.dir, env: moto.env, timeout: 600_000 });
    expect(r.exitCode, r.all).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ action: 'create', artifact: { build: 'built' }, functionUrl: { action: 'create' } });

    const config = JSON.parse(await readFile(path.join(project.dir, 'svl.json'), 'utf8'));
    const zip = await readFile(report.artifact.zip);
    expect(await zipEntries(zip)).toEqual([{ name: 'bootstrap', mode: 0o755 }]);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: project.name }));
    expect(fn.Configuration).toMatchObject({
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: [config.arch ?? 'arm64'],
      MemorySize: config.memory ?? 128,
      Timeout: config.timeout ?? 10,
      CodeSha256: createHash('sha256').update(zip).digest('base64'),
    });
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: project.name }))).Policy!);
    expect(policy.Statement.map((s: { Action: string }) => s.Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);

    // Straight after: nothing to build, nothing to upload.
    const again = await svl(['deploy', '--function-url', 'public', '--json'], { cwd: project.dir, env: moto.env, timeout: 120_000 });
    expect(again.exitCode, again.all).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ action: 'update', artifact: { build: 'fresh' }, code: { upload: false }, changedFields: [] });
  });
});
