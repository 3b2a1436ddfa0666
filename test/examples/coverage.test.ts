/**
 * Every program in examples/ is run by a test in test/examples/ (or imported by one that is), so an
 * example cannot rot unnoticed. They are all type-checked by `npm run typecheck`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function files(dir: string, extension: RegExp): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && extension.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describe('examples', () => {
  it('are each run by a test, or imported by an example that is', () => {
    const examples = files('examples', /\.(ts|tsx|mts)$/);
    expect(examples.length).toBeGreaterThan(0);
    const tests = files('test/examples', /\.test\.ts$/).map((file) => readFileSync(join(root, file), 'utf8'));
    const run = new Set(examples.filter((example) => tests.some((text) => text.includes(example))));
    // Modules that examples import (shared handlers) are exercised through them.
    for (const example of run) {
      const text = readFileSync(join(root, example), 'utf8');
      for (const [, specifier] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = relative(root, resolve(root, dirname(example), specifier as string)).replace(/\.js$/, '.ts');
        if (examples.includes(target)) run.add(target);
      }
    }
    expect(examples.filter((example) => !run.has(example))).toEqual([]);
  });
});
