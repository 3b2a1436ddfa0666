/**
 * Parse cost: reading an activity response (`GET /activity?to_webhook=false`) of 10,000 and 100,000
 * heart-rate samples with `JSON.parse` plus `parseModel`, against `JSON.parse` of the same bytes,
 * in the same run.
 */
import { bench, do_not_optimize, run } from 'mitata';
import { ActivityCollectionSchema, parseModel } from 'terra-sdk';
import { fixtures } from 'terra-sdk/testing';

export interface ParseCost {
  samples: number;
  megabytes: number;
  jsonParseMs: number;
  sdkParseMs: number;
  ratio: number;
}

export async function measureParseCost(sizes = [10_000, 100_000]): Promise<ParseCost[]> {
  const user = fixtures.user();
  const bodies = sizes.map((samples) => ({
    samples,
    body: JSON.stringify({ user, data: [fixtures.activity({ samples })], type: 'activity' }),
  }));
  for (const { samples, body } of bodies) {
    bench(`JSON.parse ${samples}`, () => do_not_optimize(JSON.parse(body)));
    bench(`parseModel ${samples}`, () => do_not_optimize(parseModel(ActivityCollectionSchema, JSON.parse(body))));
  }
  const { benchmarks } = await run({ format: 'quiet' });
  const p50 = (alias: string) => {
    const stats = benchmarks.find((b) => b.alias === alias)?.runs[0]?.stats;
    if (!stats) throw new Error(`no result for ${alias}`);
    return stats.p50 / 1e6;
  };
  return bodies.map(({ samples, body }) => {
    const jsonParseMs = p50(`JSON.parse ${samples}`);
    const sdkParseMs = p50(`parseModel ${samples}`);
    return { samples, megabytes: body.length / 1e6, jsonParseMs, sdkParseMs, ratio: sdkParseMs / jsonParseMs };
  });
}
