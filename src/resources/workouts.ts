/**
 * `terra.workouts`: workout templates, and planning them onto a user's calendar (Terra's Planned
 * Workouts product). A template holds the steps; planning it for a user on a date sends it to their
 * provider (Garmin, Wahoo, ...) or queues it for the mobile SDK.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import {
  calendarDay,
  definedFields,
  modelArgument,
  optionalNumber,
  pathSegment,
  terraId,
  userIdOf,
} from '../internal/arguments.js';
import { EFFECT, IDS, type Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { lazy, optionsOf, parseArguments } from '../internal/options.js';
import {
  type CreateWorkoutResponse,
  CreateWorkoutResponseSchema,
  DeleteWorkoutPartialResponseSchema,
  type PlanWorkoutResponse,
  PlanWorkoutResponseSchema,
  type WorkoutTemplate,
  WorkoutTemplateSchema,
} from '../models/generated/index.js';
import type { TerraApiResponse, WorkoutDeleteResult } from '../response.js';
import type { User } from '../user.js';
import { listOf, PLANNED_WORKOUTS_ADD_ON } from './shared.js';

/** Options of {@link Workouts.plan}. */
export interface PlanWorkoutOptions {
  /** The connection whose calendar gets the workout: a `User` or a user id. */
  user: User | string;
  /** The day to schedule it on, `YYYY-MM-DD`, in the user's own calendar. */
  plannedDate: string;
  /** The user's functional threshold power, in watts (turns percentage power targets into watts). */
  ftp?: number | undefined;
  /** The user's maximum heart rate, in beats per minute (turns percentage heart-rate targets into bpm). */
  maxHeartRate?: number | undefined;
  /** The user's threshold heart rate, in beats per minute. */
  thresholdHeartRate?: number | undefined;
  /** The user's threshold speed, in metres per second. */
  thresholdSpeed?: number | undefined;
  /** The pool's length for swim workouts, in metres; replaces the template's. */
  poolLengthMeters?: number | undefined;
}

const planOptions = optionsOf<PlanWorkoutOptions>()(() => ({
  user: z.unknown(),
  plannedDate: calendarDay('plannedDate'),
  ftp: optionalNumber('ftp'),
  maxHeartRate: optionalNumber('maxHeartRate'),
  thresholdHeartRate: optionalNumber('thresholdHeartRate'),
  thresholdSpeed: optionalNumber('thresholdSpeed'),
  poolLengthMeters: optionalNumber('poolLengthMeters'),
}));

const workoutIdSchema = lazy(() => terraId('workoutId'));
const WorkoutTemplateListSchema = lazy(() => listOf(WorkoutTemplateSchema));

/**
 * Workout templates and their plans (`terra.workouts`). Templates belong to your developer account;
 * a plan puts one on a user's calendar. See `terra.plannedWorkouts` for the plans themselves.
 *
 * Ids are strings: Terra's ids exceed 2^53, where JavaScript numbers lose digits.
 *
 * @example
 * ```ts
 * const { workout_id } = (await terra.workouts.create(template)).getParsedResponse();
 * const plan = await terra.workouts.plan(workout_id ?? '', { user: userId, plannedDate: '2026-07-14', ftp: 250 });
 * console.log(plan.status, plan.getParsedResponse().planned_workout_id); // 201
 * ```
 */
export class Workouts {
  readonly #caller: Requester;

  /** @internal Made by the client: use `terra.workouts`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /**
   * Stores a workout template (`POST /workouts`). The template is checked against
   * {@link WorkoutTemplate} before it is sent; `workout_id` in it is ignored (Terra assigns one).
   * Terra refuses with a 400 targets outside its sanity ranges (heart rate 30–250 bpm, power
   * 1–2000 W, ...) and a percentage target given as a single `value`.
   *
   * @throws {@link TerraBadRequestError} when Terra refuses the template.
   */
  async create(template: WorkoutTemplate, request?: RequestOptions): Promise<TerraApiResponse<CreateWorkoutResponse>> {
    const body = modelArgument(WorkoutTemplateSchema, template, 'template');
    return this.#caller.call(
      'workout',
      { method: 'POST', path: '/workouts', body },
      request,
      CreateWorkoutResponseSchema,
      EFFECT,
    );
  }

  /** Every template of your developer account, each with its `workout_id` (`GET /workouts`). */
  async list(request?: RequestOptions): Promise<TerraApiResponse<WorkoutTemplate[]>> {
    return this.#caller.call('workouts', { method: 'GET', path: '/workouts' }, request, WorkoutTemplateListSchema, IDS);
  }

  /**
   * One template (`GET /workouts/{workout_id}`).
   *
   * @throws {@link TerraNotFoundError} when there is no template with this id.
   */
  async get(workoutId: string, request?: RequestOptions): Promise<TerraApiResponse<WorkoutTemplate>> {
    const path = `/workouts/${pathSegment(workoutIdSchema, workoutId, 'workoutId')}`;
    return this.#caller.call('workout', { method: 'GET', path }, request, WorkoutTemplateSchema, IDS);
  }

  /**
   * Deletes a template and every plan made from it, on every user's provider too
   * (`DELETE /workouts/{workout_id}`). To remove one plan, use `terra.plannedWorkouts.delete`.
   *
   * The result says whether it is done: `{ kind: 'Deleted' }` (204), or `{ kind: 'PartlyDeleted',
   * message }` (207) when some providers did not delete their copy: Terra then keeps the template,
   * and calling `delete` again later finishes the job.
   *
   * @example
   * ```ts
   * const result = (await terra.workouts.delete(workoutId)).getParsedResponse();
   * if (result.kind === 'PartlyDeleted') console.warn(`kept for now: ${result.message}`);
   * ```
   * @throws {@link TerraNotFoundError} when there is no template with this id.
   * @throws {@link TerraProviderError} (424) when a provider cannot delete yet: retry later.
   */
  async delete(workoutId: string, request?: RequestOptions): Promise<TerraApiResponse<WorkoutDeleteResult>> {
    const path = `/workouts/${pathSegment(workoutIdSchema, workoutId, 'workoutId')}`;
    const errorHints = { 424: 'A provider could not delete its copy yet, so the template is kept: retry later' };
    return this.#caller.call(
      'workout',
      { method: 'DELETE', path, errorHints },
      request,
      (json, answer) => {
        if (answer.status !== 207) return { kind: 'Deleted' };
        const partial = answer.model(DeleteWorkoutPartialResponseSchema, json ?? {});
        // Drift may leave something other than an object: the kind is what the status says.
        const fields = typeof partial === 'object' && partial !== null ? partial : {};
        return { ...fields, kind: 'PartlyDeleted', message: fields.message };
      },
      EFFECT,
    );
  }

  /**
   * Plans a template onto a user's calendar (`POST /workouts/{workout_id}/plan`, answered 201): Terra
   * sends it to the user's provider, or queues it for the mobile SDK (Apple). The athlete's numbers
   * (`ftp`, `maxHeartRate`, ...) turn relative targets into absolute ones, for this plan only.
   *
   * `coercion_warnings` in the answer says where Terra had to adapt the workout to the provider: a
   * list of `{ path, message }` in practice, a string in the spec; both are accepted.
   *
   * @throws {@link TerraForbiddenError} (403) when the Planned Workouts add-on is not enabled.
   * @throws {@link TerraProviderError} (424) when the provider rejected the workout.
   * @throws {@link TerraNotFoundError} when the template or the user does not exist.
   */
  async plan(
    workoutId: string,
    options: PlanWorkoutOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<PlanWorkoutResponse>> {
    const id = pathSegment(workoutIdSchema, workoutId, 'workoutId');
    const given = parseArguments(planOptions, options, 'plan options');
    const query = { user_id: userIdOf(given.user, 'options.user') };
    const body = definedFields({
      planned_date: given.plannedDate,
      ftp: given.ftp,
      max_heart_rate: given.maxHeartRate,
      threshold_heart_rate: given.thresholdHeartRate,
      threshold_speed: given.thresholdSpeed,
      pool_length_meters: given.poolLengthMeters,
    });
    const errorHints = {
      403: PLANNED_WORKOUTS_ADD_ON,
      424: 'The provider rejected the workout: check that it supports the template’s targets, or retry later',
    };
    return this.#caller.call(
      'workout_plan',
      { method: 'POST', path: `/workouts/${id}/plan`, query, body, errorHints },
      request,
      PlanWorkoutResponseSchema,
      EFFECT,
    );
  }
}
