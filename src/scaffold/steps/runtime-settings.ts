import { UsageError } from '../../core/errors.js';
import { oneOf } from '../../core/errors.js';
import type { Arch } from '../../project/project.js';
import { ask } from '../ask.js';
import type { Context } from '../context.js';

const ARCHES = ['arm64', 'x86_64'] as const;

/**
 * Lambda's architecture and memory. Cloud Run runs x86_64 containers and sizes memory in its own
 * svl.json block, so these flags are refused there rather than silently ignored.
 */
export async function runtimeSettings(ctx: Pick<Context, 'flags' | 'interactive' | 'yes' | 'prompt' | 'template'>): Promise<{ arch: Arch; memory: number }> {
  if (ctx.template.platform !== 'lambda') {
    for (const flag of ['arch', 'memory'] as const) {
      if (ctx.flags[flag] !== undefined) {
        throw new UsageError(`--${flag} applies to Lambda templates only — set Cloud Run's in svl.json "cloudrun" after generating`);
      }
    }
    return { arch: 'x86_64', memory: 512 };
  }
  const arch = await ask(ctx, {
    flag: '--arch',
    subject: 'the architecture',
    message: 'Architecture?',
    value: ctx.flags.arch,
    default: 'arm64',
    choices: [
      { value: 'arm64', label: 'arm64', hint: 'Graviton: ~20% cheaper per GB-second' },
      { value: 'x86_64', label: 'x86_64' },
    ],
    parse: (answer) => oneOf(answer, ARCHES, '--arch') as Arch,
  });
  const memory = await ask(ctx, {
    flag: '--memory',
    subject: 'the memory size',
    message: 'Memory (MB, 128-10240)?',
    value: ctx.flags.memory,
    default: '128',
    parse: (answer) => {
      const mb = Number(answer);
      if (!/^\d+$/.test(answer) || mb < 128 || mb > 10240) {
        throw new UsageError(`--memory must be a whole number of MB from 128 to 10240 (Lambda's range), got '${answer}'`);
      }
      return mb;
    },
  });
  return { arch, memory };
}
