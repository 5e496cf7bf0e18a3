import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { noPositionals, parseFlags } from './support/args.js';
import { FUNCTION_FLAG, FUNCTION_HELP, projectFor } from './support/project-flags.js';
import { withJsonErrors } from './support/json-errors.js';
import { SvlError, UsageError } from '../core/errors.js';
import { EXIT, type Io } from '../core/io.js';
import { selectFunctions, type FunctionConfig } from '../project/project.js';
import { targetFor } from '../targets/index.js';
import { artifactStatus, buildArtifacts } from '../artifacts/build-artifact.js';
import { sizeReportHtml } from '../artifacts/size-html.js';
import { applyBaseline, functionSizeReport, sizeReport, withBreakdown, type FunctionSizeReport } from '../artifacts/size-report.js';
import { formatSizeMarkdown, formatSizeText, overBudgetMessages } from '../artifacts/size-format.js';
import { toolchainFor } from '../toolchains/index.js';

const HELP = `Usage: svl size [--function <name>]... [--json] [--baseline file] [--why] [--html file] [--build]

Sizes of the last 'svl build', a table per function, against svl.json's budgets (size.binary,
size.zip) and, for Lambda, its limits (50 MiB zipped for direct upload, 250 MiB unzipped).
Exit 0 when every function is within budget, 1 when any is over, 2 usage error.

Options:
${FUNCTION_HELP}
  --json             the report as JSON on stdout (errors too)
  --baseline <file>  compare with an earlier 'svl size --json' output: +/- bytes and %
  --why              every byte of a build with symbols: by Rust crate / Go package, the rest
                     by section and header (builds once more; Rust crates as cargo-bloat counts them)
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
      ...FUNCTION_FLAG,
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
  function?: string[];
}

async function report(io: Io, flags: SizeFlags): Promise<number> {
  const project = await projectFor(io, { arch: flags.arch });
  const fns = selectFunctions(project, { names: flags.function });
  if (flags.html && fns.length > 1) throw new UsageError(`--html draws one function — add --function <name> (one of: ${fns.map((f) => f.name).join(', ')})`);
  // Compiler output never goes to stdout: it would break --json and the report.
  const onOutput = (line: string) => io.stderr.write(`${line}\n`);
  const packagingOf = (fn: FunctionConfig) => targetFor(fn.platform).packaging;
  if (flags.build) await buildArtifacts({ fns, packagingOf, onOutput, env: io.env });
  const parts: FunctionSizeReport[] = [];
  for (const fn of fns) {
    // Without --arch/SVL_ARCH, size measures the last build whatever arch it was made for.
    const status = await artifactStatus(fn, packagingOf(fn), io.env, { anyArch: !flags.arch && !io.env.SVL_ARCH });
    if (status.state === 'missing') {
      throw new SvlError(`nothing built yet in ${path.join('.svl', 'build', fn.name)} — run 'svl build' first (or 'svl size --build')`);
    }
    const stale = status.state === 'stale';
    if (stale) io.stderr.write(`svl: ${fn.name}: ${status.why} — these figures are for the old binary; run 'svl build' (or 'svl size --build')\n`);
    const part = functionSizeReport(fn, status.manifest, stale);
    if ((flags.why || flags.html) && fn.language) {
      const breakdown = await toolchainFor(fn.language).sizeBreakdown({ fn, arch: status.manifest.arch, packaging: packagingOf(fn), onOutput, env: io.env });
      withBreakdown(part, breakdown);
    }
    parts.push(part);
  }
  const result = sizeReport(project.name, parts);
  if (flags.baseline) await applyBaseline(result, path.resolve(io.cwd, flags.baseline));
  if (flags.html) {
    const file = path.resolve(io.cwd, flags.html);
    try {
      await writeFile(file, sizeReportHtml(parts[0]!));
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
