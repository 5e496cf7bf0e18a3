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
// Module paths the go command refuses or gives a meaning of its own, each checked by hand with
// `go mod init <name>`, then `go build`, `go vet` and `go test ./...` on a generated go-lambda
// project (go 1.26): `std`, `cmd`, `all`, `tool`, `work` are package patterns ("is not an
// importable package"); `go` and `toolchain` are "invalid module path" (reserved for toolchain
// switching); `builtin` and `C` collide with the pseudo-packages ("ambiguous import" / "unknown
// import path"); `main` builds but `go test` fails ("could not import main").
const GO_RESERVED = new Map([
  ['std', 'is reserved by the go command (a package pattern)'],
  ['cmd', 'is reserved by the go command (a package pattern)'],
  ['all', 'is reserved by the go command (a package pattern)'],
  ['tool', 'is reserved by the go command (a package pattern)'],
  ['work', 'is reserved by the go command (a package pattern)'],
  ['go', 'is reserved by the go command (go.mod rejects it as a module path)'],
  ['toolchain', 'is reserved by the go command (go.mod rejects it as a module path)'],
  ['builtin', 'is reserved by the go command (a pseudo-package)'],
  ['C', 'is reserved by the go command (the cgo pseudo-package)'],
  ['main', "is reserved by the go command ('go test' cannot import a package named main)"],
]);
// Standard-library packages whose import path is one element, from `go list std | grep -v /`
// (go 1.26.8). A module with one of these paths does not build ("ambiguous import"), and a case
// variant (`Fmt`, `Net`) fails too ("case-insensitive import collision"), so they are compared in
// lower case. First elements that are not packages themselves (`crypto/…` is, `debug/…`,
// `database/…`, `index/…`, `internal/…`, `vendor/…` are not) build and test fine, so they are allowed.
// A project name has no '/', so only one-element paths can clash.
export const GO_STD_PACKAGES: ReadonlySet<string> = new Set(
  (
    'bufio bytes cmp context crypto embed encoding errors expvar flag fmt hash html image io iter log maps math mime net ' +
    'os path plugin reflect regexp runtime slices sort strconv strings structs sync syscall testing time unicode unique unsafe weak'
  ).split(' '),
);

/** What each platform allows in a name, as the error shows it. */
const ALLOWED = { lambda: 'A-Z a-z 0-9 - _', cloudrun: 'a-z 0-9 -' } as const;
const NAME_KIND = { lambda: 'a Lambda function name', cloudrun: 'a Cloud Run service name' } as const;

/** Returns why `name` cannot be used, or undefined when it can. */
export function nameProblem(name: string, platform: Platform, language: Language): string | undefined {
  // Named first: a non-ASCII character would otherwise surface as some later rule's complaint.
  const foreign = [...name].find((c) => c.codePointAt(0)! > 0x7f);
  if (foreign) {
    const code = `U+${foreign.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `'${name}' contains '${foreign}' (${code}), not allowed in ${NAME_KIND[platform]} (allowed: ${ALLOWED[platform]})`;
  }
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
    const reserved = GO_RESERVED.get(name);
    if (reserved) return `'${name}' ${reserved} and cannot be a module path`;
    if (GO_STD_PACKAGES.has(name.toLowerCase())) {
      return `'${name}' clashes with the Go standard library package '${name.toLowerCase()}' and cannot be a module path`;
    }
    if (WINDOWS_DEVICES.test(name)) return `'${name}' is a Windows device name and cannot be a module path`;
  }
  return undefined;
}

export function assertValidName(name: string, platform: Platform, language: Language): string {
  const problem = nameProblem(name, platform, language);
  if (problem) throw new UsageError(`${problem} — choose another --name`);
  return name;
}

/**
 * The default name: the directory's basename with accents folded (NFKD, combining marks dropped:
 * "fünktion" → "funktion"), lower-cased, with other ASCII not allowed turned into '-'. Characters
 * that do not fold to ASCII (emoji, CJK) are kept as they are, so the name check names them
 * instead of the name being silently mangled.
 */
export function nameFromDirectory(dir: string): string {
  const base =
    dir
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const name = Array.from(base.normalize('NFC'), foldToAscii)
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9_\-\P{ASCII}]+/gu, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return Array.from(name)
    .slice(0, 49)
    .join('')
    .replace(/[-_]+$/, '');
}

/** One character with its accents dropped when that leaves ASCII ('ü' → 'u', 'Ｆ' → 'F'); otherwise unchanged ('ビ' stays 'ビ'). */
function foldToAscii(char: string): string {
  const folded = char.normalize('NFKD').replace(/\p{M}+/gu, '');
  return /^\p{ASCII}*$/u.test(folded) ? folded : char;
}
