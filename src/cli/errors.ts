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
