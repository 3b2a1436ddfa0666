/**
 * The emulator's workouts and planned workouts: templates, plans pushed to providers (or queued for
 * the mobile SDK), Terra's status codes (201, 204, 207, 403, 424) and `planned_workout` webhooks.
 * @internal
 * @packageDocumentation
 */
import type { CoercionWarning, PlannedWorkout, PlannedWorkoutSummary } from '../../models/index.js';
import { EVENT_VERSION } from '../events.js';
import { type EmulatedUser, type EmulatorContext, isoTime, MAX_STORED, type Route, snowflakeId } from './context.js';
import { isCalendarDate, isRecord, type Json, noContent, ok, problem, readJson } from './http.js';

interface Plan {
  planned_workout_id: string;
  workout_id: string;
  user_id: string;
  planned_date: string;
  provider: string;
  provider_workout_id: string | undefined;
  coercion_warnings: CoercionWarning[] | undefined;
  athlete_metrics: Json;
  created_at: string;
  last_updated_at: string;
}

/** Terra's sanity ranges for step targets: values outside are refused with a 400. */
const TARGET_RANGES: Record<string, [number, number]> = {
  heart_rate: [30, 250],
  heart_rate_lap: [30, 250],
  power: [1, 2000],
  speed: [0, 15],
  speed_lap: [0, 15],
  pace: [1, 7200],
  cadence: [1, 300],
  rpe: [1, 10],
  heart_rate_threshold_percentage: [0, 200],
  heart_rate_max_percentage: [0, 200],
  speed_percentage: [0, 200],
  power_percentage: [0, 200],
};

/** Target types that no provider of the emulator takes: planned anyway, without the target, with a warning. */
const COERCED_TARGETS = new Set(['rpe']);

const ATHLETE_FIELDS = ['ftp', 'max_heart_rate', 'threshold_heart_rate', 'threshold_speed', 'pool_length_meters'];

const ADD_ON_MISSING = 'the Planned Workouts add-on is not enabled for this account';

/** What is wrong with a template, as Terra's 400 says it, or `undefined`. */
function templateProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return 'the body must be a workout template object';
  if (typeof body.name !== 'string' || body.name.trim() === '') return 'name is required';
  if (typeof body.sport !== 'string' || body.sport === '') return 'sport is required';
  if (!Array.isArray(body.step_blocks) || body.step_blocks.length === 0) return 'step_blocks must be a non-empty list';
  for (const [b, block] of body.step_blocks.entries()) {
    if (!isRecord(block) || !Array.isArray(block.steps)) return `step_blocks[${b}].steps must be a list`;
    for (const [s, step] of block.steps.entries()) {
      const at = `step_blocks[${b}].steps[${s}]`;
      if (!isRecord(step) || typeof step.intensity_type !== 'string') return `${at}.intensity_type is required`;
      if (!isRecord(step.completion_condition)) return `${at}.completion_condition is required`;
      const targets = Array.isArray(step.intensity_targets) ? step.intensity_targets : [];
      for (const [t, target] of targets.entries()) {
        if (!isRecord(target) || typeof target.target_type !== 'string')
          return `${at}.intensity_targets[${t}] is invalid`;
        const range = TARGET_RANGES[target.target_type];
        const where = `${at}.intensity_targets[${t}]`;
        if (target.target_type.endsWith('_percentage') && typeof target.value === 'number') {
          return `${where}: a percentage target needs value_low and value_high, not a single value`;
        }
        for (const key of ['value', 'value_low', 'value_high']) {
          const value = target[key];
          if (range && typeof value === 'number' && (value < range[0] || value > range[1])) {
            return `${where}.${key} is outside ${range[0]}–${range[1]} for ${target.target_type}`;
          }
        }
      }
    }
  }
  return undefined;
}

/** Where a template's targets had to be dropped for the provider. */
function coercionsOf(template: Json, provider: string): CoercionWarning[] {
  const warnings: CoercionWarning[] = [];
  (template.step_blocks as Json[]).forEach((block, b) => {
    (block.steps as Json[]).forEach((step, s) => {
      const targets = Array.isArray(step.intensity_targets) ? (step.intensity_targets as Json[]) : [];
      targets.forEach((target, t) => {
        if (COERCED_TARGETS.has(String(target.target_type))) {
          warnings.push({
            path: `step_blocks[${b}].steps[${s}].intensity_targets[${t}]`,
            message: `${String(target.target_type)} targets are not supported by ${provider}; the step was sent without this target`,
          });
        }
      });
    });
  });
  return warnings;
}

export class WorkoutsEmulator {
  readonly #ctx: EmulatorContext;
  readonly #enabled: boolean;
  readonly #templates = new Map<string, Json & { workout_id: string }>();
  readonly #plans = new Map<string, Plan>();

  constructor(ctx: EmulatorContext, plannedWorkouts: boolean) {
    this.#ctx = ctx;
    this.#enabled = plannedWorkouts;
  }

  /** Answers a workouts or planned-workouts request, or `undefined` when the path is not one. */
  route(route: Route): Promise<Response> | Response | undefined {
    const { method, segments } = route;
    const [area, id, action, ...rest] = segments;
    if (rest.length > 0) return undefined;
    if (area === 'workouts') {
      if (id === undefined) {
        if (method === 'POST') return this.#create(route);
        if (method === 'GET') return ok([...this.#templates.values()]);
        return undefined;
      }
      if (action === 'plan') return method === 'POST' ? this.#plan(route, id) : undefined;
      if (action !== undefined) return undefined;
      if (method === 'GET') return this.#get(route, id);
      if (method === 'DELETE') return this.#delete(route, id);
      return undefined;
    }
    if (area === 'plannedWorkouts' && action === undefined) {
      if (id === undefined) return method === 'GET' ? this.#list(route) : undefined;
      if (method === 'GET' || method === 'PATCH' || method === 'DELETE') return this.#planned(route, id);
    }
    return undefined;
  }

  async #create({ request, instance }: Route): Promise<Response> {
    const body = await readJson(request);
    const wrong = templateProblem(body);
    if (wrong) return problem(400, 'bad request', instance, wrong);
    if (this.#templates.size >= MAX_STORED) {
      return problem(400, 'bad request', instance, `the emulator keeps at most ${MAX_STORED} templates: delete some`);
    }
    const workout_id = snowflakeId(this.#ctx.random);
    this.#templates.set(workout_id, { ...(body as Json), workout_id });
    return ok({ status: 'success', workout_id });
  }

  #get({ instance }: Route, id: string): Response {
    const template = this.#templates.get(id);
    return template ? ok(template) : problem(404, 'not found', instance, 'workout not found');
  }

  #delete({ instance }: Route, id: string): Response {
    if (!this.#templates.has(id)) return problem(404, 'not found', instance, 'workout not found');
    const plans = [...this.#plans.values()].filter((plan) => plan.workout_id === id);
    const failed = plans.filter((plan) => this.#ctx.isDown(plan.provider));
    if (failed.length > 0 && failed.length === plans.length) {
      return problem(424, 'failed dependency', instance, 'provider-side deletion could not be performed; retry later');
    }
    for (const plan of plans) if (!failed.includes(plan)) this.#plans.delete(plan.planned_workout_id);
    if (failed.length > 0) {
      const providers = [...new Set(failed.map((plan) => plan.provider))].join(', ');
      return ok(
        {
          message: `${failed.length} planned workout(s) could not be deleted on ${providers}; the template was kept: retry the delete`,
        },
        {},
        207,
      );
    }
    this.#templates.delete(id);
    return noContent();
  }

  /** The user of a planned-workouts request, or the Problem to answer. */
  #userOf({ query, instance }: Route): EmulatedUser | Response {
    const userId = query.get('user_id');
    if (!userId) return problem(400, 'bad request', instance, 'user_id is required');
    return this.#ctx.user(userId) ?? problem(404, 'not found', instance, 'user not found');
  }

  async #plan(route: Route, id: string): Promise<Response> {
    const { request, instance } = route;
    if (!this.#enabled) return problem(403, 'forbidden', instance, ADD_ON_MISSING);
    const user = this.#userOf(route);
    if (user instanceof Response) return user;
    const template = this.#templates.get(id);
    if (!template) return problem(404, 'not found', instance, 'workout not found');
    const body = await readJson(request);
    if (!isRecord(body) || !isCalendarDate(body.planned_date)) {
      return problem(400, 'bad request', instance, 'planned_date must be a YYYY-MM-DD date');
    }
    for (const key of ATHLETE_FIELDS) {
      if (body[key] !== undefined && (typeof body[key] !== 'number' || !(body[key] > 0))) {
        return problem(400, 'bad request', instance, `${key} must be a positive number`);
      }
    }
    const delivery = this.#ctx.provider(user.provider)?.workouts;
    if (!delivery) {
      return problem(
        400,
        'bad request',
        instance,
        `planned workouts are not supported for ${user.provider} connections`,
      );
    }
    if (this.#ctx.isDown(user.provider)) {
      return problem(424, 'failed dependency', instance, `${user.provider} rejected the workout push; retry later`);
    }
    if (this.#plans.size >= MAX_STORED) {
      return problem(400, 'bad request', instance, `the emulator keeps at most ${MAX_STORED} planned workouts`);
    }
    const now = isoTime(this.#ctx.now());
    const warnings = coercionsOf(template, user.provider);
    const plan: Plan = {
      planned_workout_id: snowflakeId(this.#ctx.random),
      workout_id: id,
      user_id: user.user_id,
      planned_date: body.planned_date,
      provider: user.provider,
      // Plans delivered through the mobile SDK have no provider id.
      provider_workout_id: delivery === 'push' ? String(this.#ctx.random.int(10_000_000, 99_999_999)) : undefined,
      coercion_warnings: warnings.length > 0 ? warnings : undefined,
      athlete_metrics: Object.fromEntries(ATHLETE_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]])),
      created_at: now,
      last_updated_at: now,
    };
    this.#plans.set(plan.planned_workout_id, plan);
    this.#announce(user, plan);
    return ok(
      {
        status: 'success',
        planned_workout_id: plan.planned_workout_id,
        ...(plan.provider_workout_id ? { provider_workout_id: plan.provider_workout_id } : {}),
        ...(plan.coercion_warnings ? { coercion_warnings: plan.coercion_warnings } : {}),
      },
      {},
      201,
    );
  }

  #list(route: Route): Response {
    const user = this.#userOf(route);
    if (user instanceof Response) return user;
    const start = route.query.get('start_date');
    const end = route.query.get('end_date');
    for (const value of [start, end]) {
      if (value !== null && !isCalendarDate(value)) {
        return problem(400, 'bad request', route.instance, 'start_date and end_date must be YYYY-MM-DD dates');
      }
    }
    // One end alone is ignored, as Terra does; the window is inclusive at both ends.
    const window = start !== null && end !== null ? { start, end } : undefined;
    const plans = [...this.#plans.values()].filter(
      (plan) =>
        plan.user_id === user.user_id &&
        (!window || (plan.planned_date >= window.start && plan.planned_date <= window.end)),
    );
    return ok(plans.sort((a, b) => a.planned_date.localeCompare(b.planned_date)).map(plannedWorkout));
  }

  async #planned(route: Route, id: string): Promise<Response> {
    const { method, instance, request } = route;
    if (method === 'PATCH' && !this.#enabled) return problem(403, 'forbidden', instance, ADD_ON_MISSING);
    const user = this.#userOf(route);
    if (user instanceof Response) return user;
    const plan = this.#plans.get(id);
    if (!plan || plan.user_id !== user.user_id) return problem(404, 'not found', instance, 'planned workout not found');
    if (method === 'DELETE') {
      this.#plans.delete(id);
      return noContent();
    }
    if (method === 'PATCH') {
      const body = await readJson(request);
      if (!isRecord(body) || !isCalendarDate(body.planned_date)) {
        return problem(400, 'bad request', instance, 'planned_date must be a YYYY-MM-DD date');
      }
      plan.planned_date = body.planned_date;
      plan.last_updated_at = isoTime(this.#ctx.now());
      this.#announce(user, plan);
    }
    return ok(summary(plan));
  }

  /** The `planned_workout` webhook for a plan made or moved. */
  #announce(user: EmulatedUser, plan: Plan): void {
    this.#ctx.emit({
      type: 'planned_workout',
      user: { ...user },
      data: [plannedWorkout(plan)],
      version: EVENT_VERSION,
    });
  }
}

/** A plan as `GET /plannedWorkouts/{id}` answers it. */
function summary(plan: Plan): PlannedWorkoutSummary {
  return {
    planned_workout_id: plan.planned_workout_id,
    planned_date: plan.planned_date,
    is_external: false,
    workout_id: plan.workout_id,
    ...(plan.provider_workout_id ? { provider_workout_id: plan.provider_workout_id } : {}),
    ...(plan.coercion_warnings ? { coercion_warnings: plan.coercion_warnings } : {}),
  };
}

/** A plan as the list and the webhook carry it. */
function plannedWorkout(plan: Plan): PlannedWorkout {
  return {
    ...summary(plan),
    provider_workout_id: plan.provider_workout_id ?? null,
    created_at: plan.created_at,
    last_updated_at: plan.last_updated_at,
    athlete_metrics: plan.athlete_metrics,
  };
}
