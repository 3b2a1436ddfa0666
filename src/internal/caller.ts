/**
 * One call of Terra's API, as every method makes it: check the request options (with `extraQuery`),
 * send, read the answer (an empty 204 included), turn Terra's legacy `{"status": "error"}` bodies
 * into errors, validate, and wrap in a {@link TerraApiResponse}. The client and its namespaces
 * (`src/resources/`) share it, so there is one way to make a call.
 * @internal
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { TerraInvalidArgumentError, TerraUnreadableResponseError } from '../errors.js';
import { NO_DRIFT, parseEffectAnswer, parseStrict, type SchemaDrift, type Tolerated } from '../models/parse.js';
import { TerraApiResponse, type TerraResponseType } from '../response.js';
import { checkRequestOptions } from './arguments.js';
import { legacyErrorInBody } from './error-body.js';
import type { HttpClient, HttpRequest, RequestOptions } from './http.js';
import { idNumbersAsText, parseJson } from './json.js';

/** What a parser knows of the answer besides its body. */
export interface Answer {
  /** What the body is, for error messages: `The GET /workouts response`. */
  readonly subject: string;
  /** The HTTP status (200, 201, 204, 207, ...). */
  readonly status: number;
  /**
   * Takes a value parsed tolerantly (data that came back, DESIGN §2) and keeps its drift for the
   * response's `drift`; returns the value.
   */
  tolerate<V>(parsed: Tolerated<V>): V;
  /**
   * Reads a model from the answer as the call reads its answers: strictly, or, for a call with an
   * effect at Terra, tolerantly (its drift kept for the response's `drift`, never thrown).
   */
  model<V>(schema: z.ZodMiniType<V>, value: unknown): V;
}

/** How an answer's body becomes `T`: a model schema, or a function for answers with several shapes. */
export type Parse<T> = z.ZodMiniType<T> | ((json: unknown, answer: Answer) => T);

/** Options of {@link Caller.call}. */
export interface CallOptions {
  /** Turns the body into what the schema expects before validation (an `{users: [...]}` wrapper). */
  prepare?: ((json: unknown) => unknown) | undefined;
  /** A legacy `{"status": "error"}` body means "no such user" (the `user_id` lookup). */
  notFoundInBody?: boolean | undefined;
  /**
   * The call changed something at Terra (created, planned, uploaded, modified, wrote, deleted,
   * deauthenticated, generated a session): its answer is never refused for its shape, since that
   * would lose the effect; it comes back with `drift`. Only an answer that is not JSON is an error,
   * a {@link TerraUnreadableResponseError} saying the request was sent. Implies `idsAsText`.
   */
  effect?: boolean | undefined;
  /** Ids sent as JSON numbers are read from the raw text as strings, without losing digits. */
  idsAsText?: boolean | undefined;
}

/** The call options of every call that changes something at Terra. */
export const EFFECT: CallOptions = Object.freeze({ effect: true });

/** The call options of reads whose answers hold ids Terra may send as numbers (workouts, plans). */
export const IDS: CallOptions = Object.freeze({ idsAsText: true });

/**
 * What a resource needs to make its calls: the small interface resources depend on, never the
 * client itself.
 */
export interface Requester {
  /** Sends a request and validates its answer (see {@link Caller.call}). */
  call<T>(
    dtype: TerraResponseType,
    req: HttpRequest,
    request: RequestOptions | undefined,
    parse: Parse<T>,
    options?: CallOptions,
  ): Promise<TerraApiResponse<T>>;
}

export class Caller implements Requester {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Sends a request and validates its answer. An empty body (a 204) reaches the parser as
   * `undefined`; Terra's older endpoints answer some failures with a 200 and `{"status": "error"}`:
   * those reject.
   */
  async call<T>(
    dtype: TerraResponseType,
    req: HttpRequest,
    request: RequestOptions | undefined,
    parse: Parse<T>,
    options: CallOptions = {},
  ): Promise<TerraApiResponse<T>> {
    const checked = checkRequestOptions(request);
    const sent = withExtraQuery(req, checked.extraQuery);
    const response = await this.#http.request(sent, checked);
    const subject = `The ${req.method} ${req.path} response`;
    const effect = options.effect === true;
    const text = effect || options.idsAsText === true ? idNumbersAsText(response.rawBody) : response.rawBody;
    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = parseJson(text, subject);
      } catch (error) {
        if (!effect) throw error;
        const { status, requestId } = response;
        throw new TerraUnreadableResponseError({ method: req.method, path: req.path, status, requestId });
      }
    }
    const legacy = legacyErrorInBody(json, response, req.method, req.path, options.notFoundInBody === true);
    if (legacy) throw legacy;
    const prepared = options.prepare ? options.prepare(json) : json;
    let drift: readonly SchemaDrift[] = NO_DRIFT;
    const tolerate = <V>(tolerated: Tolerated<V>): V => {
      drift = tolerated.drift;
      return tolerated.value;
    };
    const model = <V>(schema: z.ZodMiniType<V>, value: unknown): V =>
      effect ? tolerate(parseEffectAnswer(schema, value, subject)) : parseStrict(schema, value, subject);
    const parsed =
      typeof parse === 'function'
        ? parse(prepared, { subject, status: response.status, tolerate, model })
        : model(parse, prepared);
    return new TerraApiResponse({ ...response, dtype, json, parsed, drift });
  }
}

/**
 * The request with the caller's `extraQuery` added. A key the method sets itself (even when this call
 * leaves it out) is refused: the method's own option is the way to set it.
 */
function withExtraQuery(req: HttpRequest, extra: Record<string, string> | undefined): HttpRequest {
  if (extra === undefined) return req;
  const own = req.query ?? {};
  for (const key of Object.keys(extra)) {
    if (Object.hasOwn(own, key)) {
      throw new TerraInvalidArgumentError(
        `extraQuery.${key}`,
        `extraQuery.${key} is a parameter this method sets itself; use the method's own option for it`,
      );
    }
  }
  return { ...req, query: { ...own, ...extra } };
}
