/**
 * `terra.plannedWorkouts`: the workouts on one user's calendar, planned through Terra
 * (`terra.workouts.plan`) or made on the provider's side (`is_external`).
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { calendarDay, pathSegment, terraId, userIdOf } from '../internal/arguments.js';
import { EFFECT, IDS, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { lazy, optionsOf, parseArguments } from '../internal/options.js';
import {
  type PlannedWorkout,
  PlannedWorkoutSchema,
  type PlannedWorkoutSummary,
  PlannedWorkoutSummarySchema,
} from '../models/generated/index.js';
import type { Deleted, TerraApiResponse } from '../response.js';
import type { User } from '../user.js';
import { listOf, PLANNED_WORKOUTS_ADD_ON } from './shared.js';

/** Options of {@link PlannedWorkouts.list}: a window of planned dates, both ends or neither. */
export interface PlannedWorkoutListOptions {
  /** First planned day to list, `YYYY-MM-DD`. Needs `endDate`. */
  startDate?: string | undefined;
  /**
   * Last planned day to list, `YYYY-MM-DD`, **inclusive**: unlike the data endpoints (`getActivity`
   * and the like, whose `endDate` is exclusive), a workout planned on `endDate` is listed. Needs
   * `startDate`.
   */
  endDate?: string | undefined;
}

const listOptions = optionsOf<PlannedWorkoutListOptions>()(() => ({
  startDate: z.optional(calendarDay('startDate')),
  endDate: z.optional(calendarDay('endDate')),
})).check(
  z.superRefine((options, ctx) => {
    const { startDate, endDate } = options;
    if ((startDate === undefined) !== (endDate === undefined)) {
      const missing = startDate === undefined ? 'startDate' : 'endDate';
      ctx.issues.push({
        code: 'custom',
        path: [missing],
        message: `pass both startDate and endDate, or neither: Terra ignores one alone (${missing} is missing)`,
        input: options,
      });
    } else if (startDate !== undefined && endDate !== undefined && endDate < startDate) {
      ctx.issues.push({ code: 'custom', path: ['endDate'], message: 'endDate is before startDate', input: options });
    }
  }),
);

const plannedWorkoutIdSchema = lazy(() => terraId('plannedWorkoutId'));
const PlannedWorkoutListSchema = lazy(() => listOf(PlannedWorkoutSchema));

/**
 * The workouts on a user's calendar (`terra.plannedWorkouts`). Every call names the user (a `User`
 * or a user id) the planned workout belongs to.
 *
 * @example
 * ```ts
 * const week = await terra.plannedWorkouts.list(userId, { startDate: '2026-07-13', endDate: '2026-07-19' });
 * for (const planned of week.getParsedResponse()) console.log(planned.planned_date, planned.is_external);
 * ```
 */
export class PlannedWorkouts {
  readonly #caller: Requester;

  /** @internal Made by the client: use `terra.plannedWorkouts`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /**
   * A user's planned workouts (`GET /plannedWorkouts`), including those made on the provider
   * (`is_external: true`, their steps under `details`). Give a window with both `startDate` and
   * `endDate` (`endDate` is inclusive here, unlike the data endpoints), or neither: without one,
   * Terra lists the provider's workouts of the trailing 30 days, so pass a window to see upcoming ones.
   * One date alone is refused before any request (Terra would ignore it).
   */
  async list(
    user: User | string,
    options: PlannedWorkoutListOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<PlannedWorkout[]>> {
    const userId = userIdOf(user);
    const { startDate, endDate } = parseArguments(listOptions, options, 'plannedWorkouts.list options');
    const query = { user_id: userId, start_date: startDate, end_date: endDate };
    return this.#caller.call(
      'planned_workouts',
      { method: 'GET', path: '/plannedWorkouts', query },
      request,
      PlannedWorkoutListSchema,
      IDS,
    );
  }

  /**
   * One planned workout (`GET /plannedWorkouts/{planned_workout_id}`). Workouts made on the provider
   * cannot be fetched by id: they come only from {@link PlannedWorkouts.list}.
   *
   * @throws {@link TerraNotFoundError} when the user has no planned workout with this id.
   */
  async get(
    user: User | string,
    plannedWorkoutId: string,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<PlannedWorkoutSummary>> {
    const query = { user_id: userIdOf(user) };
    const path = `/plannedWorkouts/${pathSegment(plannedWorkoutIdSchema, plannedWorkoutId, 'plannedWorkoutId')}`;
    return this.#caller.call(
      'planned_workout',
      { method: 'GET', path, query },
      request,
      PlannedWorkoutSummarySchema,
      IDS,
    );
  }

  /**
   * Moves a planned workout to another day (`PATCH /plannedWorkouts/{planned_workout_id}`), on the
   * provider too. Only the date changes: the athlete's numbers given when it was planned stay.
   *
   * @param plannedDate the new day, `YYYY-MM-DD`.
   * @throws {@link TerraForbiddenError} (403) when the Planned Workouts add-on is not enabled.
   * @throws {@link TerraNotFoundError} when the user has no planned workout with this id.
   */
  async reschedule(
    user: User | string,
    plannedWorkoutId: string,
    plannedDate: string,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<PlannedWorkoutSummary>> {
    const query = { user_id: userIdOf(user) };
    const path = `/plannedWorkouts/${pathSegment(plannedWorkoutIdSchema, plannedWorkoutId, 'plannedWorkoutId')}`;
    const body = { planned_date: parseArguments(calendarDay('plannedDate'), plannedDate, 'plannedDate') };
    return this.#caller.call(
      'planned_workout',
      { method: 'PATCH', path, query, body, errorHints: { 403: PLANNED_WORKOUTS_ADD_ON } },
      request,
      PlannedWorkoutSummarySchema,
      EFFECT,
    );
  }

  /**
   * Removes one planned workout from the user's calendar and provider
   * (`DELETE /plannedWorkouts/{planned_workout_id}`, answered 204). The template stays; to delete it
   * and every plan made from it, use `terra.workouts.delete`.
   *
   * @throws {@link TerraNotFoundError} when the user has no planned workout with this id.
   */
  async delete(
    user: User | string,
    plannedWorkoutId: string,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<Deleted>> {
    const query = { user_id: userIdOf(user) };
    const path = `/plannedWorkouts/${pathSegment(plannedWorkoutIdSchema, plannedWorkoutId, 'plannedWorkoutId')}`;
    return this.#caller.call(
      'planned_workout',
      { method: 'DELETE', path, query },
      request,
      () => ({ kind: 'Deleted' }),
      EFFECT,
    );
  }
}
