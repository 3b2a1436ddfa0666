/**
 * Inspecting and replaying deliveries: `store.deliveries()`, `store.delivery()`, `store.replay()`,
 * `store.recover()` and `store.deliveryHealth()`, with their argument checks.
 * @internal
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../../errors.js';
import { optionsOf, parseArguments, wholeNumber } from '../../internal/options.js';
import { checkId } from '../arguments.js';
import type { Runner } from '../database.js';
import { iso } from '../params.js';
import {
  RECOVER_DELIVERIES,
  REPLAY_DELIVERY,
  SELECT_DELIVERIES,
  SELECT_DELIVERY,
  SELECT_HEALTH_GAPS,
  SELECT_REPLAYABLE,
} from './sql.js';

import {
  DELIVERY_STATUSES,
  type DeliveryHealthGap,
  type DeliveryListOptions,
  type DeliveryRow,
  type DeliveryStatus,
  type RecoverOptions,
} from './types.js';

const statusSchema = z.custom<DeliveryStatus | readonly DeliveryStatus[]>(
  (value) =>
    (typeof value === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(value)) ||
    (Array.isArray(value) &&
      value.length > 0 &&
      value.every((s) => typeof s === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(s))),
  { error: `status must be one of ${DELIVERY_STATUSES.join(', ')}, or a non-empty array of them` },
);
const date = (name: string) =>
  z.custom<Date>((value) => value instanceof Date && Number.isFinite(value.getTime()), {
    error: `${name} must be a valid Date`,
  });

const listOptions = optionsOf<DeliveryListOptions>()(() => ({
  status: z.optional(statusSchema),
  type: z.optional(
    z.custom<string>((v) => typeof v === 'string' && v.length > 0 && v.length <= 64, {
      error: 'type must be an event type (a non-empty string of at most 64 characters)',
    }),
  ),
  since: z.optional(date('since')),
  until: z.optional(date('until')),
  limit: z.optional(wholeNumber('limit', 1, 10_000)),
}));

const recoverOptions = optionsOf<RecoverOptions>()(() => ({
  since: z.optional(date('since')),
  until: z.optional(date('until')),
  status: z.optional(statusSchema),
}));

const healthOptions = optionsOf<{ hours?: number | undefined }>()(() => ({
  hours: z.optional(wholeNumber('hours', 1, 24 * 366)),
}));

const statuses = (status: DeliveryStatus | readonly DeliveryStatus[] | undefined): string[] | null =>
  status === undefined ? null : typeof status === 'string' ? [status] : [...status];

const dateOf = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));

/** A row of `DELIVERY_COLUMNS` as a {@link DeliveryRow}. */
export function toDeliveryRow(raw: unknown): DeliveryRow {
  const row = raw as Record<string, unknown>;
  const code = row.last_error_code;
  return {
    traceId: String(row.trace_id),
    type: String(row.event_type),
    terraUserId: typeof row.terra_user_id === 'string' ? row.terra_user_id : null,
    status: String(row.status) as DeliveryStatus,
    attempts: Number(row.attempts ?? 0),
    lastError:
      typeof code === 'string'
        ? { code, message: typeof row.last_error_message === 'string' ? row.last_error_message : '' }
        : null,
    receivedAt: dateOf(row.received_at) as Date,
    handledAt: dateOf(row.handled_at),
    runAfter: dateOf(row.run_after),
    durable: row.durable === true,
    hasBody: row.has_body === true,
    reference: typeof row.reference === 'string' ? row.reference : null,
  };
}

/** `store.deliveries()`. */
export async function listDeliveries(runner: Runner, options: unknown): Promise<DeliveryRow[]> {
  const o = parseArguments(listOptions, options, 'deliveries options');
  const rows = await runner.query(SELECT_DELIVERIES, [
    statuses(o.status),
    o.type ?? null,
    o.since === undefined ? null : o.since.toISOString(),
    o.until === undefined ? null : o.until.toISOString(),
    o.limit ?? 100,
  ]);
  return rows.map(toDeliveryRow);
}

/** `store.delivery()`: one delivery, or `undefined`. */
export async function getDelivery(runner: Runner, traceId: unknown): Promise<DeliveryRow | undefined> {
  const id = checkId(traceId, 'traceId', 1024);
  const [row] = await runner.query(SELECT_DELIVERY, [id]);
  return row === undefined ? undefined : toDeliveryRow(row);
}

/**
 * `store.replay()`: queues one delivery again, whatever its status.
 * @throws {@link TerraInvalidArgumentError} when no such delivery is recorded, or its body is not kept.
 */
export async function replayDelivery(runner: Runner, traceId: unknown): Promise<void> {
  const id = checkId(traceId, 'traceId', 1024);
  if ((await runner.query(REPLAY_DELIVERY, [id])).length > 0) return;
  const [known] = (await runner.query(SELECT_REPLAYABLE, [id])) as { status: unknown }[];
  throw new TerraInvalidArgumentError(
    'traceId',
    known === undefined
      ? 'No delivery with this trace id is recorded.'
      : known.status === null
        ? 'This delivery was received by a handler without durable: true, so its body was not kept and it cannot be replayed.'
        : 'The body of this delivery is no longer kept (retainBodiesMs passed after it was handled), so it cannot be replayed.',
  );
}

/** `store.recover()`: how many deliveries were queued again. */
export async function recoverDeliveries(runner: Runner, options: unknown): Promise<number> {
  const o = parseArguments(recoverOptions, options, 'recover options');
  const rows = await runner.query(RECOVER_DELIVERIES, [
    statuses(o.status) ?? ['failed', 'dead'],
    o.since === undefined ? null : o.since.toISOString(),
    o.until === undefined ? null : o.until.toISOString(),
  ]);
  return rows.length;
}

/** `store.deliveryHealth()`: hours, within the last `hours` (default 24), where Terra sent more than arrived. */
export async function deliveryHealth(runner: Runner, options: unknown): Promise<DeliveryHealthGap[]> {
  const o = parseArguments(healthOptions, options, 'deliveryHealth options');
  const since = iso(Date.now() - (o.hours ?? 24) * 3_600_000);
  const rows = (await runner.query(SELECT_HEALTH_GAPS, [since])) as Record<string, unknown>[];
  return rows.map((row) => {
    const sent = Number(row.sent);
    const received = Number(row.received);
    return { checkedAt: dateOf(row.checked_at) as Date, sent, received, missing: sent - received };
  });
}
