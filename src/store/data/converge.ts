/**
 * Which copy of a record wins, as SQL: the one upsert that makes `terra_records` the same whatever
 * the order and duplication of the copies that reach it.
 *
 * - The copy with the greater (ordering timestamp, tiebreak) is the record; an older copy never
 *   replaces it, and the same copy twice matches neither test below, so it writes nothing.
 * - Each `data_enrichment` score is merged on its own (`terra_merge_scores`): the non-null value of
 *   the copy with the greater (ordering timestamp, tiebreak) among the copies that had one. A newer
 *   copy's null keeps the stored score, and an older copy arriving late fills a score the newer one
 *   left null.
 * - The stored JSON is the winning copy with the merged scores written into its `data_enrichment`
 *   (`terra_with_scores`). Both are functions of the set of copies, not of their order.
 * - A newer copy that is one copy (not merged from several by `collapse`) holds every score at its
 *   own (ordering timestamp, tiebreak), which beats every stored entry: a stored entry comes from a
 *   copy no newer than the stored record, and the incoming copy is newer than that. Its merge is
 *   then the stored scores with the incoming ones laid over them (`||`), the same result as
 *   `terra_merge_scores` without a PL/pgSQL call, which was a sixth of PostgreSQL's time per
 *   delivery. A batch holding a merged row takes the general statement.
 *
 * One statement per batch of distinct keys: PostgreSQL locks each conflicting row for the update,
 * so concurrent receivers converge too.
 * @internal
 */

/** The incoming copy beats the stored one. */
const NEWER = '(EXCLUDED.ordering_ts, EXCLUDED.tiebreak) > (r.ordering_ts, r.tiebreak)';
const MERGED = 'terra_merge_scores(r.scores, EXCLUDED.scores)';
/** The merge when every incoming row is one copy: see the note at the top. */
const MERGED_ONE_COPY = `CASE WHEN ${NEWER} THEN r.scores || EXCLUDED.scores ELSE ${MERGED} END`;

/** Columns that describe the winning copy: replaced only when the incoming copy wins. */
const WINNER_COLUMNS = [
  'provider',
  'reference_id',
  'calendar_date',
  'start_time',
  'end_time',
  'start_at',
  'end_at',
  'summary_id',
  'ordering_ts',
  'tiebreak',
  'trace_id',
] as const;

const COLUMNS = [
  'type varchar',
  'terra_user_id varchar',
  'record_key text',
  'provider varchar',
  'reference_id varchar',
  'calendar_date date',
  'start_time text',
  'end_time text',
  'start_at timestamptz',
  'end_at timestamptz',
  'summary_id text',
  'ordering_ts timestamptz',
  'tiebreak text',
  'data jsonb',
  'scores jsonb',
  'trace_id text',
] as const;

const NAMES = COLUMNS.map((c) => c.split(' ')[0]);

/**
 * Whether a row's `data` still needs its merged scores written in: only a row `collapse` made from
 * several copies. A lone copy's scores are its own `data_enrichment` values, so writing them back
 * would change nothing; skipping it spares a function call per record.
 */
const RESCORE_COLUMN = 'rescore boolean';

/**
 * The upsert of a JSON array of record rows (`keys.ts`), no two with the same (type, terra_user_id,
 * record_key) (`collapse` in `apply.ts`), given as the parameter `rows`. `oneCopyEach` says that no
 * row was merged from several copies (none has `rescore`), which lets a newer copy's scores merge
 * without a function call. With `skipDisconnected`, rows of a connection the store has disconnected
 * (a `deauth` or `access_revoked`, not a reauth) are not written: the store was told to delete their
 * data. With `condition`, rows are written only when it holds (the delivery is new), as a part of
 * the delivery's statement, whose result nothing reads; without, the statement returns one row per
 * record inserted or changed.
 */
export function upsertRecords(
  skipDisconnected: boolean,
  oneCopyEach: boolean,
  rows = '$1::jsonb',
  condition?: string,
): string {
  const key = `${skipDisconnected}|${oneCopyEach}|${rows}|${condition ?? ''}`;
  let text = built.get(key);
  if (text === undefined) {
    text = buildUpsert(skipDisconnected, oneCopyEach, rows, condition);
    if (built.size < 64) built.set(key, text);
  }
  return text;
}

/** The upsert's texts by arguments: a handful exist, each a few kilobytes, built once. */
const built = new Map<string, string>();

function buildUpsert(
  skipDisconnected: boolean,
  oneCopyEach: boolean,
  rows: string,
  condition: string | undefined,
): string {
  const conditions = [
    ...(skipDisconnected
      ? [
          `NOT EXISTS (SELECT 1 FROM terra_connections c WHERE c.terra_user_id = x.terra_user_id
  AND c.status = 'disconnected' AND c.replaced_by IS NULL)`,
        ]
      : []),
    ...(condition === undefined ? [] : [condition]),
  ];
  const values = NAMES.map((n) =>
    n === 'data' ? 'CASE WHEN x.rescore THEN terra_with_scores(x.data, x.scores) ELSE x.data END' : `x.${n}`,
  );
  return `INSERT INTO terra_records AS r (${NAMES.join(', ')}, written_at)
SELECT ${values.join(', ')}, now()
FROM jsonb_to_recordset(${rows}) AS x(${[...COLUMNS, RESCORE_COLUMN].join(', ')})${conditions.length === 0 ? '' : `\nWHERE ${conditions.join(' AND ')}`}
ON CONFLICT (type, terra_user_id, record_key) DO UPDATE SET
  ${WINNER_COLUMNS.map((c) => `${c} = CASE WHEN ${NEWER} THEN EXCLUDED.${c} ELSE r.${c} END`).join(',\n  ')},
  ${oneCopyEach ? SCORES_ONE_COPY : SCORES},
  written_at = now()
WHERE ${NEWER} OR ${MERGED} <> r.scores${condition === undefined ? '\nRETURNING type' : ''}`;
}

/**
 * `data` and `scores` of the general upsert: the merged scores computed once (a sub-select) for
 * both columns. When the incoming copy wins and already holds every merged score, its data is the
 * record as it is.
 */
const SCORES = `(data, scores) = (SELECT CASE WHEN ${NEWER} AND m.merged = EXCLUDED.scores THEN EXCLUDED.data
      ELSE terra_with_scores(CASE WHEN ${NEWER} THEN EXCLUDED.data ELSE r.data END, m.merged) END, m.merged
    FROM (SELECT ${MERGED} AS merged) AS m)`;

/** A record's `data_enrichment` when it is an object, else an empty one (as `terra_with_scores` reads it). */
const enrichment = (record: string) =>
  `CASE WHEN jsonb_typeof(${record}->'data_enrichment') = 'object' THEN ${record}->'data_enrichment' ELSE '{}'::jsonb END`;

/**
 * Whether a record's `data_enrichment` has a member that is itself an object or an array. Each
 * side is asked on its own: asked of the two merged (`||`), an incoming null would hide a stored
 * object under the same key, whose own nulls `jsonb_strip_nulls` would then drop.
 */
const hasNested = (record: string) =>
  `jsonb_path_exists(${enrichment(record)}, 'strict $.* ? (@.type() == "object" || @.type() == "array")')`;

/**
 * A newer copy's data with the stored scores it left null or out written into its
 * `data_enrichment`: what `terra_with_scores(EXCLUDED.data, r.scores || EXCLUDED.scores)` gives,
 * without a PL/pgSQL call. A stored record's non-null `data_enrichment` members are its merged
 * scores (every write puts them there), so the result is the incoming members, then the stored
 * non-null ones, then the incoming non-null ones. `jsonb_strip_nulls` drops nulls at every depth,
 * so this holds only when no member is an object or an array; otherwise the function is called.
 */
const WITH_STORED_SCORES = `jsonb_set(EXCLUDED.data, '{data_enrichment}', ${enrichment('EXCLUDED.data')}
        || jsonb_strip_nulls(${enrichment('r.data')}) || jsonb_strip_nulls(${enrichment('EXCLUDED.data')}))`;

/**
 * The same when every row is one copy, without the sub-select: setting it up cost every delivery
 * more than computing the merge twice costs the rare one that needs it (an older copy that changes
 * a score, which calls `terra_merge_scores` three times, the condition's call included). A newer
 * copy calls no function: its data is the copy as it came when it holds every merged score, else
 * {@link WITH_STORED_SCORES} (a newer copy whose score is null, as Terra's updates often are).
 */
const SCORES_ONE_COPY = `scores = ${MERGED_ONE_COPY},
  data = CASE WHEN ${NEWER} THEN CASE
      WHEN (r.scores || EXCLUDED.scores) = EXCLUDED.scores THEN EXCLUDED.data
      WHEN NOT (${hasNested('r.data')} OR ${hasNested('EXCLUDED.data')})
        THEN ${WITH_STORED_SCORES}
      ELSE terra_with_scores(EXCLUDED.data, r.scores || EXCLUDED.scores) END
    ELSE terra_with_scores(r.data, ${MERGED}) END`;
