// Text edits of go.mod and go.sum: every Go function of a project is a package of the one module
// at the root, so adding one may only need the module to require what the template requires.

interface Require {
  path: string;
  version: string;
}

/** The `require` lines of a go.mod (single-line and block form). */
export function goRequires(text: string): Require[] {
  const out: Require[] = [];
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line === ')') inBlock = false;
      else if (line) {
        const [p, v] = line.split(/\s+/);
        if (p && v) out.push({ path: p, version: v });
      }
    } else if (/^require\s*\($/.test(line)) inBlock = true;
    else {
      const m = /^require\s+(\S+)\s+(\S+)$/.exec(line);
      if (m) out.push({ path: m[1]!, version: m[2]! });
    }
  }
  return out;
}

/**
 * Adds the requires of `template` that `text` lacks: into the first `require (` block if there is
 * one, else as one `require` line each at the end. Returns the text unchanged when nothing is missing.
 */
export function addGoRequires(text: string, template: string): string {
  const have = new Set(goRequires(text).map((r) => r.path));
  const missing = goRequires(template).filter((r) => !have.has(r.path));
  if (missing.length === 0) return text;
  const lines = text.split('\n');
  const block = lines.findIndex((l) => /^require\s*\(\s*$/.test(l.trim()));
  if (block !== -1) {
    lines.splice(block + 1, 0, ...missing.map((r) => `\t${r.path} ${r.version}`));
    return lines.join('\n');
  }
  const body = text.replace(/\n*$/, '');
  return `${body}\n\n${missing.map((r) => `require ${r.path} ${r.version}`).join('\n')}\n`;
}

/** go.sum with the template's lines added; sorted, as the go command keeps it. */
export function mergeGoSum(text: string, template: string): string {
  const lines = (t: string) =>
    t
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean);
  const have = new Set(lines(text));
  const added = lines(template).filter((l) => !have.has(l));
  if (added.length === 0) return text;
  return `${[...new Set([...have, ...added])].sort().join('\n')}\n`;
}
