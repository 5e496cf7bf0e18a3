import type { RunningTriggers } from './triggers.js';

/**
 * In a terminal: `t` fires the only schedule, or lists them and the next digit fires that one.
 * Raw mode swallows Ctrl-C, so it is raised as SIGINT again. Undefined when stdin is no terminal
 * or nothing is there to fire.
 */
export function listenForTriggerKeys(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown },
  current: () => RunningTriggers,
  say: (line: string) => void,
): { close(): void } | undefined {
  if (!stdin.isTTY || !stdin.setRawMode || current().schedules.length === 0) return undefined;
  stdin.setRawMode(true);
  stdin.resume();
  say('press t to fire a schedule now');
  let picking = false;
  const fire = (name: string) =>
    void current()
      .fire(name)
      .catch((err: Error) => say(err.message));
  const onData = (chunk: Buffer | string) => {
    const key = chunk.toString();
    if (key === '\u0003') {
      process.kill(process.pid, 'SIGINT');
      return;
    }
    const schedules = current().schedules;
    if (picking) {
      picking = false;
      const picked = schedules[Number(key) - 1];
      if (picked) fire(picked.name);
      else say('no schedule fired');
      return;
    }
    if (key !== 't') return;
    if (schedules.length === 1) return fire(schedules[0]!.name);
    picking = true;
    say(
      `fire which schedule? ${schedules
        .slice(0, 9)
        .map((s, i) => `${i + 1}) ${s.name} (${s.fn}, ${s.expression})`)
        .join('  ')}`,
    );
  };
  stdin.on('data', onData);
  return {
    close() {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    },
  };
}
