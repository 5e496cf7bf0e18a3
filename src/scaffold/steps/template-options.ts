import { SvlError, UsageError } from '../../core/errors.js';
import type { Language } from '../../project/project.js';
import { ask } from '../ask.js';
import type { Context, ScaffoldFlags } from '../context.js';

/** Flags that answer a template option; a template that lacks one refuses the flag by name. */
const OPTION_FLAGS = ['flavor', 'lang'] as const satisfies readonly (keyof ScaffoldFlags)[];

/** What each flavour is for, shown next to it in the prompt. */
const FLAVOR_HINTS: Record<string, string> = {
  http: 'function URL / API Gateway',
  event: 'any JSON event',
  sqs: 'SQS batches, partial batch response',
  s3: 'S3 object-created notifications',
  schedule: 'EventBridge schedule, rate(5 minutes)',
  dynamodb: 'DynamoDB stream, partial batch response',
  stream: 'function URL streaming its response (RESPONSE_STREAM)',
};

const OPTION_MESSAGES: Record<string, string> = {
  flavor: 'Which flavour?',
  lang: 'Which language?',
};

export async function templateOptions(
  ctx: Pick<Context, 'flags' | 'interactive' | 'yes' | 'prompt' | 'template'>,
): Promise<{ options: Record<string, string>; language: Language }> {
  const { template } = ctx;
  for (const flag of OPTION_FLAGS) {
    if (ctx.flags[flag] !== undefined && !(flag in template.options)) {
      const own = Object.entries(template.options).map(([o, spec]) => `--${o} ${spec.values.join('|')}`);
      throw new UsageError(`template ${template.id} has no --${flag} option${own.length ? ` — its options: ${own.join(', ')}` : ''}`);
    }
  }
  const options: Record<string, string> = {};
  for (const [option, spec] of Object.entries(template.options)) {
    options[option] = await ask(ctx, {
      subject: `the ${option}`,
      flag: `--${option}`,
      message: OPTION_MESSAGES[option] ?? `Which ${option}?`,
      value: ctx.flags[option as keyof typeof ctx.flags],
      default: spec.default,
      choices: spec.values.map((v) => ({ value: v, label: v, hint: option === 'flavor' ? FLAVOR_HINTS[v] : undefined })),
      parse: (answer) => {
        if (!spec.values.includes(answer)) {
          throw new UsageError(`unknown --${option} '${answer}' for template ${template.id} — valid: ${spec.values.join(', ')}`);
        }
        return answer;
      },
    });
  }
  const language = template.language ?? options.lang;
  if (language !== 'rust' && language !== 'go') {
    throw new SvlError(`template ${template.id} names no language (template.json "language" or a "lang" option) — fix the template`);
  }
  return { options, language };
}
