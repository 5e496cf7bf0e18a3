import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readElfLayout } from '../../src/toolchains/elf-layout.js';
import { goPackageOf } from '../../src/toolchains/go.js';
import { remapPathConfig } from '../../src/toolchains/rust-path-remap.js';
import type { CargoWorkspace } from '../../src/toolchains/cargo-workspace.js';
import { svl, testEnv } from '../support/cli.js';
import { CARGO_TARGET_DIR } from '../support/paths.js';
import { generateLambdaProject } from './generate.js';

interface Why {
  breakdown: { name: string; kind: string; bytes: number }[];
  breakdownOf: { bytes: number; textBytes: number; method: string };
}

async function buildAndExplain(template: 'rust-lambda' | 'go-lambda', flavor: 'event' | 'http') {
  const project = await generateLambdaProject(template, flavor, 'x86_64');
  const built = await svl(['build'], { cwd: project.dir, timeout: 20 * 60_000 });
  expect(built.exitCode, built.all).toBe(0);
  const r = await svl(['size', '--why', '--json'], { cwd: project.dir, timeout: 20 * 60_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const why = JSON.parse(r.stdout) as Why;
  // Every byte of the measured file is in exactly one row.
  expect(why.breakdown.reduce((n, e) => n + e.bytes, 0)).toBe(why.breakdownOf.bytes);
  return { project, why };
}

const within = (ours: number, theirs: number, tolerance: number) => Math.abs(ours - theirs) <= theirs * tolerance;

describe.each(['event', 'http'] as const)('svl size --why on the Rust %s template', (flavor) => {
  it(
    'agrees with cargo bloat --crates --split-std on the same unstripped binary, top 10 crates within 10 %',
    async () => {
      const { project, why } = await buildAndExplain('rust-lambda', flavor);
      // cargo-bloat builds the project itself: the same profile (release, strip off — it sets
      // CARGO_PROFILE_RELEASE_STRIP=false), target dir and path remapping as svl make cargo reuse
      // svl's build (or rebuild the same bytes, if another project's flags replaced shared
      // dependencies meanwhile: the build is reproducible), so both read one file.
      const ws = { root: project.dir, targetDir: CARGO_TARGET_DIR } as CargoWorkspace;
      const [, config] = remapPathConfig(ws);
      const bloat = await execa(
        'cargo',
        ['bloat', '--release', '--bin', project.name, '--crates', '--split-std', '-n', '0', '--message-format', 'json', '--config', config!],
        { cwd: project.dir, env: testEnv(), timeout: 20 * 60_000 },
      );
      const theirs = JSON.parse(bloat.stdout) as { 'file-size': number; 'text-section-size': number; crates: { name: string; size: number }[] };
      expect(theirs['file-size']).toBe(why.breakdownOf.bytes);
      expect(theirs['text-section-size']).toBe(why.breakdownOf.textBytes);
      const ours = new Map(why.breakdown.filter((e) => e.kind === 'crate').map((e) => [e.name, e.bytes]));
      const table = theirs.crates.slice(0, 10).map((c) => ({ crate: c.name, cargoBloat: c.size, svl: ours.get(c.name) ?? 0 }));
      console.log(`rust ${flavor}: svl vs cargo-bloat\n${table.map((t) => `${t.crate}\t${t.svl}\t${t.cargoBloat}`).join('\n')}`);
      for (const t of table) expect(within(t.svl, t.cargoBloat, 0.1), `${t.crate}: svl ${t.svl}, cargo-bloat ${t.cargoBloat}`).toBe(true);
    },
    60 * 60_000,
  ); // three release builds with LTO (Lambda, symbols, cargo-bloat's no-op) on a shared target dir
});

describe('svl size --why on the Go event template', () => {
  it('agrees with go tool nm -size per package within 1 %, rows summing to the file', async () => {
    const { project, why } = await buildAndExplain('go-lambda', 'event');
    // The same build svl measures (its release flags without -s -w): Go builds are reproducible.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'svl-why-go-'));
    try {
      const binary = path.join(tmp, 'bootstrap');
      await execa('go', ['build', '-tags', 'lambda.norpc', '-trimpath', '-buildvcs=false', '-ldflags=-buildid=', '-o', binary, '.'], {
        cwd: project.dir,
        env: { ...testEnv(), CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' },
      });
      const layout = await readElfLayout(binary);
      expect(layout.fileBytes).toBe(why.breakdownOf.bytes);
      // go tool nm lists .bss/.noptrbss symbols too: they take no file bytes.
      const zeroed = layout.sections.filter((s) => s.nobits && s.size > 0);
      const nm = await execa('go', ['tool', 'nm', '-size', binary], { env: testEnv() });
      const theirs = new Map<string, number>();
      for (const line of nm.stdout.split('\n')) {
        const m = /^\s*([0-9a-f]+)\s+(\d+)\s+\S\s+(.+)$/.exec(line);
        if (!m || m[2] === '0') continue;
        const addr = Number.parseInt(m[1]!, 16);
        if (zeroed.some((s) => addr >= s.addr && addr < s.addr + s.size)) continue;
        const pkg = goPackageOf(m[3]!);
        theirs.set(pkg, (theirs.get(pkg) ?? 0) + Number(m[2]));
      }
      const top = [...theirs].sort((a, b) => b[1] - a[1]).slice(0, 10);
      const ours = new Map(why.breakdown.filter((e) => e.kind === 'package').map((e) => [e.name, e.bytes]));
      console.log(`go event: svl vs go tool nm\n${top.map(([p, n]) => `${p}\t${ours.get(p) ?? 0}\t${n}`).join('\n')}`);
      for (const [pkg, n] of top) expect(within(ours.get(pkg) ?? 0, n, 0.01), `${pkg}: svl ${ours.get(pkg)}, go tool nm ${n}`).toBe(true);
      // What no symbol covers is named: the pc/line table above all.
      expect(why.breakdown.find((e) => e.name === '.gopclntab')?.kind).toBe('section');
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
