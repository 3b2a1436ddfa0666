/**
 * Deterministic, realistic Terra data for tests: each builder gives the same record for the same
 * options, valid against the SDK's schemas, with plausible values, units and Terra-style
 * timestamps (local time with microseconds and offset).
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';
import { DAY_MS } from '../internal/dates.js';
import { describeKind } from '../internal/describe.js';
import type {
  Activity,
  Athlete,
  AuthSuccessEvent,
  Body,
  Daily,
  HealthObservation,
  HormoneSample,
  LabReportEventResult,
  Menstruation,
  Nutrition,
  PlannedWorkout,
  Sleep,
  TerraUser,
} from '../models/index.js';
import {
  isKnownEventType,
  KNOWN_WEBHOOK_EVENT_TYPES,
  type KnownWebhookEventName,
  type LegacyAuthErrorEvent,
  type TerraWebhookEventOf,
} from '../webhooks/events.js';
import {
  accessRevokedEvent,
  authEvent,
  dataEvent,
  deauthEvent,
  EVENT_VERSION,
  largeRequestProcessingEvent,
  largeRequestSendingEvent,
  realisticEvent,
  reauthEvent,
} from './events.js';
import { localMidnight, Random, terraTimestamp } from './random.js';

/** Options every fixture builder takes. */
export interface FixtureOptions {
  /** Same seed, same record. Default 1. */
  seed?: number | undefined;
  /** The wearer's day, `YYYY-MM-DD`. Default `2026-07-01`. */
  date?: string | undefined;
  /** The wearer's UTC offset in minutes (60 for +01:00). Default 60. */
  offsetMinutes?: number | undefined;
}

/** Options of {@link fixtures}.`activity`. */
export interface ActivityFixtureOptions extends FixtureOptions {
  /** Length of the workout in seconds, one heart-rate sample per second. Default 1,800. */
  samples?: number | undefined;
  /**
   * The activity type (`ActivityType`). Default 8, running. Running, biking (1), hiking (35) and
   * swimming (82, indoors: no GPS) get their own speed, cadence, heart rate and steps.
   */
  type?: number | undefined;
}

/** Options of {@link fixtures}.`user`. */
export interface UserFixtureOptions {
  /** Same seed, same user. Default 1. */
  seed?: number | undefined;
  /** The provider (`GARMIN`, `OURA`, ...). Default: one picked by the seed. */
  provider?: string | undefined;
  /** Your id for the person; `null` for none. Default `user-<seed>`. */
  referenceId?: string | null | undefined;
  /** Whether the connection is active. Default `true`. */
  active?: boolean | undefined;
}

interface Resolved {
  random: Random;
  date: string;
  offset: number;
  midnight: number;
  time: (epochMs: number) => string;
}

function resolve(options: FixtureOptions | undefined, salt: number): Resolved {
  const seed = options?.seed ?? 1;
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new TerraInvalidArgumentError('seed', 'seed must be a number');
  const date = options?.date ?? '2026-07-01';
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new TerraInvalidArgumentError('date', 'date must be a YYYY-MM-DD day');
  }
  const offset = options?.offsetMinutes ?? 60;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) {
    throw new TerraInvalidArgumentError('offsetMinutes', 'offsetMinutes must be a whole number of minutes within ±840');
  }
  const random = new Random(Math.imul(seed, 2654435761) ^ salt);
  return { random, date, offset, midnight: localMidnight(date, offset), time: (ms) => terraTimestamp(ms, offset) };
}

function count(value: number | undefined, fallback: number, argument: string, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new TerraInvalidArgumentError(argument, `${argument} must be a whole number from 1 to ${max}`);
  }
  return n;
}

const PROVIDERS = ['GARMIN', 'FITBIT', 'OURA', 'WHOOP', 'WITHINGS', 'POLAR', 'COROS'] as const;

function user(options: UserFixtureOptions = {}): TerraUser {
  const random = new Random(Math.imul(options.seed ?? 1, 2654435761) ^ 0x05e7);
  const provider = options.provider ?? random.pick(PROVIDERS);
  return {
    user_id: random.uuid(),
    provider,
    last_webhook_update: '2026-07-01T09:12:33.891000+00:00',
    scopes: provider === 'GARMIN' ? 'ACTIVITY_EXPORT,HEALTH_EXPORT' : 'activity,heartrate,sleep,profile',
    reference_id: options.referenceId === undefined ? `user-${options.seed ?? 1}` : options.referenceId,
    active: options.active ?? true,
    created_at: '2026-06-01T10:00:00.000000+00:00',
  };
}

function device(random: Random) {
  return random.pick([
    { name: 'Forerunner 965', manufacturer: 'Garmin', software_version: '21.19' },
    { name: 'Charge 6', manufacturer: 'Fitbit', software_version: '201.4' },
    { name: 'Oura Ring Gen3', manufacturer: 'Oura', software_version: '3.2.1' },
  ]);
}

/** How each kind of workout looks: speed in m/s, cadence, heart rate, steps and calories per second. */
interface WorkoutProfile {
  name: string;
  speed: [number, number];
  cadence: [number, number];
  heartRate: [number, number];
  stepsPerSecond: number;
  kcalPerSecond: number;
  outdoors: boolean;
}

const WORKOUTS: Readonly<Record<number, WorkoutProfile>> = {
  8: {
    name: 'Morning Run',
    speed: [2.4, 3.6],
    cadence: [160, 182],
    heartRate: [145, 168],
    stepsPerSecond: 2.7,
    kcalPerSecond: 0.21,
    outdoors: true,
  },
  1: {
    name: 'Morning Ride',
    speed: [5.5, 8.5],
    cadence: [75, 95],
    heartRate: [125, 150],
    stepsPerSecond: 0,
    kcalPerSecond: 0.15,
    outdoors: true,
  },
  35: {
    name: 'Hike',
    speed: [1, 1.5],
    cadence: [95, 115],
    heartRate: [100, 125],
    stepsPerSecond: 1.8,
    kcalPerSecond: 0.11,
    outdoors: true,
  },
  82: {
    name: 'Pool Swim',
    speed: [0.6, 1],
    cadence: [24, 34],
    heartRate: [120, 145],
    stepsPerSecond: 0,
    kcalPerSecond: 0.16,
    outdoors: false,
  },
};

const OTHER_WORKOUT: WorkoutProfile = {
  name: 'Workout',
  speed: [1.2, 2.5],
  cadence: [80, 120],
  heartRate: [110, 140],
  stepsPerSecond: 1.5,
  kcalPerSecond: 0.13,
  outdoors: true,
};

const METERS_PER_DEGREE = 111_320;

function activity(options: ActivityFixtureOptions = {}): Activity {
  const { random, midnight, time } = resolve(options, 0xac71);
  const samples = count(options.samples, 1_800, 'samples', 1_000_000);
  const type = options.type ?? 8;
  const profile = WORKOUTS[type] ?? OTHER_WORKOUT;
  const start = midnight + (6 * 3600 + random.int(0, 7200)) * 1000;
  // Heart rate climbs from a warm-up towards the workout's effort, and wanders around it.
  const effort = random.between(profile.heartRate[0], profile.heartRate[1]);
  let bpm = random.between(85, 100);
  const hr = [];
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    bpm = Math.min(188, Math.max(70, bpm + (effort - bpm) / 120 + (random.next() - 0.5) * 3));
    const value = Math.round(bpm);
    max = Math.max(max, value);
    min = Math.min(min, value);
    sum += value;
    hr.push({ timestamp: time(start + i * 1000), bpm: value, timer_duration_seconds: i });
  }
  const speed = random.between(profile.speed[0], profile.speed[1], 2);
  const distance = Math.round(samples * speed * 10) / 10;
  // A GPS fix every ten seconds along a wandering heading, at the workout's speed.
  const positions = [];
  let lat = 51.5007 + random.between(-0.01, 0.01, 4);
  let lng = -0.1246 + random.between(-0.01, 0.01, 4);
  let heading = random.between(0, 2 * Math.PI, 3);
  const origin: [number, number] = [Number(lat.toFixed(6)), Number(lng.toFixed(6))];
  for (let i = 0; profile.outdoors && i < samples; i += 10) {
    positions.push({
      timestamp: time(start + i * 1000),
      coords_lat_lng_deg: [Number(lat.toFixed(6)), Number(lng.toFixed(6))] as [number, number],
      timer_duration_seconds: i,
    });
    heading += (random.next() - 0.5) * 0.4;
    lat += (Math.cos(heading) * speed * 10) / METERS_PER_DEGREE;
    lng += (Math.sin(heading) * speed * 10) / (METERS_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  }
  const steps = Math.round(samples * profile.stepsPerSecond);
  const burned = Math.round(samples * profile.kcalPerSecond);
  return {
    metadata: {
      name: profile.name,
      summary_id: random.uuid(),
      start_time: time(start),
      end_time: time(start + samples * 1000),
      type,
      upload_type: 1,
      timestamp_localization: 1,
      city: 'London',
      country: 'GB',
      state: null,
    },
    device_data: {
      ...device(random),
      hardware_version: null,
      data_provided: ['HEART_RATE', 'DISTANCE', ...(steps > 0 ? ['STEPS'] : [])],
    },
    distance_data: {
      summary: {
        distance_meters: distance,
        ...(steps > 0 ? { steps } : {}),
        floors_climbed: profile.outdoors ? random.int(0, 6) : 0,
      },
    },
    calories_data: {
      total_burned_calories: burned,
      net_activity_calories: Math.round(burned * 0.8),
      BMR_calories: burned - Math.round(burned * 0.8),
    },
    active_durations_data: {
      activity_seconds: samples,
      rest_seconds: 0,
      vigorous_intensity_seconds: Math.round(samples * 0.6),
    },
    movement_data: {
      avg_speed_meters_per_second: speed,
      max_speed_meters_per_second: Math.round(speed * 1.35 * 100) / 100,
      avg_cadence_rpm: random.int(profile.cadence[0], profile.cadence[1]),
      avg_pace_minutes_per_kilometer: Math.round((1000 / speed / 60) * 100) / 100,
    },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: Math.round(sum / samples),
        max_hr_bpm: max,
        min_hr_bpm: min,
        resting_hr_bpm: random.int(46, 62),
        hr_zone_data: [],
      },
      detailed: { hr_samples: hr, hrv_samples_rmssd: [], hrv_samples_sdnn: [] },
    },
    position_data: profile.outdoors ? { start_pos_lat_lng_deg: origin, position_samples: positions } : {},
    cheat_detection: 0,
  };
}

function sleep(options: FixtureOptions = {}): Sleep {
  const { random, midnight, time } = resolve(options, 0x51ee);
  // The night that ends on the morning of `date`.
  const bedtime = midnight - (random.int(75, 120) * 60_000 + 0);
  const inBed = random.int(420, 540) * 60;
  const latency = random.int(300, 1200);
  const awake = random.int(600, 2400);
  const asleep = inBed - latency - awake;
  const deep = Math.round(asleep * random.between(0.14, 0.22, 2));
  const rem = Math.round(asleep * random.between(0.18, 0.25, 2));
  const levels = [];
  for (let t = 0; t < inBed; t += 300) {
    const level = t < latency ? 1 : random.pick([4, 4, 5, 6, 1]);
    levels.push({ timestamp: time(bedtime + t * 1000), level });
  }
  return {
    metadata: {
      start_time: time(bedtime),
      end_time: time(bedtime + inBed * 1000),
      upload_type: 2,
      summary_id: random.uuid(),
      is_nap: false,
      timestamp_localization: 1,
    },
    device_data: device(random),
    sleep_durations_data: {
      asleep: {
        duration_asleep_state_seconds: asleep,
        duration_deep_sleep_state_seconds: deep,
        duration_REM_sleep_state_seconds: rem,
        duration_light_sleep_state_seconds: asleep - deep - rem,
        num_REM_events: random.int(3, 6),
      },
      awake: {
        duration_awake_state_seconds: awake,
        sleep_latency_seconds: latency,
        num_wakeup_events: random.int(1, 5),
      },
      other: { duration_in_bed_seconds: inBed },
      sleep_efficiency: Math.round((asleep / inBed) * 100) / 100,
      hypnogram_samples: levels,
    },
    heart_rate_data: {
      summary: {
        avg_hr_bpm: random.int(50, 62),
        min_hr_bpm: random.int(42, 50),
        max_hr_bpm: random.int(70, 90),
        avg_hrv_rmssd: random.between(25, 80, 1),
      },
    },
    respiration_data: { breaths_data: { avg_breaths_per_min: random.between(12, 17, 1) } },
    scores: { sleep: random.int(55, 95) },
    readiness_data: { readiness: random.int(50, 95) },
  };
}

function daily(options: FixtureOptions = {}): Daily {
  const { random, midnight, time } = resolve(options, 0xda11);
  const steps = random.int(3_000, 16_000);
  const stress = [];
  for (let t = 0; t < 24 * 3600; t += 900)
    stress.push({ timestamp: time(midnight + t * 1000), level: random.int(5, 70) });
  return {
    metadata: {
      start_time: time(midnight),
      end_time: time(midnight + DAY_MS),
      upload_type: 1,
      timestamp_localization: 1,
    },
    device_data: device(random),
    distance_data: { steps, distance_meters: Math.round(steps * 0.78), floors_climbed: random.int(0, 20) },
    calories_data: {
      total_burned_calories: random.int(1_900, 3_200),
      BMR_calories: random.int(1_450, 1_800),
      net_activity_calories: random.int(250, 1_200),
    },
    active_durations_data: {
      activity_seconds: random.int(1_800, 7_200),
      low_intensity_seconds: random.int(1_200, 5_400),
      moderate_intensity_seconds: random.int(300, 2_400),
      vigorous_intensity_seconds: random.int(0, 1_800),
    },
    heart_rate_data: {
      summary: { avg_hr_bpm: random.int(62, 80), resting_hr_bpm: random.int(46, 62), max_hr_bpm: random.int(120, 180) },
    },
    stress_data: { avg_stress_level: random.int(15, 45), max_stress_level: random.int(60, 95), samples: stress },
    scores: { activity: random.int(40, 100), recovery: random.int(30, 100), sleep: random.int(50, 95) },
  };
}

function body(options: FixtureOptions = {}): Body {
  const { random, midnight, time } = resolve(options, 0xb0d1);
  const weigh = midnight + 7 * 3600 * 1000;
  const weight = random.between(55, 95, 1);
  const height = random.between(155, 195, 1);
  const glucose = [];
  for (let t = 0; t < 24 * 3600; t += 900) {
    glucose.push({
      timestamp: time(midnight + t * 1000),
      blood_glucose_mg_per_dL: random.int(72, 150),
      glucose_level_flag: 0,
      trend_arrow: 3,
    });
  }
  const avgGlucose = Math.round(glucose.reduce((s, g) => s + g.blood_glucose_mg_per_dL, 0) / glucose.length);
  const systolic = random.int(105, 135);
  const diastolic = random.int(65, 85);
  return {
    metadata: { start_time: time(midnight), end_time: time(midnight + DAY_MS), timestamp_localization: 1 },
    measurements_data: {
      measurements: [
        {
          measurement_time: time(weigh),
          weight_kg: weight,
          height_cm: height,
          BMI: Math.round((weight / (height / 100) ** 2) * 10) / 10,
          bodyfat_percentage: random.between(12, 32, 1),
        },
      ],
    },
    blood_pressure_data: {
      blood_pressure_samples: [{ timestamp: time(weigh), systolic_bp: systolic, diastolic_bp: diastolic }],
      day_avg_systolic_bp: systolic,
      day_avg_diastolic_bp: diastolic,
    },
    glucose_data: {
      blood_glucose_samples: glucose,
      day_avg_blood_glucose_mg_per_dL: avgGlucose,
      day_avg_blood_glucose_mg_per_dl: avgGlucose,
      time_in_range: random.between(70, 99, 1),
    },
    oxygen_data: { avg_saturation_percentage: random.between(95, 99, 1) },
    temperature_data: { day_avg_body_temperature_celsius: random.between(36.2, 37.1, 2) },
    hydration_data: { day_total_water_consumption_ml: random.int(1_200, 3_000) },
  };
}

const MEALS = [
  { name: 'Porridge with berries', type: 1, hour: 7.5, kcal: 380, protein: 12, carbs: 62, fat: 9 },
  { name: 'Chicken salad', type: 3, hour: 12.75, kcal: 520, protein: 38, carbs: 24, fat: 28 },
  { name: 'Apple', type: 4, hour: 16, kcal: 95, protein: 0.5, carbs: 25, fat: 0.3 },
  { name: 'Salmon, rice and greens', type: 5, hour: 19.5, kcal: 690, protein: 42, carbs: 70, fat: 24 },
] as const;

function nutrition(options: FixtureOptions = {}): Nutrition {
  const { random, midnight, time } = resolve(options, 0x2a75);
  const scale = random.between(0.85, 1.2, 2);
  const meals = MEALS.map((meal) => {
    const r = (n: number) => Math.round(n * scale * 10) / 10;
    return {
      id: random.uuid(),
      name: meal.name,
      type: meal.type,
      timestamp: time(midnight + meal.hour * 3600 * 1000),
      quantity: { amount: 1, unit: 10 },
      macros: {
        calories: Math.round(meal.kcal * scale),
        protein_g: r(meal.protein),
        carbohydrates_g: r(meal.carbs),
        fat_g: r(meal.fat),
      },
      micros: { sodium_mg: random.int(50, 900), calcium_mg: random.int(10, 300), iron_mg: random.between(0.2, 4, 1) },
    };
  });
  const total = (key: 'calories' | 'protein_g' | 'carbohydrates_g' | 'fat_g') =>
    Math.round(meals.reduce((sum, meal) => sum + meal.macros[key], 0) * 10) / 10;
  const water = random.int(1_000, 2_500);
  return {
    metadata: { start_time: time(midnight), end_time: time(midnight + DAY_MS), timestamp_localization: 1 },
    meals,
    drink_samples: [
      { timestamp: time(midnight + 10 * 3600 * 1000), drink_volume: 330, drink_unit: 8, drink_name: 'Water' },
    ],
    summary: {
      macros: {
        calories: total('calories'),
        protein_g: total('protein_g'),
        carbohydrates_g: total('carbohydrates_g'),
        fat_g: total('fat_g'),
      },
      water_ml: water,
    },
  };
}

function menstruation(options: FixtureOptions = {}): Menstruation {
  const { random, midnight, date, time } = resolve(options, 0x3e25);
  const cycle = random.int(26, 32);
  const dayInCycle = random.int(1, cycle);
  const periodStart = new Date(Date.parse(`${date}T00:00:00Z`) - (dayInCycle - 1) * DAY_MS).toISOString().slice(0, 10);
  const inPeriod = dayInCycle <= 5;
  return {
    metadata: { start_time: time(midnight), end_time: time(midnight + DAY_MS), timestamp_localization: 1 },
    menstruation_data: {
      cycle_length_days: cycle,
      period_length_days: 5,
      day_in_cycle: dayInCycle,
      period_start_date: periodStart,
      current_phase: inPeriod ? 1 : dayInCycle < cycle / 2 - 2 ? 2 : dayInCycle <= cycle / 2 + 1 ? 4 : 5,
      predicted_cycle_length_days: cycle,
      is_predicted_cycle: false,
      menstruation_flow: inPeriod
        ? [{ timestamp: time(midnight + 8 * 3600 * 1000), flow: random.pick([2, 3, 4]) }]
        : [],
    },
  };
}

function athlete(options: Pick<FixtureOptions, 'seed'> = {}): Athlete {
  const { random } = resolve(options, 0xa7e1);
  const first = random.pick(['Ada', 'Grace', 'Alan', 'Katherine', 'Tim', 'Mae']);
  const last = random.pick(['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Berners-Lee', 'Jemison']);
  const year = random.int(1960, 2004);
  return {
    first_name: first,
    last_name: last,
    age: 2026 - year,
    date_of_birth: `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
    sex: random.pick(['female', 'male']),
    city: 'London',
    country: 'GB',
    email: `${first.toLowerCase()}@example.com`,
    provider_user_id: String(random.int(10_000_000, 99_999_999)),
  };
}

function hormone(options: FixtureOptions = {}): HormoneSample {
  const { random, midnight, time } = resolve(options, 0x4027);
  return {
    timestamp: time(midnight + 7 * 3600 * 1000),
    lh_mIU_per_ml: random.between(2, 25, 2),
    e3g_ng_per_ml: random.between(50, 300, 1),
    pdg_ug_per_ml: random.between(1, 12, 2),
  };
}

function healthObservation(options: FixtureOptions = {}): HealthObservation {
  const { random, midnight, time } = resolve(options, 0x0b5e);
  return {
    metadata: { start_time: time(midnight + 9 * 3600 * 1000), summary_id: random.uuid(), timestamp_localization: 1 },
    observation_data: {
      category: 1,
      observation_type: 'headache',
      codes: [{ system: 'http://snomed.info/sct', code: '25064002', display: 'Headache' }],
      value: { value_type: 2, boolean: true },
      severity: random.pick([2, 3]),
      status: 1,
    },
  };
}

function plannedWorkout(options: FixtureOptions = {}): PlannedWorkout {
  const { random, date } = resolve(options, 0x91a2);
  return {
    planned_workout_id: String(random.int(1_000, 99_999)),
    workout_id: String(random.int(1_000, 99_999)),
    planned_date: date,
    is_external: false,
    created_at: '2026-06-28T10:00:00Z',
    last_updated_at: '2026-06-28T10:00:00Z',
    athlete_metrics: { max_heart_rate: random.int(175, 200) },
  };
}

/** Options of {@link fixtures}.`event`. */
export interface EventFixtureOptions extends FixtureOptions {
  /**
   * The connection the event is about (for `user_reauth`, the new one). Default:
   * `fixtures.user({ seed })`.
   */
  user?: TerraUser | undefined;
  /** `activity`: seconds of 1 Hz heart rate in the activity. Default 1,800. */
  samples?: number | undefined;
  /** `large_request_processing` and `large_request_sending`: the request's reference. Default: from the seed. */
  reference?: string | undefined;
  /** `large_request_sending`: how many chunks will follow. Default 4. */
  expectedPayloads?: number | undefined;
  /** `auth`: `'error'` builds the older failure shape (`type: 'auth'`, `status: 'error'`). Default `'success'`. */
  status?: 'success' | 'error' | undefined;
  /**
   * Shape the event as real deliveries show it rather than as Terra's spec writes it: no `version`,
   * lifecycle events without `message`, `auth` with `status: "authenticated"`, `deauth` with
   * `status: "deauthenticated"` and `user.provider: null`, a `connection_error` without `status`, data
   * events whose user has `reference_id: ""` and `created_at: null`. Test that your code copes with
   * what Terra really sends. Default `false`.
   */
  realistic?: boolean | undefined;
}

/**
 * The event {@link fixtures}.`event(type)` returns: the event type of `type`, and for `auth` the
 * success (`AuthSuccessEvent`).
 */
export type EventFixture<T extends KnownWebhookEventName> = T extends 'auth'
  ? AuthSuccessEvent
  : TerraWebhookEventOf<T>;

function checkUser(value: unknown): TerraUser | undefined {
  if (value === undefined) return undefined;
  const candidate = value as Partial<TerraUser> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.user_id !== 'string' ||
    candidate.user_id === '' ||
    typeof candidate.provider !== 'string' ||
    candidate.provider === ''
  ) {
    throw new TerraInvalidArgumentError(
      'user',
      `user must be a Terra user with a non-empty user_id and provider (fixtures.user() makes one); got ${describeKind(value)}.`,
    );
  }
  return candidate as TerraUser;
}

/** The panels {@link labResults} refers to. @internal */
export const LAB_PANELS = [
  { id: 1, name: 'Full blood count and iron', key: 'fbc_iron' },
  { id: 2, name: 'Metabolic', key: 'metabolic' },
];

const BIOMARKERS = [
  { key: 'hemoglobin', name: 'Haemoglobin', loinc: '718-7', units: 'g/dL', ucum: 'g/dL', low: 12, high: 17.5 },
  { key: 'ferritin', name: 'Ferritin', loinc: '2276-4', units: 'µg/L', ucum: 'ug/L', low: 30, high: 400 },
  {
    key: 'ldl_cholesterol',
    name: 'LDL cholesterol',
    loinc: '13457-7',
    units: 'mmol/L',
    ucum: 'mmol/L',
    low: 0,
    high: 3,
  },
  { key: 'hba1c', name: 'HbA1c', loinc: '4548-4', units: '%', ucum: '%', low: 4, high: 5.6 },
] as const;

/** Results of a four-biomarker blood test plus a bounded CRP, as a lab report yields them. @internal */
export function labResults(random: Random, date: string): LabReportEventResult[] {
  const results: LabReportEventResult[] = BIOMARKERS.map((b, panelIndex) => {
    const value = random.between(b.low * 0.85 + 0.1, b.high * 1.1, 1);
    const flag = value < b.low ? 'low' : value > b.high ? 'high' : 'normal';
    return {
      source: {
        name: b.name,
        value: String(value),
        units: b.units,
        reference_text: `${b.low}-${b.high}`,
        collection_date: date,
        collection_time: '08:15',
      },
      biomarker: { key: b.key, display_name: b.name, loinc_code: b.loinc, panel_id: panelIndex < 2 ? 1 : 2 },
      measurement: { type: 'numeric', numeric: value, units: b.units, ucum_code: b.ucum },
      interpretation: { flag, source: 'report', applied_range: { lower: b.low, upper: b.high } },
      reference_ranges: [{ lower: b.low, upper: b.high, type: 'normal' }],
    };
  });
  results.push({
    source: { name: 'C-reactive protein', value: '<0.6', units: 'mg/L', collection_date: date },
    biomarker: { key: 'crp', display_name: 'C-reactive protein', loinc_code: '1988-5', panel_id: 2 },
    measurement: { type: 'bounded', bounded: { operator: '<', value: 0.6 }, units: 'mg/L', ucum_code: 'mg/L' },
    interpretation: { flag: 'normal', source: 'computed', applied_range: { upper: 5 } },
  });
  return results;
}

/** An 18-digit id, as Terra's lab-report ids (above 2^53, so kept as a string). */
function snowflake(random: Random): string {
  return `${random.int(100_000, 999_999)}${String(random.int(0, 999_999_999_999)).padStart(12, '0')}`;
}

function event(type: 'auth', options: EventFixtureOptions & { status: 'error' }): LegacyAuthErrorEvent;
function event<T extends KnownWebhookEventName>(type: T, options?: EventFixtureOptions): EventFixture<T>;
function event(type: KnownWebhookEventName, options: EventFixtureOptions = {}): unknown {
  if (typeof options === 'object' && options !== null && options.realistic !== undefined) {
    if (typeof options.realistic !== 'boolean') {
      throw new TerraInvalidArgumentError(
        'realistic',
        `realistic must be true or false; got ${describeKind(options.realistic)}.`,
      );
    }
    if (options.realistic) return realisticEvent(build(type, options) as { type: string });
  }
  return build(type, options);
}

function build(type: KnownWebhookEventName, options: EventFixtureOptions): unknown {
  if (!isKnownEventType(type)) {
    throw new TerraInvalidArgumentError(
      'type',
      typeof type === 'string'
        ? `"${type}" is not a webhook event type this SDK knows; use one of ${KNOWN_WEBHOOK_EVENT_TYPES.join(', ')}.`
        : `The event type must be a string; got ${describeKind(type)}.`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new TerraInvalidArgumentError('options', `options must be an object; got ${describeKind(options)}.`);
  }
  const { random, date, midnight, time } = resolve(options, 0xe7e7);
  const seed = options.seed ?? 1;
  const who = checkUser(options.user) ?? user({ seed });
  const records = { seed, date, offsetMinutes: options.offsetMinutes };
  const utcTime = (ms: number) => new Date(ms).toISOString();
  const sentAt = midnight + 9 * 3600 * 1000;
  switch (type) {
    case 'auth':
      if (options.status === 'error') {
        return {
          type: 'auth',
          status: 'error',
          reason: 'access_denied',
          message: 'User did not authorize access',
          reference_id: who.reference_id ?? null,
          widget_session_id: random.uuid(),
          provider: who.provider,
          user: { ...who, active: false },
        } satisfies LegacyAuthErrorEvent;
      }
      return authEvent(who, { widgetSessionId: random.uuid() });
    case 'auth_cancelled':
      return {
        type,
        status: 'error',
        reason: 'access_denied',
        reference_id: who.reference_id ?? null,
        flow_id: random.uuid(),
      };
    case 'deauth':
      return deauthEvent(who);
    case 'user_reauth': {
      const old = user({ seed: seed + 1, provider: who.provider ?? undefined, referenceId: who.reference_id ?? null });
      return reauthEvent(old, who);
    }
    case 'access_revoked':
      return accessRevokedEvent(who);
    case 'connection_error':
      return {
        type,
        status: 'warning',
        message: 'The provider refused the stored credentials: ask the user to connect again',
        user: who,
      };
    case 'permission_change':
      return {
        type,
        status: 'warning',
        message: 'User changed the permissions they granted',
        user: who,
        version: EVENT_VERSION,
        scopes_added: 'sleep,heartrate',
        scopes_removed: '',
      };
    case 'large_request_processing':
      return largeRequestProcessingEvent(who, options.reference ?? random.uuid());
    case 'large_request_sending':
      return largeRequestSendingEvent(
        who,
        options.reference ?? random.uuid(),
        count(options.expectedPayloads, 4, 'expectedPayloads', 10_000),
      );
    case 'activity':
      return dataEvent(type, who, [activity({ ...records, samples: options.samples })]);
    case 'body':
      return dataEvent(type, who, [body(records)]);
    case 'daily':
      return dataEvent(type, who, [daily(records)]);
    case 'menstruation':
      return dataEvent(type, who, [menstruation(records)]);
    case 'nutrition':
      return dataEvent(type, who, [nutrition(records)]);
    case 'sleep':
      return dataEvent(type, who, [sleep(records)]);
    case 'planned_workout':
      return dataEvent(type, who, [plannedWorkout(records)]);
    case 'hormone':
      return dataEvent(type, who, [hormone(records)]);
    case 'health_observation':
      return dataEvent(type, who, [healthObservation(records)]);
    case 'athlete':
      return { type, athlete: athlete({ seed }), user: who, version: EVENT_VERSION };
    case 'lab_report.completed': {
      const results = labResults(random, date);
      return {
        type,
        event_id: random.uuid(),
        occurred_at: utcTime(sentAt),
        upload_id: random.uuid(),
        data: {
          session_id: snowflake(random),
          ...(who.reference_id ? { reference_id: who.reference_id } : {}),
          report_date: date,
          report_time: '08:15',
          report_locale: 'en-GB',
          results_count: results.length,
          results,
          panels: LAB_PANELS.map((panel) => ({ ...panel })),
        },
      };
    }
    case 'lab_report.failed':
      return {
        type,
        event_id: random.uuid(),
        occurred_at: utcTime(sentAt),
        upload_id: random.uuid(),
        data: {
          session_id: snowflake(random),
          ...(who.reference_id ? { reference_id: who.reference_id } : {}),
          error: {
            code: 'unreadable_document',
            message: 'No lab results could be read from the file',
            retriable: false,
          },
        },
      };
    case 's3_payload':
      return {
        type,
        status: 'success',
        url: `https://terra-sandbox-payloads.s3.eu-west-2.amazonaws.com/${random.uuid()}.json?X-Amz-Expires=300`,
        expires_in: 300,
      };
    case 'healthcheck':
      return {
        type,
        status: 'success',
        creation_timestamp: utcTime(sentAt),
        trend_percentage: random.between(-20, 20, 1),
        sent_webhooks_last_hour: random.int(0, 500),
      };
    case 'processing':
      return {
        type,
        status: 'success',
        message: 'Data is being fetched from the provider and will be sent when ready',
        user: who,
        retry_after_seconds: 60,
      };
    case 'rate_limit_hit':
      return {
        type,
        status: 'warning',
        user: who,
        start_date: time(midnight - 7 * DAY_MS),
        end_date: time(midnight),
        retrying_at: utcTime(sentAt + 15 * 60 * 1000),
        message: 'The provider rate limited this request; Terra will retry it',
      };
    case 'google_no_datasource':
      return {
        type,
        status: 'warning',
        user: who,
        message: 'The Google Fit account has no data source Terra can read',
      };
    case 'request_processing':
      return { type, status: 'success', message: 'Request is being processed', user: who };
    case 'request_completed':
      return {
        type,
        status: 'success',
        message: 'Request completed',
        reference: options.reference ?? random.uuid(),
        user: who,
      };
  }
}

/**
 * Builders of realistic Terra records. Every builder is deterministic: the same options give the same
 * record (change `seed` for another one).
 *
 * @example
 * ```ts
 * import { fixtures } from 'terra-sdk/testing';
 * const run = fixtures.activity({ samples: 3_600, seed: 7 }); // an hour of 1 Hz heart rate
 * const night = fixtures.sleep({ date: '2026-07-02', offsetMinutes: -300 });
 * ```
 */
export const fixtures = {
  /** A Terra user (one connection to one provider). */
  user,
  /** A workout (a run by default) with one heart-rate sample per second and a GPS fix every ten seconds. */
  activity,
  /** The night that ends on the morning of `date`, with a hypnogram every five minutes. */
  sleep,
  /** The summary of `date`, with stress samples every fifteen minutes. */
  daily,
  /** Body measurements of `date`: weight, blood pressure, glucose every fifteen minutes, ... */
  body,
  /** The meals and drinks of `date`. */
  nutrition,
  /** The menstrual cycle state on `date`. */
  menstruation,
  /** A profile. */
  athlete,
  /** A morning hormone reading. */
  hormone,
  /** A logged symptom. */
  healthObservation,
  /** A workout planned on `date`. */
  plannedWorkout,
  /**
   * A webhook event of any type Terra sends, typed by `type`: `fixtures.event('user_reauth')` is a
   * `UserReauthEvent`. Data events hold the record of `date` from the builders above;
   * `fixtures.event('auth', { status: 'error' })` is the older auth-failure shape. With
   * `{ realistic: true }`, the event is shaped as real deliveries show it (no `version`, no
   * `message`, `provider: null` on a deauth, other status words), to test that your code copes.
   *
   * @example
   * ```ts
   * const reauth = fixtures.event('user_reauth', { seed: 3 }); // reauth.new_user, reauth.old_user
   * const run = fixtures.event('activity', { samples: 600, user: fixtures.user({ provider: 'GARMIN' }) });
   * const deauth = fixtures.event('deauth', { realistic: true }); // deauth.user.provider === null
   * ```
   * @throws {@link TerraInvalidArgumentError} for a type this SDK does not know, or an unusable option.
   */
  event,
};
