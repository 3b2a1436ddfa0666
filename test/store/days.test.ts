/**
 * `days()`: one entry per date for a person across their connections. The same night from a ring
 * and a watch is one item (kept from the provider first in priority.sleep, the other in alsoFrom),
 * a nap overlapping nothing stays its own item, daily picks one per date, and none of it depends on
 * the order records arrived in.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type DataTestDatabase,
  dailyRecord,
  dataEvent,
  describeEngines,
  openDataStore,
  sleepRecord,
  user,
} from './support.js';

const ring = user('u-ring', 'OURA');
const watch = user('u-watch', 'GARMIN');
const phone = user('u-phone', 'APPLE');

const activity = (id: string, start: string, end: string) => ({
  metadata: { summary_id: id, start_time: start, end_time: end, type: 1, name: 'Run', upload_type: 1 },
  distance_data: { summary: { distance_meters: 5000 } },
});

/** The person's week: the same night from ring and watch, a watch nap, one run seen by watch and phone, two dailies. */
const deliveries = [
  {
    event: dataEvent('sleep', ring, [sleepRecord('ring-n1', '2026-04-01T23:10:00+02:00', '2026-04-02T07:00:00+02:00')]),
    at: 3,
  },
  {
    event: dataEvent('sleep', watch, [
      sleepRecord('watch-n1', '2026-04-01T23:30:00+02:00', '2026-04-02T06:40:00+02:00'),
    ]),
    at: 2,
  },
  {
    event: dataEvent('sleep', watch, [
      sleepRecord('watch-nap', '2026-04-02T14:00:00+02:00', '2026-04-02T14:30:00+02:00'),
    ]),
    at: 4,
  },
  // A night the ring alone saw, starting the evening before the range: not in the range's days.
  {
    event: dataEvent('sleep', ring, [sleepRecord('ring-n0', '2026-03-31T23:00:00+02:00', '2026-04-01T07:00:00+02:00')]),
    at: 1,
  },
  {
    event: dataEvent('activity', watch, [
      activity('watch-run', '2026-04-02T18:00:00+02:00', '2026-04-02T18:40:00+02:00'),
    ]),
    at: 5,
  },
  {
    event: dataEvent('activity', phone, [
      activity('phone-run', '2026-04-02T18:01:00+02:00', '2026-04-02T18:38:00+02:00'),
    ]),
    at: 6,
  },
  { event: dataEvent('daily', watch, [dailyRecord('2026-04-01', 9000), dailyRecord('2026-04-02', 12000)]), at: 7 },
  { event: dataEvent('daily', ring, [dailyRecord('2026-04-01', 8000)]), at: 8 },
];

describeEngines('days', (engine) => {
  let db: DataTestDatabase;
  beforeAll(async () => {
    db = await openDataStore(engine);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const applyIn = async (order: readonly number[]) => {
    await db.sql('TRUNCATE terra_records_as_sent, terra_connections, terra_deliveries, terra_large_requests');
    for (const i of order) {
      const d = deliveries[i] as (typeof deliveries)[number];
      await db.terra.apply(d.event as never, { traceId: `days-${i}`, orderingTimestamp: d.at * 1000 });
    }
  };

  it('merges the two-device night, keeps the nap and the run once, and picks one daily per date', async () => {
    await applyIn(deliveries.map((_, i) => i));
    const days = await db.terra.days('person-1', { from: '2026-04-01', to: '2026-04-02' });
    expect(days.map((d) => d.date)).toEqual(['2026-04-01', '2026-04-02']);
    const [first, second] = days;
    // The night of April 1: ring first (OURA precedes GARMIN for sleep by default), the watch in alsoFrom.
    expect(first?.sleep).toHaveLength(1);
    expect(first?.sleep[0]?.source).toEqual({ terraUserId: 'u-ring', provider: 'OURA', summaryId: 'ring-n1' });
    expect(first?.sleep[0]?.alsoFrom.map((a) => a.source.summaryId)).toEqual(['watch-n1']);
    expect(first?.sleep[0]?.record.metadata.summary_id).toBe('ring-n1');
    // Daily: GARMIN precedes OURA by default.
    expect(first?.daily?.source.provider).toBe('GARMIN');
    expect(first?.daily?.alsoFrom.map((a) => a.source.provider)).toEqual(['OURA']);
    expect(second?.daily?.record.distance_data?.steps).toBe(12000);
    expect(second?.daily?.alsoFrom).toEqual([]);
    // The nap overlaps nothing: its own item.
    expect(second?.sleep.map((s) => [s.source.summaryId, s.alsoFrom.length])).toEqual([['watch-nap', 0]]);
    // The run from watch and phone: one item, the watch's kept.
    expect(second?.activities.map((a) => [a.source.summaryId, a.alsoFrom.map((x) => x.source.summaryId)])).toEqual([
      ['watch-run', ['phone-run']],
    ]);
    expect(first?.body).toBeNull();
  });

  it('priority decides which connection is kept', async () => {
    await applyIn(deliveries.map((_, i) => i));
    const [first] = await db.terra.days('person-1', {
      from: '2026-04-01',
      to: '2026-04-01',
      priority: { sleep: ['GARMIN', 'OURA'], daily: ['OURA'] },
    });
    expect(first?.sleep[0]?.source.summaryId).toBe('watch-n1');
    expect(first?.sleep[0]?.alsoFrom.map((a) => a.source.summaryId)).toEqual(['ring-n1']);
    expect(first?.daily?.source.provider).toBe('OURA');
  });

  it('does not depend on arrival order', async () => {
    await applyIn(deliveries.map((_, i) => i));
    const reference = await db.terra.days('person-1', { from: '2026-03-31', to: '2026-04-03' });
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(
          deliveries.map((_, i) => i),
          { minLength: deliveries.length },
        ),
        async (order) => {
          await applyIn(order);
          expect(await db.terra.days('person-1', { from: '2026-03-31', to: '2026-04-03' })).toEqual(reference);
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);

  it('records() reads a type by person or connection, dates inclusive', async () => {
    await applyIn(deliveries.map((_, i) => i));
    const nights = await db.terra.records('sleep', { referenceId: 'person-1', from: '2026-04-01', to: '2026-04-01' });
    expect(nights.map((n) => n.metadata.summary_id).sort()).toEqual(['ring-n1', 'watch-n1']);
    const watchSleep = await db.terra.records('sleep', { terraUserId: 'u-watch' });
    expect(watchSleep.map((n) => n.metadata.summary_id)).toEqual(['watch-n1', 'watch-nap']);
    await expect(db.terra.records('sleep', { referenceId: 'person-1', from: '2026-02-30' })).rejects.toThrow(
      /calendar date/,
    );
    await expect(db.terra.days('person-1', { from: '2026-04-02', to: '2026-04-01' })).rejects.toThrow(/on or after/);
    expect(await db.terra.records('daily', { referenceId: 'nobody' })).toEqual([]);
  });
});

describeEngines('days() over a year of three devices', (engine) => {
  let db: DataTestDatabase;
  beforeAll(async () => {
    db = await openDataStore(engine);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it('reads a month quickly (the bench holds the 50 ms budget on PGlite)', async () => {
    const devices = [ring, watch, phone];
    const DAY = 86_400_000;
    const at = (day: number, hour: number, minutes = 0) =>
      new Date(Date.UTC(2025, 0, 1) + day * DAY + hour * 3_600_000 + minutes * 60_000)
        .toISOString()
        .replace('Z', '+00:00');
    for (const [d, device] of devices.entries()) {
      const nights = Array.from({ length: 365 }, (_, day) =>
        sleepRecord(`n-${d}-${day}`, at(day, 22, d * 10), at(day + 1, 6, d * 5)),
      );
      const runs = Array.from({ length: 365 }, (_, day) => activity(`a-${d}-${day}`, at(day, 7, d), at(day, 8, d)));
      const dailies = Array.from({ length: 365 }, (_, day) => dailyRecord(at(day, 0).slice(0, 10), 8000 + day));
      for (const [type, data] of [
        ['sleep', nights],
        ['activity', runs],
        ['daily', dailies],
      ] as const)
        await db.terra.apply(dataEvent(type, device, data as unknown[]) as never, {
          traceId: `year-${d}-${type}`,
          orderingTimestamp: 1,
        });
    }
    const times: number[] = [];
    let june: Awaited<ReturnType<typeof db.terra.days>> = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      june = await db.terra.days('person-1', { from: '2025-06-01', to: '2025-06-30' });
      times.push(performance.now() - t);
    }
    const median = [...times].sort((a, b) => a - b)[3] as number;
    process.stdout.write(`days() of a month, 3 devices, a year stored, ${engine}: median ${median.toFixed(1)} ms\n`);
    expect(june).toHaveLength(30);
    expect(june.every((d) => d.sleep.length === 1 && d.sleep[0]?.alsoFrom.length === 2)).toBe(true);
    expect(june.every((d) => d.activities.length === 1 && d.daily?.alsoFrom.length === 2)).toBe(true);
    expect(median).toBeLessThan(1000);
  }, 120_000);
});
