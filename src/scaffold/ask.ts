import { SvlError, UsageError } from '../core/errors.js';
import type { Context } from './context.js';
import type { Choice } from './prompter.js';

/** One question: the flag that answers it, its default, how to ask it, and how to check an answer. */
export interface Question<T> {
  /** The flag that answers it, as the user types it (`--template`, or `<dir>` for a positional). */
  flag: string;
  /** What the answer is, for the error when it is missing ("the template"). */
  subject: string;
  message: string;
  value: string | undefined;
  default?: string;
  /** Choices make it a select; without them it is a text prompt. */
  choices?: Choice[];
  /** Parses an answer; throws a UsageError saying what is allowed. */
  parse(answer: string): T;
}

/**
 * The flag → default → prompt ladder, the same for every question: a flag wins; with no flag a
 * default is taken when there is no terminal or --yes was passed; otherwise the user is asked.
 * Without a terminal, a question with neither flag nor default is a usage error naming the flag.
 */
export async function ask<T>(ctx: Pick<Context, 'interactive' | 'yes' | 'prompt'>, q: Question<T>): Promise<T> {
  if (q.value !== undefined) return q.parse(q.value);
  if (q.default !== undefined && (ctx.yes || !ctx.interactive)) return q.parse(q.default);
  if (!ctx.interactive) {
    throw new UsageError(`${q.subject} is required when prompts are off (no terminal, or CI set) — pass ${q.flag}`);
  }
  const answer = q.choices
    ? await ctx.prompt.select({ message: q.message, choices: q.choices, initial: q.default })
    : await ctx.prompt.text({ message: q.message, initial: q.default, validate: (v) => problemWith(q, v) });
  return q.parse(answer);
}

function problemWith<T>(q: Question<T>, answer: string): string | undefined {
  try {
    q.parse(answer);
    return undefined;
  } catch (err) {
    if (err instanceof SvlError) return err.message.replace(/ — (pass|choose another) --\S+$/, '');
    throw err;
  }
}
