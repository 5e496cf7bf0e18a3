import path from 'node:path';
import { SvlError } from '../core/errors.js';
import type { Arch, Flavor } from '../project/project.js';
import { INSTALL_HINTS, runTool } from '../toolchains/run-tool.js';
import { type DetectedFunction, type Detection, relPath } from './detected.js';
import { cleanEnvironment, cleanMemory, cleanTimeout } from './settings.js';

// The parts of `cargo metadata --format-version 1` we read.
interface CargoMetadata {
  packages: CargoPackage[];
  workspace_root: string;
  /** [workspace.metadata] */
  metadata?: unknown;
}
interface CargoPackage {
  name: string;
  manifest_path: string;
  dependencies: { name: string; kind: string | null; features?: string[]; uses_default_features?: boolean }[];
  targets: { name: string; kind: string[] }[];
  /** [package.metadata] */
  metadata?: unknown;
}

// cargo-lambda's configuration in Cargo.toml (https://www.cargo-lambda.info/guide/configuration.html):
// [package.metadata.lambda.deploy] memory, timeout, env, env_file; [package.metadata.lambda.env]
// (watch); [package.metadata.lambda.build] arm64 / x86_64 / target; the same per binary under
// [package.metadata.lambda.bin.<name>]; [workspace.metadata.lambda] under all of them.
interface LambdaSection {
  deploy?: { memory?: unknown; timeout?: unknown; env?: unknown; env_file?: unknown };
  env?: unknown;
  build?: { arm64?: unknown; x86_64?: unknown; 'x86-64'?: unknown; target?: unknown };
}

const RUNTIME_CRATES = ['lambda_runtime', 'lambda_http'];
// aws_lambda_events features that name a trigger flavour. EventBridge is not here: its events are
// not only schedules.
const TRIGGER_FEATURES = ['sqs', 's3', 'dynamodb'] as const satisfies readonly Flavor[];

/**
 * cargo-lambda projects: every bin target of a package that depends on lambda_runtime or
 * lambda_http is one function. `cargo metadata --no-deps` reads the manifests only: no lockfile,
 * no registry, nothing written.
 */
export async function detectCargo(root: string, manifests: string[]): Promise<Detection> {
  const detection: Detection = { functions: [], skipped: [] };
  const seen = new Set<string>();
  for (const manifest of manifests) {
    if (seen.has(manifest)) continue;
    const rel = relPath(root, manifest);
    let meta: CargoMetadata;
    try {
      meta = await cargoMetadata(path.dirname(manifest));
    } catch (err) {
      if ((err as Error).message === INSTALL_HINTS.cargo) {
        throw new SvlError(`found ${rel} but cargo is not installed — install Rust from https://rustup.rs, then rerun svl init`);
      }
      detection.skipped.push(`skipped ${rel}: ${(err as Error).message.replace(/ — fix the error above and run again$/, '')}`);
      seen.add(manifest);
      continue;
    }
    seen.add(manifest);
    for (const pkg of meta.packages) {
      if (seen.has(pkg.manifest_path) && pkg.manifest_path !== manifest) continue;
      seen.add(pkg.manifest_path);
      const dir = path.dirname(pkg.manifest_path);
      const pkgRel = relPath(root, dir);
      const runtimes = pkg.dependencies.filter((d) => d.kind === null && RUNTIME_CRATES.includes(d.name)).map((d) => d.name);
      if (runtimes.length === 0) continue;
      if (pkgRel.startsWith('..') || path.isAbsolute(pkgRel)) {
        detection.skipped.push(`skipped package ${pkg.name}: it is outside ${root}`);
        continue;
      }
      const bins = pkg.targets.filter((t) => t.kind.includes('bin'));
      if (bins.length === 0) detection.skipped.push(`skipped package ${pkg.name} (${pkgRel}): it depends on ${runtimes.join(', ')} but has no binary`);
      const trigger = bins.length === 1 ? triggerFlavor(pkg) : undefined;
      for (const bin of bins) detection.functions.push(binFunction(pkg, bin.name, pkgRel, runtimes, meta.metadata, trigger));
    }
  }
  return detection;
}

async function cargoMetadata(cwd: string): Promise<CargoMetadata> {
  const lines = await runTool('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], {
    cwd,
    what: 'cargo metadata failed',
    captureStdout: true,
  });
  return JSON.parse(lines.join('\n')) as CargoMetadata;
}

/**
 * sqs, s3 or dynamodb when the package takes aws_lambda_events with exactly that one trigger
 * feature and no default features (as the templates do); otherwise no guess.
 */
function triggerFlavor(pkg: CargoPackage): Flavor | undefined {
  const events = pkg.dependencies.find((d) => d.kind === null && d.name === 'aws_lambda_events');
  if (events?.uses_default_features !== false) return undefined;
  const found = TRIGGER_FEATURES.filter((f) => events.features?.includes(f));
  return found.length === 1 ? found[0] : undefined;
}

function binFunction(
  pkg: CargoPackage,
  bin: string,
  pkgRel: string,
  runtimes: string[],
  workspaceMeta: unknown,
  trigger: Flavor | undefined,
): DetectedFunction {
  const notes: string[] = [];
  // Lowest first: workspace, package, binary.
  const pkgLambda = lambdaOf(pkg.metadata);
  const sections: [string, LambdaSection | undefined][] = [
    ['workspace.metadata.lambda', lambdaOf(workspaceMeta)],
    ['package.metadata.lambda', pkgLambda],
    [`package.metadata.lambda.bin.${bin}`, record(record(pkgLambda)?.bin)?.[bin] as LambdaSection | undefined],
  ];
  let memory: number | undefined;
  let timeout: number | undefined;
  let environment: Record<string, string> = {};
  let arch: Arch | undefined;
  let archFrom: string | undefined;
  const from = new Set<string>();
  for (const [where, s] of sections) {
    if (!s) continue;
    const deploy = JSON.stringify([memory, timeout, environment]);
    memory = cleanMemory(s.deploy?.memory, `[${where}.deploy] memory`, notes) ?? memory;
    timeout = cleanTimeout(s.deploy?.timeout, `[${where}.deploy] timeout`, notes) ?? timeout;
    environment = { ...environment, ...cleanEnvironment(s.deploy?.env, `[${where}.deploy] env`, notes) };
    if (JSON.stringify([memory, timeout, environment]) !== deploy) from.add(`[${where}.deploy]`);
    const watchEnv = cleanEnvironment(s.env, `[${where}.env]`, notes);
    if (Object.keys(watchEnv).length > 0) from.add(`[${where}.env]`);
    // deploy.env is what the deployed function gets, so it wins over the watch-time [*.env].
    environment = { ...watchEnv, ...environment };
    if (typeof s.deploy?.env_file === 'string') {
      notes.push(`env_file ${s.deploy.env_file} ([${where}.deploy]) was not copied — add the variables svl dev needs to "environment"`);
    }
    const a = buildArch(s.build);
    if (a) [arch, archFrom] = [a, `[${where}.build]`];
  }
  const http = runtimes.includes('lambda_http');
  const settings = [
    memory !== undefined ? `memory ${memory}` : '',
    timeout !== undefined ? `timeout ${timeout}` : '',
    Object.keys(environment).length > 0 ? `${Object.keys(environment).length} env var(s)` : '',
  ].filter(Boolean);
  return {
    name: bin === 'bootstrap' ? pkg.name : bin,
    qualifier: pkg.name,
    kind: 'rust',
    path: pkgRel,
    language: 'rust',
    flavor: http ? 'http' : (trigger ?? 'event'),
    arch,
    archFrom,
    memory,
    timeout,
    environment: Object.keys(environment).length > 0 ? environment : undefined,
    bin,
    package: pkg.name,
    evidence: `package ${pkg.name}, bin ${bin}, depends on ${runtimes.join(' and ')}${!http && trigger ? ` and aws_lambda_events/${trigger}` : ''}`,
    settings: settings.length > 0 ? `${settings.join(', ')} from ${[...from].join(' and ')}` : undefined,
    notes,
  };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function lambdaOf(metadata: unknown): LambdaSection | undefined {
  return record(record(metadata)?.lambda) as LambdaSection | undefined;
}

/** cargo-lambda's build settings name the architecture as flags (`arm64 = true`) or a target triple. */
function buildArch(build: LambdaSection['build']): Arch | undefined {
  if (!build) return undefined;
  if (build.arm64 === true) return 'arm64';
  if (build.x86_64 === true || build['x86-64'] === true) return 'x86_64';
  if (typeof build.target === 'string') {
    if (build.target.startsWith('aarch64')) return 'arm64';
    if (build.target.startsWith('x86_64')) return 'x86_64';
  }
  return undefined;
}
