/**
 * Models of the calls Terra serves but its OpenAPI description leaves out (terra-api-facts §2.7):
 * changing a user (`PATCH /users/{user_id}`) and the data writes and deletes (`POST /activity`,
 * `DELETE /body`, ...). Their shapes come from the request and answer types of Terra's own generated
 * SDKs; written by hand here, since the generator reads only the spec. Loose, like every model:
 * fields Terra adds are kept.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { type TerraUser, TerraUserSchema } from './generated/TerraUser.js';
import { lazySchema, ref } from './lazy.js';

/**
 * Terra's answer to a change of a user's `reference_id` or `active` flag (`PATCH /users/{user_id}`):
 * the user as it is now. Not in Terra's OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Users
 */
export interface ModifyUserResponse {
  /** The user after the change. */
  user?: TerraUser | undefined;
  /** `success` when the change was made. */
  status?: 'success' | (string & {}) | undefined;
}

/**
 * Zod schema for {@link ModifyUserResponse}, built on first use.
 * @category Users
 */
export const ModifyUserResponseSchema: z.ZodMiniType<ModifyUserResponse> = /* @__PURE__ */ lazySchema(
  'ModifyUserResponse',
  () => z.looseObject({ user: z.optional(ref(TerraUserSchema)), status: z.optional(z.string()) }),
);

/**
 * Terra's answer to a data write (`POST /activity`, `POST /body`, `POST /nutrition`). Not in Terra's
 * OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Requests
 */
export interface WriteDataResponse {
  /** The connection the data was written for, when Terra says. */
  user?: TerraUser | undefined;
  /** The provider's ids of the records written, in the order they were sent; pass them to a delete. */
  log_ids?: string[] | undefined;
  /** Terra's explanation, for people. */
  message?: string | undefined;
}

/**
 * Zod schema for {@link WriteDataResponse}, built on first use.
 * @category Requests
 */
export const WriteDataResponseSchema: z.ZodMiniType<WriteDataResponse> = /* @__PURE__ */ lazySchema(
  'WriteDataResponse',
  () =>
    z.looseObject({
      user: z.optional(ref(TerraUserSchema)),
      log_ids: z.optional(z.array(z.string())),
      message: z.optional(z.string()),
    }),
);

/**
 * What happened to one record of a data delete: its id and the provider's HTTP status for it.
 * @category Requests
 */
export interface DeletedRecord {
  /** The id of the record, as sent. */
  id?: string | undefined;
  /** The provider's status for this record (200 or 204 when it was deleted). */
  response_code?: number | undefined;
}

/**
 * Zod schema for {@link DeletedRecord}, built on first use.
 * @category Requests
 */
export const DeletedRecordSchema: z.ZodMiniType<DeletedRecord> = /* @__PURE__ */ lazySchema('DeletedRecord', () =>
  z.looseObject({ id: z.optional(z.string()), response_code: z.optional(z.number()) }),
);

/**
 * Terra's answer to a data delete (`DELETE /body`, `DELETE /nutrition`): the outcome of each record.
 * Not in Terra's OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Requests
 */
export interface DeleteDataResponse {
  /** The connection the records belonged to. */
  user?: TerraUser | undefined;
  /** One entry per id sent: check each `response_code`, a delete can succeed for some ids only. */
  processed_data?: DeletedRecord[] | undefined;
}

/**
 * Zod schema for {@link DeleteDataResponse}, built on first use.
 * @category Requests
 */
export const DeleteDataResponseSchema: z.ZodMiniType<DeleteDataResponse> = /* @__PURE__ */ lazySchema(
  'DeleteDataResponse',
  () =>
    z.looseObject({
      user: z.optional(ref(TerraUserSchema)),
      processed_data: z.optional(z.array(ref(DeletedRecordSchema))),
    }),
);
