import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError } from '../core/errors.js';

export interface StagedFile {
  /** Relative to the root, posix. */
  rel: string;
  content: string | Buffer;
  mode?: number;
}

interface Step {
  rel: string;
  target: string;
  temp: string;
  /** The target's previous version, set aside until every step is in. */
  aside?: string;
  done: boolean;
}

/**
 * Changes to an existing project made all at once or not at all. Every new folder and file is
 * first written next to its target under a temporary name (phase 1, where most failures happen);
 * then each is renamed into place, the old version set aside (phase 2); the set-aside versions are
 * removed last. A failure in either phase puts back what was there and removes what was added.
 * Steps run in the order added, so the file that makes the change visible (svl.json) goes last.
 */
export class StagedChanges {
  private readonly dirs: { rel: string; files: StagedFile[] }[] = [];
  private readonly files: StagedFile[] = [];

  constructor(
    readonly root: string,
    /** Test hook: phase 2 fails on reaching this path (SVL_TEST_FAIL_WRITE). */
    private readonly failAt?: string,
  ) {}

  /** A new folder with these files (paths relative to the folder). */
  directory(rel: string, files: StagedFile[]): void {
    this.dirs.push({ rel, files });
  }

  /** A new or replaced file. */
  file(rel: string, content: string | Buffer, mode?: number): void {
    this.files.push({ rel, content, mode });
  }

  /** What commit() would do, in order: for --dry-run. */
  plan(): { rel: string; action: 'create' | 'update'; files?: string[] }[] {
    return [
      ...this.dirs.map((d) => ({ rel: d.rel, action: 'create' as const, files: d.files.map((f) => f.rel) })),
      ...this.files.map((f) => ({ rel: f.rel, action: existsSync(this.abs(f.rel)) ? ('update' as const) : ('create' as const) })),
    ];
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  async commit(): Promise<void> {
    const token = randomBytes(4).toString('hex');
    const steps: Step[] = [];
    const createdDirs: string[] = [];
    const step = (rel: string): Step => {
      const target = this.abs(rel);
      const s: Step = { rel, target, temp: path.join(path.dirname(target), `.${path.basename(target)}.svl-add-${token}`), done: false };
      steps.push(s);
      return s;
    };
    const ensureParent = async (p: string) => {
      const made = await mkdir(path.dirname(p), { recursive: true });
      if (made) createdDirs.push(made);
    };
    let current = '';
    try {
      for (const dir of this.dirs) {
        current = dir.rel;
        const s = step(dir.rel);
        await ensureParent(s.temp);
        await mkdir(s.temp);
        for (const f of dir.files) {
          const dest = path.join(s.temp, ...f.rel.split('/'));
          await mkdir(path.dirname(dest), { recursive: true });
          await writeFile(dest, f.content);
          if (f.mode !== undefined) await chmod(dest, f.mode);
        }
      }
      for (const f of this.files) {
        current = f.rel;
        const s = step(f.rel);
        await ensureParent(s.temp);
        await writeFile(s.temp, f.content);
        const old = await stat(s.target).catch(() => undefined);
        const mode = f.mode ?? (old ? old.mode & 0o777 : undefined);
        if (mode !== undefined) await chmod(s.temp, mode);
      }
      for (const s of steps) {
        current = s.rel;
        if (this.failAt === s.rel) throw Object.assign(new Error('injected failure (SVL_TEST_FAIL_WRITE)'), { code: 'ETEST' });
        if (existsSync(s.target)) {
          s.aside = `${s.temp}-old`;
          await rename(s.target, s.aside);
        }
        await rename(s.temp, s.target);
        s.done = true;
      }
    } catch (err) {
      await this.undo(steps, createdDirs);
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new SvlError(`cannot write ${this.abs(current)} (${code}) — nothing was changed; fix that and run the command again`);
    }
    for (const s of steps) if (s.aside) await rm(s.aside, { recursive: true, force: true });
  }

  private async undo(steps: Step[], createdDirs: string[]): Promise<void> {
    for (const s of [...steps].reverse()) {
      if (s.done) await removeIfThere(s.target);
      if (s.aside && existsSync(s.aside)) await rename(s.aside, s.target);
      await removeIfThere(s.temp);
    }
    for (const d of createdDirs.reverse()) await removeIfThere(d);
  }
}

/** rm -rf that also accepts a path whose parent is not a folder (what made the write fail). */
async function removeIfThere(p: string): Promise<void> {
  await rm(p, { recursive: true, force: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTDIR') throw err;
  });
}
