import path from 'node:path';
import type { Arch, Flavor, Language } from '../project/project.js';

/** One Lambda function a detector found in an existing project, before names are made unique. */
export interface DetectedFunction {
  /** Proposed function name (may collide with another detector's; the planner resolves that). */
  name: string;
  /** Prefix that tells two equal names apart: the cargo package, the Go module, or 'prebuilt'. */
  qualifier: string;
  /** What was found, for the "found" line: "rust", "go", "prebuilt". */
  kind: 'rust' | 'go' | 'prebuilt';
  /** The function's folder relative to the project root, POSIX separators; '.' for the root. */
  path: string;
  language?: Language;
  flavor?: Flavor;
  arch?: Arch;
  /** Where arch came from ("[package.metadata.lambda.build]", "its ELF header"); unset when arch is unset. */
  archFrom?: string;
  memory?: number;
  timeout?: number;
  environment?: Record<string, string>;
  /** Prebuilt bootstrap or zip, relative to the root. */
  artifact?: string;
  bin?: string;
  package?: string;
  /** Why this is a Lambda function, for the "found" line: "lambda_http, bin bootstrap". */
  evidence: string;
  /** Settings read from the project, for the "found" line: "memory 512, timeout 30 from [package.metadata.lambda.deploy]". */
  settings?: string;
  /** Things the user should know about this function (a value left out, an env file not copied). */
  notes: string[];
}

/** What a detector returns: the functions, and files it looked at but did not adopt (one line each). */
export interface Detection {
  functions: DetectedFunction[];
  skipped: string[];
}

/** Relative POSIX path from root to target; '.' for the root itself. */
export function relPath(root: string, target: string): string {
  const rel = path.relative(root, target);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}
