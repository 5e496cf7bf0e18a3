import { UsageError } from '../../core/errors.js';
import { ask } from '../ask.js';
import type { Context } from '../context.js';
import { listTemplateIds, loadTemplate, type Template } from '../templates.js';

export async function chooseTemplate(ctx: Pick<Context, 'flags' | 'interactive' | 'yes' | 'prompt' | 'templatesRoot'>): Promise<Template> {
  const ids = await listTemplateIds(ctx.templatesRoot);
  const choices = await Promise.all(ids.map(async (id) => ({ value: id, label: id, hint: (await loadTemplate(ctx.templatesRoot, id)).title })));
  const id = await ask(ctx, {
    subject: 'the template',
    flag: `--template (${ids.join(', ')})`,
    message: 'Which template?',
    value: ctx.flags.template,
    choices,
    parse: (answer) => {
      if (!ids.includes(answer)) throw new UsageError(`unknown template '${answer}' — valid: ${ids.join(', ')}`);
      return answer;
    },
  });
  return loadTemplate(ctx.templatesRoot, id);
}
