// Text edits of Cargo.toml that keep the user's formatting: svl touches only the lines it adds.
// Cargo.toml headers are recognised line by line (`[table]` / `[[array]]` at the start of a line);
// multi-line strings that contain a line looking like a header are the one case this misreads.

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

interface Table {
  name: string;
  /** Line index of the header. */
  start: number;
  /** Line index one past the table's last line. */
  end: number;
}

function tables(lines: string[]): Table[] {
  const out: Table[] = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (!m) return;
    const last = out.at(-1);
    if (last) last.end = i;
    out.push({ name: m[1]!.replace(/\s+/g, ''), start: i, end: lines.length });
  });
  return out;
}

const eol = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** Whether the manifest has a [workspace] table. */
export function hasWorkspace(text: string): boolean {
  return tables(text.split(/\r?\n/)).some((t) => t.name === 'workspace');
}

/** The [package] edition, if the manifest has one written as a plain string. */
export function packageEdition(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const pkg = tables(lines).find((t) => t.name === 'package');
  if (!pkg) return undefined;
  for (const line of lines.slice(pkg.start + 1, pkg.end)) {
    const m = /^\s*edition\s*=\s*"([^"]+)"/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Adds `member` to the workspace: appends it to an existing `members` array (single- or
 * multi-line), adds `members` to an existing [workspace], or appends a new [workspace] table.
 * `resolver = "3"` is added when the table has none and the root package is edition 2024 (an older
 * edition keeps the resolver cargo infers from it). Returns the text unchanged when the member is
 * listed already.
 */
export function addWorkspaceMember(text: string, member: string): string {
  const resolver = packageEdition(text) === '2024' ? 'resolver = "3"' : undefined;
  const nl = eol(text);
  const lines = text.split(/\r?\n/);
  const ws = tables(lines).find((t) => t.name === 'workspace');
  const quoted = JSON.stringify(member);
  if (!ws) {
    const body = text.replace(/(\r?\n)*$/, '');
    return `${body}${nl}${nl}[workspace]${nl}members = [${quoted}]${nl}${resolver ? `${resolver}${nl}` : ''}`;
  }
  // The table's own lines, without the blank lines and comments that lead into the next table.
  let end = ws.end;
  while (end > ws.start + 1 && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
  const body = lines.slice(ws.start + 1, end);
  const insert: string[] = [];
  const membersAt = body.findIndex((l) => /^\s*members\s*=/.test(l));
  if (membersAt === -1) {
    insert.push(`members = [${quoted}]`);
  } else {
    const first = ws.start + 1 + membersAt;
    let last = first;
    while (last < end && !/\]\s*(#.*)?$/.test(lines[last]!)) last++;
    const array = lines.slice(first, last + 1).join('\n');
    if (array.includes(quoted)) return text;
    if (first === last) {
      // members = ["a", "b"]  →  members = ["a", "b", "<member>"]
      const m = /^(\s*members\s*=\s*\[)(.*?)\s*,?\s*\](.*)$/.exec(lines[first]!)!;
      lines[first] = `${m[1]}${m[2]!.trim() ? `${m[2]}, ` : ''}${quoted}]${m[3]}`;
    } else {
      // A multi-line array: one more element line before the closing bracket, indented like the others.
      const indent = /^(\s*)/.exec(lines[last - 1] ?? '')?.[1] || '    ';
      if (last - 1 > first && !/,\s*(#.*)?$/.test(lines[last - 1]!)) lines[last - 1] = lines[last - 1]!.replace(/(\s*(#.*)?)$/, ',$1');
      lines.splice(last, 0, `${indent}${quoted},`);
      end++;
    }
  }
  if (resolver && !body.some((l) => /^\s*resolver\s*=/.test(l))) insert.push(resolver);
  if (insert.length > 0) lines.splice(membersAt === -1 ? ws.start + 1 : end, 0, ...insert);
  return lines.join(nl);
}

/** The `[profile.release]` table with the comment block directly above it, or undefined. */
export function releaseProfile(text: string): string | undefined {
  const span = releaseProfileSpan(text.split(/\r?\n/));
  return span && text.split(/\r?\n/).slice(span.from, span.to).join('\n');
}

/** The manifest without `[profile.release]` (and its leading comment), which cargo ignores in a member. */
export function withoutReleaseProfile(text: string): string {
  const lines = text.split(/\r?\n/);
  const span = releaseProfileSpan(lines);
  if (!span) return text;
  lines.splice(span.from, span.to - span.from);
  return `${lines.join(eol(text)).replace(/(\r?\n)+$/, '')}${eol(text)}`;
}

function releaseProfileSpan(lines: string[]): { from: number; to: number } | undefined {
  const t = tables(lines).find((x) => x.name === 'profile.release');
  if (!t) return undefined;
  let from = t.start;
  while (from > 0 && /^\s*#/.test(lines[from - 1]!)) from--;
  let to = t.end;
  while (to > t.start + 1 && /^\s*$/.test(lines[to - 1]!)) to--;
  return { from, to };
}

/** Replaces the value of `name = "..."` in the first [[bin]] table. */
export function renameFirstBin(text: string, name: string): string {
  const lines = text.split(/\r?\n/);
  const bin = tables(lines).find((t) => t.name === 'bin');
  if (!bin) return text;
  for (let i = bin.start + 1; i < bin.end; i++) {
    if (/^\s*name\s*=/.test(lines[i]!)) {
      lines[i] = lines[i]!.replace(/=\s*"[^"]*"/, `= ${JSON.stringify(name)}`);
      break;
    }
  }
  return lines.join(eol(text));
}

/** TOML basic string (JSON's escapes are a subset TOML accepts for the characters env values hold). */
const tomlString = (s: string) => JSON.stringify(s);
const tomlKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k));

/**
 * `[package.metadata.lambda.deploy]` for `cargo lambda deploy`: the same memory, timeout and
 * environment as svl.json, so deploying with either tool gives the same function.
 */
export function lambdaDeployMetadata(settings: { memory: number; timeout: number; environment: Record<string, string> }): string {
  const env = Object.entries(settings.environment)
    .map(([k, v]) => `${tomlKey(k)} = ${tomlString(v)}`)
    .join(', ');
  return [
    '# `cargo lambda deploy` reads these; svl reads svl.json. Keep both in step when you change one.',
    '[package.metadata.lambda.deploy]',
    `memory = ${settings.memory}`,
    `timeout = ${settings.timeout}`,
    `env = { ${env} }`,
  ].join('\n');
}

/** A virtual workspace root for a project whose root is not a Rust package (a Go-first project). */
export function virtualWorkspace(member: string, profile: string | undefined): string {
  const head = [
    "# The project's Rust functions share one workspace: one Cargo.lock, one target dir and the",
    '# release profile below (cargo ignores [profile.*] in members).',
    '[workspace]',
    `members = [${JSON.stringify(member)}]`,
    'resolver = "3"',
  ].join('\n');
  return `${head}\n${profile ? `\n${profile}\n` : ''}`;
}
