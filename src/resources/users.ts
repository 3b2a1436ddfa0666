/**
 * `terra.users`: your users (Terra's connections), looked up, listed, changed and disconnected,
 * each returned as a {@link User} bound to the client.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraNotFoundError } from '../errors.js';
import { definedFields, idList, type UserRef, userIdOf } from '../internal/arguments.js';
import { type Answer, EFFECT, type Parse, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { lazy, optionsOf, parseArguments, text, wholeNumber } from '../internal/options.js';
import {
  type ModifyUserResponse,
  ModifyUserResponseSchema,
  SubscribedUsersPageSchema,
  SubscribedUsersSchema,
  type TerraUser,
  type UserDeauthResp,
  UserDeauthRespSchema,
  type UserInfo,
  UserInfoSchema,
  UsersResponseSchema,
} from '../models/index.js';
import { parseStrict } from '../models/parse.js';
import type { TerraApiResponse } from '../response.js';
import {
  type BoundSubscribedUsers,
  type BoundSubscribedUsersPage,
  type ModifyUserOptions,
  type ModifyUserResult,
  modifyUserOptions,
  User,
  type UserDataSource,
} from '../user.js';

/** Options of {@link Terra.listUsers} with paging. */
export interface ListUsersPageOptions {
  /** The page, from 0. */
  page: number;
  /** Users per page (Terra's default is 500). */
  perPage?: number | undefined;
}

const listUsersOptions = optionsOf<Partial<ListUsersPageOptions>>()(() => ({
  page: z.optional(wholeNumber('page', 0)),
  perPage: z.optional(wholeNumber('perPage', 1)),
})).check(
  z.superRefine((options, ctx) => {
    if (options.page === undefined && options.perPage !== undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['perPage'],
        message: 'perPage needs page (Terra pages only when page is given)',
        input: options,
      });
    }
  }),
);

const iterateUsersOptions = optionsOf<{ perPage?: number | undefined }>()(() => ({
  perPage: z.optional(wholeNumber('perPage', 1)),
}));

const userIdList = lazy(() => idList('userIds', 'user ids'));

/**
 * Your users (`terra.users`), each a {@link User} bound to the client; the client's `getUserInfo`,
 * `listUsers`, `modifyUser`, ... are its methods under terra-python's names.
 */
export class Users {
  readonly #caller: Requester;
  readonly #source: UserDataSource;

  /** @internal Made by the client (use `terra.users`); `source` is what the users returned are bound to. */
  constructor(caller: Requester, source: UserDataSource) {
    this.#caller = caller;
    this.#source = source;
  }

  /** One user's record, with Terra's polling times (`GET /userInfo?user_id=`). */
  async getUserInfo(user: UserRef, request?: RequestOptions): Promise<TerraApiResponse<UserInfo>> {
    const query = { user_id: userIdOf(user) };
    return this.#caller.call('user_info', { method: 'GET', path: '/userInfo', query }, request, UserInfoSchema, {
      notFoundInBody: true,
    });
  }

  /**
   * Every connection made under one of your ids: one person with several providers, or several
   * accounts (`GET /userInfo?reference_id=`). Check each one's `active` flag.
   */
  async getUsersByReferenceId(referenceId: string, request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    const query = { reference_id: parseArguments(text('referenceId'), referenceId, 'referenceId') };
    return this.#caller.call(
      'users',
      { method: 'GET', path: '/userInfo', query },
      request,
      this.#users(UsersResponseSchema),
      { prepare: unwrapUsers },
    );
  }

  /** The records of several users at once (`POST /bulkUserInfo`), each a {@link User} bound to the client. */
  async getUsersInfo(userIds: readonly string[], request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    const body = parseArguments(userIdList, userIds, 'userIds');
    return this.#caller.call(
      'users',
      { method: 'POST', path: '/bulkUserInfo', body },
      request,
      this.#users(UsersResponseSchema),
    );
  }

  /**
   * Your users (`GET /subscriptions`), each a {@link User} bound to the client (as terra-python's
   * `list_users`; `getJson()` keeps the records as sent). Without options, every user in one
   * response (`users`); with `page`, one page (`data.results`, and `data.next`, the next page or
   * `null`). To walk every page, use {@link Users.iterateUsers}.
   */
  listUsers(options?: undefined, request?: RequestOptions): Promise<TerraApiResponse<BoundSubscribedUsers>>;
  listUsers(
    options: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<BoundSubscribedUsersPage>>;
  async listUsers(
    options?: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<BoundSubscribedUsers | BoundSubscribedUsersPage>> {
    const { page, perPage } = parseArguments(listUsersOptions, options, 'listUsers options');
    const query = { page: page?.toString(), per_page: perPage?.toString() };
    const parse: Parse<BoundSubscribedUsers | BoundSubscribedUsersPage> =
      page === undefined
        ? (json, answer) => {
            const { users, ...rest } = parseStrict(SubscribedUsersSchema, json, answer.subject);
            return { ...rest, ...(users ? { users: this.#bind(users) } : {}) };
          }
        : (json, answer) => {
            const { data, ...rest } = parseStrict(SubscribedUsersPageSchema, json, answer.subject);
            if (!data) return rest;
            const { results, ...more } = data;
            return { ...rest, data: { ...more, ...(results ? { results: this.#bind(results) } : {}) } };
          };
    return this.#caller.call('subscriptions', { method: 'GET', path: '/subscriptions', query }, request, parse);
  }

  /**
   * Every user, page by page, each bound to the client.
   *
   * @example
   * ```ts
   * for await (const user of terra.iterateUsers()) console.log(user.user_id, user.provider);
   * ```
   */
  async *iterateUsers(
    options: { perPage?: number | undefined } = {},
    request?: RequestOptions,
  ): AsyncGenerator<User, void, undefined> {
    const { perPage } = parseArguments(iterateUsersOptions, options, 'iterateUsers options');
    let page: number | null | undefined = 0;
    while (typeof page === 'number') {
      const response: TerraApiResponse<BoundSubscribedUsersPage> = await this.listUsers({ page, perPage }, request);
      const data = response.getParsedResponse().data;
      for (const user of data?.results ?? []) yield user;
      const next: number | null | undefined = data?.next;
      // A next page that does not move forward would loop forever; stop instead.
      page = typeof next === 'number' && next > page ? next : null;
    }
  }

  /**
   * The user with this id, bound to the client (`GET /userInfo`).
   *
   * @throws {@link TerraNotFoundError} when Terra has no such user.
   */
  async fromUserId(userId: string, request?: RequestOptions): Promise<User> {
    const response = await this.getUserInfo(parseArguments(text('userId'), userId, 'userId'), request);
    const info = response.getParsedResponse();
    if (!info.user) {
      throw new TerraNotFoundError({
        status: response.status,
        headers: response.headers,
        requestId: response.requestId,
        body: response.getJson(),
        method: 'GET',
        path: '/userInfo',
        detail: 'Terra returned no user for this user id',
      });
    }
    return new User(this.#source, info.user);
  }

  /**
   * Changes a user's `reference_id` or `active` flag (`PATCH /users/{user_id}`); the answer's `user`
   * is the user as it is now, bound to the client. Also `user.modify(...)`. This call is not in
   * Terra's OpenAPI description: it is the one Terra's own SDKs make (`modifyuser`).
   *
   * @example
   * ```ts
   * const { user: moved } = (await terra.modifyUser(userId, { referenceId: 'user-456' })).getParsedResponse();
   * ```
   * @throws {@link TerraInvalidArgumentError} when neither `referenceId` nor `active` is given.
   */
  async modifyUser(
    user: UserRef,
    options: ModifyUserOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<ModifyUserResult>> {
    const path = `/users/${encodeURIComponent(userIdOf(user))}`;
    const given = parseArguments(modifyUserOptions, options, 'modifyUser options');
    const body = definedFields({ reference_id: given.referenceId, active: given.active });
    return this.#caller.call(
      'user',
      { method: 'PATCH', path, body },
      request,
      (json, answer) => {
        const answered = answer.model<ModifyUserResponse>(ModifyUserResponseSchema, json);
        // Drift may leave something other than an object, or a user without its id: bound only when usable.
        if (typeof answered !== 'object' || answered === null) return answered as ModifyUserResult;
        const { user: changed, ...rest } = answered;
        const usable = typeof changed === 'object' && changed !== null && typeof changed.user_id === 'string';
        // At a drifted path the value is not what the type says (docs/models.md): kept as received.
        const user = usable ? new User(this.#source, changed) : (changed as unknown as User | undefined);
        return { ...rest, ...(user ? { user } : {}) };
      },
      EFFECT,
    );
  }

  /**
   * Disconnects a user and deletes every record Terra holds for it (`DELETE /auth/deauthenticateUser`).
   * A `deauth` event follows.
   */
  async deauthenticateUser(user: UserRef, request?: RequestOptions): Promise<TerraApiResponse<UserDeauthResp>> {
    const query = { user_id: userIdOf(user) };
    return this.#caller.call(
      'deauth',
      { method: 'DELETE', path: '/auth/deauthenticateUser', query },
      request,
      UserDeauthRespSchema,
      EFFECT,
    );
  }

  /** Terra user records, each bound to the client. */
  #bind(users: readonly TerraUser[]): User[] {
    return users.map((user) => new User(this.#source, user));
  }

  /** A parser of a bare list of users that binds each to the client. */
  #users(schema: z.ZodMiniType<TerraUser[]>): (json: unknown, answer: Answer) => User[] {
    return (json, answer) => this.#bind(parseStrict(schema, json, answer.subject));
  }
}

/** A reference-id lookup answers with an array; an `{users: [...]}` wrapper is accepted too. */
function unwrapUsers(json: unknown): unknown {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'users' in json) {
    return (json as { users: unknown }).users;
  }
  return json;
}
