/**
 * The data store's tables (migration 4): one row per record key in `terra_records`, and one audit
 * row per erasure in `terra_erasures`. Never edit this once released: add the next migration.
 * @internal
 */
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
export const DATA_MIGRATION: {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
} = {
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
