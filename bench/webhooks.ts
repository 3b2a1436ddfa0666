/**
 * Webhook cost: `constructEvent` (verify the signature, then read and validate the event) on an
 * activity webhook of about 1 MB and 10 MB, against node:crypto's HMAC-SHA256 plus `JSON.parse` of
 * the same bytes, in the same run. The body is bytes, as frameworks hand it over.
 */
import { createHmac } from 'node:crypto';
import { bench, do_not_optimize, run } from 'mitata';
import { fixtures } from 'terra-sdk/testing';
import { constructEvent, signPayload } from 'terra-sdk/webhooks';

export interface WebhookCost {
  samples: number;
  megabytes: number;
  baselineMs: number;
  sdkMs: number;
  ratio: number;
}

const SECRET = 'bench-signing-secret';
const T = 1_700_000_000;

export async function measureWebhookCost(sizes = [10_000, 100_000]): Promise<WebhookCost[]> {
  const decoder = new TextDecoder();
  const cases = await Promise.all(
    sizes.map(async (samples) => {
      const event = fixtures.event('activity', { samples });
      const body = new TextEncoder().encode(JSON.stringify(event));
      const header = await signPayload(body, { secret: SECRET, timestamp: T });
      return { samples, body, header, signature: header.slice(header.indexOf('v1=') + 3) };
    }),
  );
  for (const { samples, body, header, signature } of cases) {
    bench(`HMAC + JSON.parse ${samples}`, () => {
      const digest = createHmac('sha256', SECRET).update(`${T}.`).update(body).digest('hex');
      if (digest !== signature) throw new Error('baseline signature mismatch');
      do_not_optimize(JSON.parse(decoder.decode(body)));
    });
    bench(`constructEvent ${samples}`, async () => {
      do_not_optimize(await constructEvent(body, header, { secret: SECRET, tolerance: Number.POSITIVE_INFINITY }));
    });
  }
  const { benchmarks } = await run({ format: 'quiet' });
  const p50 = (alias: string) => {
    const stats = benchmarks.find((b) => b.alias === alias)?.runs[0]?.stats;
    if (!stats) throw new Error(`no result for ${alias}`);
    return stats.p50 / 1e6;
  };
  return cases.map(({ samples, body }) => {
    const baselineMs = p50(`HMAC + JSON.parse ${samples}`);
    const sdkMs = p50(`constructEvent ${samples}`);
    return { samples, megabytes: body.length / 1e6, baselineMs, sdkMs, ratio: sdkMs / baselineMs };
  });
}
