// What `npm create serverless-lang` runs: `svl new` alone. It imports no other command, so the
// create-serverless-lang bundle holds only what generating needs (scripts/build-create-package.mjs).
import * as newCommand from '../commands/new.js';
import { processIo, runCommand } from './run-command.js';

export function mainCreate(proc: NodeJS.Process): void {
  runCommand(newCommand, processIo(proc, proc.argv.slice(2))).then((code) => {
    proc.exitCode = code;
  });
}
