/**
 * The emulator's options and the shapes of what it hands out (deliveries, flow results), with their
 * checks through the one options checker.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { DEFAULT_BASE_URL } from '../../internal/constants.js';
import { callback, flag, lazy, optionsOf, text, url, wholeNumber } from '../../internal/options.js';
import type { TerraUser } from '../../models/index.js';
import { providerName } from './providers.js';

/** One webhook delivery the emulator wants made, with the headers Terra would send. */
export interface EmulatorDelivery {
  /** The event body, as Terra would POST it. */
  readonly payload: Record<string, unknown> & {
    /** The event type (`auth`, `activity`, ...). */
    type: string;
  };
  /** `terra-reference`: the API request that caused it, for data and large-request events. */
  readonly reference: string | undefined;
  /** `X-Terra-Trace-Id`: unique per delivery, the same across retries. */
  readonly traceId: string;
  /** `X-Terra-Ordering-Timestamp`: when Terra emitted it, in epoch milliseconds. */
  readonly orderingTimestamp: number;
}

/** Options of {@link TerraEmulator}. */
export interface TerraEmulatorOptions {
  /** The API key requests must send. Omitted, any non-empty key is accepted. */
  apiKey?: string | undefined;
  /** The dev id requests must send. Omitted, any non-empty dev id is accepted. */
  devId?: string | undefined;
  /** Where the API is served. Default: Terra's own URL (so msw intercepts a client with no `baseUrl`). */
  baseUrl?: string | undefined;
  /** Seed of the generated data: same seed, user and range, same data. Default 1. */
  seed?: number | undefined;
  /** Ranges longer than this many days are delivered as a large request, in chunks. Default 28. */
  largeRequestDays?: number | undefined;
  /** Days per chunk of a large request. Default 7. */
  chunkDays?: number | undefined;
  /** Rule r2: days that may be requested per user per rolling hour. Default 6,000. */
  daysPerHour?: number | undefined;
  /** Rule r1: the longest span of one request, in days. Default 1,825. */
  maxSpanDays?: number | undefined;
  /**
   * Send events shaped as real deliveries show them rather than as Terra's spec writes them: no
   * `version`, lifecycle events without `message`, `auth` with `status: "authenticated"`, `deauth`
   * with `status: "deauthenticated"` and `user.provider: null`, data events whose user has
   * `reference_id: ""` and `created_at: null` (see `fixtures.event`'s `realistic`). Default `false`.
   */
  realistic?: boolean | undefined;
  /** The clock, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Called with every webhook event to deliver (the sandbox signs and POSTs them). */
  onEvent?: ((delivery: EmulatorDelivery) => void) | undefined;
  /** Whether the Planned Workouts add-on is enabled; `false` answers planning with Terra's 403. Default `true`. */
  plannedWorkouts?: boolean | undefined;
  /** Whether lab reports are enabled; `false` answers uploads with Terra's 403. Default `true`. */
  labReports?: boolean | undefined;
  /**
   * Time between two statuses of a lab report (`processing`, `processed`, ... `sent`), in
   * milliseconds of the emulator's clock: a report is `sent` five steps after its upload. Default 2,000.
   */
  labReportStepMs?: number | undefined;
}

/** The emulator's options; the sandbox takes the same ones. @internal */
export const emulatorOptionsShape = () => ({
  apiKey: z.optional(text('apiKey')),
  devId: z.optional(text('devId')),
  seed: z._default(wholeNumber('seed', -(2 ** 31), 2 ** 32 - 1), 1),
  largeRequestDays: z._default(wholeNumber('largeRequestDays', 1, 100_000), 28),
  chunkDays: z._default(wholeNumber('chunkDays', 1, 100_000), 7),
  daysPerHour: z._default(wholeNumber('daysPerHour', 1, 10_000_000), 6_000),
  maxSpanDays: z._default(wholeNumber('maxSpanDays', 1, 100_000), 1_825),
  realistic: z._default(flag('realistic'), false),
  now: z.optional(callback<() => number>('now')),
  onEvent: z.optional(callback<(delivery: EmulatorDelivery) => void>('onEvent')),
  plannedWorkouts: z._default(flag('plannedWorkouts'), true),
  labReports: z._default(flag('labReports'), true),
  labReportStepMs: z._default(wholeNumber('labReportStepMs', 1, 3_600_000), 2_000),
});

export const emulatorOptions = optionsOf<TerraEmulatorOptions>()(() => ({
  ...emulatorOptionsShape(),
  baseUrl: z._default(url('baseUrl', 'http', DEFAULT_BASE_URL), DEFAULT_BASE_URL),
}));

export const connectionMessage = text('message');

/** Scope names: non-empty, no commas (Terra joins them with commas). */
const scopeList = (name: string) =>
  z._default(
    z.array(
      z.string().check(
        z.refine((scope) => scope.trim() !== '' && !scope.includes(','), {
          error: `${name} must be a list of scope names, such as ['sleep', 'heartrate']`,
        }),
      ),
      { error: `${name} must be a list of scope names, such as ['sleep', 'heartrate']` },
    ),
    [],
  );

export const permissionChange = z.strictObject({ added: scopeList('added'), removed: scopeList('removed') });

/** Names one connection: by its user id, or by provider and reference id. */
export interface ConnectionSelector {
  /** The connection's Terra user id. */
  userId?: string | undefined;
  /** The provider (`GARMIN`, ...), with `referenceId`. */
  provider?: string | undefined;
  /** The person's reference id, with `provider`. */
  referenceId?: string | undefined;
}

/** The outcome of a person finishing (or refusing) a connection flow. */
export interface FlowResult {
  /** The connection made, when authorized. */
  readonly user: TerraUser | undefined;
  /** Where the person's browser goes next. */
  readonly redirect: string | undefined;
}

/** The options once checked and defaulted, as the emulator keeps them (without `baseUrl` and `now`). */
export interface ResolvedOptions {
  apiKey?: string | undefined;
  devId?: string | undefined;
  seed: number;
  largeRequestDays: number;
  chunkDays: number;
  daysPerHour: number;
  maxSpanDays: number;
  realistic: boolean;
  onEvent?: ((delivery: EmulatorDelivery) => void) | undefined;
  plannedWorkouts: boolean;
  labReports: boolean;
  labReportStepMs: number;
}

/** What {@link TerraEmulator}.connect takes (other keys are ignored, as before). */
export const connectOptions = lazy(() =>
  // Absent counts as {}: the missing provider is what the person hears about.
  z.prefault(
    z.object({
      provider: providerName,
      referenceId: z._default(
        z.nullable(
          z.string({ error: REFERENCE_MESSAGE }).check(z.refine((value) => value !== '', { error: REFERENCE_MESSAGE })),
        ),
        null,
      ),
      widgetSessionId: z.optional(z.string({ error: 'widgetSessionId must be a string' })),
    }),
    {} as never,
  ),
);

const REFERENCE_MESSAGE = 'referenceId must be a non-empty string, or null';
