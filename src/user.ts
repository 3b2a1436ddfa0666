import type { Terra } from './client.js';
import type { RequestOptions } from './internal/http.js';
import type {
  Activity,
  Athlete,
  Body,
  Daily,
  Menstruation,
  ModifyUserResponse,
  Nutrition,
  Sleep,
  SubscribedUsers,
  SubscribedUsersPage,
  SubscribedUsersPageData,
  TerraUser,
} from './models/index.js';
import { parseScopes } from './models/scopes.js';
import type { DataResultFor, TerraApiResponse } from './response.js';

/** Options of a data request (`getActivity`, `getSleep`, ...). */
export interface DataRequestOptions {
  /**
   * First day or instant to read: a `Date` (sent as unix seconds), a `YYYY-MM-DD` date (read by
   * Terra as 00:00 UTC), or unix seconds.
   */
  readonly startDate: Date | string | number;
  /** End of the range, exclusive, in the same forms. Omitted, the range is one day. */
  readonly endDate?: Date | string | number | undefined;
  /**
   * `true` (the default): Terra sends the data to your webhook and the response is a
   * `SentToWebhook` acknowledgement. `false`: the data comes back in the response.
   */
  readonly toWebhook?: boolean | undefined;
  /** Include time series (heart-rate samples, GPS, ...). Default `true`. */
  readonly withSamples?: boolean | undefined;
}

/** Options of an athlete (profile) request. */
export interface AthleteRequestOptions {
  /** As for data requests: `true` (the default) sends the profile to your webhook. */
  readonly toWebhook?: boolean | undefined;
}

/** Options of {@link Terra.modifyUser} and {@link User.modify}: what to change (at least one). */
export interface ModifyUserOptions {
  /** Your new id for the person. */
  referenceId?: string | undefined;
  /** `false` to stop Terra receiving this connection's data, `true` to resume. */
  active?: boolean | undefined;
}

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
 * A Terra user: one connection of one of your users to one provider account, bound to the client
 * that fetched it. Read its data with `getActivity`, `getSleep`, ... Fields are Terra's own
 * (`user_id`, `provider`, `reference_id`, ...).
 *
 * The `user_id` changes when the person reconnects the same account (a `user_reauth` event tells
 * you); key your records by your own id (`reference_id`).
 */
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
  readonly #client: Terra;

  /**
   * Binds a Terra user record to a client. Usually you get users from `terra.fromUserId` or
   * `terra.iterateUsers` instead.
   */
  constructor(client: Terra, user: TerraUser) {
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

  /** Workouts and other sessions with a start and an end. See {@link Terra.getActivityForUser}. */
  getActivity<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Activity[]>>> {
    return this.#client.getActivityForUser(this, options, request);
  }

  /** Body measurements (weight, blood pressure, glucose, ...). See {@link Terra.getBodyForUser}. */
  getBody<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Body[]>>> {
    return this.#client.getBodyForUser(this, options, request);
  }

  /** Daily summaries (steps, calories, ...). See {@link Terra.getDailyForUser}. */
  getDaily<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Daily[]>>> {
    return this.#client.getDailyForUser(this, options, request);
  }

  /** Sleep sessions. See {@link Terra.getSleepForUser}. */
  getSleep<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Sleep[]>>> {
    return this.#client.getSleepForUser(this, options, request);
  }

  /** Meals and drinks. See {@link Terra.getNutritionForUser}. */
  getNutrition<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Nutrition[]>>> {
    return this.#client.getNutritionForUser(this, options, request);
  }

  /** Menstrual cycle data. See {@link Terra.getMenstruationForUser}. */
  getMenstruation<const O extends DataRequestOptions>(
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Menstruation[]>>> {
    return this.#client.getMenstruationForUser(this, options, request);
  }

  /** The profile (name, birth date, ...). See {@link Terra.getAthleteForUser}. */
  getAthlete<const O extends AthleteRequestOptions = Record<never, never>>(
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>> {
    return this.#client.getAthleteForUser(this, options, request);
  }

  /** This user's current record. See {@link Terra.getUserInfo}. */
  getInfo(request?: RequestOptions): ReturnType<Terra['getUserInfo']> {
    return this.#client.getUserInfo(this, request);
  }

  /**
   * Changes this user's `reference_id` or `active` flag on Terra. This object keeps its values: use
   * the answer's `user`. See {@link Terra.modifyUser}.
   */
  modify(options: ModifyUserOptions, request?: RequestOptions): ReturnType<Terra['modifyUser']> {
    return this.#client.modifyUser(this, options, request);
  }

  /** Disconnects this user and deletes what Terra holds for it. See {@link Terra.deauthenticateUser}. */
  deauthenticate(request?: RequestOptions): ReturnType<Terra['deauthenticateUser']> {
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
