import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { noPositionals, oneOf, parseFlags } from './support/args.js';
import { withJsonErrors } from './support/json-errors.js';
import { SvlError, UsageError } from '../core/errors.js';
import { EXIT, type Io } from '../core/io.js';
import { loadConfig } from '../config/svl-config.js';
import { artifactStatus, buildArtifact, readManifest } from '../artifacts/build-artifact.js';
import { sizeReportHtml } from '../artifacts/size-html.js';
import { applyBaseline, sizeReport, withBreakdown } from '../artifacts/size-report.js';
import { formatSizeMarkdown, formatSizeText, overBudgetMessages } from '../artifacts/size-format.js';
import { toolchainFor } from '../toolchains/index.js';

const HELP = `Usage: svl size [--json] [--baseline file] [--why] [--html file] [--build]

Binary and zip size of the last 'svl build' against svl.json's budgets (size.binary, size.zip)
and Lambda's limits (50 MiB zipped for direct upload, 250 MiB unzipped).
Exit 0 within budget, 1 over budget, 2 usage error.

Options:
  --json             the report as JSON on stdout (errors too)
  --baseline <file>  compare with an earlier 'svl size --json' output: +/- bytes and %
  --why              bytes by Rust crate / Go package (builds once more, keeping symbols)
  --html <file>      write a self-contained treemap page (implies --why)
  --build            run 'svl build' first
  --arch <arch>      arch for --build (default: svl.json's arch)
  -h, --help         show this help
`;

export async function run(io: Io): Promise<number> {
  const { values, positionals } = parseFlags(
    io.argv,
    {
      json: { type: 'boolean' },
      baseline: { type: 'string' },
      why: { type: 'boolean' },
      html: { type: 'string' },
      build: { type: 'boolean' },
      arch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'size',
  );
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const json = Boolean(values.json);
  return withJsonErrors(json, io, () => {
    noPositionals(positionals, 'size');
    return report(io, { ...values, json });
  });
}

interface SizeFlags {
  json: boolean;
  baseline?: string;
  why?: boolean;
  html?: string;
  build?: boolean;
  arch?: string;
}

async function report(io: Io, flags: SizeFlags): Promise<number> {
  const arch = oneOf(flags.arch, ['arm64', 'x86_64'] as const, '--arch');
  const config = await loadConfig(io.cwd);
  // Compiler output never goes to stdout: it would break --json and the report.
  const onOutput = (line: string) => io.stderr.write(`${line}\n`);
  if (flags.build) {
    await buildArtifact({ projectDir: io.cwd, config, arch, onOutput, env: io.env });
  }
  const manifest = await readManifest(io.cwd, config.name);
  if (!manifest) {
    throw new SvlError(`nothing built yet in ${path.join('.svl', 'build', config.name)} — run 'svl build' first (or 'svl size --build')`);
  }
  const stale = (await artifactStatus(io.cwd, { ...config, arch: manifest.arch })) === 'stale';
  if (stale) io.stderr.write(`svl: sources changed since the last build — these figures are for the old binary; run 'svl build' (or 'svl size --build')\n`);
  const result = sizeReport(io.cwd, config, manifest, stale);
  if (flags.baseline) await applyBaseline(result, path.resolve(io.cwd, flags.baseline));
  if (flags.why || flags.html) {
    const entries = await toolchainFor(config.language).sizeBreakdown({ projectDir: io.cwd, name: config.name, arch: manifest.arch, onOutput, env: io.env });
    withBreakdown(result, entries);
  }
  if (flags.html) {
    const file = path.resolve(io.cwd, flags.html);
    try {
      await writeFile(file, sizeReportHtml(result));
    } catch (err) {
      throw new UsageError(
        `--html ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) — pass a file in an existing, writable directory`,
      );
    }
    io.stderr.write(`svl: wrote ${file}\n`);
  }

  io.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatSizeText(result));
  const problems = overBudgetMessages(result);
  if (io.env.GITHUB_ACTIONS === 'true') {
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, formatSizeMarkdown(result));
    // Workflow commands are read from both streams; stderr keeps --json output parseable.
    const annotations = flags.json ? io.stderr : io.stdout;
    for (const p of problems) annotations.write(`::error file=svl.json,title=svl size::${escapeAnnotation(p)}\n`);
  }
  if (problems.length > 0) {
    if (!flags.json) for (const p of problems) io.stderr.write(`svl: ${p}\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

/** GitHub's workflow-command escaping for the message part. */
function escapeAnnotation(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
