/**
 * Import cost: how long `import('terra-sdk')` takes in a fresh Node process, against
 * `import('zod')` alone. Each sample is a new process; the ES module loader is started with a
 * trivial import first, so both sides measure only the package's own loading and evaluation.
 * `terra-sdk` resolves through the package's own `exports` map to the built `dist/`.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function importMs(specifier: string, after = ''): number {
  const script =
    "await import('data:text/javascript,export default 1');" +
    `const t = performance.now(); const m = await import(${JSON.stringify(specifier)}); const ms = performance.now() - t;` +
    `${after}; process.stdout.write(String(ms));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ImportCost {
  zodMs: number;
  sdkMs: number;
  ratio: number;
  /** Building and compiling the Activity response schemas on first use (not part of the import). */
  firstParseMs: number;
}

export function measureImportCost(rounds = 15): ImportCost {
  const zod: number[] = [];
  const sdk: number[] = [];
  // Alternate, so drift in machine load hits both sides alike.
  for (let i = 0; i < rounds; i++) {
    zod.push(importMs('zod'));
    sdk.push(importMs('terra-sdk'));
  }
  const first: number[] = [];
  const payload = JSON.stringify({
    data: [{ metadata: { summary_id: 's', start_time: 't', end_time: 't', type: 8, upload_type: 1 } }],
  });
  for (let i = 0; i < 5; i++) {
    const after =
      `const p = performance.now(); m.parseModel(m.ActivityCollectionSchema, ${payload});` +
      'process.stdout.write(String(performance.now() - p))';
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `await import('terra-sdk').then((m) => { ${after} })`],
      { cwd: root, encoding: 'utf8' },
    );
    first.push(Number(out));
  }
  const zodMs = median(zod);
  const sdkMs = median(sdk);
  return { zodMs, sdkMs, ratio: sdkMs / zodMs, firstParseMs: median(first) };
}
