/**
 * The data store's tables (migration 4): one row per record key in `terra_records` (since migration
 * 9, `terra_records_as_sent`, read through the view `terra_records`), and one audit row per erasure
 * in `terra_erasures`; and its score functions in PL/pgSQL (migration 7). Never edit a migration
 * once released: add the next one.
 * @internal
 */
import type { Migration } from '../migration.js';

/** The data types the store keeps, in the order `days()` lists them. */
export const DATA_TYPES = ['activity', 'sleep', 'daily', 'body', 'nutrition', 'menstruation', 'athlete'] as const;

/** One of the data types the store keeps. */
export type DataType = (typeof DATA_TYPES)[number];

/** Types keyed by `metadata.summary_id` (several per day). */
export const SESSION_TYPES: ReadonlySet<DataType> = new Set(['activity', 'sleep']);

/** Types keyed by the wearer's calendar date of `metadata.start_time` (one per day and connection). */
export const DAY_TYPES: ReadonlySet<DataType> = new Set(['daily', 'body', 'nutrition', 'menstruation']);

/**
 * Migration 4. The merge of `data_enrichment` scores is two SQL functions, so that the one upsert
 * per record reads as what it does and both engines run the same definition:
 *
 * - `terra_merge_scores(stored, incoming)`: per score, the `[value, ordering ms, tiebreak]` entry
 *   with the greater (ordering ms, tiebreak). Entries hold non-null values only, so a null never
 *   replaces a value, and the result is the same whatever order copies arrive in.
 * - `terra_with_scores(record, scores)`: the record with each merged score written into its
 *   `data_enrichment` (the other keys of the record untouched).
 */
export const DATA_MIGRATION: Migration = {
  version: 4,
  description: 'terra_records, terra_erasures (the data store)',
  statements: [
    `CREATE TABLE IF NOT EXISTS terra_records (
      type VARCHAR(32) NOT NULL,
      terra_user_id VARCHAR(255) NOT NULL,
      record_key TEXT NOT NULL,
      provider VARCHAR(50),
      reference_id VARCHAR(255),
      calendar_date DATE,
      start_time TEXT,
      end_time TEXT,
      start_at TIMESTAMPTZ,
      end_at TIMESTAMPTZ,
      summary_id TEXT,
      ordering_ts TIMESTAMPTZ NOT NULL,
      tiebreak TEXT COLLATE "C" NOT NULL,
      data JSONB NOT NULL,
      scores JSONB NOT NULL DEFAULT '{}'::jsonb,
      written_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      trace_id TEXT,
      PRIMARY KEY (type, terra_user_id, record_key)
    )`,
    'CREATE INDEX IF NOT EXISTS idx_terra_records_reference ON terra_records (reference_id, type, calendar_date)',
    'CREATE INDEX IF NOT EXISTS idx_terra_records_user ON terra_records (terra_user_id, calendar_date)',
    `CREATE TABLE IF NOT EXISTS terra_erasures (
      id BIGSERIAL PRIMARY KEY,
      erased_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      reason VARCHAR(32) NOT NULL,
      reference_id VARCHAR(255),
      terra_user_ids TEXT[] NOT NULL,
      counts JSONB NOT NULL,
      delivery_bodies INTEGER
    )`,
    `CREATE OR REPLACE FUNCTION terra_merge_scores(stored JSONB, incoming JSONB) RETURNS JSONB
     LANGUAGE sql IMMUTABLE AS $fn$
      SELECT COALESCE(jsonb_object_agg(k,
        CASE WHEN o IS NULL THEN n WHEN n IS NULL THEN o
             WHEN ((n->>1)::bigint, (n->>2) COLLATE "C") > ((o->>1)::bigint, (o->>2) COLLATE "C") THEN n
             ELSE o END), '{}'::jsonb)
      FROM (SELECT COALESCE(a.key, b.key) AS k, a.value AS o, b.value AS n
            FROM jsonb_each(stored) a FULL JOIN jsonb_each(incoming) b ON a.key = b.key) s
    $fn$`,
    `CREATE OR REPLACE FUNCTION terra_with_scores(record JSONB, scores JSONB) RETURNS JSONB
     LANGUAGE sql IMMUTABLE AS $fn$
      SELECT CASE WHEN scores = '{}'::jsonb THEN record
        ELSE jsonb_set(record, '{data_enrichment}',
          (CASE WHEN jsonb_typeof(record->'data_enrichment') = 'object' THEN record->'data_enrichment' ELSE '{}'::jsonb END)
          || (SELECT jsonb_object_agg(key, value->0) FROM jsonb_each(scores)))
        END
    $fn$`,
  ],
};

/**
 * Migration 7: the two score functions of migration 4 again, same results, in PL/pgSQL. A SQL
 * function that cannot be inlined (these aggregate) is planned again in every statement that calls
 * it, and the upsert calls them up to five times per record; PL/pgSQL keeps its plans for the
 * session. On PostgreSQL a sleep delivery was applied about 30% faster (bench/README.md).
 * `terra_with_scores` is STRICT, as the SQL version's `jsonb_set` made it.
 */
export const DATA_FUNCTIONS_MIGRATION: Migration = {
  version: 7,
  description: 'terra_merge_scores and terra_with_scores in PL/pgSQL',
  statements: [
    `CREATE OR REPLACE FUNCTION terra_merge_scores(stored JSONB, incoming JSONB) RETURNS JSONB
     LANGUAGE plpgsql IMMUTABLE AS $fn$
     DECLARE
       merged JSONB := COALESCE(stored, '{}'::jsonb);
       entry RECORD;
       kept JSONB;
     BEGIN
       IF incoming IS NULL THEN RETURN merged; END IF;
       FOR entry IN SELECT key, value FROM jsonb_each(incoming) LOOP
         kept := merged -> entry.key;
         IF kept IS NULL OR ((entry.value->>1)::bigint, (entry.value->>2) COLLATE "C")
             > ((kept->>1)::bigint, (kept->>2) COLLATE "C") THEN
           merged := merged || jsonb_build_object(entry.key, entry.value);
         END IF;
       END LOOP;
       RETURN merged;
     END
     $fn$`,
    `CREATE OR REPLACE FUNCTION terra_with_scores(record JSONB, scores JSONB) RETURNS JSONB
     LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
     DECLARE
       enrichment JSONB;
       entry RECORD;
     BEGIN
       IF scores = '{}'::jsonb THEN RETURN record; END IF;
       enrichment := CASE WHEN jsonb_typeof(record->'data_enrichment') = 'object'
         THEN record->'data_enrichment' ELSE '{}'::jsonb END;
       FOR entry IN SELECT key, value FROM jsonb_each(scores) LOOP
         enrichment := enrichment || jsonb_build_object(entry.key, entry.value->0);
       END LOOP;
       RETURN jsonb_set(record, '{data_enrichment}', enrichment);
     END
     $fn$`,
  ],
};

/** The columns of `terra_records`, in the order migration 4 made them (the view keeps the order). */
const RECORD_COLUMNS = `type, terra_user_id, record_key, provider, reference_id, calendar_date, start_time, end_time,
  start_at, end_at, summary_id, ordering_ts, tiebreak`;

/**
 * Migration 9: each record's winning copy is stored exactly as sent, in `terra_records_as_sent`
 * (the table migration 4 made, renamed), and `terra_records` becomes a view of it with the merged
 * scores written into `data_enrichment`: what the table held before, so queries of it read the same.
 *
 * Writing the merged scores into the stored JSON took a tenth to a fifth of a data delivery's time
 * on PostgreSQL (a newer copy whose score is null must rebuild the whole document). The view does
 * it only for rows whose copy lacks a merged score (`stale`), when they are read; the rows written
 * before are already merged, so they are not stale.
 */
export const RECORDS_AS_SENT_MIGRATION: Migration = {
  version: 9,
  description: 'terra_records_as_sent (the records as sent) and the view terra_records (with the merged scores)',
  statements: [
    'ALTER TABLE terra_records RENAME TO terra_records_as_sent',
    'ALTER TABLE terra_records_as_sent ADD COLUMN stale BOOLEAN NOT NULL DEFAULT false',
    `CREATE VIEW terra_records AS SELECT ${RECORD_COLUMNS},
      CASE WHEN stale THEN terra_with_scores(data, scores) ELSE data END AS data, scores, written_at, trace_id
    FROM terra_records_as_sent`,
  ],
};
