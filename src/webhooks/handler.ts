/**
 * The typed dispatcher: one listener per event type, a fallback for the rest, and the settings every
 * framework adapter shares.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { readEnv } from '../internal/env.js';
import { callback, methods, milliseconds, optionsOf, parseConfig, secrets, wholeNumber } from '../internal/options.js';
import { driftLog, NO_DRIFT, type SchemaDrift } from '../models/drift.js';
import { type TerraWebhookResponse, verifyDelivery, verifyRequest, type WebhookDelivery } from './delivery.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DURABLE_ONLY_OPTIONS,
  type DurableOptions,
  type DurableWorker,
  durableOptionsShape,
  durableSettings,
} from './durable.js';
import {
  isKnownEventType,
  type TerraWebhookEvent,
  type TerraWebhookEventName,
  type TerraWebhookEventOf,
} from './events.js';
import type { HeadersLike } from './headers.js';
import { DEFAULT_LOG_LINES_PER_MINUTE, rateLimitedLogger } from './log.js';
import type { DurableWebhookStore } from './queue.js';
import type { SignatureEngine } from './signature/engines.js';
import type { ParsedHeader } from './signature/header.js';
import {
  checkHeaderBeforeBody,
  type ResolvedVerifyOptions,
  resolveTolerance,
  verifySettingsShape,
  type WebhookSecret,
} from './signature/verify.js';
import type { WebhookStore } from './store.js';

export { DEFAULT_LOG_LINES_PER_MINUTE, logLine, rateLimitedLogger } from './log.js';

/** Handles the events of one type. May be async; the adapters wait for it up to `deadlineMs`. */
export type WebhookListener<E extends TerraWebhookEvent = TerraWebhookEvent> = (
  event: E,
  delivery: WebhookDelivery,
) => unknown;

/** Where a delivery failed, for {@link WebhookErrorContext}. */
export type WebhookErrorPhase =
  /**
   * Refused before verification, to keep the receiver bounded: a body over `maxBodyBytes` (413), one
   * slower than `bodyDeadlineMs` (408), an upload broken off (400), or an overload (503): past
   * `maxLateListeners` listeners still running, `maxDeliveriesInFlight` deliveries or
   * `maxBytesInFlight` body bytes. The error is a `TerraWebhookRequestError`.
   */
  | 'receive'
  /**
   * Verification failed: answered 401 (500 if the body had already been consumed, a setup error). A
   * signature header that cannot verify whatever the body (missing, malformed, no usable `v1`, a
   * timestamp outside the tolerance) is answered before the body is read.
   */
  | 'verify'
  /** The verified body is not JSON: answered 400. */
  | 'body'
  /**
   * An identifying field of the event is broken (its `type`, `user.user_id`, the `data` array, ...):
   * answered 200, since a retry cannot help. Other differences from the schema are drift, reported to
   * `onDrift`, and the event is delivered.
   */
  | 'event'
  /** Your listener threw: answered 500 so Terra retries, or it failed after the deadline's 200. */
  | 'handler'
  /**
   * The `store` failed: applying the event (answered 503 with `Retry-After` when the store is down,
   * locked or slow, its error's `retryable` being `true`, else 500; Terra retries both; listeners not run), or
   * marking it handled after the listeners completed (answered 200: a retry would run them again).
   * An event the store refuses as unusable is answered 200, since a retry cannot help.
   */
  | 'store';

/** What {@link WebhookHandlerOptions.onError} is told about a failed delivery. */
export interface WebhookErrorContext {
  /** Where it failed. */
  phase: WebhookErrorPhase;
  /** The HTTP status the delivery was answered with. */
  status: number;
  /** True when your listener failed after the deadline, once Terra had its answer. */
  afterResponse: boolean;
  /** The verified delivery (body, delivery headers), unless verification failed. */
  webhook: TerraWebhookResponse | undefined;
  /**
   * The request's `X-Terra-Trace-Id`, even when verification failed (then it is only what the sender
   * claims), so a failure can be matched with Terra's delivery log.
   */
  traceId?: string | undefined;
  /** The event's JSON as Terra sent it, when the body is JSON: store it to replay it later. */
  json: unknown;
}

/** Receives every failed delivery, so none is lost silently. */
export type WebhookErrorListener = (error: unknown, context: WebhookErrorContext) => unknown;

/** What {@link WebhookHandlerOptions.onDrift} is told about a drifted delivery. */
export interface WebhookDriftContext {
  /** The event's `type` (`activity`, `deauth`, ...). */
  eventType: string;
  /** The verified delivery: its body, delivery headers and the same `drift`. */
  webhook: TerraWebhookResponse;
}

/**
 * Receives, once per delivery, the drift of an event that was delivered although it differs from its
 * schema: JSON paths and issue codes, never values.
 */
export type WebhookDriftListener = (drift: readonly SchemaDrift[], context: WebhookDriftContext) => unknown;

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions extends DurableOptions {
  /**
   * The signing secret of your Terra destination, or a list of secrets while you rotate them.
   * Defaults to the environment variable `TERRA_WEBHOOK_SECRET`.
   */
  secret?: WebhookSecret | undefined;
  /**
   * How far, in seconds, a signature's timestamp may be from now, either way. Default 300. `0` means
   * the same second; `Infinity` accepts any age (only for replaying stored deliveries).
   */
  toleranceSeconds?: number | undefined;
  /**
   * The old name of {@link WebhookHandlerOptions.toleranceSeconds}.
   * @deprecated Use `toleranceSeconds`; `tolerance` will be removed in 0.3.
   */
  tolerance?: number | undefined;
  /** The current time in milliseconds, for tests. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * How long, in milliseconds, an adapter waits for your listener before answering 200 anyway and
   * letting it finish in the background. Terra stops waiting after about 8 s and counts that as a
   * failure. Default 5000.
   */
  deadlineMs?: number | undefined;
  /**
   * Called for every delivery that failed: a request refused before verification, a bad signature,
   * a body that is not JSON, an event that breaks its schema (with its JSON, since it was answered
   * 200 and will not come again), or a listener that threw. Without it, each failure is logged as one
   * line (phase, status, code, trace id, and the fix when the fault is in your setup, such as
   * `express.json()` reading the body first; no stack, no payload value), at most
   * {@link DEFAULT_LOG_LINES_PER_MINUTE} lines a minute, then one line counting those left out. Pass
   * your own to log more, or to your logger.
   */
  onError?: WebhookErrorListener | undefined;
  /**
   * The largest body accepted, in bytes, by every adapter: a larger `Content-Length` is answered 413
   * before the body is read, and a body without one is cut off with a 413 as soon as it passes the
   * limit, so no more than this is ever held. Default {@link DEFAULT_MAX_BODY_BYTES} (50 MiB), above
   * Terra's largest data payloads.
   */
  maxBodyBytes?: number | undefined;
  /**
   * How long, in milliseconds, the body may take to arrive once the request has started: a slower
   * one is answered 408 and its connection closed, so slow uploads cannot hold connections open.
   * Terra stops waiting for an answer after about 8 s. Default {@link DEFAULT_BODY_DEADLINE_MS}.
   */
  bodyDeadlineMs?: number | undefined;
  /**
   * How many listeners may still be running after `deadlineMs` (answered 200, finishing in the
   * background) before new deliveries are refused with 503 and `Retry-After`, so Terra sends them
   * again later instead of this process piling up work without bound. Default
   * {@link DEFAULT_MAX_LATE_LISTENERS}.
   */
  maxLateListeners?: number | undefined;
  /**
   * How many deliveries this handler works on at once: from the moment one is admitted (its
   * signature header checked) until it is answered, or, for a listener still running after
   * `deadlineMs`, until that listener finishes. Past it, new deliveries are refused with 503 and
   * `Retry-After` before their body is read, so a burst is spread over Terra's retries instead of
   * being admitted whole. Default {@link DEFAULT_MAX_DELIVERIES_IN_FLIGHT}.
   */
  maxDeliveriesInFlight?: number | undefined;
  /**
   * How many body bytes this handler holds at once, across every delivery it is reading or
   * answering. A delivery whose `Content-Length` would take the total past it is refused with 503 and
   * `Retry-After` before its body is read; one without a `Content-Length` is cut off with the same
   * answer once it would. A delivery arriving while no other holds any bytes is always admitted (up
   * to `maxBodyBytes`), so a limit below `maxBodyBytes` cannot refuse a large delivery for good.
   * Default {@link DEFAULT_MAX_BYTES_IN_FLIGHT} (64 MiB).
   */
  maxBytesInFlight?: number | undefined;
  /**
   * A store to apply each verified event to before the listeners run, such as
   * `createConnectionStore({ db })` from `terra-sdk/connections`. It records the delivery's trace id in
   * the same transaction as the event's effect, so a delivery seen before and handled is answered 200
   * without running the listeners again, and one whose listeners failed runs them again without
   * applying the event twice. When the store fails, the delivery is answered 500 so Terra retries, or
   * 503 with `Retry-After` when the failure may pass by itself (its error's `retryable` is `true`:
   * the connection store's `TerraStoreError` for a timeout, a lost connection or a lock wait).
   */
  store?: WebhookStore | undefined;
  /**
   * Called once for every delivered event that differs from its schema beyond its identifying fields
   * (a field left out, a null, another kind of value), with where it differs: JSON paths and issue
   * codes, never values. The event still goes to its listener, with the same list as `delivery.drift`.
   * Defaults to one `console.warn` line per delivery naming the event type and the paths, at most ten
   * lines a minute.
   */
  onDrift?: WebhookDriftListener | undefined;
}

/** The default deadline for listeners, in milliseconds. */
export const DEFAULT_DEADLINE_MS = 5000;
/** The default largest body, in bytes: 50 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;
/** The default time a body may take to arrive, in milliseconds. */
export const DEFAULT_BODY_DEADLINE_MS = 10_000;
/** The default number of listeners that may still run after their deadline. */
export const DEFAULT_MAX_LATE_LISTENERS = 64;
/** The default number of deliveries a handler works on at once. */
export const DEFAULT_MAX_DELIVERIES_IN_FLIGHT = 256;
/** The default number of body bytes a handler holds at once, across its deliveries: 64 MiB. */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/** The default `onDrift`: one line per delivery, rate-limited, paths and codes only. */
function defaultOnDrift(now: () => number): WebhookDriftListener {
  const log = driftLog({ now, hint: 'see delivery.drift, or pass onDrift' });
  return (drift, context) => log(`a ${context.eventType} webhook`, drift);
}

const handlerOptions = optionsOf<WebhookHandlerOptions>()(() => ({
  secret: z.optional(secrets()),
  ...verifySettingsShape(),
  deadlineMs: z.optional(milliseconds('deadlineMs')),
  onError: z.optional(callback<WebhookErrorListener>('onError')),
  maxBodyBytes: z.optional(wholeNumber('maxBodyBytes', 1)),
  bodyDeadlineMs: z.optional(milliseconds('bodyDeadlineMs')),
  maxLateListeners: z.optional(wholeNumber('maxLateListeners', 0)),
  maxDeliveriesInFlight: z.optional(wholeNumber('maxDeliveriesInFlight', 1)),
  maxBytesInFlight: z.optional(wholeNumber('maxBytesInFlight', 1)),
  store: z.optional(methods<WebhookStore>('store', ['apply', 'markHandled'])),
  onDrift: z.optional(callback<WebhookDriftListener>('onDrift')),
  ...durableOptionsShape(),
}));

/**
 * Receives Terra webhooks: verifies each delivery, parses its event and calls the listener registered
 * for its type. Make one with {@link createWebhookHandler}, then mount it with a framework adapter
 * (`terra-sdk/express`, `terra-sdk/fastify`, `terra-sdk/hono`, `terra-sdk/next`, `terra-sdk/node`) or
 * {@link createFetchHandler}.
 *
 * The secret is kept in a private field: it does not show in `console.log`, `util.inspect` or
 * `JSON.stringify` of the handler.
 */
export class WebhookHandler {
  /** How long adapters wait for a listener before answering, in milliseconds. */
  readonly deadlineMs: number;
  /** The largest body the adapters accept, in bytes. */
  readonly maxBodyBytes: number;
  /** How long the adapters wait for a body to arrive, in milliseconds. */
  readonly bodyDeadlineMs: number;
  /** How many listeners may run past their deadline before deliveries are refused with 503. */
  readonly maxLateListeners: number;
  /** How many deliveries may be worked on at once before new ones are refused with 503. */
  readonly maxDeliveriesInFlight: number;
  /** How many body bytes may be held at once, across deliveries, before new ones are refused with 503. */
  readonly maxBytesInFlight: number;
  /** The store each event is applied to before the listeners run, when one was given. */
  readonly store: WebhookStore | undefined;
  readonly #verify: ResolvedVerifyOptions;
  readonly #listeners = new Map<string, WebhookListener<never>>();
  #fallback: WebhookListener | undefined;
  readonly #onError: WebhookErrorListener;
  readonly #onDrift: WebhookDriftListener;
  /** The durable worker, with `durable: true`. @internal */
  readonly durableWorker: DurableWorker | undefined;

  /** Use {@link createWebhookHandler}. */
  constructor(options: WebhookHandlerOptions = {}) {
    const given = parseConfig(handlerOptions, options, 'createWebhookHandler options');
    const secret =
      given.secret ?? parseConfig(z.optional(secrets()), readEnv('TERRA_WEBHOOK_SECRET'), 'TERRA_WEBHOOK_SECRET');
    if (secret === undefined) {
      throw new TerraConfigurationError(
        'secret',
        'No webhook signing secret: pass { secret } to createWebhookHandler or set TERRA_WEBHOOK_SECRET. It is the signing secret of your Terra destination (Terra dashboard, webhook settings).',
      );
    }
    const tolerance = resolveTolerance(given);
    if (typeof tolerance === 'string') throw new TerraConfigurationError('toleranceSeconds', tolerance);
    this.deadlineMs = given.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.maxBodyBytes = given.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.bodyDeadlineMs = given.bodyDeadlineMs ?? DEFAULT_BODY_DEADLINE_MS;
    this.maxLateListeners = given.maxLateListeners ?? DEFAULT_MAX_LATE_LISTENERS;
    this.maxDeliveriesInFlight = given.maxDeliveriesInFlight ?? DEFAULT_MAX_DELIVERIES_IN_FLIGHT;
    this.maxBytesInFlight = given.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT;
    this.#verify = { secrets: secret, toleranceSeconds: tolerance, now: given.now ?? Date.now };
    this.#onError = given.onError ?? rateLimitedLogger();
    this.store = given.store;
    this.#onDrift = given.onDrift ?? defaultOnDrift(this.#verify.now);
    this.durableWorker = this.#durable(given);
  }

  /** The durable worker when `durable: true`; refuses durable options without it. */
  #durable(given: WebhookHandlerOptions): DurableWorker | undefined {
    if (given.durable !== true) {
      const stray = DURABLE_ONLY_OPTIONS.find((name) => given[name] !== undefined);
      if (stray !== undefined)
        throw new TerraConfigurationError(
          stray,
          `${stray} applies to durable deliveries only: pass durable: true with it.`,
        );
      return undefined;
    }
    const queue = (given.store as Partial<DurableWebhookStore> | undefined)?.deliveryQueue;
    if (typeof queue !== 'object' || queue === null || typeof queue.startWorker !== 'function')
      throw new TerraConfigurationError(
        'store',
        'durable: true needs a store that keeps deliveries: pass store: createConnectionStore({ db }) from terra-sdk/connections (and call store.migrate() once).',
      );
    const stored = { ...this.#verify, toleranceSeconds: Number.POSITIVE_INFINITY };
    return queue.startWorker(
      {
        start: (event, delivery) => this.start(event, delivery),
        reportError: (error, context) => this.reportError(error, context),
        reportDrift: (drift, webhook) => this.reportDrift(drift, { eventType: String(webhook.eventType), webhook }),
        verifyStored: async (body, headers) => verifyDelivery(body, headers, stored),
      },
      durableSettings(given),
    );
  }

  /**
   * Stops the handler gracefully. With `durable: true`: stops claiming deliveries, waits up to
   * `timeoutMs` (default 10,000) for the listeners running in this process, then gives back every
   * lease it holds, so another receiver works them at once and a deploy strands nothing. Deliveries
   * that arrive after this are still recorded and answered 200, for other receivers to work.
   * Without `durable`, resolves at once.
   */
  async close(options: { timeoutMs?: number | undefined } = {}): Promise<void> {
    await this.durableWorker?.close(options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
  }

  /**
   * Registers the listener for one event type. The listener's `event` is typed for that type:
   * `.on('activity', (event) => event.data)` gets an `ActivityEvent`. `'unknown'` receives events of
   * types this SDK does not know.
   *
   * @throws {@link TerraInvalidArgumentError} if the type already has a listener, is not an event type
   *   this SDK knows, or `listener` is not a function.
   */
  on<T extends TerraWebhookEventName>(type: T, listener: WebhookListener<TerraWebhookEventOf<T>>): this {
    if (type !== 'unknown' && !isKnownEventType(type)) {
      throw new TerraInvalidArgumentError(
        'type',
        typeof type === 'string'
          ? `"${type}" is not an event type this SDK knows. Check the spelling; for types added after this version, use .on('unknown', ...) or .onUnhandled(...).`
          : `The event type must be a string; got ${describeKind(type)}.`,
      );
    }
    if (typeof listener !== 'function') {
      throw new TerraInvalidArgumentError(
        'listener',
        `The listener must be a function; got ${describeKind(listener)}.`,
      );
    }
    if (this.#listeners.has(type)) {
      throw new TerraInvalidArgumentError(
        'type',
        `A listener for "${type}" is already registered. Register one listener per type and call your functions from it.`,
      );
    }
    this.#listeners.set(type, listener as WebhookListener<never>);
    return this;
  }

  /**
   * Registers the listener for every event no `.on` listener handles, unknown types included.
   * Without one, such events are acknowledged (200) and dropped.
   *
   * @throws {@link TerraInvalidArgumentError} if a fallback is already registered, or `listener` is
   *   not a function.
   */
  onUnhandled(listener: WebhookListener): this {
    if (typeof listener !== 'function') {
      throw new TerraInvalidArgumentError(
        'listener',
        `The listener must be a function; got ${describeKind(listener)}.`,
      );
    }
    if (this.#fallback) {
      throw new TerraInvalidArgumentError('listener', 'A fallback listener is already registered.');
    }
    this.#fallback = listener;
    return this;
  }

  /**
   * Verifies a delivery with this handler's secret and returns it; the adapters call this.
   * @throws {@link TerraWebhookVerificationError} if it cannot be verified.
   */
  verify(request: Request): Promise<TerraWebhookResponse> {
    return verifyRequest(request, this.#verify);
  }

  /**
   * Checks what can be checked before the body is read (the signature header's form, a usable `v1`,
   * the timestamp's age) and returns the parsed header for {@link WebhookHandler.verifyBody}.
   * @throws {@link TerraWebhookVerificationError} if the delivery cannot verify whatever its body.
   * @internal
   */
  checkHeader(headers: HeadersLike): ParsedHeader {
    return checkHeaderBeforeBody(headers, this.#verify);
  }

  /**
   * Verifies a body already read, with its request headers; the adapters' hot path. Answers at once
   * when the engine does (node:crypto); throws or rejects when the delivery cannot be verified.
   * @internal
   */
  verifyBody(
    body: Uint8Array,
    headers: HeadersLike,
    engine?: SignatureEngine,
    checked?: ParsedHeader,
  ): TerraWebhookResponse | Promise<TerraWebhookResponse> {
    return verifyDelivery(body, headers, this.#verify, engine, checked);
  }

  /**
   * Calls the listener for the event's type (or the fallback) and returns what it returned, without
   * waiting: a listener that is not async is done when this returns.
   * @internal
   */
  start(event: TerraWebhookEvent, delivery: WebhookDelivery): unknown {
    const listener = (this.#listeners.get(event.type) as WebhookListener | undefined) ?? this.#fallback;
    return listener?.(event, delivery);
  }

  /**
   * Calls the listener registered for the event's type, or the fallback, and waits for it. Use it to
   * hand an event to your listeners yourself, such as the one inside an `s3_payload`.
   */
  async dispatch(event: TerraWebhookEvent, delivery?: WebhookDelivery): Promise<void> {
    const listener = (this.#listeners.get(event.type) as WebhookListener | undefined) ?? this.#fallback;
    await listener?.(
      event,
      delivery ?? { traceId: undefined, reference: undefined, orderingTimestamp: undefined, drift: NO_DRIFT },
    );
  }

  /**
   * Passes a failed delivery to `onError`. An error thrown by `onError` itself is logged, never
   * thrown. Returns once `onError` has finished.
   */
  async reportError(error: unknown, context: WebhookErrorContext): Promise<void> {
    try {
      await this.#onError(error, context);
    } catch (failure) {
      console.error('terra-sdk: the webhook onError listener threw', failure);
    }
  }

  /**
   * Passes the drift of a delivered event to `onDrift`; the adapters call this once per delivery
   * whose `drift` is not empty. An error thrown by `onDrift` is logged, never thrown.
   */
  async reportDrift(drift: readonly SchemaDrift[], context: WebhookDriftContext): Promise<void> {
    try {
      await this.#onDrift(drift, context);
    } catch (failure) {
      console.error('terra-sdk: the webhook onDrift listener threw', failure);
    }
  }
}

/**
 * Makes a {@link WebhookHandler}: register a listener per event type, then mount it with an adapter.
 *
 * @example
 * ```ts
 * import { createWebhookHandler } from 'terra-sdk/webhooks';
 *
 * const handler = createWebhookHandler({ secret: process.env.TERRA_WEBHOOK_SECRET })
 *   .on('activity', async (event, delivery) => {
 *     for (const activity of event.data) await save(activity.metadata.summary_id, activity, delivery.traceId);
 *   })
 *   .on('auth', (event) => (event.status === 'success' ? connect(event.user) : retryLater(event.reason)))
 *   .onUnhandled((event) => console.log('ignored', event.type));
 * ```
 * @throws {@link TerraConfigurationError} if there is no secret (option or `TERRA_WEBHOOK_SECRET`), or
 *   an option has the wrong kind of value.
 */
export function createWebhookHandler(options: WebhookHandlerOptions = {}): WebhookHandler {
  return new WebhookHandler(options);
}
