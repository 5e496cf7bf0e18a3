import path from 'node:path';
import { SvlError } from '../core/errors.js';
import { devDir } from '../project/layout.js';
import type { Arch, FunctionConfig } from '../project/project.js';
import { toolchainFor } from '../toolchains/index.js';
import { readElfArch } from './elf.js';
import { copyPrebuilt } from './prebuilt.js';

/** The arch of this machine, as svl.json spells it. */
export const HOST_ARCH: Arch | undefined = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'arm64' : undefined;

export interface DevBinariesOptions {
  env?: Record<string, string | undefined>;
  release?: boolean;
  onOutput?: (line: string) => void;
}

/**
 * Host builds for `svl dev` / `svl invoke`: each language's toolchain once for all its functions
 * (one cargo invocation for a workspace); a prebuilt `artifact` is used as it is, if this machine
 * can run it.
 */
export async function devBinaries(fns: FunctionConfig[], opts: DevBinariesOptions = {}): Promise<Map<FunctionConfig, string>> {
  const out = new Map<FunctionConfig, string>();
  for (const fn of fns.filter((f) => f.artifact)) out.set(fn, await prebuiltForHost(fn));
  for (const language of ['rust', 'go'] as const) {
    const mine = fns.filter((f) => !f.artifact && f.language === language);
    if (mine.length === 0) continue;
    const results = await toolchainFor(language).devBuild(mine.map((fn) => ({ fn, env: opts.env, release: opts.release, onOutput: opts.onOutput })));
    for (const r of results) out.set(r.fn, r.binaryPath);
  }
  return out;
}

async function prebuiltForHost(fn: FunctionConfig): Promise<string> {
  const file = fn.artifact!;
  const target = await copyPrebuilt(fn, path.join(devDir(fn.root, fn.name), 'bootstrap'));
  const arch = await readElfArch(target);
  if (arch === null)
    throw new SvlError(`${file} (artifact of ${fn.name}) is not a Linux ELF executable — point "artifact" at a Lambda bootstrap or a zip holding one`);
  if (arch !== fn.arch)
    throw new SvlError(`${file} (artifact of ${fn.name}) is built for ${arch}, but svl.json says ${fn.arch} — rebuild it for ${fn.arch}, or fix "arch"`);
  if (arch !== HOST_ARCH)
    throw new SvlError(
      `${file} (artifact of ${fn.name}) is an ${arch} executable and this machine is ${HOST_ARCH ?? process.arch} — svl dev runs it only on an ${arch} machine`,
    );
  return target;
}
