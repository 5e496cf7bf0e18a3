import { closeSync, openSync, readSync } from 'node:fs';

// Lambda's "Max Memory Used" is the sandbox's peak resident memory. On the host the closest
// measure is the peak RSS (VmHWM) of the function's process tree, which the kernel keeps for us,
// so no sampling is needed for the REPORT; VmRSS is sampled only to enforce MemorySize.
// /proc files are regenerated on every read from offset 0, so each one is opened once per process
// and re-read with a single pread: this runs on every invocation.

const buffer = Buffer.alloc(4096);

export class ProcessTreeMemory {
  private readonly fds = new Map<string, number>();

  constructor(private readonly root: number) {}

  /** Peak resident bytes of the process and its descendants (sum of each one's peak). */
  peakBytes(): number {
    return this.sum('VmHWM');
  }

  /** Current resident bytes of the process tree. */
  currentBytes(): number {
    return this.sum('VmRSS');
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private read(file: string): string | undefined {
    let fd = this.fds.get(file);
    try {
      if (fd === undefined) {
        fd = openSync(file, 'r');
        this.fds.set(file, fd);
      }
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.toString('latin1', 0, n);
    } catch {
      // the process is gone (ESRCH/ENOENT): forget the descriptor
      if (fd !== undefined) {
        closeSync(fd);
        this.fds.delete(file);
      }
      return undefined;
    }
  }

  private sum(field: 'VmHWM' | 'VmRSS'): number {
    let total = 0;
    const stack = [this.root];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      const status = this.read(`/proc/${pid}/status`);
      if (status === undefined) continue;
      const at = status.indexOf(`${field}:`);
      if (at !== -1) total += parseInt(status.slice(at + field.length + 1), 10) * 1024;
      const children = this.read(`/proc/${pid}/task/${pid}/children`)?.trim();
      if (children) stack.push(...children.split(' ').map(Number));
    }
    return total;
  }
}
