import type { Arch, FunctionConfig, Language } from '../project/project.js';

/** What the binary is for: a Lambda `bootstrap` (Go: lambda.norpc) or a Cloud Run container's service. */
export type Packaging = 'lambda' | 'container';

export interface BuildRequest {
  fn: FunctionConfig;
  arch: Arch;
  packaging: Packaging;
  /** Each line of compiler output as it arrives (progress display). */
  onOutput?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/** The file name of a release binary: Lambda runs `bootstrap`; a container runs the service by its name. */
export const binaryName = (req: Pick<BuildRequest, 'fn' | 'packaging'>) => (req.packaging === 'lambda' ? 'bootstrap' : req.fn.name);

export type DevBuildRequest = Omit<BuildRequest, 'arch' | 'packaging'> & { release?: boolean };

export interface BuildResult {
  fn: FunctionConfig;
  /** The built executable. */
  binaryPath: string;
}

export interface SizeEntry {
  /** A Rust crate or Go package, an ELF section (its bytes no symbol accounts for), or part of the file layout. */
  name: string;
  bytes: number;
  /** `crate`/`package`: symbol bytes; `section`: the rest of a section; `file`: headers and padding. */
  kind: 'crate' | 'package' | 'section' | 'file';
}

/** Every byte of one binary, by owner and by section: `rows` sum to `fileBytes`. */
export interface SizeBreakdown {
  /** Which binary was measured (the unstripped build: the shipped one has no symbols to read). */
  binary: string;
  fileBytes: number;
  /** Bytes of the executable code section (.text) — what cargo-bloat's percentages are of. */
  textBytes: number;
  rows: SizeEntry[];
  /** How the owners were decided and where that differs from the usual tool (cargo-bloat, go tool nm). */
  method: string;
}

/**
 * The files that decide a function's binary: staleness hashes them, `svl dev` rebuilds a function
 * when one of them changes. Paths are absolute.
 */
export interface BuildInputs {
  /** Folders whose source files count, with every subfolder (Rust packages). */
  trees: string[];
  /** Folders whose source files count, without subfolders (Go packages). */
  dirs: string[];
  /** Subfolders of `trees` that belong to something else (other packages, target/). */
  exclude: string[];
  /** Single files (manifests, lock files, toolchain pins). */
  files: string[];
  /** Which file names in trees/dirs are sources. */
  isSource(basename: string): boolean;
}

/**
 * What differs between Rust and Go. Everything else (zips, ELF checks, budgets, the emulator,
 * deploy) is written once against this interface. Builds take many functions at once, so a
 * cargo workspace compiles in one invocation.
 */
export interface Toolchain {
  readonly language: Language;
  /** Optimized Linux builds for the target arch (Lambda / Cloud Run). */
  build(reqs: BuildRequest[]): Promise<BuildResult[]>;
  /** Fast builds for the host, used by `svl dev` and its hot rebuild. */
  devBuild(reqs: DevBuildRequest[]): Promise<BuildResult[]>;
  /** The function's own tests. */
  test(req: DevBuildRequest): Promise<void>;
  /** Where the bytes of an optimized binary come from, largest first. */
  sizeBreakdown(req: BuildRequest): Promise<SizeBreakdown>;
  /** The files that decide the function's binary. */
  inputs(fn: FunctionConfig, env?: Record<string, string | undefined>): Promise<BuildInputs>;
}
