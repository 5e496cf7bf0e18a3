// The question steps on their own (create-astro style): a scripted prompter records what was
// asked, so the flag → default → prompt ladder is checked without a terminal or a process.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ask } from '../../src/scaffold/ask.js';
import { GO_STD_PACKAGES, nameFromDirectory, nameProblem } from '../../src/scaffold/names.js';
import type { Prompter } from '../../src/scaffold/prompter.js';
import { shellQuote } from '../../src/scaffold/shell-quote.js';
import { projectName } from '../../src/scaffold/steps/project-name.js';
import { templateOptions } from '../../src/scaffold/steps/template-options.js';
import { loadTemplate } from '../../src/scaffold/templates.js';
import { REPO_ROOT } from '../support/paths.js';

/** Answers prompts from a script, in order, and records each question's message and initial value. */
function scripted(...answers: string[]) {
  const asked: { message: string; initial?: string }[] = [];
  const next = (message: string, initial?: string) => {
    asked.push({ message, initial });
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${message}`);
    return Promise.resolve(answer);
  };
  const prompt: Prompter = {
    select: (q) => next(q.message, q.initial),
    text: async (q) => {
      const answer = await next(q.message, q.initial);
      const problem = q.validate(answer);
      if (problem) throw new Error(`validate rejected '${answer}': ${problem}`);
      return answer;
    },
    confirm: (q) => next(q.message).then((a) => a === 'yes'),
    intro: () => undefined,
    outro: () => undefined,
  };
  return { prompt, asked };
}

const question = (value: string | undefined, dflt?: string) => ({
  flag: '--thing',
  subject: 'the thing',
  message: 'Thing?',
  value,
  default: dflt,
  parse: (a: string) => a.toUpperCase(),
});

describe('ask: flag → default → prompt', () => {
  it('a flag wins without asking, even in a terminal', async () => {
    const { prompt, asked } = scripted();
    expect(await ask({ interactive: true, yes: false, prompt }, question('flag', 'dflt'))).toBe('FLAG');
    expect(asked).toEqual([]);
  });

  it('the default is taken without a terminal, or with --yes', async () => {
    const { prompt, asked } = scripted();
    expect(await ask({ interactive: false, yes: false, prompt }, question(undefined, 'dflt'))).toBe('DFLT');
    expect(await ask({ interactive: true, yes: true, prompt }, question(undefined, 'dflt'))).toBe('DFLT');
    expect(asked).toEqual([]);
  });

  it('in a terminal it asks, offering the default', async () => {
    const { prompt, asked } = scripted('typed');
    expect(await ask({ interactive: true, yes: false, prompt }, question(undefined, 'dflt'))).toBe('TYPED');
    expect(asked).toEqual([{ message: 'Thing?', initial: 'dflt' }]);
  });

  it('no flag, no default, no terminal: a usage error naming the flag', async () => {
    const { prompt } = scripted();
    await expect(ask({ interactive: false, yes: true, prompt }, question(undefined))).rejects.toMatchObject({
      exitCode: 2,
      message: 'the thing is required when prompts are off (no terminal, or CI set) — pass --thing',
    });
  });
});

describe('steps', () => {
  const templates = path.join(REPO_ROOT, 'templates');

  it('templateOptions asks the flavour with its default preselected', async () => {
    const template = await loadTemplate(templates, 'rust-lambda');
    const { prompt, asked } = scripted('event');
    const result = await templateOptions({ flags: {}, interactive: true, yes: false, prompt, template });
    expect(result).toEqual({ options: { flavor: 'event' }, language: 'rust' });
    expect(asked).toEqual([{ message: expect.stringMatching(/^Which flavour\?/), initial: 'http' }]);
  });

  it('templateOptions offers every flavour of a Lambda template, each with what it is for', async () => {
    for (const id of ['rust-lambda', 'go-lambda']) {
      const template = await loadTemplate(templates, id);
      const { prompt } = scripted();
      let offered: { value: string; hint?: string }[] = [];
      prompt.select = async (q) => {
        offered = q.choices;
        return 'sqs';
      };
      const result = await templateOptions({ flags: {}, interactive: true, yes: false, prompt, template });
      expect(result.options).toEqual({ flavor: 'sqs' });
      expect(offered.map((c) => c.value)).toEqual(['http', 'event', 'sqs', 's3', 'schedule', 'dynamodb', 'stream']);
      expect(offered.every((c) => c.hint)).toBe(true);
    }
  });

  it('templateOptions takes the language from cloudrun-ocr --lang', async () => {
    const template = await loadTemplate(templates, 'cloudrun-ocr');
    const { prompt } = scripted();
    expect(await templateOptions({ flags: { lang: 'rust' }, interactive: false, yes: false, prompt, template })).toEqual({
      options: { lang: 'rust' },
      language: 'rust',
    });
  });

  it('projectName offers the directory-derived name and re-checks the answer', async () => {
    const template = await loadTemplate(templates, 'go-lambda');
    const { prompt, asked } = scripted('custom_fn');
    const name = await projectName({ flags: {}, interactive: true, yes: false, prompt, template, language: 'go', projectDir: '/x/My Fn' });
    expect(name).toBe('custom_fn');
    expect(asked).toEqual([{ message: 'Function name?', initial: 'my-fn' }]);
  });

  it('projectName: a prompt answer that breaks a rule is rejected by the prompt itself', async () => {
    const template = await loadTemplate(templates, 'rust-lambda');
    const { prompt } = scripted('fn');
    await expect(projectName({ flags: {}, interactive: true, yes: false, prompt, template, language: 'rust', projectDir: '/x/y' })).rejects.toThrow(
      "validate rejected 'fn': 'fn' is a Rust keyword and cannot be a crate name",
    );
  });
});

describe('names and quoting', () => {
  it.each([
    ['My Service', 'my-service'],
    ['__init__', 'init'],
    ['fn.v2', 'fn-v2'],
    ['/a/b/proj/', 'proj'],
    ['fünktion', 'funktion'],
    ['Café Crème', 'cafe-creme'],
    ['fn🚀', 'fn🚀'],
    ['関数', '関数'],
  ])('nameFromDirectory(%j) = %j', (dir, name) => expect(nameFromDirectory(dir)).toBe(name));

  it.each([
    ['ok-fn', 'lambda', 'rust', undefined],
    ['Ok_Fn', 'lambda', 'go', undefined],
    ['async', 'lambda', 'rust', /Rust keyword/],
    ['con', 'lambda', 'go', /Windows device name/],
    ['ocr-1', 'cloudrun', 'go', undefined],
    ['ocr-', 'cloudrun', 'go', /Cloud Run service name/],
    ['a'.repeat(50), 'cloudrun', 'rust', /Cloud Run service name/],
    ['fn🚀', 'lambda', 'rust', /contains '🚀' \(U\+1F680\), not allowed in a Lambda function name/],
    ['fmt', 'lambda', 'go', /Go standard library package 'fmt'/],
    ['fmt', 'lambda', 'rust', undefined],
    ['main', 'cloudrun', 'go', /reserved by the go command/],
    ['debug', 'lambda', 'go', undefined],
    ['internal', 'lambda', 'go', undefined],
  ] as const)('nameProblem(%j, %s, %s)', (name, platform, language, problem) => {
    const result = nameProblem(name, platform, language);
    if (problem) expect(result).toMatch(problem);
    else expect(result).toBeUndefined();
  });

  it('the stored Go standard-library list covers the installed go (update names.ts from `go list std` when it fails)', (ctx) => {
    let listed: string;
    try {
      listed = execFileSync('go', ['list', 'std'], { encoding: 'utf8' });
    } catch {
      ctx.skip(); // no go on PATH
      return;
    }
    const oneElement = listed.split('\n').filter((p) => p && !p.includes('/'));
    expect(oneElement.filter((p) => !GO_STD_PACKAGES.has(p))).toEqual([]);
  });

  it.each([
    ['plain/path', 'plain/path'],
    ['with space', "'with space'"],
    ["it's", "'it'\\''s'"],
    ['$HOME', "'$HOME'"],
  ])('shellQuote(%j) = %s', (word, quoted) => expect(shellQuote(word)).toBe(quoted));
});
