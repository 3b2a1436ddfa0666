/**
 * `User`: one Terra connection bound to what can read its data. It depends on {@link UserDataSource},
 * a small interface the client satisfies, never on the client itself.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { RequestOptions } from './internal/http.js';
import { flag, lazy, optionsOf, text } from './internal/options.js';
import type {
  Athlete,
  ModifyUserResponse,
  SubscribedUsers,
  SubscribedUsersPage,
  SubscribedUsersPageData,
  TerraUser,
  UserDeauthResp,
  UserInfo,
} from './models/index.js';
import { parseScopes } from './models/scopes.js';
import {
  type AthleteRequestOptions,
  addRangeReads,
  type DataRequestOptions,
  type RangeRead,
} from './resources/data.js';
import type { DataResultFor, RangeDataType, TerraApiResponse } from './response.js';

/** Options of {@link Terra.modifyUser} and {@link User.modify}: what to change (at least one). */
export interface ModifyUserOptions {
  /** Your new id for the person. */
  referenceId?: string | undefined;
  /** `false` to stop Terra receiving this connection's data, `true` to resume. */
  active?: boolean | undefined;
}

/** `modifyUser`: at least one of the two changes. @internal */
export const modifyUserOptions = lazy(() =>
  optionsOf<ModifyUserOptions>()(() => ({
    referenceId: z.optional(text('referenceId')),
    active: z.optional(flag('active')),
  })).check(
    z.superRefine((options, ctx) => {
      if (options.referenceId === undefined && options.active === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: [],
          message: 'modifyUser options must give referenceId, active or both: there is nothing to change',
          input: options,
        });
      }
    }),
  ),
);

/** What {@link Terra.modifyUser} returns: Terra's answer, its `user` bound to the client. */
export type ModifyUserResult = Omit<ModifyUserResponse, 'user'> & {
  /** The user as it is now. */
  user?: User | undefined;
};

/** `GET /subscriptions` without paging ({@link SubscribedUsers}), each user bound to the client. */
export type BoundSubscribedUsers = Omit<SubscribedUsers, 'users'> & {
  /** Every user, each a {@link User}. */
  users?: User[] | undefined;
};

/** One page of `GET /subscriptions` ({@link SubscribedUsersPage}), each user bound to the client. */
export type BoundSubscribedUsersPage = Omit<SubscribedUsersPage, 'data'> & {
  /** The page: its users, and `next`, the next page or `null`. */
  data?:
    | (Omit<SubscribedUsersPageData, 'results'> & {
        /** The users of this page, each a {@link User}. */
        results?: User[] | undefined;
      })
    | undefined;
};

/**
 * The client's date-range reads, one per data type, made from the one list of data types:
 * `getActivityForUser` (workouts and other sessions with a start and an end, `GET /activity`),
 * `getBodyForUser` (weight, blood pressure, glucose, ..., `GET /body`), `getDailyForUser` (daily
 * summaries, `GET /daily`), `getSleepForUser` (`GET /sleep`), `getNutritionForUser` (meals and
 * drinks, `GET /nutrition`) and `getMenstruationForUser` (`GET /menstruation`).
 *
 * Each takes a user (a {@link User} or a user id), {@link DataRequestOptions} and request options.
 * By default Terra sends the data to your webhook (`SentToWebhook`); with `toWebhook: false` it
 * comes back in the response, and the result type follows that literal.
 *
 * @example
 * ```ts
 * const sleep = await terra.getSleepForUser(userId, { startDate: '2026-07-01', toWebhook: false });
 * ```
 */
export interface UserRangeReads {
  /** Workouts and other sessions (`GET /activity`) of a user, from `startDate` to `endDate`. */
  getActivityForUser: RangeReadForUser<'activity'>;
  /** Body measurements (`GET /body`: weight, blood pressure, glucose, ...) of a user. */
  getBodyForUser: RangeReadForUser<'body'>;
  /** Daily summaries (`GET /daily`: steps, calories, heart rate, ...) of a user. */
  getDailyForUser: RangeReadForUser<'daily'>;
  /** Sleep sessions (`GET /sleep`) of a user. */
  getSleepForUser: RangeReadForUser<'sleep'>;
  /** Meals and drinks (`GET /nutrition`) of a user. */
  getNutritionForUser: RangeReadForUser<'nutrition'>;
  /** Menstrual cycles (`GET /menstruation`) of a user. */
  getMenstruationForUser: RangeReadForUser<'menstruation'>;
}

/** A client's date-range read of one data type, for a user. */
export type RangeReadForUser<K extends RangeDataType> = <const O extends DataRequestOptions>(
  user: User | string,
  options: O,
  request?: RequestOptions,
) => RangeRead<K, O>;

/** A user's own date-range read of one data type. */
export type RangeReadOfUser<K extends RangeDataType> = <const O extends DataRequestOptions>(
  options: O,
  request?: RequestOptions,
) => RangeRead<K, O>;

// The interfaces above are written out for their documentation; these fail to compile if the list of
// data types and the interfaces ever disagree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rangeReadsMatchTheList: Same<keyof UserRangeReads, `get${Capitalize<RangeDataType>}ForUser`> = true;
const userReadsMatchTheList: Same<keyof UserDataReads, `get${Capitalize<RangeDataType>}`> = true;
void rangeReadsMatchTheList;
void userReadsMatchTheList;

/**
 * What a {@link User} needs: the client's reads and user calls. A `Terra` client is one; so is any
 * object with these methods (a test double, a wrapper that adds logging).
 */
export interface UserDataSource extends UserRangeReads {
  /** The athlete profile of a user (`GET /athlete`). */
  getAthleteForUser<const O extends AthleteRequestOptions = Record<never, never>>(
    user: User | string,
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>>;
  /** A user's connection as Terra knows it now (`GET /userInfo`). */
  getUserInfo(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserInfo>>;
  /** Changes a user's reference id or pauses its data (`PATCH /users/{id}`). */
  modifyUser(
    user: User | string,
    options: ModifyUserOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<ModifyUserResult>>;
  /** Ends a user's connection (`DELETE /auth/deauthenticateUser`). */
  deauthenticateUser(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserDeauthResp>>;
}

/**
 * A user's date-range reads, one per data type, each the client's `get<Type>ForUser` for this user:
 * `getActivity` (workouts and other sessions), `getBody` (weight, blood pressure, glucose, ...),
 * `getDaily` (steps, calories, ...), `getSleep`, `getNutrition` (meals and drinks) and
 * `getMenstruation`. See {@link Terra.getActivityForUser}.
 */
export interface UserDataReads {
  /** This user's workouts and other sessions, from `startDate` to `endDate`. See {@link Terra.getActivityForUser}. */
  getActivity: RangeReadOfUser<'activity'>;
  /** This user's body measurements. See {@link Terra.getBodyForUser}. */
  getBody: RangeReadOfUser<'body'>;
  /** This user's daily summaries. See {@link Terra.getDailyForUser}. */
  getDaily: RangeReadOfUser<'daily'>;
  /** This user's sleep sessions. See {@link Terra.getSleepForUser}. */
  getSleep: RangeReadOfUser<'sleep'>;
  /** This user's meals and drinks. See {@link Terra.getNutritionForUser}. */
  getNutrition: RangeReadOfUser<'nutrition'>;
  /** This user's menstrual cycles. See {@link Terra.getMenstruationForUser}. */
  getMenstruation: RangeReadOfUser<'menstruation'>;
}

/** The date-range reads, added to the class by its static block from the one list of data types. */
export interface User extends UserDataReads {}

/**
 * A Terra user: one connection of one of your users to one provider account, bound to the client
 * that fetched it. Read its data with `getActivity`, `getSleep`, ... ({@link UserDataReads}). Fields
 * are Terra's own (`user_id`, `provider`, `reference_id`, ...).
 *
 * The `user_id` changes when the person reconnects the same account (a `user_reauth` event tells
 * you); key your records by your own id (`reference_id`).
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class User implements TerraUser {
  /** Terra's id of this connection. */
  readonly user_id: string;
  /** The provider (`GARMIN`, `FITBIT`, ...); null or absent when Terra's record does not say, as in some deauth events. */
  readonly provider: string | null | undefined;
  /** Your id for the person, as given when they connected. */
  readonly reference_id: string | null | undefined;
  /** The permissions granted, as Terra sends them: one comma-separated string. See {@link User.scopeList}. */
  readonly scopes: string | null | undefined;
  /** Whether Terra still receives data for this connection. */
  readonly active: boolean | null | undefined;
  /** When the connection was made. */
  readonly created_at: string | null | undefined;
  /** When Terra last sent a webhook for this connection. */
  readonly last_webhook_update: string | null | undefined;
  readonly #client: UserDataSource;

  static {
    addRangeReads(
      User.prototype,
      (name) => `get${name}`,
      function (_type, name, options, request) {
        return this.#client[`get${name}ForUser`](this, options, request);
      },
    );
  }

  /**
   * Binds a Terra user record to a client (or any {@link UserDataSource}). Usually you get users
   * from `terra.fromUserId` or `terra.iterateUsers` instead.
   */
  constructor(client: UserDataSource, user: TerraUser) {
    this.#client = client;
    this.user_id = user.user_id;
    this.provider = user.provider;
    this.reference_id = user.reference_id;
    this.scopes = user.scopes;
    this.active = user.active;
    this.created_at = user.created_at;
    this.last_webhook_update = user.last_webhook_update;
  }

  /** The scopes as a clean list (trimmed, no empties or duplicates). */
  get scopeList(): string[] {
    return parseScopes(this.scopes);
  }

  /** The profile (name, birth date, ...). See {@link Terra.getAthleteForUser}. */
  getAthlete<const O extends AthleteRequestOptions = Record<never, never>>(
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>> {
    return this.#client.getAthleteForUser(this, options, request);
  }

  /** This user's current record. See {@link Terra.getUserInfo}. */
  getInfo(request?: RequestOptions): Promise<TerraApiResponse<UserInfo>> {
    return this.#client.getUserInfo(this, request);
  }

  /**
   * Changes this user's `reference_id` or `active` flag on Terra. This object keeps its values: use
   * the answer's `user`. See {@link Terra.modifyUser}.
   */
  modify(options: ModifyUserOptions, request?: RequestOptions): Promise<TerraApiResponse<ModifyUserResult>> {
    return this.#client.modifyUser(this, options, request);
  }

  /** Disconnects this user and deletes what Terra holds for it. See {@link Terra.deauthenticateUser}. */
  deauthenticate(request?: RequestOptions): Promise<TerraApiResponse<UserDeauthResp>> {
    return this.#client.deauthenticateUser(this, request);
  }

  /** The user's fields, for logging and storage (the client is not included). */
  toJSON(): TerraUser {
    return {
      user_id: this.user_id,
      provider: this.provider,
      reference_id: this.reference_id,
      scopes: this.scopes,
      active: this.active,
      created_at: this.created_at,
      last_webhook_update: this.last_webhook_update,
    };
  }
}
