/**
 * `applyInOneStatement` builds a statement's text once per shape and then only collects values.
 * Whatever delivery comes first, a delivery's statement (text and values) is the one a cold build
 * gives it: checked for each kind of event, after deliveries of every kind, against a fresh copy
 * of the modules.
 */
import { describe, expect, it, vi } from 'vitest';

type Sql = typeof import('../../src/store/sql.js');
type Params = import('../../src/store/params.js').Params;
type Effects = typeof import('../../src/store/effects.js');
type Args = typeof import('../../src/store/arguments.js');
type DataApply = typeof import('../../src/store/data/apply.js');
type Keys = typeof import('../../src/store/data/keys.js');

interface Modules {
  sql: Sql;
  effects: Effects;
  args: Args;
  data: DataApply;
  keys: Keys;
}

/** A fresh copy of the modules, with nothing built yet. */
async function fresh(): Promise<Modules> {
  vi.resetModules();
  return {
    sql: await import('../../src/store/sql.js'),
    effects: await import('../../src/store/effects.js'),
    args: await import('../../src/store/arguments.js'),
    data: await import('../../src/store/data/apply.js'),
    keys: await import('../../src/store/data/keys.js'),
  };
}

const user = (n: number) => ({
  user_id: `user-${n}`,
  provider: n % 2 ? 'OURA' : 'GARMIN',
  reference_id: `person-${n}`,
});
const sleep = (n: number) => ({
  metadata: { summary_id: `s-${n}`, start_time: '2026-03-01T23:00:00+01:00', end_time: '2026-03-02T07:00:00+01:00' },
  data_enrichment: { sleep_score: n % 2 ? null : 70 + n },
});

/** Two deliveries of each kind: the first warms the shape, the second is checked. */
const kinds: Record<string, (n: number) => { event: Record<string, unknown>; traceId: string | null }> = {
  data: (n) => ({ event: { type: 'sleep', user: user(n), data: [sleep(n), sleep(n + 10)] }, traceId: `t-${n}` }),
  'data without a trace id': (n) => ({ event: { type: 'sleep', user: user(n), data: [sleep(n)] }, traceId: null }),
  auth: (n) => ({
    event: { type: 'auth', status: 'success', user: { ...user(n), scopes: 'sleep,daily' } },
    traceId: `a-${n}`,
  }),
  'auth without scopes': (n) => ({ event: { type: 'auth', status: 'success', user: user(n) }, traceId: `b-${n}` }),
  permission_change: (n) => ({
    event: { type: 'permission_change', status: 'warning', user: user(n), scopes_added: 'body', scopes_removed: '' },
    traceId: `p-${n}`,
  }),
  deauth: (n) => ({ event: { type: 'deauth', status: 'success', user: user(n) }, traceId: `d-${n}` }),
  'connection error': (n) => ({
    event: { type: 'connection_error', status: 'error', user: user(n), message: `token ${n} expired` },
    traceId: `e-${n}`,
  }),
  user_reauth: (n) => ({
    event: { type: 'user_reauth', status: 'success', old_user: user(n), new_user: user(n + 1) },
    traceId: `r-${n}`,
  }),
  'large request': (n) => ({
    event: { type: 'large_request_sending', user: user(n), reference: `ref-${n}`, expected_payloads: n + 2 },
    traceId: `l-${n}`,
  }),
};

function statementOf(
  m: Modules,
  make: ReturnType<(typeof kinds)[string]>,
  n: number,
  claim: 'insert' | 'counted' | 'mark',
) {
  const checked = m.args.checkDelivery({
    traceId: make.traceId ?? undefined,
    orderingTimestamp: Date.UTC(2026, 2, 2) + n * 1000,
  });
  const plan = m.effects.planEvent(make.event as never, checked, Date.UTC(2026, 2, 3));
  const rows = m.data.rowsOfWebhookEvent(make.event, new Set(['sleep']), Date.UTC(2026, 2, 2) + n, make.traceId);
  const extra = rows.length === 0 ? undefined : m.data.recordsWrite(rows, n % 2 === 0);
  const mark =
    claim === 'mark'
      ? Object.assign((params: Params) => `UPDATE x SET y = ${params.add(`m-${n}`, 'text')}`, {
          shape: 'test-mark',
        })
      : undefined;
  return m.sql.applyInOneStatement(plan, checked, extra, mark, claim === 'counted');
}

const CLAIMS = {
  insert: 'recorded, its row read',
  counted: 'recorded, its count read',
  mark: 'claimed by a durable worker',
};

describe('statements built once per shape', () => {
  for (const [name, make] of Object.entries(kinds))
    for (const claim of ['insert', 'counted', 'mark'] as const)
      it(`${name} (${CLAIMS[claim]}): as a cold build gives it`, async () => {
        const warm = await fresh();
        // Earlier deliveries of every kind, two of each (one of each parity, so both record shapes
        // are built): a shape shared by two kinds must give each its own statement.
        for (const other of Object.values(kinds)) {
          statementOf(warm, other(1), 1, claim);
          statementOf(warm, other(2), 2, claim);
        }
        const cached = statementOf(warm, make(4), 4, claim);
        const cold = statementOf(await fresh(), make(4), 4, claim);
        expect(cached.text).toBe(cold.text);
        expect(cached.values).toEqual(cold.values);
        expect(cached.counted).toBe(cold.counted);
        // Counted only when asked for, and then the text asks for no row back.
        if (claim !== 'counted') expect(cold.counted).toBe(false);
        if (cold.counted) expect(cold.text).not.toContain('RETURNING 1 AS fresh');
        const placeholders = new Set(cold.text.match(/\$\d+::/g));
        expect(cold.values.length).toBe(placeholders.size);
      });
});

describe('a counted statement', () => {
  it('is what a one-connection delivery gets when its count is read, and sends no row back', async () => {
    const m = await fresh();
    const counted = (name: string) => {
      const make = kinds[name];
      if (make === undefined) throw new Error(`no kind ${name}`);
      return statementOf(m, make(3), 3, 'counted').counted;
    };
    for (const name of ['data', 'auth', 'permission_change', 'deauth']) expect(counted(name)).toBe(true);
    // A large request's progress is read from its row; a reauth writes two connections in a transaction.
    expect(counted('large request')).toBe(false);
    expect(counted('user_reauth')).toBe(false);
  });
});
