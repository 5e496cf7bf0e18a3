import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The crate a Rust function symbol belongs to, decided the way cargo-bloat 0.12 (`--crates
 * --split-std`) decides it, so the two tools agree on the same binary:
 *  1. a symbol some rlib exports (its archive index, std's included) is that rlib's crate — the
 *     first rlib in cargo's build order when several export it;
 *  2. otherwise legacy names (`_ZN…`): the first path segment; for `<A as B>::f` the crate of A
 *     (of B when A is a bare type parameter);
 *  3. v0 names (`_R…`): the first crate root in the mangling (the impl's own path for `<T>::f`);
 *  4. anything else (C, assembly) is `[Unknown]`.
 * Generic std code instantiated for a crate's types (`core::ptr::drop_in_place<tokio::…>`) stays
 * with std/core, as in cargo-bloat.
 */
export interface RustCrateIndex {
  /** symbolKey(mangled) → the crate whose rlib exports it (first in build order). */
  exported: Map<string, string>;
}

export const UNKNOWN_CRATE = '[Unknown]';

/** Adds the global symbols of an rlib's archive index (GNU "/" member) under its crate's name. */
export async function addRlibSymbols(index: RustCrateIndex, crate: string, rlib: string): Promise<void> {
  let buf: Buffer;
  try {
    buf = await readFile(rlib);
  } catch {
    return;
  }
  for (const name of archiveSymbols(buf)) {
    const key = symbolKey(name);
    if (!index.exported.has(key)) index.exported.set(key, crate);
  }
}

/** `libtokio-1ce19d5c87d8d0b9.rlib` → tokio. */
export function crateOfRlib(file: string): string {
  return path.basename(file, '.rlib').replace(/^lib/, '').replace(/-.*$/, '');
}

/** The symbol names of a System V / GNU ar archive's index (`/` or `/SYM64/`). */
export function archiveSymbols(buf: Buffer): string[] {
  if (buf.toString('latin1', 0, 8) !== '!<arch>\n') return [];
  let at = 8;
  while (at + 60 <= buf.length) {
    const id = buf.toString('latin1', at, at + 16).trimEnd();
    const size = Number.parseInt(buf.toString('latin1', at + 48, at + 58).trim(), 10);
    const body = at + 60;
    if (id === '/' || id === '/SYM64/') {
      const wide = id === '/SYM64/' ? 8 : 4;
      const count = wide === 8 ? Number(buf.readBigUInt64BE(body)) : buf.readUInt32BE(body);
      const names: string[] = [];
      let p = body + wide + wide * count;
      for (let i = 0; i < count && p < body + size; i++) {
        const end = buf.indexOf(0, p);
        names.push(buf.toString('utf8', p, end));
        p = end + 1;
      }
      return names;
    }
    at = body + size + (size % 2);
  }
  return [];
}

/** ThinLTO's `.llvm.<hex>` rename of an internal symbol is not part of its Rust name. */
function withoutLlvmSuffix(name: string): string {
  return name.replace(/\.llvm\.[0-9A-F@]+$/, '');
}

/** The name a symbol is matched by: what cargo-bloat's demangled `complete` form tells apart. */
export function symbolKey(mangled: string): string {
  const name = withoutLlvmSuffix(mangled);
  return (/^_{0,2}R/.test(name) ? v0Key(name) : null) ?? name;
}

export function rustCrateOf(mangled: string, index: RustCrateIndex): string {
  const name = withoutLlvmSuffix(mangled);
  const exported = index.exported.get(symbolKey(mangled)) ?? index.exported.get(mangled);
  if (exported) return exported;
  const legacy = demangleLegacy(name);
  if (legacy !== null) return legacyCrateOf(legacy);
  if (/^_?_R/.test(name)) return v0CrateOf(name) ?? UNKNOWN_CRATE;
  return UNKNOWN_CRATE;
}

const LEGACY_ESCAPES: Record<string, string> = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };

/**
 * A legacy (`_ZN…E`) Rust name with its hash, e.g. `<tokio::X as core::fmt::Debug>::fmt::h0123…`;
 * null when the name is not one.
 */
export function demangleLegacy(mangled: string): string | null {
  const m = /^_{0,2}ZN/.exec(mangled);
  if (!m) return null;
  let at = m[0].length;
  const parts: string[] = [];
  while (at < mangled.length && mangled[at] !== 'E') {
    const len = /^\d+/.exec(mangled.slice(at));
    if (!len) return null;
    at += len[0].length;
    const n = Number(len[0]);
    if (n === 0 || at + n > mangled.length) return null;
    parts.push(decodeLegacyPart(mangled.slice(at, at + n)));
    at += n;
  }
  if (mangled[at] !== 'E' || parts.length === 0) return null;
  return parts.join('::');
}

function decodeLegacyPart(raw: string): string {
  const s = raw.startsWith('_$') ? raw.slice(1) : raw;
  return s
    .replace(/\$([A-Z]{1,2}|u[0-9a-f]+)\$/g, (all, code: string) =>
      code.startsWith('u') ? String.fromCodePoint(Number.parseInt(code.slice(1), 16)) : (LEGACY_ESCAPES[code] ?? all),
    )
    .replace(/\.\./g, '::');
}

/** cargo-bloat's reading of a demangled legacy name. */
export function legacyCrateOf(demangled: string): string {
  if (demangled.includes(' as ')) {
    const [type, trait] = demangled.split(' as ');
    const first = firstCrateOf(type!);
    // `<T as core::fmt::Display>::fmt`: a type parameter names no crate; the trait's does.
    return first === '' ? firstCrateOf(trait!) : first;
  }
  return firstCrateOf(demangled);
}

function firstCrateOf(s: string): string {
  if (!s.includes('::')) return '';
  const head = s.split('::')[0]!;
  if (!head.startsWith('<')) return head;
  const inner = head.replace(/^<+/, '').replace(/^&+/, '');
  return inner.split(/\s+/).at(-1) ?? '';
}

/**
 * The first crate root (`C<disambiguator><ident>`) in a v0 (`_R…`) mangled name, walking the
 * grammar of RFC 2603 (https://doc.rust-lang.org/rustc/symbol-mangling/v0.html) in order — the
 * crate the demangled name starts with, the impl's own module for `<T>::f` and `<T as Trait>::f`.
 * Null when the name cannot be read.
 */
export function v0CrateOf(mangled: string): string | null {
  return readV0(mangled)?.crate ?? null;
}

/**
 * A v0 name without its instantiating crate and vendor suffix: the part its demangled form shows.
 * cargo-bloat matches a symbol to an rlib's export by that form, so one generic instantiated by two
 * crates (`…finish_growB7_` in gimli's rlib, `…finish_growCs…3std` in the binary) is one name.
 */
function v0Key(mangled: string): string | null {
  const read = readV0(mangled);
  return read ? mangled.slice(0, read.pathEnd) : null;
}

function readV0(mangled: string): { crate: string | null; pathEnd: number } | null {
  const m = /^_{0,2}R/.exec(mangled);
  if (!m) return null;
  const s = mangled.slice(m[0].length);
  try {
    const w = new V0Walker(s, { crate: null });
    w.symbol();
    return { crate: w.found.crate, pathEnd: m[0].length + w.position };
  } catch {
    return null;
  }
}

/** A parser that reads a whole v0 path, noting the first crate root it meets. */
class V0Walker {
  constructor(
    private readonly s: string,
    readonly found: { crate: string | null },
    private at = 0,
  ) {}

  get position(): number {
    return this.at;
  }

  symbol(): void {
    while (/\d/.test(this.peek())) this.at++; // encoding version
    this.path();
  }

  private peek(): string {
    return this.s[this.at] ?? '';
  }

  private next(): string {
    if (this.at >= this.s.length) throw new Error('end of symbol');
    return this.s[this.at++]!;
  }

  private eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.at++;
    return true;
  }

  private base62(): number {
    if (this.eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = this.next();
      if (c === '_') return n + 1;
      const d = /\d/.test(c) ? c.charCodeAt(0) - 48 : /[a-z]/.test(c) ? c.charCodeAt(0) - 87 : /[A-Z]/.test(c) ? c.charCodeAt(0) - 29 : -1;
      if (d < 0) throw new Error('bad base62');
      n = n * 62 + d;
    }
  }

  private disambiguator(): void {
    if (this.eat('s')) this.base62();
  }

  private ident(): string {
    this.eat('u');
    // A decimal-number is `0` or starts with a non-zero digit: `00` is two empty idents.
    const len = /^(0|[1-9]\d*)/.exec(this.s.slice(this.at));
    if (!len) throw new Error('bad ident');
    this.at += len[0].length;
    this.eat('_');
    const name = this.s.slice(this.at, this.at + Number(len[0]));
    this.at += Number(len[0]);
    return name;
  }

  /** Reads what a backref points at (always earlier in the name) without moving on. */
  private backref(read: (w: V0Walker) => void): void {
    const target = this.base62();
    if (target >= this.at) throw new Error('forward backref');
    read(new V0Walker(this.s, this.found, target));
  }

  private path(): void {
    const tag = this.next();
    switch (tag) {
      case 'C': {
        this.disambiguator();
        const name = this.ident();
        this.found.crate ??= name;
        return;
      }
      case 'N':
        this.next(); // namespace
        this.path();
        this.disambiguator();
        this.ident();
        return;
      case 'M':
        this.disambiguator();
        this.path();
        this.type();
        return;
      case 'X':
        this.disambiguator();
        this.path();
        this.type();
        this.path();
        return;
      case 'Y':
        this.type();
        this.path();
        return;
      case 'I':
        this.path();
        while (!this.eat('E')) this.genericArg();
        return;
      case 'B':
        this.backref((w) => w.path());
        return;
      default:
        throw new Error(`bad path tag ${tag}`);
    }
  }

  private genericArg(): void {
    if (this.eat('L')) this.base62();
    else if (this.eat('K')) this.constant();
    else this.type();
  }

  private constant(): void {
    if (this.eat('p')) return;
    if (this.eat('B')) {
      this.backref((w) => w.constant());
      return;
    }
    const type = this.next();
    if (!/[a-z]/.test(type)) throw new Error('unsupported const');
    this.eat('n');
    while (this.next() !== '_');
  }

  private type(): void {
    const c = this.peek();
    if (/[a-z]/.test(c)) {
      this.next();
      return;
    }
    switch (c) {
      case 'A':
        this.next();
        this.type();
        this.constant();
        return;
      case 'S':
      case 'P':
      case 'O':
        this.next();
        this.type();
        return;
      case 'R':
      case 'Q':
        this.next();
        if (this.eat('L')) this.base62();
        this.type();
        return;
      case 'T':
        this.next();
        while (!this.eat('E')) this.type();
        return;
      case 'F':
        this.next();
        if (this.eat('G')) this.base62();
        this.eat('U');
        if (this.eat('K') && !this.eat('C')) this.ident();
        while (!this.eat('E')) this.type();
        this.type();
        return;
      case 'D':
        this.next();
        if (this.eat('G')) this.base62();
        while (!this.eat('E')) {
          this.path();
          while (this.eat('p')) {
            this.ident();
            this.type();
          }
        }
        if (this.eat('L')) this.base62();
        return;
      case 'B':
        this.next();
        this.backref((w) => w.type());
        return;
      default:
        this.path();
    }
  }
}
