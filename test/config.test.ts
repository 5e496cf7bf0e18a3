import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { resolveProject, selectFunctions, selectOne } from '../src/project/project.js';
import { parseSvlJson } from '../src/project/svl-json.js';
import { loadConfig, parseConfig } from './support/config.js';

describe('svl.json validation', () => {
  it('fills Lambda defaults', async () => {
    const c = await parseConfig(JSON.stringify({ name: 'fn', platform: 'lambda', language: 'go' }));
    expect(c).toMatchObject({ arch: 'arm64', memory: 128, timeout: 10, runtime: 'provided.al2023', environment: {} });
  });

  it('names the path of each bad field', async () => {
    const bad = JSON.stringify({ name: 'bad name!', platform: 'lambda', language: 'go', memory: 64, size: { zip: 'lots' }, extra: 1 });
    const err = await parseConfig(bad).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('/name must match pattern');
    expect(msg).toContain('/memory must be >= 128');
    expect(msg).toContain('/size/zip');
    expect(msg).toContain("unknown field 'extra'");
  });

  it('rejects invalid JSON with the parse error and the fix, in one line', async () => {
    const err = (await parseConfig('{ nope').catch((e: Error) => e)) as Error & { exitCode?: number };
    expect(err.message).toMatch(/^svl\.json is not valid JSON \(.+\) — fix the JSON syntax in svl\.json$/);
    expect(err.message).not.toContain('\n');
    expect(err.exitCode).toBe(1);
  });

  it('tells a missing svl.json from one it cannot read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-config-'));
    await expect(loadConfig(dir)).rejects.toMatchObject({
      exitCode: 1,
      message: `no svl.json in ${dir} or any folder above it — run svl inside a project, create one with 'svl new', or adopt an existing one with 'svl init'`,
    });
    await mkdir(path.join(dir, 'svl.json'));
    await expect(loadConfig(dir)).rejects.toMatchObject({
      exitCode: 1,
      message: `cannot read ${path.join(dir, 'svl.json')} (EISDIR) — make it a readable file`,
    });
  });
});

const many = {
  name: 'shop',
  arch: 'x86_64',
  memory: 256,
  environment: { STAGE: 'dev' },
  size: { zip: '1 MB' },
  functions: {
    api: { path: '.', language: 'rust', flavor: 'http', environment: { TABLE: 'orders' } },
    worker: { language: 'rust', memory: 1024, arch: 'arm64' },
    web: { language: 'go', size: { zip: '4 MB' } },
    legacy: { artifact: 'dist/bootstrap' },
  },
  services: { ocr: { language: 'go', path: 'services/ocr', cloudrun: { region: 'europe-west1' } } },
};

async function resolve(doc: unknown, cwd?: string) {
  const file = '/proj/svl.json';
  return resolveProject(await parseSvlJson(JSON.stringify(doc), file), file, {}, cwd);
}

describe('svl.json of many functions', () => {
  it('resolves each function with project defaults and its own overrides', async () => {
    const p = await resolve(many);
    expect(p.functions.map((f) => [f.name, f.platform, f.dir])).toEqual([
      ['api', 'lambda', '/proj'],
      ['worker', 'lambda', '/proj/functions/worker'],
      ['web', 'lambda', '/proj/functions/web'],
      ['legacy', 'lambda', '/proj/functions/legacy'],
      ['ocr', 'cloudrun', '/proj/services/ocr'],
    ]);
    const [api, worker, web, legacy] = p.functions;
    expect(api).toMatchObject({ arch: 'x86_64', memory: 256, timeout: 10, environment: { STAGE: 'dev', TABLE: 'orders' }, size: { zip: '1 MB' } });
    expect(worker).toMatchObject({ arch: 'arm64', memory: 1024 });
    expect(web!.size).toEqual({ zip: '4 MB' });
    expect(legacy).toMatchObject({ artifact: '/proj/dist/bootstrap', language: undefined });
    expect(p.defaultFunction).toBe('api'); // the function at the project root
  });

  it('overrides beat svl.json (flags > environment > svl.json > defaults)', async () => {
    const file = '/proj/svl.json';
    const p = resolveProject(await parseSvlJson(JSON.stringify(many), file), file, { arch: 'arm64', concurrency: 2 });
    expect(p.functions.every((f) => f.platform === 'cloudrun' || (f.arch === 'arm64' && f.concurrency === 2))).toBe(true);
  });

  it('functionUrl and s3Bucket: --function-url/--s3-bucket > the entry > top level; unset stays unset (deploy keeps an existing URL)', async () => {
    const file = '/proj/svl.json';
    const doc = { ...many, functionUrl: 'iam', functions: { ...many.functions, api: { ...many.functions.api, functionUrl: 'public', s3Bucket: 'api-code' } } };
    const byName = (p: Awaited<ReturnType<typeof resolve>>) => Object.fromEntries(p.functions.map((f) => [f.name, [f.functionUrl, f.s3Bucket]]));
    expect(byName(await resolve(doc))).toEqual({
      api: ['public', 'api-code'],
      worker: ['iam', undefined],
      web: ['iam', undefined],
      legacy: ['iam', undefined],
      ocr: [undefined, undefined],
    });
    const flagged = resolveProject(await parseSvlJson(JSON.stringify(doc), file), file, { functionUrl: 'none', s3Bucket: 'flag-bucket' });
    expect(byName(flagged).api).toEqual(['none', 'flag-bucket']);
    expect((await resolve(many)).functions.every((f) => f.functionUrl === undefined)).toBe(true);
    await expect(resolve({ ...many, functionUrl: 'open' })).rejects.toThrow(/functionUrl must be one of "iam", "public", "none"/);
  });

  it('relocationModel: pie unless the entry or the top level says static; Rust only, and a Go entry that sets it is told so', async () => {
    const byName = (p: Awaited<ReturnType<typeof resolve>>) => Object.fromEntries(p.functions.map((f) => [f.name, f.relocationModel]));
    expect(byName(await resolve(many))).toEqual({ api: 'pie', worker: 'pie', web: undefined, legacy: undefined, ocr: undefined });
    const doc = { ...many, relocationModel: 'static', functions: { ...many.functions, worker: { ...many.functions.worker, relocationModel: 'pie' } } };
    // The top level is a default for the Rust functions; the Go one is left alone.
    expect(byName(await resolve(doc))).toEqual({ api: 'static', worker: 'pie', web: undefined, legacy: undefined, ocr: undefined });
    const goSets = { ...many, functions: { ...many.functions, web: { ...many.functions.web, relocationModel: 'static' } } };
    await expect(resolve(goSets)).rejects.toThrow(
      `/proj/svl.json: "functions.web.relocationModel" applies to Rust functions only — remove it (Go's Lambda builds are already fixed-address executables)`,
    );
    await expect(resolve({ ...many, relocationModel: 'nopie' })).rejects.toThrow(/relocationModel must be one of "pie", "static"/);
    const single = { name: 'hello', platform: 'lambda', language: 'go', relocationModel: 'static' };
    await expect(resolve(single)).rejects.toThrow(/"relocationModel" applies to Rust functions only/);
  });

  it('the function whose folder a command runs in is the default selection; --function narrows; unknown names list the valid ones', async () => {
    const inWorker = await resolve(many, '/proj/functions/worker/src');
    expect(inWorker.here).toBe('worker');
    expect(selectFunctions(inWorker).map((f) => f.name)).toEqual(['worker']);
    const atRoot = await resolve(many, '/proj');
    expect(selectFunctions(atRoot)).toHaveLength(5);
    expect(selectFunctions(atRoot, { names: ['web', 'api', 'web'] }).map((f) => f.name)).toEqual(['web', 'api']);
    expect(() => selectFunctions(atRoot, { names: ['nope'] })).toThrow(/^unknown --function 'nope' — \/proj\/svl\.json has: api, worker, web, legacy, ocr$/);
    expect(() => selectOne(atRoot, 'ocr')).toThrow(/'ocr' is a Cloud Run service/);
    expect(selectOne(atRoot, undefined).name).toBe('api');
  });

  it('refuses two entries of one name, even though JSON.parse would keep the last silently', async () => {
    const text = '{"name":"x","functions":{"a":{"language":"go"},"a":{"language":"rust"}}}';
    await expect(parseSvlJson(text, 'svl.json')).rejects.toThrow(/^svl\.json: 'a' appears twice in \/functions — give each function and field one entry$/);
  });

  it('refuses a function and a service of one name, a route naming no function, and a route another one shadows', async () => {
    await expect(resolve({ name: 'x', functions: { a: { language: 'go' } }, services: { a: { language: 'go' } } })).rejects.toThrow(
      /'a' is both a function and a service/,
    );
    await expect(resolve({ name: 'x', functions: { a: { language: 'go' } }, routes: [{ path: '/', function: 'b' }] })).rejects.toThrow(
      /routes\[0\] \(ANY \/\) names no function 'b' — functions: a/,
    );
    const shadowed = {
      name: 'x',
      functions: { a: { language: 'go' }, b: { language: 'go' } },
      routes: [
        { path: '/users/{proxy+}', function: 'a' },
        { method: 'GET', path: '/users/{id}', function: 'b' },
      ],
    };
    await expect(resolve(shadowed)).rejects.toThrow(/routes\[1\] \(GET \/users\/\{id\}\) overlaps routes\[0\] \(ANY \/users\/\{proxy\+\}\)/);
    // Specific before generic is fine: first match wins.
    const ordered = { ...shadowed, routes: [...shadowed.routes].reverse() };
    await expect(resolve(ordered)).resolves.toBeTruthy();
  });

  it('keeps paths inside the project and refuses single-function fields beside "functions"', async () => {
    await expect(resolve({ name: 'x', functions: { a: { language: 'go', path: '../elsewhere' } } })).rejects.toThrow(/outside the project/);
    await expect(resolve({ name: 'x', language: 'go', functions: { a: { language: 'go' } } })).rejects.toThrow(
      /top-level "language" describes a single function/,
    );
    await expect(parseSvlJson(JSON.stringify({ name: 'x', functions: { a: { flavor: 'http' } } }))).rejects.toThrow(/language/);
  });

  it('is found by walking up from a function folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-walk-'));
    await writeFile(path.join(dir, 'svl.json'), JSON.stringify(many));
    await mkdir(path.join(dir, 'functions', 'web', 'internal'), { recursive: true });
    const c = await loadConfig(path.join(dir, 'functions', 'web', 'internal'));
    expect(c.root).toBe(dir);
  });
});

describe('svl.json of a multi-container Cloud Run service', () => {
  const sidecar = (sidecars: unknown, container?: string) => ({
    name: 'ocr',
    services: { ocr: { language: 'go', path: 'ingress', container, sidecars } },
  });

  it('resolves the ingress name and each sidecar with its defaults', async () => {
    const p = await resolve(sidecar({ preprocess: { path: 'preprocess', language: 'rust', port: 8081, memory: '512Mi' } }));
    const ocr = p.functions[0]!;
    expect(ocr.container).toBe('ingress');
    expect(ocr.sidecars).toEqual([
      {
        name: 'preprocess',
        language: 'rust',
        dir: '/proj/preprocess',
        bin: undefined,
        port: 8081,
        health: '/healthz',
        cpu: undefined,
        memory: '512Mi',
        environment: {},
        size: {},
      },
    ]);
    expect((await resolve(many)).functions.every((f) => f.sidecars.length === 0)).toBe(true);
  });

  it('refuses a sidecar named like the ingress, two sidecars on one port, and a folder outside the project', async () => {
    await expect(resolve(sidecar({ web: { path: 'w', language: 'go', port: 9000 } }, 'web'))).rejects.toThrow(
      /sidecars\.web has the ingress container's name 'web'/,
    );
    await expect(resolve(sidecar({ a: { path: 'a', language: 'go', port: 9000 }, b: { path: 'b', language: 'rust', port: 9000 } }))).rejects.toThrow(
      /sidecars\.b\.port 9000 is also sidecar a's/,
    );
    await expect(resolve(sidecar({ a: { path: '../a', language: 'go', port: 9000 } }))).rejects.toThrow(/is outside the project/);
    await expect(resolve(sidecar({ a: { path: 'a', language: 'go' } }))).rejects.toThrow(/port/);
  });
});
