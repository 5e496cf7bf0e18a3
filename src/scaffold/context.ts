import type { Arch, Language } from '../project/project.js';
import type { Prompter } from './prompter.js';
import type { Template } from './templates.js';

/** What the user passed on the command line; undefined means "not given". */
export interface ScaffoldFlags {
  dir?: string;
  template?: string;
  flavor?: string;
  lang?: string;
  name?: string;
  arch?: string;
  memory?: string;
}

/** Slow work queued by the steps and run afterwards, one line (or spinner) each. */
export interface Task {
  title: string;
  run(): Promise<void>;
}

/**
 * One context for the whole run (create-astro style). The first block is built from argv; the
 * second is filled by the steps, in order. Steps declare what they read with Pick<Context, ...>.
 */
export interface Context {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Prompts allowed: stdin and stdout are terminals and CI is unset. */
  interactive: boolean;
  /** Accept the default of every question that has one. */
  yes: boolean;
  dryRun: boolean;
  git: boolean;
  overwrite: boolean;
  flags: ScaffoldFlags;
  prompt: Prompter;
  /** Writes one line for the user (stdout). */
  say(line: string): void;
  templatesRoot: string;
  svlVersion: string;

  projectDir: string;
  template: Template;
  /** The chosen value of every option the template declares (flavor, lang). */
  options: Record<string, string>;
  language: Language;
  name: string;
  arch: Arch;
  memory: number;
  /** Temporary sibling of projectDir the files are written to (never created on --dry-run). */
  stagingDir: string;
  tasks: Task[];
}

/** The context before the steps run: what argv, the environment and the terminal give. */
export type BaseContext = Omit<Context, 'projectDir' | 'template' | 'options' | 'language' | 'name' | 'arch' | 'memory' | 'stagingDir' | 'tasks'>;
