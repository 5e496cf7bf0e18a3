import { infoAnswered, oneDirectory, parseFlags } from './support/args.js';
import { EXIT, isInteractive, type Io } from '../core/io.js';
import { version } from '../core/version.js';
import type { BaseContext } from '../scaffold/context.js';
import { clackPrompter, noPrompter } from '../scaffold/prompter.js';
import { scaffold } from '../scaffold/scaffold.js';
import { templatesRoot } from '../scaffold/templates.js';

const HELP = `Usage: svl new [dir] [options]   (same as: npm create serverless-lang@latest -- [dir] [options])

Generates a Rust or Go function for AWS Lambda or Google Cloud Run.
Asks for anything not given when run in a terminal; otherwise uses the defaults.

Options:
  --template <id>     rust-lambda | go-lambda | cloudrun-ocr       (required without a terminal)
  --flavor <f>        Lambda: http (function URL, default) | event (any JSON) | sqs | s3 |
                      schedule | dynamodb (stream records) | stream (streamed URL response)
  --lang <l>          cloudrun-ocr: go (default) | rust
  --name <name>       function/service name (default: from the directory)
  --arch <a>          Lambda: arm64 (default, cheaper per GB-second) | x86_64
  --memory <MB>       Lambda: 128 (default) to 10240
  --yes, -y           accept the default of every question
  --overwrite         replace the contents of a non-empty directory (keeps .git)
  --no-git            skip git init and the first commit
  --dry-run           say what would be done, write nothing
  --help, -h          this help
  --version, -v       print the version
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      template: { type: 'string', short: 't' },
      flavor: { type: 'string' },
      lang: { type: 'string' },
      name: { type: 'string' },
      arch: { type: 'string' },
      memory: { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      overwrite: { type: 'boolean', default: false },
      git: { type: 'boolean', default: true },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
    'new',
  );
  const answered = infoAnswered(io, values, HELP);
  if (answered !== undefined) return answered;
  const dirArg = oneDirectory(positionals);
  const interactive = isInteractive(io);
  const base: BaseContext = {
    cwd: io.cwd,
    env: io.env,
    interactive,
    yes: values.yes,
    dryRun: values['dry-run'],
    git: values.git,
    overwrite: values.overwrite,
    flags: {
      dir: dirArg,
      template: values.template,
      flavor: values.flavor,
      lang: values.lang,
      name: values.name,
      arch: values.arch,
      memory: values.memory,
    },
    prompt: interactive ? await clackPrompter() : noPrompter,
    say: (line) => io.stdout.write(`${line}\n`),
    templatesRoot: templatesRoot(io.env),
    svlVersion: version(),
  };
  await scaffold(base);
  return EXIT.ok;
}
