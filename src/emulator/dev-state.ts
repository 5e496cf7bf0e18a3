import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Written by a running `svl dev` so `svl invoke` finds its port. */
export interface DevState {
  pid: number;
  port: number;
  host: string;
  /** The Lambda functions it serves. */
  functions: string[];
}

const file = (projectRoot: string) => path.join(projectRoot, '.svl', 'dev', 'dev.json');

export async function writeDevState(projectRoot: string, state: DevState): Promise<void> {
  await mkdir(path.dirname(file(projectRoot)), { recursive: true });
  await writeFile(file(projectRoot), JSON.stringify(state));
}

export async function removeDevState(projectRoot: string): Promise<void> {
  await rm(file(projectRoot), { force: true });
}

/** The running `svl dev` for this project, if its process is still alive. */
export async function readDevState(projectRoot: string): Promise<DevState | undefined> {
  try {
    const state = JSON.parse(await readFile(file(projectRoot), 'utf8')) as DevState;
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}
