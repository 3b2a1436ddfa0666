/**
 * Which copy of a record wins, as SQL: the one upsert that makes `terra_records_as_sent` (and so the
 * view `terra_records`) the same whatever the order and duplication of the copies that reach it.
 *
 * - The copy with the greater (ordering timestamp, tiebreak) is the record; an older copy never
 *   replaces it, and the same copy twice matches neither test below, so it writes nothing.
 * - Each `data_enrichment` score is merged on its own (`terra_merge_scores`): the non-null value of
 *   the copy with the greater (ordering timestamp, tiebreak) among the copies that had one. A newer
 *   copy's null keeps the stored score, and an older copy arriving late fills a score the newer one
 *   left null.
 * - The row keeps the winning copy as sent, and the merged scores beside it. `stale` says that the
 *   copy lacks a merged score; the view then writes them into its `data_enrichment`
 *   (`terra_with_scores`). All three are functions of the set of copies, not of their order: `stale`
 *   is set exactly when a merged score did not come from the winning copy (see `collapse`).
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
  'data',
  'trace_id',
] as const;

/** The upsert's rows (`keys.ts`), column by column; `rescore` is written as the row's `stale`. */
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
  'rescore boolean',
] as const;

const NAMES = COLUMNS.map((c) => c.split(' ')[0]);

/**
 * The upsert of a JSON array of record rows (`keys.ts`), no two with the same (type, terra_user_id,
 * record_key) (`collapse` in `apply.ts`), given as the parameter `rows`. `oneCopyEach` says that no
 * row was merged from several copies (none has `rescore`), which lets a newer copy's scores merge
 * without a function call. With `skipDisconnected`, rows of a connection the store has disconnected
 * (a `deauth` or `access_revoked`, not a reauth) are not written: the store was told to delete their
 * data. With `gate`, rows are written only when the delivery is new (the one-row part `gate` has its
 * row, see `GATE` in `sql.ts`), as a part of the delivery's statement, whose result nothing reads;
 * without, the statement returns one row per record inserted or changed.
 */
export function upsertRecords(
  skipDisconnected: boolean,
  oneCopyEach: boolean,
  rows = '$1::jsonb',
  gate?: string,
): string {
  const key = `${skipDisconnected}|${oneCopyEach}|${rows}|${gate ?? ''}`;
  let text = built.get(key);
  if (text === undefined) {
    text = buildUpsert(skipDisconnected, oneCopyEach, rows, gate);
    if (built.size < 64) built.set(key, text);
  }
  return text;
}

/** The upsert's texts by arguments: a handful exist, each a few kilobytes, built once. */
const built = new Map<string, string>();

function buildUpsert(skipDisconnected: boolean, oneCopyEach: boolean, rows: string, gate: string | undefined): string {
  const skip = skipDisconnected
    ? `\nWHERE NOT EXISTS (SELECT 1 FROM terra_connections c WHERE c.terra_user_id = x.terra_user_id
  AND c.status = 'disconnected' AND c.replaced_by IS NULL)`
    : '';
  const columns = NAMES.map((n) => (n === 'rescore' ? 'stale' : n));
  return `INSERT INTO terra_records_as_sent AS r (${columns.join(', ')}, written_at)
SELECT ${NAMES.map((n) => `x.${n}`).join(', ')}, now()
FROM ${gate === undefined ? '' : `${gate}, `}jsonb_to_recordset(${rows}) AS x(${COLUMNS.join(', ')})${skip}
ON CONFLICT (type, terra_user_id, record_key) DO UPDATE SET
  ${WINNER_COLUMNS.map((c) => `${c} = CASE WHEN ${NEWER} THEN EXCLUDED.${c} ELSE r.${c} END`).join(',\n  ')},
  ${oneCopyEach ? SCORES_ONE_COPY : SCORES},
  written_at = now()
WHERE ${NEWER} OR ${MERGED} <> r.scores${gate === undefined ? '\nRETURNING type' : ''}`;
}

/**
 * `scores` and `stale` of the general upsert: the merged scores computed once (a sub-select) for
 * both. A newer copy is stale when `collapse` gave it a score of another copy in its delivery, or a
 * stored score outlived it; an older copy changes only the scores, which its record then lacks.
 */
const SCORES = `(scores, stale) = (SELECT m.merged, CASE WHEN ${NEWER} THEN EXCLUDED.stale OR m.merged <> EXCLUDED.scores ELSE true END
    FROM (SELECT ${MERGED} AS merged) AS m)`;

/**
 * The same when every row is one copy, without the sub-select: setting it up cost every delivery
 * more than computing the merge twice costs the rare one that needs it (an older copy that changes
 * a score, which calls `terra_merge_scores` three times, the condition's call included). A newer
 * copy holds every merged score unless a stored one outlived it (its own was null or missing).
 */
const SCORES_ONE_COPY = `scores = ${MERGED_ONE_COPY},
  stale = CASE WHEN ${NEWER} THEN (r.scores || EXCLUDED.scores) <> EXCLUDED.scores ELSE true END`;
