// Commands receive their I/O (size-limit style): tests call them with fakes, bin/ wires the real
// process once.
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  /** Arguments after the command name. */
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  cancelled: 130,
} as const;

/** True when prompts and spinners may be shown: both ends are terminals and CI is not set. */
export function isInteractive(io: Pick<Io, 'stdin' | 'stdout' | 'env'>): boolean {
  return Boolean(io.stdin.isTTY && io.stdout.isTTY && !io.env.CI);
}
