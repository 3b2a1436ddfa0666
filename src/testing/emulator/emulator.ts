/**
 * A Terra API emulator: Terra's endpoints and semantics over Web `Request`/`Response`, with users and
 * connections in memory and deterministic data. `terraHandlers` (msw, `terra-sdk/testing/msw`) and the
 * `terra-sdk sandbox` server (a local Terra on 127.0.0.1) are both this emulator.
 *
 * @packageDocumentation
 */

import { TerraConfigurationError, TerraInvalidArgumentError } from '../../errors.js';
import { flag, parseArguments, parseConfig } from '../../internal/options.js';
import type { TerraUser } from '../../models/index.js';
import { parseScopes } from '../../models/scopes.js';
import type { TerraDataType } from '../../response.js';
import { accessRevokedEvent, authEvent, deauthEvent, EVENT_VERSION, realisticEvent, reauthEvent } from '../events.js';
import { Random } from '../random.js';
import { authenticateUser, detailedProviders, flowPage, widgetSession } from './auth-api.js';
import { type EmulatorContext, type EmulatorState, type Route, uniqueId, utc } from './context.js';
import { hashSeed } from './data.js';
import { dataRequest } from './data-api.js';
import { type Json, ok, problem, readJson, withQuery } from './http.js';
import { LabReportsEmulator } from './lab-reports.js';
import {
  type ConnectionSelector,
  connectionMessage,
  connectOptions,
  type EmulatorDelivery,
  emulatorOptions,
  type FlowResult,
  permissionChange,
  type TerraEmulatorOptions,
} from './options.js';
import { PROVIDERS, providerName } from './providers.js';
import { modifyUser, subscriptions, userInfo } from './users-api.js';
import { WorkoutsEmulator } from './workouts.js';
import { deleteWritten, writeData } from './writes-api.js';

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
  /** Users, flows, budgets and written ids, shared with the API areas (users, data, writes, auth). */
  readonly #s: EmulatorState;
  readonly #basePath: string;
  readonly #down = new Set<string>();
  readonly #workouts: WorkoutsEmulator;
  readonly #labReports: LabReportsEmulator;

  /** @throws {@link TerraConfigurationError} for an option of the wrong kind, naming it. */
  constructor(options: TerraEmulatorOptions = {}) {
    const { baseUrl, now, ...rest } = parseConfig(emulatorOptions, options, 'TerraEmulator options');
    const base = new URL(baseUrl);
    this.baseUrl = base.href.replace(/\/+$/, '');
    this.#basePath = base.pathname.replace(/\/+$/, '');
    const clock = now ?? Date.now;
    this.#s = {
      options: rest,
      origin: base.origin,
      users: new Map(),
      flows: new Map(),
      spent: new Map(),
      written: new Set(),
      failed: new Set(),
      random: new Random(hashSeed(rest.seed, 'ids')),
      now: () => clock(),
      emit: (event, reference, traceId) => this.#emit(event, reference, traceId),
      completeFlow: (flowId, flow) => this.completeFlow(flowId, flow),
    };
    const context: EmulatorContext = {
      now: this.#s.now,
      random: this.#s.random,
      user: (userId) => (userId === null ? undefined : this.#s.users.get(userId)),
      provider: (name) => PROVIDERS[name],
      isDown: (provider) => this.#down.has(provider),
      emit: (event, reference) => this.#emit(event, reference),
    };
    this.#workouts = new WorkoutsEmulator(context, rest.plannedWorkouts);
    this.#labReports = new LabReportsEmulator(context, { enabled: rest.labReports, stepMs: rest.labReportStepMs });
  }

  /**
   * Makes a provider fail (`down: true`) or work again: planning a workout for its users answers 424,
   * and deleting a workout planned there answers 207 (some plans kept) or 424, as Terra does when a
   * provider's API is out.
   */
  setProviderOutage(provider: string, down: boolean): void {
    const name = parseArguments(providerName, provider, 'provider');
    if (parseArguments(flag('down'), down, 'down')) this.#down.add(name);
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
    return [...this.#s.users.values()].map((user) => ({ ...user }));
  }

  /**
   * Connects a provider account as if the person had completed Terra's flow: creates the user and
   * sends `auth` (and `user_reauth` when it replaces a connection to the same provider under the same
   * reference id).
   */
  connect(options: { provider: string; referenceId?: string | null | undefined; widgetSessionId?: string }): TerraUser {
    const { provider, referenceId, widgetSessionId } = parseArguments(connectOptions, options, 'options');
    return { ...this.#connect(provider, referenceId, undefined, widgetSessionId) };
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
    this.#s.users.delete(user.user_id);
    this.#s.failed.delete(user.user_id);
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
    this.#s.failed.add(user.user_id);
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
    const candidates = [...this.#s.users.values()].filter(
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
    const flow = this.#s.flows.get(flowId);
    if (!flow || flow.done || flow.expiresAt < this.#s.now()) {
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
        ? await flowPage(this.#s, request, page[2] as string)
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
    const now = this.#s.now();
    const previous =
      referenceId === null
        ? undefined
        : [...this.#s.users.values()].find(
            (u) => u.provider === provider && u.reference_id === referenceId && u.active,
          );
    const user: TerraUser & { provider: string } = {
      user_id: promisedId ?? this.#s.random.uuid(),
      provider,
      reference_id: referenceId,
      scopes: PROVIDERS[provider]?.scopes ?? null,
      active: true,
      created_at: utc(now),
      last_webhook_update: null,
    };
    if (previous) {
      this.#s.users.delete(previous.user_id);
      this.#s.failed.delete(previous.user_id);
    }
    this.#s.users.set(user.user_id, user);
    this.#emit(authEvent(user, { widgetSessionId }));
    if (previous) this.#emit(reauthEvent(previous, user));
    return user;
  }

  #emit<E extends { type: string }>(event: E, reference?: string, traceId?: string): void {
    const payload = event as Json & { type: string };
    const orderingTimestamp = this.#s.now();
    for (const key of ['user', 'new_user']) {
      const user = payload[key] as TerraUser | undefined;
      const stored = user ? this.#s.users.get(user.user_id) : undefined;
      if (stored) {
        stored.last_webhook_update = utc(orderingTimestamp);
        payload[key] = { ...stored };
      }
    }
    const delivery: EmulatorDelivery = {
      payload: this.#s.options.realistic ? realisticEvent(payload) : payload,
      reference,
      traceId: traceId ?? uniqueId(),
      orderingTimestamp,
    };
    this.deliveries.push(delivery);
    this.#s.options.onEvent?.(delivery);
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
    const { apiKey: expectedKey, devId: expectedDev } = this.#s.options;
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
        return ok({ status: 'success', providers: detailedProviders(this.#s, query.get('sdk') === 'true') });
      case 'POST /auth/authenticateUser':
        return authenticateUser(this.#s, request, query, instance);
      case 'POST /auth/generateWidgetSession':
        return widgetSession(this.#s, request, instance);
      case 'POST /auth/generateAuthToken':
        return ok({ status: 'success', token: this.#s.random.uuid().replace(/-/g, ''), expires_in: 180 });
      case 'DELETE /auth/deauthenticateUser': {
        const user = this.#s.users.get(query.get('user_id') ?? '');
        if (!user) return problem(404, 'not found', instance, 'user not found');
        this.#s.users.delete(user.user_id);
        this.#emit(deauthEvent(user));
        return ok({ status: 'success' });
      }
      case 'GET /userInfo':
        return userInfo(this.#s, query, instance);
      case 'POST /bulkUserInfo': {
        const ids = await readJson(request);
        if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
          return problem(400, 'bad request', instance, 'the body must be a JSON array of user ids');
        }
        const users = ids.map((id) => this.#s.users.get(id)).filter((u) => u !== undefined);
        return users.length === 0 ? problem(404, 'not found', instance, 'no user found') : ok(users);
      }
      case 'GET /subscriptions':
        return subscriptions(this.#s, query, instance);
      case 'GET /activity':
      case 'GET /body':
      case 'GET /daily':
      case 'GET /sleep':
      case 'GET /nutrition':
      case 'GET /menstruation':
      case 'GET /athlete':
        return dataRequest(this.#s, path.slice(1) as TerraDataType, query, instance);
      case 'POST /activity':
      case 'POST /body':
      case 'POST /nutrition':
        return writeData(this.#s, path.slice(1) as TerraDataType, request, query, instance);
      case 'DELETE /body':
      case 'DELETE /nutrition':
        return deleteWritten(this.#s, path.slice(1) as 'body' | 'nutrition', request, query, instance);
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
      return modifyUser(this.#s, request, segments[1] as string, instance);
    }
    return (await this.#workouts.route(route)) ?? (await this.#labReports.route(route));
  }
}
