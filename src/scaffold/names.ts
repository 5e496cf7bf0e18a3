import { UsageError } from '../core/errors.js';
import type { Language, Platform } from '../project/project.js';

// A project name becomes several identifiers at once; each check below names the identifier it
// protects so the error says what is allowed and why.

const LAMBDA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
// Cloud Run service names (also what gcloud accepts as a Cloud Run service id).
const CLOUD_RUN_SERVICE = /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;

// Rust keywords (strict, reserved, and edition-2024 `gen`) and the names cargo refuses for a package:
// built-in crates, its own artifact directories, and Windows device names.
const RUST_KEYWORDS = new Set(
  (
    'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut ' +
    'pub ref return self Self static struct super trait true type unsafe use where while abstract become box do final ' +
    'gen macro override priv try typeof unsized virtual yield'
  ).split(' '),
);
const CARGO_RESERVED = new Set(['test', 'std', 'core', 'alloc', 'proc_macro', 'proc-macro', 'deps', 'examples', 'build', 'incremental']);
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;
// Words the go command gives a meaning of its own in package patterns.
const GO_RESERVED = new Set(['std', 'cmd', 'all']);

/** Returns why `name` cannot be used, or undefined when it can. */
export function nameProblem(name: string, platform: Platform, language: Language): string | undefined {
  if (platform === 'lambda' && !LAMBDA_NAME.test(name)) {
    return `'${name}' is not a valid Lambda function name: use 1-64 of A-Z a-z 0-9 - _`;
  }
  if (platform === 'cloudrun' && !CLOUD_RUN_SERVICE.test(name)) {
    return `'${name}' is not a valid Cloud Run service name: use 1-49 of a-z 0-9 -, starting with a letter and not ending with -`;
  }
  if (language === 'rust') {
    if (!/^[A-Za-z]/.test(name)) return `'${name}' is not a valid Rust crate name: it must start with a letter`;
    if (RUST_KEYWORDS.has(name)) return `'${name}' is a Rust keyword and cannot be a crate name`;
    if (CARGO_RESERVED.has(name.toLowerCase())) return `'${name}' is reserved by cargo and cannot be a crate name`;
    if (WINDOWS_DEVICES.test(name)) return `'${name}' is a Windows device name and cannot be a crate name`;
  }
  if (language === 'go') {
    if (name.startsWith('-')) return `'${name}' is not a valid Go module path: it cannot start with -`;
    if (GO_RESERVED.has(name)) return `'${name}' is reserved by the go command and cannot be a module path`;
    if (WINDOWS_DEVICES.test(name)) return `'${name}' is a Windows device name and cannot be a Go module path`;
  }
  return undefined;
}

export function assertValidName(name: string, platform: Platform, language: Language): string {
  const problem = nameProblem(name, platform, language);
  if (problem) throw new UsageError(`${problem} — choose another --name`);
  return name;
}

/** The default name: the directory's basename, lower-cased, with anything not allowed turned into '-'. */
export function nameFromDirectory(dir: string): string {
  const base =
    dir
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return base
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 49)
    .replace(/[-_]+$/, '');
}
