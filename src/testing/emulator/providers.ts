/**
 * The providers the emulator offers: their data types and scopes, and what can be written or
 * planned there.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { lazy } from '../../internal/options.js';
import type { TerraDataType } from '../../response.js';

/** What the emulator knows of a provider: its data types, and what can be written or planned there. */
/** What the emulator knows of a provider. */
export interface EmulatedProvider {
  /** How planned workouts reach it: pushed to its API, through the mobile SDK, or not at all. */
  readonly workouts?: 'push' | 'sdk' | undefined;
}

export interface ProviderInfo extends EmulatedProvider {
  name: string;
  types: TerraDataType[];
  scopes: string;
  sdk?: boolean;
  /** The data type Terra can write to it (`POST /activity`, ...). */
  writes?: TerraDataType;
}

/** Providers the emulator offers, with the data types each has. */
export const PROVIDERS: Record<string, ProviderInfo> = {
  GARMIN: {
    name: 'Garmin',
    types: ['activity', 'body', 'daily', 'sleep', 'menstruation', 'athlete'],
    scopes: 'ACTIVITY_EXPORT,HEALTH_EXPORT',
    workouts: 'push',
  },
  FITBIT: {
    name: 'Fitbit',
    types: ['activity', 'body', 'daily', 'sleep', 'nutrition', 'athlete'],
    scopes: 'activity,heartrate,sleep,nutrition,profile,weight',
    writes: 'nutrition',
  },
  OURA: {
    name: 'Oura',
    types: ['activity', 'daily', 'sleep', 'athlete'],
    scopes: 'daily,heartrate,personal,session,workout',
  },
  WHOOP: {
    name: 'WHOOP',
    types: ['activity', 'body', 'daily', 'sleep', 'athlete'],
    scopes: 'read:recovery,read:cycles,read:sleep,read:workout,read:profile',
  },
  WITHINGS: {
    name: 'Withings',
    types: ['activity', 'body', 'daily', 'sleep', 'athlete'],
    scopes: 'user.info,user.metrics,user.activity',
  },
  STRAVA: { name: 'Strava', types: ['activity', 'athlete'], scopes: 'read,activity:read_all,profile:read_all' },
  MYFITNESSPAL: { name: 'MyFitnessPal', types: ['nutrition', 'body', 'athlete'], scopes: 'diary,measurements' },
  DEXCOM: { name: 'Dexcom', types: ['body'], scopes: 'offline_access' },
  WAHOO: {
    name: 'Wahoo',
    types: ['activity', 'athlete'],
    scopes: 'user_read,workouts_read,workouts_write',
    workouts: 'push',
    writes: 'activity',
  },
  GOOGLE: {
    name: 'Google Fit',
    types: ['activity', 'body', 'daily', 'sleep', 'nutrition', 'athlete'],
    scopes: 'fitness.activity.read,fitness.body.read,fitness.body.write',
    writes: 'body',
  },
  APPLE: {
    name: 'Apple Health',
    types: ['activity', 'body', 'daily', 'sleep', 'nutrition', 'menstruation', 'athlete'],
    scopes: 'healthkit',
    sdk: true,
    workouts: 'sdk',
  },
};

/** The provider Terra writes each data type to (terra-api-facts §2.7). */
export const WRITERS: Partial<Record<TerraDataType, string>> = {
  activity: 'WAHOO',
  body: 'GOOGLE',
  nutrition: 'FITBIT',
};

const known = () => Object.keys(PROVIDERS).join(', ');

/** A provider the emulator offers, in any case; parsed to its upper-case name. */
export const providerName = lazy(() =>
  z.pipe(
    z.string({ error: () => `provider must be a string; known: ${known()}` }),
    z.transform((value: string, ctx) => {
      const name = value.toUpperCase();
      if (Object.hasOwn(PROVIDERS, name)) return name;
      ctx.issues.push({ code: 'custom', message: `unknown provider; known: ${known()}`, input: value });
      return z.NEVER;
    }),
  ),
);
