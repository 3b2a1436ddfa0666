/**
 * The identifying fields of Terra's payloads: what must hold for a payload to be delivered.
 *
 * Terra's spec is not the whole truth about what Terra sends (DESIGN §2): real deliveries leave out
 * fields it calls required, carry null where it allows none, and use other status words. The SDK
 * therefore splits every payload in two:
 *
 * - its **identifying fields**, which say what the payload is and whom it is about: the event's
 *   `type`; for an event about a connection, `user.user_id` (a reauth: `new_user.user_id`); for a
 *   data event, a `data` array of objects (an athlete event: an `athlete` object); for a lab-report
 *   event, `event_id`; for an `s3_payload`, its `url`. Without them the payload cannot be routed or
 *   attributed, so a broken identifying field is a `TerraValidationError`;
 * - **everything else**, which is best effort: a payload whose identifying fields hold is always
 *   delivered, typed, exactly as received, with where it differs from its schema listed as drift
 *   (JSON paths and issue codes, never values).
 *
 * This module is the one table of identifying fields, keyed by model name (an event's come from its
 * row of the event registry, `event-registry.ts`). The generator reads it too, and refuses an override (`OVERRIDES` in `scripts/generate-models.ts`) that would relax one.
 *
 * @internal
 * @packageDocumentation
 */

import { EVENT, EVENT_REGISTRY, type IdentifyingRule, type IdentifyingRules } from './event-registry.js';

export type { IdentifyingRule } from './event-registry.js';

type Rules = IdentifyingRules;

const COLLECTION: Rules = { data: 'records-if-present' };

/**
 * The identifying fields of each model, by model name: each event's from its row of the event
 * registry, and the shapes that are no event type of their own. A model not listed has none but its
 * root.
 */
export const IDENTIFYING_FIELDS: Readonly<Record<string, Rules>> = {
  WebhookEvent: EVENT,
  // The older shape of a failed `auth`, picked by `status` rather than by `type`.
  LegacyAuthErrorEvent: EVENT,
  ...Object.fromEntries(Object.values(EVENT_REGISTRY).map((row) => [row.model, row.identifying])),
  ActivityCollection: COLLECTION,
  BodyCollection: COLLECTION,
  DailyCollection: COLLECTION,
  MenstruationCollection: COLLECTION,
  NutritionCollection: COLLECTION,
  SleepCollection: COLLECTION,
  AthleteCollection: { athlete: 'object' },
  TerraUser: { user_id: 'id' },
};

/** Whether `field` is an identifying field of `model`. */
export function isIdentifyingField(model: string, field: string): boolean {
  return Object.hasOwn(IDENTIFYING_FIELDS, model) && Object.hasOwn(IDENTIFYING_FIELDS[model] as Rules, field);
}

/** A broken identifying field, in the shape of a zod issue (turned into words by the parser). */
export interface BrokenField {
  /** `invalid_type` (missing or the wrong kind) or `too_small` (an empty id). */
  readonly code: 'invalid_type' | 'too_small';
  /** Where, from the root of the payload. */
  readonly path: readonly (string | number)[];
  /** `invalid_type`: the kind expected. */
  readonly expected?: 'object' | 'array' | 'string';
  /** `invalid_type`: what was found (for its kind only; never shown). */
  readonly input?: unknown;
  /** `too_small`: the least length. */
  readonly minimum?: number;
  /** `too_small`: what was too short. */
  readonly origin?: 'string';
}

/** The rules of each model as a list, made once: this check runs on every delivery. */
const RULE_LISTS: ReadonlyMap<string, readonly (readonly [string, IdentifyingRule])[]> = /* @__PURE__ */ new Map(
  Object.entries(IDENTIFYING_FIELDS).map(([model, rules]) => [model, Object.entries(rules)]),
);

/** At most this many broken records of one array are listed. */
const MAX_BROKEN_RECORDS = 5;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkId(value: unknown, path: readonly (string | number)[], out: BrokenField[]): void {
  if (typeof value !== 'string') out.push({ code: 'invalid_type', path, expected: 'string', input: value });
  else if (value === '') out.push({ code: 'too_small', path, minimum: 1, origin: 'string' });
}

function checkRecords(value: unknown, path: readonly (string | number)[], out: BrokenField[]): void {
  if (!Array.isArray(value)) {
    out.push({ code: 'invalid_type', path, expected: 'array', input: value });
    return;
  }
  let broken = 0;
  for (let i = 0; i < value.length && broken < MAX_BROKEN_RECORDS; i++) {
    if (isObject(value[i])) continue;
    out.push({ code: 'invalid_type', path: [...path, i], expected: 'object', input: value[i] });
    broken++;
  }
}

/**
 * The identifying fields of `value` that break the rules of `model`: empty when they all hold, or
 * when the model has no identifying fields.
 */
export function brokenIdentifyingFields(model: string | undefined, value: unknown): BrokenField[] {
  const rules = model !== undefined ? RULE_LISTS.get(model) : undefined;
  if (rules === undefined) return [];
  if (!isObject(value)) return [{ code: 'invalid_type', path: [], expected: 'object', input: value }];
  const out: BrokenField[] = [];
  for (const [field, rule] of rules) {
    const found = value[field];
    switch (rule) {
      case 'string':
        if (typeof found !== 'string')
          out.push({ code: 'invalid_type', path: [field], expected: 'string', input: found });
        break;
      case 'id':
        checkId(found, [field], out);
        break;
      case 'object':
        if (!isObject(found)) out.push({ code: 'invalid_type', path: [field], expected: 'object', input: found });
        break;
      case 'user':
        if (!isObject(found)) out.push({ code: 'invalid_type', path: [field], expected: 'object', input: found });
        else checkId(found.user_id, [field, 'user_id'], out);
        break;
      case 'records':
        checkRecords(found, [field], out);
        break;
      case 'records-if-present':
        if (found !== undefined) checkRecords(found, [field], out);
        break;
    }
  }
  return out;
}
