/**
 * Migration 7 rewrote the two score functions of migration 4 in PL/pgSQL for speed. Whatever scores
 * are stored and arrive, the new functions give exactly what the old SQL ones gave: the old
 * definitions are installed beside the new ones under other names and both are asked the same.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DATA_MIGRATION } from '../../src/store/data/schema.js';
import { describeEngines, type EngineName, openDatabase, type TestDatabase } from '../connections/support/engines.js';

/** A score entry as the store writes it: `[value, ordering ms, tiebreak]`, the value never null. */
const entry = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
  fc.integer({ min: 0, max: 5 }).map((n) => 1_700_000_000_000 + n * 1000),
  fc.constantFrom('a', 'b', 'trace-1', 'trace-2', ''),
);

const scores = fc.dictionary(fc.constantFrom('sleep_score', 'readiness_score', 'stress_score', 'recovery'), entry, {
  maxKeys: 4,
});

const record = fc.oneof(
  fc.constant({ metadata: { summary_id: 's' } }),
  fc.record({ metadata: fc.constant({ summary_id: 's' }), data_enrichment: fc.constant({ sleep_score: null, x: 1 }) }),
  fc.record({ data_enrichment: fc.constant('not an object') }),
);

describeEngines('score functions, PL/pgSQL against the SQL of migration 4', (engine: EngineName) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openDatabase(engine);
    for (const statement of DATA_MIGRATION.statements.filter((text) => text.includes('FUNCTION')))
      await db.sql(statement.replace(/FUNCTION terra_(\w+)\(/, 'FUNCTION old_terra_$1('));
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it('merge and write scores exactly as before', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(scores), scores, record, async (stored, incoming, data) => {
        const [row] = await db.sql<Record<string, unknown>>(
          `SELECT terra_merge_scores($1::jsonb, $2::jsonb) AS merged, old_terra_merge_scores($1::jsonb, $2::jsonb) AS old_merged,
                  terra_with_scores($3::jsonb, $2::jsonb) AS written, old_terra_with_scores($3::jsonb, $2::jsonb) AS old_written`,
          [stored === null ? null : JSON.stringify(stored), JSON.stringify(incoming), JSON.stringify(data)],
        );
        expect(row?.merged).toEqual(row?.old_merged);
        expect(row?.written).toEqual(row?.old_written);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
