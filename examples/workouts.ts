/**
 * Workouts: define a template once, plan it onto a user's calendar (Terra pushes it to their watch),
 * list, move and remove the plans, and delete the template.
 *
 *   TERRA_API_KEY=... TERRA_DEV_ID=... npx tsx examples/workouts.ts <user_id>
 *
 * Set TERRA_BASE_URL to run it against a local server instead of Terra (CI does).
 */
import { Terra, TerraForbiddenError, TerraProviderError, type WorkoutTemplate } from 'terra-sdk';

const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID (and TERRA_BASE_URL) from the environment
const userId = process.argv[2] ?? '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad';

// 1. A template: a warm-up, 5 × (3 min at 90–95 % of threshold heart rate, 2 min easy), a cool-down.
const template: WorkoutTemplate = {
  name: '5 × 3 min threshold',
  sport: 'running',
  step_blocks: [
    {
      completion_condition: { type: 'reps', value: 1 },
      steps: [{ intensity_type: 'warmup', completion_condition: { type: 'time', value: 600 } }],
    },
    {
      completion_condition: { type: 'reps', value: 5 },
      steps: [
        {
          intensity_type: 'active',
          completion_condition: { type: 'time', value: 180 },
          intensity_targets: [{ target_type: 'heart_rate_threshold_percentage', value_low: 90, value_high: 95 }],
        },
        // Not every provider takes an effort target: Terra adapts the step and says so.
        {
          intensity_type: 'recovery',
          completion_condition: { type: 'time', value: 120 },
          intensity_targets: [{ target_type: 'rpe', value: 3 }],
        },
      ],
    },
    {
      completion_condition: { type: 'reps', value: 1 },
      steps: [{ intensity_type: 'cooldown', completion_condition: { type: 'time', value: 300 } }],
    },
  ],
};
const { workout_id: workoutId } = (await terra.workouts.create(template)).getParsedResponse();
if (workoutId === undefined) throw new Error('Terra returned no workout_id');
console.log(`Template ${workoutId} stored; ${(await terra.workouts.list()).getParsedResponse().length} in the account`);

// 2. Plan it for the user on a day; the athlete's numbers turn relative targets into absolute ones.
try {
  const plan = await terra.workouts.plan(workoutId, {
    user: userId,
    plannedDate: '2026-07-14',
    thresholdHeartRate: 172,
  });
  const planned = plan.getParsedResponse();
  console.log(
    `Planned (${plan.status}): ${planned.planned_workout_id}, on the provider as ${planned.provider_workout_id ?? '(mobile SDK)'}`,
  );
  const warnings = planned.coercion_warnings;
  for (const warning of Array.isArray(warnings) ? warnings : warnings ? [{ path: '', message: warnings }] : []) {
    console.log(`  adapted at ${warning.path}: ${warning.message}`);
  }

  // 3. The user's calendar for the week; endDate is inclusive here (unlike the data endpoints).
  const week = await terra.plannedWorkouts.list(userId, { startDate: '2026-07-13', endDate: '2026-07-19' });
  for (const item of week.getParsedResponse())
    console.log(`  ${item.planned_date}  ${item.planned_workout_id}  external: ${item.is_external}`);

  // 4. Move it, then remove it from the calendar (the template stays).
  const plannedId = planned.planned_workout_id ?? '';
  const moved = await terra.plannedWorkouts.reschedule(userId, plannedId, '2026-07-15');
  console.log(`Moved to ${moved.getParsedResponse().planned_date}`);
  console.log(`Removed from the calendar: ${(await terra.plannedWorkouts.delete(userId, plannedId)).status}`);
} catch (error) {
  if (error instanceof TerraForbiddenError) console.log(`Not enabled: ${error.message}`);
  else if (error instanceof TerraProviderError) console.log(`The provider refused: ${error.detail}`);
  else throw error;
}

// 5. Delete the template, and every plan made from it. A 207 means some provider kept its copy.
const deleted = (await terra.workouts.delete(workoutId)).getParsedResponse();
if (deleted.kind === 'PartlyDeleted') console.log(`Template kept for now, retry later: ${deleted.message}`);
else console.log('Template deleted');
