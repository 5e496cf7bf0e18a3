// The direction STYLE.md asks for, checked on the sources: commands → capabilities → core.
// Nothing below src/commands/ imports src/cli/, and no two capability folders import each other.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Top-level folder under src/ of a source file ('cli', 'commands', 'emulator', …). */
const layer = (file: string) => path.relative(SRC, file).split(path.sep)[0]!;

const edges = sources(SRC).flatMap((file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
    from: file,
    to: path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')),
  })),
);

describe('layering', () => {
  it('nothing below src/commands imports src/cli', () => {
    const bad = edges.filter((e) => !['cli', 'commands'].includes(layer(e.from)) && layer(e.to) === 'cli').map((e) => path.relative(SRC, e.from));
    expect(bad).toEqual([]);
  });

  it('core imports nothing outside core', () => {
    const bad = edges.filter((e) => layer(e.from) === 'core' && layer(e.to) !== 'core').map((e) => path.relative(SRC, e.from));
    expect(bad).toEqual([]);
  });

  it('no two folders import each other', () => {
    const pairs = new Set(edges.map((e) => `${layer(e.from)}→${layer(e.to)}`).filter((p) => !p.startsWith(`${p.split('→')[1]}→`)));
    const cycles = [...pairs].filter((p) => {
      const [a, b] = p.split('→');
      return pairs.has(`${b}→${a}`);
    });
    expect(cycles).toEqual([]);
  });
});
