/**
 * Drift: where a payload differs from its schema beyond its identifying fields (DESIGN §2). Made here
 * from zod's issues (JSON paths and issue codes, never values, at most {@link MAX_DRIFT}), kept with
 * the value it belongs to ({@link Tolerated}: `TerraApiResponse.drift`, `TerraWebhookResponse.drift`),
 * and logged here by default, one rate-limited line per payload. `parseWithDrift` (`parse.ts`)
 * decides what is drift and what is a broken identifying field.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { formatJsonPath } from '../internal/json-path.js';
import { limitedLog } from '../internal/log-limit.js';

/**
 * One place where a payload differs from its schema, outside its identifying fields: where (a JSON
 * path) and how (an issue code and words for what was expected). Never the value found there.
 *
 * Drift is what real traffic shows beyond the spec: a field Terra left out, a null, another word. The
 * payload is still delivered, exactly as received; at a drifted path its value is not what the type
 * says, so code reading that field should expect anything.
 */
export interface SchemaDrift {
  /** Where, as a JSON path from the root of the payload: `$.data[0].metadata.type`. */
  readonly path: string;
  /** The same place as a list of keys and indexes. */
  readonly pathSegments: readonly (string | number)[];
  /**
   * What kind of difference (zod's issue code): `invalid_type` (missing or another kind of value),
   * `too_small`, `invalid_union`, ...; `truncated` for the last entry of a list cut short.
   */
  readonly code: string;
  /** What the schema expected, in words. Never contains the value received. */
  readonly message: string;
}

/** Receives the drift of one payload (never empty). */
export type DriftListener = (drift: readonly SchemaDrift[]) => unknown;

/** What {@link parseWithDrift} gives: the value as received, and its drift. @internal */
export interface Tolerated<T> {
  /** The value, the same object as given. */
  readonly value: T;
  /** Where it differs from the schema; empty when it matches. */
  readonly drift: readonly SchemaDrift[];
}

/** No drift: shared, frozen. @internal */
export const NO_DRIFT: readonly SchemaDrift[] = Object.freeze([]);

/** The most drift entries kept for one payload; the last one then counts the rest. */
export const MAX_DRIFT = 50;

/** Drift from zod's issues: paths, codes and words, never values; cut at {@link MAX_DRIFT}. @internal */
export function driftOf(issues: readonly z.core.$ZodIssue[]): readonly SchemaDrift[] {
  const kept = issues.length > MAX_DRIFT ? issues.slice(0, MAX_DRIFT - 1) : issues;
  const drift: SchemaDrift[] = kept.map((issue) => ({
    path: formatJsonPath(issue.path),
    pathSegments: issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
    code: issue.code,
    message: issue.message,
  }));
  if (issues.length > MAX_DRIFT) {
    const more = issues.length - kept.length;
    drift.push({ path: '$', pathSegments: [], code: 'truncated', message: `and ${more} more place(s)` });
  }
  return Object.freeze(drift);
}

/** Lines a minute the default drift log writes at most. */
const DRIFT_LINES_PER_MINUTE = 10;

/** The paths named in a drift log line; the rest are counted. */
const DRIFT_PATHS_IN_LINE = 3;

/** What the default drift log is told about one payload. @internal */
export interface DriftLogOptions {
  /** Where lines go. Default `console.warn`. */
  write?: ((line: string) => void) | undefined;
  /** The clock of the rate limit. */
  now: () => number;
  /** What to do instead of reading the log, for the line counting those left out. */
  hint: string;
}

/**
 * The default drift log: one line per payload naming what it is and up to three paths (and codes),
 * at most ten lines a minute, then one line counting the rest. Never a value.
 * @internal
 */
export function driftLog({
  write = (line) => console.warn(line),
  now,
  hint,
}: DriftLogOptions): (what: string, drift: readonly SchemaDrift[]) => void {
  const log = limitedLog({
    write,
    perMinute: DRIFT_LINES_PER_MINUTE,
    now,
    leftOut: (count) =>
      `terra-sdk: ${count} more webhooks that differ from their schema in the last minute were not logged (${hint})`,
  });
  return (what, drift) => {
    const shown = drift.slice(0, DRIFT_PATHS_IN_LINE).map((d) => `${d.path} (${d.code})`);
    const more = drift.length > DRIFT_PATHS_IN_LINE ? ` and ${drift.length - DRIFT_PATHS_IN_LINE} more` : '';
    log(`terra-sdk: delivered ${what} that differs from its schema at ${shown.join(', ')}${more}; ${hint}`);
  };
}
