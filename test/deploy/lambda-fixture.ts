import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { artifactPaths } from '../../src/project/layout.js';
import { scratchDir } from '../support/cli.js';

export interface LambdaFixture {
  dir: string;
  name: string;
  zipPath: string;
  writeConfig(patch?: Record<string, unknown>): Promise<void>;
  /** Rewrites main.go so the function prints `greeting`: a code change for the next deploy. */
  writeHandler(greeting: string): Promise<void>;
  /** The bytes svl deploy built and uploaded last. */
  readZip(): Promise<Buffer>;
}

/**
 * A minimal Go Lambda project (svl.json, go.mod, main.go with no dependencies) that `svl deploy`
 * builds itself through the real Go toolchain for linux/arm64. Small on purpose: these tests are
 * about the deploy, the templates have their own.
 */
export async function lambdaFixture(name: string): Promise<LambdaFixture> {
  const dir = await scratchDir(`deploy-${name}`);
  await writeFile(path.join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.22\n');
  const fixture: LambdaFixture = {
    dir,
    name,
    zipPath: artifactPaths(dir, name).zip,
    async writeConfig(patch = {}) {
      const config = {
        name,
        platform: 'lambda',
        language: 'go',
        flavor: 'event',
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
    async writeHandler(greeting) {
      await writeFile(path.join(dir, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(greeting)}) }\n`);
    },
    readZip: () => readFile(fixture.zipPath),
  };
  await fixture.writeConfig();
  await fixture.writeHandler('hello v1');
  return fixture;
}
