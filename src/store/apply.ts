/**
 * Applying a delivery, exactly once per trace id: its record and its effect (`effects.ts`) written
 * in one statement or one transaction; and marking its listeners done.
 * @internal
 */
import type { TerraWebhookEvent } from '../webhooks/events.js';
import { checkDelivery, checkId } from './arguments.js';
import { type Query, type Runner, withRetry } from './database.js';
import { type CheckedDelivery, type ConnectionWrite, type Plan, planEvent } from './effects.js';
import { progress } from './large-requests.js';
import { Params } from './params.js';
import { insertScopeFact, pruneScopeFacts, scopeFact } from './scopes.js';
import {
  applyInOneStatement,
  type ExtraWrite,
  insertDelivery,
  largeRequestStatement,
  MARK_FAILED,
  MARK_HANDLED,
  TAKE_OVER_DELIVERY,
  upsertConnection,
} from './sql.js';
import type { ApplyResult, ConnectionStoreDelivery, LargeRequestProgress } from './types.js';

/** What else a delivery writes, given the event and its checked delivery (the data store's records). */
export type ExtraWrites = (event: TerraWebhookEvent, delivery: CheckedDelivery) => ExtraWrite | undefined;

/**
 * What the data store adds to applying a delivery, however it arrives (`store.apply` or a durable
 * handler's worker): the event as it is applied (an `s3_payload` downloaded), its records written
 * with its effect, and what follows an applied delivery (the erasure of disconnected data).
 */
export interface DataHooks {
  /** The event to apply when it must be fetched first (an `s3_payload`); `undefined`: the event as it came. */
  prepare(event: TerraWebhookEvent): Promise<TerraWebhookEvent> | undefined;
  extraWrites: ExtraWrites;
  /** Absent when nothing follows (the store keeps disconnected data): one await fewer per delivery. */
  afterApplied?: ((event: TerraWebhookEvent) => Promise<void>) | undefined;
}

/** Records the scope fact of `write` (after its upsert computed the list) and prunes the facts it obsoletes. */
async function writeScopes(q: Query, write: ConnectionWrite): Promise<void> {
  if (write.scopes === null) return;
  const params = new Params();
  const fact = scopeFact(params, write);
  await q(`WITH p AS (${pruneScopeFacts(fact)})\n${insertScopeFact(fact)}`, params.values);
}

/**
 * Writes a planned delivery in one statement when its shape allows (at most one connection): its
 * record, then only if that is new, its effect. Resolves to whether it was new, with the statement's
 * row when it sends one back (a large request's progress), or to `null` when the delivery needs a
 * transaction of its own.
 */
async function writeQuickly(
  runner: Runner,
  plan: Plan,
  checked: CheckedDelivery,
  extra: ExtraWrite | undefined,
): Promise<{ fresh: boolean; row: Record<string, unknown> | undefined } | null> {
  if (plan.writes.length > 1) return null;
  const { text, values, counted } = applyInOneStatement(plan, checked, extra, undefined, runner.counts);
  if (counted) return { fresh: (await withRetry(() => runner.write(text, values))) > 0, row: undefined };
  const row = ((await withRetry(() => runner.query(text, values))) as Record<string, unknown>[])[0];
  return { fresh: row !== undefined && Number(row.fresh) > 0, row };
}

/** Applies `event` for `delivery` (see `ConnectionStore.apply`). */
export async function applyEvent(
  runner: Runner,
  event: TerraWebhookEvent,
  delivery: ConnectionStoreDelivery | undefined,
  extraWrites?: ExtraWrites,
): Promise<ApplyResult> {
  const checked = checkDelivery(delivery);
  const plan = planEvent(event, checked, Date.now());
  const extra = extraWrites?.(event, checked);
  const traceId = checked.traceId;
  const applied = (largeRequest: LargeRequestProgress | undefined): ApplyResult => ({
    status: 'applied',
    runListeners: true,
    deduplicated: traceId !== null,
    traceId: traceId ?? undefined,
    connections: plan.writes.map((w) => w.terraUserId),
    largeRequest,
  });
  const repeated = async (q: Query): Promise<ApplyResult> => {
    const [seen] = (await q(TAKE_OVER_DELIVERY, [traceId])) as {
      handled_at: unknown;
      status: unknown;
      taken: number;
    }[];
    const handled =
      seen !== undefined &&
      ((seen.handled_at !== null && seen.handled_at !== undefined) ||
        (seen.status !== null && seen.status !== undefined));
    const taken = seen !== undefined && Number(seen.taken) > 0;
    return {
      status: handled ? 'handled_before' : taken ? 'applied_before' : 'in_progress',
      runListeners: !handled && taken,
      deduplicated: true,
      traceId: traceId ?? undefined,
      connections: [],
      largeRequest: undefined,
    };
  };
  const quick = await writeQuickly(runner, plan, checked, extra);
  if (quick !== null) {
    if (!quick.fresh) return repeated(runner.query);
    const reference = quick.row?.reference;
    return applied(reference === undefined || reference === null ? undefined : progress(quick.row));
  }
  return runner.transaction(async (q): Promise<ApplyResult> => {
    if (traceId !== null) {
      const params = new Params();
      if ((await q(insertDelivery(params, plan, checked), params.values)).length === 0) return repeated(q);
    }
    return applied(await writeEffect(q, plan, extra));
  });
}

/**
 * A delivery's effect, statement by statement, inside the caller's transaction (after the statement
 * that claimed the delivery): its extra writes, each connection with its scopes, its large request.
 * Resolves to the large request's progress, when there is one. @internal
 */
export async function writeEffect(
  q: Query,
  plan: Plan,
  extra: ExtraWrite | undefined,
): Promise<LargeRequestProgress | undefined> {
  if (extra !== undefined) {
    const params = new Params();
    await q(extra(params, 'true'), params.values);
  }
  for (const write of plan.writes) {
    const params = new Params();
    await q(upsertConnection(params, write), params.values);
    await writeScopes(q, write);
  }
  if (plan.largeRequest === null) return undefined;
  const params = new Params();
  const [row] = await q(largeRequestStatement(params, plan.largeRequest), params.values);
  return progress(row);
}

/** Records that a delivery's listeners failed, so that a retry runs them at once. */
export async function markFailed(runner: Runner, traceId: unknown): Promise<boolean> {
  const id = checkId(traceId, 'traceId', 1024);
  return (await runner.query(MARK_FAILED, [id])).length > 0;
}

/** Records that a delivery's listeners completed; `false` when no such delivery is recorded. */
export async function markHandled(runner: Runner, traceId: unknown): Promise<boolean> {
  const id = checkId(traceId, 'traceId', 1024);
  return (await runner.query(MARK_HANDLED, [id])).length > 0;
}
