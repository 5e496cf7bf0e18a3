import type { Io } from '../cli/io.js';
import { SvlError } from '../cli/errors.js';

// Placeholder until the 'dev' capability lands; replaced by its own issue's work.
export async function run(_io: Io): Promise<number> {
  throw new SvlError("'svl dev' is not implemented yet");
}
