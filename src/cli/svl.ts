import { version } from '../core/version.js';
import type { Io } from '../core/io.js';
import { EXIT } from '../core/io.js';
import { type CommandModule, processIo, runCommand } from './run-command.js';

// Commands load lazily so `svl --help` and each command start without importing the others
// (the AWS SDK alone costs ~100 ms).
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  new: { summary: 'generate a project (same as npm create serverless-lang)', load: () => import('../commands/new.js') },
  init: { summary: 'adopt an existing Rust/Go Lambda project: detect its functions, write svl.json', load: () => import('../commands/init.js') },
  add: { summary: 'add a Rust or Go Lambda function to the project (functions/<name>/)', load: () => import('../commands/add.js') },
  dev: { summary: 'run the function locally with hot rebuild (Lambda emulator / Cloud Run)', load: () => import('../commands/dev.js') },
  invoke: { summary: 'invoke the function locally or remotely', load: () => import('../commands/invoke.js') },
  events: { summary: 'print a sample event (sqs, s3, schedule, dynamodb, http, apigw, alb)', load: () => import('../commands/events.js') },
  build: { summary: 'optimized release build and reproducible zip', load: () => import('../commands/build.js') },
  size: { summary: 'binary and zip size against the budget', load: () => import('../commands/size.js') },
  deploy: { summary: 'deploy to AWS Lambda or Cloud Run', load: () => import('../commands/deploy.js') },
};

export { version } from '../core/version.js';

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `svl ${version()} — compiled serverless functions, small, fast and cheap

Usage: svl <command> [options]

Commands:
${lines.join('\n')}

Run 'svl <command> --help' for a command's options.
`;
}

/** Runs one svl invocation; returns the exit code. Errors the user can fix print one line. */
export async function runSvl(io: Io): Promise<number> {
  const [name, ...rest] = io.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`svl: unknown command '${name}' — valid: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT.usage;
  }
  return runCommand(await command.load(), { ...io, argv: rest });
}

export function main(proc: NodeJS.Process): void {
  runSvl(processIo(proc, proc.argv.slice(2))).then((code) => {
    proc.exitCode = code;
  });
}
