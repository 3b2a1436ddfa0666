/**
 * The store's options and arguments, checked by the one options checker (`internal/options.ts`):
 * each failure is a typed error naming the argument and what to pass, and an unknown option is
 * refused with a "did you mean" hint. Messages say what kind of value came, never the value.
 * @internal
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../errors.js';
import { DAY_MS } from '../internal/dates.js';
import { describeKind } from '../internal/describe.js';
import { flag, lazy, optionsOf, parseArguments, parseConfig, wholeNumber } from '../internal/options.js';
import { type ConnectionStoreDatabase, databaseProblem } from './database.js';
import { baseReference, type CheckedDelivery, chunkOf, limited, MAX_ID, storable } from './effects.js';
import type { ConnectionListOptions, ConnectionStore, ConnectionStoreOptions } from './types.js';

/** The longest page of `activeConnections` and `needingReconnect`. */
const MAX_LIST = 10_000;
/** The longest trace id or reference a delivery may carry (`terra_deliveries` stores them as TEXT). */
const MAX_TRACE_ID = 1024;
const MAX_PROVIDER = 50;
const MAX_EXPECTED = 1_000_000;
/** The longest `timeoutMs`: Terra gives up on a delivery long before ten minutes. */
const MAX_TIMEOUT_MS = 600_000;
/**
 * The latest ordering timestamp PostgreSQL reads back as written: 9999-12-31T23:59:59.999Z. Later
 * times need a six-digit year, which `toISOString` writes with a sign PostgreSQL refuses.
 */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

type ExpectRequestOptions = NonNullable<Parameters<ConnectionStore['expectRequest']>[1]>;
type PruneOptions = NonNullable<Parameters<ConnectionStore['prune']>[0]>;

/** A field checked by `problem`, which returns the sentence to show or `undefined` when the value is fine. */
function checkedBy<T>(problem: (value: unknown) => string | undefined) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      const message = problem(value);
      if (message === undefined) return value as T;
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }),
  );
}

/** An id or reference: a non-empty string of at most `max` characters, trimmed. */
function id(name: string, max: number) {
  return z.pipe(
    checkedBy<string>((value) =>
      typeof value !== 'string' || value.trim() === '' || value.length > max || !storable(value)
        ? `${name} must be a non-empty string of at most ${max} characters, without NUL or unpaired surrogates; got ${
            typeof value === 'string' ? `a string of ${value.length} characters` : describeKind(value)
          }.`
        : undefined,
    ),
    z.transform((value) => value.trim()),
  );
}

/** An age in milliseconds of at least `minimum`; `why` says where the minimum comes from. */
function age(name: string, minimum: number, why = '') {
  const message = `${name} must be a number of milliseconds, at least ${minimum}${why}`;
  return z
    .number({ error: message })
    .check(z.refine((value) => Number.isFinite(value) && value >= minimum, { error: message }));
}

/** A whole number from `min` to `max`, with the sentence `message`. */
function count(message: string, min: number, max: number) {
  return z
    .number({ error: message })
    .check(z.refine((value) => Number.isSafeInteger(value) && value >= min && value <= max, { error: message }));
}

const storeOptions = optionsOf<ConnectionStoreOptions>()(() => ({
  db: checkedBy<ConnectionStoreDatabase>(databaseProblem),
  retentionMs: z.optional(age('retentionMs', DAY_MS, ' (one day: Terra retries a delivery for about that long)')),
  autoPrune: z.optional(flag('autoPrune')),
  timeoutMs: z.optional(
    count(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`, 1, MAX_TIMEOUT_MS),
  ),
}));

/** Checks the options of `createConnectionStore`. @throws {@link TerraConfigurationError} */
export function checkStoreOptions(options: unknown): ConnectionStoreOptions {
  return parseConfig(storeOptions, options, 'createConnectionStore options');
}

const listOptions = optionsOf<ConnectionListOptions>()(() => ({
  provider: z.optional(id('provider', MAX_PROVIDER)),
  limit: z.optional(wholeNumber('limit', 1, MAX_LIST)),
  afterId: z.optional(count('afterId must be a row id (an integer, 0 or more)', 0, Number.MAX_SAFE_INTEGER)),
}));

/** Checks the options of `activeConnections` and `needingReconnect`. */
export function checkListOptions(
  options: unknown,
  method: string,
): { provider: string | null; limit: number | null; afterId: number } {
  const { provider, limit, afterId } = parseArguments(listOptions, options, `${method} options`);
  return { provider: provider ?? null, limit: limit ?? null, afterId: afterId ?? 0 };
}

const expectOptions = optionsOf<ExpectRequestOptions>()(() => ({
  expected: z.optional(
    count(`expected must be a whole number of payloads from 0 to ${MAX_EXPECTED}, or left out`, 0, MAX_EXPECTED),
  ),
  terraUserId: z.optional(id('terraUserId', MAX_ID)),
}));

/** Checks the options of `expectRequest`. */
export function checkExpectOptions(options: unknown): { expected: number | null; terraUserId: string | null } {
  const { expected, terraUserId } = parseArguments(expectOptions, options, 'expectRequest options');
  return { expected: expected ?? null, terraUserId: terraUserId ?? null };
}

const pruneOptions = optionsOf<PruneOptions>()(() => ({
  olderThanMs: z.optional(age('olderThanMs', 0)),
}));

/** Checks the options of `prune`. */
export function checkPruneOptions(options: unknown): PruneOptions {
  return parseArguments(pruneOptions, options, 'prune options');
}

/**
 * One schema per id argument, built on first use. An argument is checked as the one field of an
 * object so that `null` is reported as `null` (the checker reads a `null` argument as left out).
 */
const ids = new Map<string, z.ZodMiniType<Record<string, string>>>();

/** Checks an id or reference argument named `name`; resolves it trimmed. */
export function checkId(value: unknown, name: string, max = MAX_ID): string {
  const key = `${name}:${max}`;
  let schema = ids.get(key);
  if (schema === undefined) {
    schema = lazy(() => z.strictObject({ [name]: id(name, max) })) as z.ZodMiniType<Record<string, string>>;
    ids.set(key, schema);
  }
  return parseArguments(schema, { [name]: value }, name)[name] as string;
}

/** `delivery.<name>`: a non-empty string of at most `max` characters, or left out. */
function optionalText(value: unknown, name: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || !storable(value))
    throw new TerraInvalidArgumentError(
      'delivery',
      `delivery.${name} must be a non-empty string of at most ${max} characters${
        typeof value === 'string' && !storable(value) ? ', without NUL or unpaired surrogates' : ''
      }, or left out; got ${typeof value === 'string' ? `a string of ${value.length} characters` : describeKind(value)}.`,
    );
  return value.trim();
}

/**
 * Checks the delivery argument of `apply`: the headers it needs. Any object with them will do (a
 * `TerraWebhookResponse` has many more keys), so other keys are not refused, and every problem is
 * reported as `delivery`. A plain function rather than a schema: it runs once per delivery, on the
 * receivers' hot path.
 */
export function checkDelivery(delivery: unknown): CheckedDelivery {
  if (delivery === undefined || delivery === null)
    return { traceId: null, reference: null, chunk: null, orderingTimestamp: null };
  if (typeof delivery !== 'object')
    throw new TerraInvalidArgumentError(
      'delivery',
      `delivery must be an object { traceId, reference, orderingTimestamp } (a TerraWebhookResponse works); got ${describeKind(delivery)}.`,
    );
  const d = delivery as { traceId?: unknown; reference?: unknown; orderingTimestamp?: unknown };
  const ts = d.orderingTimestamp;
  // NaN is what a delivery holds for an X-Terra-Ordering-Timestamp header that is not a number.
  if (
    ts !== undefined &&
    ts !== null &&
    (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0 || ts > MAX_TIMESTAMP_MS)
  )
    throw new TerraInvalidArgumentError(
      'delivery',
      `delivery.orderingTimestamp must be unix milliseconds from 0 to ${MAX_TIMESTAMP_MS} (year 9999; X-Terra-Ordering-Timestamp as a number), or left out; got ${
        typeof ts === 'number' ? (Number.isNaN(ts) ? 'a header that is not a number' : String(ts)) : describeKind(ts)
      }.`,
    );
  const reference = optionalText(d.reference, 'reference', MAX_TRACE_ID);
  return {
    traceId: optionalText(d.traceId, 'traceId', MAX_TRACE_ID),
    reference: reference === null ? null : limited(baseReference(reference), MAX_ID, 'delivery.reference', 'delivery'),
    chunk:
      reference === null
        ? null
        : limited(chunkOf(reference), MAX_ID, 'delivery.reference after its first ":"', 'delivery'),
    orderingTimestamp: typeof ts === 'number' ? Math.trunc(ts) : null,
  };
}
