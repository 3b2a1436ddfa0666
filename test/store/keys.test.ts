/**
 * A record's tiebreak hash is stored: a copy re-sent next year must hash as it did this year, or it
 * would stop converging with the stored one. The one-pass `hashText` is checked against its
 * four-pass definition and against digits stored by earlier versions. A record's times are read by
 * position when they have Terra's usual shape; whatever the text, the result is the general
 * parser's. The upsert's parameter holds every column and the record as sent, whatever the text.
 */
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTerraTimestamp } from '../../src/models/timestamps.js';
import { hashText, readTime, recordRow, rowsJson } from '../../src/store/data/keys.js';

/** The definition: four FNV-1a style lanes, each a pass of its own over the text. */
function definition(value: string): string {
  let out = '';
  for (const seed of [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b]) {
    let h = seed >>> 0;
    for (let i = 0; i < value.length; i++) {
      h ^= value.charCodeAt(i);
      h = Math.imul(h, 0x01000193) ^ (h >>> 15);
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    out += ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

describe('hashText', () => {
  it('gives the digits earlier versions stored', () => {
    expect(hashText('')).toBe(PINNED.empty);
    expect(hashText('{"metadata":{"summary_id":"s1"}}')).toBe(PINNED.record);
    expect(hashText('nuit blanche é ☾ 🌙')).toBe(PINNED.unicode);
  });

  it('equals its four-pass definition for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        expect(hashText(value)).toBe(definition(value));
      }),
      { numRuns: 500 },
    );
  });
});

/** Any text, lone surrogates, quotes, backslashes and control characters included. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\u0000', '\u001f', '\ud800', '\udc00', 'é', '🌙'),
    maxLength: 12,
  }),
);

describe('rowsJson', () => {
  it('holds each row’s columns and its record as sent, whatever characters the text has', () => {
    fc.assert(
      fc.property(text, text, fc.jsonValue({ maxDepth: 2 }), (id, summary, extra) => {
        const records = [
          { metadata: { summary_id: summary, start_time: '2026-03-01T23:00:00+01:00' }, extra },
          { metadata: { summary_id: `${summary}-2` }, data_enrichment: { sleep_score: 80, nothing: null } },
        ];
        const owner = { terraUserId: id, provider: 'OURA', referenceId: null };
        const rows = records.map((record) => recordRow('sleep', record, owner, { orderingMs: 5, traceId: id }));
        const parsed = JSON.parse(rowsJson(rows as never)) as Record<string, unknown>[];
        expect(parsed).toHaveLength(2);
        for (const [i, row] of rows.entries()) {
          const { dataJson, rescore, ...columns } = row as NonNullable<typeof row>;
          expect(parsed[i]).toEqual({ ...columns, rescore: rescore === true, data: JSON.parse(dataJson) });
          expect(parsed[i]?.data).toEqual(JSON.parse(JSON.stringify(records[i])));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('readTime', () => {
  it('gives the wearer’s date as written and the instant, an offset-less time read as UTC', () => {
    // Terra's text names the instant exactly, so it is the instant's text as it is.
    expect(readTime('2026-03-01T23:00:00+01:00')).toEqual({ date: '2026-03-01', instant: '2026-03-01T23:00:00+01:00' });
    expect(readTime('2026-03-01T23:00:00.1234+01:00')).toEqual({
      date: '2026-03-01',
      instant: '2026-03-01T22:00:00.123Z',
    });
    expect(readTime('2026-03-01T23:00:00')).toEqual({ date: '2026-03-01', instant: '2026-03-01T23:00:00.000Z' });
    expect(readTime(null)).toEqual({ date: null, instant: null });
  });

  it('keeps what it can of an unreadable time: the date it starts with, no instant', () => {
    expect(readTime('2026-03-01 at night')).toEqual({ date: '2026-03-01', instant: null });
    expect(readTime('2026-02-30T10:00:00+00:00')).toEqual({ date: '2026-02-30', instant: null });
    expect(readTime('last night')).toEqual({ date: null, instant: null });
    // Instants PostgreSQL could not read back would fail the whole delivery: the record keeps its date.
    expect(readTime('0000-06-08T07:07:09Z')).toEqual({ date: '0000-06-08', instant: null });
    expect(readTime('9999-12-31T23:30:00-05:00')).toEqual({ date: '9999-12-31', instant: null });
    expect(readTime('9999-12-31T23:30:00+05:00')).toEqual({ date: '9999-12-31', instant: '9999-12-31T18:30:00.000Z' });
  });
});

/**
 * What `readTime` gave before it read the usual shape by position: the general parser, throughout,
 * with an instant outside UTC years 1 to 9999 (which PostgreSQL cannot read as ISO) left out.
 */
function generalReadTime(value: string): { date: string | null; instant: string | null } {
  let parsed: ReturnType<typeof parseTerraTimestamp>;
  try {
    parsed = parseTerraTimestamp(value);
  } catch {
    return { date: /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null, instant: null };
  }
  const ms =
    parsed.epochMilliseconds !== null
      ? parsed.epochMilliseconds
      : Date.parse(`${parsed.date}T${parsed.time.slice(0, 12)}Z`);
  const instant = new Date(ms);
  const year = instant.getUTCFullYear();
  return { date: parsed.date, instant: year >= 1 && year <= 9999 ? instant.toISOString() : null };
}

/** Timestamps near Terra's usual shape: every field sometimes out of range, every separator sometimes off. */
const nearlyUsual = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 25 }),
    fc.integer({ min: 0, max: 61 }),
    fc.integer({ min: 0, max: 61 }),
    fc.option(fc.stringMatching(/^[0-9]{0,14}$/), { nil: undefined }),
    fc.constantFrom('Z', 'z', '+01:00', '-05:30', '+14:00', '-00:00', '+24:00', '+05:60', '+0530', '+05', '', '+5:30'),
    fc.constantFrom('T', ' ', 't'),
    fc.constantFrom('.', ','),
    fc.constantFrom('', ' '),
  )
  .map(([y, mo, d, h, mi, s, fraction, zone, sep, dot, pad]) => {
    const two = (n: number) => String(n).padStart(2, '0');
    const frac = fraction === undefined ? '' : `${dot}${fraction}`;
    return `${pad}${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}${sep}${two(h)}:${two(mi)}:${two(s)}${frac}${zone}`;
  });

/** `readTime`'s result against the general parser's: the same date, and an instant naming the same time. */
function expectSameAsGeneral(value: string): void {
  const quick = readTime(value);
  const general = generalReadTime(value);
  expect(quick.date).toBe(general.date);
  // Either the same ISO string, or Terra's own text, which the general parser reads as that instant.
  if (quick.instant !== general.instant)
    expect(quick.instant === null ? null : generalReadTime(quick.instant).instant).toBe(general.instant);
}

describe('readTime by position', () => {
  it('gives what the general parser gives, for any text', () => {
    fc.assert(
      fc.property(fc.oneof(nearlyUsual, fc.string({ maxLength: 40 })), (value) => {
        expectSameAsGeneral(value);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives instants PostgreSQL reads as the general parser’s', async () => {
    const values = fc.sample(nearlyUsual, { numRuns: 20_000, seed: 22 });
    const pairs = values.flatMap((value) => {
      const quick = readTime(value).instant;
      const general = generalReadTime(value).instant;
      return quick === null || general === null ? [] : [[quick, general] as const];
    });
    expect(pairs.filter(([quick, general]) => quick !== general).length).toBeGreaterThan(100);
    const db = await PGlite.create();
    try {
      const { rows } = await db.query<{ quick: string; general: string }>(
        `SELECT q AS quick, g AS general FROM unnest($1::text[], $2::text[]) AS t(q, g)
         WHERE q::timestamptz IS DISTINCT FROM g::timestamptz`,
        [pairs.map(([quick]) => quick), pairs.map(([, general]) => general)],
      );
      expect(rows).toEqual([]);
    } finally {
      await db.close();
    }
  }, 30_000);

  it('reads the usual shapes', () => {
    for (const value of [
      '2026-03-01T23:00:00+01:00',
      '2026-03-01T23:00:00.123456+01:00',
      '2026-03-01T23:00:00.9Z',
      '2024-02-29T00:00:00-05:30',
      '0100-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999-23:59',
    ])
      expectSameAsGeneral(value);
  });
});

/** Computed by the four-pass version that stored records before this one. */
const PINNED = {
  empty: 'ab3e7c0ba183f3bb92ca2f0ecb72770f',
  record: 'e21869a83eb997cb5603e8eccccd9abc',
  unicode: '512575b76b99587cd69c2811730568d0',
};
