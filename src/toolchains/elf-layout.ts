import { readFile } from 'node:fs/promises';
import { SvlError } from '../core/errors.js';

/** A section header of an ELF64 file (System V gABI, "Sections"). */
export interface ElfSection {
  index: number;
  name: string;
  /** SHT_NOBITS (.bss, .tbss, Go's .noptrbss) takes no bytes in the file. */
  nobits: boolean;
  addr: number;
  offset: number;
  size: number;
}

/** A .symtab entry with its raw (mangled) name. */
export interface ElfSymbol {
  name: string;
  /** STT_FUNC (2), STT_OBJECT (1), … */
  type: number;
  section: number;
  addr: number;
  size: number;
}

export interface ElfLayout {
  fileBytes: number;
  /** ELF header, program header table and section header table: [offset, bytes]. */
  headers: { name: string; offset: number; bytes: number }[];
  sections: ElfSection[];
  symbols: ElfSymbol[];
}

const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;

/**
 * Reads where every byte of a 64-bit little-endian ELF executable goes (headers, sections) and its
 * symbol table. Both Lambda arches (x86_64, arm64) are 64-bit little-endian.
 */
export async function readElfLayout(file: string): Promise<ElfLayout> {
  const buf = await readFile(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) {
    throw new SvlError(`${file} is not a 64-bit little-endian ELF file — --why reads Linux x86_64/arm64 executables`);
  }
  const u64 = (at: number) => Number(buf.readBigUInt64LE(at));
  const phoff = u64(0x20);
  const shoff = u64(0x28);
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const raw = Array.from({ length: shnum }, (_, index) => {
    const at = shoff + index * shentsize;
    return {
      index,
      nameAt: buf.readUInt32LE(at),
      type: buf.readUInt32LE(at + 4),
      addr: u64(at + 0x10),
      offset: u64(at + 0x18),
      size: u64(at + 0x20),
      link: buf.readUInt32LE(at + 0x28),
      entsize: u64(at + 0x38),
    };
  });
  const cString = (at: number) => buf.toString('latin1', at, buf.indexOf(0, at));
  const shstr = raw[shstrndx];
  const sections: ElfSection[] = raw.map((s) => ({
    index: s.index,
    name: shstr ? cString(shstr.offset + s.nameAt) : '',
    nobits: s.type === SHT_NOBITS || s.index === 0,
    addr: s.addr,
    offset: s.offset,
    size: s.index === 0 ? 0 : s.size,
  }));
  const symbols: ElfSymbol[] = [];
  const symtab = raw.find((s) => s.type === SHT_SYMTAB);
  if (symtab && symtab.entsize > 0) {
    const strtab = raw[symtab.link]!;
    for (let at = symtab.offset; at + 24 <= symtab.offset + symtab.size; at += symtab.entsize) {
      const nameAt = buf.readUInt32LE(at);
      const size = u64(at + 16);
      if (nameAt === 0 || size === 0) continue;
      // Symbol names are UTF-8 (Rust's v0 mangling may hold punycode, still ASCII).
      const start = strtab.offset + nameAt;
      symbols.push({
        name: buf.toString('utf8', start, buf.indexOf(0, start)),
        type: buf[at + 4]! & 0xf,
        section: buf.readUInt16LE(at + 6),
        addr: u64(at + 8),
        size,
      });
    }
  }
  return {
    fileBytes: buf.length,
    headers: [
      { name: 'ELF header', offset: 0, bytes: 64 },
      { name: 'program headers', offset: phoff, bytes: phentsize * phnum },
      { name: 'section headers', offset: shoff, bytes: shentsize * shnum },
    ],
    sections,
    symbols,
  };
}
