/**
 * `npm run bench`: the SDK's speed budgets, each a ratio against a baseline measured in the same
 * run. Prints the tables and exits 1 if a ratio is over its budget. Figures are in bench/README.md.
 *
 * `BENCH_ONLY=throughput,schemas` runs some parts only (import, parse, webhooks, breakdown, schemas,
 * throughput, connections, streaming, data, durable); `BENCH_SECONDS` (default 3) and `BENCH_ROUNDS` (default 5) set the length and number
 * of the throughput runs.
 */
import { measureBreakdown } from './breakdown.js';
import { measureConnectionCost } from './connections.js';
import { measureDataCost } from './data.js';
import { measureDurableIngest } from './durable.js';
import { measureImportCost } from './import-cost.js';
import { measureParseCost } from './parse.js';
import { measureSchemaCost } from './schemas.js';
import { measureStreamingCost } from './streaming.js';
import { measureThroughput, pinned } from './throughput.js';
import { measureWebhookCost } from './webhooks.js';

interface Row {
  name: string;
  measured: string;
  ratio: number;
  budget: number;
  aim?: number;
  /** `min`: the ratio must be at least the budget (throughput); otherwise at most. */
  direction?: 'min';
}

const only = process.env.BENCH_ONLY?.split(',').map((part) => part.trim());
const runs = (part: string) => only === undefined || only.includes(part);
const out = (line = '') => process.stdout.write(`${line}\n`);
const rows: Row[] = [];
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const within = (row: Row) => (row.direction === 'min' ? row.ratio >= row.budget : row.ratio <= row.budget);

out(`terra-sdk benchmarks (Node ${process.version}, ${process.platform}-${process.arch})`);

if (runs('import')) {
  const importCost = measureImportCost();
  rows.push({
    name: "import('terra-sdk') vs import('zod')",
    measured: `${fmt(importCost.sdkMs)} vs ${fmt(importCost.zodMs)}`,
    ratio: importCost.ratio,
    budget: 1.3,
  });
  out(`first parse after import (builds the Activity schemas): ${fmt(importCost.firstParseMs)}`);
}

if (runs('parse')) {
  for (const cost of await measureParseCost()) {
    rows.push({
      name: `parse activity, ${cost.samples.toLocaleString('en')} HR samples (${cost.megabytes.toFixed(1)} MB) vs JSON.parse`,
      measured: `${fmt(cost.sdkParseMs)} vs ${fmt(cost.jsonParseMs)}`,
      ratio: cost.ratio,
      budget: 2.0,
      aim: 1.5,
    });
  }
}

if (runs('webhooks')) {
  for (const cost of await measureWebhookCost()) {
    rows.push({
      name: `verify + parse activity webhook (${cost.megabytes.toFixed(1)} MB) vs HMAC-SHA256 + JSON.parse`,
      measured: `${fmt(cost.sdkMs)} vs ${fmt(cost.baselineMs)}`,
      ratio: cost.ratio,
      budget: 2.0,
      aim: 1.5,
    });
  }
}

if (runs('breakdown')) {
  const { bytes, stages } = await measureBreakdown();
  out(`\nWhere the time of one ${(bytes / 1000).toFixed(1)} kB delivery goes (CPU µs per call, this process)`);
  const width = Math.max(...stages.map((s) => s.name.length));
  for (const stage of stages) out(`  ${stage.name.padEnd(width)}  ${stage.us.toFixed(1).padStart(7)}`);
}

if (runs('schemas')) {
  const { costs, skipped } = measureSchemaCost();
  const worst = [...costs].sort((a, b) => b.schemaRatio - a.schemaRatio);
  out(
    `\nFooSchema.parse and parseModel of every exported model (${costs.length}), vs JSON.parse (CPU, median of 15 rounds, each against JSON.parse in the same round)`,
  );
  if (skipped.length > 0) out(`  no sample for: ${skipped.join(', ')}`);
  out(
    `  ${'model'.padEnd(36)} ${'bytes'.padStart(8)} ${'JSON.parse'.padStart(11)} ${'.parse'.padStart(7)} ${'parseModel'.padStart(10)}`,
  );
  for (const cost of worst.slice(0, 12)) {
    out(
      `  ${cost.model.padEnd(36)} ${String(cost.bytes).padStart(8)} ${`${cost.jsonParseUs.toFixed(2)} µs`.padStart(11)} ${`${cost.schemaRatio.toFixed(2)}x`.padStart(7)} ${`${cost.parseModelRatio.toFixed(2)}x`.padStart(10)}`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  out(
    `  median over all models: .parse ${median(costs.map((c) => c.schemaRatio)).toFixed(2)}x, parseModel ${median(costs.map((c) => c.parseModelRatio)).toFixed(2)}x`,
  );
  // Below 1 kB, JSON.parse takes a microsecond or less, and the fixed cost of a call (the schema
  // stand-in, the compiled check's lookup) is a visible share of it: reported, not budgeted.
  const small = costs.filter((c) => c.bytes < 1_000);
  const overSmall = small.filter((c) => c.schemaRatio > 1.5);
  out(
    `  under 1 kB of JSON (${small.length} models): ${overSmall.length} over 1.5x, by at most ${Math.max(0, ...overSmall.map((c) => (c.schemaParseUs - 1.5 * c.jsonParseUs) * 1000)).toFixed(0)} ns a call`,
  );
  const large = costs.filter((c) => c.bytes >= 1_000);
  const worstLarge = [...large].sort((a, b) => b.schemaRatio - a.schemaRatio)[0];
  const worstLargeModel = [...large].sort((a, b) => b.parseModelRatio - a.parseModelRatio)[0];
  if (worstLarge && worstLargeModel) {
    rows.push({
      name: `FooSchema.parse, worst of ${large.length} models of 1 kB or more (${worstLarge.model}) vs JSON.parse`,
      measured: `${worstLarge.schemaParseUs.toFixed(1)} µs vs ${worstLarge.jsonParseUs.toFixed(1)} µs`,
      ratio: worstLarge.schemaRatio,
      budget: 1.5,
    });
    rows.push({
      name: `parseModel, worst of ${large.length} models of 1 kB or more (${worstLargeModel.model}) vs JSON.parse`,
      measured: `${worstLargeModel.parseModelUs.toFixed(1)} µs vs ${worstLargeModel.jsonParseUs.toFixed(1)} µs`,
      ratio: worstLargeModel.parseModelRatio,
      budget: 1.5,
    });
  }
}

if (runs('throughput')) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  out(
    `\nWebhook throughput: autocannon over loopback, signed activity events; floor and SDK servers loaded in turns, ${rounds} runs of ${seconds} s each, medians${pinned ? '; server pinned to core 1, load on core 0' : ' (not pinned: taskset or a second core is missing)'}`,
  );
  const results = await measureThroughput({ seconds, rounds, log: (line) => out(line) });
  out(
    `\n  ${'adapter'.padEnd(8)} ${'size'.padEnd(6)} ${'req/s SDK / floor'.padStart(20)} ${'ratio'.padStart(6)} ${'p99 ms SDK / floor'.padStart(19)} ${'ratio'.padStart(6)} ${'CPU µs/req'.padStart(14)} ${'ratio'.padStart(6)}`,
  );
  for (const r of results) {
    out(
      `  ${r.framework.padEnd(8)} ${r.size.label.padEnd(6)} ${`${r.sdk.rps.toFixed(0)} / ${r.floor.rps.toFixed(0)}`.padStart(20)} ${r.rpsRatio.toFixed(2).padStart(6)} ${`${r.sdk.p99} / ${r.floor.p99}`.padStart(19)} ${r.p99Ratio.toFixed(2).padStart(6)} ${`${r.sdk.cpuUs.toFixed(0)} / ${r.floor.cpuUs.toFixed(0)}`.padStart(14)} ${r.cpuRatio.toFixed(2).padStart(6)}`,
    );
    rows.push({
      name: `${r.framework} ${r.size.label}: req/s vs the floor`,
      measured: `${r.sdk.rps.toFixed(0)} vs ${r.floor.rps.toFixed(0)}`,
      ratio: r.rpsRatio,
      budget: r.size.minRps,
      direction: 'min',
    });
    if (r.size.maxP99 !== undefined) {
      rows.push({
        name: `${r.framework} ${r.size.label}: p99 vs the floor`,
        measured: `${r.sdk.p99} ms vs ${r.floor.p99} ms`,
        ratio: r.p99Ratio,
        budget: r.size.maxP99,
      });
    }
  }
}

out();
if (runs('connections')) {
  const connections = await measureConnectionCost();
  for (const cost of connections.costs) {
    rows.push({
      name: `store.apply on ${cost.engine}, ${cost.events.toLocaleString('en')} deliveries vs plain INSERT ... ON CONFLICT`,
      measured: `${cost.storePerSecond.toFixed(0)}/s vs ${cost.floorPerSecond.toFixed(0)}/s`,
      ratio: cost.ratio,
      // At least half the floor's rate on both engines.
      budget: 2.0,
    });
  }
  for (const skipped of connections.skipped) out(`skipped: ${skipped}`);
}

if (runs('streaming')) {
  const cost = await measureStreamingCost();
  rows.push({
    name: `streaming: ${cost.frames.toLocaleString('en')} frames through connect() vs a bare ws client that JSON.parses them`,
    measured: `${cost.sdkPerSecond.toFixed(0)}/s vs ${cost.barePerSecond.toFixed(0)}/s`,
    ratio: cost.ratio,
    budget: 0.8,
    direction: 'min',
  });
}

if (runs('data')) {
  const data = await measureDataCost();
  for (const cost of data.costs) {
    rows.push({
      name: `data deliveries on ${cost.engine}, ${cost.records.toLocaleString('en')} sleep records: rate vs plain INSERT ... ON CONFLICT`,
      measured: `${cost.storePerSecond.toFixed(0)}/s vs ${cost.floorPerSecond.toFixed(0)}/s`,
      ratio: cost.ratio,
      budget: 0.5,
      direction: 'min',
    });
    if (cost.daysMs !== undefined)
      rows.push({
        name: 'days() of a month, 3 devices, a year stored (PGlite), ms over 50 ms',
        measured: `${cost.daysMs.toFixed(1)} ms`,
        ratio: cost.daysMs / 50,
        budget: 1.0,
      });
  }
  for (const skipped of data.skipped) out(`skipped: ${skipped}`);
}

if (runs('durable')) {
  const durable = await measureDurableIngest({
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  });
  for (const row of durable.rows) {
    rows.push({
      name: `durable ingest (node, PostgreSQL) ${row.size}: req/s vs HMAC + JSON.parse + INSERT`,
      measured: `${row.durableRps.toFixed(0)} vs ${row.floorRps.toFixed(0)}`,
      ratio: row.ratio,
      budget: 0.8,
      direction: 'min',
    });
  }
  for (const skipped of durable.skipped) out(`skipped: ${skipped}`);
}

const width = Math.max(...rows.map((r) => r.name.length));
for (const row of rows) {
  const verdict = within(row) ? 'ok' : row.direction === 'min' ? 'UNDER BUDGET' : 'OVER BUDGET';
  const aim = row.aim ? `, aim ${row.aim.toFixed(1)}x` : '';
  const bound = row.direction === 'min' ? 'at least' : 'budget';
  out(
    `${row.name.padEnd(width)}  ${row.ratio.toFixed(2)}x  (${bound} ${row.budget.toFixed(1)}x${aim})  ${verdict}  [${row.measured}]`,
  );
}

const failed = rows.filter((r) => !within(r));
if (failed.length > 0) {
  process.stderr.write(`\n${failed.length} benchmark(s) outside their budget\n`);
  process.exit(1);
}
