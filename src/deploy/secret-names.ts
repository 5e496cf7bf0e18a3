/** Names that suggest a secret value (password, token, API key…): one heuristic for Lambda and Cloud Run. */
const SECRET_NAME = /PASSW(OR)?D|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY/i;

/** Variable names that look like they hold a secret (the values are never read for this). */
export function secretLookingNames(env: Record<string, string>): string[] {
  return Object.keys(env).filter((k) => SECRET_NAME.test(k));
}
