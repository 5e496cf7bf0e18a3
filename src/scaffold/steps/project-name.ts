import { ask } from '../ask.js';
import type { Context } from '../context.js';
import { assertValidName, nameFromDirectory } from '../names.js';

/** The function/service name; it also becomes the crate name or the Go module path. */
export async function projectName(ctx: Pick<Context, 'flags' | 'interactive' | 'yes' | 'prompt' | 'projectDir' | 'template' | 'language'>): Promise<string> {
  const fromDir = nameFromDirectory(ctx.projectDir);
  return ask(ctx, {
    subject: 'the name',
    flag: '--name',
    message: ctx.template.platform === 'lambda' ? 'Function name?' : 'Service name?',
    value: ctx.flags.name,
    default: fromDir || undefined,
    parse: (answer) => assertValidName(answer, ctx.template.platform, ctx.language),
  });
}
