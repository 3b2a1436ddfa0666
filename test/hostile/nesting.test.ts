/**
 * Deep nesting: a planned workout whose steps nest thousands of levels is a TerraValidationError
 * (code `too_deep`) everywhere it can be read, never a RangeError from a recursive checker, and
 * through an adapter it is answered 200 and reported, as any event that breaks its schema.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { TerraValidationError } from '../../src/errors.js';
import { PlannedWorkoutDetailsStepSchema, PlannedWorkoutEventSchema, parseModel } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { constructEvent } from '../../src/webhooks/delivery.js';
import { parseEvent } from '../../src/webhooks/events.js';
import { recorded } from '../support/recorded-handler.js';
import { deliveryHeaders, SECRET, signatureHeader } from '../support/webhooks.js';
import { ADAPTERS, send, serveWith } from './support.js';

/** A planned_workout event whose steps nest `levels` deep, written as text (no recursion here either). */
function deepWorkout(levels: number): string {
  const event = fixtures.event('planned_workout') as unknown as { data: Record<string, unknown>[] };
  (event.data[0] as Record<string, unknown>).details = { steps: ['STEPS'] };
  const steps = `${'{"type":2,"order":1,"steps":['.repeat(levels)}{"type":1,"order":1}${']}'.repeat(levels)}`;
  return JSON.stringify(event).replace('"STEPS"', steps);
}

const tooDeep = (error: unknown) => {
  expect(error).toBeInstanceOf(TerraValidationError);
  expect((error as TerraValidationError).issues).toEqual([expect.objectContaining({ path: '$', code: 'too_deep' })]);
};

describe('deep nesting', () => {
  const body = deepWorkout(3_126);

  it('parseEvent, constructEvent and parseModel throw a TerraValidationError, not a RangeError', async () => {
    tooDeep(captured(() => parseEvent(JSON.parse(body))));
    tooDeep(await constructEvent(body, signatureHeader(body), { secret: SECRET }).catch((e: unknown) => e));
    tooDeep(captured(() => parseModel(PlannedWorkoutEventSchema, JSON.parse(body))));
    // zod would be asked when the in-place check fails before the deep part: it is not reached either.
    const broken = JSON.parse(body) as { version: unknown };
    broken.version = 12;
    tooDeep(captured(() => parseModel(PlannedWorkoutEventSchema, broken)));
    // Nesting a hundred thousand levels deep changes nothing.
    tooDeep(captured(() => parseEvent(JSON.parse(deepWorkout(100_000)))));
  });

  it('the schemas’ own parse and safeParse report a zod error instead of overflowing', () => {
    const step = (JSON.parse(body) as { data: { details: { steps: unknown[] } }[] }).data[0]?.details.steps[0];
    const error = captured(() => PlannedWorkoutDetailsStepSchema.parse(step));
    expect(error).toBeInstanceOf(z.core.$ZodError);
    expect((error as z.core.$ZodError).issues[0]?.message).toMatch(/more than 64 levels deep/);
    const result = PlannedWorkoutDetailsStepSchema.safeParse(step);
    expect(result.success).toBe(false);
  });

  it('a workout nested as deep as real ones still parses', () => {
    const event = parseEvent(JSON.parse(deepWorkout(20)));
    expect(event.type).toBe('planned_workout');
  });

  it.each(ADAPTERS)('through %s it is answered 200 and handed to onError at the event phase', async (adapter) => {
    const { handler, errors } = recorded();
    const served = await serveWith(adapter, handler);
    try {
      const answer = await send(served.url, { headers: deliveryHeaders(body), body: [new TextEncoder().encode(body)] });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
      tooDeep(errors[0]?.error);
      expect(errors[0]?.context).toMatchObject({ phase: 'event', status: 200 });
    } finally {
      await served.close();
    }
  });
});

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
