/**
 * A Terra API emulator: Terra's endpoints and semantics over Web `Request`/`Response`, with users and
 * connections in memory and deterministic data. `terraHandlers` (msw, `terra-sdk/testing/msw`) and the
 * `terra-sdk sandbox` server (a local Terra on 127.0.0.1) are both this emulator.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
import { DEFAULT_BASE_URL } from '../internal/constants.js';
import { DAY_MS } from '../internal/dates.js';
import { callback, flag, optionsOf, parseArguments, parseConfig, text, url, wholeNumber } from '../internal/options.js';
import type { TerraUser } from '../models/index.js';
import { parseScopes } from '../models/scopes.js';
import type { TerraDataType } from '../response.js';
import type { EmulatedProvider, EmulatorContext, Route } from './emulator-context.js';
import { MAX_STORED } from './emulator-context.js';
import { athleteFor, daysBetween, hashSeed, recordsFor } from './emulator-data.js';
import { isRecord, type Json, ok, problem, readJson } from './emulator-http.js';
import { LabReportsEmulator } from './emulator-lab-reports.js';
import { WorkoutsEmulator } from './emulator-workouts.js';
import {
  accessRevokedEvent,
  authEvent,
  dataEvent,
  deauthEvent,
  EVENT_VERSION,
  largeRequestProcessingEvent,
  largeRequestSendingEvent,
  realisticEvent,
  reauthEvent,
} from './events.js';
import { Random } from './random.js';

const HOUR_MS = 3_600_000;

/** What the emulator knows of a provider: its data types, and what can be written or planned there. */
interface ProviderInfo extends EmulatedProvider {
  name: string;
  types: TerraDataType[];
  scopes: string;
  sdk?: boolean;
  /** The data type Terra can write to it (`POST /activity`, ...). */
  writes?: TerraDataType;
}

/** Providers the emulator offers, with the data types each has. */
const PROVIDERS: Record<string, ProviderInfo> = {
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
const WRITERS: Partial<Record<TerraDataType, string>> = { activity: 'WAHOO', body: 'GOOGLE', nutrition: 'FITBIT' };

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

const emulatorOptions = optionsOf<TerraEmulatorOptions>()(() => ({
  ...emulatorOptionsShape(),
  baseUrl: z._default(url('baseUrl', 'http', DEFAULT_BASE_URL), DEFAULT_BASE_URL),
}));

const connectionMessage = text('message');

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

const permissionChange = z.strictObject({ added: scopeList('added'), removed: scopeList('removed') });

interface Flow {
  id: string;
  kind: 'widget' | 'direct';
  providers: string[];
  referenceId: string | null;
  successUrl: string | undefined;
  failureUrl: string | undefined;
  /** The user id promised by `authenticateUser`. */
  userId: string | undefined;
  expiresAt: number;
  done: boolean;
}

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

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function utc(ms: number): string {
  return `${new Date(ms).toISOString().replace('Z', '')}000+00:00`;
}

/**
 * Terra's API in memory. `handle(request)` answers like Terra; people "connect" through the widget
 * and auth pages it serves (or {@link TerraEmulator.connect} in tests); every webhook Terra would
 * send is passed to `onEvent` and kept in {@link TerraEmulator.deliveries}.
 *
 * @example
 * ```ts
 * const terra = new TerraEmulator({ apiKey: 'key', devId: 'dev' });
 * const user = terra.connect({ provider: 'GARMIN', referenceId: 'user-123' });
 * const response = await terra.handle(new Request(`${terra.baseUrl}/userInfo?user_id=${user.user_id}`, {
 *   headers: { 'x-api-key': 'key', 'dev-id': 'dev' },
 * }));
 * ```
 */
export class TerraEmulator {
  /** Where the API is served (`https://access.tryterra.co/api/v2` unless told otherwise). */
  readonly baseUrl: string;
  /** Every webhook delivery emitted so far, oldest first. */
  readonly deliveries: EmulatorDelivery[] = [];
  readonly #options: {
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
  };
  readonly #basePath: string;
  readonly #origin: string;
  readonly #users = new Map<string, TerraUser & { provider: string }>();
  readonly #flows = new Map<string, Flow>();
  readonly #spent = new Map<string, { at: number; days: number }[]>();
  readonly #random: Random;
  readonly #now: () => number;
  readonly #down = new Set<string>();
  /** Connections whose credentials the provider refused (`connection_error`) since they connected. */
  readonly #failed = new Set<string>();
  /** Ids of records written (`POST /activity`, ...), for the deletes; the oldest go first past the cap. */
  readonly #written = new Set<string>();
  readonly #workouts: WorkoutsEmulator;
  readonly #labReports: LabReportsEmulator;

  /** @throws {@link TerraConfigurationError} for an option of the wrong kind, naming it. */
  constructor(options: TerraEmulatorOptions = {}) {
    const { baseUrl, now, ...rest } = parseConfig(emulatorOptions, options, 'TerraEmulator options');
    this.#options = rest;
    const base = new URL(baseUrl);
    this.baseUrl = base.href.replace(/\/+$/, '');
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#origin = base.origin;
    this.#random = new Random(hashSeed(this.#options.seed, 'ids'));
    this.#now = now ?? Date.now;
    const context: EmulatorContext = {
      now: () => this.#now(),
      random: this.#random,
      user: (userId) => (userId === null ? undefined : this.#users.get(userId)),
      provider: (name) => PROVIDERS[name],
      isDown: (provider) => this.#down.has(provider),
      emit: (event, reference) => this.#emit(event, reference),
    };
    this.#workouts = new WorkoutsEmulator(context, this.#options.plannedWorkouts);
    this.#labReports = new LabReportsEmulator(context, {
      enabled: this.#options.labReports,
      stepMs: this.#options.labReportStepMs,
    });
  }

  /**
   * Makes a provider fail (`down: true`) or work again: planning a workout for its users answers 424,
   * and deleting a workout planned there answers 207 (some plans kept) or 424, as Terra does when a
   * provider's API is out.
   */
  setProviderOutage(provider: string, down: boolean): void {
    const name = typeof provider === 'string' ? provider.toUpperCase() : '';
    if (!Object.hasOwn(PROVIDERS, name)) {
      throw new TerraInvalidArgumentError('provider', `unknown provider; known: ${Object.keys(PROVIDERS).join(', ')}`);
    }
    if (typeof down !== 'boolean') throw new TerraInvalidArgumentError('down', 'down must be true or false');
    if (down) this.#down.add(name);
    else this.#down.delete(name);
  }

  /**
   * Brings what happens over time up to the emulator's clock: lab reports whose processing ended send
   * their `lab_report.completed` or `lab_report.failed` webhook. Every request the emulator answers
   * does this first, and the sandbox does it every second; call it in tests after moving the clock.
   */
  tick(): void {
    this.#labReports.tick();
  }

  /** The connections that exist now. */
  users(): TerraUser[] {
    return [...this.#users.values()].map((user) => ({ ...user }));
  }

  /**
   * Connects a provider account as if the person had completed Terra's flow: creates the user and
   * sends `auth` (and `user_reauth` when it replaces a connection to the same provider under the same
   * reference id).
   */
  connect(options: { provider: string; referenceId?: string | null | undefined; widgetSessionId?: string }): TerraUser {
    const given = (options as Partial<typeof options> | null | undefined)?.provider;
    const provider = typeof given === 'string' ? given.toUpperCase() : '';
    if (!Object.hasOwn(PROVIDERS, provider)) {
      throw new TerraInvalidArgumentError(
        'provider',
        `${typeof given === 'string' ? 'unknown provider' : 'provider must be a string'}; known: ${Object.keys(PROVIDERS).join(', ')}`,
      );
    }
    const referenceId = options.referenceId ?? null;
    if (referenceId !== null && (typeof referenceId !== 'string' || referenceId === '')) {
      throw new TerraInvalidArgumentError('referenceId', 'referenceId must be a non-empty string, or null');
    }
    return { ...this.#connect(provider, referenceId, undefined, options.widgetSessionId) };
  }

  /**
   * Connects the same provider account again for a connection that exists, as a person reconnecting
   * would: a new user id replaces the old one, and `auth` and `user_reauth` are sent.
   * @throws {@link TerraInvalidArgumentError} when no active connection matches.
   */
  reauthenticate(which: ConnectionSelector): TerraUser {
    const user = this.#find(which);
    return { ...this.#connect(user.provider, user.reference_id ?? null, undefined) };
  }

  /**
   * Ends a connection as Terra does: `deauth` when it is removed (`deauthenticateUser`, or by the
   * person in the widget), `access_revoked` when the person revokes access at the provider.
   * @throws {@link TerraInvalidArgumentError} when no active connection matches.
   */
  disconnect(which: ConnectionSelector, how: 'deauth' | 'revoke' = 'deauth'): TerraUser {
    const user = this.#find(which);
    this.#users.delete(user.user_id);
    this.#failed.delete(user.user_id);
    this.#emit(how === 'deauth' ? deauthEvent(user) : accessRevokedEvent(user));
    return { ...user, active: false };
  }

  /**
   * The provider refuses the connection's stored credentials, as when the person changed their
   * password: Terra sends `connection_error`, and the connection stays listed but is no longer
   * authenticated (`userInfo` answers `is_authenticated: false`) until the person connects again.
   * @throws {@link TerraInvalidArgumentError} when no active connection matches.
   */
  failConnection(
    which: ConnectionSelector,
    message = 'The provider refused the stored credentials: ask the user to connect again',
  ): TerraUser {
    const user = this.#find(which);
    const text = parseArguments(connectionMessage, message, 'message');
    this.#failed.add(user.user_id);
    this.#emit({ type: 'connection_error', status: 'warning', message: text, user: { ...user } });
    return { ...user };
  }

  /**
   * The person changes what they allow at the provider: the connection's scopes gain `added` and lose
   * `removed`, and Terra sends `permission_change` with both lists.
   * @throws {@link TerraInvalidArgumentError} when no active connection matches or no scope changes.
   */
  changePermissions(
    which: ConnectionSelector,
    change: { added?: readonly string[] | undefined; removed?: readonly string[] | undefined },
  ): TerraUser {
    const user = this.#find(which);
    const { added, removed } = parseArguments(permissionChange, change, 'the permission change');
    if (added.length + removed.length === 0) {
      throw new TerraInvalidArgumentError('change', 'name at least one scope added or removed');
    }
    const kept = parseScopes(user.scopes ?? null).filter((scope) => !removed.includes(scope));
    user.scopes = [...kept, ...added.filter((scope) => !kept.includes(scope))].join(',');
    this.#emit({
      type: 'permission_change',
      status: 'warning',
      message: 'User changed the permissions they granted',
      user: { ...user },
      version: EVENT_VERSION,
      scopes_added: added.join(','),
      scopes_removed: removed.join(','),
    });
    return { ...user };
  }

  #find(which: ConnectionSelector): TerraUser & { provider: string } {
    const given = (which ?? {}) as Partial<ConnectionSelector>;
    const provider = typeof given.provider === 'string' ? given.provider.toUpperCase() : undefined;
    const candidates = [...this.#users.values()].filter(
      (u) =>
        u.active &&
        (given.userId === undefined || u.user_id === given.userId) &&
        (provider === undefined || u.provider === provider) &&
        (given.referenceId === undefined || u.reference_id === given.referenceId),
    );
    if (given.userId === undefined && (provider === undefined || given.referenceId === undefined)) {
      throw new TerraInvalidArgumentError(
        'connection',
        'name the connection by userId, or by provider and referenceId',
      );
    }
    const [user] = candidates;
    if (user === undefined || candidates.length > 1) {
      throw new TerraInvalidArgumentError(
        'connection',
        user === undefined
          ? 'no active connection matches; list them with users()'
          : 'several connections match; name one by userId',
      );
    }
    return user;
  }

  /**
   * Completes a widget session or an authentication link as the person would: `provider` is the one
   * picked (for a direct link, the one it was made for); `cancel` refuses access.
   */
  completeFlow(
    flowId: string,
    options: { provider?: string | undefined; cancel?: boolean | undefined } = {},
  ): FlowResult {
    const flow = this.#flows.get(flowId);
    if (!flow || flow.done || flow.expiresAt < this.#now()) {
      throw new TerraInvalidArgumentError(
        'flowId',
        'no open session or link with this id (it may have expired or been used)',
      );
    }
    const picked = options.provider ?? (flow.kind === 'direct' ? flow.providers[0] : undefined);
    const provider = typeof picked === 'string' ? picked.toUpperCase() : undefined;
    if (!provider || !flow.providers.includes(provider)) {
      throw new TerraInvalidArgumentError('provider', `pick one of ${flow.providers.join(', ')}`);
    }
    flow.done = true;
    if (options.cancel) {
      this.#emit({
        type: 'auth_cancelled',
        status: 'error',
        reason: 'access_denied',
        reference_id: flow.referenceId,
        flow_id: flow.id,
      });
      const redirect = flow.failureUrl
        ? withQuery(flow.failureUrl, { reason: 'access_denied', resource: provider, reference_id: flow.referenceId })
        : undefined;
      return { user: undefined, redirect };
    }
    const user = this.#connect(provider, flow.referenceId, flow.userId, flow.kind === 'widget' ? flow.id : undefined);
    const redirect = flow.successUrl
      ? withQuery(flow.successUrl, { user_id: user.user_id, resource: provider, reference_id: flow.referenceId })
      : undefined;
    return { user: { ...user }, redirect };
  }

  /** Answers one request as Terra would: the API under `baseUrl`, and the widget and link pages. */
  async handle(request: Request): Promise<Response> {
    const candidate = request as Partial<Request> | null | undefined;
    if (typeof candidate?.url !== 'string' || typeof candidate.text !== 'function' || !candidate.headers) {
      throw new TerraInvalidArgumentError('request', 'handle takes a Web Request (new Request(url, init)).');
    }
    this.tick();
    const url = new URL(request.url);
    const page = /^\/(widget|connect)\/([\w-]+)$/.exec(url.pathname);
    const response = url.pathname.startsWith(`${this.#basePath}/`)
      ? await this.#api(request, url)
      : page
        ? await this.#page(request, page[2] as string)
        : new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    // A body left unread (an error answered before reading it) is released, as a server would: a
    // client streaming it would otherwise wait on it forever.
    if (request.body && !request.bodyUsed) await request.body.cancel().catch(() => undefined);
    return response;
  }

  // ----------------------------------------------------------------------------------------------

  #connect(
    provider: string,
    referenceId: string | null,
    promisedId: string | undefined,
    widgetSessionId?: string,
  ): TerraUser {
    const now = this.#now();
    const previous =
      referenceId === null
        ? undefined
        : [...this.#users.values()].find((u) => u.provider === provider && u.reference_id === referenceId && u.active);
    const user: TerraUser & { provider: string } = {
      user_id: promisedId ?? this.#random.uuid(),
      provider,
      reference_id: referenceId,
      scopes: PROVIDERS[provider]?.scopes ?? null,
      active: true,
      created_at: utc(now),
      last_webhook_update: null,
    };
    if (previous) {
      this.#users.delete(previous.user_id);
      this.#failed.delete(previous.user_id);
    }
    this.#users.set(user.user_id, user);
    this.#emit(authEvent(user, { widgetSessionId }));
    if (previous) this.#emit(reauthEvent(previous, user));
    return user;
  }

  #emit<E extends { type: string }>(event: E, reference?: string, traceId?: string): void {
    const payload = event as Json & { type: string };
    const orderingTimestamp = this.#now();
    for (const key of ['user', 'new_user']) {
      const user = payload[key] as TerraUser | undefined;
      const stored = user ? this.#users.get(user.user_id) : undefined;
      if (stored) {
        stored.last_webhook_update = utc(orderingTimestamp);
        payload[key] = { ...stored };
      }
    }
    const delivery: EmulatorDelivery = {
      payload: this.#options.realistic ? realisticEvent(payload) : payload,
      reference,
      traceId: traceId ?? uniqueId(),
      orderingTimestamp,
    };
    this.deliveries.push(delivery);
    this.#options.onEvent?.(delivery);
  }

  async #api(request: Request, url: URL): Promise<Response> {
    const path = url.pathname.slice(this.#basePath.length);
    const instance = url.pathname + url.search;
    const keyless = path === '/integrations' || path === '/integrations/detailed';
    const devId = request.headers.get('dev-id');
    const apiKey = request.headers.get('x-api-key');
    if (!devId || (!keyless && !apiKey)) {
      return problem(401, 'unauthorized', instance, 'dev-id or x-api-key headers are missing');
    }
    const { apiKey: expectedKey, devId: expectedDev } = this.#options;
    if (
      (expectedDev !== undefined && devId !== expectedDev) ||
      (!keyless && expectedKey !== undefined && apiKey !== expectedKey)
    ) {
      return problem(403, 'forbidden', instance, 'invalid credentials: the API key does not belong to this dev-id');
    }
    const route = `${request.method} ${path}`;
    const query = url.searchParams;
    switch (route) {
      case 'GET /integrations':
        return ok({
          status: 'success',
          providers: Object.keys(PROVIDERS).filter((p) => !PROVIDERS[p]?.sdk),
          sdk_providers: Object.keys(PROVIDERS).filter((p) => PROVIDERS[p]?.sdk),
        });
      case 'GET /integrations/detailed':
        return ok({ status: 'success', providers: this.#detailedProviders(query.get('sdk') === 'true') });
      case 'POST /auth/authenticateUser':
        return this.#authenticateUser(request, query, instance);
      case 'POST /auth/generateWidgetSession':
        return this.#widgetSession(request, instance);
      case 'POST /auth/generateAuthToken':
        return ok({ status: 'success', token: this.#random.uuid().replace(/-/g, ''), expires_in: 180 });
      case 'DELETE /auth/deauthenticateUser': {
        const user = this.#users.get(query.get('user_id') ?? '');
        if (!user) return problem(404, 'not found', instance, 'user not found');
        this.#users.delete(user.user_id);
        this.#emit(deauthEvent(user));
        return ok({ status: 'success' });
      }
      case 'GET /userInfo':
        return this.#userInfo(query, instance);
      case 'POST /bulkUserInfo': {
        const ids = await readJson(request);
        if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
          return problem(400, 'bad request', instance, 'the body must be a JSON array of user ids');
        }
        const users = ids.map((id) => this.#users.get(id)).filter((u) => u !== undefined);
        return users.length === 0 ? problem(404, 'not found', instance, 'no user found') : ok(users);
      }
      case 'GET /subscriptions':
        return this.#subscriptions(query, instance);
      case 'GET /activity':
      case 'GET /body':
      case 'GET /daily':
      case 'GET /sleep':
      case 'GET /nutrition':
      case 'GET /menstruation':
      case 'GET /athlete':
        return this.#data(path.slice(1) as TerraDataType, query, instance);
      case 'POST /activity':
      case 'POST /body':
      case 'POST /nutrition':
        return this.#write(path.slice(1) as TerraDataType, request, query, instance);
      case 'DELETE /body':
      case 'DELETE /nutrition':
        return this.#deleteWritten(path.slice(1) as 'body' | 'nutrition', request, query, instance);
      default:
        return (
          (await this.#product(request, path, query, instance)) ??
          problem(404, 'not found', instance, `no such endpoint: ${request.method} ${path}`)
        );
    }
  }

  /** Workouts, planned workouts, lab reports and user changes: paths with ids in them. */
  async #product(request: Request, path: string, query: URLSearchParams, instance: string) {
    let segments: string[];
    try {
      segments = path.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return problem(400, 'bad request', instance, 'the path is not validly encoded');
    }
    const route: Route = { method: request.method, segments, query, instance, request };
    if (segments[0] === 'users' && segments.length === 2 && request.method === 'PATCH') {
      return this.#modifyUser(request, segments[1] as string, instance);
    }
    return (await this.#workouts.route(route)) ?? (await this.#labReports.route(route));
  }

  async #modifyUser(request: Request, userId: string, instance: string): Promise<Response> {
    const user = this.#users.get(userId);
    if (!user) return problem(404, 'not found', instance, 'user not found');
    const body = await readJson(request);
    const valid =
      isRecord(body) &&
      (body.reference_id !== undefined || body.active !== undefined) &&
      (body.reference_id === undefined || (typeof body.reference_id === 'string' && body.reference_id !== '')) &&
      (body.active === undefined || typeof body.active === 'boolean');
    if (!valid) {
      return problem(
        400,
        'bad request',
        instance,
        'give reference_id (a non-empty string), active (a boolean) or both',
      );
    }
    if (typeof body.reference_id === 'string') user.reference_id = body.reference_id;
    if (typeof body.active === 'boolean') user.active = body.active;
    return ok({ user: { ...user }, status: 'success' });
  }

  /** `POST /activity`, `/body`, `/nutrition`: records written to the provider, with their new ids. */
  async #write(type: TerraDataType, request: Request, query: URLSearchParams, instance: string): Promise<Response> {
    const body = await readJson(request);
    if (!isRecord(body) || !Array.isArray(body.data) || body.data.length === 0 || !body.data.every(isRecord)) {
      return problem(400, 'bad request', instance, 'the body must be {"data": [...]} with at least one record');
    }
    const writer = WRITERS[type] as string;
    const userId = query.get('user_id');
    const user = userId === null ? undefined : this.#users.get(userId);
    if (userId !== null && !user) return problem(404, 'not found', instance, 'user not found');
    if (user && user.provider !== writer) {
      return problem(
        400,
        'bad request',
        instance,
        `writing ${type} data is supported for ${PROVIDERS[writer]?.name} connections only`,
      );
    }
    const logIds = body.data.map(() => String(this.#random.int(10_000_000, 99_999_999)));
    for (const id of logIds) {
      if (this.#written.size >= MAX_STORED) this.#written.delete(this.#written.values().next().value as string);
      this.#written.add(id);
    }
    return ok({ ...(user ? { user: { ...user } } : {}), log_ids: logIds, message: 'Data posted successfully' });
  }

  /** `DELETE /body` (`{log_ids}`) and `DELETE /nutrition` (`{data}`): each id's outcome. */
  async #deleteWritten(
    type: 'body' | 'nutrition',
    request: Request,
    query: URLSearchParams,
    instance: string,
  ): Promise<Response> {
    const user = this.#users.get(query.get('user_id') ?? '');
    if (!query.get('user_id')) return problem(400, 'bad request', instance, 'user_id is required');
    if (!user) return problem(404, 'not found', instance, 'user not found');
    const key = type === 'body' ? 'log_ids' : 'data';
    const body = await readJson(request);
    const ids = isRecord(body) ? body[key] : undefined;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      return problem(400, 'bad request', instance, `the body must be {"${key}": [...]} with the ids to delete`);
    }
    const processed = ids.map((id) => ({ id, response_code: this.#written.delete(id) ? 200 : 404 }));
    return ok({ user: { ...user }, processed_data: processed });
  }

  #detailedProviders(sdk: boolean) {
    return Object.entries(PROVIDERS)
      .filter(([, p]) => sdk || !p.sdk)
      .map(([provider, p]) => ({
        provider,
        name: p.name,
        icon: `${this.#origin}/icons/${provider.toLowerCase()}.png`,
        setup: p.sdk ? 'SDK' : 'API_KEYS_MANAGED',
        enabled: true,
        types: Object.fromEntries(
          (['activity', 'body', 'nutrition', 'daily', 'sleep', 'menstruation'] as const).map((t) => [
            t,
            p.types.includes(t),
          ]),
        ),
      }));
  }

  async #authenticateUser(request: Request, query: URLSearchParams, instance: string): Promise<Response> {
    const resource = query.get('resource');
    if (!resource) return problem(400, 'bad request', instance, 'resource is required');
    const provider = resource.toUpperCase();
    if (!PROVIDERS[provider] || PROVIDERS[provider]?.sdk) {
      return problem(400, 'bad request', instance, `unknown resource: ${resource}`);
    }
    const body = await readJson(request, {});
    if (!isRecord(body)) return problem(400, 'bad request', instance, 'the body must be a JSON object');
    const flow = this.#flow('direct', [provider], body);
    flow.userId = this.#random.uuid();
    return ok({ status: 'success', user_id: flow.userId, auth_url: `${this.#origin}/connect/${flow.id}` });
  }

  async #widgetSession(request: Request, instance: string): Promise<Response> {
    const body = await readJson(request);
    if (!isRecord(body)) return problem(400, 'bad request', instance, 'the body must be a JSON object');
    const available = Object.keys(PROVIDERS).filter((p) => !PROVIDERS[p]?.sdk);
    let providers = available;
    if (typeof body.providers === 'string' && body.providers.trim() !== '') {
      providers = body.providers.split(',').map((p) => p.trim().toUpperCase());
      const unknown = providers.filter((p) => !available.includes(p));
      if (unknown.length > 0) return problem(400, 'bad request', instance, `unknown providers: ${unknown.join(', ')}`);
    }
    const flow = this.#flow('widget', providers, body);
    return ok({ session_id: flow.id, url: `${this.#origin}/widget/${flow.id}`, status: 'success', expires_in: 900 });
  }

  #flow(kind: Flow['kind'], providers: string[], body: Json): Flow {
    const str = (key: string) =>
      typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined;
    const flow: Flow = {
      id: this.#random.uuid(),
      kind,
      providers,
      referenceId: str('reference_id') ?? null,
      successUrl: str('auth_success_redirect_url'),
      failureUrl: str('auth_failure_redirect_url'),
      userId: undefined,
      expiresAt: this.#now() + 900_000,
      done: false,
    };
    this.#flows.set(flow.id, flow);
    return flow;
  }

  #userInfo(query: URLSearchParams, instance: string): Response {
    const userId = query.get('user_id');
    const referenceId = query.get('reference_id');
    if (userId) {
      const user = this.#users.get(userId);
      if (!user) return problem(404, 'not found', instance, 'user not found');
      return ok({
        user: { ...user, last_polled_at: utc(this.#now() - 600_000), most_recent_data_at: user.last_webhook_update },
        status: 'success',
        is_authenticated: user.active === true && !this.#failed.has(user.user_id),
      });
    }
    if (referenceId) return ok([...this.#users.values()].filter((u) => u.reference_id === referenceId));
    return problem(400, 'bad request', instance, 'user_id or reference_id is required');
  }

  #subscriptions(query: URLSearchParams, instance: string): Response {
    const users = [...this.#users.values()];
    if (!query.has('page')) return ok({ users });
    const page = Number(query.get('page'));
    const perPage = query.has('per_page') ? Number(query.get('per_page')) : 500;
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(perPage) || perPage < 1) {
      return problem(400, 'bad request', instance, 'page and per_page must be whole numbers');
    }
    const maxPage = Math.max(0, Math.ceil(users.length / perPage) - 1);
    return ok({
      data: {
        results: users.slice(page * perPage, (page + 1) * perPage),
        next: page < maxPage ? page + 1 : null,
        max_page: maxPage,
      },
    });
  }

  #data(type: TerraDataType, query: URLSearchParams, instance: string): Response {
    const user = this.#users.get(query.get('user_id') ?? '');
    if (!user) return problem(404, 'not found', instance, 'user not found');
    if (!PROVIDERS[user.provider]?.types.includes(type)) {
      return problem(400, 'bad request', instance, 'connection does not support requested data type');
    }
    const toWebhook = query.get('to_webhook') !== 'false';
    if (type === 'athlete') {
      const athlete = athleteFor(this.#options.seed, user.user_id);
      if (!toWebhook) return ok({ athlete, type: 'athlete', user });
      const reference = uniqueId();
      this.#emit({ type: 'athlete', athlete, user: { ...user }, version: EVENT_VERSION }, reference);
      return ok({ status: 'success', type: 'athlete', reference, trace_id: reference, user });
    }
    const start = parseDate(query.get('start_date'));
    if (start === undefined) return problem(400, 'bad request', instance, 'invalid start_date');
    const endParam = query.get('end_date');
    const end = endParam === null ? start + DAY_MS : parseDate(endParam);
    if (end === undefined) return problem(400, 'bad request', instance, 'invalid end_date');
    if (end < start) return problem(400, 'bad request', instance, 'end_date is before start_date');
    const spanDays = Math.max(1, Math.ceil((end - start) / DAY_MS));

    const limits = this.#rateLimit(user.user_id, spanDays);
    if ('rejected' in limits) return limits.rejected;
    const days = daysBetween(start, Math.max(end, start + 1));
    const dayRecords = recordsFor({
      type,
      userId: user.user_id,
      provider: user.provider,
      seed: this.#options.seed,
      days,
      offsetMinutes: 60,
      withSamples: query.get('with_samples') !== 'false',
    });
    const records = dayRecords.map((r) => r.record);
    if (!toWebhook) return ok({ user, data: records, type }, limits.headers);

    const reference = uniqueId();
    const large = spanDays > this.#options.largeRequestDays;
    if (!large) {
      this.#emit(dataEvent(type, user, records), reference);
      return ok({ status: 'success', type, reference, trace_id: reference, user }, limits.headers);
    }
    const { chunkDays } = this.#options;
    const chunks: unknown[][] = [];
    for (let i = 0; i < days.length; i += chunkDays) {
      const chunk = new Set(days.slice(i, i + chunkDays));
      chunks.push(dayRecords.filter((r) => chunk.has(r.day)).map((r) => r.record));
    }
    this.#emit(largeRequestProcessingEvent(user, reference), reference);
    this.#emit(largeRequestSendingEvent(user, reference, chunks.length), reference);
    chunks.forEach((data, i) => {
      this.#emit(dataEvent(type, user, data), reference, `${reference}:chunk:${i}`);
    });
    return ok(
      {
        status: 'success',
        type,
        reference,
        trace_id: reference,
        user,
        message: `Large request: the data will be sent to your webhook in ${chunks.length} payloads`,
      },
      limits.headers,
    );
  }

  /** Rules r1 (span) and r2 (days per rolling hour), as Terra applies them per user. */
  #rateLimit(userId: string, days: number): { headers: Record<string, string> } | { rejected: Response } {
    const rateLimited = (headers: Record<string, string>) => ({
      rejected: new Response(JSON.stringify({ detail: 'rate limit exceeded' }), {
        status: 429,
        headers: { 'content-type': 'application/json', ...headers },
      }),
    });
    if (days > this.#options.maxSpanDays) return rateLimited({ 'X-Terra-RateLimit-Rule': 'r1' });
    const now = this.#now();
    const limit = this.#options.daysPerHour;
    const spent = (this.#spent.get(userId) ?? []).filter((entry) => entry.at > now - HOUR_MS);
    const used = spent.reduce((sum, entry) => sum + entry.days, 0);
    if (used + days > limit) {
      // Wait until enough of the oldest requests leave the hour.
      let freed = used;
      let wait = 0;
      for (const entry of spent) {
        freed -= entry.days;
        wait = entry.at + HOUR_MS - now;
        if (freed + days <= limit) break;
      }
      return rateLimited({
        'X-Terra-RateLimit-Rule': 'r2',
        'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))),
        'X-Terra-RateLimit-Limit': String(limit),
        'X-Terra-RateLimit-Remaining': String(Math.max(0, limit - used)),
      });
    }
    spent.push({ at: now, days });
    this.#spent.set(userId, spent);
    const resetAfter = Math.ceil(((spent[0]?.at ?? now) + HOUR_MS - now) / 1000);
    return {
      headers: {
        'X-Terra-RateLimit-Limit': String(limit),
        'X-Terra-RateLimit-Remaining': String(limit - used - days),
        'X-Terra-RateLimit-Reset-After': String(resetAfter),
      },
    };
  }

  async #page(request: Request, flowId: string): Promise<Response> {
    const flow = this.#flows.get(flowId);
    const html = (status: number, title: string, body: string) =>
      new Response(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
          '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}' +
          'button{display:block;width:100%;margin:.4rem 0;padding:.7rem;font-size:1rem;cursor:pointer}</style></head>' +
          `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Terra sandbox: no real account is connected.</small></p></body></html>`,
        { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    if (!flow || flow.expiresAt < this.#now())
      return html(404, 'Session not found', '<p>This link has expired or does not exist.</p>');
    if (flow.done) return html(410, 'Already used', '<p>This link has already been used.</p>');
    if (request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      let result: FlowResult;
      try {
        result = this.completeFlow(flowId, {
          provider: form.get('provider') ?? undefined,
          cancel: form.get('action') === 'cancel',
        });
      } catch (error) {
        return html(400, 'Cannot connect', `<p>${escapeHtml((error as Error).message)}</p>`);
      }
      if (result.redirect) return new Response(null, { status: 303, headers: { location: result.redirect } });
      return result.user
        ? html(200, 'Connected', `<p>Your ${escapeHtml(result.user.provider ?? '')} account is connected.</p>`)
        : html(200, 'Not connected', '<p>You refused access; nothing was connected.</p>');
    }
    const picked = flow.kind === 'direct' ? flow.providers[0] : new URL(request.url).searchParams.get('provider');
    if (!picked) {
      // The widget: the person picks a provider, then authorizes it on the next page.
      const choices = flow.providers
        .map((p) => `<button name="provider" value="${escapeHtml(p)}">${escapeHtml(PROVIDERS[p]?.name ?? p)}</button>`)
        .join('');
      const cancel = `<form method="post"><input type="hidden" name="provider" value="${escapeHtml(flow.providers[0] ?? '')}"><button name="action" value="cancel">Cancel</button></form>`;
      return html(
        200,
        'Connect a device',
        `<p>Choose the device or app to connect.</p><form method="get">${choices}</form>${cancel}`,
      );
    }
    const provider = picked.toUpperCase();
    if (!flow.providers.includes(provider)) {
      return html(400, 'Cannot connect', `<p>Pick one of ${escapeHtml(flow.providers.join(', '))}.</p>`);
    }
    // The provider's consent screen.
    const name = escapeHtml(PROVIDERS[provider]?.name ?? provider);
    const scopes = escapeHtml(PROVIDERS[provider]?.scopes ?? '');
    return html(
      200,
      `Authorize ${name}`,
      `<p>Allow this app to read your ${name} data through Terra (scopes: ${scopes})?</p>` +
        `<form method="post"><input type="hidden" name="provider" value="${escapeHtml(provider)}">` +
        '<button name="action" value="authorize">Authorize</button><button name="action" value="cancel">Deny</button></form>',
    );
  }
}

/**
 * An id no other run repeats: trace ids and request references. A sandbox started again with the same
 * seed makes the same users and data, but must never send a trace id a receiver has already
 * recorded, or the receiver's deduplication would drop the new delivery.
 */
function uniqueId(): string {
  return globalThis.crypto.randomUUID();
}

/** A query date: unix seconds or `YYYY-MM-DD` (00:00 UTC). */
function parseDate(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
  }
  return undefined;
}

function withQuery(target: string, params: Record<string, string | null>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.href;
}
