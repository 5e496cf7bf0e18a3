import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SvlError, UsageError } from '../core/errors.js';
import { FUNCTIONS_DIR, LAMBDA_DEFAULTS } from '../project/defaults.js';
import { findProjectFile, type Language, type Project, resolveProject } from '../project/project.js';
import { type LambdaFunction, parseSvlJson, type SvlJson } from '../project/svl-json.js';
import { addWorkspaceMember, lambdaDeployMetadata, releaseProfile, renameFirstBin, virtualWorkspace, withoutReleaseProfile } from './cargo-workspace.js';
import { addGoRequires, mergeGoSum } from './go-module.js';
import { nameProblem } from './names.js';
import { projectWorkflow } from './project-ci.js';
import { type FunctionRow, withFunctionsSection } from './readme-functions.js';
import { StagedChanges, type StagedFile } from './staged-changes.js';
import { formatSvlJson, withFunction } from './svl-json-functions.js';
import { planFiles, type RenderedFile, renderFiles } from './template-files.js';
import { listTemplateIds, loadTemplate, type Template } from './templates.js';

export interface AddFunctionRequest {
  cwd: string;
  env: Record<string, string | undefined>;
  name: string | undefined;
  template: string | undefined;
  flavor: string | undefined;
  memory: string | undefined;
  dryRun: boolean;
  say(line: string): void;
  templatesRoot: string;
  svlVersion: string;
}

export interface AddFunctionResult {
  project: Project;
  /** The new function's folder, relative to the project root. */
  folder: string;
}

const WORKFLOW = '.github/workflows/ci.yml';
// Files of a template that describe a whole project; the project keeps its own (edited below).
const PROJECT_FILES = new Set(['README.md', 'svl.json', '.gitignore', 'go.mod', 'go.sum', 'Cargo.toml', 'Cargo.lock']);

/**
 * Adds a Lambda function from a template to the project around `cwd`: its folder under
 * functions/<name>/, the Rust workspace or Go module it joins, svl.json, the README's function
 * list and the CI workflow; all written at once or not at all.
 */
export async function addFunction(req: AddFunctionRequest): Promise<AddFunctionResult> {
  const template = await lambdaTemplate(req.templatesRoot, req.template);
  const flavor = optionValue(template, 'flavor', req.flavor);
  const memory = memoryFlag(req.memory);
  const language = template.language;
  if (language !== 'rust' && language !== 'go') throw new SvlError(`template ${template.id} names no "language" in template.json — fix the template`);
  if (req.name === undefined) throw new UsageError(`the function name is required — run 'svl add <name> --template ${template.id}'`);
  const problem = nameProblem(req.name, 'lambda', language);
  if (problem) throw new UsageError(`${problem} — choose another function name`);
  const name = req.name;

  const file = await findProjectFile(req.cwd);
  const root = path.dirname(file);
  const json = await parseSvlJson(await readFile(file, 'utf8'), file);
  const project = resolveProject(json, file);
  const rootService = project.functions.find((f) => f.dir === root && f.platform === 'cloudrun');
  if (rootService) {
    throw new UsageError(
      `${file} describes a Cloud Run service at the project root; svl add adds Lambda functions to Lambda projects (Cloud Run services are out of its scope) — generate a separate project with 'svl new'`,
    );
  }
  const taken = project.functions.find((f) => f.name === name) ?? (json.name === name ? { name } : undefined);
  if (taken) throw new UsageError(`'${name}' is already used in ${file} — choose another function name`);
  const folder = `${FUNCTIONS_DIR}/${name}`;
  if (existsSync(path.join(root, folder)))
    throw new UsageError(`${path.join(root, folder)} already exists — choose another function name, or remove that folder`);

  const defaultsArch = json.arch ?? LAMBDA_DEFAULTS.arch;
  const vars = {
    name,
    platform: template.platform,
    language,
    flavor: flavor ?? '',
    lang: language,
    arch: defaultsArch,
    memory: memory ?? json.memory ?? LAMBDA_DEFAULTS.memory,
    timeout: json.timeout ?? LAMBDA_DEFAULTS.timeout,
    schemaUrl: `https://unpkg.com/serverless-lang@${req.svlVersion}/schema/svl.schema.json`,
    svlVersion: req.svlVersion,
  };
  const rendered = await renderFiles(await planFiles(template, flavor ? { flavor } : {}), vars);
  const byTarget = new Map(rendered.map((f) => [f.target, f]));
  const text = (target: string) => {
    const f = byTarget.get(target);
    if (!f) throw new SvlError(`template ${template.id} has no ${target} — fix the template`);
    return f.content.toString();
  };
  const own: StagedFile[] = rendered
    .filter((f) => !PROJECT_FILES.has(f.target) && !f.target.startsWith('.github/'))
    .map((f) => ({ rel: f.target, content: f.content, mode: f.mode }));

  const changes = new StagedChanges(root, req.env.SVL_TEST_FAIL_WRITE);
  const readRoot: ReadRoot = async (rel) => readFile(path.join(root, rel), 'utf8').catch(() => undefined);
  const edits: Edit[] = [];

  const joined = language === 'rust' ? await joinRustWorkspace(name, folder, vars, json, text, readRoot) : await joinGoModule(json, root, text, readRoot);
  own.push(...joined.own);
  edits.push(...joined.edits);
  const gitignore = byTarget.get('.gitignore');
  if (gitignore) {
    const current = await readRoot('.gitignore');
    edits.push({ rel: '.gitignore', content: mergeLines(current, gitignore.content.toString()) });
  }

  const entry: LambdaFunction = { language, ...(flavor ? { flavor: flavor as LambdaFunction['flavor'] } : {}), ...(memory ? { memory } : {}) };
  const { size, events } = templateFunctionFields(byTarget.get('svl.json'), template);
  if (size) entry.size = size;
  // A flavour's own triggers (schedule: rate(5 minutes)) come along; ones needing a resource the
  // user names (a queue, a bucket) are not in the template.
  if (events) entry.events = events;
  const nextJson = withFunction(json, name, entry);
  const nextText = formatSvlJson(nextJson);
  const nextProject = resolveProject(await parseSvlJson(nextText, file), file);

  const readme = await readRoot('README.md');
  const rows = await Promise.all(nextProject.functions.map((f) => functionRow(f, root, f.name === name ? own : undefined)));
  edits.push({ rel: 'README.md', content: withFunctionsSection(readme, nextProject.name, rows) });
  const languages = new Set(nextProject.functions.map((f) => f.language).filter((l): l is Language => l !== undefined));
  edits.push({ rel: WORKFLOW, content: projectWorkflow(languages, req.svlVersion) });

  changes.directory(folder, own);
  for (const e of edits) {
    if ((await readRoot(e.rel)) !== e.content) changes.file(e.rel, e.content);
  }
  changes.file('svl.json', nextText);

  const what = `${template.id}${flavor ? ` (flavor ${flavor})` : ''}`;
  if (req.dryRun) {
    req.say(`Would add function ${name} from ${what} to ${root}:`);
    for (const step of changes.plan()) {
      req.say(`  would ${step.action} ${step.rel}${step.files ? '/' : ''}`);
      for (const f of step.files ?? []) req.say(`    ${f}`);
    }
    req.say('\nDry run: nothing was written.');
    return { project: nextProject, folder };
  }
  await changes.commit();
  req.say(`Added function ${name} (${what}) in ${folder}/`);
  for (const step of changes.plan().slice(1)) req.say(`  updated ${step.rel}`);
  const test = language === 'rust' ? 'cargo test --workspace' : 'go test ./...';
  req.say('\nNext steps:');
  req.say(`  ${test.padEnd(40)} # unit tests of every ${language === 'rust' ? 'Rust' : 'Go'} function`);
  req.say(`  ${`svl invoke --function ${name}`.padEnd(40)} # one local invoke`);
  req.say(`  ${'svl dev'.padEnd(40)} # every function on one port, /lambda-url/${name}/ for this one`);
  return { project: nextProject, folder };
}

type Edit = { rel: string; content: string };
type ReadRoot = (rel: string) => Promise<string | undefined>;

/** The member's Cargo.toml, and the root Cargo.toml that makes it a workspace member. */
async function joinRustWorkspace(
  name: string,
  folder: string,
  settings: { memory: number; timeout: number },
  json: SvlJson,
  text: (target: string) => string,
  readRoot: ReadRoot,
): Promise<{ own: StagedFile[]; edits: Edit[] }> {
  const manifest = renameFirstBin(text('Cargo.toml'), name);
  const deploy = lambdaDeployMetadata({ memory: settings.memory, timeout: settings.timeout, environment: json.environment ?? {} });
  const rootManifest = await readRoot('Cargo.toml');
  const next = rootManifest === undefined ? virtualWorkspace(folder, releaseProfile(manifest)) : addWorkspaceMember(rootManifest, folder);
  return { own: [{ rel: 'Cargo.toml', content: `${withoutReleaseProfile(manifest)}\n${deploy}\n` }], edits: [{ rel: 'Cargo.toml', content: next }] };
}

/** The root go.mod and go.sum with what the template's package needs. */
async function joinGoModule(json: SvlJson, root: string, text: (target: string) => string, readRoot: ReadRoot): Promise<{ own: StagedFile[]; edits: Edit[] }> {
  const edits: Edit[] = [];
  const goMod = await readRoot('go.mod');
  if (goMod === undefined) {
    const problem = nameProblem(json.name, 'lambda', 'go');
    if (problem) throw new UsageError(`${problem}, and the project's Go module would take its name — write a go.mod at ${root} first`);
    // The module is the project's: its name, the template's go directive and requires.
    edits.push({ rel: 'go.mod', content: text('go.mod').replace(/^module .*$/m, `module ${json.name}`) });
  } else {
    edits.push({ rel: 'go.mod', content: addGoRequires(goMod, text('go.mod')) });
  }
  const goSum = await readRoot('go.sum');
  edits.push({ rel: 'go.sum', content: goSum === undefined ? text('go.sum') : mergeGoSum(goSum, text('go.sum')) });
  return { own: [], edits };
}

/** The template named by --template, which must be a Lambda one; the error lists those. */
async function lambdaTemplate(root: string, id: string | undefined): Promise<Template> {
  const lambda: string[] = [];
  for (const t of await listTemplateIds(root)) {
    if ((await loadTemplate(root, t)).platform === 'lambda') lambda.push(t);
  }
  if (id === undefined) throw new UsageError(`the template is required — pass --template (${lambda.join(', ')})`);
  if (!lambda.includes(id)) {
    const why = (await listTemplateIds(root)).includes(id) ? ` (a Cloud Run template: svl add adds Lambda functions only)` : '';
    throw new UsageError(`unknown --template '${id}'${why} — valid: ${lambda.join(', ')}`);
  }
  return loadTemplate(root, id);
}

function optionValue(template: Template, option: string, value: string | undefined): string | undefined {
  const spec = template.options[option];
  if (!spec) {
    if (value !== undefined) throw new UsageError(`template ${template.id} has no --${option} option`);
    return undefined;
  }
  if (value === undefined) return spec.default;
  if (!spec.values.includes(value)) throw new UsageError(`unknown --${option} '${value}' for template ${template.id} — valid: ${spec.values.join(', ')}`);
  return value;
}

function memoryFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = Number(value);
  if (!/^\d+$/.test(value) || mb < 128 || mb > 10240) {
    throw new UsageError(`--memory must be a whole number of MB from 128 to 10240 (Lambda's range), got '${value}'`);
  }
  return mb;
}

/** The size budgets and triggers the template's svl.json gives its function. */
function templateFunctionFields(file: RenderedFile | undefined, template: Template): Pick<SvlJson, 'size' | 'events'> {
  if (!file) return {};
  try {
    const { size, events } = JSON.parse(file.content.toString()) as SvlJson;
    return { size, events };
  } catch (err) {
    throw new SvlError(`template ${template.id}: svl.json does not render to JSON (${(err as Error).message}) — fix the template`);
  }
}

/** `current` with the lines of `add` it lacks appended. */
function mergeLines(current: string | undefined, add: string): string {
  const have = new Set((current ?? '').split('\n').map((l) => l.trim()));
  const missing = add.split('\n').filter((l) => l.trim() && !have.has(l.trim()));
  if (current === undefined) return add;
  if (missing.length === 0) return current;
  return `${current.replace(/\n*$/, '\n')}${missing.join('\n')}\n`;
}

async function functionRow(f: Project['functions'][number], root: string, staged: StagedFile[] | undefined): Promise<FunctionRow> {
  const folder = path.relative(root, f.dir).split(path.sep).join('/') || '.';
  const events = staged
    ? staged.filter((s) => s.rel.startsWith('events/')).map((s) => s.rel.slice('events/'.length))
    : await readdir(path.join(f.dir, 'events')).catch(() => [] as string[]);
  // The README shows a request that succeeds: the templates' get.json / greet.json when present.
  const samples = events.filter((e) => e.endsWith('.json')).sort();
  const first = samples.find((e) => e === 'get.json' || e === 'greet.json') ?? samples[0];
  return {
    name: f.name,
    folder,
    language: f.language,
    flavor: f.flavor,
    event: first ? path.posix.join(folder, 'events', first) : undefined,
  };
}
