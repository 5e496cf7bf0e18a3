import { execa } from 'execa';
import { SvlError } from '../core/errors.js';

/** What to tell the user when a tool is not on PATH. */
export const INSTALL_HINTS: Record<string, string> = {
  cargo: 'cargo not found — install Rust from https://rustup.rs (then reopen the shell)',
  'cargo-lambda': "cargo-lambda not found — install it with 'pip install cargo-lambda' (it brings zig)",
  zig: "zig not found (cargo-lambda cross-links with it) — install it with 'pip install ziglang' or 'pip install cargo-lambda'",
  go: 'go not found — install Go from https://go.dev/dl (1.22 or newer)',
};

export interface RunToolOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Each line of stdout/stderr as it arrives. */
  onOutput?: (line: string) => void;
  /** Name of the tool in INSTALL_HINTS when the command itself is a wrapper (e.g. `cargo lambda`). */
  tool?: string;
  /** What failed, for the error line: "cargo lambda build failed". */
  what: string;
  /** Lines of stdout to keep for the caller instead of streaming (e.g. cargo's JSON messages). */
  captureStdout?: boolean;
}

/**
 * Runs a build tool, streaming its output line by line. A missing executable becomes the one-line
 * install hint; a failing build becomes an SvlError whose message ends with the tool's last error
 * lines (the full output already went to onOutput).
 */
export async function runTool(file: string, args: string[], opts: RunToolOptions): Promise<string[]> {
  const stdoutLines: string[] = [];
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    opts.onOutput?.(line);
  };
  const child = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    stdout: ['pipe'],
    stderr: ['pipe'],
    lines: false,
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  splitLines(child.stderr, keep);
  splitLines(child.stdout, (line) => (opts.captureStdout ? stdoutLines.push(line) : keep(line)));
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT' || (result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.message)))) {
    throw new SvlError(INSTALL_HINTS[opts.tool ?? file] ?? `${file} not found — install it and make sure it is on PATH`);
  }
  if (result.exitCode !== 0) {
    const errors = tail.filter((l) => /error/i.test(l)).slice(-3);
    const detail = errors.length > 0 ? `: ${errors.join(' | ').trim()}` : '';
    throw new SvlError(`${opts.what} (exit ${result.exitCode ?? result.signal})${detail} — fix the error above and run again`);
  }
  return stdoutLines;
}

function splitLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (partial) onLine(partial);
    partial = '';
  });
}

/** True when `file` runs (used to detect optional tools before a long build). */
export async function hasTool(file: string, args: string[] = ['--version']): Promise<boolean> {
  const r = await execa(file, args, { reject: false, stdin: 'ignore', timeout: 20_000 });
  return r.exitCode === 0;
}
