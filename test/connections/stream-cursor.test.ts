/**
 * `store.streamCursor(name)`: a streaming consumer's durable cursor in `terra_stream_cursors`,
 * exact past 2^53, never moving backwards; a consumer restarted on it resumes without a gap.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TerraInvalidArgumentError } from '../../src/errors.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { streamingFor } from '../streaming/support.js';
import { describeEngines, type EngineName, openDatabase, type TestDatabase } from './support/engines.js';

describeEngines('stream cursors', (engine: EngineName) => {
  let db: TestDatabase;
  let gateway: StreamingGateway | undefined;
  beforeEach(async () => {
    db = await openDatabase(engine);
  }, 60_000);
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await db.close();
  });

  it('keeps one cursor per name, exact past 2^53, never moving backwards', async () => {
    const main = db.store.streamCursor('main');
    expect(await main.get()).toBeUndefined();
    const big = '9007199254740993'; // 2^53 + 1: a number would read 9007199254740992
    await main.set(big);
    expect(await main.get()).toBe(big);
    await main.set('12');
    expect(await main.get()).toBe(big);
    await main.set('9223372036854775807');
    expect(await db.store.streamCursor('main').get()).toBe('9223372036854775807');
    expect(await db.store.streamCursor('other').get()).toBeUndefined();
    const [row] = await db.sql<{ updated_at: Date }>("SELECT updated_at FROM terra_stream_cursors WHERE name = 'main'");
    expect(row?.updated_at).toBeInstanceOf(Date);
    await expect(main.set('1.5')).rejects.toBeInstanceOf(TerraInvalidArgumentError);
    await expect(main.set(7 as never)).rejects.toBeInstanceOf(TerraInvalidArgumentError);
    expect(() => db.store.streamCursor('')).toThrow(TerraInvalidArgumentError);
  });

  it('a consumer restarted on the same cursor resumes without a gap, past 2^53', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200, firstSeq: '9007199254740990' });
    const streaming = streamingFor(gateway);
    gateway.dispatchMany(10);
    const first = streaming.connect({ after: '9007199254740989', cursorStore: db.store.streamCursor('restart') });
    const seen: string[] = [];
    for await (const item of first) {
      seen.push(item.seq);
      if (seen.length === 4) break;
    }
    expect(await db.store.streamCursor('restart').get()).toBe('9007199254740993');
    gateway.dispatchMany(5);
    // A new process: a new stream on the same store cursor.
    const second = streaming.connect({ cursorStore: db.store.streamCursor('restart'), quietReplayDelayMs: 50 });
    for await (const item of second) {
      seen.push(item.seq);
      if (seen.length === 15) break;
    }
    const expected = Array.from({ length: 15 }, (_, i) => (9007199254740990n + BigInt(i)).toString());
    expect(seen).toEqual(expected);
    expect(await db.store.streamCursor('restart').get()).toBe(expected.at(-1));
  }, 20_000);
});
