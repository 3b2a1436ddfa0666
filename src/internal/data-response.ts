/**
 * What a data request (`GET /activity`, ..., `GET /athlete`) came back as. The data endpoints declare
 * a `oneOf` whose arms have no required fields, so trying schemas in turn would pick the wrong one
 * (an acknowledgement parses as empty data). The kind is chosen from the request (`toWebhook`) and
 * the keys of the body instead, then the body is validated against that one schema.
 *
 * Data that came back follows the SDK's policy for what Terra really sends (DESIGN §2): its
 * identifying field is the `data` array of objects (athlete: the `athlete` object); a body whose
 * records differ from their schema elsewhere is returned with that drift, never rejected.
 * Acknowledgements, "not available" and "processing" answers are checked strictly.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraValidationError } from '../errors.js';
import {
  ActivityCollectionSchema,
  AthleteCollectionSchema,
  BodyCollectionSchema,
  DailyCollectionSchema,
  DataSentToWebhookSchema,
  MenstruationCollectionSchema,
  NutritionCollectionSchema,
  SleepCollectionSchema,
  TerraUserSchema,
} from '../models/generated/index.js';
import { lazySchema, ref } from '../models/lazy.js';
import { NO_DRIFT, parseStrict, parseWithDrift, type Tolerated } from '../models/parse.js';
import type { DataResult, TerraDataType } from '../response.js';

/** The inline-data schema of each data type; athlete's holds its profile under `athlete`. */
const COLLECTIONS = {
  activity: ActivityCollectionSchema,
  athlete: AthleteCollectionSchema,
  body: BodyCollectionSchema,
  daily: DailyCollectionSchema,
  menstruation: MenstruationCollectionSchema,
  nutrition: NutritionCollectionSchema,
  sleep: SleepCollectionSchema,
} satisfies Record<TerraDataType, z.ZodMiniType>;

const NoDataSchema = lazySchema('NoDataReturned', () =>
  z.looseObject({ status: z.string(), message: z.nullish(z.string()), user: z.optional(ref(TerraUserSchema)) }),
);

const ProcessingSchema = lazySchema('RequestProcessing', () =>
  z.looseObject({
    retry_after_seconds: z.optional(z.number()),
    retry_after: z.optional(z.number()),
    message: z.nullish(z.string()),
    type: z.nullish(z.string()),
    user: z.optional(ref(TerraUserSchema)),
  }),
);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function issue(subject: string, model: string | undefined, path: string, code: string, message: string) {
  const segments = path === '$' ? [] : path.slice(2).split('.');
  return new TerraValidationError({ subject, model, issues: [{ path, pathSegments: segments, code, message }] });
}

const exact = <T>(value: T): Tolerated<T> => ({ value, drift: NO_DRIFT });

/**
 * The result of a data request, validated, with the drift of data that came back.
 * @throws {@link TerraValidationError} when the body is not an object, its `data` is not an array of
 *   objects (athlete: no `athlete` object), an answer other than data breaks its schema, or it is an
 *   acknowledgement although the data was asked for inline.
 */
export function parseDataResponse(
  dtype: TerraDataType,
  body: unknown,
  toWebhook: boolean,
  subject: string,
): Tolerated<DataResult<unknown>> {
  const collection = COLLECTIONS[dtype] as z.ZodMiniType<Record<string, unknown>>;
  // Not an object: let the schema say what is wrong with it.
  if (!isRecord(body)) return exact({ kind: 'DataReturned', ...parseStrict(collection, body, subject), data: [] });
  if ('retry_after_seconds' in body || 'retry_after' in body) {
    const { retry_after, ...rest } = parseStrict(ProcessingSchema, body, subject);
    return exact({ ...rest, kind: 'RequestProcessing', retry_after_seconds: rest.retry_after_seconds ?? retry_after });
  }
  if (typeof body.status === 'string' && /not[_ ]available/i.test(body.status)) {
    return exact({ ...parseStrict(NoDataSchema, body, subject), kind: 'NoDataReturned' });
  }
  if (toWebhook) return exact({ ...parseStrict(DataSentToWebhookSchema, body, subject), kind: 'SentToWebhook' });
  const dataKey = dtype === 'athlete' ? 'athlete' : 'data';
  const model = dtype === 'athlete' ? 'AthleteCollection' : undefined;
  if (!(dataKey in body) && ('reference' in body || 'trace_id' in body)) {
    throw issue(
      subject,
      model,
      '$',
      'unexpected_acknowledgement',
      'data was asked for inline (toWebhook: false) but Terra answered that it will send it to the webhook',
    );
  }
  const { value: parsed, drift } = parseWithDrift(collection, body, subject);
  if (dtype === 'athlete') return { value: { ...parsed, kind: 'DataReturned', data: parsed.athlete }, drift };
  return { value: { ...parsed, kind: 'DataReturned', data: parsed.data ?? [] }, drift };
}
