import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SvlError, UsageError } from '../core/errors.js';
import { DEV_CONCURRENCY, LAMBDA_DEFAULTS } from './defaults.js';
import { matchesRoute, routeCovers } from './routes.js';
import {
  CONFIG_FILE,
  readSvlJson,
  type CloudRunService,
  type CloudRunSettings,
  type EventSource,
  type InvokeMode,
  type RelocationModel,
  type Route,
  type SizeBudgets,
  type SvlJson,
} from './svl-json.js';

export type Arch = 'arm64' | 'x86_64';
export type Language = 'rust' | 'go';
export type Platform = 'lambda' | 'cloudrun';
export type SizeValue = number | string;
export const ARCHES = ['arm64', 'x86_64'] as const;
/** svl deploy's function URL: AuthType AWS_IAM, AuthType NONE with the public permissions, or no URL. */
export type FunctionUrlAuth = 'iam' | 'public' | 'none';
export const FUNCTION_URL_AUTHS = ['iam', 'public', 'none'] as const;
/** The Lambda event shapes templates are generated for. */
export type Flavor = NonNullable<SvlJson['flavor']>;
/** A trigger with its name resolved: `name`, else `<function>-<type>-<n>` (n counts that type from 1). */
export type ResolvedEventSource = EventSource & { name: string };

/** One function (or Cloud Run service) of the project, every setting resolved: what commands work on. */
export interface FunctionConfig {
  name: string;
  platform: Platform;
  /** Undefined only for a prebuilt `artifact`, which nothing compiles. */
  language?: Language;
  /** The project root: where svl.json and .svl/ live. */
  root: string;
  /** The function's folder (absolute); the root for a single-function project. */
  dir: string;
  flavor?: Flavor;
  runtime: 'provided.al2023';
  arch: Arch;
  memory: number;
  timeout: number;
  /** Instances svl dev may run at once. */
  concurrency: number;
  region?: string;
  description?: string;
  environment: Record<string, string>;
  tags: Record<string, string>;
  size: SizeBudgets;
  cloudrun?: CloudRunSettings;
  /** A prebuilt bootstrap or zip (absolute), used instead of building. */
  artifact?: string;
  /** Lambda function URL auth; undefined: nothing says, an existing URL is kept as it is. */
  functionUrl?: FunctionUrlAuth;
  /** S3 bucket svl deploy uploads the zip through (needed over Lambda's 50 MB direct upload). */
  s3Bucket?: string;
  /** The function URL's invoke mode (default BUFFERED). */
  invokeMode: InvokeMode;
  /** Its triggers (SQS, schedules, S3), in svl.json's order. */
  events: ResolvedEventSource[];
  /**
   * Rust on Lambda: how the release bootstrap is linked (default "pie", which keeps ASLR); undefined
   * for Go and Cloud Run, which it does not apply to.
   */
  relocationModel?: RelocationModel;
  /** Rust: the cargo binary target. */
  bin?: string;
  /** Rust: the cargo package holding it. */
  package?: string;
  /** Cloud Run multi-container service: the ingress container's name (default "ingress"). */
  container?: string;
  /** Cloud Run: containers beside the ingress in the same instance, in svl.json's order. */
  sidecars: SidecarConfig[];
}

/** A Cloud Run sidecar container, every setting resolved. */
export interface SidecarConfig {
  /** The container's name (its key in svl.json). */
  name: string;
  language: Language;
  /** Its folder (absolute). */
  dir: string;
  bin?: string;
  /** It listens on 127.0.0.1:<port>; $PORT belongs to the ingress. */
  port: number;
  /** Its startup probe's HTTP path. */
  health: string;
  cpu?: string;
  memory?: string;
  environment: Record<string, string>;
  size: SizeBudgets;
}

export interface Project {
  root: string;
  /** The svl.json file. */
  file: string;
  name: string;
  /** Lambda functions, then Cloud Run services, in svl.json's order. */
  functions: FunctionConfig[];
  routes: Route[];
  /** The function bare function-URL paths reach when no route matches. */
  defaultFunction?: string;
  /** The function whose folder the command runs in, if any. */
  here?: string;
}

/** Values from flags or the environment that beat svl.json (resolved once, before any command runs). */
export interface Overrides {
  arch?: Arch;
  concurrency?: number;
  /** svl deploy --function-url. */
  functionUrl?: FunctionUrlAuth;
  /** svl deploy --s3-bucket. */
  s3Bucket?: string;
}

/** Walks up from `cwd` to the nearest svl.json, like cargo and git do for theirs. */
export async function findProjectFile(cwd: string): Promise<string> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE);
    const found = await stat(file).then(
      (s) => s,
      (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' || err.code === 'ENOTDIR' ? undefined : err),
    );
    if (found instanceof Error) throw new SvlError(`cannot read ${file} (${(found as NodeJS.ErrnoException).code ?? found.message}) — make it a readable file`);
    if (found) {
      if (!found.isFile()) throw new SvlError(`cannot read ${file} (EISDIR) — make it a readable file`);
      return file;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new SvlError(
    `no ${CONFIG_FILE} in ${cwd} or any folder above it — run svl inside a project, create one with 'svl new', or adopt an existing one with 'svl init'`,
  );
}

/** The environment's part of the precedence (flags > environment > svl.json > defaults). */
export function environmentOverrides(env: Record<string, string | undefined>): Overrides {
  const arch = env.SVL_ARCH;
  if (arch !== undefined && !(ARCHES as readonly string[]).includes(arch)) throw new UsageError(`SVL_ARCH='${arch}' — valid: ${ARCHES.join(', ')}`);
  return { arch: arch as Arch | undefined };
}

export interface LoadProjectOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** From flags: beat the environment and svl.json. */
  flags?: Overrides;
}

/** Finds, reads and resolves the project the command runs in. */
export async function loadProject(opts: LoadProjectOptions): Promise<Project> {
  const file = await findProjectFile(opts.cwd);
  const json = await readSvlJson(file);
  const overrides = { ...environmentOverrides(opts.env), ...definedOnly(opts.flags ?? {}) };
  return resolveProject(json, file, overrides, opts.cwd);
}

/** Lambda deploy settings: flag, then the function's entry, then the top-level default. */
function deploySettings(overrides: Overrides, ...layers: Pick<SvlJson, 'functionUrl' | 's3Bucket'>[]): Pick<FunctionConfig, 'functionUrl' | 's3Bucket'> {
  const functionUrl = overrides.functionUrl ?? layers.find((l) => l.functionUrl !== undefined)?.functionUrl;
  const s3Bucket = overrides.s3Bucket ?? layers.find((l) => l.s3Bucket !== undefined)?.s3Bucket;
  return { ...(functionUrl ? { functionUrl } : {}), ...(s3Bucket ? { s3Bucket } : {}) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** svl.json (validated) → the resolved project. Pure apart from nothing: exported for tests. */
export function resolveProject(json: SvlJson, file: string, overrides: Overrides = {}, cwd = path.dirname(file)): Project {
  const root = path.dirname(file);
  const many = json.functions !== undefined || json.services !== undefined;
  const inside = (rel: string, what: string) => {
    const dir = path.resolve(root, rel);
    const back = path.relative(root, dir);
    if (back.startsWith('..') || path.isAbsolute(back)) throw new SvlError(`${file}: ${what} '${rel}' is outside the project — keep it inside ${root}`);
    return dir;
  };
  const shared = {
    root,
    runtime: LAMBDA_DEFAULTS.runtime,
    region: json.region,
    description: json.description,
    sidecars: [] as SidecarConfig[],
  };
  const functions: FunctionConfig[] = [];
  if (!many) {
    functions.push({
      ...shared,
      name: json.name,
      platform: json.platform!,
      language: json.language,
      dir: root,
      flavor: json.flavor,
      arch: overrides.arch ?? json.arch ?? LAMBDA_DEFAULTS.arch,
      memory: json.memory ?? LAMBDA_DEFAULTS.memory,
      timeout: json.timeout ?? LAMBDA_DEFAULTS.timeout,
      concurrency: overrides.concurrency ?? json.concurrency ?? DEV_CONCURRENCY,
      environment: json.environment ?? {},
      tags: json.tags ?? {},
      size: json.size ?? {},
      cloudrun: json.cloudrun,
      artifact: json.artifact === undefined ? undefined : inside(json.artifact, 'artifact'),
      invokeMode: json.invokeMode ?? 'BUFFERED',
      relocationModel: relocationModelOf(file, 'relocationModel', json.language, json.relocationModel),
      events: resolveEvents(json.name, json.events),
      ...(json.platform === 'lambda' ? deploySettings(overrides, json) : {}),
    });
  } else {
    for (const field of ['language', 'flavor', 'artifact', 'cloudrun'] as const) {
      if (json[field] !== undefined) {
        throw new SvlError(
          `${file}: top-level "${field}" describes a single function, but this svl.json lists "functions"/"services" — move it into the function's entry`,
        );
      }
    }
    for (const [name, f] of Object.entries(json.functions ?? {})) {
      functions.push({
        ...shared,
        name,
        platform: 'lambda',
        language: f.language,
        dir: inside(f.path ?? path.posix.join('functions', name), `functions.${name}.path`),
        flavor: f.flavor,
        arch: overrides.arch ?? f.arch ?? json.arch ?? LAMBDA_DEFAULTS.arch,
        memory: f.memory ?? json.memory ?? LAMBDA_DEFAULTS.memory,
        timeout: f.timeout ?? json.timeout ?? LAMBDA_DEFAULTS.timeout,
        concurrency: overrides.concurrency ?? f.concurrency ?? json.concurrency ?? DEV_CONCURRENCY,
        description: f.description ?? json.description,
        environment: { ...json.environment, ...f.environment },
        tags: { ...json.tags, ...f.tags },
        size: { ...json.size, ...f.size },
        artifact: f.artifact === undefined ? undefined : inside(f.artifact, `functions.${name}.artifact`),
        bin: f.bin,
        package: f.package,
        invokeMode: f.invokeMode ?? json.invokeMode ?? 'BUFFERED',
        // The top-level value is a default for the Rust functions; only a Go function's own is an error.
        relocationModel: relocationModelOf(file, `functions.${name}.relocationModel`, f.language, f.relocationModel, json.relocationModel),
        events: resolveEvents(name, f.events),
        ...deploySettings(overrides, f, json),
      });
    }
    for (const [name, s] of Object.entries(json.services ?? {})) {
      if (json.functions?.[name]) throw new SvlError(`${file}: '${name}' is both a function and a service — give each its own name`);
      functions.push({
        ...shared,
        name,
        platform: 'cloudrun',
        language: s.language,
        dir: inside(s.path ?? path.posix.join('services', name), `services.${name}.path`),
        arch: overrides.arch ?? s.arch ?? json.arch ?? 'x86_64',
        memory: LAMBDA_DEFAULTS.memory,
        timeout: LAMBDA_DEFAULTS.timeout,
        concurrency: DEV_CONCURRENCY,
        environment: { ...json.environment, ...s.environment },
        tags: { ...json.tags },
        size: { ...json.size, ...s.size },
        cloudrun: s.cloudrun,
        bin: s.bin,
        invokeMode: 'BUFFERED',
        events: [],
        ...containersOf(file, name, s, inside),
      });
    }
  }
  const lambdas = functions.filter((f) => f.platform === 'lambda');
  const triggers = new Map<string, string>();
  for (const f of lambdas) {
    for (const e of f.events) {
      const other = triggers.get(e.name);
      if (other !== undefined) throw new SvlError(`${file}: two triggers are named '${e.name}' (functions ${other} and ${f.name}) — give each its own "name"`);
      triggers.set(e.name, f.name);
    }
  }
  const routes = json.routes ?? [];
  routes.forEach((r, i) => {
    const target = functions.find((f) => f.name === r.function);
    if (!target) throw new SvlError(`${file}: routes[${i}] (${r.method ?? 'ANY'} ${r.path}) names no function '${r.function}' — functions: ${names(lambdas)}`);
    if (target.platform !== 'lambda')
      throw new SvlError(`${file}: routes[${i}] names '${r.function}', a Cloud Run service — routes reach Lambda functions only`);
    const earlier = routes.findIndex((e, j) => j < i && routeCovers(e, r));
    if (earlier !== -1) {
      const e = routes[earlier]!;
      throw new SvlError(
        `${file}: routes[${i}] (${r.method ?? 'ANY'} ${r.path}) overlaps routes[${earlier}] (${e.method ?? 'ANY'} ${e.path}), which matches every request it would get — remove it or put the more specific route first`,
      );
    }
  });
  let defaultFunction = json.default;
  if (defaultFunction !== undefined && !lambdas.some((f) => f.name === defaultFunction)) {
    throw new SvlError(`${file}: "default" names no Lambda function '${defaultFunction}' — functions: ${names(lambdas)}`);
  }
  defaultFunction ??= lambdas.length === 1 ? lambdas[0]!.name : lambdas.find((f) => f.dir === root)?.name;
  return { root, file, name: json.name, functions, routes, defaultFunction, here: functionHere(functions, root, cwd) };
}

/** A multi-container service's ingress name and its sidecars; ports must not collide with each other. */
function containersOf(
  file: string,
  service: string,
  s: CloudRunService,
  inside: (p: string, field: string) => string,
): Pick<FunctionConfig, 'container' | 'sidecars'> {
  const entries = Object.entries(s.sidecars ?? {});
  if (entries.length === 0) return { container: s.container, sidecars: [] };
  const container = s.container ?? 'ingress';
  const ports = new Map<number, string>();
  const sidecars = entries.map(([name, c]): SidecarConfig => {
    const field = `services.${service}.sidecars.${name}`;
    if (name === container) throw new SvlError(`${file}: ${field} has the ingress container's name '${container}' — give the sidecar its own name`);
    const other = ports.get(c.port);
    if (other !== undefined) throw new SvlError(`${file}: ${field}.port ${c.port} is also sidecar ${other}'s — give each sidecar its own port`);
    ports.set(c.port, name);
    return {
      name,
      language: c.language,
      dir: inside(c.path, `${field}.path`),
      bin: c.bin,
      port: c.port,
      health: c.health ?? '/healthz',
      cpu: c.cpu,
      memory: c.memory,
      environment: { ...c.environment },
      size: { ...c.size },
    };
  });
  return { container, sidecars };
}

/**
 * A Rust function's relocation model (default "pie"). Go links fixed-address executables already,
 * so a Go function that sets one is told so rather than left believing it took effect.
 */
function relocationModelOf(
  file: string,
  field: string,
  language: Language | undefined,
  own: RelocationModel | undefined,
  fallback?: RelocationModel,
): RelocationModel | undefined {
  if (language === 'go' && own !== undefined) {
    throw new SvlError(`${file}: "${field}" applies to Rust functions only — remove it (Go's Lambda builds are already fixed-address executables)`);
  }
  return language === 'rust' ? (own ?? fallback ?? 'pie') : undefined;
}

function resolveEvents(fn: string, events: EventSource[] | undefined): ResolvedEventSource[] {
  const counts = new Map<string, number>();
  return (events ?? []).map((e) => {
    const n = (counts.get(e.type) ?? 0) + 1;
    counts.set(e.type, n);
    return { ...e, name: e.name ?? `${fn}-${e.type}-${n}` };
  });
}

/** The function whose folder holds `cwd` (the deepest one), unless that folder is the project root of a many-function project. */
function functionHere(functions: FunctionConfig[], root: string, cwd: string): string | undefined {
  const abs = path.resolve(cwd);
  const holding = functions
    .filter((f) => abs === f.dir || abs.startsWith(f.dir + path.sep))
    .sort((a, b) => b.dir.length - a.dir.length)
    .filter((f) => f.dir !== root || functions.length === 1);
  return holding[0]?.name;
}

const names = (fns: FunctionConfig[]) => fns.map((f) => f.name).join(', ') || '(none)';

export interface SelectOptions {
  /** --function values (repeatable). */
  names?: string[];
  /** Only these platforms may be chosen (e.g. invoke: lambda). */
  platforms?: Platform[];
}

/**
 * What a command works on: the --function names; else the function whose folder the command runs
 * in; else every function. Unknown names are usage errors listing the valid ones.
 */
export function selectFunctions(project: Project, opts: SelectOptions = {}): FunctionConfig[] {
  const pool = opts.platforms ? project.functions.filter((f) => opts.platforms!.includes(f.platform)) : project.functions;
  if (opts.names && opts.names.length > 0) {
    const picked: FunctionConfig[] = [];
    for (const n of opts.names) {
      const f = pool.find((p) => p.name === n);
      if (!f) throw new UsageError(`unknown --function '${n}' — ${project.file} has: ${names(pool)}`);
      if (!picked.includes(f)) picked.push(f);
    }
    return picked;
  }
  const here = pool.find((f) => f.name === project.here);
  return here ? [here] : pool;
}

/** The one function a single-target command (invoke) works on. */
export function selectOne(project: Project, name: string | undefined, platforms: Platform[] = ['lambda']): FunctionConfig {
  const pool = project.functions.filter((f) => platforms.includes(f.platform));
  const chosen = name ?? project.here ?? (pool.length === 1 ? pool[0]!.name : project.defaultFunction);
  if (chosen === undefined) throw new UsageError(`this project has ${pool.length} functions — pass --function <name> (one of: ${names(pool)})`);
  const f = pool.find((p) => p.name === chosen);
  if (!f) {
    const other = project.functions.find((p) => p.name === chosen);
    if (other)
      throw new UsageError(
        `'${chosen}' is a ${other.platform === 'cloudrun' ? 'Cloud Run service' : 'Lambda function'} — this command works on: ${names(pool)}`,
      );
    throw new UsageError(`unknown --function '${chosen}' — ${project.file} has: ${names(pool)}`);
  }
  return f;
}

export { matchesRoute };
