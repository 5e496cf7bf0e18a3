import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Arch } from '../project/project.js';
import { devDir, stagingDir } from '../project/layout.js';
import {
  binaryName,
  type BuildInputs,
  type BuildRequest,
  type BuildResult,
  type DevBuildRequest,
  type Packaging,
  type SizeBreakdown,
  type Toolchain,
} from './toolchain.js';
import { runTool } from './run-tool.js';
import { readElfLayout } from './elf-layout.js';
import { fileRows } from './symbol-sizes.js';

const GOARCH: Record<Arch, string> = { arm64: 'arm64', x86_64: 'amd64' };

/**
 * `lambda.norpc` drops aws-lambda-go's net/rpc shim (only the retired go1.x runtime needs it); a
 * container build has no Lambda shim to drop. -trimpath, -buildvcs=false and an empty build id
 * make the bytes depend on the sources only.
 */
function releaseArgs(output: string, strip: boolean, packaging: Packaging): string[] {
  const ldflags = strip ? '-s -w -buildid=' : '-buildid=';
  const tags = packaging === 'lambda' ? ['-tags', 'lambda.norpc'] : [];
  return ['build', ...tags, '-trimpath', '-buildvcs=false', `-ldflags=${ldflags}`, '-o', output, '.'];
}

function crossEnv(arch: Arch, extra?: Record<string, string | undefined>) {
  return { ...extra, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: GOARCH[arch] };
}

export const goToolchain: Toolchain = {
  language: 'go',

  async build(reqs: BuildRequest[]): Promise<BuildResult[]> {
    const results: BuildResult[] = [];
    // One `go build` per main package: the build cache makes the shared packages free after the first.
    for (const req of reqs) {
      const binaryPath = path.join(stagingDir(req.fn.root, req.fn.name), binaryName(req));
      await mkdir(path.dirname(binaryPath), { recursive: true });
      await runTool('go', releaseArgs(binaryPath, true, req.packaging), {
        cwd: req.fn.dir,
        env: crossEnv(req.arch, req.env),
        onOutput: req.onOutput,
        what: `go build (linux/${GOARCH[req.arch]}) failed`,
      });
      results.push({ fn: req.fn, binaryPath });
    }
    return results;
  },

  async devBuild(reqs: DevBuildRequest[]): Promise<BuildResult[]> {
    const results: BuildResult[] = [];
    for (const req of reqs) {
      const binaryPath = path.join(devDir(req.fn.root, req.fn.name), 'bootstrap');
      await mkdir(path.dirname(binaryPath), { recursive: true });
      // A host build: svl dev runs the binary here. release adds the same flags as the real build.
      const args = req.release
        ? releaseArgs(binaryPath, true, req.fn.platform === 'lambda' ? 'lambda' : 'container')
        : ['build', ...(req.fn.platform === 'lambda' ? ['-tags', 'lambda.norpc'] : []), '-o', binaryPath, '.'];
      await runTool('go', args, { cwd: req.fn.dir, env: req.env, onOutput: req.onOutput, what: 'go build failed' });
      results.push({ fn: req.fn, binaryPath });
    }
    return results;
  },

  async test(req): Promise<void> {
    await runTool('go', ['test', './...'], { cwd: req.fn.dir, env: req.env, onOutput: req.onOutput, what: 'go test failed' });
  },

  async sizeBreakdown(req: BuildRequest): Promise<SizeBreakdown> {
    // Same flags as the release build but keeping the symbol table, so every symbol can be named.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'svl-go-nm-'));
    try {
      const binary = path.join(tmp, 'bootstrap');
      await runTool('go', releaseArgs(binary, false, req.packaging), {
        cwd: req.fn.dir,
        env: crossEnv(req.arch, req.env),
        onOutput: req.onOutput,
        what: 'go build (with symbols, for --why) failed',
      });
      const layout = await readElfLayout(binary);
      // Symbols in .bss/.noptrbss take no file bytes (fileRows skips them): `go tool nm` lists them as data.
      const rows = fileRows(layout, (s) => (s.type <= 2 ? goPackageOf(s.name) : null), 'package');
      return {
        binary: 'the release build with its symbol table kept (-ldflags without -s -w)',
        fileBytes: layout.fileBytes,
        textBytes: layout.sections.find((s) => s.name === '.text')?.size ?? 0,
        rows,
        method:
          "packages: every symbol's bytes (code, read-only data, type descriptors), as 'go tool nm -size' lists them without the zeroed .bss/.noptrbss; " +
          'what no symbol covers — most of .gopclntab (the function and line table), .go.buildinfo, the symbol and DWARF tables the shipped build strips (-s -w) — is a row per section.',
      };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },

  async inputs(fn, env): Promise<BuildInputs> {
    // The main package and every package of this module it imports: a save elsewhere in the module
    // does not touch this function.
    const out = await runTool('go', ['list', '-deps', '-f', '{{if not .Standard}}{{.Dir}}{{end}}', '.'], {
      cwd: fn.dir,
      env,
      captureStdout: true,
      what: `go list of ${fn.name} failed (is go.mod valid?)`,
    });
    const gomod = (await runTool('go', ['env', 'GOMOD'], { cwd: fn.dir, env, captureStdout: true, what: 'go env GOMOD failed' })).join('').trim();
    const moduleRoot = gomod && gomod !== os.devNull ? path.dirname(gomod) : fn.dir;
    const dirs = out.map((l) => l.trim()).filter((d) => d && (d === moduleRoot || d.startsWith(moduleRoot + path.sep)));
    const files = ['go.mod', 'go.sum', 'go.work', 'go.work.sum'].map((f) => path.join(moduleRoot, f));
    return { trees: [], dirs, exclude: [], files, isSource: (base) => base.endsWith('.go') && !base.endsWith('_test.go') };
  },
};

/**
 * The import path a Go symbol belongs to: `github.com/aws/aws-lambda-go/lambda.(*Function).Invoke`
 * → `github.com/aws/aws-lambda-go/lambda`; `type:*net/http.Request` → `net/http`.
 */
export function goPackageOf(symbol: string): string {
  if (symbol.startsWith('go:') && !symbol.startsWith('go:itab.')) return '(go metadata)';
  const s = symbol.replace(/^(type:|go:itab\.)/, '').replace(/^[*&]+/, '');
  // Generic instantiations and method receivers may contain other paths: cut them off first.
  const head = s.split(/[[(]/)[0]!;
  const slash = head.lastIndexOf('/');
  const dot = head.indexOf('.', slash + 1);
  const pkg = dot === -1 ? head : head.slice(0, dot);
  return /^[a-z][\w./-]*$/.test(pkg) ? pkg : '(other)';
}
