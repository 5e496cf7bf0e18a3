import type { Io } from '../core/io.js';
import type { InvocationResult } from '../emulator/invocation.js';
import type { FunctionConfig, FunctionUrlAuth, Platform, Project } from '../project/project.js';
import type { Packaging } from '../toolchains/index.js';

/** What `svl deploy` did (or would do) for one function, for the reporter. */
export interface DeployOutcome {
  name: string;
  platform: Platform;
  /** The machine-readable report (`--json`). */
  report: Record<string, unknown>;
  /** The human lines. */
  text: string;
}

export interface DeployFlags {
  region?: string;
  profile?: string;
  role?: string;
  /** --function-url: beats svl.json's functionUrl (already resolved into each FunctionConfig). */
  functionUrl?: FunctionUrlAuth;
  /** --s3-bucket: likewise for s3Bucket. */
  s3Bucket?: string;
  alias?: string;
  endpointUrl?: string;
  dryRun: boolean;
  json: boolean;
  /** Take over a function or role of the same name that svl did not create. */
  adopt: boolean;
}

export interface DeployContext {
  io: Io;
  project: Project;
  flags: DeployFlags;
}

/** A function served by `svl dev`: its settings and its current host build. */
export interface DevFunction {
  fn: FunctionConfig;
  binary: string;
  /** The build is a debug build (REPORT numbers are not the release ones). */
  debug: boolean;
}

export interface DevContext {
  io: Io;
  project: Project;
  port: number;
  host: string;
  /** Environment every function gets on top of Lambda's own (host pass-through, --env-file). */
  extraEnv: Record<string, string>;
  log: (name: string, line: string) => void;
  say: (line: string) => void;
}

/** The functions of one platform, running under `svl dev`. */
export interface DevServer {
  /** Points a function at a new build. */
  swap(fn: DevFunction): Promise<void>;
  /** Applies new settings (svl.json edit): functions added, removed or changed. */
  reconfigure(project: Project, fns: DevFunction[]): Promise<void>;
  /** Invokes a function as the Invoke API does (the event sources svl dev runs); Lambda only. */
  invoke?(name: string, payload: Buffer): Promise<InvocationResult>;
  close(): Promise<void>;
}

/**
 * What differs between Lambda and Cloud Run — as Toolchain is for Rust and Go. Commands go through
 * this and never ask which platform a function is on.
 */
export interface Target {
  readonly platform: Platform;
  /** What one of its functions is called in messages: "Lambda function", "Cloud Run service". */
  readonly title: string;
  /** How its release binaries are built and packaged (Lambda zip, or the container's service). */
  readonly packaging: Packaging;
  /** Flags this platform does not take (a usage error names them). */
  readonly foreignDeployFlags: (keyof DeployFlags)[];
  /** `svl dev` flags this platform takes (others are usage errors when only it is served). */
  readonly devFlags: ('host' | 'concurrency')[];
  /** Ports `svl dev` needs for these functions, from its first port up. */
  devPorts(fns: FunctionConfig[]): number;
  /** The address `svl dev` serves these on, given --host. */
  devHost(requested: string): string;
  deploy(fns: FunctionConfig[], ctx: DeployContext): Promise<DeployOutcome[]>;
  dev(fns: DevFunction[], ctx: DevContext): Promise<DevServer>;
}
