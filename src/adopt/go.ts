import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { Flavor } from '../project/project.js';
import { INSTALL_HINTS, runTool } from '../toolchains/run-tool.js';
import { type DetectedFunction, type Detection, relPath } from './detected.js';
import { inSkippedDir } from './walk.js';

const LAMBDA_PKG = 'github.com/aws/aws-lambda-go/lambda';
const LAMBDAURL_PKG = 'github.com/aws/aws-lambda-go/lambdaurl';
const EVENTS_PKG = 'github.com/aws/aws-lambda-go/events';
// Event types that mean the function answers HTTP (function URL / API Gateway HTTP API payload 2.0).
const HTTP_EVENTS = /\b(APIGatewayV2HTTPRequest|LambdaFunctionURLRequest)\b/;
// Event types that name a trigger flavour; EventBridge events are left out (not only schedules).
const TRIGGER_EVENTS = { sqs: /\bSQSEvent\b/, s3: /\bS3Event\b/, dynamodb: /\bDynamoDBEvent\b/ } as const satisfies Partial<Record<Flavor, RegExp>>;

interface GoPackage {
  dir: string;
  name: string;
  imports: string[];
  goFiles: string[];
}

/**
 * Go Lambda modules: main packages of each module that import aws-lambda-go's lambda (or
 * lambdaurl) package and call its Start. `go list -e` reads the sources only: with GOPROXY=off and
 * -mod=readonly it downloads nothing and edits neither go.mod nor go.sum.
 */
export async function detectGo(root: string, goMods: string[]): Promise<Detection> {
  const detection: Detection = { functions: [], skipped: [] };
  for (const goMod of goMods) {
    const moduleDir = path.dirname(goMod);
    const modulePath = /^module\s+"?([^\s"]+)"?/m.exec(await readFile(goMod, 'utf8'))?.[1];
    if (!modulePath) {
      detection.skipped.push(`skipped ${relPath(root, goMod)}: it has no module line`);
      continue;
    }
    let packages: GoPackage[];
    try {
      packages = await goList(moduleDir);
    } catch (err) {
      if ((err as Error).message === INSTALL_HINTS.go) {
        throw new SvlError(`found ${relPath(root, goMod)} but go is not installed — install Go from https://go.dev/dl, then rerun svl init`);
      }
      detection.skipped.push(`skipped ${relPath(root, goMod)}: ${(err as Error).message.replace(/ — fix the error above and run again$/, '')}`);
      continue;
    }
    for (const pkg of packages) {
      if (pkg.name !== 'main' || inSkippedDir(path.relative(moduleDir, pkg.dir))) continue;
      const usesLambda = pkg.imports.includes(LAMBDA_PKG);
      const usesLambdaUrl = pkg.imports.includes(LAMBDAURL_PKG);
      if (!usesLambda && !usesLambdaUrl) continue;
      const sources = await Promise.all(pkg.goFiles.map((f) => readFile(path.join(pkg.dir, f), 'utf8')));
      const call = sources.map((src) => startCall(src, usesLambda, usesLambdaUrl)).find(Boolean);
      const rel = relPath(root, pkg.dir);
      if (!call) {
        detection.skipped.push(`skipped ${rel}: it imports aws-lambda-go but never calls lambda.Start`);
        continue;
      }
      const http = usesLambdaUrl || (pkg.imports.includes(EVENTS_PKG) && sources.some((src) => HTTP_EVENTS.test(src)));
      const triggers = pkg.imports.includes(EVENTS_PKG)
        ? (Object.keys(TRIGGER_EVENTS) as (keyof typeof TRIGGER_EVENTS)[]).filter((f) => sources.some((src) => TRIGGER_EVENTS[f].test(src)))
        : [];
      const flavor: Flavor = http ? 'http' : triggers.length === 1 && triggers[0] ? triggers[0] : 'event';
      detection.functions.push(goFunction(pkg, rel, moduleDir, modulePath, call, flavor));
    }
  }
  return detection;
}

async function goList(moduleDir: string): Promise<GoPackage[]> {
  const lines = await runTool('go', ['list', '-e', '-f', '{{.Dir}}\t{{.Name}}\t{{join .Imports " "}}\t{{join .GoFiles " "}}', './...'], {
    cwd: moduleDir,
    // Only the sources are read: no module downloads, no toolchain switch, no go.work of a parent folder.
    env: { GOPROXY: 'off', GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local', GOWORK: 'off' },
    what: 'go list failed',
    captureStdout: true,
  });
  return lines
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [dir = '', name = '', imports = '', goFiles = ''] = l.split('\t');
      return { dir, name, imports: imports.split(' ').filter(Boolean), goFiles: goFiles.split(' ').filter(Boolean) };
    });
}

/** The Start call a source file makes ("lambda.Start"), under whatever name it imports the package as. */
function startCall(src: string, usesLambda: boolean, usesLambdaUrl: boolean): string | undefined {
  const candidates: [string, RegExp][] = [];
  if (usesLambda) for (const alias of importNames(src, LAMBDA_PKG, 'lambda')) candidates.push([alias, new RegExp(`\\b${alias}\\.(Start|StartWithOptions)\\(`)]);
  if (usesLambdaUrl) for (const alias of importNames(src, LAMBDAURL_PKG, 'lambdaurl')) candidates.push([alias, new RegExp(`\\b${alias}\\.(Start)\\(`)]);
  for (const [alias, re] of candidates) {
    const m = re.exec(src);
    if (m) return `${alias}.${m[1]}`;
  }
  return undefined;
}

/** The names a file refers to an imported package by: its alias, else the default name. */
function importNames(src: string, pkg: string, defaultName: string): string[] {
  const names = [...src.matchAll(new RegExp(`(?:^|[\\s(])([A-Za-z_][A-Za-z0-9_]*\\s+)?"${pkg.replace(/[/.]/g, '\\$&')}"`, 'gm'))].map((m) =>
    m[1] && m[1].trim() !== 'import' ? m[1].trim() : defaultName,
  );
  return names.filter((n) => n !== '_' && n !== '.');
}

function goFunction(pkg: GoPackage, rel: string, moduleDir: string, modulePath: string, call: string, flavor: Flavor): DetectedFunction {
  const moduleName = lastElement(modulePath);
  return {
    name: pkg.dir === moduleDir ? moduleName : path.basename(pkg.dir),
    qualifier: moduleName,
    kind: 'go',
    path: rel,
    language: 'go',
    flavor,
    evidence: `module ${modulePath}, main package calls ${call}${flavor === 'http' ? ', HTTP events' : flavor !== 'event' ? `, ${flavor} events` : ''}`,
    notes: [],
  };
}

/** github.com/acme/orders/v2 → orders (a major-version suffix is not a name). */
function lastElement(modulePath: string): string {
  const parts = modulePath.split('/');
  const last = parts.at(-1)!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts.at(-2)! : last;
}
