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
  /** Mangled symbol → the crate whose rlib exports it (first in build order). */
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
  for (const name of archiveSymbols(buf)) if (!index.exported.has(name)) index.exported.set(name, crate);
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

export function rustCrateOf(mangled: string, index: RustCrateIndex): string {
  const name = withoutLlvmSuffix(mangled);
  const exported = index.exported.get(name) ?? index.exported.get(mangled);
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
  const start = mangled.indexOf('_R') + 2;
  const s = mangled.slice(start);
  try {
    return new V0Walker(s).symbol();
  } catch {
    return null;
  }
}

class V0Walker {
  constructor(
    private readonly s: string,
    private at = 0,
  ) {}

  symbol(): string | null {
    while (/\d/.test(this.peek())) this.at++; // encoding version
    return this.path();
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
    const len = /^\d+/.exec(this.s.slice(this.at));
    if (!len) throw new Error('bad ident');
    this.at += len[0].length;
    this.eat('_');
    const name = this.s.slice(this.at, this.at + Number(len[0]));
    this.at += Number(len[0]);
    return name;
  }

  private backref<T>(read: (w: V0Walker) => T): T {
    const target = this.base62();
    return read(new V0Walker(this.s, target));
  }

  private path(): string | null {
    const tag = this.next();
    switch (tag) {
      case 'C':
        this.disambiguator();
        return this.ident();
      case 'N': {
        this.next(); // namespace
        const inner = this.path();
        if (inner !== null) return inner;
        this.disambiguator();
        this.ident();
        return null;
      }
      case 'M':
      case 'X': {
        this.disambiguator();
        const impl = this.path();
        if (impl !== null) return impl;
        const self = this.type();
        if (self !== null) return self;
        return tag === 'X' ? this.path() : null;
      }
      case 'Y':
        return this.type() ?? this.path();
      case 'I': {
        const inner = this.path();
        if (inner !== null) return inner;
        while (!this.eat('E')) {
          const arg = this.genericArg();
          if (arg !== null) return arg;
        }
        return null;
      }
      case 'B':
        return this.backref((w) => w.path());
      default:
        throw new Error(`bad path tag ${tag}`);
    }
  }

  private genericArg(): string | null {
    if (this.eat('L')) {
      this.base62();
      return null;
    }
    if (this.eat('K')) return this.constant();
    return this.type();
  }

  private constant(): string | null {
    if (this.eat('p')) return null;
    if (this.peek() === 'B') {
      this.next();
      return this.backref((w) => w.constant());
    }
    const type = this.next();
    if (!/[a-z]/.test(type)) throw new Error('unsupported const');
    this.eat('n');
    while (this.next() !== '_');
    return null;
  }

  private type(): string | null {
    const c = this.peek();
    if (/[a-z]/.test(c)) {
      this.next();
      return null;
    }
    switch (c) {
      case 'A':
        this.next();
        return this.type() ?? this.constant();
      case 'S':
      case 'P':
      case 'O':
        this.next();
        return this.type();
      case 'R':
      case 'Q':
        this.next();
        if (this.eat('L')) this.base62();
        return this.type();
      case 'T':
        this.next();
        while (!this.eat('E')) {
          const t = this.type();
          if (t !== null) return t;
        }
        return null;
      case 'F':
        this.next();
        if (this.eat('G')) this.base62();
        this.eat('U');
        if (this.eat('K') && !this.eat('C')) this.ident();
        while (!this.eat('E')) {
          const t = this.type();
          if (t !== null) return t;
        }
        return this.type();
      case 'D': {
        this.next();
        if (this.eat('G')) this.base62();
        while (!this.eat('E')) {
          const t = this.path();
          if (t !== null) return t;
          while (this.eat('p')) {
            this.ident();
            const b = this.type();
            if (b !== null) return b;
          }
        }
        if (this.eat('L')) this.base62();
        return null;
      }
      case 'B':
        this.next();
        return this.backref((w) => w.type());
      default:
        return this.path();
    }
  }
}
