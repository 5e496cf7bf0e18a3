import type { ArtifactSize, FunctionSizeReport, SizeReport } from './size-report.js';
import { formatBytes } from './size-units.js';

function diffText(a: ArtifactSize): string {
  if (!a.baseline) return '';
  const sign = a.baseline.diff > 0 ? '+' : a.baseline.diff < 0 ? '−' : '±';
  const pct = a.baseline.percent > 0 ? `+${a.baseline.percent}` : String(a.baseline.percent);
  return `${sign}${formatBytes(Math.abs(a.baseline.diff))} (${pct}%)`;
}

function budgetText(a: ArtifactSize): string {
  return a.budget === null ? '—' : formatBytes(a.budget);
}

function statusText(a: ArtifactSize): string {
  if (a.passed) return a.limit === null ? 'no budget' : 'ok';
  return a.budget !== null && a.bytes > a.budget ? 'OVER BUDGET' : 'OVER LAMBDA LIMIT';
}

const limitText = (a: ArtifactSize) => (a.lambdaLimit === null ? '—' : formatBytes(a.lambdaLimit));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        `  ${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}`,
    )
    .join('\n');
}

/** The human report: a table per function (a Lambda limit column only where Lambda's limits apply). */
export function formatSizeText(report: SizeReport, top = 15): string {
  return report.functions.map((f) => formatFunctionText(f, top)).join('\n');
}

function formatFunctionText(report: FunctionSizeReport, top: number): string {
  const hasBaseline = report.artifacts.some((a) => a.baseline);
  const lambda = report.artifacts.some((a) => a.lambdaLimit !== null);
  const header = ['artifact', 'size', 'budget', ...(lambda ? ['lambda limit'] : []), 'status', ...(hasBaseline ? ['vs baseline'] : [])];
  const rows = report.artifacts.map((a) => [
    a.name,
    formatBytes(a.bytes),
    budgetText(a),
    ...(lambda ? [limitText(a)] : []),
    statusText(a),
    ...(hasBaseline ? [diffText(a) || 'new'] : []),
  ]);
  const where = report.platform === 'cloudrun' ? 'Cloud Run, ' : '';
  let out = `${report.name} (${where}${report.language}, ${report.arch})\n${table([header, ...rows])}\n`;
  if (report.breakdown && report.breakdownOf) out += `\n${formatBreakdownText(report, top)}`;
  return out;
}

/** `--why`: the rows that add up to the measured file, the largest `top` and one row for the rest. */
function formatBreakdownText(report: FunctionSizeReport, top: number): string {
  const rowsOf = report.breakdown!;
  const of = report.breakdownOf!;
  const unit = report.language === 'rust' ? 'crate' : 'package';
  const shown = rowsOf.slice(0, top);
  const rest = rowsOf.slice(top);
  const whyRows = shown.map((e) => [e.name, e.kind, formatBytes(e.bytes), `${e.percent.toFixed(1)}%`]);
  if (rest.length > 0) {
    const restBytes = rest.reduce((s, e) => s + e.bytes, 0);
    whyRows.push([`(${rest.length} more)`, '', formatBytes(restBytes), `${((restBytes / (of.bytes || 1)) * 100).toFixed(1)}%`]);
  }
  whyRows.push(['total', '', formatBytes(of.bytes), '100.0%']);
  return (
    `Where the bytes come from: all ${of.bytes} bytes of ${of.binary}, by ${unit} and by section:\n` +
    `${table([[`${unit} / section`, 'kind', 'size', 'share'], ...whyRows])}\n` +
    `  ${of.method}\n`
  );
}

/** The table appended to $GITHUB_STEP_SUMMARY. */
export function formatSizeMarkdown(report: SizeReport): string {
  const hasBaseline = report.artifacts.some((a) => a.baseline);
  const many = report.functions.length > 1;
  const lines = [
    `### svl size: ${report.name} (${report.language}, ${report.arch}) ${report.passed ? '✅' : '❌'}`,
    '',
    `|${many ? ' function |' : ''} artifact | size | budget | Lambda limit | status |${hasBaseline ? ' vs baseline |' : ''}`,
    `|${many ? ' --- |' : ''} --- | ---: | ---: | ---: | --- |${hasBaseline ? ' ---: |' : ''}`,
    ...report.artifacts.map(
      (a) =>
        `|${many ? ` ${a.function} |` : ''} \`${a.name}\` | ${formatBytes(a.bytes)} | ${budgetText(a)} | ${limitText(a)} | ${a.passed ? statusText(a) : `**${statusText(a).toLowerCase()}**`} |${hasBaseline ? ` ${diffText(a) || 'new'} |` : ''}`,
    ),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** One line per failing artifact: what is over, by how much, and the fix. */
export function overBudgetMessages(report: SizeReport): string[] {
  return report.artifacts
    .filter((a) => !a.passed)
    .map((a) => {
      const field = a.name === 'bootstrap.zip' ? 'size.zip' : 'size.binary';
      const who = report.functions.length > 1 ? `${a.function}: ${a.name}` : a.name;
      if (a.budget !== null && a.bytes > a.budget) {
        return `${who} is ${formatBytes(a.bytes)}, over the ${field} budget of ${formatBytes(a.budget)} by ${formatBytes(a.bytes - a.budget)} — shrink it (svl size --why) or raise ${field}${report.functions.length > 1 ? ` for ${a.function}` : ''} in svl.json`;
      }
      return `${who} is ${formatBytes(a.bytes)}, over Lambda's limit of ${limitText(a)} — shrink it (svl size --why)`;
    });
}
