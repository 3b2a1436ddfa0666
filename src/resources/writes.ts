/**
 * `terra.writes`: writing records to a user's provider account and deleting them again. These are
 * calls of Terra's own SDKs, not in its OpenAPI description.
 *
 * @packageDocumentation
 */
import { idList, modelListArgument, type UserRef, userIdOf } from '../internal/arguments.js';
import { EFFECT, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { parseArguments } from '../internal/options.js';
import {
  type Activity,
  ActivitySchema,
  type Body,
  BodySchema,
  type DeleteDataResponse,
  DeleteDataResponseSchema,
  type Nutrition,
  NutritionSchema,
  type WriteDataResponse,
  WriteDataResponseSchema,
} from '../models/index.js';
import type { TerraApiResponse } from '../response.js';

/**
 * Writes and deletes (`terra.writes`); the client's `postActivity`, `deleteBody`, ... are its
 * methods under terra-python's names.
 */
export class Writes {
  readonly #caller: Requester;

  /** @internal Made by the client: use `terra.writes`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /**
   * Writes activities to the user's provider account (`POST /activity`, body `{data: [...]}`). Terra
   * supports this for users connected through **Wahoo** only. Each activity is checked against
   * {@link Activity} before anything is sent; the answer's `log_ids` are the provider's ids of the
   * records, in order.
   *
   * No `user_id` is sent: the request is exactly the one Terra's own SDKs make, which send none (it
   * is not in Terra's OpenAPI description, so this is unverified against the live API). If Terra asks
   * for one, add it with `{ extraQuery: { user_id } }` as the request options.
   */
  async postActivity(
    activities: readonly Activity[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WriteDataResponse>> {
    return this.#write('/activity', modelListArgument(ActivitySchema, activities, 'activities'), request);
  }

  /**
   * Writes body measurements to the user's provider account (`POST /body`, body `{data: [...]}`).
   * Terra supports this for users connected through **Google Fit** only. As
   * {@link Writes.postActivity}: checked first, no `user_id` sent (use `extraQuery` if needed).
   */
  async postBody(bodies: readonly Body[], request?: RequestOptions): Promise<TerraApiResponse<WriteDataResponse>> {
    return this.#write('/body', modelListArgument(BodySchema, bodies, 'bodies'), request);
  }

  /**
   * Writes meals and drinks to the user's provider account (`POST /nutrition`, body `{data: [...]}`).
   * Terra supports this for users connected through **Fitbit** only. As {@link Writes.postActivity}:
   * checked first, no `user_id` sent (use `extraQuery` if needed).
   */
  async postNutrition(
    meals: readonly Nutrition[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WriteDataResponse>> {
    return this.#write('/nutrition', modelListArgument(NutritionSchema, meals, 'meals'), request);
  }

  /**
   * Deletes body records written with {@link Writes.postBody} (Google Fit), by the `log_ids` the write
   * returned (`DELETE /body?user_id=`, body `{log_ids: [...]}`). Check each entry of
   * `processed_data`: a delete can succeed for some ids only.
   */
  async deleteBody(
    user: UserRef,
    logIds: readonly string[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DeleteDataResponse>> {
    const query = { user_id: userIdOf(user) };
    const body = { log_ids: parseArguments(idList('logIds'), logIds, 'logIds') };
    return this.#delete('/body', query, body, request);
  }

  /**
   * Deletes nutrition records written with {@link Writes.postNutrition} (Fitbit), by the ids the write
   * returned (`DELETE /nutrition?user_id=`). Unlike {@link Writes.deleteBody}, Terra takes this list
   * under the key `data` (`{data: [...]}`), not `log_ids`; the SDK sends each as Terra expects.
   */
  async deleteNutrition(
    user: UserRef,
    ids: readonly string[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DeleteDataResponse>> {
    const query = { user_id: userIdOf(user) };
    const body = { data: parseArguments(idList('ids'), ids, 'ids') };
    return this.#delete('/nutrition', query, body, request);
  }

  #write(path: string, data: unknown[], request: RequestOptions | undefined) {
    return this.#caller.call(
      'data_write',
      { method: 'POST', path, body: { data } },
      request,
      WriteDataResponseSchema,
      EFFECT,
    );
  }

  #delete(path: string, query: Record<string, string>, body: unknown, request: RequestOptions | undefined) {
    return this.#caller.call(
      'data_delete',
      { method: 'DELETE', path, query, body },
      request,
      DeleteDataResponseSchema,
      EFFECT,
    );
  }
}
