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
/** The flags of the other gcloud commands the READMEs use, by command ('secrets create'), read once. */
const helpFlags = new Map<string, Set<string>>();
/** That help text, without its terminal escapes. */
let gcloudHelp: string;

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
    serviceAccount: 'ocr-runtime@my-project.iam.gserviceaccount.com',
  },
};

async function writeFixture(patch: Record<string, unknown> = {}) {
  await writeFile(path.join(project, 'svl.json'), JSON.stringify({ ...FIXTURE, ...patch }, null, 2));
}

/** The paragraph `gcloud run deploy --help` gives one flag (its line and the indented lines under it). */
function gcloudFlagHelp(flag: string): string {
  const lines = gcloudHelp.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s+${flag}(=|$)`).test(l));
  if (at < 0) return '';
  const indent = lines[at]!.search(/\S/);
  const end = lines.findIndex((l, i) => i > at && l.trim() !== '' && l.search(/\S/) <= indent);
  return lines
    .slice(at, end < 0 ? undefined : end)
    .join(' ')
    .replace(/\s+/g, ' ');
}

/**
 * The gcloud invocations of a shell script, each as its arguments (continuation lines joined,
 * comments dropped), without what its own `$( )` or parentheses enclose and ending where the line or
 * an enclosing `$( )` ends — so a nested `$(gcloud …)` is an invocation of its own.
 */
function gcloudInvocations(script: string): string[] {
  const text = script
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\s*\\\n\s*/g, ' ');
  const out: string[] = [];
  for (let at = text.indexOf('gcloud '); at >= 0; at = text.indexOf('gcloud ', at + 1)) {
    let depth = 0;
    let args = '';
    for (const c of text.slice(at + 'gcloud '.length)) {
      if (c === '\n' || (c === ')' && depth === 0)) break;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0) args += c;
    }
    out.push(args.trim());
  }
  return out;
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
  gcloudHelp = help.stdout.replace(/\x1b\[[0-9;]*m/g, '');
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
      '--service-account',
      'ocr-runtime@my-project.iam.gserviceaccount.com',
      '--set-env-vars',
      'OCR_ENGINE=***,GEMINI_MODEL=***',
      '--set-secrets',
      'GEMINI_API_KEY=gemini-api-key:latest',
      '--allow-unauthenticated',
      '--format',
      'value(status.url)',
      '--quiet',
    ]);
  });

  it("drift: svl.json's environment and secrets replace the service's (--set-*), and an empty one clears (--clear-*)", async () => {
    // What gcloud's own help promises for each flag svl relies on for this.
    for (const [flag, promise] of [
      ['--set-env-vars', /All existing environment variables will be removed first/],
      ['--set-secrets', /All existing secrets will be removed first/],
      ['--clear-env-vars', /Remove all environment variables/],
      ['--clear-secrets', /Remove all secrets/],
    ] as const) {
      expect(gcloudFlagHelp(flag), `gcloud run deploy --help on ${flag}`).toMatch(promise);
    }
    await writeFixture({ environment: { OCR_ENGINE: 'gemini' } });
    try {
      const one = await dryRunArgv();
      expect(one[one.indexOf('--set-env-vars') + 1]).toBe('OCR_ENGINE=***');
      expect(one).not.toContain('--clear-env-vars');
      await writeFixture({ environment: {}, cloudrun: { ...FIXTURE.cloudrun, secrets: {} } });
      const none = await dryRunArgv();
      expect(none).toContain('--clear-env-vars');
      expect(none).toContain('--clear-secrets');
      expect(none.filter((a) => a.startsWith('--set-') || a.startsWith('--update-') || a.startsWith('--remove-'))).toEqual([]);
      const { secrets: _, ...noSecrets } = FIXTURE.cloudrun;
      await writeFixture({ environment: undefined, cloudrun: noSecrets });
      expect(await dryRunArgv()).toEqual(expect.arrayContaining(['--clear-env-vars', '--clear-secrets']));
    } finally {
      await writeFixture();
    }
  });

  it('a variable in both environment and cloudrun.secrets is a usage error (exit 2) before gcloud runs', async () => {
    await writeFixture({ environment: { ...FIXTURE.environment, GEMINI_API_KEY: 'not-a-real-key-0123' } });
    try {
      for (const args of [['deploy', '--dry-run'], ['deploy']]) {
        const r = await svl(args, { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig } });
        expect(r.exitCode, r.all).toBe(2);
        expect(r.stderr.trim()).toBe(
          'svl: ocr-fixture: GEMINI_API_KEY is in both "environment" and "cloudrun.secrets" in svl.json — remove it from "environment" (Cloud Run takes a variable from one source)',
        );
        expect(r.all).not.toContain('not-a-real-key-0123');
      }
    } finally {
      await writeFixture();
    }
  });

  it('an environment name that looks like a secret is warned about (never its value), pointing at cloudrun.secrets', async () => {
    await writeFixture({ environment: { ...FIXTURE.environment, VISION_API_TOKEN: 'tok-0123456789' } });
    try {
      for (const json of [false, true]) {
        const r = await svl(['deploy', '--dry-run', ...(json ? ['--json'] : [])], { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig } });
        expect(r.exitCode, r.all).toBe(0);
        expect(r.stderr.trim()).toBe(
          'svl: warning: ocr-fixture: environment variable VISION_API_TOKEN looks like a secret — Cloud Run shows environment values to anyone who can view the service; store it in Secret Manager and map it in svl.json "cloudrun": { "secrets": { "VISION_API_TOKEN": "<secret-name>" } }',
        );
        expect(r.all).not.toContain('tok-0123456789');
        expect(r.stdout).toContain('VISION_API_TOKEN=***');
      }
    } finally {
      await writeFixture();
    }
  });

  it('cloudrun.serviceAccount must be a service account email (what --service-account takes)', async () => {
    expect(gcloudFlagHelp('--service-account')).toMatch(/the email address of an IAM service account/);
    await writeFixture({ cloudrun: { ...FIXTURE.cloudrun, serviceAccount: 'ocr-runtime' } });
    try {
      const r = await svl(['deploy', '--dry-run'], { cwd: project });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^svl: .*svl\.json: \/cloudrun\/serviceAccount must match pattern/);
    } finally {
      await writeFixture();
    }
  });

  it('--region overrides svl.json; false booleans use the --no- forms', async () => {
    await writeFixture({
      environment: { LIST: 'a,b' },
      cloudrun: { ...FIXTURE.cloudrun, cpuBoost: false, allowUnauthenticated: false },
    });
    try {
      const argv = await dryRunArgv(['--region', 'us-central1']);
      expect(argv.slice(argv.indexOf('--region'), argv.indexOf('--region') + 2)).toEqual(['--region', 'us-central1']);
      expect(argv).toContain('--no-cpu-boost');
      expect(argv).toContain('--no-allow-unauthenticated');
      expect(argv[argv.indexOf('--set-env-vars') + 1]).toBe('LIST=***');
    } finally {
      await writeFixture();
    }
  });

  it("every flag svl passes exists in the installed gcloud's own 'gcloud run deploy --help'", async () => {
    const argvs = [await dryRunArgv()];
    await writeFixture({ cloudrun: { ...FIXTURE.cloudrun, cpuBoost: false, allowUnauthenticated: false } });
    try {
      argvs.push(await dryRunArgv());
      await writeFixture({ environment: {}, cloudrun: { ...FIXTURE.cloudrun, secrets: {} } });
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
      /^gcloud run deploy ocr-fixture --source \. --region europe-west1 .* --set-env-vars 'OCR_ENGINE=\*\*\*,GEMINI_MODEL=\*\*\*' --set-secrets GEMINI_API_KEY=gemini-api-key:latest --allow-unauthenticated --format 'value\(status\.url\)' --quiet$/,
    );
    expect(r.all).not.toContain('gemini-2.5-flash-lite');
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

  it('runs gcloud run deploy in the project, streams its stderr without environment values, reports the URL; a gcloud failure is exit 1', async () => {
    // A Cloud Run deploy cannot run here (no Google account, no network), so this test puts a
    // stand-in gcloud first on PATH: it reports an active account, records the argv it was given
    // (one NUL-ended argument each), echoes a value on stderr as a careless error might, and prints
    // the URL on stdout as gcloud does under --format value(status.url). The argv it recorded is then
    // handed to the real gcloud below.
    const bin = await scratchDir('deploy-fake-gcloud');
    const argvFile = path.join(bin, 'argv');
    await writeFile(
      path.join(bin, 'gcloud'),
      [
        '#!/bin/sh',
        'if [ "$1" = auth ]; then echo \'[{"account": "dev@example.com", "status": "ACTIVE"}]\'; exit 0; fi',
        `printf '%s\\0' "$@" > '${argvFile}'`,
        'echo "cwd: $(pwd)" >&2',
        'echo "Deploying container to Cloud Run service [ocr-fixture]: GEMINI_MODEL=gemini-2.5-flash-lite" >&2',
        'echo "Service URL: https://ocr-fixture-abc-ew.a.run.app" >&2',
        'echo https://ocr-fixture-abc-ew.a.run.app',
        'exit "${FAKE_GCLOUD_EXIT:-0}"',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const recorded = async () => (await readFile(argvFile, 'utf8')).split('\0').slice(0, -1);
    await writeFixture({ environment: { ...FIXTURE.environment, LIST: 'a,b' } });
    try {
      const ok = await svl(['deploy'], { cwd: project, env });
      expect(ok.exitCode, ok.all).toBe(0);
      expect(ok.stdout).toBe('https://ocr-fixture-abc-ew.a.run.app');
      expect(ok.stderr).toContain('deploying as dev@example.com: gcloud run deploy ocr-fixture');
      expect(ok.stderr).toContain(`cwd: ${project}`);
      expect(ok.stderr).toContain('Service URL: https://ocr-fixture-abc-ew.a.run.app');
      expect(ok.stderr).toContain('[ocr-fixture]: GEMINI_MODEL=***');
      expect(ok.all).not.toContain('gemini-2.5-flash-lite');
      // gcloud itself got the values (a comma in one through gcloud's ^delimiter^ escaping); svl showed only ***.
      const argv = await recorded();
      const shown = await dryRunArgv();
      expect(argv[argv.indexOf('--set-env-vars') + 1]).toBe('^@^OCR_ENGINE=gemini@GEMINI_MODEL=gemini-2.5-flash-lite@LIST=a,b');
      expect(shown[shown.indexOf('--set-env-vars') + 1]).toBe('OCR_ENGINE=***,GEMINI_MODEL=***,LIST=***');
      expect(argv.filter((a) => !a.includes('='))).toEqual(shown.filter((a) => !a.includes('=')));

      const json = await svl(['deploy', '--json'], { cwd: project, env });
      expect(json.exitCode, json.all).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({
        dryRun: false,
        command: 'gcloud',
        service: 'ocr-fixture',
        region: 'europe-west1',
        account: 'dev@example.com',
        url: 'https://ocr-fixture-abc-ew.a.run.app',
      });
      expect(report.argv).toEqual(shown);
      expect(json.all).not.toContain('gemini-2.5-flash-lite');

      const failed = await svl(['deploy'], { cwd: project, env: { ...env, FAKE_GCLOUD_EXIT: '3' } });
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain('svl: gcloud run deploy exited with 3');
      expect(failed.all).not.toContain('gemini-2.5-flash-lite');

      // The real gcloud parses that exact argv (its flag groups allow the combination) and stops only
      // at the missing project: an argument error would be exit 2 with "argument --…".
      for (const patch of [{}, { environment: {}, cloudrun: { ...FIXTURE.cloudrun, secrets: {} } }]) {
        await writeFixture(patch);
        expect((await svl(['deploy'], { cwd: project, env })).exitCode).toBe(0);
        const real = await execa('gcloud', await recorded(), { cwd: project, env: { CLOUDSDK_CONFIG: emptyGcloudConfig }, reject: false, timeout: 120_000 });
        expect(real.stderr).toMatch(/The \[project\] resource is not properly specified/);
        expect(real.exitCode, real.stderr).toBe(1);
      }
    } finally {
      await writeFixture();
      await fs.remove(bin);
    }
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

  it.each(['go', 'rust'])(
    "the cloudrun-ocr README's (%s) secret setup: every gcloud command and flag exists, and the real gcloud parses them",
    async (lang) => {
      const source = await readFile(path.join(REPO_ROOT, 'templates', 'cloudrun-ocr', '_lang', lang, 'README.md.hbs'), 'utf8');
      const readme = Handlebars.compile(source, { noEscape: true, strict: true })({ name: `ocr-${lang}`, svlVersion: '0.0.0' });
      const section = readme.slice(readme.indexOf('## Deploy'), readme.indexOf('\n## ', readme.indexOf('## Deploy') + 1));
      const script = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
      const invocations = gcloudInvocations(script);
      const commands = [
        'secrets create',
        'secrets add-iam-policy-binding',
        'secrets versions add',
        'projects describe',
        'config get-value',
        'iam service-accounts create',
      ];
      for (const inv of invocations) {
        const command = commands.find((c) => inv.startsWith(`${c} `));
        expect(command, `a gcloud command this test knows: gcloud ${inv}`).toBeDefined();
        if (!helpFlags.has(command!)) {
          const help = await execa('gcloud', [...command!.split(' '), '--help'], { env: { CLOUDSDK_CONFIG: emptyGcloudConfig }, timeout: 120_000 });
          helpFlags.set(command!, parseHelpFlags(help.stdout));
        }
        const flags = [...inv.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
        expect(
          flags.filter((f) => !helpFlags.get(command!)!.has(f)),
          `gcloud ${inv}`,
        ).toEqual([]);
      }
      expect(invocations.filter((i) => i.startsWith('secrets create gemini-api-key --data-file=-'))).toHaveLength(1);
      expect(section).toContain('printf %s "$GEMINI_API_KEY" | gcloud secrets create gemini-api-key --data-file=-');
      expect(invocations.join('\n')).toMatch(
        /secrets add-iam-policy-binding gemini-api-key --member="serviceAccount:\$SERVICE_ACCOUNT" --role=roles\/secretmanager\.secretAccessor/,
      );
      // The template's own svl.json maps the same secret name.
      const svlJson = JSON.parse(
        Handlebars.compile(await readFile(path.join(REPO_ROOT, 'templates', 'cloudrun-ocr', '_lang', lang, 'svl.json.hbs'), 'utf8'), {
          noEscape: true,
          strict: true,
        })({
          name: `ocr-${lang}`,
          schemaUrl: 'x',
        }),
      );
      expect(svlJson.cloudrun.secrets).toEqual({ GEMINI_API_KEY: 'gemini-api-key' });

      // The script as written, run by sh with the real gcloud (no account, no project): every command must
      // get past gcloud's argument parser (exit 2 and "argument" would mean a bad flag or value) and stop
      // at the missing project. Each gcloud call reports its exit code through a wrapper function.
      const dir = await scratchDir(`readme-secrets-${lang}`);
      const wrapped = `gcloud() { command gcloud "$@"; echo "svl-test: gcloud $1 $2 exited $?" >&2; }\n${script}`;
      const r = await execa('sh', ['-c', wrapped], {
        cwd: dir,
        env: { CLOUDSDK_CONFIG: emptyGcloudConfig, GEMINI_API_KEY: 'fake-key', NEW_KEY: 'fake-key-2', PATH: process.env.PATH },
        extendEnv: false,
        reject: false,
        timeout: 300_000,
      });
      const exits = [...r.stderr.matchAll(/^svl-test: gcloud (\S+ \S+) exited (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(exits, r.stderr).toEqual([
        'secrets create 1',
        'config get-value 0',
        'projects describe 1',
        'secrets add-iam-policy-binding 1',
        'iam service-accounts 1',
        'secrets versions 1',
      ]);
      expect(r.stderr).not.toMatch(/unrecognized arguments|argument --|Invalid choice/);
      expect(r.stderr.match(/\[project\]/g)?.length, r.stderr).toBeGreaterThanOrEqual(4);
      await fs.remove(dir);
    },
  );
});
