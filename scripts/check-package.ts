/**
 * Packed-tarball smoke test: installs the packed package into an empty project and checks that a
 * user can load it, as ESM and CommonJS, from every entry point, and type-check against it with
 * `moduleResolution` `node16` and `bundler`.
 *
 *   npm run build && npm run check:package
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devVersion, fail, packAndInstall, pkg, root, run, specifiers } from './lib/package.js';

const consumer = packAndInstall([devVersion('msw')]);
const problems: string[] = [];

try {
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
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
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

if (problems.length > 0) fail(`Package check failed:\n${problems.map((p) => `- ${p}`).join('\n')}`);
process.stdout.write('Package check passed.\n');
