import path from 'node:path';
import type { Writable } from 'node:stream';
import { taskLog } from '@clack/prompts';
import { noPositionals, oneOf, parseFlags } from './support/args.js';
import { withJsonErrors } from './support/json-errors.js';
import { EXIT, isInteractive, type Io } from '../core/io.js';
import { loadConfig } from '../config/svl-config.js';
import { buildArtifact, type BuiltArtifact } from '../artifacts/build-artifact.js';
import { formatBytes } from '../artifacts/size-units.js';

const HELP = `Usage: svl build [--arch arm64|x86_64] [--json]

Optimized release build for Lambda, checked and zipped reproducibly:
  .svl/build/<name>/bootstrap, bootstrap.zip, build.json

Options:
  --arch <arch>  arm64 or x86_64 (default: svl.json's arch)
  --json         print the result as JSON on stdout (errors too)
  -h, --help     show this help
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(io.argv, { arch: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'build');
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const json = Boolean(values.json);
  return withJsonErrors(json, io, async () => {
    noPositionals(positionals, 'build');
    const arch = oneOf(values.arch, ['arm64', 'x86_64'] as const, '--arch');
    const config = await loadConfig(io.cwd);
    const log = buildLog(io, json, `Building ${config.name} (${config.language}, ${arch ?? config.arch})`);
    let artifact: BuiltArtifact;
    try {
      artifact = await buildArtifact({ projectDir: io.cwd, config, arch, onOutput: log.line, env: io.env });
    } catch (err) {
      log.failed((err as Error).message);
      throw err;
    }
    log.succeeded(`Built ${config.name} for ${artifact.arch}`);
    if (json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            name: config.name,
            language: config.language,
            arch: artifact.arch,
            bootstrap: { path: artifact.bootstrap, bytes: artifact.binaryBytes },
            zip: { path: artifact.zip, bytes: artifact.zipBytes, sha256: artifact.zipSha256 },
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const rel = (p: string) => path.relative(io.cwd, p);
      io.stdout.write(
        `${config.name} (${artifact.arch}): bootstrap ${formatBytes(artifact.binaryBytes)}, zip ${formatBytes(artifact.zipBytes)} → ${rel(artifact.zip)}\n` +
          `sha256 ${artifact.zipSha256}\n`,
      );
    }
    return EXIT.ok;
  });
}

interface BuildLog {
  line(text: string): void;
  succeeded(message: string): void;
  failed(message: string): void;
}

/**
 * Compiler output: on a terminal, a clack task log that collapses on success and stays on failure;
 * otherwise (CI, pipes, --json) plain lines on stderr so stdout stays the result.
 */
function buildLog(io: Io, json: boolean, title: string): BuildLog {
  if (!json && isInteractive(io)) {
    const tl = taskLog({ title, output: io.stderr as unknown as Writable, limit: 12 });
    return {
      line: (text) => text.trim() && tl.message(text),
      succeeded: (m) => tl.success(m),
      failed: () => tl.error('Build failed', { showLog: true }),
    };
  }
  io.stderr.write(`${title}\n`);
  return { line: (text) => io.stderr.write(`${text}\n`), succeeded: () => {}, failed: () => {} };
}
