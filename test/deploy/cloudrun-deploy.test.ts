import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import Handlebars from 'handlebars';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, svl } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

// The real installed gcloud, always with CLOUDSDK_CONFIG pointing at an empty directory: no account,
// no project, nothing of the developer's configuration read or written. Nothing is deployed.
let project: string;
let emptyGcloudConfig: string;
/** Every flag `gcloud run deploy --help` documents (both forms of --[no-]x flags), read once per run. */
let gcloudFlags: Set<string>;

const FIXTURE = {
  name: 'ocr-fixture',
  platform: 'cloudrun',
  language: 'go',
  environment: { OCR_ENGINE: 'gemini', GEMINI_MODEL: 'gemini-2.5-flash-lite' },
  cloudrun: {
    service: 'ocr-fixture',
    region: 'europe-west1',
    memory: '512Mi',
    cpu: '1',
    concurrency: 80,
    timeout: 60,
    minInstances: 0,
    maxInstances: 10,
    cpuBoost: true,
    secrets: { GEMINI_API_KEY: 'gemini-api-key' },
    allowUnauthenticated: true,
  },
};

async function writeFixture(patch: Record<string, unknown> = {}) {
  await writeFile(path.join(project, 'svl.json'), JSON.stringify({ ...FIXTURE, ...patch }, null, 2));
}

function parseHelpFlags(help: string): Set<string> {
  const plain = help.replace(/\x1b\[[0-9;]*m/g, '');
  const flags = new Set<string>();
  for (const m of plain.matchAll(/--(\[no-\])?([a-z][a-z0-9-]*)/g)) {
    flags.add(`--${m[2]}`);
    if (m[1]) flags.add(`--no-${m[2]}`);
  }
  return flags;
}

const dryRunArgv = async (extra: string[] = []): Promise<string[]> => {
  const r = await svl(['deploy', '--dry-run', '--json', ...extra], { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig } });
  expect(r.exitCode, r.all).toBe(0);
  return JSON.parse(r.stdout).argv;
};

beforeAll(async () => {
  project = await scratchDir('deploy-cloudrun');
  emptyGcloudConfig = await mkdtemp(path.join(tmpdir(), 'svl-gcloud-empty-'));
  await writeFixture();
  const help = await execa('gcloud', ['run', 'deploy', '--help'], { env: { CLOUDSDK_CONFIG: emptyGcloudConfig }, timeout: 120_000 });
  gcloudFlags = parseHelpFlags(help.stdout);
  expect(gcloudFlags.has('--source')).toBe(true);
});

describe('svl deploy (Cloud Run)', () => {
  it('builds the gcloud run deploy argv from svl.json', async () => {
    expect(await dryRunArgv()).toEqual([
      'run',
      'deploy',
      'ocr-fixture',
      '--source',
      '.',
      '--region',
      'europe-west1',
      '--memory',
      '512Mi',
      '--cpu',
      '1',
      '--concurrency',
      '80',
      '--timeout',
      '60',
      '--min-instances',
      '0',
      '--max-instances',
      '10',
      '--cpu-boost',
      '--set-env-vars',
      'OCR_ENGINE=gemini,GEMINI_MODEL=gemini-2.5-flash-lite',
      '--set-secrets',
      'GEMINI_API_KEY=gemini-api-key:latest',
      '--allow-unauthenticated',
      '--quiet',
    ]);
  });

  it('--region overrides svl.json; false booleans use the --no- forms; commas in values use gcloud escaping', async () => {
    await writeFixture({
      environment: { LIST: 'a,b' },
      cloudrun: { ...FIXTURE.cloudrun, cpuBoost: false, allowUnauthenticated: false },
    });
    try {
      const argv = await dryRunArgv(['--region', 'us-central1']);
      expect(argv.slice(argv.indexOf('--region'), argv.indexOf('--region') + 2)).toEqual(['--region', 'us-central1']);
      expect(argv).toContain('--no-cpu-boost');
      expect(argv).toContain('--no-allow-unauthenticated');
      expect(argv[argv.indexOf('--set-env-vars') + 1]).toBe('^@^LIST=a,b');
    } finally {
      await writeFixture();
    }
  });

  it("every flag svl passes exists in the installed gcloud's own 'gcloud run deploy --help'", async () => {
    const argvs = [await dryRunArgv()];
    await writeFixture({ cloudrun: { ...FIXTURE.cloudrun, cpuBoost: false, allowUnauthenticated: false } });
    try {
      argvs.push(await dryRunArgv());
    } finally {
      await writeFixture();
    }
    const used = new Set(argvs.flat().filter((a) => a.startsWith('--')));
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used].filter((flag) => !gcloudFlags.has(flag));
    expect(unknown, `flags gcloud ${gcloudFlags.size} documented flags do not include`).toEqual([]);
  });

  it.each(['go', 'rust'])("the cloudrun-ocr template's own svl.json (%s) gives a command gcloud accepts", async (lang) => {
    // Rendered the way the generator does (Handlebars, strict): only svl.json is needed for the argv.
    const dir = await scratchDir(`deploy-ocr-${lang}`);
    const source = await readFile(path.join(REPO_ROOT, 'templates', 'cloudrun-ocr', '_lang', lang, 'svl.json.hbs'), 'utf8');
    const vars = { name: `ocr-${lang}`, schemaUrl: 'https://unpkg.com/serverless-lang/schema/svl.schema.json' };
    await writeFile(path.join(dir, 'svl.json'), Handlebars.compile(source, { noEscape: true, strict: true })(vars));
    const r = await svl(['deploy', '--dry-run', '--json'], { cwd: dir });
    expect(r.exitCode, r.all).toBe(0);
    const argv: string[] = JSON.parse(r.stdout).argv;
    expect(argv.slice(0, 5)).toEqual(['run', 'deploy', `ocr-${lang}`, '--source', '.']);
    expect(argv[argv.indexOf('--set-secrets') + 1]).toBe('GEMINI_API_KEY=gemini-api-key:latest');
    expect(argv.filter((a) => a.startsWith('--') && !gcloudFlags.has(a))).toEqual([]);
    await fs.remove(dir);
  });

  it('the human --dry-run prints one copy-pasteable gcloud line', async () => {
    const r = await svl(['deploy', '--dry-run'], { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig } });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout.trim()).toMatch(
      /^gcloud run deploy ocr-fixture --source \. --region europe-west1 .* --set-secrets GEMINI_API_KEY=gemini-api-key:latest --allow-unauthenticated --quiet$/,
    );
  });

  it('real gcloud without an account: svl explains how to log in and deploys nothing', async () => {
    const r = await svl(['deploy'], { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig }, timeout: 120_000 });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      "svl: gcloud has no active account — run 'gcloud auth login' (or 'gcloud auth activate-service-account --key-file=KEY.json'), then 'gcloud config set project PROJECT_ID'",
    );
  });

  it('gcloud not installed: svl says how to install it', async () => {
    // A PATH holding only node, so the gcloud lookup fails exactly as on a machine without the SDK.
    const bin = await scratchDir('deploy-nogcloud-path');
    await symlink(process.execPath, path.join(bin, 'node'));
    const r = await svl(['deploy'], { cwd: project, env: { PATH: bin } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^svl: gcloud is not installed — install the Google Cloud CLI \(https:\/\/cloud\.google\.com\/sdk\/docs\/install\)/);
    await fs.remove(bin);
  });

  it('runs gcloud run deploy in the project and streams its output; a gcloud failure is exit 1', async () => {
    // A Cloud Run deploy cannot run here (no Google account, no network), so this one test puts a
    // stand-in gcloud first on PATH: it reports an active account and echoes what it was asked.
    const bin = await scratchDir('deploy-fake-gcloud');
    await writeFile(
      path.join(bin, 'gcloud'),
      [
        '#!/bin/sh',
        'if [ "$1" = auth ]; then echo \'[{"account": "dev@example.com", "status": "ACTIVE"}]\'; exit 0; fi',
        'echo "cwd: $(pwd)"',
        'echo "argv: $*"',
        'echo "Service URL: https://ocr-fixture-abc-ew.a.run.app" >&2',
        'exit "${FAKE_GCLOUD_EXIT:-0}"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const ok = await svl(['deploy'], { cwd: project, env });
    expect(ok.exitCode, ok.all).toBe(0);
    const expectedArgv = (await dryRunArgv()).join(' ');
    expect(ok.stderr).toContain('deploying as dev@example.com');
    expect(ok.stderr).toContain(`cwd: ${project}`);
    expect(ok.stderr).toContain(`argv: ${expectedArgv}`);
    expect(ok.stderr).toContain('Service URL: https://ocr-fixture-abc-ew.a.run.app');

    const failed = await svl(['deploy'], { cwd: project, env: { ...env, FAKE_GCLOUD_EXIT: '3' } });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('svl: gcloud run deploy exited with 3');
    await fs.remove(bin);
  });

  it("a gcloud whose 'auth list' fails silently: the error names the exit code and 'gcloud init'", async () => {
    // A stand-in gcloud that exits 1 with no output (a broken installation), first on PATH.
    const bin = await scratchDir('deploy-silent-gcloud');
    await writeFile(path.join(bin, 'gcloud'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const r = await svl(['deploy'], { cwd: project, env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe("svl: 'gcloud auth list' failed (exit 1) — run 'gcloud init' to repair the gcloud configuration");
    await fs.remove(bin);
  });

  it('Lambda-only flags are usage errors on a Cloud Run project', async () => {
    const r = await svl(['deploy', '--function-url', 'public'], { cwd: project });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--function-url applies to Lambda projects only/);
  });
});
