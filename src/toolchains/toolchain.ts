import type { Arch, Language } from '../config/svl-config.js';

export interface BuildRequest {
  projectDir: string;
  /** svl.json's name: the binary the project builds. */
  name: string;
  arch: Arch;
  /** Each line of compiler output as it arrives (progress display). */
  onOutput?: (line: string) => void;
  env?: Record<string, string | undefined>;
}

export interface BuildResult {
  /** The built executable (named bootstrap for Lambda artifacts). */
  binaryPath: string;
}

export interface SizeEntry {
  /** Rust crate or Go package the bytes are attributed to. */
  name: string;
  bytes: number;
}

/**
 * What differs between Rust and Go. Everything else (zips, ELF checks, budgets, the emulator,
 * deploy) is written once against this interface.
 */
export interface Toolchain {
  readonly language: Language;
  /** Optimized Linux build for the target arch (Lambda / Cloud Run). */
  build(req: BuildRequest): Promise<BuildResult>;
  /** Fast build for the host, used by `svl dev` and its hot rebuild. */
  devBuild(req: Omit<BuildRequest, 'arch'> & { release?: boolean }): Promise<BuildResult>;
  /** The project's own tests. */
  test(req: Omit<BuildRequest, 'arch'>): Promise<void>;
  /** Where the bytes of an optimized binary come from, largest first. */
  sizeBreakdown(req: BuildRequest): Promise<SizeEntry[]>;
  /** Globs (relative to the project) that hold sources; watched by `svl dev`. */
  readonly sourceGlobs: readonly string[];
}
