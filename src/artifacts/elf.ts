import { open } from 'node:fs/promises';
import type { Arch } from '../project/project.js';

// ELF e_machine values (System V gABI, "Machine" table): the only two Lambda runs.
const MACHINES: Record<number, Arch> = { 62: 'x86_64', 183: 'arm64' };

/** Reads the architecture an executable was built for from its ELF header; null if not a 64-bit ELF. */
export async function readElfArch(file: string): Promise<Arch | 'other' | null> {
  const fh = await open(file, 'r');
  try {
    const header = Buffer.alloc(20);
    const { bytesRead } = await fh.read(header, 0, 20, 0);
    if (bytesRead < 20 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return null;
    const machine = header[5] === 1 ? header.readUInt16LE(18) : header.readUInt16BE(18);
    return MACHINES[machine] ?? 'other';
  } finally {
    await fh.close();
  }
}
