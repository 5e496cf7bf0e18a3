import type { Language } from '../project/project.js';
import { goToolchain } from './go.js';
import { rustToolchain } from './rust.js';
import type { Toolchain } from './toolchain.js';

export { binaryName } from './toolchain.js';
export type { BuildInputs, BuildRequest, BuildResult, DevBuildRequest, Packaging, SizeBreakdown, SizeEntry, Toolchain } from './toolchain.js';

/** The one place that maps a function's language to its toolchain adapter. */
export function toolchainFor(language: Language): Toolchain {
  return language === 'rust' ? rustToolchain : goToolchain;
}
