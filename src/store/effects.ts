/**
 * Each event's effect on the connections table, worked out without the database: which connections
 * it writes, with which values, and which large request it advances. Whether a write may overwrite
 * what a row holds is the order guard's (`order-guard.ts`); the statements are in `sql.ts`. Reads
 * every field defensively: real deliveries leave out fields the spec requires and send `null` where
 * it says a string.
 * @internal
 */
import { TerraInvalidArgumentError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { DATA_EVENT_TYPES as REGISTERED_DATA_EVENT_TYPES } from '../models/event-registry.js';
import { parseScopes } from '../models/scopes.js';
import { orderingTime } from './order-guard.js';
import type { ConnectionStatus } from './rows.js';

/** Lifecycle state a lifecycle event sets, as a whole (gated by `last_event_at`). */
export interface LifecycleWrite {
  status: ConnectionStatus;
  disconnectedAt: number | null;
  replacedBy: string | null;
  lastError: string | null;
}

/** One connection row to upsert. Times are unix milliseconds. */
export interface ConnectionWrite {
  terraUserId: string;
  provider: string | null;
  referenceId: string | null;
  /** The event's ordering timestamp, or its time of receipt. */
  at: number;
  lifecycle: LifecycleWrite | null;
  /** Set by events that make the connection (auth, the new side of a reauth). */
  connectedAt: number | null;
  /** Set by data events. */
  lastSync: number | null;
  /** A full scope list (auth) or a delta (permission_change), or nothing. */
  scopes: { full: string[] } | { added: string[]; removed: string[] } | null;
}

/** A large request this delivery announces or advances. */
export interface LargeRequestWrite {
  reference: string;
  terraUserId: string | null;
  kind: 'announce' | 'payload' | 'processing';
  /** `announce`: the expected number of payloads, when usable. */
  expected: number | null;
  /**
   * `payload`: which chunk it is, from its `terra-reference` (`{reference}:chunk:{n}` gives
   * `chunk:{n}`), so that a chunk counts once whatever trace id it comes with; null when the
   * reference names no chunk (then the delivery's trace id is all that keeps it from counting twice).
   */
  chunk: string | null;
}

/** Everything one event does. */
export interface Plan {
  eventType: string;
  terraUserId: string | null;
  writes: ConnectionWrite[];
  largeRequest: LargeRequestWrite | null;
}

/** The delivery a store applies an event for, after checking. */
export interface CheckedDelivery {
  traceId: string | null;
  /** The request's reference: the `terra-reference` before any `:chunk:{n}`. */
  reference: string | null;
  /** What follows the request's reference in `terra-reference` (`chunk:{n}`), or null. */
  chunk: string | null;
  orderingTimestamp: number | null;
}

/** Event types whose deliveries carry data records for one connection (from the event registry). */
export const DATA_EVENT_TYPES: ReadonlySet<string> = new Set(REGISTERED_DATA_EVENT_TYPES);

/** `status` words of an `auth` event that mean no connection was made. */
const AUTH_FAILED = new Set(['error', 'failed', 'failure', 'cancelled', 'canceled', 'denied']);

/** The longest id the tables hold (`VARCHAR(255)`). */
export const MAX_ID = 255;
const MAX_PROVIDER = 50;
const MAX_ERROR_MESSAGE = 1000;
const MAX_EVENT_TYPE = 64;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or null for anything else (including Terra's literal "null"). */
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'null' ? null : trimmed;
}

/** A surrogate not in a pair: UTF-8 has no form for it, so the driver would write U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NUL = String.fromCharCode(0);

/** Whether PostgreSQL can hold `value` as text exactly as given (no NUL, no unpaired surrogate). @internal */
export function storable(value: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !value.includes(NUL) && !LONE_SURROGATE.test(value);
}

/** `value` with what PostgreSQL cannot hold replaced by U+FFFD: for free text, never for ids. */
export function cleaned(value: string): string {
  return storable(value) ? value : value.split(NUL).join('\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/** An id or name as the tables hold it: refused when too long, or holding what PostgreSQL cannot store. */
export function limited(value: string | null, max: number, where: string, argument = 'event'): string | null {
  if (value !== null && value.length > max)
    throw new TerraInvalidArgumentError(
      argument,
      `${where} is ${value.length} characters long; the connections table holds at most ${max}.`,
    );
  if (value !== null && !storable(value))
    throw new TerraInvalidArgumentError(
      argument,
      `${where} holds a NUL character or an unpaired surrogate, which PostgreSQL cannot store as text.`,
    );
  return value;
}

/** The `user` object of an event, required: its `user_id` identifies the connection. */
function requireUser(event: Json, key: 'user' | 'new_user', type: string): Json {
  const user = event[key];
  if (!isObject(user) || text(user.user_id) === null) {
    throw new TerraInvalidArgumentError(
      'event',
      `A ${type} event needs ${key}.user_id (a non-empty string) to say which connection it is about; got ${
        isObject(user) ? `${key}.user_id as ${describeKind(user.user_id)}` : `${key} as ${describeKind(user)}`
      }.`,
    );
  }
  return user;
}

interface Identity {
  terraUserId: string;
  provider: string | null;
  referenceId: string | null;
}

function identity(user: Json, key: string, fallbackReference: string | null = null): Identity {
  return {
    terraUserId: limited(text(user.user_id), MAX_ID, `${key}.user_id`) as string,
    provider: limited(text(user.provider), MAX_PROVIDER, `${key}.provider`),
    referenceId: limited(text(user.reference_id) ?? fallbackReference, MAX_ID, `${key}.reference_id`),
  };
}

/** The scopes a user object lists, or null when it lists none (absent or null: unknown, not empty). */
function fullScopes(user: Json): { full: string[] } | null {
  const scopes = user.scopes;
  if (typeof scopes === 'string' || (Array.isArray(scopes) && scopes.every((s) => typeof s === 'string')))
    return { full: parseScopes(scopes as string | string[]).map(cleaned) };
  return null;
}

function write(
  who: Identity,
  at: number,
  fields: Partial<Omit<ConnectionWrite, keyof Identity | 'at'>>,
): ConnectionWrite {
  // Written out rather than spread: every write then has one shape, and this runs per delivery.
  return {
    terraUserId: who.terraUserId,
    provider: who.provider,
    referenceId: who.referenceId,
    at,
    lifecycle: fields.lifecycle ?? null,
    connectedAt: fields.connectedAt ?? null,
    lastSync: fields.lastSync ?? null,
    scopes: fields.scopes ?? null,
  };
}

/** The part of a `terra-reference` before the first ':' (chunks are `{reference}:chunk:{n}`). */
export function baseReference(reference: string): string {
  const colon = reference.indexOf(':');
  return colon === -1 ? reference : reference.slice(0, colon);
}

/** The part of a `terra-reference` after the first ':' (`chunk:{n}`), or null when there is none. */
export function chunkOf(reference: string): string | null {
  const colon = reference.indexOf(':');
  const chunk = colon === -1 ? '' : reference.slice(colon + 1).trim();
  return chunk === '' ? null : chunk;
}

/**
 * Works out what `event` does. `receivedAt` stands in for a missing ordering timestamp.
 * @throws {@link TerraInvalidArgumentError} for a value that is not an event, or an event whose
 *   identifying field is missing.
 */
export function planEvent(event: unknown, delivery: CheckedDelivery, receivedAt: number): Plan {
  if (!isObject(event) || typeof event.type !== 'string' || event.type === '') {
    throw new TerraInvalidArgumentError(
      'event',
      `event must be a parsed webhook event (an object with a string \`type\`, as parseEvent returns); got ${
        isObject(event) ? `an object whose type is ${describeKind(event.type)}` : describeKind(event)
      }.`,
    );
  }
  const type = event.type;
  const at = orderingTime(delivery.orderingTimestamp, receivedAt);
  const receivedType = type === 'unknown' && typeof event.receivedType === 'string' ? event.receivedType : type;
  const plan: Plan = {
    eventType: cleaned(receivedType.slice(0, MAX_EVENT_TYPE)),
    terraUserId: null,
    writes: [],
    largeRequest: null,
  };
  const status = typeof event.status === 'string' ? event.status.trim().toLowerCase() : '';

  const lifecycle = (user: Json, key: string, state: LifecycleWrite, extra: Partial<ConnectionWrite> = {}) => {
    const who = identity(user, key, key === 'user' && type === 'auth' ? text(event.reference_id) : null);
    plan.terraUserId ??= who.terraUserId;
    plan.writes.push(write(who, at, { lifecycle: state, ...extra }));
  };

  switch (type) {
    case 'auth': {
      if (AUTH_FAILED.has(status)) return plan; // the older failure shape: no connection was made
      const user = requireUser(event, 'user', type);
      lifecycle(
        user,
        'user',
        { status: 'active', disconnectedAt: null, replacedBy: null, lastError: null },
        { connectedAt: at, scopes: fullScopes(user) },
      );
      return plan;
    }
    case 'deauth':
    case 'access_revoked': {
      const user = requireUser(event, 'user', type);
      lifecycle(user, 'user', { status: 'disconnected', disconnectedAt: at, replacedBy: null, lastError: null });
      return plan;
    }
    case 'connection_error': {
      const user = requireUser(event, 'user', type);
      const given = text(event.message);
      const message = given === null ? 'connection_error' : cleaned(given.slice(0, MAX_ERROR_MESSAGE));
      lifecycle(user, 'user', {
        status: 'needs_reconnect',
        disconnectedAt: null,
        replacedBy: null,
        lastError: message,
      });
      return plan;
    }
    case 'user_reauth': {
      const fresh = requireUser(event, 'new_user', type);
      const newId = identity(fresh, 'new_user');
      lifecycle(
        fresh,
        'new_user',
        { status: 'active', disconnectedAt: null, replacedBy: null, lastError: null },
        { connectedAt: at, scopes: fullScopes(fresh) },
      );
      const old = event.old_user;
      if (isObject(old) && text(old.user_id) !== null && text(old.user_id) !== newId.terraUserId) {
        lifecycle(old, 'old_user', {
          status: 'disconnected',
          disconnectedAt: at,
          replacedBy: newId.terraUserId,
          lastError: null,
        });
      }
      // Lock rows in one order in every transaction, so two reauths never deadlock.
      plan.writes.sort((a, b) => (a.terraUserId < b.terraUserId ? -1 : a.terraUserId > b.terraUserId ? 1 : 0));
      return plan;
    }
    case 'permission_change': {
      const user = requireUser(event, 'user', type);
      const who = identity(user, 'user');
      plan.terraUserId = who.terraUserId;
      const added = parseScopes(typeof event.scopes_added === 'string' ? event.scopes_added : null).map(cleaned);
      const removed = parseScopes(typeof event.scopes_removed === 'string' ? event.scopes_removed : null).map(cleaned);
      plan.writes.push(write(who, at, { scopes: added.length + removed.length > 0 ? { added, removed } : null }));
      return plan;
    }
    case 'large_request_sending':
    case 'large_request_processing': {
      const user = isObject(event.user) ? event.user : {};
      const terraUserId = limited(text(user.user_id), MAX_ID, 'user.user_id');
      plan.terraUserId = terraUserId;
      const own = text(event.reference);
      const reference = own === null ? delivery.reference : limited(baseReference(own), MAX_ID, 'reference');
      if (reference === null) return plan;
      const expected = event.expected_payloads;
      plan.largeRequest = {
        reference,
        terraUserId,
        kind: type === 'large_request_sending' ? 'announce' : 'processing',
        expected: typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0 ? expected : null,
        chunk: null,
      };
      return plan;
    }
    default: {
      if (!DATA_EVENT_TYPES.has(type)) return plan; // no effect on connections: recorded as a delivery only
      const user = requireUser(event, 'user', type);
      const who = identity(user, 'user');
      plan.terraUserId = who.terraUserId;
      plan.writes.push(write(who, at, { lastSync: at }));
      if (delivery.reference !== null)
        plan.largeRequest = {
          reference: delivery.reference,
          terraUserId: who.terraUserId,
          kind: 'payload',
          expected: null,
          chunk: delivery.chunk,
        };
      return plan;
    }
  }
}
