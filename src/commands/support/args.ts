import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../core/errors.js';
import { EXIT } from '../../core/io.js';
import { version } from '../../core/version.js';

export { oneOf } from '../../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with our error contract: an unknown or malformed flag is a usage error
 * (exit 2) that names `--help`.
 */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true, allowNegative: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' '); // one line, always
    throw new UsageError(`${msg} — see 'svl ${command} --help'`);
  }
}

/** Parses a positive integer flag. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
  }
  return Number(value);
}

/** For commands that take no positional arguments: a stray word is a usage error, not silently ignored. */
export function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' — see 'svl ${command} --help'`);
}

/** `--help` and `--version`, answered the same way by every command that has them; undefined: carry on. */
export function infoAnswered(io: { stdout: { write(s: string): unknown } }, values: { help?: boolean; version?: boolean }, help: string): number | undefined {
  if (values.help) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  return undefined;
}

/** The optional `[dir]` positional of new/init: more than one is a usage error. */
export function oneDirectory(positionals: string[]): string | undefined {
  if (positionals.length > 1) {
    throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')} — quote a path that has spaces`);
  }
  return positionals[0];
}
