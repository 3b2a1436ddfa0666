/**
 * The demo's week with two devices: the person's ring (Oura) and watch (Garmin) record the same seven
 * nights and days, Terra sends both through signed webhooks, the store keeps every record as sent,
 * and `store.days()` gives the person one week, each night once with the other device's copy in
 * `alsoFrom`.
 * @internal
 * @packageDocumentation
 */
import { type Activity, type Daily, parseTerraTimestamp, type Sleep, type User } from '../../index.js';
import { DAY_MS } from '../../internal/dates.js';
import type { Day, DayItem, TerraStore } from '../../store/index.js';
import type { TerraWebhookEvent } from '../../webhooks/index.js';
import { check, type Endpoint, PERSON, short, table, waitFor } from './support.js';

/** The week shown: dates the earlier steps asked for nothing, so it holds only these two devices. */
export const WEEK = { from: '2026-07-13', to: '2026-07-19' } as const;

type DataEvent = Extract<TerraWebhookEvent, { type: 'sleep' | 'daily' | 'activity' }>;

const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** What the week's steps need from the demo: its endpoint, its store, and the person's two devices. */
export interface WeekContext {
  endpoint: Endpoint;
  store: TerraStore;
  /** The ring's connection (Oura), once connected. */
  ring: () => Promise<User>;
  /** The watch's connection (Garmin), once connected. */
  watch: () => Promise<User>;
}

/** Asks Terra for one type of the week from one device, and waits for its signed webhook. */
async function deliver(endpoint: Endpoint, device: User, type: DataEvent['type']): Promise<number> {
  // The sandbox files a night under the morning it ends, the store under the evening it starts: the
  // nights that start in the week are asked for one day later. `endDate` is exclusive.
  const range =
    type === 'sleep'
      ? { startDate: shift(WEEK.from, 1), endDate: shift(WEEK.to, 2) }
      : { startDate: WEEK.from, endDate: shift(WEEK.to, 1) };
  const read = type === 'sleep' ? device.getSleep : type === 'daily' ? device.getDaily : device.getActivity;
  const sent = (await read.call(device, range)).getParsedResponse();
  check(sent.kind === 'SentToWebhook' && sent.reference, `GET /${type} answered ${sent.kind}, not a reference.`);
  const { event } = await waitFor(
    endpoint,
    `The ${device.provider} ${type} webhook`,
    (e, d): e is DataEvent => e.type === type && d.reference === sent.reference,
  );
  return event.data.length;
}

/** The time of day as written (the wearer's clock), `HH:MM`. */
const clock = (timestamp: string) => parseTerraTimestamp(timestamp).time.slice(0, 5);

/** How long a session lasted, `8h17`. */
function duration(start: string, end: string): string {
  const ms = (parseTerraTimestamp(end).epochMilliseconds ?? 0) - (parseTerraTimestamp(start).epochMilliseconds ?? 0);
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}`;
}

const number = (value: number | null | undefined) =>
  typeof value === 'number' ? Math.round(value).toLocaleString('en-US') : '';

const providers = <T>(item: DayItem<T>) => item.alsoFrom.map((other) => other.source.provider ?? '?').join(', ');

/** The merged week as a table: one line per date. */
export function weekTable(week: readonly Day[]): string[] {
  const rows = week.map((day) => {
    const weekday = new Date(`${day.date}T00:00:00Z`).toUTCString().slice(0, 3);
    const span = ({ start_time: start, end_time: end }: Sleep['metadata']) => `${clock(start)}-${clock(end)}`;
    const nights = day.sleep.map((night: DayItem<Sleep>) => {
      const { metadata } = night.record;
      return `${night.source.provider} ${span(metadata)} ${duration(metadata.start_time, metadata.end_time)}`;
    });
    // The other device's copy with its own times: the same night, seen a few minutes apart.
    const others = day.sleep.flatMap((night: DayItem<Sleep>) =>
      night.alsoFrom.map((other) => `${other.source.provider} ${span(other.record.metadata)}`),
    );
    const daily = day.daily as DayItem<Daily> | null;
    const activities = day.activities as DayItem<Activity>[];
    const both = activities.filter((a) => a.alsoFrom.length > 0).length;
    return [
      `${weekday} ${day.date}`,
      nights.join('; ') || '-',
      others.join('; ') || '-',
      number(daily?.record.distance_data?.steps),
      number(daily?.record.calories_data?.total_burned_calories),
      daily ? `${daily.source.provider}${daily.alsoFrom.length ? ` (+${providers(daily)})` : ''}` : '-',
      `${activities.length}${both ? ` (${both} by both)` : ''}`,
    ];
  });
  return table(['date', 'night kept', 'merged with', 'steps', 'kcal', 'day from', 'activities'], rows, [3, 4]);
}

/** The steps of the week, run after both devices are connected. */
export function weekSteps(context: WeekContext): [string, () => Promise<string[]>][] {
  const { endpoint, store } = context;
  return [
    [
      `The ring and the watch record the same week, ${WEEK.from} to ${WEEK.to}`,
      async () => {
        const lines: string[] = [];
        for (const device of [await context.ring(), await context.watch()]) {
          const nights = await deliver(endpoint, device, 'sleep');
          const days = await deliver(endpoint, device, 'daily');
          const activities = await deliver(endpoint, device, 'activity');
          check(
            nights === 7 && days === 7,
            `${device.provider} sent ${nights} nights and ${days} days, not 7 of each.`,
          );
          lines.push(
            `${device.provider} (${short(device.user_id)}): ${nights} nights, ${days} days, ${activities} activities in 3 signed webhooks`,
          );
        }
        // The webhook handler stored every record before the demo's listener saw the event.
        const stored = (await store.records('sleep', { referenceId: PERSON, ...WEEK })) as Sleep[];
        const ids = new Set(stored.map((night) => night.metadata.summary_id));
        check(stored.length === 14, `terra_records holds ${stored.length} nights of the week, not 14.`);
        check(ids.size === 14, 'Two nights of the week share a summary_id.');
        lines.push(
          `terra_records: ${stored.length} nights of the week, 7 from each device, each with its own summary_id`,
        );
        return lines;
      },
    ],
    [
      'One week for the person: each night once, the other device in alsoFrom',
      async () => {
        const week = await store.days(PERSON, WEEK);
        check(week.length === 7, `store.days() returned ${week.length} days instead of 7.`);
        let activities = 0;
        let merged = 0;
        for (const day of week) {
          check(day.sleep.length === 1, `${day.date} shows ${day.sleep.length} nights instead of one.`);
          const [night] = day.sleep as [DayItem<Sleep>];
          const [other] = night.alsoFrom;
          check(
            night.source.provider === 'OURA',
            `${day.date} kept the ${night.source.provider} night, not the ring's.`,
          );
          check(
            night.alsoFrom.length === 1 && other?.source.provider === 'GARMIN',
            `${day.date}: the watch's night is not in alsoFrom (${providers(night) || 'nothing'}).`,
          );
          check(other.source.summaryId !== night.source.summaryId, `${day.date}: the two nights share a summary_id.`);
          check(
            day.daily?.source.provider === 'GARMIN' && day.daily.alsoFrom[0]?.source.provider === 'OURA',
            `${day.date}: the day's summary is not the watch's with the ring's in alsoFrom.`,
          );
          activities += day.activities.length;
          merged += day.activities.filter((a) => a.alsoFrom.length > 0).length;
        }
        return [
          `store.days('${PERSON}', { from: '${WEEK.from}', to: '${WEEK.to}' }): 7 days, 7 nights from 14 records`,
          "each night: the ring's (OURA, first in priority.sleep), the watch's copy in alsoFrom",
          "each day's steps and calories: the watch's (GARMIN, first in priority.daily), the ring's in alsoFrom",
          merged > 0
            ? `${activities} activities, ${merged} of them recorded by both devices and counted once`
            : `${activities} activities, none at the same time on both devices: each is its own item`,
        ];
      },
    ],
  ];
}
