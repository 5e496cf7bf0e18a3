import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import fs from 'fs-extra';
import yazl from 'yazl';
import { artifactPaths } from '../../src/artifacts/layout.js';
import { scratchDir } from '../support/cli.js';

export interface LambdaFixture {
  dir: string;
  name: string;
  zipPath: string;
  writeConfig(patch?: Record<string, unknown>): Promise<void>;
  /** Rebuilds bootstrap.zip with a handler that prints `greeting`; returns the zip bytes. */
  buildHandler(greeting: string): Promise<Buffer>;
}

function zipBootstrap(binary: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    // Fixed mtime and mode: the same binary gives the same zip, so CodeSha256 comparisons are meaningful.
    zip.addFile(binary, 'bootstrap', { mtime: new Date(Date.UTC(1980, 0, 1)), mode: 0o100755 });
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/**
 * A minimal Lambda project: svl.json plus a real Go `bootstrap` for linux/arm64 zipped into the
 * build layout (.svl/build/<name>/bootstrap.zip), as `svl build` leaves it.
 */
export async function lambdaFixture(name: string): Promise<LambdaFixture> {
  const dir = await scratchDir(`deploy-${name}`);
  const src = path.join(dir, 'src');
  await fs.ensureDir(src);
  await writeFile(path.join(src, 'go.mod'), 'module example.com/hello\n\ngo 1.22\n');
  const paths = artifactPaths(dir, name);
  await fs.ensureDir(paths.dir);
  const fixture: LambdaFixture = {
    dir,
    name,
    zipPath: paths.zip,
    async writeConfig(patch = {}) {
      const config = {
        name,
        platform: 'lambda',
        language: 'go',
        flavor: 'http',
        arch: 'arm64',
        memory: 256,
        timeout: 15,
        description: 'svl deploy test',
        environment: { GREETING: 'hello', LOG_LEVEL: 'info' },
        tags: { team: 'svl' },
        ...patch,
      };
      await writeFile(path.join(dir, 'svl.json'), `${JSON.stringify(config, null, 2)}\n`);
    },
    async buildHandler(greeting) {
      await writeFile(path.join(src, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(greeting)}) }\n`);
      await execa('go', ['build', '-trimpath', '-ldflags=-s -w -buildid=', '-o', paths.bootstrap, '.'], {
        cwd: src,
        env: { GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' },
      });
      const zip = await zipBootstrap(paths.bootstrap);
      await writeFile(paths.zip, zip);
      return zip;
    },
  };
  await fixture.writeConfig();
  return fixture;
}
