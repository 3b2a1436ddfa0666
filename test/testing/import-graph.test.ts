/**
 * What the testing kit imports: `terra-sdk/testing` needs nothing optional and no Node built-in,
 * `terra-sdk/testing/msw` alone imports msw, and the Node-only sandbox and CLI never need msw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^'";()]*?from\s+['"]([^'"]+)['"]/gm;

/** Every source file an entry reaches, with the bare specifiers each imports at run time. */
function runtimeImports(entry: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const name = relative(ROOT, file);
    if (out.has(name)) continue;
    const bare: string[] = [];
    out.set(name, bare);
    for (const [, isType, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT) as Iterable<string[]>) {
      if (specifier?.startsWith('.')) queue.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!isType && specifier) bare.push(specifier);
    }
  }
  return out;
}

const bareOf = (graph: Map<string, string[]>) => new Set([...graph.values()].flat());

describe('testing kit import graph', () => {
  it('terra-sdk/testing imports zod/mini only: no msw, no Node built-in', () => {
    expect([...bareOf(runtimeImports('src/testing/index.ts'))].sort()).toEqual(['zod/mini']);
  });

  it('terra-sdk/testing/msw adds msw, and nothing else', () => {
    expect([...bareOf(runtimeImports('src/testing/msw.ts'))].sort()).toEqual(['msw', 'zod/mini']);
  });

  it('only src/testing/msw.ts imports msw', () => {
    const files = readdirSync(resolve(ROOT, 'src/testing'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files).toContain('fixtures/index.ts');
    for (const file of files) {
      const imports = [...(runtimeImports(`src/testing/${file}`).get(`src/testing/${file}`) ?? [])];
      expect(imports.filter((s) => s === 'msw').length > 0, file).toBe(file === 'msw.ts');
      expect(
        imports.filter((s) => s.startsWith('node:')),
        file,
      ).toEqual([]);
    }
  });

  it.each(['src/sandbox/index.ts', 'src/cli/bin.ts'])('%s does not need msw', (entry) => {
    const bare = bareOf(runtimeImports(entry));
    expect(bare.has('msw')).toBe(false);
    expect(bare.has('node:http')).toBe(true);
  });
});
