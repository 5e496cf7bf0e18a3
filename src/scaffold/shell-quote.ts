/** Quotes one word for a POSIX shell, only when it needs it (paths with spaces, quotes, $...). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
