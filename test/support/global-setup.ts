import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

// Tests run the built CLI; `npm test` builds first. Fail loudly instead of testing stale output.
export default function setup(): void {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'cli', 'svl.js'))) {
    throw new Error("dist/ is missing — run 'npm run build' (npm test does it for you)");
  }
}
