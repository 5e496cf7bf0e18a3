import path from 'node:path';
import type { Writable } from 'node:stream';
import { taskLog } from '@clack/prompts';
import { buildArtifacts, type BuiltArtifact } from '../artifacts/build-artifact.js';
import { formatBytes } from '../artifacts/size-units.js';
import { EXIT, type Io, isInteractive } from '../core/io.js';
import { selectFunctions } from '../project/project.js';
import { targetFor } from '../targets/index.js';
import { noPositionals, parseFlags } from './support/args.js';
import { withJsonErrors } from './support/json-errors.js';
import { FUNCTION_FLAG, FUNCTION_HELP, projectFor } from './support/project-flags.js';

const HELP = `Usage: svl build [--function <name>]... [--arch arm64|x86_64] [--json]

Optimized release builds, checked and packaged as each platform runs them:
  Lambda:    .svl/build/<name>/bootstrap, a reproducible bootstrap.zip, build.json
  Cloud Run: .svl/build/<name>/<name> (the service binary the container runs), build.json
Rust functions of one cargo workspace build in one cargo invocation.

Options:
${FUNCTION_HELP}
  --arch <arch>          arm64 or x86_64 (default: SVL_ARCH, else svl.json's arch)
  --json                 print the result as JSON on stdout (errors too)
  -h, --help             show this help
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    { arch: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...FUNCTION_FLAG },
    'build',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const json = Boolean(values.json);
  return withJsonErrors(json, io, async () => {
    noPositionals(positionals, 'build');
    const project = await projectFor(io, { arch: values.arch });
    const fns = selectFunctions(project, { names: values.function });
    const what = fns.map((f) => `${f.name} (${f.language ?? 'prebuilt'}, ${f.arch})`).join(', ');
    const log = buildLog(io, json, `Building ${what}`);
    let built: BuiltArtifact[];
    try {
      built = await buildArtifacts({ fns, packagingOf: (fn) => targetFor(fn.platform).packaging, onOutput: log.line, env: io.env });
    } catch (err) {
      log.failed((err as Error).message);
      throw err;
    }
    log.succeeded(`Built ${fns.map((f) => f.name).join(', ')} for ${[...new Set(fns.map((f) => f.arch))].join(', ')}`);
    const rel = (p: string) => path.relative(io.cwd, p);
    if (json) {
      const entries = built.map(jsonEntry);
      const doc = entries.length === 1 ? { ...entries[0]!, functions: entries } : { name: project.name, functions: entries };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      for (const b of built) {
        const m = b.manifest;
        io.stdout.write(
          b.zip
            ? `${m.name} (${m.arch}): bootstrap ${formatBytes(m.bytes)}, zip ${formatBytes(m.zipBytes!)} → ${rel(b.zip)}\nsha256 ${m.zipSha256}\n`
            : `${m.name} (Cloud Run, ${m.arch}): ${m.binary} ${formatBytes(m.bytes)} → ${rel(b.binary)}\n`,
        );
      }
    }
    return EXIT.ok;
  });
}

/** The `svl build --json` entry of one function (single-function output keeps today's fields). */
function jsonEntry(b: BuiltArtifact) {
  const m = b.manifest;
  return {
    name: m.name,
    platform: m.platform,
    language: m.language,
    arch: m.arch,
    ...(b.zip
      ? { bootstrap: { path: b.binary, bytes: m.bytes }, zip: { path: b.zip, bytes: m.zipBytes, sha256: m.zipSha256 } }
      : { binary: { path: b.binary, bytes: m.bytes } }),
  };
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
