/**
 * What the namespaces share: list schemas for answers that are bare arrays, and what Terra's error
 * statuses mean for these products, for the error messages.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { lazySchema, modelName, ref } from '../models/lazy.js';

/** A bare JSON array of one model, as some answers are (`GET /workouts`). */
export function listOf<T>(schema: z.ZodMiniType<T>): z.ZodMiniType<T[]> {
  return lazySchema(`${modelName(schema) ?? 'model'} list`, () => z.array(ref(schema)));
}

/** A 403 from the workout planner. */
export const PLANNED_WORKOUTS_ADD_ON =
  'The Planned Workouts add-on is not enabled for this account: ask Terra to enable it';
