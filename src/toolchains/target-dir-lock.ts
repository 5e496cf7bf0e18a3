import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SvlError } from '../core/errors.js';

/**
 * Every Rust project in a shared CARGO_TARGET_DIR names its binary `bootstrap`, so two builds write
 * the same file. Cargo locks the target dir only while compiling; this lock also covers copying the
 * binary out, so a concurrent build of another project cannot swap it in between.
 */
export async function withTargetDirLock<T>(targetDir: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const lockDir = path.join(targetDir, '.svl-build.lock');
  await mkdir(targetDir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await holderIsGone(lockDir)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SvlError(`timed out waiting for ${lockDir} — remove it if no svl build is running`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** A lock without its pid file for longer than this was left by a process that died creating it. */
const PID_WRITE_GRACE_MS = 10_000;

async function holderIsGone(lockDir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // No pid yet: being created right now, unless its creator died between mkdir and writeFile.
    const created = await stat(lockDir).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    return Date.now() - created > PID_WRITE_GRACE_MS;
  }
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
