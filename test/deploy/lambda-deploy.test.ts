import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import getPort from 'get-port';
import fs from 'fs-extra';
import {
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  IAMClient,
  AttachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { SVL_BIN } from '../support/paths.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { lambdaFixture, type LambdaFixture } from './lambda-fixture.js';

// Real svl CLI → real AWS SDK → real moto server (Lambda + IAM control plane). moto stores the
// function but never runs it, so nothing here invokes the deployed code.
let moto: MotoServer;
let lambda: LambdaClient;
let iam: IAMClient;
let fx: LambdaFixture;
/** The zip of the first deploy, read after svl deploy built it. */
let firstZip: Buffer;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const deploy = (args: string[], env: Record<string, string | undefined> = {}, cwd = fx.dir) =>
  svl(['deploy', ...args], { cwd, env: { ...moto.env, ...env }, timeout: 120_000 });

beforeAll(async () => {
  moto = await startMoto();
  const cfg = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  lambda = new LambdaClient(cfg);
  iam = new IAMClient(cfg);
  fx = await lambdaFixture('svl-deploy-hello');
});

afterAll(async () => {
  lambda?.destroy();
  iam?.destroy();
  await moto?.stop();
});

describe('svl deploy (Lambda, against moto)', () => {
  it('--dry-run before the first deploy prints a create plan and creates nothing', async () => {
    // No artifact yet: svl deploy builds it (locally) before planning; AWS is only read.
    const r = await deploy(['--dry-run', '--function-url', 'public', '--alias', 'live']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain('building svl-deploy-hello for arm64');
    firstZip = await fx.readZip();
    expect(r.stdout).toContain('create function svl-deploy-hello');
    expect(r.stdout).toContain(`(${firstZip.length} bytes)`);
    expect(r.stdout).toContain('create svl-svl-deploy-hello-role');
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: fx.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'svl-svl-deploy-hello-role' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('first deploy creates the role, the function and its URL', async () => {
    const r = await deploy(['--function-url', 'public', '--json']);
    expect(r.exitCode, r.all).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      action: 'create',
      dryRun: false,
      code: { upload: true, sha256: sha(firstZip) },
      role: { action: 'create' },
      artifact: { build: 'fresh' },
    });
    expect(report.url).toMatch(/^https:\/\/.+\.lambda-url\.us-east-1\.on\.aws/);

    const role = await iam.send(new GetRoleCommand({ RoleName: report.role.name }));
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toContain('lambda.amazonaws.com');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: report.role.name }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toContain('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');

    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }));
    expect(fn.Configuration).toMatchObject({
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 15,
      Description: 'svl deploy test',
      Environment: { Variables: { GREETING: 'hello', LOG_LEVEL: 'info' } },
      CodeSha256: sha(firstZip),
      Role: role.Role!.Arn,
    });
    expect(fn.Tags).toMatchObject({ team: 'svl', 'managed-by': 'svl' });
    const url = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fx.name }));
    expect(url).toMatchObject({ AuthType: 'NONE', FunctionUrl: report.url });
  });

  it('a second deploy with the same zip uploads nothing and adds each URL permission exactly once', async () => {
    const before = await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }));
    const r = await deploy(['--function-url', 'public']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toContain('code unchanged');
    expect(r.stdout).toMatch(/config\s+unchanged/);
    const after = await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }));
    // moto bumps LastModified on every UpdateFunctionCode: equal means no upload happened.
    expect(after.Configuration?.LastModified).toBe(before.Configuration?.LastModified);

    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: fx.name }))).Policy!);
    const statements = policy.Statement as Array<Record<string, unknown>>;
    const urlInvoke = statements.filter((s) => s.Action === 'lambda:InvokeFunctionUrl');
    const fnInvoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(urlInvoke).toHaveLength(1);
    expect(urlInvoke[0]).toMatchObject({ Principal: '*', FunctionUrlAuthType: 'NONE' });
    expect(fnInvoke).toHaveLength(1);
    expect(fnInvoke[0]).toMatchObject({ Principal: '*', InvokedViaFunctionUrl: true });
  });

  it('a changed handler uploads new code; a changed svl.json updates only the changed fields', async () => {
    await fx.writeHandler('hello v2');
    await fx.writeConfig({ memory: 512 });

    const plan = await deploy(['--dry-run', '--json']);
    expect(plan.exitCode, plan.all).toBe(0);
    const newZip = await fx.readZip();
    expect(sha(newZip)).not.toBe(sha(firstZip));
    expect(JSON.parse(plan.stdout)).toMatchObject({
      action: 'update',
      dryRun: true,
      changedFields: ['MemorySize'],
      code: { upload: true, bytes: newZip.length },
      artifact: { build: 'built' },
    });
    await fx.writeConfig({ memory: 512, arch: 'x86_64' });
    const archPlan = await deploy(['--dry-run', '--json']);
    expect(JSON.parse(archPlan.stdout)).toMatchObject({ changedFields: ['Architectures', 'MemorySize'], code: { upload: true }, artifact: { build: 'built' } });
    await fx.writeConfig({ memory: 512 });
    const untouched = await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }));
    expect(untouched.Configuration).toMatchObject({ CodeSha256: sha(firstZip), MemorySize: 256 });

    const r = await deploy(['--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'update', changedFields: ['MemorySize'], code: { upload: true } });
    expect(sha(await fx.readZip())).toBe(sha(newZip)); // the arm64 rebuild is byte-identical to the planned one
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }));
    expect(fn.Configuration).toMatchObject({ CodeSha256: sha(newZip), MemorySize: 512, Timeout: 15, Architectures: ['arm64'] });
  });

  it('--alias publishes a version and points the alias at it, then moves it on the next deploy', async () => {
    const first = await deploy(['--alias', 'live', '--json']);
    expect(first.exitCode, first.all).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1.alias).toEqual({ name: 'live', action: 'create' });
    const alias1 = await lambda.send(new GetAliasCommand({ FunctionName: fx.name, Name: 'live' }));
    expect(alias1.FunctionVersion).toBe(r1.version);
    expect(r1.version).toMatch(/^\d+$/);

    await fx.writeHandler('hello v3');
    const second = await deploy(['--alias', 'live']);
    expect(second.exitCode, second.all).toBe(0);
    const alias2 = await lambda.send(new GetAliasCommand({ FunctionName: fx.name, Name: 'live' }));
    expect(Number(alias2.FunctionVersion)).toBeGreaterThan(Number(r1.version));
    expect(second.stdout).toMatch(new RegExp(`version\\s+${alias2.FunctionVersion} \\(alias live\\)`));
  });
});

describe('svl deploy (Lambda) repairs a function URL changed by hand', () => {
  it('keeps an AWS_IAM URL as it is when nothing says otherwise; public switches it back to NONE with one statement of each kind', async () => {
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: fx.name, AuthType: 'AWS_IAM' }));
    const kept = await deploy(['--json']);
    expect(kept.exitCode, kept.all).toBe(0);
    expect(JSON.parse(kept.stdout).functionUrl).toMatchObject({ action: 'keep', authType: 'AWS_IAM' });
    expect(await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fx.name }))).toMatchObject({ AuthType: 'AWS_IAM' });
    const r = await deploy(['--function-url', 'public', '--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).functionUrl).toEqual({
      action: 'update',
      choice: 'public',
      authType: 'NONE',
      previousAuthType: 'AWS_IAM',
      permissionsAdded: [],
      permissionsRemoved: [],
    });
    expect(await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: fx.name }))).toMatchObject({ AuthType: 'NONE' });
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: fx.name }))).Policy!);
    expect(policy.Statement.map((st: { Action: string }) => st.Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
  });
});

describe('svl deploy (Lambda) on a terminal', () => {
  it('shows a clack spinner while working, then the result', async () => {
    // util-linux `script` gives the CLI a real pseudo-terminal (stdin and stdout are TTYs).
    const r = await execa('script', ['-qec', `stty cols 100 rows 40; node ${SVL_BIN} deploy --function-url public`, '/dev/null'], {
      cwd: fx.dir,
      env: { ...moto.env, CI: undefined, NO_COLOR: '1' },
      extendEnv: true,
      reject: false,
      timeout: 120_000,
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('\x1b[?25l'); // the spinner hides the cursor while it runs
    expect(r.stdout).toMatch(/deployed svl-deploy-hello/);
    expect(r.stdout).toMatch(/url\s+https:\/\/\S+\.lambda-url\.us-east-1\.on\.aws/);
    expect(r.stdout).not.toContain('- reading function'); // no plain progress lines on a terminal
  });
});

describe('svl deploy (Lambda) with --role and --profile', () => {
  it('retries CreateFunction while a just-created role is not assumable yet', async () => {
    // moto rejects CreateFunction with "The role defined for the function cannot be assumed by Lambda"
    // until the role exists: create it while svl is already retrying, as IAM propagation looks on AWS.
    const other = await lambdaFixture('svl-deploy-late-role');
    const roleArn = 'arn:aws:iam::123456789012:role/late-role';
    const child = svl(['deploy', '--role', roleArn, '--json'], { cwd: other.dir, env: moto.env, timeout: 120_000 });
    // Create the role once svl says it is retrying (an event, not a guess at how long the build takes).
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('waiting for the new IAM role to propagate')) resolve();
      });
      void child.then(() => reject(new Error(`svl deploy ended before retrying: ${seen}`)), reject);
    });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'late-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const r = await child;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain('waiting for the new IAM role to propagate');
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'create', role: { action: 'given', arn: roleArn } });
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: other.name }));
    expect(fn.Configuration?.Role).toBe(roleArn);
  });

  it('--profile reads credentials and region from the AWS config files', async () => {
    const other = await lambdaFixture('svl-deploy-profile');
    await writeFile(path.join(other.dir, 'aws-config'), '[profile svltest]\nregion = eu-west-1\n');
    await writeFile(path.join(other.dir, 'aws-credentials'), '[svltest]\naws_access_key_id = profilekey\naws_secret_access_key = profilesecret\n');
    const r = await deploy(
      ['--profile', 'svltest', '--dry-run', '--json'],
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_REGION: undefined,
        AWS_CONFIG_FILE: path.join(other.dir, 'aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(other.dir, 'aws-credentials'),
      },
      other.dir,
    );
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ region: 'eu-west-1', action: 'create', dryRun: true });
    expect(r.all).not.toContain('profilesecret');
  });
});

describe('svl deploy (Lambda) error paths', () => {
  it('no credentials: one line naming the fix, exit 1', async () => {
    // Empty HOME: no ~/.aws files; IMDS disabled so the chain ends quickly instead of probing EC2.
    const home = fx.dir;
    const r = await deploy([], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      HOME: home,
      AWS_CONFIG_FILE: `${home}/none`,
      AWS_SHARED_CREDENTIALS_FILE: `${home}/none`,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no AWS credentials found — run 'aws configure'/);
  });

  it('--endpoint-url alone points svl at the API (no AWS_ENDPOINT_URL)', async () => {
    const r = await deploy(['--dry-run', '--json', '--endpoint-url', moto.endpoint], { AWS_ENDPOINT_URL: undefined });
    expect(r.exitCode, r.all).toBe(0);
    // The function exists only in this moto server, so an update plan proves where svl looked.
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'update', dryRun: true, functionName: fx.name });
  });

  it('an unknown --profile names the profile and how to create it', async () => {
    const home = fx.dir;
    const r = await deploy(['--profile', 'nosuch'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      HOME: home,
      AWS_CONFIG_FILE: `${home}/none`,
      AWS_SHARED_CREDENTIALS_FILE: `${home}/none`,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(/^svl: no AWS credentials for profile nosuch — check the name \('aws configure list-profiles'\)/);
  });

  it('no region: one line naming the fix, exit 1', async () => {
    const home = fx.dir;
    const r = await deploy([], { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, HOME: home, AWS_CONFIG_FILE: `${home}/none` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^svl: no AWS region — pass --region, set AWS_REGION/);
  });

  it('unreachable endpoint: names the endpoint and says nothing changed; --json gets the error as JSON', async () => {
    const r = await deploy(['--endpoint-url', 'http://127.0.0.1:9', '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { exitCode: 1, message: expect.stringContaining('cannot reach the AWS endpoint') } });
    expect(r.stderr).toMatch(/cannot reach the AWS endpoint http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\) — .*\(now: nothing was changed\)$/m);
  });

  it('a zip over the 50 MB direct-upload limit is refused before any AWS call', async () => {
    // A real Go build that embeds 51 MiB of random (incompressible) bytes.
    const big = await lambdaFixture('svl-deploy-too-big');
    await writeFile(path.join(big.dir, 'payload.bin'), randomBytes(51 * 1024 * 1024));
    await writeFile(
      path.join(big.dir, 'main.go'),
      'package main\n\nimport _ "embed"\n\n//go:embed payload.bin\nvar payload []byte\n\nfunc main() { println(len(payload)) }\n',
    );
    const r = await deploy([], {}, big.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^svl: svl-deploy-too-big: bootstrap\.zip is 5\d\.\d MB, over Lambda's 50 MB direct-upload limit — pass --s3-bucket <bucket>/,
    );
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: big.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await fs.remove(big.dir);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    const r = await deploy(['--role', 'not-an-arn']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("svl: --role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got 'not-an-arn'");
    // --json callers get the usage error as JSON on stdout too.
    const j = await deploy(['--alias', '123', '--json']);
    expect(j.exitCode).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({
      error: { exitCode: 2, message: expect.stringMatching(/^--alias must be 1-128 of letters, digits, - and _ and not only digits, got '123'$/) },
    });
  });
});

describe('svl deploy (Lambda) when AWS denies an action', () => {
  // moto enforces IAM policies after INITIAL_NO_AUTH_ACTION_COUNT unauthenticated calls: the three
  // setup calls below create a user allowed iam:* and lambda:GetFunction, but not lambda:CreateFunction.
  let authMoto: MotoServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    authMoto = await startMoto({ env: { INITIAL_NO_AUTH_ACTION_COUNT: '3' } });
    const admin = new IAMClient({ region: MOTO_REGION, endpoint: authMoto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    await admin.send(new CreateUserCommand({ UserName: 'deployer' }));
    const key = (await admin.send(new CreateAccessKeyCommand({ UserName: 'deployer' }))).AccessKey!;
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'lambda:GetFunction'], Resource: '*' }] };
    await admin.send(new PutUserPolicyCommand({ UserName: 'deployer', PolicyName: 'no-create', PolicyDocument: JSON.stringify(policy) }));
    admin.destroy();
    env = { ...authMoto.env, AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! };
  });
  afterAll(async () => {
    await authMoto?.stop();
  });

  it('a Lambda 403 moto words in XML is "refused", not a guessed permission; says what exists now (the role was created, the function was not)', async () => {
    // moto diverges from AWS here: it answers a denied Lambda call with an XML body, which the Lambda
    // client (JSON protocol) cannot parse, so the denied action is unknown to svl. AWS answers JSON
    // ("… is not authorized to perform: lambda:CreateFunction …"), named as such (aws-errors.test.ts).
    const r = await svl(['deploy'], { cwd: fx.dir, env, timeout: 120_000 });
    expect(r.exitCode).toBe(1);
    // Progress lines ("- creating …") come first; the error itself is one line.
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('svl:'));
    expect(errors).toEqual([
      `svl: AWS refused the request (403) during lambda:CreateFunction — check the credentials ('aws sts get-caller-identity'), the endpoint (${authMoto.endpoint}; --endpoint-url, AWS_ENDPOINT_URL) and that your IAM user or role may call lambda:CreateFunction (now: function ${fx.name} does not exist; role svl-${fx.name}-role created)`,
    ]);
    expect(r.all).not.toContain(env.AWS_SECRET_ACCESS_KEY);
  });

  it('an IAM denial AWS words as such names the denied action', async () => {
    // IAM answers XML, which its client parses: the message names the action, as on AWS.
    const iamAsDeployer = new IAMClient({
      region: MOTO_REGION,
      endpoint: authMoto.endpoint,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    await iamAsDeployer.send(new CreateUserCommand({ UserName: 'no-create-role' }));
    const key = (await iamAsDeployer.send(new CreateAccessKeyCommand({ UserName: 'no-create-role' }))).AccessKey!;
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:GetRole', 'lambda:GetFunction'], Resource: '*' }] };
    await iamAsDeployer.send(new PutUserPolicyCommand({ UserName: 'no-create-role', PolicyName: 'read-only', PolicyDocument: JSON.stringify(policy) }));
    iamAsDeployer.destroy();
    const other = await lambdaFixture('svl-deploy-no-role-grant');
    const r = await svl(['deploy'], {
      cwd: other.dir,
      env: { ...env, AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! },
      timeout: 120_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('svl:') && !l.startsWith('svl: warning:'))).toEqual([
      `svl: AWS denied iam:CreateRole — grant iam:CreateRole to your IAM user or role, or pass --role <arn> to use an existing execution role (now: function ${other.name} does not exist)`,
    ]);
  });
});

describe('svl deploy never prints an environment value', () => {
  it('a 5 KB environment fails locally, before any AWS call, naming variables only (text and --json)', async () => {
    const big = await lambdaFixture('svl-deploy-big-env');
    await big.writeConfig({ environment: { BLOB: `blob-marker-${'x'.repeat(5000)}`, DB_PASSWORD: 'pw-marker-7f3a' } });
    for (const args of [[], ['--json']]) {
      const r = await deploy(args, {}, big.dir);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/the environment of svl-deploy-big-env is \d+ bytes, over Lambda's 4 KB limit .* largest: BLOB \(\d+ bytes\), DB_PASSWORD/);
      expect(r.all).not.toContain('blob-marker');
      expect(r.all).not.toContain('pw-marker-7f3a');
      if (args.length) expect(JSON.parse(r.stdout).error.message).toMatch(/over Lambda's 4 KB limit/);
    }
    const after = await lambda.send(new GetFunctionCommand({ FunctionName: big.name })).catch((e: Error) => e);
    expect((after as Error).name).toBe('ResourceNotFoundException');
  });

  it('warns about a secret-looking variable name without printing its value', async () => {
    const secret = await lambdaFixture('svl-deploy-secret-name');
    await secret.writeConfig({ environment: { DB_PASSWORD: 'pw-marker-91c2', STAGE: 'dev' } });
    const r = await deploy(['--dry-run', '--json'], {}, secret.dir);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain('svl: warning: svl-deploy-secret-name: environment variable DB_PASSWORD looks like a secret');
    expect(r.stderr).not.toMatch(/STAGE looks like/);
    expect(r.all).not.toContain('pw-marker-91c2');
  });
});

describe('svl deploy when the endpoint goes away mid-deploy', () => {
  it('a wait for Active on an endpoint that refuses connections ends after a few polls', async () => {
    // A real SDK client and the real waiter against a loopback port nothing listens on.
    const { waitForState } = await import('../../src/deploy/lambda/deploy-lambda.js');
    const free = await getPort({ host: '127.0.0.1' });
    const client = new LambdaClient({ region: MOTO_REGION, endpoint: `http://127.0.0.1:${free}`, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const err = await waitForState(client, 'fn', 'Active').catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'AwsCallError', action: 'lambda:GetFunction' });
    } finally {
      client.destroy();
    }
  }, 60_000);

  it("exits 1 in seconds (not the waiter's 5 minutes) and says what exists now", async () => {
    const gone = await startMoto();
    const fixture = await lambdaFixture('svl-deploy-endpoint-lost');
    // Built before, so the deploy reaches AWS at once.
    expect((await svl(['build'], { cwd: fixture.dir })).exitCode).toBe(0);
    // The 60 s bound is the test's guard against a hang, not a measurement.
    const child = svl(['deploy'], { cwd: fixture.dir, env: gone.env, timeout: 60_000 });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stderr?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('creating function')) resolve();
      });
      void child.then(() => reject(new Error(`svl deploy ended before creating the function: ${seen}`)), reject);
    });
    await gone.stop();
    const r = await child;
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^svl: cannot reach the AWS endpoint http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) — .* \(now: .*function svl-deploy-endpoint-lost/);
  });
});

describe('svl deploy never takes over what it did not create', () => {
  const lambdaTrust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const ec2Trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });

  it('a foreign function of the same name is refused and left as it was; --adopt takes it over', async () => {
    const fixture = await lambdaFixture('svl-deploy-foreign-fn');
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'someone-elses-role', AssumeRolePolicyDocument: lambdaTrust }));
    const { ZipFile } = { ZipFile: new Uint8Array(await new Response(new Blob(['print(1)'])).arrayBuffer()) };
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fixture.name,
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: role.Role!.Arn!,
        Architectures: ['arm64'],
        Code: { ZipFile },
        Environment: { Variables: { DB_PASSWORD: 'theirs-pw-3c1d' } },
      }),
    );
    const before = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name }));
    const r = await deploy(['--json'], {}, fixture.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      /^svl: function svl-deploy-foreign-fn already exists in us-east-1 and svl did not create it \(python3\.12, arm64, no managed-by=svl tag\) — nothing was changed; .*--adopt/,
    );
    expect(r.all).not.toContain('theirs-pw-3c1d');
    const after = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name }));
    expect(after.Configuration).toMatchObject({
      Runtime: 'python3.12',
      Architectures: ['arm64'],
      CodeSha256: before.Configuration?.CodeSha256,
      Environment: { Variables: { DB_PASSWORD: 'theirs-pw-3c1d' } },
    });

    const adopted = await deploy(['--adopt', '--json'], {}, fixture.dir);
    expect(adopted.exitCode, adopted.all).toBe(0);
    const mine = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name }));
    expect(mine.Configuration?.Runtime).toBe('provided.al2023');
    expect(mine.Tags?.['managed-by']).toBe('svl');
    // Once svl manages it, later deploys need no flag.
    expect((await deploy([], {}, fixture.dir)).exitCode).toBe(0);
  });

  it('a foreign role named svl-<name>-role is refused unchanged; --adopt still refuses one Lambda cannot assume', async () => {
    const fixture = await lambdaFixture('svl-deploy-foreign-role');
    const roleName = 'svl-svl-deploy-foreign-role-role';
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: ec2Trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    const before = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    const r = await deploy([], {}, fixture.dir);
    expect(r.exitCode).toBe(1);
    // The refusal names whom the role trusts and what it carries.
    expect(r.stderr).toContain(
      `svl: IAM role ${roleName} already exists and svl did not create it (no created-by=svl tag; trusts ec2.amazonaws.com; policies: AmazonS3ReadOnlyAccess) — nothing was changed`,
    );
    const adopt = await deploy(['--adopt'], {}, fixture.dir);
    expect(adopt.exitCode).toBe(1);
    expect(adopt.stderr).toContain(`IAM role ${roleName} does not trust lambda.amazonaws.com`);
    const after = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(after.Role?.AssumeRolePolicyDocument).toBe(before.Role?.AssumeRolePolicyDocument);
    expect(((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []).map((p) => p.PolicyName)).toEqual([
      'AmazonS3ReadOnlyAccess',
    ]);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name })).catch((e: Error) => e);
    expect((fn as Error).name).toBe('ResourceNotFoundException');
  });

  it('a half-made svl role (no Logs policy attached) is repaired, and the report names the role', async () => {
    const fixture = await lambdaFixture('svl-deploy-half-role');
    const roleName = 'svl-svl-deploy-half-role-role';
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: lambdaTrust, Tags: [{ Key: 'created-by', Value: 'svl' }] }));
    const r = await deploy(['--json'], {}, fixture.dir);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ role: { action: 'reuse', name: roleName } });
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? [];
    expect(attached.map((p) => p.PolicyArn)).toContain('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
  });

  it('an svl role carrying more than svl attached is used with a warning naming the extras, and left as it is', async () => {
    const fixture = await lambdaFixture('svl-deploy-wide-role');
    const roleName = 'svl-svl-deploy-wide-role-role';
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: lambdaTrust, Tags: [{ Key: 'created-by', Value: 'svl' }] }));
    for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
    }
    const readTable = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }] };
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'read-table', PolicyDocument: JSON.stringify(readTable) }));
    const r = await deploy(['--json'], {}, fixture.dir);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain(
      `svl: warning: svl-deploy-wide-role: execution role ${roleName} (created by svl) carries more than svl attached: AmazonS3ReadOnlyAccess, read-table (inline)`,
    );
    expect(JSON.parse(r.stdout).role).toMatchObject({ action: 'reuse', name: roleName, extraPolicies: ['AmazonS3ReadOnlyAccess', 'read-table (inline)'] });
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? [];
    expect(attached.map((p) => p.PolicyName).sort()).toEqual(['AWSLambdaBasicExecutionRole', 'AmazonS3ReadOnlyAccess']);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames).toEqual(['read-table']);
  });

  it('an svl role widened to admin-class is refused unchanged (AdministratorAccess, an inline "*" on "*"); --adopt deploys with it', async () => {
    const fixture = await lambdaFixture('svl-deploy-admin-role');
    await fixture.writeConfig({ environment: { DB_PASSWORD: 'pw-marker-adm1', STAGE: 'stage-marker-adm2' } });
    const roleName = 'svl-svl-deploy-admin-role-role';
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: lambdaTrust, Tags: [{ Key: 'created-by', Value: 'svl' }] }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const everything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'all', PolicyDocument: JSON.stringify(everything) }));
    for (const args of [[], ['--dry-run'], ['--json']]) {
      const r = await deploy(args, {}, fixture.dir);
      expect(r.exitCode).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('svl:') && !l.startsWith('svl: warning:'));
      expect(errors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^svl: IAM role ${roleName} was created by svl but now carries AdministratorAccess, all \\(inline, "Action": "\\*" on "Resource": "\\*"\\) — nothing was changed; .*--adopt`,
          ),
        ),
      ]);
      if (args.includes('--json')) expect(JSON.parse(r.stdout).error.message).toMatch(/was created by svl but now carries AdministratorAccess/);
      for (const value of ['pw-marker-adm1', 'stage-marker-adm2']) expect(r.all).not.toContain(value);
    }
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name })).catch((e: Error) => e);
    expect((fn as Error).name).toBe('ResourceNotFoundException');
    // The Logs policy was not attached either: the refusal changes nothing.
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? [];
    expect(attached.map((p) => p.PolicyName)).toEqual(['AdministratorAccess']);

    const adopted = await deploy(['--adopt', '--json'], {}, fixture.dir);
    expect(adopted.exitCode, adopted.all).toBe(0);
    expect(JSON.parse(adopted.stdout).role).toMatchObject({ action: 'reuse', name: roleName });
  });

  it('a function already running as its svl role is refused once that role is widened to PowerUserAccess', async () => {
    const fixture = await lambdaFixture('svl-deploy-widened-later');
    expect((await deploy([], {}, fixture.dir)).exitCode).toBe(0);
    const before = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name }));
    const roleName = before.Configuration!.Role!.split('/').at(-1)!;
    await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }));
    await fixture.writeConfig({ memory: 1024 });
    const r = await deploy([], {}, fixture.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`svl: IAM role ${roleName} was created by svl but now carries PowerUserAccess — nothing was changed`));
    const after = await lambda.send(new GetFunctionCommand({ FunctionName: fixture.name }));
    expect(after.Configuration).toMatchObject({ MemorySize: before.Configuration?.MemorySize, LastModified: before.Configuration?.LastModified });
  });

  it("function names of 61+ characters sharing a prefix get roles of their own, each within IAM's 64", async () => {
    const { executionRoleName } = await import('../../src/deploy/lambda/execution-role.js');
    const a = executionRoleName(`${'a'.repeat(60)}-one`);
    const b = executionRoleName(`${'a'.repeat(60)}-two`);
    expect(a).not.toBe(b);
    expect(Math.max(a.length, b.length)).toBeLessThanOrEqual(64);
    expect(executionRoleName('short')).toBe('svl-short-role'); // unchanged for names that fit
  });
});
