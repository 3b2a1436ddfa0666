/**
 * The sandbox over loopback for the newer products: a lab report uploaded as multipart over real
 * HTTP ends in a signed `lab_report.completed` (or `lab_report.failed`) delivered on the sandbox's own
 * clock, with no one polling; planning a workout sends a signed `planned_workout`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Terra } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { TEMPLATE } from '../support/payloads.js';
import { type Endpoint, SECRET, startEndpoint, type Verified } from './support.js';

let endpoint: Endpoint;
let sandbox: Sandbox;
let terra: Terra;

beforeAll(async () => {
  endpoint = await startEndpoint();
  sandbox = await startSandbox({ webhookUrl: endpoint.url, secret: SECRET, labReportStepMs: 20 });
  terra = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: sandbox.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
  await endpoint.close();
});

/** Waits (bounded) until a verified delivery of `type` arrives. */
async function arrival(type: string, after: number): Promise<Verified> {
  for (let i = 0; i < 100; i++) {
    const found = endpoint.verified.slice(after).find((v) => v.event.type === type);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${type} delivery arrived`);
}

function pdf(bytes: number): Uint8Array {
  const file = new Uint8Array(bytes);
  file.set(new TextEncoder().encode('%PDF-1.7\n'));
  return file;
}

describe('lab reports and planned workouts over the sandbox', { timeout: 15_000 }, () => {
  it('an uploaded report ends in a signed lab_report.completed whose terra-reference is the session id', async () => {
    const before = endpoint.verified.length;
    const upload = await terra.labReports.upload(pdf(4_096), { referenceId: 'patient-1', filename: 'blood.pdf' });
    expect(upload.status).toBe(202);
    const delivered = await arrival('lab_report.completed', before);
    const event = delivered.event;
    if (event.type !== 'lab_report.completed') throw new Error('wrong event');
    expect(delivered.delivery.reference).toBe(event.data.session_id);
    expect(event.upload_id).toBe(upload.getParsedResponse().upload_id);
    expect(event.data.reference_id).toBe('patient-1');
    expect(event.data.results.length).toBe(event.data.results_count);
    const session = (await terra.labReports.get(event.data.session_id)).getParsedResponse();
    expect(session.current_status).toBe('sent');
  });

  it('an unreadable one ends in a signed lab_report.failed', async () => {
    const before = endpoint.verified.length;
    await terra.labReports.upload(pdf(100));
    const delivered = await arrival('lab_report.failed', before);
    expect(delivered.event.type === 'lab_report.failed' && delivered.event.data.error.retriable).toBe(false);
  });

  it('planning a workout sends a signed planned_workout for the user', async () => {
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'athlete-1' });
    const workoutId = (await terra.workouts.create(TEMPLATE)).getParsedResponse().workout_id as string;
    const before = endpoint.verified.length;
    const plan = await terra.workouts.plan(workoutId, { user: user.user_id, plannedDate: '2026-07-14' });
    await sandbox.idle();
    const delivered = await arrival('planned_workout', before);
    const event = delivered.event;
    if (event.type !== 'planned_workout') throw new Error('wrong event');
    expect(event.user.user_id).toBe(user.user_id);
    expect(event.data[0]?.planned_workout_id).toBe(plan.getParsedResponse().planned_workout_id);
    expect(endpoint.refused).toEqual([]);
  });
});
