import { afterEach, describe, expect, it } from 'vitest';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { until } from '../support/wait.js';
import { FAST, streamingFor } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('streaming consumer basics', () => {
  it('receives live dispatches in order and closes with 1000 on break', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const stream = streamingFor(g).connect({ ...FAST });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const item of stream) {
        seen.push(item.seq);
        expect(item).toMatchObject({ userId: 'user-1', type: 'heart_rate', synthetic: false });
        if (seen.length === 10) break;
      }
    })();
    await until(() => g.consumers === 1);
    g.dispatchMany(10);
    await reading;
    expect(seen).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(stream.cursor).toBe('10');
    await until(() => g.stats.closes[1000] === 1, 2_000, 'a 1000 close');
    expect(g.stats.tokensIssued).toBe(1);
  });
});
