/**
 * The data a Terra user "has" in the emulator: deterministic records per day, from the fixtures,
 * so the same user and range always give the same data.
 * @internal
 * @packageDocumentation
 */
import { DAY_MS } from '../../internal/dates.js';
import type { TerraDataType } from '../../response.js';
import { fixtures } from '../fixtures/index.js';

/** A number from a string, for seeding (FNV-1a). */
export function hashSeed(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('|')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The `YYYY-MM-DD` days from `startMs` (inclusive) to `endMs` (exclusive), at UTC. */
export function daysBetween(startMs: number, endMs: number): string[] {
  const days: string[] = [];
  const first = Math.floor(startMs / DAY_MS) * DAY_MS;
  for (let t = first; t < endMs; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Removes time series (keys ending in `samples`, hypnograms, ECG), as `with_samples=false` does. */
function withoutSamples<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSamples) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (/samples$|^ecg_signal$|^daily_patterns$/.test(key)) continue;
      out[key] = withoutSamples(item);
    }
    return out as T;
  }
  return value;
}

export interface RecordsOptions {
  type: Exclude<TerraDataType, 'athlete'>;
  userId: string;
  provider: string;
  seed: number;
  days: readonly string[];
  offsetMinutes: number;
  withSamples: boolean;
}

/** One day's record. */
export interface DayRecord {
  /** The day (`YYYY-MM-DD`) the record belongs to (a sleep starts the evening before). */
  day: string;
  record: unknown;
}

/** The records of a user for some days: one per day, except activities (none on some days). */
export function recordsFor(options: RecordsOptions): DayRecord[] {
  const records: DayRecord[] = [];
  for (const date of options.days) {
    const seed = hashSeed(options.seed, options.userId, options.type, date);
    const common = { seed, date, offsetMinutes: options.offsetMinutes };
    let record: unknown;
    switch (options.type) {
      case 'activity':
        // About two days in three have a workout.
        if (seed % 3 === 0) continue;
        record = fixtures.activity({ ...common, samples: 1_200 + (seed % 2_400), type: [8, 1, 82, 35][seed % 4] });
        break;
      case 'sleep':
        record = fixtures.sleep(common);
        break;
      case 'daily':
        record = fixtures.daily(common);
        break;
      case 'body':
        record = fixtures.body(common);
        break;
      case 'nutrition':
        record = fixtures.nutrition(common);
        break;
      case 'menstruation':
        record = fixtures.menstruation(common);
        break;
    }
    records.push({ day: date, record: options.withSamples ? record : withoutSamples(record) });
  }
  return records;
}

/** The profile of a user. */
export function athleteFor(seed: number, userId: string): unknown {
  return fixtures.athlete({ seed: hashSeed(seed, userId, 'athlete') });
}
