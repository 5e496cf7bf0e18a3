import { createHash, randomBytes } from 'node:crypto';

/**
 * Where sample ids come from: crypto randomness, or — with a seed — a SHA-256 stream, so the same
 * seed gives the same event every time.
 */
export class EventRandom {
  private counter = 0;
  constructor(private readonly seed?: string) {}

  bytes(n: number): Buffer {
    if (this.seed === undefined) return randomBytes(n);
    const chunks: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const chunk = createHash('sha256')
        .update(`${this.seed}:${this.counter++}`)
        .digest();
      chunks.push(chunk);
      have += chunk.length;
    }
    return Buffer.concat(chunks).subarray(0, n);
  }

  /** A version 4 UUID. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  hex(length: number): string {
    return this.bytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  }

  /** Characters from `alphabet` (AWS ids: upper-case letters and digits). */
  chars(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
    return [...this.bytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
  }

  digits(length: number): string {
    return this.chars(length, '0123456789');
  }

  base64(bytes: number): string {
    return this.bytes(bytes).toString('base64');
  }
}
