/**
 * Type-checks every TypeScript block of README.md, CONTRIBUTING.md and docs/*.md under `strict`, as a
 * user would paste it: each block is a module of its own, importing terra-sdk by its published
 * names. Helpers a snippet calls without defining (`redirect`, `save`, ...) and the values it assumes
 * (`terra`, `user`, `rawBody`, ...) are declared once, with natural signatures, in
 * scripts/snippets/prelude.d.ts.
 *
 *   npm run check:snippets
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.snippets');
const documents = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const files: string[] = [];
const origin = new Map<string, string>();
for (const document of documents) {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  let block: string[] | undefined;
  let start = 0;
  for (const [index, line] of lines.entries()) {
    if (block === undefined && /^```(ts|typescript)\s*$/.test(line)) {
      block = [];
      start = index + 2;
    } else if (block !== undefined && /^```\s*$/.test(line)) {
      const name = `${document.replace(/[/.]/g, '_')}_${start}.ts`;
      // `export {}` makes the block a module: its own scope, and top-level await allowed.
      writeFileSync(join(out, name), `export {};\n${block.join('\n')}\n`);
      files.push(name);
      origin.set(name, `${document}:${start}`);
      block = undefined;
    } else if (block !== undefined) {
      block.push(line);
    }
  }
}

// Modules the snippets import as an app's own files (`./terra.js`).
for (const module of readdirSync(join(root, 'scripts/snippets/modules'))) {
  copyFileSync(join(root, 'scripts/snippets/modules', module), join(out, module));
}

writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    // Bundler resolution, as most apps (and Next.js) use; `strict` as the issue of record asks.
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      paths: { ...paths(), '@/lib/terra': ['./terra.ts'] },
    },
    files: [...files, '../scripts/snippets/prelude.d.ts'],
  }),
);

/** The root tsconfig's `paths`, re-rooted here (a config's `paths` replace, not merge, its parent's). */
function paths(): Record<string, string[]> {
  const base = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(base.compilerOptions.paths).map(([name, [target]]) => [name, [`.${target}`]]),
  );
}

try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(out, 'tsconfig.json')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stdout.write(`${files.length} TypeScript blocks in ${documents.length} documents type-check under strict.\n`);
  rmSync(out, { recursive: true, force: true });
} catch (error) {
  const output = String((error as { stdout?: string }).stdout ?? error);
  // Point at the document and line rather than the generated file (its line 1 is the added export).
  const located = output.replace(
    /\.snippets\/([^(]+)\((\d+),(\d+)\)/g,
    (_, file: string, line: string, column: string) => {
      const [document, first] = (origin.get(file) ?? `${file}:1`).split(':') as [string, string];
      return `${document}:${Number(first) + Number(line) - 2}:${column}`;
    },
  );
  process.stderr.write(`${located}\nTypeScript blocks that do not compile (see ${relative(root, out)}/).\n`);
  process.exit(1);
}
