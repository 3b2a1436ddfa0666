/**
 * The data store's public types: its options, the records and days it reads, and erasure.
 */
import type { Activity } from '../../models/generated/Activity.js';
import type { Athlete } from '../../models/generated/Athlete.js';
import type { Body } from '../../models/generated/Body.js';
import type { Daily } from '../../models/generated/Daily.js';
import type { Menstruation } from '../../models/generated/Menstruation.js';
import type { Nutrition } from '../../models/generated/Nutrition.js';
import type { Sleep } from '../../models/generated/Sleep.js';
import type { FetchS3PayloadOptions } from '../../webhooks/s3.js';
import type { ConnectionStore, ConnectionStoreOptions } from '../types.js';
import type { DataType } from './schema.js';

export type { DataType } from './schema.js';

/** The record type of each data type, as `records()` returns it. */
export interface DataRecords {
  /** A workout or other session. */
  activity: Activity;
  /** A night or a nap. */
  sleep: Sleep;
  /** The summary of one day. */
  daily: Daily;
  /** Body measurements of one day. */
  body: Body;
  /** Meals and drinks of one day. */
  nutrition: Nutrition;
  /** Menstrual data of one day. */
  menstruation: Menstruation;
  /** The person's profile at the provider. */
  athlete: Athlete;
}

/** Options of `createTerraStore`: the connection store's, plus what to keep of the data. */
export interface TerraStoreOptions extends ConnectionStoreOptions {
  /**
   * Which data to keep: `true` every type (`activity`, `sleep`, `daily`, `body`, `nutrition`,
   * `menstruation`, `athlete`), a list of types to keep those, absent or `false` none (the store is
   * then the connection store).
   */
  data?: boolean | readonly DataType[] | undefined;
  /**
   * What a `deauth` or `access_revoked` does to the connection's data: `'keep'` (the default: a
   * disconnection is also what a provider-side glitch or a person reconnecting looks like, and a
   * deletion cannot be undone; call `erase` when the person asks) or `'delete'` (erased, with an
   * audit row, `deleteAfterMs` after the disconnection; data arriving for it later is not stored).
   * A reauth never deletes: the person is still connected under the new id.
   */
  onDisconnect?: 'keep' | 'delete' | undefined;
  /**
   * With `onDisconnect: 'delete'`, how long after the disconnection the data goes, in milliseconds
   * (default 0: at once, when the event is applied). Longer delays are carried out by
   * `eraseDisconnected()`, which the store runs after each disconnection and every thousand applied
   * deliveries; call it from a timer too if deliveries are rare.
   */
  deleteAfterMs?: number | undefined;
  /** Limits and `fetch` for downloading `s3_payload` events (see `fetchS3Payload`). */
  s3?: FetchS3PayloadOptions | undefined;
}

/** Whose records, and which calendar dates (the wearer's, `YYYY-MM-DD`, both inclusive). */
export type RecordsQuery = (
  | {
      /** Every connection of this person (your reference id). */
      referenceId: string;
      /** Not with `referenceId`. */
      terraUserId?: undefined;
    }
  | {
      /** One connection (its Terra user id). */
      terraUserId: string;
      /** Not with `terraUserId`. */
      referenceId?: undefined;
    }
) & {
  /** First calendar date, `YYYY-MM-DD` (inclusive); default: no lower bound. */
  from?: string | undefined;
  /** Last calendar date, `YYYY-MM-DD` (inclusive); default: no upper bound. */
  to?: string | undefined;
};

/** Where an item of a day came from. */
export interface RecordSource {
  /** The connection (Terra user id). */
  terraUserId: string;
  /** Its provider (`OURA`, `GARMIN`, ...), when known. */
  provider: string | null;
  /** The record's `metadata.summary_id`, when it has one. */
  summaryId: string | null;
}

/** One record of a day, with the same thing as other connections recorded it. */
export interface DayItem<T> {
  /** The record kept: from the provider first in the priority list. */
  record: T;
  /** Where it came from. */
  source: RecordSource;
  /** The same night, session or day as recorded by the person's other connections. */
  alsoFrom: {
    /** The other connection's record. */
    record: T;
    /** Where it came from. */
    source: RecordSource;
  }[];
}

/** One calendar date of one person, across their connections. */
export interface Day {
  /** The wearer's calendar date, `YYYY-MM-DD`. */
  date: string;
  /** The day's summary, from the provider first in `priority.daily`. */
  daily: DayItem<Daily> | null;
  /** The day's body measurements, by `priority.body`. */
  body: DayItem<Body> | null;
  /** The day's meals and drinks, by `priority.nutrition`. */
  nutrition: DayItem<Nutrition> | null;
  /** The day's menstrual data, by `priority.menstruation`. */
  menstruation: DayItem<Menstruation> | null;
  /** The nights and naps that started on this date, by start time. */
  sleep: DayItem<Sleep>[];
  /** The activities that started on this date, by start time. */
  activities: DayItem<Activity>[];
}

/** Providers in order of preference, per data type (uppercase, as Terra names them). */
export interface DataPriority {
  /** For nights and naps recorded by several connections. */
  sleep?: readonly string[] | undefined;
  /** For sessions recorded by several connections. */
  activity?: readonly string[] | undefined;
  /** For the day's summary. */
  daily?: readonly string[] | undefined;
  /** For the day's body measurements. */
  body?: readonly string[] | undefined;
  /** For the day's meals and drinks. */
  nutrition?: readonly string[] | undefined;
  /** For the day's menstrual data. */
  menstruation?: readonly string[] | undefined;
}

/** Options of `days()`. */
export interface DaysOptions {
  /** First calendar date, `YYYY-MM-DD` (inclusive). */
  from: string;
  /** Last calendar date, `YYYY-MM-DD` (inclusive); at most 366 days after `from`. */
  to: string;
  /** Providers in order of preference; each list given replaces the default for its type. */
  priority?: DataPriority | undefined;
}

/** Whose data to erase: a person (every connection) or one connection. */
export type EraseTarget =
  | {
      /** Every connection of this person (your reference id). */
      referenceId: string;
      /** Not with `referenceId`. */
      terraUserId?: undefined;
    }
  | {
      /** One connection (its Terra user id). */
      terraUserId: string;
      /** Not with `terraUserId`. */
      referenceId?: undefined;
    };

/** The audit row of one erasure (`terra_erasures`): who, when, how many records of each type, no data. */
export interface ErasureRow {
  /** The audit row's id. */
  id: string;
  /** When the data was erased. */
  erased_at: Date;
  /** `request` (`erase()`), or `disconnected` (`onDisconnect: 'delete'`). */
  reason: string;
  /** The person's reference id, when the erasure named one. */
  reference_id: string | null;
  /** The connections whose data was erased. */
  terra_user_ids: string[];
  /** Records deleted, per type (types with none are left out). */
  counts: Partial<Record<DataType, number>>;
  /** Raw delivery bodies (durable deliveries keep them) cleared; null when there was no connection to erase. */
  delivery_bodies: number | null;
}

/** What `applyResponse` wrote. */
export interface ApplyResponseResult {
  /** The data type of the response. */
  type: string | null;
  /** Records inserted or changed (0 when every record was already stored as sent). */
  written: number;
}

/**
 * The connection store plus the person's health data, made by `createTerraStore`. Every method
 * returns a promise that rejects (never throws).
 */
export interface TerraStore extends ConnectionStore {
  /** The data types this store keeps. */
  readonly dataTypes: readonly DataType[];
  /**
   * Stores the data of a synchronous read (`toWebhook: false`): a `TerraApiResponse` of a data
   * method, or its parsed `DataReturned`. Its copy counts as the newest (the time of the call is
   * its ordering timestamp).
   */
  applyResponse(response: unknown): Promise<ApplyResponseResult>;
  /** The stored records of one type, for a person or a connection, by calendar date. */
  records<T extends DataType>(type: T, query: RecordsQuery): Promise<DataRecords[T][]>;
  /** One entry per calendar date for a person, across all their connections. */
  days(referenceId: string, options: DaysOptions): Promise<Day[]>;
  /** Deletes the data of a person or a connection at once, and records an audit row. */
  erase(target: EraseTarget): Promise<ErasureRow>;
  /**
   * With `onDisconnect: 'delete'`, erases the data of connections disconnected at least
   * `deleteAfterMs` ago (a hundred connections per call). Resolves to the audit rows written.
   */
  eraseDisconnected(): Promise<ErasureRow[]>;
}
