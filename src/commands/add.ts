import { parseFlags } from './support/args.js';
import { UsageError } from '../core/errors.js';
import { EXIT, type Io } from '../core/io.js';
import { version } from '../core/version.js';
import { addFunction } from '../scaffold/add-function.js';
import { templatesRoot } from '../scaffold/templates.js';

const HELP = `Usage: svl add <name> --template <id> [options]

Adds a Lambda function to the project around the current directory (the nearest svl.json above
it), in functions/<name>/. Rust functions join the project's one cargo workspace, Go functions its
one Go module; svl.json, the README's function list and the CI workflow are updated to match.

Options:
  --template <id>     rust-lambda | go-lambda                          (required)
  --flavor <f>        http (function URL, default) | event (any JSON) | sqs | s3 | schedule |
                      dynamodb (stream records) | stream (streamed URL response)
  --memory <MB>       the function's memory, 128 to 10240 (default: the project's)
  --dry-run           say what would be written, write nothing
  --help, -h          this help
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      template: { type: 'string', short: 't' },
      flavor: { type: 'string' },
      memory: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'add',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one function name, got ${positionals.length}: ${positionals.join(' ')} — add one function per 'svl add'`);
  }
  await addFunction({
    cwd: io.cwd,
    env: io.env,
    name: positionals[0],
    template: values.template,
    flavor: values.flavor,
    memory: values.memory,
    dryRun: values['dry-run'],
    say: (line) => io.stdout.write(`${line}\n`),
    templatesRoot: templatesRoot(io.env),
    svlVersion: version(),
  });
  return EXIT.ok;
}
