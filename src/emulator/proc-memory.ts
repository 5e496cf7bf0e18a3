import { readFileSync } from 'node:fs';

// Lambda's "Max Memory Used" is the sandbox's peak resident memory. On the host the closest
// measure is the peak RSS (VmHWM) of the function's process tree, which the kernel keeps for us,
// so no sampling is needed for the REPORT; VmRSS is sampled only to enforce MemorySize.

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const at = status.indexOf(`${field}:`);
    return at === -1 ? 0 : parseInt(status.slice(at + field.length + 1), 10) * 1024;
  } catch {
    return 0; // the process is gone
  }
}

function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim();
    return text ? text.split(' ').map(Number) : [];
  } catch {
    return [];
  }
}

function sumOverTree(root: number, field: 'VmHWM' | 'VmRSS'): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += statusField(pid, field);
    stack.push(...childrenOf(pid));
  }
  return total;
}

/** Peak resident bytes of the process and its descendants (sum of each one's peak). */
export const peakRssBytes = (pid: number) => sumOverTree(pid, 'VmHWM');
/** Current resident bytes of the process tree. */
export const currentRssBytes = (pid: number) => sumOverTree(pid, 'VmRSS');
