import { UsageError } from '../core/errors.js';
import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { SAMPLE_SOURCES } from '../events/samples.js';
import { COMMON_HELP, SOURCE_NAMES, parseSampleFlags, sampleEvent, sampleSource, sourceHelp } from './support/sample-flags.js';

const HELP = `Usage: svl events <source> [options]
       svl events --list

Prints a sample event for <source> (JSON, the shape AWS sends) to stdout; no project needed.
'svl invoke --example <source> [options]' sends one to a function.

Sources: ${SOURCE_NAMES.join(', ')}  ('svl events <source> --help' for its options)

Options for every source:
${COMMON_HELP.map((l) => `  ${l}`).join('\n')}
  --list              list the sources
  -h, --help          show this help
`;

export async function run(io: Io): Promise<number> {
  const first = io.argv[0];
  if (first === undefined || first === '--help' || first === '-h') {
    io.stdout.write(HELP);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--list') {
    const width = Math.max(...SOURCE_NAMES.map((s) => s.length));
    io.stdout.write(SOURCE_NAMES.map((s) => `${s.padEnd(width)}  ${SAMPLE_SOURCES[s]}\n`).join(''));
    return EXIT.ok;
  }
  const source = sampleSource(first.startsWith('-') ? undefined : first, 'events');
  const { values, positionals } = parseSampleFlags(io.argv.slice(1), source, { help: { type: 'boolean', short: 'h' } }, 'events');
  if (values.help) {
    io.stdout.write(
      `Usage: svl events ${source} [options]\n\n${SAMPLE_SOURCES[source]}\n\nOptions:\n${[...sourceHelp(source), ...COMMON_HELP].map((l) => `  ${l}`).join('\n')}\n`,
    );
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' — see 'svl events ${source} --help'`);
  io.stdout.write(`${JSON.stringify(sampleEvent(source, values, io.env), null, 2)}\n`);
  return EXIT.ok;
}
