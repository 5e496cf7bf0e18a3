import { EXIT } from './io.js';

/** An error the user can fix: printed as one line, with the exit code it carries. */
export class SvlError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'SvlError';
  }
}

export class UsageError extends SvlError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** Parses a value that must be one of `choices`; the error lists them. */
export function oneOf<T extends string>(value: string | undefined, choices: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${flag} '${value}' — valid: ${choices.join(', ')}`);
}
