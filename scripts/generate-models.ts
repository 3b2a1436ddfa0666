/**
 * Model generator: turns Terra's JSON Schemas into `src/models/generated/`, one TypeScript module per
 * schema, each exporting an interface `Foo` and a lazily built zod schema `FooSchema`.
 *
 *   npm run generate                      write the modules
 *   npm run generate -- --check           exit 1 if the committed modules differ from what would be written
 *   npm run generate -- --spec <dir>      read the spec from <dir> (default: ../shared/terra-openapi)
 *   npm run generate -- --stats           also print where the field descriptions come from
 *
 * Inputs: every `schemas/*.yaml` file, plus, from `dist/v2-bundled.yaml`, the component schemas that
 * exist only in the bundle and the response and request bodies that the bundle declares inline on
 * its paths (named in `INLINE_SCHEMAS` below).
 *
 * Mapping rules (how each JSON-Schema construct becomes TypeScript and zod):
 * - schemas are written with `zod/mini`, zod 4's functional API: the same validation as `zod`, and a
 *   fraction of its bundle size, which matters for webhook handlers on edge runtimes;
 * - objects become `z.looseObject`, so fields Terra adds later are kept, never stripped or rejected;
 * - `anyOf`/`type` arrays with `null` become `z.nullable`, and a property that is also not required
 *   becomes `z.nullish`; a non-required, non-null property becomes `z.optional`;
 * - enums (`oneOf` of consts, `anyOf` of consts, `enum`) accept any value of their JSON type, and
 *   their types list the documented values plus `number & {}` or `string & {}`, so editors still
 *   offer the known ones; titled values also get a label map;
 * - `allOf` is flattened: the base's properties come first, the schema's own properties override them;
 * - `oneOf` of objects that share a `const` property becomes a discriminated union;
 * - `prefixItems` becomes a tuple that accepts extra items; `unevaluatedProperties` a record;
 * - self-referencing properties are written as getters, zod's way to express recursion;
 * - `format`, `minimum`, `maximum` and `integer` are recorded in the field's doc comment but not
 *   enforced: Terra relays provider data, and one provider's out-of-range value must not reject a
 *   whole payload. `minLength` (on identifiers) is enforced.
 *
 * What must hold for a payload to be delivered (DESIGN §2; docs/models.md says it for users). Terra's
 * spec is not the whole truth about what Terra sends: real deliveries leave out fields it calls
 * required (`version` on dashboard test webhooks), carry null where it allows none (`user.provider`
 * on a real deauth), and use other status words; and Terra does not send again an event that was
 * answered 200, so an event the SDK rejects is lost. The SDK splits every payload in two:
 *
 * - its identifying fields, which must hold or the payload is a `TerraValidationError`: an event's
 *   `type` (a string); `user.user_id` (a non-empty string) for an event about a connection, and
 *   `new_user.user_id` for a `user_reauth`; a `data` array of objects for a data event, an `athlete`
 *   object for an athlete event or answer; a non-empty `event_id` for a lab-report event; a non-empty
 *   `url` for an `s3_payload`; the `data` array (when present) of a data answer. The one table is
 *   `IDENTIFYING_FIELDS` in src/models/identifying.ts; this generator reads it and refuses any
 *   override that would relax one of those fields;
 * - everything else, best effort: a payload whose identifying fields hold is delivered, typed, as
 *   received, and where it differs from the generated schema is reported as drift (JSON paths and
 *   issue codes, never values) beside it, not as an error.
 *
 * Honest types. Drift that real traffic is known to show is not left to the drift report: the
 * generated types say what really arrives, in one place: {@link OVERRIDES}, a table of field-level
 * changes to the spec, each naming its evidence in {@link EVIDENCE}. An override makes a field
 * optional, nullable or an open string where real traffic shows it missing, null or worded
 * otherwise; makes it required where every successful answer carries it; or adds a field the schema
 * lacks. It changes the TypeScript type and the zod schema alike, and the field's doc comment says
 * what changed and why. A new piece of evidence (a payload in test/corpus/ that drifts) is a one-line
 * entry in the table.
 *
 * Documentation. Doc comments are the project's own words: descriptions and examples from the spec
 * are never copied. A field is explained by `FIELD_DOCS` in `model-docs.ts` when its name recurs or
 * hides a trap (timestamps, ids, scopes, codes whose 0 is a real value), else from its structure:
 * the model or enum it holds (linked), a time series of samples, the unit spelled out from its name,
 * or what kind of value it is. Every exported symbol gets one `@category` (its area of the API,
 * derived from which root models reach it; see {@link CATEGORIES}), so the API reference groups the
 * models by area. `--stats` prints how many descriptions come from each source.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { isIdentifyingField } from '../src/models/identifying.js';
import { FIELD_DOCS, type FieldContext, type FieldDoc, MODEL_DOCS, MODEL_NOUNS, TIMESTAMP } from './model-docs.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = { [key: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Response and request bodies that the bundle declares inline on a path, and the names they get.
 * Bodies that are a `$ref`, an array of a named model, or multipart are not listed.
 */
export const INLINE_SCHEMAS: Record<string, string[]> = {
  UserAuthUrl: ['/auth/authenticateUser', 'post', 'responses', '200'],
  AuthenticateUserParams: ['/auth/authenticateUser', 'post', 'requestBody'],
  WidgetSession: ['/auth/generateWidgetSession', 'post', 'responses', '200'],
  UserDeauthResp: ['/auth/deauthenticateUser', 'delete', 'responses', '200'],
  AuthToken: ['/auth/generateAuthToken', 'post', 'responses', '200'],
  UserInfo: ['/userInfo', 'get', 'responses', '200', 'oneOf', '0'],
  UsersResponse: ['/userInfo', 'get', 'responses', '200', 'oneOf', '1'],
  SubscribedUsers: ['/subscriptions', 'get', 'responses', '200', 'oneOf', '0'],
  SubscribedUsersPage: ['/subscriptions', 'get', 'responses', '200', 'oneOf', '1'],
  ProvidersResponse: ['/integrations', 'get', 'responses', '200'],
  ActivityCollection: ['/activity', 'get', 'responses', '200', 'oneOf', '0'],
  BodyCollection: ['/body', 'get', 'responses', '200', 'oneOf', '0'],
  DailyCollection: ['/daily', 'get', 'responses', '200', 'oneOf', '0'],
  MenstruationCollection: ['/menstruation', 'get', 'responses', '200', 'oneOf', '0'],
  NutritionCollection: ['/nutrition', 'get', 'responses', '200', 'oneOf', '0'],
  SleepCollection: ['/sleep', 'get', 'responses', '200', 'oneOf', '0'],
  CreateWorkoutResponse: ['/workouts', 'post', 'responses', '200'],
  DeleteWorkoutPartialResponse: ['/workouts/{workout_id}', 'delete', 'responses', '207'],
  PlanWorkoutParams: ['/workouts/{workout_id}/plan', 'post', 'requestBody'],
  PlanWorkoutResponse: ['/workouts/{workout_id}/plan', 'post', 'responses', '201'],
  ReschedulePlannedWorkoutParams: ['/plannedWorkouts/{planned_workout_id}', 'patch', 'requestBody'],
};

/** Labels for numeric enums whose values carry no `title` in the spec (meanings from the API notes). */
const SUPPLEMENTARY_LABELS: Record<string, Record<string, string>> = {
  TimestampLocalization: { '0': 'UTC', '1': 'Local' },
};

/**
 * Places where the spec's own prose contradicts its types. `PositionSample.coords_lat_lng_deg` is
 * typed as two numbers, but documented (and seen) with null coordinates.
 */
const NULLABLE_TUPLE_ITEMS = new Set(['PositionSample.coords_lat_lng_deg']);

// ---------------------------------------------------------------------------------------------
// Real traffic: where the types differ from the spec, and why

/**
 * The evidence behind {@link OVERRIDES}. `seen` is what real traffic (or Terra's own material) shows,
 * written for users: it goes into the doc comment of every field the entry changes. `source` says
 * where it was seen, for maintainers. Sources: the issue texts (9, 10), ../shared/docs/terra-api-facts.md,
 * and the corpus of real payloads under test/corpus/ (its manifest names, for each payload that differs
 * from the spec, the entry of {@link OVERRIDES} that covers it; test/corpus/DRIFT.md lists them).
 */
export const EVIDENCE = {
  successBody: {
    seen: 'Every successful answer carries it. An answer without it is Terra’s `{status: "error"}` body, which the client turns into an error before this model is read.',
    source: 'issue 9 (README snippets need `url`/`auth_url` typed as present); terra-api-facts §2.1 (200 bodies)',
  },
  dashboardTestVersion: {
    seen: 'Terra’s dashboard test webhooks carry no `version`.',
    source:
      'issue 10: real activity, body and sleep test deliveries without `version`; corpus: test/corpus/webhooks/sleep--cannes-eth--1.json',
  },
  sameEnvelopeVersion: {
    seen: 'Terra sends this event in the same envelope as the activity, body and sleep events whose test deliveries carry no `version`.',
    source:
      'issue 10 (seen on activity, body, sleep); relaxed alike for the other events that have `version`, pending the corpus',
  },
  guideNoMessage: {
    seen: 'Examples in Terra’s connection guide leave `message` out.',
    source:
      'issue 10 (the connection guide’s auth and deauth examples); corpus: test/corpus/webhooks/deauth--connection-guide--1.json',
  },
  guideStatusWords: {
    seen: 'Terra’s connection guide shows other words (`authenticated` on auth, `deauthenticated` on deauth) and a `connection_error` without any `status`.',
    source:
      'issue 10 (the connection guide’s example events); corpus: test/corpus/webhooks/{auth,deauth,connection_error}--connection-guide--1.json; DESIGN §2 keeps enum-like values open',
  },
  deauthProviderNull: {
    seen: 'A real `deauth` in Terra’s own JavaScript client test suite has `"provider": null`.',
    source: 'issue 10; corpus: test/corpus/webhooks/deauth--terra-client-js--2.json (terra-client-js test data)',
  },
  userOptional: {
    seen: 'Real payloads leave it out or send null.',
    source:
      'issue 10 lists user.reference_id, user.scopes and user.created_at; the spec agrees today and this entry pins it',
  },
  scopeDeltas: {
    seen: 'Terra’s scope strings may be null or empty, so these are read as best effort.',
    source:
      'terra-api-facts §3.2 and §5.10 (scope strings may be null, empty or padded); issue 10 (best effort beyond the identifying fields)',
  },
  expectedPayloads: {
    seen: 'It is a progress hint only; older Terra docs describe this event without it.',
    source: 'terra-api-facts §7 (`large_request_sending` meaning differs between sources); issue 10 (best effort)',
  },
  oldUser: {
    seen: 'Terra sends it only when the old connection is still known.',
    source:
      'terra-api-facts §3.2 and §7: the spec makes it nullable and optional (“when available”), Fern requires it; this pins the tolerant reading',
  },
  authReferenceId: {
    seen: 'Terra’s docs, the spec’s own example of this event and real deliveries carry a top-level `reference_id`, sometimes the string `"null"`.',
    source: 'terra-api-facts §3.2 and §7; issue 10; corpus: test/corpus/webhooks/auth--terra-docs--1.json',
  },
  authVersion: {
    seen: 'The spec’s own description and example of this event show a top-level `version` its schema does not declare.',
    source: 'terra-api-facts §3.2 and §7',
  },
  coercionWarningsList: {
    seen: 'Terra’s planned-workouts guide shows it as a list of `{path, message}` objects (a {@link CoercionWarning} each), where the spec declares a string; both are accepted.',
    source:
      'terra-api-facts §2.5 and §7 (tryterra/agent-skills terra-planned-workouts: “coercion_warnings is an array of {path, message}, not a string”); issue 12',
  },
  completionOnce: {
    seen: 'Terra’s workout docs make a block’s `completion_condition` optional: left out, the block is executed once. Its documented templates leave it out, where the spec requires it.',
    source:
      'issue 20 (Terra’s docs: “omitted: execute once”; its published workout templates, run through workouts.create and workouts.get, were refused by the required field)',
  },
} as const satisfies Record<string, { seen: string; source: string }>;

/** One change to a field of the spec, in {@link OVERRIDES}. */
export interface FieldOverride {
  /** `required`: always present; `optional`: real payloads may leave it out. */
  presence?: 'required' | 'optional';
  /** Real payloads carry `null`. */
  nullable?: true;
  /** A fixed word in the spec (a `const`): any string is accepted, the spec's word still offered. */
  open?: true;
  /** A field the spec's schema lacks: its JSON Schema (presence and null as the other keys say). */
  add?: JsonSchema;
  /**
   * The field's type as real traffic shows it, replacing the spec's (presence and null stay the
   * spec's unless the other keys say otherwise). Widen, never narrow: what the spec allows must
   * still parse.
   */
  type?: JsonSchema;
  /** Why: a key of {@link EVIDENCE}. */
  evidence: keyof typeof EVIDENCE;
}

const STRING: JsonSchema = { type: 'string' };

/** `coercion_warnings`: the spec's string, or the list of warnings Terra really sends. */
const COERCION_WARNINGS: JsonSchema = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { $ref: '#/components/schemas/CoercionWarning' } }],
};

/**
 * Schemas real traffic shows that the spec does not define, generated like the spec's own and named
 * by {@link OVERRIDES} entries. Each names its evidence.
 */
export const EXTRA_SCHEMAS: Record<string, { schema: JsonSchema; evidence: keyof typeof EVIDENCE }> = {
  CoercionWarning: {
    schema: {
      type: 'object',
      properties: { path: { type: 'string' }, message: { type: 'string' } },
    },
    evidence: 'coercionWarningsList',
  },
};

/**
 * Field-level overrides of the spec, keyed `Model.field`. One line per field; the generator fails on
 * an entry whose field does not exist (or, for `add`, already exists), and on any entry that would
 * relax an identifying field.
 */
export const OVERRIDES: Record<string, FieldOverride> = {
  // Required: a successful answer always carries these, so the parsed type says so.
  'WidgetSession.url': { presence: 'required', evidence: 'successBody' },
  'WidgetSession.session_id': { presence: 'required', evidence: 'successBody' },
  'UserAuthUrl.auth_url': { presence: 'required', evidence: 'successBody' },
  'UserAuthUrl.user_id': { presence: 'required', evidence: 'successBody' },
  'AuthToken.token': { presence: 'required', evidence: 'successBody' },

  // `version`: missing from real test deliveries.
  'ActivityEvent.version': { presence: 'optional', evidence: 'dashboardTestVersion' },
  'BodyEvent.version': { presence: 'optional', evidence: 'dashboardTestVersion' },
  'SleepEvent.version': { presence: 'optional', evidence: 'dashboardTestVersion' },
  'DailyEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'NutritionEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'MenstruationEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'AthleteEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'PlannedWorkoutEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'HormoneEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'HealthObservationEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'UserReauthEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },
  'PermissionChangeEvent.version': { presence: 'optional', evidence: 'sameEnvelopeVersion' },

  // `message` on lifecycle events: left out in the connection guide's examples.
  'DeauthEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'UserReauthEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'AccessRevokedEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'ConnectionErrorEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'PermissionChangeEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'LargeRequestProcessingEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },
  'LargeRequestSendingEvent.message': { presence: 'optional', evidence: 'guideNoMessage' },

  // `status` on events: an open string, optional and nullable (the base WebhookEvent's already is).
  'AuthSuccessEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'AuthErrorEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'DeauthEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'UserReauthEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'AccessRevokedEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'ConnectionErrorEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'PermissionChangeEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },
  'LargeRequestProcessingEvent.status': {
    presence: 'optional',
    nullable: true,
    open: true,
    evidence: 'guideStatusWords',
  },
  'S3PayloadEvent.status': { presence: 'optional', nullable: true, open: true, evidence: 'guideStatusWords' },

  // The user object of events and answers.
  'TerraUser.provider': { presence: 'optional', nullable: true, evidence: 'deauthProviderNull' },
  'TerraUser.reference_id': { presence: 'optional', nullable: true, evidence: 'userOptional' },
  'TerraUser.scopes': { presence: 'optional', nullable: true, evidence: 'userOptional' },
  'TerraUser.created_at': { presence: 'optional', nullable: true, evidence: 'userOptional' },

  // Other best-effort fields of lifecycle events.
  'PermissionChangeEvent.scopes_added': { presence: 'optional', nullable: true, evidence: 'scopeDeltas' },
  'PermissionChangeEvent.scopes_removed': { presence: 'optional', nullable: true, evidence: 'scopeDeltas' },
  'LargeRequestSendingEvent.expected_payloads': { presence: 'optional', evidence: 'expectedPayloads' },
  'UserReauthEvent.old_user': { presence: 'optional', nullable: true, evidence: 'oldUser' },

  // `coercion_warnings`: a list of {path, message} in practice, a string in the spec.
  'PlanWorkoutResponse.coercion_warnings': { type: COERCION_WARNINGS, evidence: 'coercionWarningsList' },
  'PlannedWorkout.coercion_warnings': { type: COERCION_WARNINGS, evidence: 'coercionWarningsList' },
  'PlannedWorkoutSummary.coercion_warnings': { type: COERCION_WARNINGS, evidence: 'coercionWarningsList' },

  // A block without a completion condition runs once (Terra's docs), as its own templates show.
  'StepBlock.completion_condition': { presence: 'optional', evidence: 'completionOnce' },

  // Fields real deliveries carry that the schema lacks.
  'AuthSuccessEvent.reference_id': { add: STRING, presence: 'optional', nullable: true, evidence: 'authReferenceId' },
  'AuthSuccessEvent.version': { add: STRING, presence: 'optional', evidence: 'authVersion' },
};

/**
 * Whether a field identifies a payload (DESIGN §2): the one table is `IDENTIFYING_FIELDS` in
 * `src/models/identifying.ts`, which the parser enforces at run time. These stay required.
 */
export { isIdentifyingField };

// ---------------------------------------------------------------------------------------------
// Categories: the area of the API each model belongs to

/** The `@category` of every generated symbol, in the order the API reference should list them. */
export const CATEGORIES = [
  'Activity',
  'Body',
  'Daily',
  'Sleep',
  'Nutrition',
  'Menstruation',
  'Athlete',
  'Health observations and hormones',
  'Planned workouts and workouts',
  'Lab reports',
  'Users',
  'Auth and widget',
  'Providers',
  'Events',
  'Requests',
  'Responses',
  'Shared',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Root models of each area. A schema reached (through `$ref`s) from the roots of one area only
 * belongs to that area; one reached from several areas is `Shared`.
 */
const AREA_ROOTS: Partial<Record<Category, string[]>> = {
  Activity: ['Activity'],
  Body: ['Body'],
  Daily: ['Daily'],
  Sleep: ['Sleep'],
  Nutrition: ['Nutrition'],
  Menstruation: ['Menstruation'],
  Athlete: ['Athlete'],
  'Health observations and hormones': ['HealthObservation', 'HormoneSample'],
  'Planned workouts and workouts': [
    'PlannedWorkout',
    'PlannedWorkoutSummary',
    'WorkoutTemplate',
    'CreateWorkoutResponse',
    'DeleteWorkoutPartialResponse',
    'PlanWorkoutResponse',
  ],
  'Lab reports': [
    'LabReportSession',
    'LabReportEventData',
    'LabReportFailureData',
    'LabReportListResponse',
    'LabReportUploadResponse',
    'LabReportDeliveriesResponse',
    'LabReportFilesResponse',
    'LabReportArtifactsResponse',
    'LabReportReprocessResponse',
  ],
  Users: ['TerraUser', 'UserInfo', 'UsersResponse', 'SubscribedUsers', 'SubscribedUsersPage', 'Connection'],
  'Auth and widget': ['UserAuthUrl', 'WidgetSession', 'AuthToken', 'UserDeauthResp'],
  Providers: ['ProvidersResponse', 'IntegrationsResponse'],
  Requests: ['AuthenticateUserParams', 'WidgetSessionParams', 'PlanWorkoutParams', 'ReschedulePlannedWorkoutParams'],
};

/**
 * Schemas placed by name, not by what they reach: the envelopes that hold the models of every area
 * (events and data answers would otherwise make everything `Shared`), and the schemas nothing uses.
 */
const PLACED: Record<string, Category> = {
  WebhookEvent: 'Events',
  WebhookEventType: 'Events',
  EventType: 'Events',
  LabReportWebhook: 'Events',
  ActivityCollection: 'Responses',
  BodyCollection: 'Responses',
  DailyCollection: 'Responses',
  SleepCollection: 'Responses',
  NutritionCollection: 'Responses',
  MenstruationCollection: 'Responses',
  AthleteCollection: 'Responses',
  DataSentToWebhook: 'Responses',
  Problem: 'Responses',
  // Not in the spec (EXTRA_SCHEMAS).
  CoercionWarning: 'Planned workouts and workouts',
  // Referenced by no other schema in this version of the spec.
  HeartRateZone: 'Shared',
  RecoveryLevel: 'Shared',
  StrokeType: 'Activity',
  HydrationLevelSample: 'Body',
};

// ---------------------------------------------------------------------------------------------
// Loading

export interface Unit {
  name: string;
  schema: JsonSchema;
  /** Where the schema comes from, for the header and for error messages. */
  source: string;
  /** How `$ref`s inside this schema are written. */
  refStyle: 'file' | 'bundle';
}

interface Options {
  spec: string;
  out: string;
  check: boolean;
  stats: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    spec: resolve(repoRoot, '../shared/terra-openapi'),
    out: resolve(repoRoot, 'src/models/generated'),
    check: false,
    stats: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--check') options.check = true;
    else if (arg === '--stats') options.stats = true;
    else if (arg === '--spec') options.spec = resolve(value());
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'Usage: generate-models [--spec <dir>] [--out <dir>] [--check] [--stats]\n' +
          '  --spec   folder holding schemas/ and dist/v2-bundled.yaml (default ../shared/terra-openapi)\n' +
          '  --out    output folder (default src/models/generated)\n' +
          '  --check  write nothing; exit 1 if the output folder differs from what would be written\n' +
          '  --stats  print where the field descriptions come from, and the category of each model\n',
      );
      process.exit(0);
    } else fail(`unknown option ${arg} (try --help)`);
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`generate-models: ${message}\n`);
  process.exit(2);
}

export function loadYaml(path: string): Json {
  // The YAML 1.2 core schema keeps unquoted timestamps such as 2022-03-16 as strings.
  return parseYaml(readFileSync(path, 'utf8'), { schema: 'core' }) as Json;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: Json, path: string[], what: string): JsonSchema {
  let node: Json | undefined = root;
  for (const key of path) {
    node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) throw new Error(`${what}: nothing at ${path.join('/')}`);
  return node;
}

/** The JSON body schema of a response or request body object. */
function bodySchema(node: JsonSchema, what: string): JsonSchema {
  const content = node.content;
  if (!isObject(content)) throw new Error(`${what}: no content`);
  const json = content['application/json'];
  if (!isObject(json) || !isObject(json.schema)) throw new Error(`${what}: no application/json schema`);
  return json.schema;
}

/** Structural form of a schema for comparisons: no prose, no examples, refs by name only. */
function normalized(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalized);
  if (!isObject(node)) return node;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(node).sort()) {
    if (['description', 'examples', 'example', 'title', '$schema', '$defs'].includes(key)) continue;
    const value = node[key] as Json;
    out[key] = key === '$ref' && typeof value === 'string' ? refName(value) : normalized(value);
  }
  return out;
}

function refName(ref: string): string {
  if (ref.startsWith('#/$defs/')) return ref.slice('#/$defs/'.length);
  if (ref.startsWith('#/components/schemas/')) return ref.slice('#/components/schemas/'.length);
  if (ref.endsWith('.yaml')) return ref.slice(ref.lastIndexOf('/') + 1, -'.yaml'.length);
  throw new Error(`unsupported $ref ${ref}`);
}

export interface Loaded {
  units: Map<string, Unit>;
  skippedAliases: string[];
  /** Where the bundle's paths use each schema, in words: `Sent as the JSON body of POST /workouts.` */
  usage: Map<string, string[]>;
}

export function loadSpec(specDir: string): Loaded {
  const schemasDir = join(specDir, 'schemas');
  const bundlePath = join(specDir, 'dist', 'v2-bundled.yaml');
  if (!existsSync(schemasDir) || !existsSync(bundlePath)) {
    fail(`no spec at ${specDir} (expected schemas/ and dist/v2-bundled.yaml); pass --spec <dir>`);
  }
  const units = new Map<string, Unit>();
  for (const file of readdirSync(schemasDir).sort()) {
    if (!file.endsWith('.yaml')) continue;
    const schema = loadYaml(join(schemasDir, file));
    if (!isObject(schema)) throw new Error(`schemas/${file} is not an object`);
    const name = file.slice(0, -'.yaml'.length);
    units.set(name, { name, schema, source: `schemas/${file}`, refStyle: 'file' });
  }

  const bundle = loadYaml(bundlePath);
  const components = at(bundle, ['components', 'schemas'], 'bundle');
  const skippedAliases: string[] = [];
  for (const [name, schema] of Object.entries(components)) {
    if (!isObject(schema)) continue;
    const shared = units.get(name);
    if (shared) {
      // The bundle repeats the schema files; a difference means the spec drifted and a human should look.
      const a = JSON.stringify(normalized(shared.schema));
      const b = JSON.stringify(normalized(schema));
      if (a !== b) throw new Error(`${name} differs between schemas/${name}.yaml and the bundle`);
      continue;
    }
    if (typeof schema.$ref === 'string' && Object.keys(schema).every((k) => k === '$ref' || k === 'description')) {
      skippedAliases.push(`${name} = ${refName(schema.$ref)}`);
      continue;
    }
    units.set(name, { name, schema, source: `dist/v2-bundled.yaml#/components/schemas/${name}`, refStyle: 'bundle' });
  }

  const paths = at(bundle, ['paths'], 'bundle');
  for (const [name, [path, method, ...rest]] of Object.entries(INLINE_SCHEMAS)) {
    if (path === undefined || method === undefined) throw new Error(`INLINE_SCHEMAS.${name} is malformed`);
    if (units.has(name)) throw new Error(`INLINE_SCHEMAS.${name} collides with a spec schema`);
    const operation = at(paths, [path, method], name);
    const [kind, status, ...inner] = rest;
    const holder =
      kind === 'requestBody' ? at(operation, ['requestBody'], name) : at(operation, [kind ?? '', status ?? ''], name);
    const schema = inner.length > 0 ? at(bodySchema(holder, name), inner, name) : bodySchema(holder, name);
    const pointer = [path, method, ...rest].join(' ');
    units.set(name, { name, schema, source: `dist/v2-bundled.yaml paths ${pointer}`, refStyle: 'bundle' });
  }
  for (const [name, extra] of Object.entries(EXTRA_SCHEMAS)) {
    if (units.has(name)) throw new Error(`EXTRA_SCHEMAS.${name} collides with a spec schema: remove the entry`);
    const source = `the generator's EXTRA_SCHEMAS (${EVIDENCE[extra.evidence].source.split(' (')[0]})`;
    units.set(name, { name, schema: extra.schema, source, refStyle: 'bundle' });
  }
  return { units, skippedAliases: skippedAliases.sort(), usage: apiUsage(paths) };
}

/** How each schema is used by the operations of the bundle: request bodies and 2xx answers. */
function apiUsage(paths: JsonSchema): Map<string, string[]> {
  const usage = new Map<string, string[]>();
  const add = (name: string, text: string) => {
    const list = usage.get(name) ?? [];
    if (!list.includes(text)) list.push(text);
    usage.set(name, list);
  };
  const inline = new Map(Object.entries(INLINE_SCHEMAS).map(([name, pointer]) => [pointer.join(' '), name]));
  for (const [path, operations] of Object.entries(paths)) {
    if (!isObject(operations)) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (!isObject(operation)) continue;
      const op = `\`${method.toUpperCase()} ${path}\``;
      const describe = (schema: Json | undefined, pointer: string[], whole: string, list: string, arm: string) => {
        if (!isObject(schema)) return;
        const named = inline.get(pointer.join(' '));
        if (named) add(named, whole);
        else if (typeof schema.$ref === 'string') add(refName(schema.$ref), whole);
        else if (isObject(schema.items) && typeof schema.items.$ref === 'string') add(refName(schema.items.$ref), list);
        const arms = schema.oneOf ?? schema.anyOf;
        if (Array.isArray(arms)) {
          arms.forEach((item, i) => {
            const armPointer = [...pointer, schema.oneOf ? 'oneOf' : 'anyOf', String(i)];
            const armName = inline.get(armPointer.join(' '));
            if (armName) add(armName, arm);
            else if (isObject(item) && typeof item.$ref === 'string') add(refName(item.$ref), arm);
            else if (isObject(item) && isObject(item.items) && typeof item.items.$ref === 'string') {
              add(refName(item.items.$ref), `${arm.replace(/\.$/, '')}, as a list.`);
            }
          });
        }
      };
      const body = isObject(operation.requestBody) ? operation.requestBody.content : undefined;
      if (isObject(body) && isObject(body['application/json'])) {
        describe(
          body['application/json'].schema,
          [path, method, 'requestBody'],
          `Sent as the JSON body of ${op}.`,
          `Sent as a list in the JSON body of ${op}.`,
          `One form of the JSON body of ${op}.`,
        );
      }
      const responses = isObject(operation.responses) ? operation.responses : {};
      for (const [status, response] of Object.entries(responses)) {
        if (!isObject(response) || !isObject(response.content)) continue;
        for (const [type, media] of Object.entries(response.content)) {
          if (!isObject(media) || !type.includes('json')) continue;
          const ok = status.startsWith('2');
          describe(
            media.schema,
            [path, method, 'responses', status],
            ok ? `Terra’s ${status} answer to ${op}.` : `Terra’s ${status} error answer to ${op}.`,
            `Terra answers ${op} (${status}) with a list of them.`,
            `One form of Terra’s ${status} answer to ${op}.`,
          );
        }
      }
    }
  }
  return usage;
}

// ---------------------------------------------------------------------------------------------
// Analysis

const NULL_SCHEMA = JSON.stringify({ type: 'null' });

/** Splits `anyOf: [X, {type: null}]` and `type: [X, 'null']` into X and a nullable flag. */
function splitNull(schema: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf)) {
    const arms = anyOf.filter((arm) => JSON.stringify(arm) !== NULL_SCHEMA);
    if (arms.length < anyOf.length) {
      const { anyOf: _drop, ...rest } = schema;
      if (arms.length === 1 && isObject(arms[0])) return { inner: { ...rest, ...arms[0] }, nullable: true };
      return { inner: { ...rest, anyOf: arms }, nullable: true };
    }
  }
  const type = schema.type;
  if (Array.isArray(type) && type.includes('null')) {
    const types = type.filter((t) => t !== 'null');
    return { inner: { ...schema, type: types.length === 1 ? (types[0] as Json) : types }, nullable: true };
  }
  return { inner: schema, nullable: false };
}

function constsOf(schema: JsonSchema): { values: (string | number)[]; titles: (string | undefined)[] } | undefined {
  const arms = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(arms) && arms.length > 0 && arms.every((arm) => isObject(arm) && 'const' in arm)) {
    const values = arms.map((arm) => (arm as JsonSchema).const);
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      return {
        values: values as (string | number)[],
        titles: arms.map((arm) => {
          const title = (arm as JsonSchema).title;
          return typeof title === 'string' ? title : undefined;
        }),
      };
    }
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum;
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      return { values: values as (string | number)[], titles: values.map(() => undefined) };
    }
  }
  return undefined;
}

/** Direct `$ref` targets of a schema. */
function refsOf(node: Json, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(refName(value));
      else if (key !== '$defs' && key !== 'examples' && key !== 'example') refsOf(value, out);
    }
  }
  return out;
}

/** The model a schema stands for: a `$ref`, or `{allOf: [$ref]}` with nothing else. */
function refTarget(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0].$ref === 'string') {
    if (!isObject(schema.properties)) return refName(allOf[0].$ref);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Emission

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (IDENTIFIER.test(name) ? name : `'${name}'`);
const str = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Emitted {
  ts: string;
  zod: string;
  /** For a nullable value, the expression without `z.nullable(...)`, so a caller can use `z.nullish`. */
  nonNull?: string;
}

/** One named declaration written into a module: the unit itself or an inline object it holds. */
interface Declaration {
  name: string;
  doc: string[];
  typeText: string;
  /** `interface` for object declarations, else a type alias. */
  isInterface: boolean;
  zodText: string;
}

class ModuleWriter {
  readonly declarations: Declaration[] = [];
  readonly imports = new Set<string>();
  readonly extraExports: string[] = [];
  /** The `@category` of everything this module exports. */
  readonly category: Category;
  private readonly taken = new Set<string>();

  constructor(
    readonly unit: Unit,
    private readonly gen: Generator,
  ) {
    this.category = gen.categoryOf(unit.name);
  }

  /** Reserves a name for an inline object declared in this module. */
  reserve(name: string): string {
    if ((name !== this.unit.name && this.gen.units.has(name)) || this.taken.has(name)) {
      throw new Error(`${this.unit.name}: inline name ${name} collides; rename the property mapping`);
    }
    this.taken.add(name);
    return name;
  }

  refTo(name: string): Emitted {
    const target = this.gen.resolveRef(name);
    if (target !== this.unit.name) this.imports.add(target);
    return { ts: target, zod: `ref(${target}Schema)` };
  }
}

/** Where the field descriptions came from, for `--stats`. */
export interface DocStats {
  /** From `FIELD_DOCS`, by field name or by model and field. */
  dictionary: number;
  /** From the field's structure: the model or enum it holds, its unit, its kind of value. */
  structure: number;
  /** Field names that fell back to structure, with how often, to find what the dictionary lacks. */
  fallbacks: Map<string, number>;
}

/** A field as generated: its schema after any override, and the spec's own, for the doc comment. */
interface Field {
  prop: string;
  /** The schema the field is declared in, when inherited through `allOf`. */
  origin?: string;
  schema: JsonSchema;
  required: boolean;
  spec: JsonSchema;
  specRequired: boolean;
  override?: FieldOverride;
  added?: boolean;
}

/** A field that holds a model: which model, through which field, and whether as a list. */
interface Holder {
  model: string;
  field: string;
  list: boolean;
}

class Generator {
  readonly units: Map<string, Unit>;
  readonly usage: Map<string, string[]>;
  readonly categories = new Map<string, Category>();
  readonly holders = new Map<string, Holder[]>();
  readonly stats: DocStats = { dictionary: 0, structure: 0, fallbacks: new Map() };
  readonly usedOverrides = new Set<string>();
  readonly usedFieldDocs = new Set<string>();
  readonly usedModelDocs = new Set<string>();
  readonly usedNouns = new Set<string>();
  private readonly reach = new Map<string, Set<string>>();

  constructor(loaded: Loaded) {
    this.units = loaded.units;
    this.usage = loaded.usage;
    this.assignCategories();
    this.findHolders();
  }

  /** Each unit's category: by name in PLACED, else by the areas whose roots reach it. */
  private assignCategories(): void {
    const areas = new Map<string, Set<Category>>();
    for (const [category, roots] of Object.entries(AREA_ROOTS) as [Category, string[]][]) {
      for (const root of roots) {
        if (!this.units.has(root)) throw new Error(`AREA_ROOTS.${category}: no schema ${root}`);
        for (const name of [root, ...this.reachable(root)]) {
          const set = areas.get(name) ?? new Set();
          set.add(category);
          areas.set(name, set);
        }
      }
    }
    for (const name of Object.keys(PLACED)) {
      if (!this.units.has(name)) throw new Error(`PLACED.${name}: no such schema`);
    }
    for (const name of this.units.keys()) {
      const placed = PLACED[name] ?? (name.endsWith('Event') ? 'Events' : undefined);
      const reached = [...(areas.get(name) ?? [])];
      const category = placed ?? (reached.length === 1 ? reached[0] : reached.length > 1 ? 'Shared' : undefined);
      if (!category) throw new Error(`${name} belongs to no area: add it to AREA_ROOTS or PLACED`);
      this.categories.set(name, category);
    }
  }

  categoryOf(name: string): Category {
    const category = this.categories.get(name);
    if (!category) throw new Error(`no category for ${name}`);
    return category;
  }

  /** For each unit, the fields of other units that hold it (directly, in a list, or nullable). */
  private findHolders(): void {
    for (const [name, unit] of this.units) {
      if (!this.isObjectSchema(splitNull(unit.schema).inner)) continue;
      for (const [field, prop] of this.flatten(unit.schema, name).properties) {
        const { inner } = splitNull(prop);
        const items = inner.type === 'array' && isObject(inner.items) ? splitNull(inner.items).inner : undefined;
        const target = refTarget(items ?? inner);
        if (!target || target === name) continue;
        const list = this.holders.get(target) ?? [];
        list.push({ model: name, field, list: items !== undefined });
        this.holders.set(target, list);
      }
    }
  }

  resolveRef(name: string): string {
    if (this.units.has(name)) return name;
    throw new Error(`$ref to ${name}, which no schema defines`);
  }

  /** Units reachable from `name` through `$ref`s (not including itself unless it is on a cycle). */
  reachable(name: string): Set<string> {
    const cached = this.reach.get(name);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...refsOf(this.units.get(name)?.schema ?? {})];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...refsOf(this.units.get(next)?.schema ?? {}));
    }
    this.reach.set(name, seen);
    return seen;
  }

  /** Whether a property schema leads back to the unit being written, so it must be evaluated lazily. */
  isCyclic(unit: string, property: JsonSchema): boolean {
    for (const target of refsOf(property)) {
      if (target === unit || this.reachable(target).has(unit)) return true;
    }
    return false;
  }

  /**
   * `allOf` flattened: base properties first, own properties override; required sets merged.
   * `origins` names the schema each property was declared in (a base's name for inherited ones).
   */
  flatten(
    schema: JsonSchema,
    what: string,
  ): { properties: [string, JsonSchema][]; required: Set<string>; origins: Map<string, string> } {
    const properties = new Map<string, JsonSchema>();
    const required = new Set<string>();
    const origins = new Map<string, string>();
    const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
    for (const part of allOf) {
      if (!isObject(part)) continue;
      const baseName = typeof part.$ref === 'string' ? this.resolveRef(refName(part.$ref)) : undefined;
      const base = baseName !== undefined ? this.units.get(baseName)?.schema : part;
      if (!base) throw new Error(`${what}: allOf part cannot be resolved`);
      const flat = this.flatten(base, baseName ?? what);
      for (const [name, prop] of flat.properties) {
        properties.set(name, prop);
        origins.set(name, flat.origins.get(name) ?? what);
      }
      for (const name of flat.required) required.add(name);
    }
    if (isObject(schema.properties)) {
      for (const [name, prop] of Object.entries(schema.properties)) {
        if (!isObject(prop)) throw new Error(`${what}.${name} is not a schema`);
        properties.set(name, prop);
        origins.set(name, what);
      }
    }
    if (Array.isArray(schema.required)) for (const name of schema.required) required.add(String(name));
    return { properties: [...properties], required, origins };
  }

  /**
   * The fields of an object as they are generated: the spec's, changed by {@link OVERRIDES} entries
   * keyed by the object (`path`) or by the schema a field was inherited from (`TerraUser.provider`
   * also changes the `user` of `/userInfo`, which extends TerraUser).
   */
  fields(schema: JsonSchema, path: string): Field[] {
    const flat = this.flatten(schema, path);
    const fields: Field[] = flat.properties.map(([prop, spec]) => {
      const origin = flat.origins.get(prop) ?? path;
      const keys = [`${path}.${prop}`, `${origin}.${prop}`];
      const key = keys.find((k) => OVERRIDES[k] !== undefined);
      const override = key !== undefined ? OVERRIDES[key] : undefined;
      const specRequired = flat.required.has(prop);
      if (!key || !override) return { prop, origin, schema: spec, required: specRequired, spec, specRequired };
      if (override.add) throw new Error(`OVERRIDES.${key} adds a field the spec already has`);
      this.usedOverrides.add(key);
      return { ...this.overridden(key, prop, spec, specRequired, override), origin };
    });
    for (const [key, override] of Object.entries(OVERRIDES)) {
      if (!override.add || !key.startsWith(`${path}.`)) continue;
      const prop = key.slice(path.length + 1);
      this.usedOverrides.add(key);
      fields.push(this.overridden(key, prop, override.add, false, override, true));
    }
    return fields;
  }

  private overridden(
    key: string,
    prop: string,
    spec: JsonSchema,
    specRequired: boolean,
    override: FieldOverride,
    added = false,
  ): Field {
    const model = key.slice(0, key.length - prop.length - 1);
    if (isIdentifyingField(model, prop) && (override.presence === 'optional' || override.nullable || override.open)) {
      throw new Error(`OVERRIDES.${key} would relax an identifying field; those stay required (DESIGN §2)`);
    }
    let { inner, nullable } = splitNull(spec);
    if (override.type) inner = override.type;
    if (override.open) {
      if (typeof inner.const !== 'string') throw new Error(`OVERRIDES.${key}: \`open\` needs a string const`);
      const { const: word, ...rest } = inner;
      inner = { ...rest, type: 'string', enum: [word] };
    }
    if (override.nullable) nullable = true;
    const schema = nullable ? { anyOf: [inner, { type: 'null' }] } : inner;
    const required = override.presence === 'required' ? true : override.presence === 'optional' ? false : specRequired;
    return { prop, schema, required, spec, specRequired, override, added };
  }

  /** Whether a schema is an object whose shape comes from properties and/or `allOf`. */
  isObjectSchema(schema: JsonSchema): boolean {
    return (
      (schema.type === 'object' || isObject(schema.properties) || Array.isArray(schema.allOf)) &&
      schema.unevaluatedProperties === undefined &&
      schema.oneOf === undefined &&
      schema.anyOf === undefined
    );
  }

  /** A value schema (not counting null). `hint` names inline objects; `path` is for NULLABLE_TUPLE_ITEMS. */
  value(schema: JsonSchema, w: ModuleWriter, hint: string, path: string): Emitted {
    if (typeof schema.$ref === 'string') return w.refTo(refName(schema.$ref));

    const { inner, nullable } = splitNull(schema);
    if (nullable) {
      const v = this.value(inner, w, hint, path);
      return { ts: `${v.ts} | null`, zod: `z.nullable(${v.zod})`, nonNull: v.zod };
    }

    if ('const' in schema) {
      const c = schema.const;
      if (typeof c === 'string') return { ts: str(c), zod: `z.literal(${str(c)})` };
      if (typeof c === 'number' || typeof c === 'boolean') return { ts: String(c), zod: `z.literal(${c})` };
      throw new Error(`${path}: unsupported const`);
    }

    const consts = constsOf(schema);
    if (consts) {
      // An inline enum, open like the named ones: known values for the editor, any value at run time.
      const isString = typeof consts.values[0] === 'string';
      const known = consts.values.map((v) => (typeof v === 'string' ? str(v) : String(v))).join(' | ');
      return isString
        ? { ts: `${known} | (string & {})`, zod: 'z.string()' }
        : { ts: `${known} | (number & {})`, zod: 'z.number()' };
    }

    const union = schema.oneOf ?? schema.anyOf;
    if (Array.isArray(union)) {
      const arms = union.map((arm, i) => this.value(arm as JsonSchema, w, `${hint}Option${i + 1}`, path));
      const ts = arms.map((a) => a.ts).join(' | ');
      return { ts, zod: `anyOf<${ts}>([${arms.map((a) => a.zod).join(', ')}])` };
    }

    // `{type: object, allOf: [$ref X]}` with nothing else is just X.
    if (
      Array.isArray(schema.allOf) &&
      schema.allOf.length === 1 &&
      isObject(schema.allOf[0]) &&
      typeof schema.allOf[0].$ref === 'string' &&
      !isObject(schema.properties)
    ) {
      return w.refTo(refName(schema.allOf[0].$ref));
    }

    if (schema.unevaluatedProperties !== undefined || schema.additionalProperties !== undefined) {
      const extra = (schema.unevaluatedProperties ?? schema.additionalProperties) as Json;
      if (isObject(schema.properties) && Object.keys(schema.properties).length > 0) {
        throw new Error(`${path}: properties next to unevaluatedProperties are not supported`);
      }
      if (extra === true || (isObject(extra) && Object.keys(extra).length === 0)) {
        return { ts: 'Record<string, unknown>', zod: 'z.record(z.string(), z.unknown())' };
      }
      if (!isObject(extra)) throw new Error(`${path}: closed objects are not supported`);
      const v = this.value(extra, w, `${hint}Value`, path);
      return { ts: `Record<string, ${v.ts}>`, zod: `z.record(z.string(), ${v.zod})` };
    }

    if (this.isObjectSchema(schema)) {
      const flat = this.flatten(schema, path);
      if (flat.properties.length === 0) return { ts: 'Record<string, unknown>', zod: 'z.looseObject({})' };
      const name = w.reserve(hint);
      this.declareObject(w, name, schema, this.inlineDoc(w.unit.name, path, schema), path);
      return { ts: name, zod: `ref(${name}Schema)` };
    }

    switch (schema.type) {
      case 'string': {
        const min = typeof schema.minLength === 'number' ? `.check(z.minLength(${schema.minLength}))` : '';
        return { ts: 'string', zod: `z.string()${min}` };
      }
      case 'number':
      case 'integer':
        return { ts: 'number', zod: 'z.number()' };
      case 'boolean':
        return { ts: 'boolean', zod: 'z.boolean()' };
      case 'null':
        return { ts: 'null', zod: 'z.null()' };
      case 'array': {
        if (Array.isArray(schema.prefixItems)) {
          const nullableItems = NULLABLE_TUPLE_ITEMS.has(path);
          const items = schema.prefixItems.map((item, i) => {
            const v = this.value(item as JsonSchema, w, `${hint}Item${i + 1}`, path);
            return nullableItems ? { ts: `${v.ts} | null`, zod: `z.nullable(${v.zod})` } : v;
          });
          // Without `items: false` JSON Schema allows more elements after the prefix.
          const rest = schema.items === false ? undefined : isObject(schema.items) ? schema.items : {};
          const restValue = rest === undefined ? undefined : this.value(rest, w, `${hint}Rest`, path);
          const tsItems = items.map((i) => i.ts);
          if (restValue) tsItems.push(`...${restValue.ts}[]`);
          const zodRest = restValue ? `, ${restValue.zod}` : '';
          return { ts: `[${tsItems.join(', ')}]`, zod: `z.tuple([${items.map((i) => i.zod).join(', ')}]${zodRest})` };
        }
        const items = isObject(schema.items) ? schema.items : {};
        const v = this.value(items, w, `${hint}Item`, path);
        const ts = /[|&]/.test(v.ts) ? `(${v.ts})[]` : `${v.ts}[]`;
        return { ts, zod: `z.array(${v.zod})` };
      }
      case undefined:
        if (
          Object.keys(schema).every((k) => ['description', 'examples', 'example', 'title', 'deprecated'].includes(k))
        ) {
          return { ts: 'unknown', zod: 'z.unknown()' };
        }
        break;
    }
    throw new Error(`${path}: unsupported schema ${JSON.stringify(normalized(schema)).slice(0, 200)}`);
  }

  /** Doc lines for a field: what it is, its constraints, and what {@link OVERRIDES} changed and why. */
  propertyDoc(owner: string, field: Field, hint: string): string[] {
    const { inner } = splitNull(field.schema);
    const lines: string[] = [this.describeField(owner, field, hint)];
    const format = inner.format;
    if (format === 'date-time') lines.push('An RFC 3339 date-time, kept as the string Terra sent.');
    else if (format === 'date') lines.push('A `YYYY-MM-DD` calendar date.');
    else if (typeof format === 'string') lines.push(`Format \`${format}\`, kept as a string.`);
    const lo = inner.minimum;
    const hi = inner.maximum;
    const isInt = inner.type === 'integer';
    if (isInt && lo === -2147483648 && hi === 2147483647) lines.push('A 32-bit integer code.');
    else {
      if (isInt) lines.push('An integer.');
      if (typeof lo === 'number' && typeof hi === 'number') lines.push(`Expected between ${lo} and ${hi}.`);
      else if (typeof lo === 'number') lines.push(`Expected to be at least ${lo}.`);
      else if (typeof hi === 'number') lines.push(`Expected to be at most ${hi}.`);
    }
    if (typeof lo === 'number' || typeof hi === 'number' || isInt) {
      lines.push('Not enforced when parsing, so an out-of-range value from a provider does not reject the payload.');
    }
    if (typeof inner.minLength === 'number') lines.push(`Never empty (at least ${inner.minLength} character).`);
    lines.push(...overrideNote(field));
    if (field.schema.deprecated === true || inner.deprecated === true) {
      lines.push('@deprecated Terra marks this field deprecated; prefer its replacement.');
    }
    return lines;
  }

  /** The first line of a field's doc: from `FIELD_DOCS`, else from the field's structure. */
  describeField(owner: string, field: Field, hint: string): string {
    const { prop } = field;
    const { inner } = splitNull(field.schema);
    const items = inner.type === 'array' && isObject(inner.items) ? splitNull(inner.items).inner : undefined;
    const target = refTarget(items ?? inner);
    const inline =
      !target && this.isObjectSchema(items ?? inner) && this.flatten(items ?? inner, hint).properties.length > 0;
    const link = target ? `{@link ${target}}` : inline ? `{@link ${items ? `${hint}Item` : hint}}` : undefined;
    const entry = this.fieldDocEntry(owner, field.origin, prop);
    if (entry) {
      this.stats.dictionary++;
      this.usedFieldDocs.add(entry.key);
      if (typeof entry.doc === 'string') return entry.doc;
      // A function entry may link the field's type; it must not do so for a field that has none.
      const missing = '\u0000';
      const text = entry.doc({ owner, link: link ?? missing } satisfies FieldContext);
      if (text.includes(missing))
        throw new Error(`FIELD_DOCS.${entry.key} links a type, and ${owner}.${prop} has none`);
      return text;
    }
    this.stats.structure++;
    this.stats.fallbacks.set(prop, (this.stats.fallbacks.get(prop) ?? 0) + 1);
    return this.structuralDoc(prop, inner, items, target, link);
  }

  /** The most specific `FIELD_DOCS` entry for a field: `Model.field`, then `*Suffix.field`, then `field`. */
  fieldDocEntry(owner: string, origin: string | undefined, prop: string): { key: string; doc: FieldDoc } | undefined {
    const models = origin && origin !== owner ? [owner, origin] : [owner];
    const keys = [
      ...models.map((m) => `${m}.${prop}`),
      ...Object.keys(FIELD_DOCS).filter((k) => {
        if (!k.startsWith('*') || k.startsWith('*_') || !k.endsWith(`.${prop}`)) return false;
        const suffix = k.slice(1, -(prop.length + 1));
        return models.some((m) => m.endsWith(suffix));
      }),
      prop,
      ...Object.keys(FIELD_DOCS).filter((k) => k.startsWith('*_') && prop.endsWith(k.slice(1))),
    ];
    for (const k of keys) {
      const doc = FIELD_DOCS[k];
      if (doc !== undefined) return { key: k, doc };
    }
    return undefined;
  }

  /** A field described from its structure: what it holds (linked), its unit, or its kind of value. */
  structuralDoc(
    prop: string,
    inner: JsonSchema,
    items: JsonSchema | undefined,
    target: string | undefined,
    link: string | undefined,
  ): string {
    if ('const' in inner) {
      const word = typeof inner.const === 'string' ? str(inner.const) : String(inner.const);
      return prop === 'type'
        ? `Always \`${word}\`: the type that tells this payload from every other.`
        : `Always \`${word}\`.`;
    }
    if (target) {
      const consts = constsOf(this.units.get(target)?.schema ?? {});
      if (items) {
        if (consts) return `A list of ${link} values.`;
        if (this.isSampleModel(target)) {
          const note = prop.endsWith('samples') ? ' Data requested without `withSamples` leaves it out.' : '';
          return `Time series of ${link} points.${note}`;
        }
        return MODEL_NOUNS[target]
          ? `A list of ${link} objects: ${this.nounOf(target)}.`
          : `A list of ${link} objects.`;
      }
      if (consts) return this.enumSentence(target, consts);
      if (target === 'RecordFloat') return `A map from a name to a number: see ${link}.`;
      return `${capitalize(this.nounOf(target))}: see ${link}.`;
    }
    if (items) {
      const itemConsts = constsOf(items);
      if (itemConsts) return `A list of values such as ${listWords(itemConsts.values)}; Terra may add others.`;
      if (link) return `A list of ${link} objects.`;
      if (items.type === 'string') return 'A list of strings.';
      if (items.type === 'integer') return 'A list of integer codes.';
      if (items.type === 'number') return 'A list of numbers.';
      return 'A list of values.';
    }
    if (Array.isArray(inner.prefixItems)) return `A tuple of ${inner.prefixItems.length} values; more may follow.`;
    const consts = constsOf(inner);
    if (consts) return `One of ${listWords(consts.values)}, or another value Terra may add.`;
    if (link) return `An object: see ${link}.`;
    if (inner.unevaluatedProperties !== undefined || inner.additionalProperties !== undefined) {
      return 'A map from a name to a value.';
    }
    return primitiveDoc(prop, inner);
  }

  /** A field holding an enum: the enum and its labels linked, and a reminder that it stays open. */
  enumSentence(target: string, consts: NonNullable<ReturnType<typeof constsOf>>): string {
    if (typeof consts.values[0] === 'string') {
      return `${article(target)} {@link ${target}} value; Terra may send values this version does not list.`;
    }
    const labelled = consts.titles.every((t) => t !== undefined) || SUPPLEMENTARY_LABELS[target] !== undefined;
    const labels = labelled ? ` ({@link ${target}Labels} names each documented one)` : '';
    const zero = consts.values.includes(0) ? '; 0 is a real value, not a missing one' : '';
    return `${article(target)} {@link ${target}} code${labels}${zero}.`;
  }

  /** A time-series point: a model named `...Sample` or one with a `timestamp`. */
  isSampleModel(name: string): boolean {
    const unit = this.units.get(name);
    if (!unit || !this.isObjectSchema(splitNull(unit.schema).inner)) return false;
    return name.endsWith('Sample') || this.flatten(unit.schema, name).properties.some(([p]) => p === 'timestamp');
  }

  /** Words for a model when a field holds it: `MODEL_NOUNS`, else its name in words. */
  nounOf(name: string): string {
    const noun = MODEL_NOUNS[name];
    if (noun) {
      this.usedNouns.add(name);
      return noun;
    }
    return name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .split(' ')
      .map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()))
      .join(' ')
      .replace(/ data$/, ' figures');
  }

  /** The doc of an object declared inline inside a model. */
  inlineDoc(unit: string, path: string, schema: JsonSchema): string[] {
    const field = path.slice(path.lastIndexOf('.') + 1);
    const base = Array.isArray(schema.allOf)
      ? schema.allOf.map((part) => (isObject(part) ? refTarget(part) : undefined)).find((n) => n !== undefined)
      : undefined;
    if (base) return [`The \`${field}\` of {@link ${unit}}: the fields of {@link ${base}}, and more.`];
    return [`The \`${field}\` object of {@link ${unit}}.`];
  }

  /** The doc of a model: what it is, where the API uses it, which models hold it, and its source. */
  modelDoc(name: string, specDoc: string, extra: string[] = []): string[] {
    const lines: string[] = [];
    const own = MODEL_DOCS[name];
    if (own) {
      lines.push(own);
      this.usedModelDocs.add(name);
    } else if (MODEL_NOUNS[name]) lines.push(`${capitalize(this.nounOf(name))}.`);
    lines.push(...extra);
    const usage = this.usage.get(name) ?? [];
    lines.push(...usage.slice(0, 3));
    if (usage.length > 3) lines.push(`Also used by ${usage.length - 3} more operations.`);
    const held = this.heldBy(name);
    if (held) lines.push(held);
    if (lines.length === 0) lines.push('A model of Terra’s API.');
    lines.push(specDoc);
    return lines;
  }

  /** Which fields of which models hold a model, in words with links. */
  heldBy(name: string): string | undefined {
    const holders = this.holders.get(name) ?? [];
    if (holders.length === 0) return undefined;
    const byField = new Map<string, string[]>();
    for (const h of holders) byField.set(h.field, [...(byField.get(h.field) ?? []), h.model]);
    const parts = [...byField].map(([field, models]) => {
      const links = models.slice(0, 4).map((m) => `{@link ${m}}`);
      if (models.length > 4) links.push(`${models.length - 4} more`);
      return `\`${field}\` of ${joinWords(links)}`;
    });
    const shown = parts.slice(0, 4);
    if (parts.length > 4) shown.push(`${parts.length - 4} more fields`);
    const where = joinWords(shown);
    const isEnum = constsOf(this.units.get(name)?.schema ?? {}) !== undefined;
    if (isEnum) return `Used by ${where}.`;
    if (holders.every((h) => h.list) && this.isSampleModel(name)) return `One point of the time series in ${where}.`;
    if (holders.every((h) => h.list)) return `One item of the list in ${where}.`;
    return `Held by ${where}.`;
  }

  declareObject(w: ModuleWriter, name: string, schema: JsonSchema, doc: string[], path: string): void {
    const tsLines: string[] = [];
    const zodLines: string[] = [];
    for (const field of this.fields(schema, path)) {
      const { prop, schema: propSchema, required } = field;
      const hint = `${name}${pascal(prop)}`;
      const v = this.value(propSchema, w, hint, `${w.unit.name}.${prop}`);
      tsLines.push(...comment(this.propertyDoc(name, field, hint), '  '));
      // `value` already wrote `| null` and `z.nullable(...)` for nullable schemas.
      if (required) {
        tsLines.push(`  ${key(prop)}: ${v.ts};`);
      } else {
        tsLines.push(`  ${key(prop)}?: ${v.ts} | undefined;`);
      }
      let zod = v.zod;
      if (!required) zod = v.nonNull !== undefined ? `z.nullish(${v.nonNull})` : `z.optional(${zod})`;
      if (this.isCyclic(w.unit.name, propSchema)) {
        zodLines.push(`    get ${key(prop)}() {`, `      return ${zod};`, '    },');
      } else {
        zodLines.push(`    ${key(prop)}: ${zod},`);
      }
    }
    w.declarations.push({
      name,
      doc,
      typeText: tsLines.length > 0 ? `{\n${tsLines.join('\n')}\n}` : '{}',
      isInterface: true,
      zodText: zodLines.length > 0 ? `z.looseObject({\n${zodLines.join('\n')}\n  })` : 'z.looseObject({})',
    });
  }

  module(unit: Unit): string {
    const w = new ModuleWriter(unit, this);
    const { name, schema } = unit;
    const extra = EXTRA_SCHEMAS[unit.name];
    const specDoc = extra
      ? `Not in Terra's OpenAPI description: ${EVIDENCE[extra.evidence].seen}`
      : `Generated from \`${unit.source}\` in Terra's OpenAPI description.`;
    const consts = constsOf(schema);
    if (consts && !isObject(schema.properties)) {
      this.declareEnum(w, consts, specDoc);
    } else if (this.isObjectSchema(splitNull(schema).inner) && !splitNull(schema).nullable) {
      this.declareObject(w, w.reserve(name), schema, this.modelDoc(name, specDoc), name);
    } else if (
      Array.isArray(schema.oneOf) &&
      schema.oneOf.every((arm) => isObject(arm) && typeof arm.$ref === 'string')
    ) {
      this.declareUnion(w, schema.oneOf as JsonSchema[], specDoc);
    } else {
      const v = this.value(schema, w, `${name}Item`, name);
      w.reserve(name);
      w.declarations.push({
        name,
        doc: this.modelDoc(name, specDoc),
        typeText: v.ts,
        isInterface: false,
        zodText: v.zod,
      });
    }
    return render(w);
  }

  declareEnum(w: ModuleWriter, consts: NonNullable<ReturnType<typeof constsOf>>, specDoc: string): void {
    const { name } = w.unit;
    const isString = typeof consts.values[0] === 'string';
    const supplement = SUPPLEMENTARY_LABELS[name];
    const titles = consts.values.map((v, i) => consts.titles[i] ?? supplement?.[String(v)]);
    const hasLabels = titles.every((t) => t !== undefined);
    const literal = (v: string | number) => (typeof v === 'string' ? str(v) : String(v));
    const lines: string[] = [];
    const known = consts.values.map(literal).join(' | ');
    const category = `@category ${w.category}`;
    lines.push(...comment([`A value Terra documents for {@link ${name}}.`, category], ''));
    lines.push(`export type Known${name} = ${known};`, '');
    if (hasLabels) {
      lines.push(
        ...comment(
          [
            `The label of each value Terra documents for {@link ${name}}, for display: look one up with \`enumLabel\`,`,
            'which also answers for values added after this version of the SDK.',
            category,
          ],
          '',
        ),
      );
      lines.push(`export const ${name}Labels: Readonly<Record<Known${name}, string>> = {`);
      consts.values.forEach((v, i) => {
        lines.push(`  ${typeof v === 'string' ? key(v) : v}: ${str(titles[i] as string)},`);
      });
      lines.push('};', '');
    } else {
      lines.push(...comment([`The values Terra documents for {@link ${name}}.`, category], ''));
      lines.push(
        `export const ${name}Values: readonly Known${name}[] = [${consts.values.map(literal).join(', ')}];`,
        '',
      );
    }
    w.extraExports.push(lines.join('\n'));
    w.reserve(name);
    w.declarations.push({
      name,
      doc: this.modelDoc(name, specDoc, [
        `Terra may add values: any ${isString ? 'string' : 'number'} is accepted, and {@link Known${name}} lists the documented ones` +
          (hasLabels ? `, which {@link ${name}Labels} names.` : '.'),
      ]),
      typeText: `Known${name} | (${isString ? 'string' : 'number'} & {})`,
      isInterface: false,
      zodText: isString ? 'z.string()' : 'z.number()',
    });
  }

  declareUnion(w: ModuleWriter, arms: JsonSchema[], specDoc: string): void {
    const { name } = w.unit;
    const names = arms.map((arm) => this.resolveRef(refName(arm.$ref as string)));
    const emitted = names.map((n) => w.refTo(n));
    // A discriminated union needs one property that every arm fixes to a distinct constant.
    const discriminator = this.discriminatorOf(names);
    const ts = emitted.map((e) => e.ts).join(' | ');
    const options = `[\n${emitted.map((e) => `      ${e.zod},`).join('\n')}\n    ]`;
    w.reserve(name);
    w.declarations.push({
      name,
      doc: this.modelDoc(name, specDoc),
      typeText: ts,
      isInterface: false,
      zodText: discriminator
        ? `oneOfTagged<${name}>(\n    ${str(discriminator)},\n    ${options},\n  )`
        : `anyOf<${name}>(${options})`,
    });
  }

  discriminatorOf(names: string[]): string | undefined {
    const flats = names.map((n) => {
      const unit = this.units.get(n);
      return unit ? this.flatten(unit.schema, n) : undefined;
    });
    const first = flats[0];
    if (!first) return undefined;
    for (const [prop] of first.properties) {
      const values = flats.map((flat) => {
        const p = flat?.properties.find(([k]) => k === prop)?.[1];
        return flat?.required.has(prop) && p && 'const' in p ? p.const : undefined;
      });
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length) return prop;
    }
    return undefined;
  }
}

/** Words for the abbreviations in Terra's field names. */
const WORDS: Record<string, string> = {
  avg: 'average',
  max: 'maximum',
  min: 'minimum',
  hr: 'heart rate',
  hrv: 'heart rate variability',
  bp: 'blood pressure',
  num: 'number of',
  pos: 'position',
  elev: 'elevation',
  id: 'ID',
  ids: 'IDs',
  url: 'URL',
  sdk: 'SDK',
  vo2max: 'VO2 max',
  vo2: 'VO2',
  rmssd: 'RMSSD',
  sdnn: 'SDNN',
  bmi: 'BMI',
  bmr: 'BMR',
  rmr: 'RMR',
  met: 'MET',
  tss: 'TSS',
  rem: 'REM',
  ecg: 'ECG',
  afib: 'AFib',
  rr: 'RR',
  gmi: 'GMI',
  lh: 'LH',
  fsh: 'FSH',
  hcg: 'hCG',
  e3g: 'E3G',
  pdg: 'PdG',
  ftp: 'FTP',
  trimp: 'TRIMP',
  rcrs: 'RCRS',
  loinc: 'LOINC',
  ucum: 'UCUM',
  spo2: 'SpO2',
  bodyfat: 'body fat',
};

/** Unit suffixes of Terra's field names, longest first, and how to say them. */
const UNITS: [string[], string][] = [
  [['ml', 'per', 'min', 'per', 'kg'], 'mL/min/kg'],
  [['minutes', 'per', 'kilometer'], 'minutes per kilometre'],
  [['meters', 'per', 'second'], 'metres per second'],
  [['mg', 'per', 'dl'], 'mg/dL'],
  [['miu', 'per', 'ml'], 'mIU/mL'],
  [['ng', 'per', 'ml'], 'ng/mL'],
  [['ug', 'per', 'ml'], 'µg/mL'],
  [['newton', 'meters'], 'newton metres'],
  [['lat', 'lng', 'deg'], 'degrees of latitude and longitude'],
  [['breaths', 'per', 'min'], 'breaths per minute'],
  [['bpm'], 'beats per minute'],
  [['rpm'], 'revolutions per minute'],
  [['seconds'], 'seconds'],
  [['minutes'], 'minutes'],
  [['hours'], 'hours'],
  [['days'], 'days'],
  [['ms'], 'milliseconds'],
  [['meters'], 'metres'],
  [['km'], 'kilometres'],
  [['cm'], 'centimetres'],
  [['mm'], 'millimetres'],
  [['kg'], 'kilograms'],
  [['g'], 'grams'],
  [['mg'], 'milligrams'],
  [['ug'], 'micrograms'],
  [['ml'], 'millilitres'],
  [['celsius'], 'degrees Celsius'],
  [['deg'], 'degrees'],
  [['percentage'], 'percent'],
  [['watts'], 'watts'],
  [['watt'], 'watts'],
  [['kilojoules'], 'kilojoules'],
  [['kj'], 'kilojoules'],
  [['uv'], 'microvolts'],
];

/** A field's name in words, with its unit: `avg_hr_bpm` is "Average heart rate, in beats per minute". */
export function describeFieldName(name: string): string {
  const tokens = name.split('_').filter(Boolean);
  const lower = tokens.map((t) => t.toLowerCase());
  let unit: string | undefined;
  for (const [suffix, words] of UNITS) {
    if (lower.length > suffix.length && suffix.every((t, i) => lower[lower.length - suffix.length + i] === t)) {
      unit = words;
      tokens.splice(tokens.length - suffix.length);
      break;
    }
  }
  const phrase = tokens
    .map(
      (token, i) =>
        WORDS[token.toLowerCase()] ??
        (/^[A-Z0-9]+$/.test(token) && (token.length > 1 || i > 0) ? token : token.toLowerCase()),
    )
    .join(' ')
    .replace(/\bper min\b/, 'per minute')
    .replace(/^day average\b/, 'the day’s average');
  const sentence = phrase.charAt(0).toUpperCase() + phrase.slice(1);
  return unit ? `${sentence}, in ${unit}.` : `${sentence}.`;
}

/** The unit spelled out from a field name's suffix, if it has one. */
function unitOf(name: string): string | undefined {
  const lower = name.toLowerCase().split('_').filter(Boolean);
  for (const [suffix, words] of UNITS) {
    if (lower.length > suffix.length && suffix.every((t, i) => lower[lower.length - suffix.length + i] === t))
      return words;
  }
  return undefined;
}

/** A scalar field with no dictionary entry: its unit when the name has one, else what kind of value it is. */
function primitiveDoc(prop: string, inner: JsonSchema): string {
  switch (inner.type) {
    case 'string':
      if (inner.format === 'date-time' || inner.format === 'date') return 'A point in time, as a string.';
      if (/(^|_)(time|timestamp)$/.test(prop)) return `A point in time, as ${TIMESTAMP}.`;
      if (/_at$/.test(prop)) return 'A point in time, as a string.';
      if (/(^|_)date$/.test(prop)) return 'A date, as a string.';
      if (/(^|_)ids?$/.test(prop)) return 'An identifier, as an opaque string: compare it as text.';
      if (/(^|_)url$/.test(prop)) return 'A URL.';
      if (/(^|_)(name|title|description|notes?)$/.test(prop)) return 'Free text, for display.';
      return 'Text as Terra relays it; no fixed set of values is documented.';
    case 'boolean':
      return 'A flag: `true` or `false`.';
    case 'number':
    case 'integer': {
      const bound = /^(.+)_(high|low)$/.exec(prop);
      if (bound?.[1] && bound[2]) {
        const unit = unitOf(bound[1]) ?? UNITS.find(([suffix]) => suffix.join('_') === bound[1])?.[1];
        const what = describeFieldName(bound[1])
          .replace(/[.,].*$/, '')
          .toLowerCase();
        return `${bound[2] === 'high' ? 'Upper' : 'Lower'} end of the ${what} target range${unit ? `, in ${unit}` : ''}.`;
      }
      if (unitOf(prop)) return describeFieldName(prop);
      if (/^num_|_count$/.test(prop)) return 'A count.';
      return inner.type === 'integer' ? 'A whole number; no unit is documented.' : 'A number; no unit is documented.';
    }
    default:
      return 'Any JSON value.';
  }
}

/** What an override changed, and the evidence for it, for the field's doc comment. */
function overrideNote(field: Field): string[] {
  const o = field.override;
  if (!o) return [];
  const spec = splitNull(field.spec);
  const word = typeof spec.inner.const === 'string' ? str(spec.inner.const) : undefined;
  let change: string;
  if (field.added) change = 'Not declared by the spec’s schema: typed here because real payloads carry it.';
  else if (o.type) change = 'Typed wider than the spec here.';
  else if (o.presence === 'required' && !field.specRequired) {
    change = 'Always present here, though the spec marks it optional.';
  } else {
    const may = [
      o.presence === 'optional' && field.specRequired ? 'be missing' : undefined,
      o.nullable && !spec.nullable ? 'be `null`' : undefined,
      o.open && word ? 'hold any string' : undefined,
    ].filter((m) => m !== undefined);
    const spec_ = [
      field.specRequired && o.presence === 'optional' ? 'requires it' : undefined,
      o.open && word ? `allows only \`${word}\`` : undefined,
    ].filter((m) => m !== undefined);
    change =
      may.length === 0
        ? 'Optional and nullable, as in the spec, and kept so on purpose.'
        : `May ${joinWords(may).replace(' and ', ' or ')} here${spec_.length > 0 ? `, though the spec ${joinWords(spec_)}` : ''}.`;
  }
  return [`${change} ${EVIDENCE[o.evidence].seen}`];
}

/** `A` or `An`, for a name read out loud (`An AFibFlag`, `A SleepLevel`). */
function article(name: string): string {
  return /^[AEIOU]/.test(name) && !/^U[a-z]/.test(name) ? 'An' : 'A';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Up to five enum values in code spans. */
function listWords(values: (string | number)[]): string {
  const shown = values.slice(0, 5).map((v) => `\`${typeof v === 'string' ? str(v) : v}\``);
  if (values.length > 5) shown.push('…');
  return shown.join(', ');
}

function comment(lines: string[], indent: string): string[] {
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function render(w: ModuleWriter): string {
  const { unit } = w;
  const out: string[] = [
    `// Generated by scripts/generate-models.ts from ${unit.source}.`,
    '// Do not edit: change the generator and run `npm run generate`.',
  ];
  const zodUsed = w.declarations.some((d) => /\bz\./.test(d.zodText));
  const helpers = ['lazySchema'];
  const body = w.declarations.map((d) => d.zodText).join('\n');
  if (/\boneOfTagged</.test(body)) helpers.push('oneOfTagged');
  if (/\banyOf</.test(body)) helpers.push('anyOf');
  if (/\bref\(/.test(body)) helpers.push('ref');
  if (zodUsed) out.push("import * as z from 'zod/mini';");
  else out.push("import type * as z from 'zod/mini';");
  out.push(`import { ${helpers.sort().join(', ')} } from '../lazy.js';`);
  for (const dep of [...w.imports].sort()) out.push(`import { type ${dep}, ${dep}Schema } from './${dep}.js';`);
  out.push('');
  for (const extra of w.extraExports) out.push(extra);
  // Declarations are collected innermost first; write the unit's own declaration first for readers.
  const own = w.declarations.filter((d) => d.name === unit.name);
  const nested = w.declarations.filter((d) => d.name !== unit.name);
  const category = `@category ${w.category}`;
  for (const d of [...own, ...nested]) {
    out.push(...comment([...d.doc, category], ''));
    out.push(d.isInterface ? `export interface ${d.name} ${d.typeText}` : `export type ${d.name} = ${d.typeText};`);
    out.push('');
    out.push(...comment([`Zod schema for {@link ${d.name}}, built on first use.`, category], ''));
    const zodText = d.zodText.includes('\n') ? `\n  ${d.zodText},\n` : d.zodText;
    out.push(
      `export const ${d.name}Schema: z.ZodMiniType<${d.name}> = /* @__PURE__ */ lazySchema(${str(d.name)}, () =>${zodText.startsWith('\n') ? '' : ' '}${zodText});`,
    );
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderIndex(names: string[], skippedAliases: string[]): string {
  const lines = [
    '// Generated by scripts/generate-models.ts. Do not edit: run `npm run generate`.',
    '//',
    '// Bundle schemas that only rename another schema are not generated again:',
    ...skippedAliases.map((alias) => `//   ${alias}`),
    '',
    ...names.map((name) => `export * from './${name}.js';`),
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

export interface Generated {
  files: Map<string, string>;
  stats: DocStats;
  categories: Map<string, Category>;
}

function generate(options: Options): Generated {
  const loaded = loadSpec(options.spec);
  let gen: Generator;
  try {
    gen = new Generator(loaded);
  } catch (error) {
    fail((error as Error).message);
  }
  const files = new Map<string, string>();
  const names = [...loaded.units.keys()].sort();
  for (const name of names) {
    const unit = loaded.units.get(name) as Unit;
    try {
      files.set(`${name}.ts`, gen.module(unit));
    } catch (error) {
      fail(`${unit.source}: ${(error as Error).message}`);
    }
  }
  // Every entry of the hand-written tables must still match the spec, so none goes stale unnoticed.
  const stale = [
    ...Object.keys(OVERRIDES)
      .filter((k) => !gen.usedOverrides.has(k))
      .map((k) => `OVERRIDES.${k}`),
    ...Object.keys(FIELD_DOCS)
      .filter((k) => !gen.usedFieldDocs.has(k))
      .map((k) => `FIELD_DOCS.${k}`),
    ...Object.keys(MODEL_DOCS)
      .filter((k) => !gen.usedModelDocs.has(k))
      .map((k) => `MODEL_DOCS.${k}`),
    ...Object.keys(MODEL_NOUNS)
      .filter((k) => !gen.usedNouns.has(k))
      .map((k) => `MODEL_NOUNS.${k}`),
  ];
  if (stale.length > 0) fail(`entries that match nothing in the spec (remove or fix them):\n  ${stale.join('\n  ')}`);
  files.set('index.ts', renderIndex(names, loaded.skippedAliases));
  return { files: format(files), stats: gen.stats, categories: gen.categories };
}

function printStats(generated: Generated): void {
  const { stats, categories } = generated;
  const total = stats.dictionary + stats.structure;
  const counts = new Map<Category, number>();
  for (const category of categories.values()) counts.set(category, (counts.get(category) ?? 0) + 1);
  const fallbacks = [...stats.fallbacks].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  process.stdout.write(
    `field descriptions: ${total} (dictionary ${stats.dictionary}, structure ${stats.structure})\n` +
      `schemas by category:\n${CATEGORIES.map((c) => `  ${c}: ${counts.get(c) ?? 0}`).join('\n')}\n` +
      `most frequent field names described from structure:\n${fallbacks
        .slice(0, 40)
        .map(([name, n]) => `  ${n} ${name}`)
        .join('\n')}\n`,
  );
}

/**
 * Passes the modules through the project's own formatter (biome, with its import sorting), so the
 * committed files are exactly what `npm run format` would leave and lint never fights the generator.
 */
function format(files: Map<string, string>): Map<string, string> {
  const biome = join(repoRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if (!existsSync(biome)) fail('biome is not installed; run `npm install` first');
  // Inside the repository, so biome applies the project's biome.json.
  const dir = mkdtempSync(join(repoRoot, '.generate-models-'));
  try {
    for (const [file, text] of files) writeFileSync(join(dir, file), text);
    try {
      execFileSync(process.execPath, [biome, 'check', '--write', '--linter-enabled=false', dir], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      fail(`biome could not format the generated modules:\n${stdout ?? ''}${stderr ?? ''}`);
    }
    return new Map([...files.keys()].map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const generated = generate(options);
  const { files } = generated;
  if (options.stats) printStats(generated);
  const existing = existsSync(options.out) ? readdirSync(options.out).filter((f) => f.endsWith('.ts')) : [];
  const shown = relative(process.cwd(), options.out) || '.';
  if (options.check) {
    const stale: string[] = [];
    for (const [file, text] of files) {
      const path = join(options.out, file);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
    }
    for (const file of existing) if (!files.has(file)) stale.push(`${file} (not generated by the spec)`);
    if (stale.length > 0) {
      process.stderr.write(
        `generate-models --check: ${stale.length} file(s) in ${shown} differ from the spec:\n` +
          stale.map((f) => `  ${f}`).join('\n') +
          '\nRun `npm run generate` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write(`generate-models --check: ${files.size} files in ${shown} match the spec\n`);
    return;
  }
  mkdirSync(options.out, { recursive: true });
  for (const file of existing) if (!files.has(file)) rmSync(join(options.out, file));
  for (const [file, text] of files) writeFileSync(join(options.out, file), text);
  process.stdout.write(`generate-models: wrote ${files.size} files to ${shown}\n`);
}

/** The bundle JSON pointer segments of an inline schema named in {@link INLINE_SCHEMAS}. */
export function inlineSchemaPointer(name: string): string[] {
  const entry = INLINE_SCHEMAS[name];
  if (!entry) throw new Error(`${name} is not an inline schema`);
  const [path, method, kind, status, ...inner] = entry;
  const holder = kind === 'requestBody' ? [kind] : [kind, status];
  return ['paths', path, method, ...holder, 'content', 'application/json', 'schema', ...inner] as string[];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
