/**
 * `npm run bench`: the SDK's speed budgets, each a ratio against a baseline measured in the same
 * run. Prints a table and exits 1 if a ratio is over its budget. Figures are in bench/README.md.
 */
import { measureConnectionCost } from './connections.js';
import { measureImportCost } from './import-cost.js';
import { measureParseCost } from './parse.js';
import { measureWebhookCost } from './webhooks.js';

interface Row {
  name: string;
  measured: string;
  ratio: number;
  budget: number;
  aim?: number;
}

const rows: Row[] = [];
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

const importCost = measureImportCost();
rows.push({
  name: "import('terra-sdk') vs import('zod')",
  measured: `${fmt(importCost.sdkMs)} vs ${fmt(importCost.zodMs)}`,
  ratio: importCost.ratio,
  budget: 1.3,
});

for (const cost of await measureParseCost()) {
  rows.push({
    name: `parse activity, ${cost.samples.toLocaleString('en')} HR samples (${cost.megabytes.toFixed(1)} MB) vs JSON.parse`,
    measured: `${fmt(cost.sdkParseMs)} vs ${fmt(cost.jsonParseMs)}`,
    ratio: cost.ratio,
    budget: 2.0,
    aim: 1.5,
  });
}

for (const cost of await measureWebhookCost()) {
  rows.push({
    name: `verify + parse activity webhook (${cost.megabytes.toFixed(1)} MB) vs HMAC-SHA256 + JSON.parse`,
    measured: `${fmt(cost.sdkMs)} vs ${fmt(cost.baselineMs)}`,
    ratio: cost.ratio,
    budget: 2.0,
    aim: 1.5,
  });
}

const connections = await measureConnectionCost();
for (const cost of connections.costs) {
  rows.push({
    name: `store.apply on ${cost.engine}, ${cost.events.toLocaleString('en')} deliveries vs plain INSERT ... ON CONFLICT`,
    measured: `${cost.storePerSecond.toFixed(0)}/s vs ${cost.floorPerSecond.toFixed(0)}/s`,
    ratio: cost.ratio,
    budget: cost.engine === 'PGlite' ? 6.0 : 4.0,
    aim: cost.engine === 'PGlite' ? 4.0 : 2.5,
  });
}

const width = Math.max(...rows.map((r) => r.name.length));
process.stdout.write(`terra-sdk benchmarks (Node ${process.version}, ${process.platform}-${process.arch})\n\n`);
for (const row of rows) {
  const verdict = row.ratio <= row.budget ? 'ok' : 'OVER BUDGET';
  const aim = row.aim ? `, aim ${row.aim.toFixed(1)}x` : '';
  process.stdout.write(
    `${row.name.padEnd(width)}  ${row.ratio.toFixed(2)}x  (budget ${row.budget.toFixed(1)}x${aim})  ${verdict}  [${row.measured}]\n`,
  );
}
for (const skipped of connections.skipped) process.stdout.write(`\nskipped: ${skipped}`);
process.stdout.write(`\nfirst parse after import (builds the Activity schemas): ${fmt(importCost.firstParseMs)}\n`);

const over = rows.filter((r) => r.ratio > r.budget);
if (over.length > 0) {
  process.stderr.write(`\n${over.length} benchmark(s) over budget\n`);
  process.exit(1);
}
