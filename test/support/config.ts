import path from 'node:path';
import { type FunctionConfig, loadProject, resolveProject } from '../../src/project/project.js';
import { parseSvlJson } from '../../src/project/svl-json.js';

/** The one function of a single-function svl.json text, resolved (defaults filled in). */
export async function parseConfig(text: string, file = path.resolve('svl.json')): Promise<FunctionConfig> {
  return resolveProject(await parseSvlJson(text, path.basename(file)), file).functions[0]!;
}

/** The first function of the project found from `dir`. */
export async function loadConfig(dir: string): Promise<FunctionConfig> {
  return (await loadProject({ cwd: dir, env: {} })).functions[0]!;
}
