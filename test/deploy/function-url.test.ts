import { AddPermissionCommand, GetFunctionCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svl } from '../support/cli.js';
import { MOTO_REGION, startMoto, type MotoServer } from '../support/moto.js';
import { recordingProxy } from '../support/recording-proxy.js';
import { lambdaFixture, type LambdaFixture } from './lambda-fixture.js';

// The function URL is an explicit choice (--function-url / svl.json functionUrl): iam, public or
// none. Real svl CLI → real SDK → moto. moto stores URL configs and resource policies but serves no
// URL, so it cannot show that AWS_IAM refuses an unsigned call: these tests compare AuthType and
// the policy statements, which is what AWS enforces on.
let moto: MotoServer;
let lambda: LambdaClient;
let fx: LambdaFixture;

const deploy = (args: string[], cwd = fx.dir) => svl(['deploy', ...args], { cwd, env: moto.env, timeout: 120_000 });
async function urlConfig(name = fx.name): Promise<Record<string, unknown> | Error> {
  try {
    const { $metadata, ...config } = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    return config;
  } catch (err) {
    return err as Error;
  }
}
async function statementIds(name: string, qualifier?: string): Promise<string[]> {
  try {
    const out = await lambda.send(new GetPolicyCommand({ FunctionName: name, Qualifier: qualifier }));
    return (JSON.parse(out.Policy!).Statement as Array<{ Sid: string }>).map((s) => s.Sid).sort();
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return [];
    throw err;
  }
}
const SVL_SIDS = ['svl-function-url-invoke-function', 'svl-function-url-invoke-url'];

beforeAll(async () => {
  moto = await startMoto();
  lambda = new LambdaClient({ region: MOTO_REGION, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  fx = await lambdaFixture('svl-url-choice');
});

afterAll(async () => {
  lambda?.destroy();
  await moto?.stop();
});

describe('svl deploy --function-url <iam|public|none>', () => {
  it('a bare --function-url (the old switch) or an unknown value is a usage error naming the choices', async () => {
    for (const args of [['--function-url'], ['--function-url', '--dry-run'], ['--function-url', '--json']]) {
      const r = await deploy(args);
      expect(r.exitCode, r.all).toBe(2);
      expect(r.stderr.trim()).toMatch(/^svl: --function-url needs a value: iam \(AuthType AWS_IAM\), public \(AuthType NONE.*\) or none \(delete the URL\)/);
      if (args.includes('--json')) expect(JSON.parse(r.stdout).error).toMatchObject({ exitCode: 2 });
    }
    const bad = await deploy(['--function-url', 'open']);
    expect([bad.exitCode, bad.stderr.trim()]).toEqual([2, "svl: unknown --function-url 'open' — valid: iam, public, none"]);
  });

  it('without any choice no URL is made; svl.json functionUrl "iam" creates an AWS_IAM URL with no public statement', async () => {
    const plain = await deploy(['--json']);
    expect(plain.exitCode, plain.all).toBe(0);
    expect(JSON.parse(plain.stdout).functionUrl).toBeUndefined();
    expect(await urlConfig()).toMatchObject({ name: 'ResourceNotFoundException' });

    await fx.writeConfig({ functionUrl: 'iam' });
    const r = await deploy(['--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).functionUrl).toMatchObject({ action: 'create', choice: 'iam', authType: 'AWS_IAM', permissionsAdded: [] });
    expect(await urlConfig()).toMatchObject({ AuthType: 'AWS_IAM' });
    expect(await statementIds(fx.name)).toEqual([]);
  });

  it('iam → public: --dry-run shows the AuthType change and changes nothing; the run makes it and adds both statements once', async () => {
    const before = await urlConfig();
    const plan = await deploy(['--function-url', 'public', '--dry-run']);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toMatch(
      /url\s+change AuthType AWS_IAM → NONE https:\/\/\S+ \(functionUrl public\); add permission lambda:InvokeFunctionUrl, lambda:InvokeFunction/,
    );
    expect(await urlConfig()).toEqual(before);
    expect(await statementIds(fx.name)).toEqual([]);

    const r = await deploy(['--function-url', 'public']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stderr).toContain('function URL: change AuthType AWS_IAM → NONE');
    expect(r.stdout).toMatch(/url\s+https:\/\/\S+ AuthType NONE, was AWS_IAM/);
    expect(await urlConfig()).toMatchObject({ AuthType: 'NONE', FunctionUrl: (before as { FunctionUrl: string }).FunctionUrl });
    expect(await statementIds(fx.name)).toEqual(SVL_SIDS);
  });

  it('no choice keeps a public URL exactly as it is, even when svl.json no longer says anything', async () => {
    await fx.writeConfig({});
    const before = [await urlConfig(), await statementIds(fx.name)];
    const r = await deploy(['--json']);
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout).functionUrl).toEqual({ action: 'keep', authType: 'NONE', permissionsAdded: [], permissionsRemoved: [] });
    const text = await deploy(['--dry-run']);
    expect(text.stdout).toMatch(/url\s+keep https:\/\/\S+ \(AuthType NONE\) \(no functionUrl in svl\.json or --function-url\)/);
    expect([await urlConfig(), await statementIds(fx.name)]).toEqual(before);
  });

  it("public → iam removes only svl's statements; none deletes the URL and leaves a statement svl did not add", async () => {
    // Someone else's grant on the same function: svl must never remove it.
    await lambda.send(
      new AddPermissionCommand({ FunctionName: fx.name, StatementId: 'their-s3-trigger', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }),
    );
    const toIam = await deploy(['--function-url', 'iam', '--json']);
    expect(toIam.exitCode, toIam.all).toBe(0);
    expect(JSON.parse(toIam.stdout).functionUrl).toMatchObject({
      action: 'update',
      authType: 'AWS_IAM',
      previousAuthType: 'NONE',
      permissionsRemoved: ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'],
    });
    expect(await urlConfig()).toMatchObject({ AuthType: 'AWS_IAM' });
    expect(await statementIds(fx.name)).toEqual(['their-s3-trigger']);

    expect((await deploy(['--function-url', 'public'])).exitCode).toBe(0);
    const plan = await deploy(['--function-url', 'none', '--dry-run']);
    expect(plan.stdout).toMatch(/url\s+delete https:\/\/\S+ \(functionUrl none\); remove svl's permission lambda:InvokeFunctionUrl, lambda:InvokeFunction/);
    const r = await deploy(['--function-url', 'none']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/url\s+deleted/);
    expect(await urlConfig()).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await statementIds(fx.name)).toEqual(['their-s3-trigger']);
    // The function itself is untouched by the URL's removal.
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: fx.name }))).Configuration?.State).toBe('Active');
  });

  it('with --alias the URL and its permissions go on the alias qualifier, not on $LATEST', async () => {
    // moto diverges from AWS here: it ignores Qualifier on the URL-config calls ("not yet
    // implemented") and keeps one resource policy for the function and its aliases, so GetPolicy
    // cannot tell them apart. What svl sends is recorded instead, through a loopback proxy.
    const proxy = await recordingProxy(moto.endpoint);
    try {
      const other = await lambdaFixture('svl-url-alias');
      const r = await svl(['deploy', '--alias', 'live', '--function-url', 'public', '--json'], {
        cwd: other.dir,
        env: { ...moto.env, AWS_ENDPOINT_URL: proxy.endpoint },
        timeout: 120_000,
      });
      expect(r.exitCode, r.all).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ alias: { name: 'live' }, functionUrl: { action: 'create', qualifier: 'live', authType: 'NONE' } });
      const urlCalls = proxy.requests.filter((q) => /\/functions\/svl-url-alias\/(url|policy)/.test(q));
      expect(urlCalls).toEqual([
        'GET /2021-10-31/functions/svl-url-alias/url?Qualifier=live',
        'GET /2015-03-31/functions/svl-url-alias/policy?Qualifier=live',
        'POST /2021-10-31/functions/svl-url-alias/url?Qualifier=live',
        'POST /2015-03-31/functions/svl-url-alias/policy?Qualifier=live',
        'POST /2015-03-31/functions/svl-url-alias/policy?Qualifier=live',
      ]);
      expect(await statementIds(other.name, 'live')).toEqual(SVL_SIDS);
      expect((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: other.name, Qualifier: 'live' }))).AuthType).toBe('NONE');
    } finally {
      await proxy.close();
    }
  });
});
