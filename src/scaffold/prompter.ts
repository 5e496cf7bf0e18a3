import { SvlError } from '../core/errors.js';
import { EXIT } from '../core/io.js';

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** The questions the generator can ask; clack in a terminal, scripted answers in tests. */
export interface Prompter {
  select(q: { message: string; choices: Choice[]; initial?: string }): Promise<string>;
  text(q: { message: string; initial?: string; validate: (value: string) => string | undefined }): Promise<string>;
  confirm(q: { message: string; initial: boolean }): Promise<boolean>;
  /** Frames the session in a terminal; no-ops elsewhere. */
  intro(title: string): void;
  outro(message: string): void;
}

export class CancelledError extends SvlError {
  constructor() {
    super('cancelled — nothing was written', EXIT.cancelled);
    this.name = 'CancelledError';
  }
}

/** A prompter that must never be asked: used when there is no terminal. */
export const noPrompter: Prompter = {
  select: () => Promise.reject(new Error('no terminal to prompt on')),
  text: () => Promise.reject(new Error('no terminal to prompt on')),
  confirm: () => Promise.reject(new Error('no terminal to prompt on')),
  intro: () => undefined,
  outro: () => undefined,
};

/** @clack/prompts, imported only when a prompt is shown (it is not needed on the non-interactive path). */
export async function clackPrompter(): Promise<Prompter> {
  const clack = await import('@clack/prompts');
  function answer(value: string | symbol): string;
  function answer(value: boolean | symbol): boolean;
  function answer(value: unknown) {
    if (clack.isCancel(value)) throw new CancelledError();
    return value;
  }
  return {
    async select(q) {
      return answer(
        await clack.select<string>({
          message: q.message,
          options: q.choices.map((c) => ({ value: c.value, label: c.label, hint: c.hint })),
          initialValue: q.initial,
        }),
      );
    },
    async text(q) {
      return answer(await clack.text({ message: q.message, initialValue: q.initial, validate: (v) => q.validate(v ?? '') }));
    },
    async confirm(q) {
      return answer(await clack.confirm({ message: q.message, initialValue: q.initial }));
    },
    intro: (title) => clack.intro(title),
    outro: (message) => clack.outro(message),
  };
}
