/**
 * `npm run generate`: everything the repository derives from Terra's spec, in one command.
 *
 *   npm run generate                   write src/models/generated/ (generate-models.ts) and
 *                                      test/fixtures/spec/ (generate-test-data.ts)
 *   npm run generate -- --check        write nothing; exit 1 if either differs from what would be written
 *   npm run generate -- --spec <dir>   read the spec from <dir> (default: ../shared/terra-openapi)
 *   npm run generate -- --stats        also print the models' description statistics
 *
 * The output is committed, so building and testing never need the spec; only regenerating does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  process.stderr.write(`generate: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let spec = resolve(repoRoot, '../shared/terra-openapi');
const common: string[] = [];
const modelsOnly: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  if (arg === '--check') common.push(arg);
  else if (arg === '--stats') modelsOnly.push(arg);
  else if (arg === '--spec') spec = resolve(argv[++i] ?? fail('--spec needs a value'));
  else if (arg === '--help' || arg === '-h') {
    process.stdout.write(
      'Usage: npm run generate -- [--spec <dir>] [--check] [--stats]\n' +
        '  --spec   folder holding schemas/ and dist/v2-bundled.yaml (default ../shared/terra-openapi)\n' +
        '  --check  write nothing; exit 1 if src/models/generated/ or test/fixtures/spec/ differ\n' +
        '  --stats  print where the models’ field descriptions come from\n',
    );
    process.exit(0);
  } else fail(`unknown option ${arg} (try --help)`);
}

if (!existsSync(join(spec, 'schemas')) || !existsSync(join(spec, 'dist', 'v2-bundled.yaml'))) {
  fail(
    `Terra's spec is not at ${spec} (expected schemas/*.yaml and dist/v2-bundled.yaml).\n` +
      'The generated files (src/models/generated/, test/fixtures/spec/) are committed: building and testing\n' +
      'need nothing more. To regenerate or check them, put Terra’s OpenAPI description (terra-openapi)\n' +
      'at ../shared/terra-openapi, or pass --spec <dir>.',
  );
}

let status = 0;
for (const script of ['generate-models.ts', 'generate-test-data.ts']) {
  const args = [...common, '--spec', spec, ...(script === 'generate-models.ts' ? modelsOnly : [])];
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', script), ...args], {
      cwd: process.cwd(),
      stdio: 'inherit',
    });
  } catch (error) {
    // Each generator has said what went wrong on stderr; keep going so --check names every difference.
    status = Math.max(status, (error as { status?: number }).status ?? 1);
  }
}
process.exit(status);
