import type { FunctionSizeReport } from './size-report.js';
import { formatBytes } from './size-units.js';
import { squarify } from './treemap.js';

const WIDTH = 1000;
const HEIGHT = 560;
// Colour-blind-safe palette (Okabe–Ito), cycled by rank.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
/** Fills light enough that white text would not read. */
const LIGHT = new Set(['#E69F00', '#56B4E9', '#F0E442', '#999999']);

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained page (inline CSS and SVG, no scripts or fonts fetched) with the size table and
 * a treemap of the `--why` breakdown: it can be attached to a CI run and opened offline.
 */
export function sizeReportHtml(report: FunctionSizeReport): string {
  const breakdown = report.breakdown ?? [];
  const of = report.breakdownOf;
  const unit = report.language === 'rust' ? 'crate' : 'package';
  const rects = squarify(breakdown, (e) => e.bytes, WIDTH, HEIGHT);
  const cells = rects
    .map((r, i) => {
      const label = `${r.item.name} — ${formatBytes(r.item.bytes)} (${r.item.percent}%)`;
      const fits = r.w > 60 && r.h > 28;
      const text = fits
        ? `<text x="${(r.x + 6).toFixed(1)}" y="${(r.y + 18).toFixed(1)}">${escapeHtml(truncate(r.item.name, Math.floor(r.w / 7.5)))}</text>` +
          (r.h > 44 && r.w > 120
            ? `<text class="sub" x="${(r.x + 6).toFixed(1)}" y="${(r.y + 36).toFixed(1)}">${formatBytes(r.item.bytes)} · ${r.item.percent}%</text>`
            : '')
        : '';
      const dark = LIGHT.has(PALETTE[i % PALETTE.length]!) ? ' dark' : '';
      return `<g class="cell${dark}"><title>${escapeHtml(label)}</title><rect x="${r.x.toFixed(1)}" y="${r.y.toFixed(1)}" width="${r.w.toFixed(1)}" height="${r.h.toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"/>${text}</g>`;
    })
    .join('\n');
  const rows = report.artifacts
    .map(
      (a) =>
        `<tr class="${a.passed ? 'ok' : 'over'}"><td><code>${a.name}</code></td><td>${formatBytes(a.bytes)}</td><td>${a.budget === null ? '—' : formatBytes(a.budget)}</td><td>${a.lambdaLimit === null ? '—' : formatBytes(a.lambdaLimit)}</td><td>${a.passed ? 'ok' : 'over'}</td></tr>`,
    )
    .join('\n');
  const top = breakdown
    .slice(0, 15)
    .map((e) => `<tr><td>${escapeHtml(e.name)}</td><td>${e.kind}</td><td>${formatBytes(e.bytes)}</td><td>${e.percent}%</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>svl size — ${escapeHtml(report.name)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1b1b; max-width: ${WIDTH}px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .meta { color: #555; margin-bottom: 16px; }
  table { border-collapse: collapse; margin: 8px 0 20px; }
  th, td { padding: 4px 12px 4px 0; text-align: left; }
  td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
  tr.over td { color: #b00020; font-weight: 600; }
  svg { display: block; border: 1px solid #ccc; }
  .cell rect { stroke: #fff; stroke-width: 1.5; }
  .cell text { fill: #fff; font-size: 13px; font-weight: 600; pointer-events: none; }
  .cell text.sub { font-weight: 400; font-size: 12px; }
  .cell.dark text { fill: #1b1b1b; }
</style>
</head>
<body>
<h1>${escapeHtml(report.name)} <span class="meta">${escapeHtml(report.language)}, ${escapeHtml(report.arch)}</span></h1>
<p class="meta">${report.passed ? 'Within budget' : 'Over budget'}${report.stale ? ' · sources changed since this build' : ''}</p>
<table id="artifacts"><thead><tr><th>artifact</th><th>size</th><th>budget</th><th>Lambda limit</th><th>status</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Where the bytes come from, by ${unit} and by section</h2>
<p class="meta">${of ? `All ${formatBytes(of.bytes)} of ${escapeHtml(of.binary)}; hover a cell for its size. ${escapeHtml(of.method)}` : ''}</p>
<svg id="treemap" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="treemap of bytes by ${unit}">
${cells}
</svg>
<table id="top"><thead><tr><th>${unit} / section</th><th>kind</th><th>size</th><th>share</th></tr></thead>
<tbody>
${top}
</tbody></table>
</body>
</html>
`;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}
