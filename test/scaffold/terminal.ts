import { execa, type ResultPromise } from 'execa';
import { CREATE_BIN } from '../support/paths.js';

// Runs the BUILT CLI on a real pseudo-terminal: util-linux `script` allocates the pty and relays
// our keystrokes (its stdin) to it, so clack sees a TTY exactly as it would for a user.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[78=>]/g;

export const KEY = { enter: '\r', down: '\x1b[B', ctrlC: '\x03', backspace: '\x7f' } as const;

export class Terminal {
  private output = '';
  private seen = 0;
  readonly process: ResultPromise;

  /** `bin`: the built entry point to run (default create-serverless-lang; SVL_BIN for `svl <command>`). */
  constructor(args: string[], cwd: string, env: Record<string, string | undefined> = {}, bin = CREATE_BIN) {
    const quoted = ['node', bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    // No CI variable: prompts appear only when CI is unset.
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...inherited } = process.env;
    // The pty starts 0×0 when we have no terminal ourselves; clack would wrap at one column.
    this.process = execa('script', ['-qfec', `stty cols 120 rows 40; exec ${quoted}`, '/dev/null'], {
      cwd,
      env: { ...inherited, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40', NO_COLOR: '1', ...env },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    this.process.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString().replace(ANSI, '');
    });
  }

  /** Waits until `text` appears after what was already matched; fails with the screen so far. */
  async waitFor(text: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const at = this.output.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        // Let the prompt finish drawing and start listening before we type.
        await new Promise((r) => setTimeout(r, 150));
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${JSON.stringify(text)}; terminal so far:\n${this.output}`);
  }

  async type(...keys: string[]): Promise<void> {
    for (const key of keys) {
      this.process.stdin?.write(key);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  get screen(): string {
    return this.output;
  }
}
