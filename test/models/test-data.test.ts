/**
 * The tables `npm run generate` derives from Terra's spec for the tests (test/fixtures/spec/): each
 * says what made it and from what, `--check` names a file that differs, and without the spec the
 * command says what it needs instead of failing obscurely.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPEC_DATA_DIR, specPresent } from '../support/spec.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'terra-test-data-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(script: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('generated test data', { timeout: 60_000 }, () => {
  it('says in every file that it is generated, by what, and from which part of the spec', () => {
    const files = readdirSync(SPEC_DATA_DIR);
    expect(files.sort()).toEqual([
      'corpus-spec-issues.json',
      'examples.json',
      'operations.json',
      'schema-files.json',
      'webhooks.json',
    ]);
    for (const file of files) {
      const data = JSON.parse(readFileSync(join(SPEC_DATA_DIR, file), 'utf8')) as Record<string, unknown>;
      expect(data.generated, file).toMatch(/^by scripts\/generate-test-data\.ts \(npm run generate\); do not edit$/);
      expect(data.source, file).toMatch(/^Terra's OpenAPI description/);
    }
  });

  it('npm run generate explains what it needs when the spec is missing', () => {
    const result = run('scripts/generate.ts', '--spec', join(work, 'nowhere'), '--check');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Terra's spec is not at");
    expect(result.stderr).toContain('building and testing');
    expect(result.stderr).toContain('--spec <dir>');
    expect(run('scripts/generate.ts', '--frobnicate').stderr).toContain('unknown option --frobnicate');
  });

  it.skipIf(!specPresent)('--check names a file that differs from the spec, and one it did not write', () => {
    const out = join(work, 'check');
    cpSync(SPEC_DATA_DIR, out, { recursive: true });
    expect(run('scripts/generate-test-data.ts', '--check', '--out', out).status).toBe(0);
    writeFileSync(join(out, 'operations.json'), `${readFileSync(join(out, 'operations.json'), 'utf8')} `);
    writeFileSync(join(out, 'stray.json'), '{}\n');
    const result = run('scripts/generate-test-data.ts', '--check', '--out', out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('operations.json');
    expect(result.stderr).toContain('stray.json (not generated)');
    expect(result.stderr).toContain('Run `npm run generate`');
  });
});
