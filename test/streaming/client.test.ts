import { afterEach, describe, expect, it } from 'vitest';
import { Terra, TerraConfigurationError } from '../../src/index.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('terra.streaming', () => {
  it('uses the streamingBaseUrl option and the client credentials', async () => {
    gateway = await startStreamingGateway({ devId: 'dev', apiKey: 'key', heartbeatIntervalMs: 200 });
    const terra = new Terra({ devId: 'dev', apiKey: 'key', streamingBaseUrl: `${gateway.url}/` });
    expect(terra.streaming.socketUrl).toBe(`${gateway.socketUrl}`);
    gateway.dispatchMany(3);
    const seqs: string[] = [];
    for await (const item of terra.streaming.connect({ after: 0, quietReplayDelayMs: 10 })) {
      seqs.push(item.seq);
      if (seqs.length === 3) break;
    }
    expect(seqs).toEqual(['1', '2', '3']);
  });

  it('defaults to Terra, reads TERRA_STREAMING_BASE_URL, refuses a ws: URL', () => {
    expect(new Terra({ devId: 'd', apiKey: 'k' }).streaming.socketUrl).toBe('wss://ws.tryterra.co/connect');
    const saved = process.env.TERRA_STREAMING_BASE_URL;
    process.env.TERRA_STREAMING_BASE_URL = 'http://127.0.0.1:4100';
    try {
      expect(new Terra({ devId: 'd', apiKey: 'k' }).streaming.socketUrl).toBe('ws://127.0.0.1:4100/connect');
    } finally {
      if (saved === undefined) delete process.env.TERRA_STREAMING_BASE_URL;
      else process.env.TERRA_STREAMING_BASE_URL = saved;
    }
    expect(() => new Terra({ devId: 'd', apiKey: 'k', streamingBaseUrl: 'wss://ws.tryterra.co' })).toThrow(
      TerraConfigurationError,
    );
  });
});
