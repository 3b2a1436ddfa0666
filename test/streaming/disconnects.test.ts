import { afterEach, describe, expect, it } from 'vitest';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { compareSeq } from '../../src/streaming/protocol.js';
import { until } from '../support/wait.js';
import { FAST, streamingFor } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const FRAMES = 6_000;
const DISCONNECTS = 20;
const CLOSES = [undefined, 4000, 4005, 1011, undefined] as const;

describe('a stream across forced disconnects', () => {
  it(`delivers every seq once and in order across ${DISCONNECTS} disconnects in ${FRAMES} frames`, async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 250, historySize: FRAMES * 2 });
    const g = gateway;
    // Resume after 0: the first socket replays whatever was produced before it was READY.
    const stream = streamingFor(g).connect({ ...FAST, after: '0', quietReplayDelayMs: 50 });
    const produced: string[] = [];
    const delivered: string[] = [];
    const reading = (async () => {
      for await (const item of stream) delivered.push(item.seq);
    })();

    let drops = 0;
    const perDrop = Math.floor(FRAMES / (DISCONNECTS + 1));
    while (produced.length < FRAMES) {
      // Batches from the event loop, as live traffic comes.
      for (let i = 0; i < 50 && produced.length < FRAMES; i++) {
        if (produced.length % 997 === 500) g.faults.repeatNext();
        if (produced.length % 1_201 === 600) g.faults.skipSeq(3);
        produced.push(
          g.dispatch({ userId: `user-${produced.length % 7}`, type: 'heart_rate', data: { n: produced.length } }),
        );
      }
      if (drops < DISCONNECTS && produced.length >= perDrop * (drops + 1)) {
        await until(() => g.consumers === 1, 5_000, 'the consumer to be back');
        g.faults.dropConsumers(CLOSES[drops % CLOSES.length]);
        drops++;
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await until(() => delivered.at(-1) === produced.at(-1), 10_000, 'the last frame');
    await stream.close();
    await reading;

    const duplicates = delivered.length - new Set(delivered).size;
    const deliveredSet = new Set(delivered);
    const missing = produced.filter((seq) => !deliveredSet.has(seq));
    let ordered = true;
    for (let i = 1; i < delivered.length; i++)
      if (compareSeq(delivered[i - 1] as string, delivered[i] as string) >= 0) ordered = false;
    const stats = stream.stats;
    // The figures the issue asks for, printed for the closing note.
    console.log(
      JSON.stringify({
        produced: produced.length,
        delivered: delivered.length,
        disconnects: drops,
        replayed: stats.replayed,
        duplicatesDropped: stats.duplicates,
        duplicatesDelivered: duplicates,
        gaps: missing.length,
        connects: stats.connects,
        tokens: g.stats.tokensIssued,
        lateReplays: stats.lateReplays,
      }),
    );
    expect(drops).toBe(DISCONNECTS);
    expect(duplicates).toBe(0);
    expect(missing).toEqual([]);
    expect(ordered).toBe(true);
    expect(delivered).toEqual(produced);
    expect(stats.replayed).toBeGreaterThan(0);
    expect(stats.lateReplays).toBe(0);
    // One token per socket, and every socket identified with its own.
    expect(stats.connects).toBe(g.stats.tokensIssued);
    expect(g.stats.identified).toBe(g.stats.tokensIssued);
    expect(stats.connects).toBeGreaterThanOrEqual(DISCONNECTS + 1);
  }, 30_000);
});
