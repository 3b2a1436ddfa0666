/**
 * One day per person across their connections: for each calendar date, one daily, body, nutrition
 * and menstruation record (by provider priority) and the nights and activities, the same session
 * from two connections counted once.
 *
 * Every choice is made over records sorted by a total order (priority rank, provider, connection,
 * start, key), never by arrival order, so the result depends only on what is stored.
 * @internal
 */
import { TerraInvalidArgumentError } from '../../errors.js';
import { DAY_MS } from '../../internal/dates.js';
import type { Runner } from '../database.js';
import { checkDate, checkText, personUserIds, recordsInRange, type StoredRecord } from './queries.js';
import type { DataPriority, Day, DayItem, DaysOptions, RecordSource } from './types.js';

/**
 * The default preference, per type: devices made for the measurement first. Sleep: rings and sleep
 * trackers (worn all night, made for it), then watches. Activities: sport watches and bike computers
 * (GPS, chest straps), then trackers and phones. Daily: the watch or tracker worn all day. Body:
 * scales and medical devices. Nutrition and menstruation: the apps where people log them. Providers
 * not listed come after those listed, alphabetically.
 */
export const DEFAULT_PRIORITY: Required<{ [K in keyof DataPriority]: readonly string[] }> = {
  sleep: [
    'OURA',
    'WHOOP',
    'EIGHT',
    'WITHINGS',
    'GARMIN',
    'POLAR',
    'COROS',
    'SUUNTO',
    'FITBIT',
    'APPLE',
    'SAMSUNG',
    'GOOGLE',
  ],
  activity: [
    'GARMIN',
    'POLAR',
    'COROS',
    'SUUNTO',
    'WAHOO',
    'ZWIFT',
    'PELOTON',
    'STRAVA',
    'WHOOP',
    'FITBIT',
    'APPLE',
    'SAMSUNG',
    'GOOGLE',
    'OURA',
  ],
  daily: ['GARMIN', 'FITBIT', 'WHOOP', 'OURA', 'POLAR', 'COROS', 'SUUNTO', 'APPLE', 'SAMSUNG', 'GOOGLE'],
  body: [
    'WITHINGS',
    'OMRON',
    'FREESTYLELIBRE',
    'DEXCOM',
    'GARMIN',
    'FITBIT',
    'OURA',
    'WHOOP',
    'APPLE',
    'SAMSUNG',
    'GOOGLE',
  ],
  nutrition: ['MYFITNESSPAL', 'CRONOMETER', 'APPLE', 'GOOGLE', 'FITBIT', 'SAMSUNG'],
  menstruation: ['CLUE', 'FLO', 'OURA', 'GARMIN', 'FITBIT', 'APPLE', 'GOOGLE', 'SAMSUNG'],
};

/** The longest range `days()` reads at once. */
export const MAX_DAYS = 366;

type Kind = keyof DataPriority;

interface Candidate {
  row: StoredRecord;
  rank: number;
  provider: string;
  start: number | null;
  end: number | null;
}

const ms = (value: Date | string | null): number | null => {
  if (value === null) return null;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(t) ? t : null;
};

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The total order every choice is made in. */
function compare(a: Candidate, b: Candidate): number {
  return (
    a.rank - b.rank ||
    compareText(a.provider, b.provider) ||
    compareText(a.row.terra_user_id, b.row.terra_user_id) ||
    (a.start ?? 0) - (b.start ?? 0) ||
    compareText(a.row.record_key, b.row.record_key)
  );
}

const sourceOf = (row: StoredRecord): RecordSource => ({
  terraUserId: row.terra_user_id,
  provider: row.provider,
  summaryId: row.summary_id,
});

function candidates(rows: readonly StoredRecord[], list: readonly string[]): Candidate[] {
  const order = list.map((p) => p.toUpperCase());
  return rows
    .map((row) => {
      const provider = row.provider ?? '';
      const index = order.indexOf(provider.toUpperCase());
      return { row, rank: index < 0 ? order.length : index, provider, start: ms(row.start_at), end: ms(row.end_at) };
    })
    .sort(compare);
}

/** Whether two sessions overlap by more than half of the shorter one. */
function sameSession(a: Candidate, b: Candidate): boolean {
  if (a.start === null || a.end === null || b.start === null || b.end === null) return false;
  const shorter = Math.min(a.end - a.start, b.end - b.start);
  if (shorter <= 0) return false;
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return overlap > shorter / 2;
}

interface Group {
  primary: Candidate;
  members: Candidate[];
}

/**
 * Sessions of several connections as items: in priority order, each session joins the first item
 * whose kept session it overlaps by more than half of the shorter and that has nothing yet from its
 * connection; otherwise it starts an item of its own (a nap overlapping nothing stays alone).
 */
export function groupSessions(rows: readonly StoredRecord[], list: readonly string[]): Group[] {
  const groups: Group[] = [];
  for (const candidate of candidates(rows, list)) {
    const group = groups.find(
      (g) =>
        sameSession(g.primary, candidate) &&
        g.primary.row.terra_user_id !== candidate.row.terra_user_id &&
        g.members.every((m) => m.row.terra_user_id !== candidate.row.terra_user_id),
    );
    if (group === undefined) groups.push({ primary: candidate, members: [] });
    else group.members.push(candidate);
  }
  return groups;
}

function item<T>(group: Group): DayItem<T> {
  return {
    record: group.primary.row.data as T,
    source: sourceOf(group.primary.row),
    alsoFrom: group.members.map((m) => ({ record: m.row.data as T, source: sourceOf(m.row) })),
  };
}

const shiftDate = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Builds the days from the rows of the range (pure: the same rows give the same days). */
export function buildDays(
  rows: readonly StoredRecord[],
  from: string,
  to: string,
  priority: DataPriority | undefined,
): Day[] {
  const lists = { ...DEFAULT_PRIORITY };
  for (const key of Object.keys(DEFAULT_PRIORITY) as Kind[]) {
    const given = priority?.[key];
    if (given !== undefined) lists[key] = given;
  }
  const days = new Map<string, Day>();
  for (let date = from; date <= to; date = shiftDate(date, 1))
    days.set(date, { date, daily: null, body: null, nutrition: null, menstruation: null, sleep: [], activities: [] });
  const byType = new Map<string, StoredRecord[]>();
  for (const row of rows) {
    const list = byType.get(row.type);
    if (list === undefined) byType.set(row.type, [row]);
    else list.push(row);
  }
  for (const kind of ['daily', 'body', 'nutrition', 'menstruation'] as const) {
    const byDate = new Map<string, StoredRecord[]>();
    for (const row of byType.get(kind) ?? []) {
      if (row.calendar_date === null) continue;
      const list = byDate.get(row.calendar_date);
      if (list === undefined) byDate.set(row.calendar_date, [row]);
      else list.push(row);
    }
    for (const [date, list] of byDate) {
      const day = days.get(date);
      if (day === undefined) continue;
      const [first, ...rest] = candidates(list, lists[kind]);
      if (first !== undefined) day[kind] = item({ primary: first, members: rest }) as never;
    }
  }
  for (const [kind, field] of [
    ['sleep', 'sleep'],
    ['activity', 'activities'],
  ] as const) {
    const groups = groupSessions(byType.get(kind) ?? [], lists[kind]);
    groups.sort((a, b) => (a.primary.start ?? 0) - (b.primary.start ?? 0) || compare(a.primary, b.primary));
    for (const group of groups) {
      const date = group.primary.row.calendar_date;
      const day = date === null ? undefined : days.get(date);
      if (day !== undefined) day[field].push(item(group) as never);
    }
  }
  return [...days.values()];
}

/** `days(referenceId, { from, to, priority })`. */
export async function days(runner: Runner, referenceId: unknown, options: DaysOptions): Promise<Day[]> {
  const reference = checkText(referenceId, 'referenceId');
  const from = checkDate(options?.from, 'from', false) as string;
  const to = checkDate(options?.to, 'to', false) as string;
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  if (span < 0 || span >= MAX_DAYS)
    throw new TerraInvalidArgumentError('to', `to must be on or after from and at most ${MAX_DAYS - 1} days after it.`);
  const priority = options.priority;
  if (priority !== undefined && (typeof priority !== 'object' || priority === null))
    throw new TerraInvalidArgumentError('priority', 'priority must be an object of provider lists per data type.');
  const ids = await personUserIds(runner.query, reference);
  // A session that starts the day before may be the same night as one that starts on `from`.
  const rows = await recordsInRange(runner, ids, shiftDate(from, -1), shiftDate(to, 1));
  return buildDays(rows, from, to, priority);
}
