import { adopt } from '../adopt/adopt.js';
import { EXIT, isInteractive, type Io } from '../core/io.js';
import { version } from '../core/version.js';
import { clackPrompter, noPrompter } from '../scaffold/prompter.js';
import { infoAnswered, oneDirectory, parseFlags } from './support/args.js';
import path from 'node:path';

const HELP = `Usage: svl init [dir] [options]

Adopts an existing project (default: the current folder): finds its Lambda functions and writes
svl.json. No other file is created, changed or deleted.

It looks for:
  cargo-lambda crates   each binary of a package depending on lambda_runtime or lambda_http
                        (workspace members too); memory, timeout and env from
                        [package.metadata.lambda.deploy], arch from [package.metadata.lambda.build]
  Go Lambda modules     each main package calling aws-lambda-go's lambda.Start / lambdaurl.Start
  prebuilt artifacts    a bootstrap ELF or a zip with a bootstrap (not under target/ or .svl/)

It prints what it found, what it guessed (an arch no source names: arm64) and the svl.json, then
asks before writing in a terminal. Without a terminal it writes only with --yes: otherwise it
writes nothing and exits 2.

Options:
  --yes, -y           write without asking, accepting the guesses
  --dry-run           print what would be written, write nothing
  --name <name>       project name (default: from the folder)
  --help, -h          this help
  --version, -v       print the version
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      name: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
    'init',
  );
  const answered = infoAnswered(io, values, HELP);
  if (answered !== undefined) return answered;
  const dirArg = oneDirectory(positionals);
  const interactive = isInteractive(io);
  const asking = interactive && !values.yes && !values['dry-run'];
  await adopt({
    dir: path.resolve(io.cwd, dirArg ?? '.'),
    name: values.name,
    yes: values.yes,
    dryRun: values['dry-run'],
    interactive,
    prompt: asking ? await clackPrompter() : noPrompter,
    say: (line) => io.stdout.write(`${line}\n`),
    svlVersion: version(),
  });
  return EXIT.ok;
}
