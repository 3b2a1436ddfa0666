import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layout rules of CONTRIBUTING ("Where things live"), checked on the sources themselves.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(root);
const rel = (path: string) => relative(root, path).replaceAll('\\', '/');

/** Every relative import of a file (static, dynamic and type-only), resolved to a source file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
    if (files.includes(target)) found.add(target);
    else if (files.includes(join(target, 'index.ts'))) found.add(join(target, 'index.ts'));
  }
  return [...found];
}

const graph = new Map(files.map((file) => [file, importsOf(file)]));

/** Strongly connected components of more than one file (Tarjan). */
function circles(): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(rel(member));
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of files) if (!indices.has(file)) visit(file);
  return found;
}

describe('the layout of src/', () => {
  it('has no import circle', () => {
    expect(circles()).toEqual([]);
  });

  it('has no hand-written file over 500 lines', () => {
    const long = files
      .filter((file) => !rel(file).startsWith('models/generated/'))
      .map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 500);
    expect(long).toEqual([]);
  });

  it('keeps client.ts a short table of contents', () => {
    expect(readFileSync(join(root, 'client.ts'), 'utf8').split('\n').length).toBeLessThan(300);
  });

  it('keeps internal/ private: nothing there imports the client, the resources or the entries', () => {
    const upward = files
      .filter((file) => rel(file).startsWith('internal/'))
      .flatMap((file) => (graph.get(file) ?? []).map((target) => `${rel(file)} -> ${rel(target)}`))
      .filter((edge) => /-> (client|user|index)\.ts$|-> resources\//.test(edge));
    expect(upward).toEqual([]);
  });
});
