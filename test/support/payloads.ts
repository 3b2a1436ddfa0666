/**
 * Realistic, deterministic payloads for tests and benchmarks: a run recorded by a watch, with one
 * heart-rate sample per second and a GPS fix every ten seconds, as Terra delivers it.
 */

/** A small seeded generator (mulberry32), so payloads are identical from run to run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats epoch milliseconds as Terra does: local time, microseconds, and the offset. */
export function terraTime(epochMs: number, offsetMinutes = 60): string {
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}000${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export const USER = {
  user_id: '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad',
  provider: 'GARMIN',
  last_webhook_update: '2026-07-01T09:12:33.891000+00:00',
  scopes: 'ACTIVITY_EXPORT,HEALTH_EXPORT',
  reference_id: 'user-123',
  active: true,
};

/** One activity with `samples` seconds of heart rate (and a GPS fix every 10 s). */
export function activity(samples: number, seed = 1): Record<string, unknown> {
  const next = random(seed);
  const start = Date.UTC(2026, 6, 1, 6, 4, 11);
  const hr: Record<string, unknown>[] = [];
  let bpm = 92;
  for (let i = 0; i < samples; i++) {
    bpm = Math.min(188, Math.max(70, bpm + (i < 600 ? 0.12 : 0) + (next() - 0.5) * 3));
    hr.push({ timestamp: terraTime(start + i * 1000), bpm: Math.round(bpm), timer_duration_seconds: i });
  }
  const positions: Record<string, unknown>[] = [];
  let lat = 51.5007;
  let lng = -0.1246;
  for (let i = 0; i < samples; i += 10) {
    lat += (next() - 0.4) * 0.0004;
    lng += (next() - 0.4) * 0.0006;
    positions.push({
      timestamp: terraTime(start + i * 1000),
      coords_lat_lng_deg: [Number(lat.toFixed(6)), Number(lng.toFixed(6))],
      timer_duration_seconds: i,
    });
  }
  const distance = Math.round(samples * 2.9 * 10) / 10;
  return {
    metadata: {
      name: 'Morning Run',
      summary_id: `a1b2c3d4-0000-4000-8000-${pad(seed, 12)}`,
      start_time: terraTime(start),
      end_time: terraTime(start + samples * 1000),
      type: 8,
      upload_type: 1,
      timestamp_localization: 1,
      city: 'London',
      country: 'GB',
      state: null,
    },
    device_data: {
      name: 'Forerunner 965',
      manufacturer: 'Garmin',
      software_version: '21.19',
      hardware_version: null,
      serial_number: null,
      data_provided: ['HEART_RATE', 'DISTANCE', 'STEPS', 'CALORIES'],
    },
    distance_data: {
      summary: { distance_meters: distance, steps: Math.round(samples * 2.7), floors_climbed: 3, elevation: null },
    },
    calories_data: {
      total_burned_calories: Math.round(samples * 0.21),
      net_activity_calories: Math.round(samples * 0.17),
      BMR_calories: Math.round(samples * 0.04),
    },
    active_durations_data: { activity_seconds: samples, rest_seconds: 0, vigorous_intensity_seconds: samples * 0.6 },
    movement_data: {
      avg_speed_meters_per_second: 2.9,
      max_speed_meters_per_second: 4.1,
      avg_cadence_rpm: 172,
      avg_pace_minutes_per_kilometer: 5.7,
    },
    heart_rate_data: {
      summary: { avg_hr_bpm: 151, max_hr_bpm: 181, min_hr_bpm: 88, resting_hr_bpm: 52, hr_zone_data: [] },
      detailed: { hr_samples: hr, hrv_samples_rmssd: [], hrv_samples_sdnn: [] },
    },
    position_data: {
      start_pos_lat_lng_deg: [51.5007, -0.1246],
      end_pos_lat_lng_deg: [Number(lat.toFixed(6)), Number(lng.toFixed(6))],
      position_samples: positions,
    },
    TSS_data: null,
    cheat_detection: 0,
  };
}

/** The body of `GET /activity?to_webhook=false` holding one activity. */
export function activityResponse(samples: number, seed = 1): Record<string, unknown> {
  return { user: USER, data: [activity(samples, seed)], type: 'activity' };
}
