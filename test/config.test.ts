import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config/svl-config.js';

describe('svl.json validation', () => {
  it('fills Lambda defaults', async () => {
    const c = await parseConfig(JSON.stringify({ name: 'fn', platform: 'lambda', language: 'go' }));
    expect(c).toMatchObject({ arch: 'arm64', memory: 128, timeout: 10, runtime: 'provided.al2023', environment: {} });
  });

  it('names the path of each bad field', async () => {
    const bad = JSON.stringify({ name: 'bad name!', platform: 'lambda', language: 'go', memory: 64, size: { zip: 'lots' }, extra: 1 });
    const err = await parseConfig(bad).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('/name must match pattern');
    expect(msg).toContain('/memory must be >= 128');
    expect(msg).toContain('/size/zip');
    expect(msg).toContain("unknown field 'extra'");
  });

  it('rejects invalid JSON with the parse error and the fix, in one line', async () => {
    const err = (await parseConfig('{ nope').catch((e: Error) => e)) as Error & { exitCode?: number };
    expect(err.message).toMatch(/^svl\.json is not valid JSON \(.+\) — fix the JSON syntax in svl\.json$/);
    expect(err.message).not.toContain('\n');
    expect(err.exitCode).toBe(1);
  });

  it('tells a missing svl.json from one it cannot read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'svl-config-'));
    await expect(loadConfig(dir)).rejects.toMatchObject({
      exitCode: 1,
      message: `no svl.json in ${dir} — run svl inside a generated project, or create one with 'svl new'`,
    });
    await mkdir(path.join(dir, 'svl.json'));
    await expect(loadConfig(dir)).rejects.toMatchObject({
      exitCode: 1,
      message: `cannot read ${path.join(dir, 'svl.json')} (EISDIR) — make it a readable file`,
    });
  });
});
