import { SvlError } from '../core/errors.js';
import type { SizeEntry } from './toolchain.js';
import { hasTool, INSTALL_HINTS, runTool } from './run-tool.js';

/** Checked before the (slow) unstripped build, so a missing nm is one line, not a wasted build. */
export async function requireNm(): Promise<void> {
  if (!(await hasTool('nm', ['--version']))) throw new SvlError(INSTALL_HINTS.nm!);
}

/**
 * Bytes of an unstripped binary by owner (crate or package), read with binutils nm — one reader
 * for both languages; `demangle` for Rust's mangled names.
 */
export async function symbolSizesBy(binary: string, ownerOf: (symbol: string) => string, opts: { cwd: string; demangle: boolean }): Promise<SizeEntry[]> {
  const lines = await runTool('nm', ['-S', '--size-sort', ...(opts.demangle ? ['-C'] : []), binary], {
    cwd: opts.cwd,
    captureStdout: true,
    what: 'nm failed',
  });
  return groupSymbolsBy(parseNm(lines), ownerOf);
}

/** Sums symbol sizes per owner (crate or package), largest first. */
export function groupSymbolsBy(symbols: { name: string; bytes: number }[], ownerOf: (symbol: string) => string): SizeEntry[] {
  const totals = new Map<string, number>();
  for (const s of symbols) {
    const owner = ownerOf(s.name);
    totals.set(owner, (totals.get(owner) ?? 0) + s.bytes);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** `nm -S --size-sort -C` lines: "address size type name" (size in hex). */
export function parseNm(lines: string[]): { name: string; bytes: number }[] {
  const out: { name: string; bytes: number }[] = [];
  for (const line of lines) {
    const m = /^[0-9a-f]+\s+([0-9a-f]+)\s+(\S)\s+(.+)$/i.exec(line);
    // B/b (bss) take no bytes in the file.
    if (m && !'Bb'.includes(m[2]!)) {
      const bytes = Number.parseInt(m[1]!, 16);
      if (bytes > 0) out.push({ bytes, name: m[3]! });
    }
  }
  return out;
}

/**
 * The crate a demangled Rust symbol belongs to: `tokio::runtime::park::…` → tokio;
 * `<lambda_runtime::Runtime<S> as core::fmt::Debug>::fmt` → lambda_runtime (the implementing type
 * owns a trait impl); symbols without a path (libc, compiler builtins) → "[C]".
 */
export function rustCrateOf(symbol: string): string {
  let s = symbol.trim();
  // `<T as Trait>::f`, `<&T as Trait>`, `<[T] as …>`, `<dyn T as …>`: look inside the brackets.
  while (s.startsWith('<') || s.startsWith('&') || s.startsWith('[') || s.startsWith('*')) {
    s = s.replace(/^(<|&(mut )?|\[|\*(const|mut) )/, '');
    s = s.replace(/^dyn /, '');
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(s);
  if (!m) return '[C]';
  const crate = m[1]!;
  // `core::ptr::drop_in_place<tokio::…>`: std generics instantiated for a crate's types are that
  // crate's cost (the bytes go away with it).
  if (STD_CRATES.has(crate)) {
    for (const inner of s.matchAll(/[<,(&\s]([A-Za-z_][A-Za-z0-9_]*)::/g)) {
      if (!STD_CRATES.has(inner[1]!)) return inner[1]!;
    }
  }
  return crate;
}

const STD_CRATES = new Set(['core', 'alloc', 'std']);
