import type { Io } from '../cli/io.js';
import { SvlError } from '../cli/errors.js';

// Placeholder until the 'new' capability lands; replaced by its own issue's work.
export async function run(_io: Io): Promise<number> {
  throw new SvlError("'svl new' is not implemented yet");
}
