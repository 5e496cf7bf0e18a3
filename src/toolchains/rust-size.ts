import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ElfLayout } from './elf-layout.js';
import { addRlibSymbols, crateOfRlib, rustCrateOf, type RustCrateIndex } from './rust-crates.js';
import { fileRows } from './symbol-sizes.js';
import type { SizeBreakdown } from './toolchain.js';

const STT_FUNC = 2;

/** The rlibs a cargo `compiler-artifact` message names, under their crate names (as rustc spells them). */
export function rlibsOf(artifact: { filenames?: string[]; target?: { name: string; crate_types?: string[] } }): { crate: string; file: string }[] {
  const types = artifact.target?.crate_types ?? [];
  if (!artifact.target || !types.some((t) => t === 'lib' || t === 'rlib')) return [];
  const crate = artifact.target.name.replace(/-/g, '_');
  return (artifact.filenames ?? []).filter((f) => f.endsWith('.rlib')).map((file) => ({ crate, file }));
}

/**
 * Rust's rows: function symbols of .text by crate (cargo-bloat's method, see rust-crates.ts), every
 * other byte by section. `rlibs` in cargo's build order, then std's from the sysroot `libdir`.
 */
export async function rustSizeBreakdown(layout: ElfLayout, rlibs: { crate: string; file: string }[], libdir: string): Promise<SizeBreakdown> {
  const index: RustCrateIndex = { exported: new Map() };
  for (const r of rlibs) await addRlibSymbols(index, r.crate, r.file);
  const std = (await readdir(libdir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.rlib'))
    .map((f) => ({ crate: crateOfRlib(f), file: path.join(libdir, f) }));
  std.sort((a, b) => a.crate.localeCompare(b.crate));
  for (const r of std) await addRlibSymbols(index, r.crate, r.file);

  const counted = (s: { type: number }, section: string) => section === '.text' && s.type === STT_FUNC;
  const rows = fileRows(layout, (s, section) => (counted(s, section) ? rustCrateOf(s.name, index) : null), 'crate');
  const textBytes = layout.sections.find((s) => s.name === '.text')?.size ?? 0;
  const textIndex = layout.sections.find((s) => s.name === '.text')?.index;
  const symbolSum = layout.symbols.filter((s) => s.section === textIndex && counted(s, '.text')).reduce((n, s) => n + s.size, 0);
  const attributed = rows.filter((r) => r.kind === 'crate').reduce((n, r) => n + r.bytes, 0);
  const shared = symbolSum - attributed;
  return {
    binary: 'the unstripped release build (the release profile with strip = false)',
    fileBytes: layout.fileBytes,
    textBytes,
    rows,
    method:
      "crates: the function symbols of .text, assigned to crates as 'cargo bloat --crates --split-std' does (the rlib that exports a symbol, else its demangled path; " +
      'std generics instantiated for a crate stay with core/alloc/std). Data (.rodata, .data.rel.ro), unwind tables (.eh_frame, .gcc_except_table), ' +
      'relocations and the debug info std ships with are rows of their own; the shipped, stripped binary has no .symtab, .strtab or .debug_*.' +
      (shared > 0 ? ` ${shared} bytes of .text are named by two symbols (aliases): counted once here, twice by cargo-bloat.` : ''),
  };
}
