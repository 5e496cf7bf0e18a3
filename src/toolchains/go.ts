import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Arch } from '../config/svl-config.js';
import { devDir, stagingDir } from '../project/layout.js';
import type { BuildRequest, BuildResult, SizeEntry, Toolchain } from './toolchain.js';
import { runTool } from './run-tool.js';
import { requireNm, symbolSizesBy } from './symbol-sizes.js';

const GOARCH: Record<Arch, string> = { arm64: 'arm64', x86_64: 'amd64' };

/**
 * `lambda.norpc` drops aws-lambda-go's net/rpc shim (only the retired go1.x runtime needs it);
 * -trimpath, -buildvcs=false and an empty build id make the bytes depend on the sources only.
 */
function releaseArgs(output: string, strip: boolean): string[] {
  const ldflags = strip ? '-s -w -buildid=' : '-buildid=';
  return ['build', '-tags', 'lambda.norpc', '-trimpath', '-buildvcs=false', `-ldflags=${ldflags}`, '-o', output, '.'];
}

function crossEnv(arch: Arch, extra?: Record<string, string | undefined>) {
  return { ...extra, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: GOARCH[arch] };
}

export const goToolchain: Toolchain = {
  language: 'go',
  sourceGlobs: ['**/*.go', 'go.mod', 'go.sum'],

  async build(req: BuildRequest): Promise<BuildResult> {
    const binaryPath = path.join(stagingDir(req.projectDir, req.name), 'bootstrap');
    await mkdir(path.dirname(binaryPath), { recursive: true });
    await runTool('go', releaseArgs(binaryPath, true), {
      cwd: req.projectDir,
      env: crossEnv(req.arch, req.env),
      onOutput: req.onOutput,
      what: `go build (linux/${GOARCH[req.arch]}) failed`,
    });
    return { binaryPath };
  },

  async devBuild(req): Promise<BuildResult> {
    const binaryPath = path.join(devDir(req.projectDir, req.name), 'bootstrap');
    await mkdir(path.dirname(binaryPath), { recursive: true });
    // A host build: svl dev runs the binary here. release adds the same flags as the real build.
    const args = req.release ? releaseArgs(binaryPath, true) : ['build', '-tags', 'lambda.norpc', '-o', binaryPath, '.'];
    await runTool('go', args, { cwd: req.projectDir, env: req.env, onOutput: req.onOutput, what: 'go build failed' });
    return { binaryPath };
  },

  async test(req): Promise<void> {
    await runTool('go', ['test', './...'], { cwd: req.projectDir, env: req.env, onOutput: req.onOutput, what: 'go test failed' });
  },

  async sizeBreakdown(req: BuildRequest): Promise<SizeEntry[]> {
    await requireNm();
    // Same flags as the release build but keeping the symbol table, so nm can name every byte.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'svl-go-nm-'));
    try {
      const binary = path.join(tmp, 'bootstrap');
      await runTool('go', releaseArgs(binary, false), {
        cwd: req.projectDir,
        env: crossEnv(req.arch, req.env),
        onOutput: req.onOutput,
        what: 'go build (with symbols, for --why) failed',
      });
      // binutils nm, not `go tool nm`: the latter labels .noptrbss symbols as data (D), which
      // would count a 32 MiB zeroed FIPS buffer as file bytes.
      return await symbolSizesBy(binary, goPackageOf, { cwd: req.projectDir, demangle: false });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
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
