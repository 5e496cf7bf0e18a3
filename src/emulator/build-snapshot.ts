import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { devDir } from '../project/layout.js';

/**
 * Copies each host build to its own file before running it: the next build overwrites
 * `.svl/dev/<name>/bootstrap` while sandboxes on the previous build are still finishing.
 */
export class BuildSnapshots {
  private n = 0;
  readonly dir: string;

  constructor(projectRoot: string, name: string, subdir = 'run') {
    this.dir = path.join(devDir(projectRoot, name), subdir);
  }

  async take(binary: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const target = path.join(this.dir, `bootstrap-${process.pid}-${++this.n}`);
    await copyFile(binary, target);
    return target;
  }

  async removeAll(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
