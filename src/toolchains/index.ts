import type { Language } from '../config/svl-config.js';
import { goToolchain } from './go.js';
import { rustToolchain } from './rust.js';
import type { Toolchain } from './toolchain.js';

export type { Toolchain, BuildRequest, BuildResult, SizeEntry } from './toolchain.js';

/** The one place that maps a project's language to its toolchain adapter. */
export function toolchainFor(language: Language): Toolchain {
  return language === 'rust' ? rustToolchain : goToolchain;
}
