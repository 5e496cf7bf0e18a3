// The README's "Functions" section: one row per function, rewritten in place on every `svl add`
// (from its heading to the next `## ` heading), appended when the README has none.

export interface FunctionRow {
  name: string;
  /** Folder relative to the project root, posix; "." for the root. */
  folder: string;
  language: 'rust' | 'go' | undefined;
  flavor: string | undefined;
  /** A sample event, relative to the project root, if the function has one. */
  event?: string;
}

const HEADING = '## Functions';
const LANGUAGE = { rust: 'Rust', go: 'Go' } as const;

export function functionsSection(rows: FunctionRow[]): string {
  const lines = [
    HEADING,
    '',
    'Every function of this project, as listed in `svl.json`. `svl build`, `svl size` and `svl deploy` work on all of',
    'them (or the one whose folder you are in); `svl dev` serves each on one port at `/lambda-url/<name>/`.',
    '',
    '| Function | Folder | Language | Invoke locally |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => {
      const lang = `${r.language ? LANGUAGE[r.language] : 'prebuilt'}${r.flavor ? ` (${r.flavor})` : ''}`;
      const invoke = `svl invoke --function ${r.name}${r.event ? ` --event ${r.event}` : ''}`;
      return `| \`${r.name}\` | \`${r.folder === '.' ? '.' : `${r.folder}/`}\` | ${lang} | \`${invoke}\` |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** The README with its Functions section replaced, or the section appended. */
export function withFunctionsSection(readme: string | undefined, projectName: string, rows: FunctionRow[]): string {
  const section = functionsSection(rows);
  if (readme === undefined) return `# ${projectName}\n\n${section}`;
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === HEADING);
  if (start === -1) return `${readme.replace(/\n*$/, '')}\n\n${section}`;
  let end = lines.findIndex((l, i) => i > start && /^##?\s/.test(l));
  if (end === -1) end = lines.length;
  const after = lines.slice(end).join('\n');
  return `${[...lines.slice(0, start), ...section.split('\n').slice(0, -1)].join('\n')}\n${after ? `\n${after}` : ''}`;
}
