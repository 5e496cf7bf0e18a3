import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const STAGING_INFIX = '.svl-new-';
const ASIDE_SUFFIX = '-old';
/** How many bytes the longest temporary sibling's name (`.<dir>.svl-new-<8 hex>-old`) adds to the target's. */
export const STAGING_NAME_OVERHEAD = '.'.length + STAGING_INFIX.length + 8 + ASIDE_SUFFIX.length;

/**
 * Builds the project in a temporary sibling of the target and moves it into place at the end, so
 * a failure or a kill leaves either the finished project or the target as it was. The sibling is
 * on the same filesystem, so every move is a rename.
 */
export class ProjectTransaction {
  readonly stagingDir: string;
  /** Where --overwrite sets the target's old contents aside until the new project is in. */
  private readonly asideDir: string;
  /** The first parent directory this run created (removed again on rollback). */
  private createdParent: string | undefined;
  private setAside: string[] = [];
  private movedIn: string[] = [];
  private done = false;

  constructor(readonly targetDir: string) {
    const base = path.basename(targetDir);
    this.stagingDir = path.join(path.dirname(targetDir), `.${base}${STAGING_INFIX}${randomBytes(4).toString('hex')}`);
    this.asideDir = `${this.stagingDir}${ASIDE_SUFFIX}`;
  }

  async begin(): Promise<string> {
    this.createdParent = await mkdir(path.dirname(this.targetDir), { recursive: true });
    await mkdir(this.stagingDir);
    return this.stagingDir;
  }

  /**
   * Moves the staged project into place. A new target is one rename. An existing directory is
   * kept (it may be the user's shell's cwd: `svl new .`) and its contents are swapped instead:
   * the old entries but `.git` are set aside, the new ones moved in, then the old ones removed.
   */
  async commit(): Promise<void> {
    if (!existsSync(this.targetDir)) {
      await rename(this.stagingDir, this.targetDir);
      this.done = true;
      return;
    }
    const old = (await readdir(this.targetDir)).filter((e) => e !== '.git');
    if (old.length > 0) await mkdir(this.asideDir);
    for (const entry of old) {
      await rename(path.join(this.targetDir, entry), path.join(this.asideDir, entry));
      this.setAside.push(entry);
    }
    for (const entry of await readdir(this.stagingDir)) {
      await rename(path.join(this.stagingDir, entry), path.join(this.targetDir, entry));
      this.movedIn.push(entry);
    }
    this.done = true;
    await rm(this.stagingDir, { recursive: true, force: true });
    await rm(this.asideDir, { recursive: true, force: true });
  }

  /** Undoes commit()'s moves and removes what this run created; synchronous so a signal handler can run it. */
  rollback(): void {
    if (this.done) return;
    if (this.movedIn.length > 0) mkdirSync(this.stagingDir, { recursive: true });
    for (const entry of this.movedIn) renameSync(path.join(this.targetDir, entry), path.join(this.stagingDir, entry));
    for (const entry of this.setAside) renameSync(path.join(this.asideDir, entry), path.join(this.targetDir, entry));
    rmSync(this.stagingDir, { recursive: true, force: true });
    if (existsSync(this.asideDir) && readdirSync(this.asideDir).length === 0) rmSync(this.asideDir, { recursive: true });
    if (this.createdParent) rmSync(this.createdParent, { recursive: true, force: true });
  }
}
