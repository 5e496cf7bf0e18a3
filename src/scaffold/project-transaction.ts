import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Builds the project in a temporary sibling of the target and moves it into place at the end, so
 * a failure or a kill leaves either the finished project or nothing (the target as it was).
 * The sibling is on the same filesystem, so the final move is a rename.
 */
export class ProjectTransaction {
  readonly stagingDir: string;
  private readonly asideDir: string;
  /** The first parent directory this run created (removed again on rollback). */
  private createdParent: string | undefined;
  private done = false;
  private setAside = false;
  private gitFrom: string | undefined;

  constructor(readonly targetDir: string) {
    const base = path.basename(targetDir);
    this.stagingDir = path.join(path.dirname(targetDir), `.${base}.svl-new-${randomBytes(4).toString('hex')}`);
    this.asideDir = `${this.stagingDir}-old`;
  }

  async begin(): Promise<string> {
    this.createdParent = await mkdir(path.dirname(this.targetDir), { recursive: true });
    await mkdir(this.stagingDir);
    return this.stagingDir;
  }

  /**
   * Moves the staged project into place. An existing target (allowed by --overwrite) keeps its
   * `.git`; the rest of it is set aside and removed only once the new project is in place.
   */
  async commit(): Promise<void> {
    const entries = existsSync(this.targetDir) ? await readdir(this.targetDir) : [];
    let current = this.targetDir;
    if (entries.some((e) => e !== '.git')) {
      await rename(this.targetDir, this.asideDir);
      this.setAside = true;
      current = this.asideDir;
    }
    if (entries.includes('.git')) {
      await rename(path.join(current, '.git'), path.join(this.stagingDir, '.git'));
      this.gitFrom = path.join(current, '.git');
    }
    // rename() replaces an empty directory (the target, if it held only .git).
    await rename(this.stagingDir, this.targetDir);
    this.done = true;
    if (this.setAside) await rm(this.asideDir, { recursive: true, force: true });
  }

  /** Puts back what commit() moved and removes what this run created; synchronous so a signal handler can run it. */
  rollback(): void {
    if (this.done) return;
    if (this.gitFrom) renameSync(path.join(this.stagingDir, '.git'), this.gitFrom);
    if (this.setAside) renameSync(this.asideDir, this.targetDir);
    rmSync(this.stagingDir, { recursive: true, force: true });
    if (this.createdParent) rmSync(this.createdParent, { recursive: true, force: true });
  }
}
