/**
 * What each entry point pulls in. `terra-sdk/webhooks` and the Web adapters must run on edge
 * runtimes, so their whole import graph holds no `node:` module, no HTTP client code and no framework;
 * the Node adapters may import Node and framework *types* only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";()]*?from\s+['"]([^'"]+)['"]/gm;

interface Graph {
  files: string[];
  /** Bare specifiers imported for their values, with the importing file. */
  runtime: Map<string, string[]>;
  /** Bare specifiers imported only as types. */
  typeOnly: Set<string>;
}

function graph(entry: string): Graph {
  const files: string[] = [];
  const runtime = new Map<string, string[]>();
  const typeOnly = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(relative(ROOT, file));
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const [, , isType, specifier] = match as unknown as [string, string, string | undefined, string];
      if (specifier.startsWith('.')) {
        queue.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else if (isType) {
        typeOnly.add(specifier);
      } else {
        runtime.set(specifier, [...(runtime.get(specifier) ?? []), relative(ROOT, file)]);
      }
    }
  }
  return { files, runtime, typeOnly };
}

const CLIENT_CODE = /^src\/(client|user|response)\.ts$|^src\/internal\/http/;

describe('import graphs', () => {
  it.each([
    'src/webhooks/index.ts',
    'src/webhooks/receive.ts',
    'src/adapters/fetch.ts',
    'src/adapters/hono.ts',
    'src/adapters/next.ts',
  ])('%s imports zod/mini and its own code only: no node:, no ky, no client, no framework', (entry) => {
    const { files, runtime, typeOnly } = graph(entry);
    expect([...runtime.keys()]).toEqual(['zod/mini']);
    expect([...typeOnly].filter((s) => s !== 'zod/mini')).toEqual([]);
    expect(files.filter((f) => CLIENT_CODE.test(f))).toEqual([]);
    for (const file of files)
      expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(/(?<![\w`])Buffer\s*[.(]/);
  });

  it('webhooks reaches the event models, not the whole model index', () => {
    const { files } = graph('src/webhooks/index.ts');
    expect(files).toContain('src/models/generated/ActivityEvent.ts');
    expect(files).not.toContain('src/models/index.ts');
    expect(files).not.toContain('src/index.ts');
  });

  it('webhooks takes a store by its shape and loads none of the connection store', () => {
    const { files } = graph('src/webhooks/index.ts');
    expect(files).toContain('src/webhooks/store.ts');
    expect(files.filter((f) => f.startsWith('src/store/'))).toEqual([]);
  });

  it.each([
    ['src/adapters/node.ts', ['node:http']],
    ['src/adapters/express.ts', ['node:http']],
    ['src/adapters/fastify.ts', ['fastify', 'node:http']],
  ])('%s imports node:crypto (its HMAC) and otherwise Node and its framework as types only', (entry, types) => {
    const { runtime, typeOnly } = graph(entry);
    expect([...runtime.keys()].sort()).toEqual(['node:crypto', 'zod/mini']);
    expect(runtime.get('node:crypto')).toEqual(['src/adapters/node-io.ts']);
    expect([...typeOnly].filter((s) => s !== 'zod/mini').sort()).toEqual(types);
  });
});
