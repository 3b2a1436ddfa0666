/**
 * Packed-tarball smoke test: installs the packed package into an empty project and checks that a
 * user can load it, as ESM and CommonJS, from every entry point, and type-check against it with
 * `moduleResolution` `node16` and `bundler`.
 *
 *   npm run build && npm run check:package
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { devVersion, fail, packAndInstall, pkg, root, run, specifiers } from './lib/package.js';

// Installed without any optional peer: what needs none must load and type-check without them.
const consumer = packAndInstall();
const problems: string[] = [];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const installed = join(consumer.dir, 'node_modules', pkg.name);

try {
  // 0. terra-sdk/testing needs no msw: it loads, both ways, and type-checks with its .d.ts checked too.
  for (const [type, code] of [
    ['commonjs', `require('${pkg.name}/testing').fixtures.event('auth')`],
    [
      'module',
      `const { fixtures, signWebhook } = await import('${pkg.name}/testing'); await signWebhook({ payload: fixtures.event('auth'), secret: 's' })`,
    ],
  ] as const) {
    try {
      run(process.execPath, [`--input-type=${type}`, '-e', code], consumer.dir);
      process.stdout.write(
        `ok  ${pkg.name}/testing loads with ${type === 'module' ? 'import' : 'require'}() and no msw installed\n`,
      );
    } catch (error) {
      problems.push(`${pkg.name}/testing without msw failed:\n${(error as { stderr?: string }).stderr ?? error}`);
    }
  }
  writeFileSync(
    join(consumer.dir, 'no-msw.mts'),
    `import { fixtures, signWebhook } from '${pkg.name}/testing';\nexport const signed = signWebhook({ payload: fixtures.event('deauth'), secret: 's' });\n`,
  );
  writeFileSync(
    join(consumer.dir, 'tsconfig.no-msw.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noEmit: true,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        skipLibCheck: false,
      },
      files: ['no-msw.mts'],
    }),
  );
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.no-msw.json'], consumer.dir);
    process.stdout.write(`ok  ${pkg.name}/testing type-checks, declarations included, with no msw installed\n`);
  } catch (error) {
    problems.push(
      `${pkg.name}/testing does not type-check without msw:\n${(error as { stdout?: string }).stdout ?? error}`,
    );
  }

  // 0b. Every relative link in the shipped markdown points at a file that ships.
  for (const doc of ['README.md', 'CONTRIBUTING.md', ...listDocs()]) {
    const text = readFileSync(join(installed, doc), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g) as Iterable<string[]>) {
      if (!target || /^[a-z]+:/i.test(target)) continue;
      const file = normalize(join(dirname(doc), target));
      if (!existsSync(join(installed, file))) problems.push(`${doc} links to ${target}, which is not in the package`);
    }
  }
  process.stdout.write('ok  every relative link in the shipped README and guides resolves inside the package\n');

  // Everything else: with msw, the peer of terra-sdk/testing/msw.
  run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', devVersion('msw')],
    consumer.dir,
  );

  // 1. Every entry loads with require() and import(), offering the same names both ways.
  for (const specifier of specifiers) {
    const load = (type: 'commonjs' | 'module') => {
      const code =
        type === 'commonjs'
          ? `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)})).sort()))`
          : `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`;
      try {
        return JSON.parse(run(process.execPath, [`--input-type=${type}`, '-e', code], consumer.dir)) as string[];
      } catch (error) {
        problems.push(
          `${type === 'commonjs' ? 'require' : 'import'}('${specifier}') failed:\n${(error as { stderr?: string }).stderr ?? error}`,
        );
        return undefined;
      }
    };
    const cjs = load('commonjs');
    const esm = load('module');
    if (cjs && esm) {
      if (JSON.stringify(cjs) !== JSON.stringify(esm))
        problems.push(`${specifier}: CommonJS and ESM export different names`);
      else if (cjs.length === 0) problems.push(`${specifier}: exports nothing`);
      else process.stdout.write(`ok  ${specifier}: require() and import(), ${cjs.length} exports\n`);
    }
  }

  // 2. The command works from the installed package.
  try {
    const bin = join(consumer.dir, 'node_modules', '.bin', 'terra-sdk');
    const version = run(bin, ['--version'], consumer.dir).trim();
    const help = run(bin, ['--help'], consumer.dir);
    if (!version.includes(pkg.version)) problems.push(`terra-sdk --version printed "${version}", not ${pkg.version}`);
    else if (!help.includes('sandbox') || !help.includes('trigger'))
      problems.push('terra-sdk --help lists no commands');
    else process.stdout.write(`ok  the terra-sdk command: --version ${version}, --help\n`);
  } catch (error) {
    problems.push(`the terra-sdk command failed:\n${(error as { stderr?: string }).stderr ?? error}`);
  }

  // 3. A consumer type-checks against the published declarations.
  const imports = specifiers.map((s, i) => `import * as entry${i} from '${s}';`).join('\n');
  const uses = specifiers.map((_, i) => `void entry${i};`).join('\n');
  const typed = `
import { type Activity, Terra } from 'terra-sdk';
import { createWebhookHandler } from 'terra-sdk/webhooks';

export async function check(): Promise<void> {
  const terra = new Terra({ apiKey: 'key', devId: 'dev' });
  const response = await terra.getActivityForUser('user', { startDate: '2026-07-01', toWebhook: false });
  const result = response.getParsedResponse();
  if (result.kind === 'DataReturned') {
    const activities: Activity[] = result.data;
    void activities;
  }
  // @ts-expect-error An inline request never comes back as SentToWebhook: the types must say so.
  const kind: 'SentToWebhook' = result.kind;
  void kind;
  createWebhookHandler({ secret: 'secret' }).on('sleep', (event) => {
    const start: string = event.data[0]?.metadata.start_time ?? '';
    void start;
  });
}
`;
  writeFileSync(join(consumer.dir, 'consumer.mts'), `${imports}\n${typed}\n${uses}\n`);
  writeFileSync(
    join(consumer.dir, 'consumer.cts'),
    `import { Terra } from 'terra-sdk';\nimport { verifySignature } from 'terra-sdk/webhooks';\nexport const made = [Terra, verifySignature];\n`,
  );
  const settings = [
    ['node16', { module: 'node16', moduleResolution: 'node16' }, ['consumer.mts', 'consumer.cts']],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['consumer.mts']],
  ] as const;
  for (const [name, options, files] of settings) {
    const config = `tsconfig.${name}.json`;
    const compilerOptions = {
      ...options,
      strict: true,
      noEmit: true,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: [],
      skipLibCheck: true,
    };
    writeFileSync(join(consumer.dir, config), JSON.stringify({ compilerOptions, files }));
    try {
      run(process.execPath, [tsc, '-p', config], consumer.dir);
      process.stdout.write(`ok  a consumer type-checks with moduleResolution ${name}\n`);
    } catch (error) {
      problems.push(
        `type-check with moduleResolution ${name} failed:\n${(error as { stdout?: string }).stdout ?? error}`,
      );
    }
  }
} finally {
  consumer.dispose();
}

/** The guides that ship: docs/*.md of the installed package. */
function listDocs(): string[] {
  const files =
    (JSON.parse(run('npm', ['pack', '--dry-run', '--json'], root)) as { files: { path: string }[] }[])[0]?.files ?? [];
  return files.map((file) => file.path).filter((path) => /^docs\/[^/]+\.md$/.test(path));
}

if (problems.length > 0) fail(`Package check failed:\n${problems.map((p) => `- ${p}`).join('\n')}`);
process.stdout.write('Package check passed.\n');
