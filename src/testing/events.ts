/**
 * The webhook bodies Terra sends about a connection, built in one place for the emulator (which sends
 * them as things happen) and for `fixtures.event` (which makes one on demand).
 * @internal
 * @packageDocumentation
 */

import { DATA_EVENT_TYPES, type DataEventType as RegistryDataEventType } from '../models/event-registry.js';
import type {
  AccessRevokedEvent,
  AuthSuccessEvent,
  DeauthEvent,
  LargeRequestProcessingEvent,
  LargeRequestSendingEvent,
  TerraUser,
  UserReauthEvent,
} from '../models/index.js';

/** The `version` Terra stamps on data and lifecycle events. */
export const EVENT_VERSION = '2022-03-16';

/**
 * The data types whose events carry a `data` array of records: the registry's data events but
 * `athlete`, which carries one `athlete` object.
 */
export type DataEventType = Exclude<RegistryDataEventType, 'athlete'>;

/** A connection succeeded. Terra also sends `reference_id` and `version`, which its schema leaves out. */
export function authEvent(
  user: TerraUser,
  options: { widgetSessionId?: string | undefined } = {},
): AuthSuccessEvent & { reference_id: string | null; version: string } {
  return {
    type: 'auth',
    status: 'success',
    message: 'User has successfully authenticated',
    user: { ...user },
    reference_id: user.reference_id ?? null,
    ...(options.widgetSessionId ? { widget_session_id: options.widgetSessionId } : {}),
    version: EVENT_VERSION,
  };
}

/** A connection was removed (`deauthenticateUser`, or by the person). */
export function deauthEvent(user: TerraUser): DeauthEvent {
  return { type: 'deauth', status: 'success', message: 'User has deauthenticated', user: { ...user, active: false } };
}

/** The person revoked access at the provider: the connection is gone. */
export function accessRevokedEvent(user: TerraUser): AccessRevokedEvent {
  return {
    type: 'access_revoked',
    status: 'warning',
    message: 'User revoked access to their data on the provider',
    user: { ...user },
  };
}

/** The same provider account connected again under the same reference id: a new user id replaces the old. */
export function reauthEvent(oldUser: TerraUser | null, newUser: TerraUser): UserReauthEvent {
  return {
    type: 'user_reauth',
    status: 'warning',
    message: 'User has reauthenticated and old ID has been deleted',
    old_user: oldUser ? { ...oldUser, active: false } : null,
    new_user: { ...newUser },
    version: EVENT_VERSION,
  };
}

/** A request over more than a month was accepted and is being gathered. */
export function largeRequestProcessingEvent(user: TerraUser, reference: string): LargeRequestProcessingEvent {
  return {
    type: 'large_request_processing',
    status: 'processing',
    message: 'Large request is processing',
    user: { ...user },
    reference,
  };
}

/** A large request is about to arrive in `expectedPayloads` chunks. */
export function largeRequestSendingEvent(
  user: TerraUser,
  reference: string,
  expectedPayloads: number,
): LargeRequestSendingEvent {
  return {
    type: 'large_request_sending',
    message: `Large request: sending ${expectedPayloads} payloads`,
    user: { ...user },
    reference,
    expected_payloads: expectedPayloads,
  };
}

/** Records of one data type for a user. */
export function dataEvent<T extends DataEventType, R>(
  type: T,
  user: TerraUser,
  data: R[],
): { type: T; user: TerraUser; data: R[]; version: string } {
  return { type, user: { ...user }, data, version: EVENT_VERSION };
}

/** Lifecycle events whose `message` real deliveries leave out. */
const WITHOUT_MESSAGE = new Set([
  'auth',
  'deauth',
  'user_reauth',
  'access_revoked',
  'permission_change',
  'large_request_processing',
  'large_request_sending',
]);

/** Events that carry data (records or a profile), from the event registry. */
const DATA_TYPES: ReadonlySet<string> = new Set(DATA_EVENT_TYPES);

/**
 * An event as real deliveries show it rather than as Terra's spec writes it (each change is seen in
 * the payloads of `test/corpus/`, or in Terra's own examples):
 *
 * - no `version` (Terra's dashboard test webhooks carry none);
 * - lifecycle events without `message`, except `connection_error`, which keeps its message and loses
 *   its `status` (the connection guide's examples);
 * - `auth` with `status: "authenticated"` and, for a user without a reference id, the top-level
 *   `reference_id` as the string `"null"`;
 * - `deauth` with `status: "deauthenticated"` and `user.provider: null` (a deauth in Terra's own test
 *   data);
 * - data events whose `user` has `reference_id: ""` when it has none, and `created_at: null` (Terra's
 *   dashboard test deliveries).
 *
 * The result is still valid against the SDK's schemas, whose types already allow all of this.
 */
export function realisticEvent<E extends { type: string }>(event: E): E {
  const out: Record<string, unknown> = { ...event };
  const user = typeof out.user === 'object' && out.user !== null ? { ...(out.user as TerraUser) } : undefined;
  delete out.version;
  if (WITHOUT_MESSAGE.has(event.type)) delete out.message;
  switch (event.type) {
    case 'auth':
      if (out.status === 'success') {
        out.status = 'authenticated';
        out.reference_id ??= 'null';
      }
      break;
    case 'deauth':
      out.status = 'deauthenticated';
      if (user) user.provider = null;
      break;
    case 'connection_error':
      delete out.status;
      break;
  }
  if (user && DATA_TYPES.has(event.type)) {
    user.reference_id ??= '';
    user.created_at = null;
  }
  if (user) out.user = user;
  return out as E;
}
