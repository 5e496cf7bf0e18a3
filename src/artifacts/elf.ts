import { open } from 'node:fs/promises';
import type { Arch } from '../project/project.js';

// ELF e_machine values (System V gABI, "Machine" table): the only two Lambda runs.
const MACHINES: Record<number, Arch> = { 62: 'x86_64', 183: 'arm64' };

/** Bytes of the ELF header that hold what elfArchOf reads (up to e_machine). */
export const ELF_HEADER_BYTES = 20;

/** The architecture in an ELF header's first ELF_HEADER_BYTES bytes; null if not a 64-bit ELF. */
export function elfArchOf(header: Buffer): Arch | 'other' | null {
  if (header.length < ELF_HEADER_BYTES || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return null;
  const machine = header[5] === 1 ? header.readUInt16LE(18) : header.readUInt16BE(18);
  return MACHINES[machine] ?? 'other';
}

/** Reads the architecture an executable was built for from its ELF header; null if not a 64-bit ELF. */
export async function readElfArch(file: string): Promise<Arch | 'other' | null> {
  const fh = await open(file, 'r');
  try {
    const header = Buffer.alloc(ELF_HEADER_BYTES);
    const { bytesRead } = await fh.read(header, 0, ELF_HEADER_BYTES, 0);
    return elfArchOf(header.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * An ELF's e_type: EXEC is a fixed-address executable, DYN a position-independent one (PIE, which
 * the kernel loads at a random address) or a shared library.
 */
export async function readElfType(file: string): Promise<'EXEC' | 'DYN' | 'other' | null> {
  const fh = await open(file, 'r');
  try {
    const header = Buffer.alloc(ELF_HEADER_BYTES);
    const { bytesRead } = await fh.read(header, 0, ELF_HEADER_BYTES, 0);
    if (elfArchOf(header.subarray(0, bytesRead)) === null) return null;
    const type = header[5] === 1 ? header.readUInt16LE(16) : header.readUInt16BE(16);
    return type === 2 ? 'EXEC' : type === 3 ? 'DYN' : 'other';
  } finally {
    await fh.close();
  }
}
