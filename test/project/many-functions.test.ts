// A project of many functions end to end through the built CLI: `svl new` a Rust function, `svl add`
// a second Rust and two Go functions, then dev (all four at once, Invoke API and URLs, a save
// rebuilding only what it touches), build, size and deploy (moto) over all of them and over one.
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaClientFor, startDev } from '../emulator/dev-server.js';
import { create, scratchDir, svl } from '../support/cli.js';
import { startMoto, type MotoServer } from '../support/moto.js';

let dir: string;
const NAMES = ['shop', 'orders', 'web', 'jobs'];
const ALL = [...NAMES, 'ocr'];

beforeAll(async () => {
  const work = await scratchDir('many');
  const made = await create(['shop', '--template', 'rust-lambda', '--flavor', 'http', '--arch', 'x86_64', '--yes', '--no-git'], { cwd: work });
  expect(made.exitCode, made.all).toBe(0);
  dir = path.join(work, 'shop');
  for (const args of [
    ['orders', '--template', 'rust-lambda', '--flavor', 'event'],
    ['web', '--template', 'go-lambda', '--flavor', 'http'],
    ['jobs', '--template', 'go-lambda', '--flavor', 'event'],
  ]) {
    const r = await svl(['add', ...args], { cwd: dir });
    expect(r.exitCode, r.all).toBe(0);
  }
  // Plus a Cloud Run service (svl add makes Lambda functions only): the Go OCR service in services/ocr.
  const services = path.join(dir, 'services');
  await mkdir(services);
  const ocr = await create(['ocr', '--template', 'cloudrun-ocr', '--lang', 'go', '--yes', '--no-git'], { cwd: services });
  expect(ocr.exitCode, ocr.all).toBe(0);
  const own = JSON.parse(await readFile(path.join(services, 'ocr', 'svl.json'), 'utf8'));
  await rm(path.join(services, 'ocr', 'svl.json'));
  const json = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
  json.services = { ocr: { path: 'services/ocr', language: 'go', environment: own.environment, cloudrun: own.cloudrun } };
  await writeFile(path.join(dir, 'svl.json'), `${JSON.stringify(json, null, 2)}\n`);
});

describe('svl dev over four functions', () => {
  it('serves all four at once on one port, and a save rebuilds and restarts only the function it touches', async () => {
    const dev = await startDev(dir, [], {}, 15 * 60_000);
    const client = await lambdaClientFor(dev.url);
    try {
      const event = Buffer.from(JSON.stringify({ name: 'Ada' }));
      const [orders, jobs, web, shop, shopByUrl] = await Promise.all([
        client.send(new InvokeCommand({ FunctionName: 'orders', Payload: event })),
        client.send(new InvokeCommand({ FunctionName: 'jobs', Payload: event })),
        fetch(`${dev.url}/lambda-url/web/?name=Grace`),
        fetch(`${dev.url}/?name=Linus`),
        fetch(`${dev.url}/lambda-url/shop/`),
      ]);
      expect(orders.FunctionError).toBeUndefined();
      expect(Buffer.from(orders.Payload!).toString()).toContain('Ada');
      expect(jobs.FunctionError).toBeUndefined();
      expect(Buffer.from(jobs.Payload!).toString()).toContain('Ada');
      expect([web.status, await web.text()]).toEqual([200, expect.stringContaining('Grace')]);
      // Bare paths reach the function at the project root (the one `svl new` made).
      expect([shop.status, await shop.text()]).toEqual([200, expect.stringContaining('Linus')]);
      expect(shopByUrl.status).toBe(200);
      // Logs name their function when several run.
      await dev.waitForStdout('[orders] START RequestId:');
      await dev.waitForStdout('[jobs] REPORT RequestId:');
      const unknown = await client.send(new InvokeCommand({ FunctionName: 'nope', Payload: event })).catch((e: Error) => e);
      expect(String(unknown)).toMatch(/Function not found.*svl dev serves: shop, orders, web, jobs/);

      // Edits count once the watcher is up (it starts after the port opens).
      await dev.waitForStderr('watching sources');
      const mark = dev.stderr().length;
      await appendFile(path.join(dir, 'functions', 'orders', 'src', 'handler.rs'), '\n// touched by the test\n');
      await dev.waitForStderr(/built orders in \d+ ms/, 5 * 60_000, mark);
      const rebuilt = dev.stderr().slice(mark);
      expect(rebuilt).toMatch(/functions\/orders\/src\/handler\.rs changed — rebuilding orders\n/);
      expect(rebuilt).not.toMatch(/rebuilding .*(shop|web|jobs)/);
      const again = await client.send(new InvokeCommand({ FunctionName: 'orders', Payload: event }));
      expect(Buffer.from(again.Payload!).toString()).toContain('Ada');

      // The Cloud Run service runs beside them, on the next port, loopback only.
      const health = await fetch(`http://127.0.0.1:${dev.port + 1}/health`);
      expect(health.status).toBe(200);

      // An svl.json edit is applied: only the function whose settings changed restarts.
      const before = dev.stderr().length;
      const file = path.join(dir, 'svl.json');
      const json = JSON.parse(await readFile(file, 'utf8'));
      json.functions.web.memory = 256;
      await writeFile(file, JSON.stringify(json, null, 2));
      await dev.waitForStderr('svl.json changed — settings applied', 120_000, before);
      const applied = dev.stderr().slice(before);
      expect(applied).toContain('web: settings changed — restarted');
      expect(applied).not.toMatch(/(shop|orders|jobs): settings changed/);
      const web256 = await fetch(`${dev.url}/lambda-url/web/`);
      expect(web256.status).toBe(200);
      await dev.waitForStdout('Memory Size: 256 MB');
      expect(dev.stdout()).toMatch(/^\[web\] REPORT .*Memory Size: 256 MB/m);
    } finally {
      client.destroy();
      await dev.stop();
    }
  });
});

describe('svl build, size and deploy over four functions', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it('builds every function in one run, and --function narrows it to one', async () => {
    const all = await svl(['build', '--json'], { cwd: dir, timeout: 15 * 60_000 });
    expect(all.exitCode, all.all).toBe(0);
    const doc = JSON.parse(all.stdout);
    expect(doc.functions.map((f: { name: string }) => f.name)).toEqual(ALL);
    for (const f of doc.functions.slice(0, 4)) expect(f).toMatchObject({ platform: 'lambda', arch: 'x86_64', zip: { sha256: expect.any(String) } });
    // The Cloud Run service builds what its container runs: the service binary, no Lambda zip.
    expect(doc.functions[4]).toMatchObject({ name: 'ocr', platform: 'cloudrun', binary: { path: expect.stringMatching(/\.svl\/build\/ocr\/ocr$/) } });
    expect(doc.functions[4].zip).toBeUndefined();
    // The Rust workspace built in one cargo-lambda invocation.
    expect(all.stderr.match(/Finished .release/g) ?? []).toHaveLength(1);

    const one = await svl(['build', '--function', 'web', '--json'], { cwd: dir });
    expect(one.exitCode, one.all).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'web', language: 'go', functions: [{ name: 'web' }] });
  });

  it('sizes a row per function, fails when any is over budget, and --function narrows it', async () => {
    const all = await svl(['size', '--json'], { cwd: dir });
    expect(all.exitCode, all.all).toBe(0);
    const report = JSON.parse(all.stdout);
    expect(report).toMatchObject({ version: 1, name: 'shop', stale: false, passed: true });
    expect(report.functions.map((f: { name: string }) => f.name)).toEqual(ALL);
    // No Lambda limit on a Cloud Run service's binary.
    expect(report.functions[4].artifacts).toEqual([expect.objectContaining({ name: 'ocr', lambdaLimit: null })]);
    const text = await svl(['size'], { cwd: dir });
    for (const n of NAMES) expect(text.stdout).toContain(`${n} (`);
    expect(text.stdout).toMatch(/^ocr \(Cloud Run, go, x86_64\)\n {2}artifact +size +budget +status\n/m);

    const json = JSON.parse(await readFile(path.join(dir, 'svl.json'), 'utf8'));
    json.functions.jobs.size = { zip: '1 kB' };
    await writeFile(path.join(dir, 'svl.json'), JSON.stringify(json, null, 2));
    const over = await svl(['size'], { cwd: dir });
    expect(over.exitCode).toBe(1);
    expect(over.stderr).toMatch(/jobs: bootstrap\.zip is .* over the size\.zip budget of 1\.0 kB .* raise size\.zip for jobs in svl\.json/);
    // A budget edit changes no binary: the builds stay fresh.
    expect(over.stderr).not.toMatch(/changed since the last build/);
    const onlyWeb = await svl(['size', '--function', 'web', '--json'], { cwd: dir });
    expect(onlyWeb.exitCode, onlyWeb.all).toBe(0);
    expect(JSON.parse(onlyWeb.stdout).functions.map((f: { name: string }) => f.name)).toEqual(['web']);
  });

  it('deploys each function (moto), and --function deploys one', async () => {
    // A plan over everything: Lambda against moto, the gcloud line for the Cloud Run service.
    const plan = await svl(['deploy', '--dry-run', '--json'], { cwd: dir, env: moto.env, timeout: 10 * 60_000 });
    expect(plan.exitCode, plan.all).toBe(0);
    const planned = JSON.parse(plan.stdout).functions;
    expect(planned.map((f: { name: string }) => f.name)).toEqual(ALL);
    expect(planned[4]).toMatchObject({ name: 'ocr', dryRun: true, command: 'gcloud', argv: expect.arrayContaining(['run', 'deploy', 'ocr', '--source', '.']) });
    // Lambda-only flags are refused for a selection with a Cloud Run service.
    const mixed = await svl(['deploy', '--function-url', 'public', '--dry-run'], { cwd: dir, env: moto.env });
    expect([mixed.exitCode, mixed.stderr]).toEqual([
      2,
      expect.stringMatching(/--function-url applies to Lambda projects only, not to Cloud Run services \(ocr\)/),
    ]);

    const all = await svl(['deploy', '--json', ...NAMES.flatMap((n) => ['-f', n])], { cwd: dir, env: moto.env, timeout: 10 * 60_000 });
    expect(all.exitCode, all.all).toBe(0);
    const doc = JSON.parse(all.stdout);
    expect(doc.functions.map((f: { name: string }) => f.name)).toEqual(NAMES);
    const lambda = new LambdaClient({ endpoint: moto.endpoint, region: moto.env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      for (const n of NAMES) {
        const fn = await lambda.send(new GetFunctionCommand({ FunctionName: n }));
        expect(fn.Configuration).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['x86_64'], Handler: 'bootstrap' });
        expect(fn.Configuration?.CodeSha256).toBe(doc.functions.find((f: { name: string }) => f.name === n).code.sha256);
      }
    } finally {
      lambda.destroy();
    }
    const one = await svl(['deploy', '--function', 'jobs', '--json'], { cwd: dir, env: moto.env });
    expect(one.exitCode, one.all).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ functionName: 'jobs', action: 'update', code: { upload: false } });
    const unknown = await svl(['deploy', '--function', 'nope'], { cwd: dir, env: moto.env });
    expect([unknown.exitCode, unknown.stderr]).toEqual([
      2,
      "svl: unknown --function 'nope' — " + path.join(dir, 'svl.json') + ' has: shop, orders, web, jobs, ocr',
    ]);
  });

  it('commands run from a function folder default to that function', async () => {
    const r = await svl(['size', '--json'], { cwd: path.join(dir, 'functions', 'web') });
    expect(r.exitCode, r.all).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'web', functions: [{ name: 'web' }] });
  });
});
