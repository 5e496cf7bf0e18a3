import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Where svl dev looks for external extensions: the function folder's extensions/, as Lambda's /opt/extensions. */
export const EXTENSIONS_DIR = 'extensions';

export interface ExternalExtension {
  /** The file name: what Lambda expects the extension to register as. */
  name: string;
  child: ChildProcess;
}

/** The executables in `<taskRoot>/extensions`, sorted by name (Lambda starts them in that order). */
export function externalExtensionFiles(taskRoot: string): string[] {
  const dir = path.join(taskRoot, EXTENSIONS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((name) => {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Starts each external extension as its own process with the function's environment; their
 * output is the function's log, as on Lambda.
 */
export function startExternalExtensions(
  taskRoot: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
  onExit: (name: string, reason: string) => void,
): ExternalExtension[] {
  return externalExtensionFiles(taskRoot).map((name) => {
    const child = spawn(path.join(taskRoot, EXTENSIONS_DIR, name), [], { cwd: taskRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
    child.on('error', (err) => onExit(name, err.message));
    child.on('exit', (code, signal) => onExit(name, signal ? `signal: ${signal}` : `exit status ${code}`));
    return { name, child };
  });
}

/** Kills an extension's process group (it may have started children of its own). */
export function killExtension(ext: ExternalExtension): void {
  const { child } = ext;
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Resolves when the extension's process has ended. */
export function extensionExited(ext: ExternalExtension): Promise<void> {
  const { child } = ext;
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}
