import type { ElfLayout, ElfSymbol } from './elf-layout.js';
import type { SizeEntry } from './toolchain.js';

/**
 * Every byte of an ELF file as rows: symbol bytes by owner (crate or package), the rest of each
 * section under the section's name, and the headers and inter-section padding — so the rows sum
 * to the file size. `ownerOf` returns null for a symbol that is not counted (its bytes stay with
 * its section). A byte two symbols share (aliases) counts once, for the first.
 */
export function fileRows(layout: ElfLayout, ownerOf: (s: ElfSymbol, section: string) => string | null, ownerKind: 'crate' | 'package'): SizeEntry[] {
  const owners = new Map<string, number>();
  const sectionRest = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const bySection = new Map<number, ElfSymbol[]>();
  for (const s of layout.symbols) {
    const list = bySection.get(s.section);
    if (list) list.push(s);
    else bySection.set(s.section, [s]);
  }
  for (const sec of layout.sections) {
    if (sec.nobits || sec.size === 0) continue;
    let covered = 0;
    let cursor = sec.addr;
    const end = sec.addr + sec.size;
    const symbols = (bySection.get(sec.index) ?? []).map((s) => ({ s, owner: ownerOf(s, sec.name) })).filter((x) => x.owner !== null);
    symbols.sort((a, b) => a.s.addr - b.s.addr || b.s.size - a.s.size);
    for (const { s, owner } of symbols) {
      const from = Math.max(s.addr, cursor);
      const to = Math.min(s.addr + s.size, end);
      if (to <= from) continue;
      add(owners, owner!, to - from);
      covered += to - from;
      cursor = to;
    }
    add(sectionRest, sectionRow(sec.name), sec.size - covered);
  }
  const rows: SizeEntry[] = [
    ...[...owners].map(([name, bytes]) => ({ name, bytes, kind: ownerKind })),
    ...[...sectionRest].filter(([, b]) => b > 0).map(([name, bytes]) => ({ name, bytes, kind: 'section' as const })),
    ...fileLayoutRows(layout),
  ];
  return rows.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

/** DWARF comes in a dozen sections that mean one thing to a reader: debug info. */
function sectionRow(name: string): string {
  return name.startsWith('.debug_') || name.startsWith('.zdebug_') ? '.debug_* (debug info)' : name || '(unnamed section)';
}

/** The ELF headers and the alignment padding no section covers. */
function fileLayoutRows(layout: ElfLayout): SizeEntry[] {
  const spans = [
    ...layout.headers.map((h) => ({ from: h.offset, to: h.offset + h.bytes })),
    ...layout.sections.filter((s) => !s.nobits && s.size > 0).map((s) => ({ from: s.offset, to: s.offset + s.size })),
  ].sort((a, b) => a.from - b.from);
  let covered = 0;
  let cursor = 0;
  for (const { from, to } of spans) {
    const start = Math.max(from, cursor);
    if (to > start) {
      covered += to - start;
      cursor = to;
    }
  }
  const headers = layout.headers.reduce((n, h) => n + h.bytes, 0);
  return [
    { name: 'ELF, program and section headers', bytes: headers, kind: 'file' as const },
    { name: 'padding between sections', bytes: layout.fileBytes - covered, kind: 'file' as const },
  ].filter((r) => r.bytes > 0);
}
