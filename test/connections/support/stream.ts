/**
 * Event streams for the ordering and concurrency tests: a script of steps (what happens to which
 * connection) turned into the deliveries Terra would send, each with its own trace id and a strictly
 * increasing ordering timestamp. The same steps always give the same deliveries.
 */
import type { ConnectionStoreDelivery } from '../../../src/store/connections.js';

export const STEP_KINDS = [
  'auth',
  'auth_failed',
  'auth_cancelled',
  'deauth',
  'access_revoked',
  'connection_error',
  'permission_change',
  'reauth',
  'data',
  'large_sending',
  'chunk',
  'unknown',
] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** One thing that happens; `a`, `b`, `c` pick the connection, the other party and the details. */
export interface Step {
  kind: StepKind;
  a: number;
  b: number;
  c: number;
}

export interface Delivery {
  event: Record<string, unknown> & { type: string };
  delivery: ConnectionStoreDelivery & { traceId: string; orderingTimestamp: number };
}

const USERS = 8;
const PROVIDERS = ['GARMIN', 'FITBIT', 'OURA', 'WHOOP'];
const SCOPES = ['activity', 'sleep', 'daily', 'body', 'nutrition'];
/** Every data event type: each advances `last_sync` (written out here, not read from the store). */
export const DATA_TYPES = [
  'activity',
  'body',
  'daily',
  'sleep',
  'nutrition',
  'menstruation',
  'athlete',
  'planned_workout',
  'hormone',
  'health_observation',
] as const;
const START = Date.UTC(2026, 6, 1);

function scopesOf(bits: number): string {
  return SCOPES.filter((_, i) => bits & (1 << i)).join(', ');
}

function user(index: number, c: number): Record<string, unknown> {
  const i = index % USERS;
  return {
    user_id: `u${i}`,
    // Real deliveries sometimes carry no provider; the store keeps the one it learnt.
    provider: c % 5 === 0 ? null : PROVIDERS[i % PROVIDERS.length],
    // A person moved to another reference id (modifyUser), now and then.
    reference_id: c % 11 === 0 ? `person-${(i + 1) % 3}` : `person-${i % 3}`,
    scopes: null,
    active: true,
  };
}

/** The deliveries of `steps`, in the order Terra emitted them. */
export function deliveriesOf(steps: readonly Step[], prefix = 'tr'): Delivery[] {
  const out: Delivery[] = [];
  const announced = new Set<string>();
  steps.forEach((step, i) => {
    const at = START + i * 1000;
    const who = user(step.a, step.c);
    const base = { traceId: `${prefix}-${i}`, orderingTimestamp: at };
    const push = (event: Delivery['event'], reference?: string) =>
      out.push({ event, delivery: reference ? { ...base, reference } : base });
    switch (step.kind) {
      case 'auth':
        push({
          type: 'auth',
          status: step.c % 7 === 0 ? 'authenticated' : 'success',
          user: { ...who, scopes: step.c % 9 === 0 ? null : scopesOf(step.b) },
          reference_id: step.c % 2 === 0 ? 'null' : who.reference_id,
        });
        break;
      case 'auth_failed':
        push({ type: 'auth', status: 'error', reason: 'access_denied', user: { ...who, active: false } });
        break;
      case 'auth_cancelled':
        push({ type: 'auth_cancelled', status: 'error', reference_id: who.reference_id });
        break;
      case 'deauth':
        push({ type: 'deauth', status: step.c % 3 === 0 ? 'deauthenticated' : 'success', user: who });
        break;
      case 'access_revoked':
        push({ type: 'access_revoked', status: 'warning', message: 'revoked', user: who });
        break;
      case 'connection_error':
        push({ type: 'connection_error', status: 'warning', message: `provider refused (${step.b % 4})`, user: who });
        break;
      case 'permission_change':
        push({
          type: 'permission_change',
          status: 'warning',
          user: who,
          scopes_added: step.c % 4 === 0 ? null : scopesOf(step.b),
          scopes_removed: scopesOf(step.c),
        });
        break;
      case 'reauth': {
        const fresh = user(step.b, step.c);
        const old = step.a % USERS === step.b % USERS || step.c % 6 === 0 ? null : who;
        push({
          type: 'user_reauth',
          status: 'warning',
          new_user: { ...fresh, scopes: step.c % 2 === 0 ? scopesOf(step.c) : null },
          old_user: old,
        });
        break;
      }
      case 'data':
        // A data delivery that is a chunk of large request LR-k is for that request's user, uk.
        if (step.c % 3 === 0)
          push(
            { type: DATA_TYPES[step.b % DATA_TYPES.length] as string, user: user(step.b % 3, step.c), data: [] },
            `LR-${step.b % 3}:chunk:${i}`,
          );
        else push({ type: DATA_TYPES[step.b % DATA_TYPES.length] as string, user: who, data: [] });
        break;
      case 'large_sending': {
        const reference = `LR-${step.b % 3}`;
        if (announced.has(reference)) break; // Terra announces a large request once
        announced.add(reference);
        push({
          type: 'large_request_sending',
          user: user(step.b % 3, step.c),
          reference,
          expected_payloads: step.c % 5,
        });
        break;
      }
      case 'chunk':
        push({ type: 'sleep', user: user(step.b % 3, step.c), data: [] }, `LR-${step.b % 3}:chunk:${step.c}`);
        break;
      case 'unknown':
        push({ type: 'route', user: who });
        break;
    }
  });
  return out;
}

/** A small deterministic PRNG (mulberry32), for shuffles made outside fast-check. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random steps, for the multi-process test. */
export function randomSteps(count: number, random: () => number): Step[] {
  const pick = (n: number) => Math.floor(random() * n);
  // Data is what Terra mostly sends; lifecycle events are rarer.
  const weighted: StepKind[] = [
    ...STEP_KINDS,
    'data',
    'data',
    'data',
    'data',
    'chunk',
    'auth',
    'permission_change',
    'deauth',
    'reauth',
  ];
  return Array.from({ length: count }, () => ({
    kind: weighted[pick(weighted.length)] as StepKind,
    a: pick(1000),
    b: pick(1000),
    c: pick(1000),
  }));
}

/** `deliveries` with a share of them repeated, all reordered. */
export function shuffledWithDuplicates(
  deliveries: readonly Delivery[],
  share: number,
  random: () => number,
): Delivery[] {
  const out = [...deliveries];
  const repeats = Math.round(deliveries.length * share);
  for (let i = 0; i < repeats; i++) out.push(deliveries[Math.floor(random() * deliveries.length)] as Delivery);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as Delivery, out[i] as Delivery];
  }
  return out;
}
