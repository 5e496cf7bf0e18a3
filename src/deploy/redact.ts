/** The stand-in for an environment value wherever svl prints something that could hold one. */
export const REDACTED = '***';

/**
 * Withholds environment values from text svl relays (AWS errors, gcloud's output). Longest first,
 * so a value that contains another is replaced whole. A short value ("dev", "info") also occurs in
 * names, ARNs and ordinary words: it is withheld only where the text quotes it.
 */
export function withholdValues(text: string, env: Record<string, string>): string {
  let out = text;
  for (const value of Object.values(env).sort((a, b) => b.length - a.length)) {
    if (value.length >= 8) out = out.split(value).join(REDACTED);
    else if (value.length > 0) for (const q of ['"', "'"]) out = out.split(`${q}${value}${q}`).join(`${q}${REDACTED}${q}`);
  }
  return out;
}
