// The interactive path on a real pseudo-terminal (see terminal.ts): every question answered by
// keystrokes, a bad answer rejected in place, and Ctrl-C leaving nothing on disk.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../support/cli.js';
import { KEY, Terminal } from './terminal.js';
import { listTree } from './tree.js';

describe('in a terminal', () => {
  it('asks every question, rejects a bad name in place, and writes what was chosen', async () => {
    const parent = await scratchDir('tty');
    const term = new Terminal(['--no-git'], parent);
    await term.waitFor('Where should the project be created?');
    await term.type(...'my-proj', KEY.enter);
    await term.waitFor('Which template?');
    await term.type(KEY.down, KEY.enter); // cloudrun-ocr → go-lambda
    await term.waitFor('Which flavour?');
    await term.type(KEY.down, KEY.enter); // http → event
    await term.waitFor('Function name?');
    await term.type(...Array(7).fill(KEY.backspace), ...'bad.name', KEY.enter);
    await term.waitFor("'bad.name' is not a valid Lambda function name: use 1-64 of A-Z a-z 0-9 - _");
    await term.type(...Array(8).fill(KEY.backspace), ...'good_name', KEY.enter);
    await term.waitFor('Architecture?');
    await term.type(KEY.down, KEY.enter); // arm64 → x86_64
    await term.waitFor('Memory (MB, 128-10240)?');
    await term.type(...Array(3).fill(KEY.backspace), ...'256', KEY.enter);
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(0);
    expect(term.screen).toContain('Next steps:');
    const config = JSON.parse(await readFile(path.join(parent, 'my-proj', 'svl.json'), 'utf8'));
    expect(config).toMatchObject({ name: 'good_name', language: 'go', flavor: 'event', arch: 'x86_64', memory: 256 });
    expect(await readFile(path.join(parent, 'my-proj', 'go.mod'), 'utf8')).toMatch(/^module good_name$/m);
  });

  it('--yes with a directory and template asks nothing else', async () => {
    const parent = await scratchDir('tty-yes');
    const term = new Terminal(['proj', '--template', 'rust-lambda', '--yes', '--no-git'], parent);
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(0);
    expect(term.screen).not.toContain('?');
    const config = JSON.parse(await readFile(path.join(parent, 'proj', 'svl.json'), 'utf8'));
    expect(config).toMatchObject({ name: 'proj', flavor: 'http', arch: 'arm64', memory: 128 });
  });

  it('CI set: no prompts even on a terminal, so a missing template is a usage error', async () => {
    const parent = await scratchDir('tty-ci');
    const term = new Terminal(['proj'], parent, { CI: 'true' });
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(2);
    expect(term.screen).toContain('the template is required when prompts are off (no terminal, or CI set) — pass --template');
    expect(await listTree(parent)).toEqual([]);
  });

  it('Ctrl-C at a prompt: exit 130, nothing on disk', async () => {
    const parent = await scratchDir('tty-cancel');
    const term = new Terminal(['proj'], parent);
    await term.waitFor('Which template?');
    await term.type(KEY.ctrlC);
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(130);
    expect(term.screen).toContain('cancelled — nothing was written');
    expect(await listTree(parent)).toEqual([]);
  });

  it('a non-empty directory asks before replacing; no leaves it untouched', async () => {
    const parent = await scratchDir('tty-nonempty');
    const first = new Terminal(['proj', '--template', 'go-lambda', '--yes', '--no-git'], parent);
    expect((await first.process).exitCode).toBe(0);
    const before = await listTree(parent);
    const term = new Terminal(['proj', '--template', 'rust-lambda'], parent);
    await term.waitFor('is not empty');
    await term.type(KEY.enter); // default: no
    const result = await term.process;
    expect(result.exitCode, term.screen).toBe(130);
    expect(await listTree(parent)).toEqual(before);
  });
});
