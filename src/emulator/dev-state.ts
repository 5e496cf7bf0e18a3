import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { devDir } from '../project/layout.js';

/** Written by a running `svl dev` so `svl invoke` finds its port. */
export interface DevState {
  pid: number;
  port: number;
  host: string;
}

const file = (projectDir: string, name: string) => path.join(devDir(projectDir, name), 'dev.json');

export async function writeDevState(projectDir: string, name: string, state: DevState): Promise<void> {
  await writeFile(file(projectDir, name), JSON.stringify(state));
}

export async function removeDevState(projectDir: string, name: string): Promise<void> {
  await rm(file(projectDir, name), { force: true });
}

/** The running `svl dev` for this project, if its process is still alive. */
export async function readDevState(projectDir: string, name: string): Promise<DevState | undefined> {
  try {
    const state = JSON.parse(await readFile(file(projectDir, name), 'utf8')) as DevState;
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}
