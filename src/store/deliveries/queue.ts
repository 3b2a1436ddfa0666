/**
 * The store's side of durable deliveries (`DeliveryQueue` of `webhooks/queue.ts`): recording a
 * delivery with its bytes, claiming due ones with leases, applying a claimed delivery's effect once,
 * and finishing, failing or releasing it.
 * @internal
 */
import type { WebhookDelivery } from '../../webhooks/delivery.js';
import type { TerraWebhookEvent } from '../../webhooks/events.js';
import type { ClaimedDelivery, DeliveryQueue, DeliveryToRecord } from '../../webhooks/queue.js';
import { type DataHooks, writeEffect } from '../apply.js';
import { checkDelivery } from '../arguments.js';
import { type Query, type Runner, type Statement, withRetry } from '../database.js';
import { baseReference, type Plan, planEvent } from '../effects.js';
import { iso, Params } from '../params.js';
import { applyInOneStatement, type ExtraWrite } from '../sql.js';
import { grouped } from './group.js';
import {
  CLAIM_DELIVERIES,
  COMPLETE_DELIVERIES,
  EXPIRE_BODIES,
  EXTEND_LEASES,
  FAIL_DELIVERY,
  markEffectApplied,
  RECORD_DELIVERIES,
  RECORD_HEALTH,
  RELEASE_DELIVERIES,
} from './sql.js';
import { DurableWorker } from './worker.js';

/** Terra's healthcheck timestamps carry no offset: they are UTC. */
function healthcheckTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

function toBytes(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

function toHeaders(value: unknown): Record<string, string> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const headers: Record<string, string> = {};
  if (typeof parsed === 'object' && parsed !== null)
    for (const [name, v] of Object.entries(parsed)) if (typeof v === 'string') headers[name] = v;
  return headers;
}

function toClaimed(raw: unknown): ClaimedDelivery {
  const row = raw as Record<string, unknown>;
  const received = row.received_at;
  return {
    traceId: String(row.trace_id),
    attempts: Number(row.attempts),
    body: toBytes(row.body),
    signature: typeof row.signature === 'string' ? row.signature : undefined,
    headers: toHeaders(row.headers),
    receivedAtMs: received instanceof Date ? received.getTime() : Date.parse(String(received)),
  };
}

type EffectResult = { applied: boolean; healthcheck?: { sent: number; received: number; checkedAtMs: number } };

/**
 * Records the effect of `event` once for the durable delivery `traceId`, all of it or none: with the
 * data store, its records too (an `s3_payload` downloaded first, outside any transaction).
 */
async function applyEffect(
  runner: Runner,
  received: TerraWebhookEvent,
  delivery: WebhookDelivery,
  traceId: string,
  hooks: DataHooks | undefined,
  together: (effect: GroupedEffect) => Promise<Record<string, unknown> | undefined>,
): Promise<EffectResult> {
  const event = (await hooks?.prepare(received)) ?? received;
  const checked = checkDelivery(delivery);
  const plan = planEvent(event, checked, Date.now());
  const extra = hooks?.extraWrites(event, checked);
  const mark = Object.assign((params: Params) => markEffectApplied(params, traceId), { shape: 'mark' });
  // A one-statement effect (all but a reauth's two connections) is group-committed with those of
  // other deliveries; a healthcheck reads its count back.
  let quick: Record<string, unknown> | undefined | null = null;
  if (event.type !== 'healthcheck' && plan.writes.length <= 1) {
    const { text, values } = applyInOneStatement(plan, checked, extra, mark);
    quick = await together({ text, values, key: plan.writes[0]?.terraUserId ?? '' });
  }
  const result =
    quick !== null
      ? { applied: quick !== undefined && Number(quick.fresh) > 0 }
      : await effectInTransaction(runner, event, plan, extra, mark);
  if (result.applied && hooks?.afterApplied !== undefined) await hooks.afterApplied(event);
  return result;
}

/** A one-statement effect, and the connection whose row it locks (batches lock in that order). */
interface GroupedEffect extends Statement {
  key: string;
}

/**
 * Effects of several deliveries in one transaction, in one round trip on node-postgres. Sorted by
 * connection, so that batches of different receivers lock rows in one order and never deadlock;
 * a batch that fails is run again one by one (`grouped`), so one bad delivery fails alone.
 */
async function effectsTogether(
  runner: Runner,
  batch: readonly GroupedEffect[],
): Promise<(Record<string, unknown> | undefined)[]> {
  const order = batch
    .map((_, i) => i)
    .sort((a, b) => {
      const x = (batch[a] as GroupedEffect).key;
      const y = (batch[b] as GroupedEffect).key;
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  const rows = await runner.batch(order.map((i) => batch[i] as GroupedEffect));
  const results = new Array<Record<string, unknown> | undefined>(batch.length);
  for (const [at, i] of order.entries()) results[i] = (rows[at] as Record<string, unknown>[] | undefined)?.[0];
  return results;
}

/** The effect of a delivery that cannot be one statement (a reauth's two connections, a healthcheck), in a transaction of its own. */
async function effectInTransaction(
  runner: Runner,
  event: TerraWebhookEvent,
  plan: Plan,
  extra: ExtraWrite | undefined,
  mark: (params: Params) => string,
): Promise<EffectResult> {
  return runner.transaction(async (q: Query): Promise<EffectResult> => {
    const claim = new Params();
    if ((await q(mark(claim), claim.values)).length === 0) return { applied: false };
    await writeEffect(q, plan, extra);
    if (event.type !== 'healthcheck') return { applied: true };
    const health = event as { sent_webhooks_last_hour?: unknown; creation_timestamp?: unknown };
    const sent = health.sent_webhooks_last_hour;
    const at = healthcheckTime(health.creation_timestamp);
    if (typeof sent !== 'number' || !Number.isSafeInteger(sent) || sent < 0 || at === undefined)
      return { applied: true };
    const [row] = (await q(RECORD_HEALTH, [iso(at), sent])) as { sent: number; received: number }[];
    return row === undefined
      ? { applied: true }
      : { applied: true, healthcheck: { sent: Number(row.sent), received: Number(row.received), checkedAtMs: at } };
  });
}

/** `parts` one after the other, in one array. */
function concatenated(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.byteLength;
  }
  return all;
}

/** The delivery queue on `runner`; with the data store's `hooks`, deliveries write data records too. */
export function deliveryQueue(runner: Runner, hooks?: DataHooks): DeliveryQueue {
  // Recording (before each 200) and marking handled (after each listener) are group-committed.
  const record = grouped(async (batch: readonly DeliveryToRecord[]) => {
    const column = <T>(of: (d: DeliveryToRecord) => T) => batch.map(of);
    const fresh = new Set(
      (
        (await withRetry(() =>
          runner.query(RECORD_DELIVERIES, [
            column((d) => d.traceId),
            column((d) => d.eventType.slice(0, 64)),
            column((d) => (d.terraUserId === undefined ? null : d.terraUserId.slice(0, 255))),
            column((d) =>
              d.headers['terra-reference'] === undefined ? null : baseReference(d.headers['terra-reference']),
            ),
            column((d) =>
              d.headers['x-terra-ordering-timestamp'] === undefined
                ? null
                : iso(Number(d.headers['x-terra-ordering-timestamp'])),
            ),
            concatenated(batch.map((d) => d.body)),
            column((d) => d.signature),
            column((d) => JSON.stringify(d.headers)),
            column((d) => d.leaseTo?.workerId ?? null),
            column((d) => d.leaseTo?.leaseMs ?? 0),
            column((d) => d.body.byteLength),
          ]),
        )) as { trace_id: string }[]
      ).map((row) => row.trace_id),
    );
    // A trace id twice in one batch is new once: the first of them.
    return batch.map((d) => fresh.delete(d.traceId));
  });
  const effects = grouped((batch: readonly GroupedEffect[]) => effectsTogether(runner, batch));
  const complete = grouped(async (batch: readonly { traceId: string; workerId: string; retainBodiesMs: number }[]) => {
    const done = new Set(
      (
        (await runner.query(COMPLETE_DELIVERIES, [
          batch.map((c) => c.traceId),
          batch.map((c) => c.workerId),
          batch.map((c) => c.retainBodiesMs),
        ])) as { trace_id: string }[]
      ).map((row) => row.trace_id),
    );
    return batch.map((c) => done.has(c.traceId));
  });
  const queue: DeliveryQueue = {
    startWorker: (host, settings) => new DurableWorker(queue, host, settings),
    record: (d: DeliveryToRecord) => record(d),
    claim: async (workerId, leaseMs, limit) =>
      (await withRetry(() => runner.query(CLAIM_DELIVERIES, [workerId, leaseMs, limit]))).map(toClaimed),
    extend: async (workerId, traceIds, leaseMs) => {
      if (traceIds.length > 0) await runner.query(EXTEND_LEASES, [workerId, traceIds, leaseMs]);
    },
    applyEffect: (event, delivery, traceId) => applyEffect(runner, event, delivery, traceId, hooks, effects),
    complete: (traceId, workerId, retainBodiesMs) => complete({ traceId, workerId, retainBodiesMs }),
    fail: async (traceId, workerId, f) =>
      (
        await runner.query(FAIL_DELIVERY, [
          traceId,
          workerId,
          f.code.slice(0, 64),
          f.message,
          Math.round(f.retryInMs),
          f.dead,
        ])
      ).length > 0,
    release: async (workerId, traceIds) =>
      (await runner.query(RELEASE_DELIVERIES, [workerId, traceIds === undefined ? null : [...traceIds]])).length,
    expireBodies: async (limit) => (await runner.query(EXPIRE_BODIES, [limit])).length,
  };
  return queue;
}
