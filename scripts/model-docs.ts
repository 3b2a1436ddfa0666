/**
 * The words of the generated models: what each recurring field means, what each model is, and the
 * short noun a model goes by when a field holds it. Read by `generate-models.ts`.
 *
 * Everything here is the project's own wording. Facts (units, meanings, traps) come from the API
 * notes in ../shared/docs; sentences from Terra's spec are never copied. A field or model not listed
 * here is described from its structure by the generator (its type, the model it links, the unit in its
 * name), so an entry belongs here only when it says more than the structure can.
 */

/** What a field description may refer to: `link` is the TSDoc link of the type it holds, if any. */
export interface FieldContext {
  owner: string;
  link: string;
}

export type FieldDoc = string | ((context: FieldContext) => string);

export const TIMESTAMP =
  'a Terra timestamp string (microseconds, usually a UTC offset; without one it is the user’s local time): ' +
  'read it with `parseTerraTimestamp`, not `new Date()`';
const DAY_START =
  'Local midnight starting the day this record covers, as ' +
  TIMESTAMP +
  '. For the calendar date take the first 10 characters (`calendarDate`): converting to UTC can move it to the day before.';
const DAY_END = `Local midnight ending the day this record covers, 24 hours after \`start_time\`, as ${TIMESTAMP}.`;
const RFC3339_UTC = 'an RFC 3339 date-time in UTC (ending in `Z`)';
const OPAQUE_ID = 'compare it as text and never turn it into a number: such ids can exceed 2^53';
const SCOPE_LIST = 'one comma-separated string (such as `activity:read,sleep:read`), not an array';
const KCAL = 'in kilocalories (the “calories” of food labels and fitness apps)';
const ENRICHMENT =
  'Terra computes it only when score weightings are enabled for your account; a later delivery may carry null, so never overwrite a stored score with null.';

/**
 * One-line explanations of field names, keyed `Model.field` (that model only), `*Suffix.field` (every
 * model whose name ends with Suffix, such as `*Event.user`), `field` (everywhere else) or `*_suffix`
 * (every field whose name ends so). The most specific key wins.
 */
export const FIELD_DOCS: Record<string, FieldDoc> = {
  // --- Webhook envelopes ---------------------------------------------------------------------------
  'WebhookEvent.type':
    'The event type (`activity`, `deauth`, ...), which decides the shape of the rest of the payload. Terra adds new types over time.',
  'WebhookEvent.status': 'Terra’s status word for the event, when it sends one. Free text: compare with care.',
  '*Event.status':
    'Terra’s status word for the event. The spec’s word is offered to autocompletion, but real deliveries use others, so treat it as a hint, not a switch.',
  '*Event.user': (c) =>
    `The connection this event is about: see ${c.link}. Its \`user_id\` identifies the connection; its \`reference_id\` is your own id for the person.`,
  '*Event.data': (c) =>
    `The records delivered, each ${c.link ? `a ${c.link}` : 'an object'}. A large backfill arrives as several events.`,
  '*Event.version': 'The payload format version, a date string such as `2022-03-16`.',
  '*Event.message':
    'A human-readable note from Terra, for logs or display. Its wording is not stable: never branch on it.',
  'AuthSuccessEvent.flow_id': 'Identifier of the connection flow that just succeeded.',
  'AuthErrorEvent.flow_id': 'Identifier of the connection flow that failed or was abandoned.',
  'AuthSuccessEvent.widget_session_id':
    'The widget session the user connected through: the `session_id` of the widget session you opened.',
  'AuthSuccessEvent.reference_id':
    'Your own id for the person, as given when the connection flow started (also found in `user.reference_id`).',
  'AuthErrorEvent.reason':
    'Why the connection did not complete, as a short code such as `access_denied` (the user declined on the provider’s page).',
  'AuthErrorEvent.reference_id':
    'Your own id for the person who tried to connect. This event has no `user`, so it is the only way to tell who it concerns.',
  'UserReauthEvent.new_user':
    'The connection that replaces the old one. Move what you keyed by `old_user.user_id` to this `user_id`.',
  'UserReauthEvent.old_user':
    'The connection being replaced; Terra deletes it. Absent or null when Terra no longer has it: then match on `reference_id`.',
  'PermissionChangeEvent.scopes_added': `Scopes the user granted in this change, as ${SCOPE_LIST}; may be empty. Apply it to the stored scopes with \`applyScopeChanges\` rather than replacing them.`,
  'PermissionChangeEvent.scopes_removed': `Scopes the user withdrew in this change, as ${SCOPE_LIST}; may be empty. Apply it with \`applyScopeChanges\`.`,
  'LargeRequestProcessingEvent.reference':
    'Terra’s id of the large request. Every data event of the request carries it in its `terra-reference` header: use it to correlate, never to deduplicate.',
  'LargeRequestSendingEvent.reference':
    'Terra’s id of the large request, repeated in the `terra-reference` header of each data event that follows.',
  'LargeRequestSendingEvent.expected_payloads':
    'How many data events the request will be split into: count them to know when the backfill is complete.',
  'S3PayloadEvent.url':
    'A signed, short-lived link to the full payload. Download it at once and store the data, not the link; never log it.',
  'S3PayloadEvent.expires_in':
    'Seconds the `url` stays valid, counted from when Terra signed it, not from when you received the event.',
  'AthleteEvent.athlete': (c) =>
    `The user’s profile on the provider: see ${c.link}. Athlete events carry it here, not in a \`data\` array.`,
  'LabReportCompletedEvent.data': (c) => `The processed report and its results: see ${c.link}.`,
  'LabReportFailedEvent.data': (c) => `Which session failed and why: see ${c.link}.`,
  '*Event.event_id':
    'Terra’s id of this event, the same on every redelivery: deduplicate on it. A reprocessed report gets a new one.',
  '*Event.occurred_at': `When the event happened, as ${RFC3339_UTC}.`,
  '*Event.upload_id':
    'Groups the events of one upload (an upload with several reports gives several events). For correlation, not deduplication.',

  // --- Users -----------------------------------------------------------------------------------------
  'TerraUser.user_id': `Terra’s id of this connection: one person linked to one provider account. A new id is issued when they reconnect (see \`user_reauth\`), so key your own records by \`reference_id\`. An opaque string; ${OPAQUE_ID}.`,
  user_id: 'Terra’s id of a connection (one person linked to one provider account), as an opaque string.',
  'UserAuthUrl.user_id':
    'The id Terra gave the connection being created. It exists before the user has finished signing in, so wait for the `auth` event before treating it as connected.',
  provider:
    'The data source, in Terra’s upper-case spelling (`GARMIN`, `FITBIT`, `OURA`, ...). Compare exactly; new providers appear over time.',
  'PlannedWorkoutDetailsMetadata.provider':
    'The provider the workout details were read from, in Terra’s upper-case spelling.',
  reference_id:
    'Your own id for the person, as given when they connected. Terra copies it onto every connection and event; it is not unique inside Terra, since one person can connect several providers.',
  'AuthenticateUserParams.reference_id':
    'Your own id for the person connecting. Terra stores it on the connection and returns it in every event: give each person their own.',
  'WidgetSessionParams.reference_id':
    'Your own id for the person connecting. Terra stores it on the connection and returns it in every event: give each person their own.',
  'LabReportEventData.reference_id': 'Your own reference for the upload, if you gave one.',
  'LabReportFailureData.reference_id': 'Your own reference for the upload, if you gave one.',
  'LabReportSession.reference_id': 'Your own reference for the upload, if you gave one.',
  scopes: `The permissions the user granted, as ${SCOPE_LIST}. May be null, empty or padded with spaces: read it with \`parseScopes\`.`,
  'Connection.scopes':
    'The granted scopes as an array (unlike `TerraUser.scopes`, a comma-separated string); empty for providers without scopes.',
  active:
    '`false` once Terra no longer receives data for this connection (it was disconnected or revoked); null when Terra does not say.',
  'TerraUser.created_at': `When the connection was made, as ${TIMESTAMP}.`,
  last_webhook_update: `When Terra last sent a webhook about this connection, as ${TIMESTAMP}.`,
  last_polled_at:
    'When Terra last asked the provider for new data for this connection; null for providers that push their data.',
  most_recent_data_at:
    'Time of the newest sample Terra holds for this connection; it can lag behind the last poll when polls bring nothing new.',
  'Connection.last_updated_at': 'When Terra last received any data from the provider for this connection.',
  is_authenticated: '`true` while the connection is still authorised with the provider.',
  users: (c) => `The connections, each a ${c.link}.`,
  'SubscribedUsersPage.data': 'One page of connections, with how to fetch the next one.',
  next: 'Index of the next page to request, or null on the last page: stop when it is null.',
  max_page: 'Index of the last page (pages are numbered from 0).',

  // --- Auth and widget ---------------------------------------------------------------------------------
  'WidgetSession.url':
    'The Terra widget page to send the user to (redirect or open it). It stops working after `expires_in` seconds.',
  'WidgetSession.session_id':
    'Identifier of this widget session; the `auth` event that follows carries it as `widget_session_id`.',
  'WidgetSession.expires_in': 'Seconds until the widget `url` stops working.',
  auth_url: 'The provider’s sign-in page to send the user to; after it they come back to your redirect URL.',
  token:
    'A short-lived token to hand to a Terra mobile SDK (`initConnection`, for Apple Health, Samsung Health and the like). Treat it as a secret.',
  'AuthToken.expires_in': 'Seconds until the token can no longer be used.',
  language: 'Language of the pages the user sees while connecting, as a language code such as `en`.',
  auth_success_redirect_url: 'Where the user’s browser is sent once the connection succeeds.',
  auth_failure_redirect_url: 'Where the user’s browser is sent when the connection fails or is cancelled.',
  'WidgetSessionParams.providers':
    'The providers the widget offers, as one comma-separated string of provider names (`GARMIN,FITBIT`). Overrides the selection in your dashboard.',
  'ProvidersResponse.providers': 'Names of the providers your account can connect through the web flow.',
  sdk_providers: 'Names of the providers that connect through a Terra mobile SDK instead (Apple Health and the like).',
  status:
    '`success` on a successful answer. Older error answers say `error`; the client turns those into errors before this model is read.',

  // --- Data records: identity and time -----------------------------------------------------------------
  'ActivityMetadata.summary_id':
    'The provider’s id of this workout, unique per user but not across users. Redeliveries repeat it: deduplicate on (`user_id`, `summary_id`) and overwrite rather than append.',
  'SleepMetadata.summary_id':
    'The provider’s id of this sleep session, unique per user. Redeliveries repeat it: deduplicate on (`user_id`, `summary_id`) and overwrite.',
  'HealthObservationMetadata.summary_id':
    'The source’s id of this observation (for HealthKit, the sample UUID). Redeliveries and corrections reuse it: upsert on it.',
  'ActivityMetadata.start_time': `When the workout started, as ${TIMESTAMP}.`,
  'ActivityMetadata.end_time': `When the workout ended, as ${TIMESTAMP}.`,
  'SleepMetadata.start_time': `When the sleep session started, as ${TIMESTAMP}.`,
  'SleepMetadata.end_time': `When the sleep session ended, as ${TIMESTAMP}.`,
  'DailyMetadata.start_time': DAY_START,
  'DailyMetadata.end_time': DAY_END,
  'BodyMetadata.start_time': DAY_START,
  'BodyMetadata.end_time': DAY_END,
  'NutritionMetadata.start_time': DAY_START,
  'NutritionMetadata.end_time': DAY_END,
  'MenstruationMetadata.start_time': DAY_START,
  'MenstruationMetadata.end_time': DAY_END,
  'HealthObservationMetadata.start_time': `When the observation happened or began, as ${TIMESTAMP}.`,
  'HealthObservationMetadata.end_time': `When an observation that spans time ended, as ${TIMESTAMP}; absent for a single moment.`,
  'LapSample.start_time': `When the lap started, as ${TIMESTAMP}.`,
  'LapSample.end_time': `When the lap ended, as ${TIMESTAMP}.`,
  start_time: `Start of the period the values cover, as ${TIMESTAMP}.`,
  end_time: `End of the period the values cover, as ${TIMESTAMP}.`,
  timestamp: `When the value was recorded, as ${TIMESTAMP}.`,
  'HormoneSample.timestamp': `When the test was taken, as ${TIMESTAMP}. Also the natural key of a hormone sample.`,
  'LabReportStatusEntry.timestamp': `When the session reached this status, as ${RFC3339_UTC}.`,
  start_timestamp: `When the reading or interval began, as ${TIMESTAMP}.`,
  end_timestamp: `When the interval ended, as ${TIMESTAMP}.`,
  measurement_time: `When the measurement was taken, as ${TIMESTAMP}.`,
  timestamp_localization: (c) =>
    `Whether the timestamps of this record are UTC (0, written \`+00:00\`, never \`Z\`) or the user’s local time (1, offset optional): a ${c.link} code.`,
  'ActivityMetadata.type': (c) =>
    `What kind of workout this was, as a ${c.link} code (\`ActivityTypeLabels\` names them). 0 is “In Vehicle”, a real value: test for \`undefined\`/\`null\`, never for truthiness.`,
  upload_type: (c) =>
    `How the data reached the provider, as a ${c.link} code: 1 = automatic, 2 = manual (user-entered), and more.`,
  'SleepMetadata.upload_type': (c) =>
    `How the sleep session was recorded, as a ${c.link} code. Careful: here 1 = manual and 2 = automatic, the reverse of \`UploadType\`; 3 = tentative, 4 = indeterminate.`,
  'SleepMetadata.is_nap': '`true` for a nap, `false` for the main sleep of the day.',
  'ActivityMetadata.name': 'The workout’s title, typed by the user or given by the provider.',
  'ActivityMetadata.city': 'Where the workout took place, as the provider names the city.',
  'ActivityMetadata.state': 'Where the workout took place: state or region, as the provider names it.',
  'ActivityMetadata.country': 'Where the workout took place: the country, as the provider names it.',
  metadata: (c) => `What the record is and which period it covers: see ${c.link}.`,
  'PlannedWorkoutDetails.metadata': (c) => `What the workout is, on the provider: see ${c.link}.`,
  timer_duration_seconds:
    'Time since the workout started when this point was taken, in seconds, not counting time the recording was paused.',
  cheat_detection:
    'A number the provider sets when it suspects the data was faked; no meaning is documented for its values.',
  data_enrichment: (c) =>
    `Terra’s own scores for this record: see ${c.link}. Present only when score weightings are enabled for your account; their absence is normal.`,
  device_data: (c) => `The device (or app) that recorded the data: see ${c.link}.`,

  // --- Activity and daily figures ---------------------------------------------------------------------
  BMR_calories: `Calories burned by the body at rest (basal metabolism), ${KCAL}. Part of \`total_burned_calories\`.`,
  net_activity_calories: `Calories burned through movement alone, basal metabolism excluded, ${KCAL}.`,
  total_burned_calories: `All calories burned: basal metabolism plus activity, ${KCAL}.`,
  net_intake_calories: `Calories taken in through food and drink, ${KCAL}.`,
  'CalorieSample.calories': `Calories burned, as recorded at this point, ${KCAL}.`,
  'LapSample.calories': `Calories burned during the lap, ${KCAL}.`,
  'NutritionMacros.calories': `Energy content, ${KCAL}.`,
  'PlannedWorkoutDetailsStepDuration.calories': `The step ends once this many calories are burned (${KCAL.replace('in ', '')}).`,
  'DailyDistanceData.steps': 'Steps taken over the day. A count, though Terra sends it as a plain JSON number.',
  'DistanceDataSummary.steps': 'Steps taken during the workout.',
  'StepSample.steps': 'Steps counted as of this point.',
  'PlannedWorkoutDetailsStepDuration.steps': 'The step ends after this many steps.',
  'DailyDistanceData.distance_meters': 'Distance covered over the day, in metres.',
  'DistanceDataSummary.distance_meters': 'Distance covered during the workout, in metres.',
  'DistanceSample.distance_meters':
    'Distance covered since the start of the payload up to this point, in metres (cumulative).',
  'LapSample.distance_meters': 'Distance covered in the lap, in metres.',
  'PlannedWorkoutDetailsStepDuration.distance_meters': 'The step ends after this distance, in metres.',
  floors_climbed: 'Height gained, counted in floors as the provider estimates them.',
  'FloorsClimbedSample.floors_climbed': 'Floors climbed since the start of the payload up to this point (cumulative).',
  avg_hr_bpm: 'Average heart rate over the workout, lap or reading, in beats per minute.',
  max_hr_bpm: 'Highest heart rate recorded, in beats per minute.',
  min_hr_bpm: 'Lowest heart rate recorded, in beats per minute.',
  resting_hr_bpm: 'Resting heart rate as the provider determines it, in beats per minute.',
  user_max_hr_bpm:
    'The user’s maximum heart rate as the provider estimates it (from age and other factors), in beats per minute.',
  avg_hrv_rmssd:
    'Average heart-rate variability, computed with RMSSD (root mean square of successive beat-interval differences).',
  avg_hrv_sdnn: 'Average heart-rate variability, computed with SDNN (standard deviation of beat intervals).',
  bpm: 'Heart rate at this point, in beats per minute.',
  'HeartRateDataSample.context': (c) => `Whether the user was active when measured, as a ${c.link} code.`,
  activity_seconds: 'Time spent active, in seconds.',
  inactivity_seconds: 'Time spent inactive, in seconds.',
  'ActiveDurationsData.rest_seconds': 'Time spent resting, in seconds.',
  num_continuous_inactive_periods: 'How many separate inactive stretches were recorded.',
  standing_hours_count: 'Hours in which the user stood for a while, as the provider counts them.',
  'HeartRateZoneData.zone': 'Index of the heart-rate zone, counted from 0.',
  start_percentage: 'Lower bound of the zone, as a percentage of the user’s maximum heart rate.',
  end_percentage: 'Upper bound of the zone, as a percentage of the user’s maximum heart rate.',
  'HeartRateZoneData.name': 'The provider’s name for the zone (such as “Aerobic”).',
  'HeartRateZoneData.duration_seconds': 'Time spent in the zone, in seconds.',
  gain_actual_meters: 'Total ascent, in metres: every climb counts, so this is not the net change.',
  loss_actual_meters: 'Total descent, in metres.',
  gain_planned_meters: 'Ascent the workout plan called for, in metres.',
  elev_meters: 'Altitude at this point, in metres above sea level.',
  energy_planned_kilojoules: 'Energy the user set out to spend (their goal for the workout), in kilojoules.',
  adjusted_max_speed_meters_per_second: 'Maximum speed after Terra removed implausible spikes, in metres per second.',
  avg_velocity_meters_per_second:
    'Average velocity, a quantity some providers compute separately from speed, in metres per second.',
  max_velocity_meters_per_second:
    'Maximum velocity, as some providers compute it separately from speed, in metres per second.',
  normalized_speed_meters_per_second: 'Normalised speed, as some providers compute it, in metres per second.',
  summary_polyline: 'The route as an encoded polyline (the format map libraries decode).',
  coords_lat_lng_deg:
    'Latitude and longitude in degrees, in that order. Either may be null when the device had no fix; more items may follow.',
  MET_data: (c) => `Metabolic equivalent (MET) figures: see ${c.link}. 1 MET is the energy spent sitting still.`,
  'METSample.level': 'Metabolic equivalent at this point (1 = at rest).',
  avg_level: 'Average metabolic equivalent (1 = at rest).',
  'BodyBatterySample.level': 'Body-battery energy level at this point, on the provider’s scale.',
  'StressSample.level': 'Stress level at this point, on the provider’s scale.',
  trigger_method:
    'What ended the lap, as the device reports it (such as `MANUAL`, `DISTANCE`, `TIME` or `SESSION_END`).',
  'LapSample.stroke_type': 'The swimming stroke of the lap, as the provider names it (such as `freestyle`).',
  total_strokes: 'Strokes in the lap (swimming).',
  'Activity.polyline_map_data': (c) => `The route of the workout, for drawing on a map: see ${c.link}.`,
  strain_level: 'Cardiovascular strain, on the provider’s scale.',
  'StressData.stress_rating': (c) => `The day’s overall stress, as a ${c.link} code.`,
  tag_name: 'The label of the tagged event, typed by the user or set by the device.',
  'TagEntry.notes': 'The user’s note on the tagged event.',
  // Terra's enrichment scores (the data_enrichment objects)
  strain_score: `Terra’s strain score for the workout. ${ENRICHMENT}`,
  rcrs_score: `Terra’s recovery-corrected relative strain (RCRS) score. ${ENRICHMENT}`,
  trimp_score: `Terra’s training impulse (TRIMP) score. ${ENRICHMENT}`,
  efficiency_score: `Terra’s efficiency score for the workout. ${ENRICHMENT}`,
  total_stress_score: `Terra’s stress score for the day. ${ENRICHMENT}`,
  total_stress_score_v2: `Terra’s stress score for the day, from the second version of its model. ${ENRICHMENT}`,
  respiratory_score: `Terra’s respiratory score for the day. ${ENRICHMENT}`,
  immune_index: `Terra’s immune index for the day. ${ENRICHMENT}`,
  resilience_score: `Terra’s resilience score for the day. ${ENRICHMENT}`,
  strain_index: `Terra’s strain index for the day. ${ENRICHMENT}`,
  strain_traffic_light: 'The day’s strain as a colour rating such as `GREEN`, `AMBER` or `RED`.',
  sleep_score: `Terra’s sleep score. ${ENRICHMENT}`,
  sleep_score_v2: `Terra’s sleep score, from the second version of its model. ${ENRICHMENT}`,
  readiness_score: `Terra’s readiness score. ${ENRICHMENT}`,
  respiratory_score_v2: `Terra’s respiratory score, from the second version of its model. ${ENRICHMENT}`,

  // --- Sleep -------------------------------------------------------------------------------------------
  duration_asleep_state_seconds: 'Time asleep in any stage (light, deep or REM), in seconds.',
  duration_light_sleep_state_seconds: 'Time in light sleep, in seconds.',
  duration_deep_sleep_state_seconds: 'Time in deep sleep, in seconds.',
  duration_REM_sleep_state_seconds: 'Time in REM sleep, in seconds.',
  num_REM_events: 'How many separate REM periods the session had.',
  duration_awake_state_seconds: 'Time awake during the sleep session, in seconds.',
  duration_long_interruption_seconds: 'Time awake in interruptions longer than 90 seconds, in seconds.',
  duration_short_interruption_seconds: 'Time awake in interruptions shorter than 90 seconds, in seconds.',
  num_out_of_bed_events: 'How many times the user got out of bed during the session.',
  num_wakeup_events: 'How many times the user woke up during the session.',
  sleep_latency_seconds: 'Time from lying down to sleep to falling asleep, in seconds.',
  wake_up_latency_seconds: 'Time from waking up to getting out of bed, in seconds.',
  duration_in_bed_seconds: 'Time in bed, asleep or not, in seconds.',
  duration_unmeasurable_sleep_seconds: 'Time the device could not tell whether the user slept, in seconds.',
  sleep_efficiency: 'Time asleep divided by time in bed, in percent.',
  on_demand_reading: '`true` when the user started the reading, `false` when the device took it on its own.',
  'SleepTemperatureData.delta': 'How far the skin temperature was from the user’s usual level during the session.',

  // --- Body ---------------------------------------------------------------------------------------------
  systolic_bp: 'Systolic (upper) blood pressure, in mmHg.',
  diastolic_bp: 'Diastolic (lower) blood pressure, in mmHg.',
  day_avg_systolic_bp: 'The day’s average systolic (upper) blood pressure, in mmHg.',
  day_avg_diastolic_bp: 'The day’s average diastolic (lower) blood pressure, in mmHg.',
  BMI: 'Body mass index, in kg/m².',
  BMR: `Basal metabolic rate: energy the body needs at rest, ${KCAL} per day.`,
  RMR: `Resting metabolic rate: energy needed at rest plus light everyday activity, ${KCAL} per day.`,
  day_avg_bmr: `The day’s average basal metabolic rate, ${KCAL}.`,
  day_avg_rmr: `The day’s average resting metabolic rate, ${KCAL}.`,
  estimated_fitness_age: 'The age the user’s fitness corresponds to, in years, as the device estimates it.',
  lean_mass_g: 'Body weight minus fat, in grams.',
  water_percentage: 'Share of body weight that is water, in percent.',
  insulin_units: 'Insulin taken, in insulin units (IU).',
  insulin_type: 'The kind of insulin taken, in the provider’s words (such as `rapid-acting`).',
  visceral_fat_level: 'Visceral fat, on the device’s own scale.',
  visceral_fat_category: 'Visceral fat as a rating word from the device (such as `normal`).',
  urine_color: 'Urine colour as the user logged it.',
  user_notes: 'The user’s note on the measurement.',
  'GlucoseData.day_avg_blood_glucose_mg_per_dL': 'The day’s average blood glucose, in mg/dL.',
  'GlucoseData.day_avg_blood_glucose_mg_per_dl':
    'The same value as `day_avg_blood_glucose_mg_per_dL`, under an older lower-case key; both keys can be present.',
  day_avg_detailed_blood_glucose_mg_per_dL:
    'The day’s average blood glucose from the higher-frequency samples, in mg/dL.',
  detailed_blood_glucose_samples: (c) =>
    `Extra blood glucose readings, possibly at a higher frequency than \`blood_glucose_samples\`: time series of ${c.link} points.`,
  gmi: 'Glucose management indicator: an estimate of HbA1c from continuous glucose readings, in percent.',
  time_in_range: 'Time the blood glucose stayed within the healthy range, as the provider reports it.',
  sensor_usage: 'How many readings the glucose sensor recorded over the day.',
  time_from_midnight: 'Hour of the day the percentiles describe, 0 (midnight) to 23.',
  pulse_wave_velocity_samples: (c) =>
    `Pulse wave velocity readings, a measure of arterial stiffness: time series of ${c.link} points.`,
  'HydrationMeasurementSample.hydration_kg': 'Total body water, in kilograms.',
  'HydrationLevelSample.hydration_level': 'Total body water, in kilograms.',
  day_avg_hydration_kg: 'The day’s average total body water, in kilograms.',
  day_total_water_consumption_ml: 'Water the user drank over the day, in millilitres.',
  'OxygenSaturationSample.type': (c) => `Whether the saturation is of blood or muscle, as a ${c.link} code.`,
  'OxygenSaturationSample.percentage': 'Oxygen saturation, in percent.',
  'KetoneSample.sample_type': (c) => `What the ketones were measured in (blood, urine or breath), as a ${c.link} code.`,
  potential_uV: 'Electrical potential of the ECG signal at this point, in microvolts.',

  // --- Nutrition and menstruation ---------------------------------------------------------------------
  'Meal.id': 'The provider’s id of the logged food.',
  'Meal.name': 'The food as the user logged it.',
  'Meal.type': (c) => `Which meal of the day the food belongs to, as a ${c.link} code.`,
  'Meal.timestamp': `When the food was eaten, as ${TIMESTAMP}.`,
  drink_name: 'The drink as the user logged it (such as “Water”).',
  drink_volume: 'How much was drunk, in the unit given by `drink_unit`.',
  drink_unit: (c) => `The unit of \`drink_volume\`, as a ${c.link} code.`,
  'NutritionQuantity.amount': 'How much was eaten, in the unit given by `unit`.',
  'NutritionQuantity.unit': (c) => `The unit of \`amount\`, as a ${c.link} code.`,
  macros: (c) => `Calories and macronutrients (protein, fat, carbohydrates, ...): see ${c.link}.`,
  micros: (c) => `Vitamins, minerals and other micronutrients: see ${c.link}.`,
  'MenstruationData.current_phase': (c) => `The cycle phase of this day, as a ${c.link} code.`,
  'MenstruationData.day_in_cycle': 'Which day of the cycle this record is, counted from 1.',
  period_length_days: 'How many days the bleeding lasts, in days.',
  cycle_length_days: 'Length of the whole cycle, in days.',
  predicted_cycle_length_days: 'The predicted length of the cycle, in days.',
  length_of_current_phase_days: 'Length of the current phase, in days.',
  days_until_next_phase: 'Days until the next phase begins, as predicted.',
  period_start_date: 'First day of the cycle’s period, `YYYY-MM-DD`.',
  is_predicted_cycle: '`true` when the cycle is the provider’s prediction, `false` when the user logged it.',
  last_updated_time: `When the user last logged anything about the cycle, as ${TIMESTAMP}.`,
  fertility_window_start: 'First day of the fertile window, `YYYY-MM-DD`.',
  fertility_window_end: 'Last day of the fertile window, `YYYY-MM-DD`.',
  ovulation_day: 'The predicted day of ovulation, `YYYY-MM-DD`.',
  'MenstruationFlowSample.flow': (c) => `How heavy the flow was, as a ${c.link} code.`,
  'MenstruationIntervalSample.phase': (c) => `The cycle phase the interval covers, as a ${c.link} code.`,
  lh_mIU_per_ml: 'Luteinising hormone, in mIU/mL.',
  e3g_ng_per_ml: 'Estrone-3-glucuronide, a urine marker of oestrogen that rises before ovulation, in ng/mL.',
  pdg_ug_per_ml: 'Pregnanediol glucuronide, a urine marker of progesterone that confirms ovulation, in µg/mL.',
  hcg_mIU_per_ml: 'Human chorionic gonadotropin, the pregnancy hormone, in mIU/mL.',
  fsh_mIU_per_ml: 'Follicle-stimulating hormone, in mIU/mL.',

  // --- Athlete ------------------------------------------------------------------------------------------
  'Athlete.age': 'The user’s age in years, as the provider has it.',
  'Athlete.date_of_birth': 'The user’s date of birth, `YYYY-MM-DD`.',
  account_creation_date: 'When the user opened their account with the provider, `YYYY-MM-DD`.',
  provider_user_id: 'The user’s id at the provider (not Terra’s `user_id`).',
  'Athlete.sex': 'The user’s sex, in the provider’s words.',
  'Athlete.gender': 'The user’s gender, in the provider’s words.',
  bio: 'The short text the user shows on their provider profile.',
  'Athlete.city': 'The user’s city, as given on the provider.',
  'Athlete.state': 'The user’s state or region, as given on the provider.',
  'Athlete.country': 'The user’s country, as given on the provider.',
  first_name: 'The user’s first name on the provider.',
  last_name: 'The user’s last name on the provider.',
  email: 'The user’s email address on the provider.',

  // --- Devices --------------------------------------------------------------------------------------------
  'DeviceData.name':
    'The device’s name; for data that came through an aggregator (such as Google Fit) it can be the name of the app instead.',
  'OtherDeviceData.name': 'The other device’s name, or the app’s for data from an aggregator.',
  manufacturer: 'Who made the device, as the provider names them.',
  hardware_version: 'The device’s hardware version, as the provider reports it.',
  software_version: 'The device’s firmware or software version, as the provider reports it.',
  serial_number: 'The device’s serial number.',
  activation_timestamp: `When the device was activated, as ${TIMESTAMP}.`,
  last_upload_date: 'When the device last uploaded data, as the provider reports it.',
  data_provided: (c) => `The kinds of data this device supplied, as ${c.link} values.`,

  // --- Workouts and planned workouts ------------------------------------------------------------------
  workout_id: `Terra’s id of the workout, as a string: ${OPAQUE_ID}.`,
  planned_workout_id: `Terra’s id of this scheduled instance of a workout, as a string: ${OPAQUE_ID}.`,
  provider_workout_id: 'The id the provider gave the workout when it was sent to the device’s account.',
  planned_date: 'The day the workout is scheduled for, `YYYY-MM-DD`.',
  coercion_warnings:
    'Where Terra had to adapt the workout to what the provider supports: a list of {@link CoercionWarning} as Terra sends it, or a string as its spec says; test with `Array.isArray` before reading.',
  'CoercionWarning.path':
    'Where in the workout template the change was made, such as `step_blocks[0].steps[1].intensity_targets[0]`.',
  'CoercionWarning.message': 'What was changed, in words.',
  is_external:
    '`true` for a workout created on the provider rather than through Terra; only such workouts carry `details`.',
  'PlannedWorkout.created_at': 'When the planned workout was created, as an RFC 3339 date-time.',
  'PlannedWorkout.last_updated_at': 'When the planned workout last changed, as an RFC 3339 date-time.',
  created_date: 'When the provider created the workout, as an RFC 3339 date-time.',
  'PlannedWorkoutDetailsMetadata.id': 'The provider’s id of the workout.',
  'PlannedWorkoutDetailsMetadata.type':
    'The workout’s activity type as a number (see `ActivityType` for the usual codes).',
  pool_length_meters: 'Length of the pool for swim workouts, in metres.',
  'AthleteMetrics.pool_length_meters': 'Length of the pool, in metres; replaces the template’s value.',
  threshold_heart_rate:
    'The user’s threshold heart rate, in beats per minute, used to turn relative targets into absolute ones.',
  max_heart_rate:
    'The user’s maximum heart rate, in beats per minute, used to turn percentage targets into absolute ones.',
  threshold_speed: 'The user’s threshold speed, in metres per second.',
  ftp: 'The user’s functional threshold power, in watts, used to turn percentage power targets into watts.',
  estimated_duration_seconds: 'How long the workout should take, in seconds.',
  estimated_distance_meters: 'How far the workout should go, in metres.',
  estimated_calories: `Calories the workout should burn, ${KCAL}.`,
  estimated_tss: 'Planned training stress score (TSS).',
  estimated_if: 'Planned intensity factor: planned effort relative to threshold.',
  'WorkoutTemplate.name': 'The workout’s title, as shown on the device.',
  'WorkoutTemplate.description': 'A longer description shown with the workout.',
  'WorkoutTemplate.workout_id': 'Terra’s id of the workout. Ignored when creating one: Terra assigns it.',
  'PlannedWorkoutDetailsMetadata.name': 'The workout’s title on the provider.',
  'PlannedWorkoutDetailsMetadata.description': 'The workout’s description on the provider, if it has one.',
  'PlannedWorkoutDetailsStep.type': 'The step’s kind, as a raw integer code from the provider’s workout format.',
  'PlannedWorkoutDetailsStep.intensity':
    'The step’s intensity, as a raw integer code from the provider’s workout format.',
  'PlannedWorkoutDetailsStep.order': 'Position of the step within its parent, as the provider numbers it.',
  'PlannedWorkoutDetailsStep.name': 'The step’s title on the provider.',
  'PlannedWorkoutDetailsStep.description': 'The step’s description on the provider.',
  'PlannedWorkoutDetailsStepDuration.duration_type': 'How the step ends (time, distance, ...), as a raw integer code.',
  'PlannedWorkoutDetailsStepTarget.target_type': 'What the target measures, as a raw integer code.',
  value_low: 'Lower bound, when the condition or target is a range.',
  value_high: 'Upper bound, when the condition or target is a range.',
  'CompletionCondition.value':
    'The amount that ends the step, in the unit its type implies (seconds for time, metres for distance, ...).',
  'IntensityTarget.value': 'The target value, when the target is a single value rather than a range.',
  'StepControl.value': 'The grade or resistance to set, as `type` says.',
  'WorkoutStep.notes': 'Free-text instructions shown with the step.',
  'PlanWorkoutParams.planned_date': 'The day to schedule the workout on, `YYYY-MM-DD`.',
  'ReschedulePlannedWorkoutParams.planned_date': 'The new day for the workout, `YYYY-MM-DD`.',
  'CreateWorkoutResponse.status': '`success` when the workout template was stored.',

  // --- Lab reports ----------------------------------------------------------------------------------------
  session_id: `Terra’s id of the lab-report session, as a string: ${OPAQUE_ID}.`,
  current_status:
    'Where the report is in processing, as a lowercase word (such as `processing`); new words may appear.',
  report_date: 'The date printed on the report, `YYYY-MM-DD`; absent when it could not be read.',
  report_time: 'The time printed on the report, `HH:MM` (24-hour); absent when it could not be read.',
  report_locale: 'The report’s language and region, such as `en-GB`.',
  report_notes: 'Free-text notes found on the report.',
  results_count: 'How many results the report holds.',
  collection_date: 'When the specimen was collected, `YYYY-MM-DD`; absent when it could not be read.',
  collection_time: 'Time the specimen was collected, `HH:MM` (24-hour); absent when it could not be read.',
  'LabReportBiomarker.key':
    'Terra’s name for the matched biomarker, or null when the result could not be matched: null here is the only “unmatched” signal.',
  'LabReportBiomarker.loinc_code':
    'The LOINC code of the biomarker, when it has one. May be absent even on a match: do not use it to detect matches.',
  'LabReportBiomarker.panel_id': 'The `id` of the panel in the session’s `panels` this biomarker belongs to.',
  'LabReportPanel.id': 'Number of the panel within the report; biomarkers refer to it with `panel_id`.',
  'LabReportPanel.name': 'The panel heading exactly as printed on the report.',
  'LabReportPanel.key': 'A normalised form of the heading, for grouping (not a LOINC code).',
  'LabReportMeasurement.type':
    'Which of the sibling fields holds the value: `numeric`, `bounded`, `qualitative`, `text`, or `absent` (then `absent_reason` says why).',
  'LabReportMeasurement.units': 'The unit as printed on the report (such as `µmol/L`).',
  ucum_code: 'The unit as a UCUM code, when it could be mapped.',
  'LabReportBoundedValue.operator': '`lt` or `gt`: whether the result was below or above `value`.',
  'LabReportInterpretation.flag':
    'A coded reading of the result (`high`, `low`, `normal`, ...), or null when there is none.',
  flag_raw: 'The flag exactly as the lab printed it.',
  'LabReportInterpretation.source': 'Where the flag came from: `report`, `computed` or `none`.',
  'LabReportEventError.code':
    'Why processing failed: `file_unreadable`, `extraction_failed`, `standardization_failed` or `internal`.',
  retriable: '`true` when uploading the same file again may succeed.',
  'LabReportEventError.message': 'What went wrong, in words, for logs.',
  'LabReportDelivery.status': 'Delivery state: `pending`, `delivered` or `failed`.',
  attempt_count: 'How many times the delivery was retried (0 on the first attempt).',
  last_error: 'The most recent delivery error; absent once delivered.',
  presigned_url: 'A signed, time-limited link to the file; it expires at `expires_at`. Never log it.',
  'LabReportFilesResponse.expires_at': `When every link in this answer stops working, as ${RFC3339_UTC}.`,
  'LabReportArtifactsResponse.expires_at': `When every link in this answer stops working, as ${RFC3339_UTC}.`,
  input_bytes: 'Size of the uploaded files, in bytes.',
  output_bytes: 'Size of what Terra produced from them, in bytes.',

  // --- Health observations -----------------------------------------------------------------------------
  observation_type: 'What was observed, as a snake_case name such as `intermenstrual_bleeding`.',
  'HealthObservationData.status': (c) =>
    `Where the record stands, as a ${c.link} code; “Entered In Error” withdraws the record with the same \`summary_id\`.`,
  'HealthObservationData.notes': 'A note the user or the source app attached.',
  'ObservationCode.system':
    'The vocabulary the code belongs to (the source platform’s own, or a standard such as SNOMED CT or LOINC).',
  'ObservationCode.code': 'The code within `system`.',
  'ObservationCode.display': 'A readable name for the code.',

  // --- Responses and errors ------------------------------------------------------------------------------
  'DataSentToWebhook.reference':
    'Ties this answer to the webhook deliveries that carry the data: they repeat it in their `terra-reference` header.',
  'DataSentToWebhook.trace_id': 'Terra’s trace id of the request (the same value as `reference`).',
  'DataSentToWebhook.type': 'The data type that was requested (`activity`, `sleep`, ...).',
  'DataSentToWebhook.message':
    'Present for large requests (more than a month), which arrive as several webhook deliveries.',
  '*Collection.type': 'The data type of `data` (`activity`, `sleep`, ...).',
  '*Collection.user': (c) => `The connection the data belongs to: see ${c.link}.`,
  '*Collection.data': (c) =>
    `The records, each ${c.link ? `a ${c.link}` : 'an object'}; empty when there is no data in the range.`,
  'AthleteCollection.type': 'The data type, `athlete`.',
  'AthleteCollection.athlete': (c) => `The user’s profile on the provider: see ${c.link}.`,
  'IntegrationProvider.types': 'Which kinds of data the provider supplies, one flag per kind.',
  'IntegrationProvider.name': 'The provider’s display name.',
  'IntegrationProvider.provider': 'The provider’s name in Terra’s upper-case spelling, as used in requests.',
  'ScoresData.activity': 'The provider’s activity score for the day.',
  'ScoresData.recovery': 'The provider’s recovery score for the day.',
  'ScoresData.sleep': 'The provider’s score for the previous night’s sleep.',
  'SleepScores.sleep': 'The provider’s score for the sleep session.',
  'ReadinessData.readiness': 'The provider’s readiness score for the day, from the sleep session.',
  'ReadinessData.recovery_level': 'The provider’s recovery score for the day, from the sleep session.',
  'Problem.type': 'A URI naming the kind of problem (RFC 9457).',
  'Problem.title': 'A short summary of the kind of problem.',
  'Problem.detail': 'What went wrong in this case, in words.',
  'Problem.instance': 'A URI for this occurrence of the problem.',
  'IntegrationProvider.enabled': '`true` when the provider is enabled for your account.',
  'IntegrationProvider.icon': 'Link to the provider’s logo.',
  'IntegrationProvider.setup': 'How the integration is set up, as a code such as `API_KEYS_MANAGED`.',

  // --- Filling the gaps the structure leaves ------------------------------------------------------------
  '*_contributors': (c) =>
    `How much each factor weighed in the score beside it: factor name to weighted contribution (see ${c.link}).`,
  low_intensity_seconds: 'Time at low intensity, in seconds.',
  moderate_intensity_seconds: 'Time at moderate intensity, in seconds.',
  vigorous_intensity_seconds: 'Time at vigorous intensity, in seconds.',
  standing_seconds: 'Time spent standing, in seconds.',
  num_high_intensity_minutes: 'Time at high intensity on the MET scale, in minutes.',
  num_moderate_intensity_minutes: 'Time at moderate intensity on the MET scale, in minutes.',
  num_low_intensity_minutes: 'Time at low intensity on the MET scale, in minutes.',
  num_inactive_minutes: 'Time inactive on the MET scale, in minutes.',
  avg_meters: 'Average altitude, in metres.',
  max_meters: 'Highest altitude reached, in metres.',
  min_meters: 'Lowest altitude reached, in metres.',
  avg_watts: 'Average power output, in watts.',
  max_watts: 'Highest power output, in watts.',
  'PowerSample.watts': 'Power output at this point, in watts.',
  breaths_per_min: 'Breathing rate at this point, in breaths per minute.',
  avg_breaths_per_min: 'Average breathing rate, in breaths per minute.',
  max_breaths_per_min: 'Highest breathing rate, in breaths per minute.',
  min_breaths_per_min: 'Lowest breathing rate, in breaths per minute.',
  hrv_rmssd: 'Heart-rate variability at this point, computed with RMSSD.',
  hrv_sdnn: 'Heart-rate variability at this point, computed with SDNN.',
  percentile_5: 'The 5th percentile of the blood glucose readings at this hour of the day.',
  percentile_25: 'The 25th percentile of the blood glucose readings at this hour of the day.',
  percentile_50: 'The median of the blood glucose readings at this hour of the day.',
  percentile_75: 'The 75th percentile of the blood glucose readings at this hour of the day.',
  percentile_95: 'The 95th percentile of the blood glucose readings at this hour of the day.',
  day_avg_bmi: 'The day’s average body mass index, in kg/m².',
  day_avg_estimated_fitness_age: 'The day’s average estimated fitness age, in years.',
  day_avg_insulin_units: 'The day’s average insulin, in insulin units (IU).',
  day_avg_visceral_fat_level: 'The day’s average visceral fat, on the device’s own scale.',
  avg_stress_level: 'Average stress level, on the provider’s scale.',
  max_stress_level: 'Highest stress level, on the provider’s scale.',
  num_snoring_events: 'How many times the user started snoring.',
  num_laps: 'Laps swum.',
  num_strokes: 'Strokes swum.',
  start_pos_lat_lng_deg: 'Where the workout started: latitude and longitude, in degrees.',
  center_pos_lat_lng_deg: 'The middle of the route: latitude and longitude, in degrees.',
  end_pos_lat_lng_deg: 'Where the workout ended: latitude and longitude, in degrees.',
  'Nutrition.meals': (c) => `The foods logged over the day, each a ${c.link}.`,
  'LapData.laps': (c) => `The laps in the order they were recorded, each a ${c.link}.`,
  'TagData.tags': (c) => `The tagged events of the day, each a ${c.link}.`,
  'MeasurementsData.measurements': (c) => `The measurements taken over the day, each a ${c.link}.`,
  'MenstruationData.menstruation_flow': (c) => `The flow the user logged, day by day: time series of ${c.link} points.`,
  'MenstruationData.intervals': (c) => `The phases of the cycle, each covering a stretch of days: see ${c.link}.`,
  'LabReportSession.status_history': (c) =>
    `The statuses the session has gone through, each with its time: see ${c.link}.`,
  'UserInfo.user': (c) => `The connection, with when Terra last polled it: see ${c.link}.`,
  'DataSentToWebhook.user': (c) => `The connection the data was requested for: see ${c.link}.`,
  created_at: 'When it was created, as a date-time string.',
  uploaded_at: `When the files were uploaded, as ${RFC3339_UTC}.`,
  updated_at: `When the session last changed, as ${RFC3339_UTC}.`,
  'SnoringSample.duration_seconds': 'How long this snoring episode lasted, in seconds.',
  'IntegrationProviderTypes.activity': '`true` when the provider supplies activity data.',
  'IntegrationProviderTypes.body': '`true` when the provider supplies body data.',
  'IntegrationProviderTypes.daily': '`true` when the provider supplies daily data.',
  'IntegrationProviderTypes.sleep': '`true` when the provider supplies sleep data.',
  'IntegrationProviderTypes.nutrition': '`true` when the provider supplies nutrition data.',
  'IntegrationProviderTypes.menstruation': '`true` when the provider supplies menstruation data.',
  'ObservationValue.quantity': 'The value as a number, in `unit`, when `value_type` is Quantity.',
  'ObservationValue.unit': 'The unit of `quantity` (such as `count`).',
  'ObservationValue.boolean': 'The value as a yes/no finding, when `value_type` is Boolean.',
  'ObservationValue.text': 'The value as free text, when `value_type` is String.',
  'ObservationValue.code': 'The value as a code (such as `luteinizing_hormone_surge`), when `value_type` is Code.',
  'ObservationComponent.code': 'Which part of the observation this is (such as `valence` for a state of mind).',
  'StrengthData.exercise_name': 'The exercise’s name, for display.',
  'StrengthData.exercise_category':
    'The exercise’s category in Garmin’s vocabulary (such as `BENCH_PRESS` or `SQUAT`).',
  'StrengthData.weight': 'The weight to lift; `weight_display_unit` says how the device shows it.',
  'PlannedWorkoutDetailsStep.exercise_name': 'The exercise’s name, for display.',
  'PlannedWorkoutDetailsStep.exercise_category': 'The exercise’s category, as a raw integer code.',
  'PlannedWorkoutDetailsStep.weight_kg': 'The weight to lift, in kilograms.',
  'PlannedWorkoutDetailsStep.equipment_type': 'The equipment the step uses, as raw integer codes.',
  'PlannedWorkoutDetailsStepDuration.seconds': 'The step ends after this many seconds.',
  'PlannedWorkoutDetailsStepDuration.reps': 'The step ends after this many repetitions.',
  'PlannedWorkoutDetailsStepDuration.rest_seconds': 'Rest after the step, in seconds.',
  hr_below_bpm: 'The step ends when heart rate falls below this, in beats per minute.',
  hr_above_bpm: 'The step ends when heart rate rises above this, in beats per minute.',
  power_below_watts: 'The step ends when power falls below this, in watts.',
  power_above_watts: 'The step ends when power rises above this, in watts.',
  'PlannedWorkoutDetailsStepTarget.cadence': 'Target cadence, as the provider measures it.',
  'PlannedWorkoutDetailsStepTarget.power_watt': 'Target power, in watts.',
  'PlannedWorkoutDetailsStepTarget.swim_strokes': 'Target number of swim strokes.',
  'PlannedWorkoutDetailsStepTarget.repetitions': 'Target number of repetitions.',
  'PlannedWorkoutDetailsStepTarget.hr_percentage':
    'Target heart rate, as a percentage of the user’s reference heart rate.',
  'PlannedWorkoutDetailsStepTarget.speed_percentage': 'Target speed, as a percentage of the user’s reference speed.',
  'PlannedWorkoutDetailsStepTarget.power_percentage':
    'Target power, as a percentage of the user’s reference power (FTP).',
  'PlannedWorkoutDetailsStepTarget.speed_meters_per_second': 'Target speed, in metres per second.',
  'TSSSample.planned': 'Training stress score the session was planned to reach.',
  'TSSSample.actual': 'Training stress score the session reached.',
  'TSSSample.intensity_factor_planned': 'Planned intensity factor: effort relative to threshold.',
  'TSSSample.intensity_factor_actual': 'Reached intensity factor: effort relative to threshold.',
  'TSSSample.method': 'How the training stress score was computed, in the provider’s words.',
  '*ResultSource.name': 'The test’s name exactly as printed on the report.',
  '*ResultSource.panel': 'The panel heading the result was printed under.',
  '*ResultSource.value': 'The value exactly as printed, before any parsing.',
  '*ResultSource.units': 'The unit exactly as printed.',
  '*ResultSource.flag': 'The flag exactly as printed; its coded form is in `interpretation`.',
  '*ResultSource.method': 'The lab method, as printed.',
  '*ResultSource.notes': 'Notes printed next to the result.',
  '*ResultSource.reference_text': 'The reference range exactly as printed.',
  'LabReportBiomarker.display_name': 'A readable name for the biomarker.',
  'LabReportBiomarker.panel_key': 'The `key` of the panel the biomarker belongs to.',
  'LabReportBiomarker.specimen': 'What was tested (blood, urine, ...), in the lab’s words.',
  'LabReportMeasurement.text': 'The value as free text, when `type` is `text`.',
  'LabReportMeasurement.numeric': 'The value as a number, in `units`, when `type` is `numeric`.',
  'LabReportMeasurement.absent_reason': 'Why there is no value, when `type` is `absent`.',
  'LabReportQualitativeValue.text': 'The answer in words (such as “negative”).',
  'LabReportQualitativeValue.code': 'The answer as a LOINC or SNOMED code, when there is one.',
  'LabReportBoundedValue.value': 'The bound the result was compared with, in the measurement’s `units`.',
  '*Range.lower': 'Lower end of the range, in the measurement’s `units`; absent when the range is open below.',
  '*Range.upper': 'Upper end of the range, in the measurement’s `units`; absent when the range is open above.',
  'LabReportReferenceRange.type': 'What kind of range this is, in the lab’s words.',
  'LabReportRangeContext.sex': 'The sex the range applies to.',
  'LabReportRangeContext.pregnancy_status': 'The pregnancy status the range applies to.',
  'LabReportRangeContext.cycle_phase': 'The menstrual-cycle phase the range applies to.',
  'LabReportRangeContext.reference_population': 'The population the range was drawn from.',
  'LabReportRangeContext.modifiers': 'Other conditions the range applies under, as words.',
  'LabReportSession.report_type':
    'What kind of report this is, as a lowercase word (such as `lab`); new words may appear.',
  'LabReportSession.patient_sex': 'The patient’s sex as printed, as a lowercase word; absent when not given.',
  'LabReportSession.lab_name': 'The laboratory’s name as printed.',
  'LabReportSession.file_count': 'How many files the upload held.',
  upload_id: 'The id of the upload the session came from; one upload with several reports gives several sessions.',
  'LabReportDelivery.destination_id': 'The id of the destination the report is delivered to.',
  'LabReportDelivery.destination_type': 'The kind of destination (such as `webhook` or `s3`).',
  'LabReportFile.filename': 'The file’s name.',
  'PlannedWorkoutDetailsStep.stroke_type': 'The swim stroke, as a raw integer code.',
  'LabReportRangeContext.age_lower': 'Youngest age the range applies to, in years.',
  'LabReportRangeContext.age_upper': 'Oldest age the range applies to, in years.',
  'LabReportRangeContext.gestational_week_lower': 'First week of pregnancy the range applies to.',
  'LabReportRangeContext.gestational_week_upper': 'Last week of pregnancy the range applies to.',
  'LabReportSession.patient_age_at_collection':
    'The patient’s age in years when the specimen was taken; absent when unknown.',
  'LabReportStatusEntry.status': 'The status the session reached (such as `processing`), as a lowercase word.',
  'LabReportStatusEntry.note': 'A note on the status change, in words.',
  'Connection.id': 'Terra’s numeric id of the connection.',
  'DeleteWorkoutPartialResponse.message': 'What did not complete, in words.',
  'NutritionSummary.water_ml': 'Water drunk over the day, in millilitres.',
  'NutritionSummary.drink_ml': 'Everything drunk over the day, in millilitres.',
  'LabReportFilesResponse.thumbnail': (c) => `A small preview image of the report: see ${c.link}.`,
};

/** Words a field uses for a model it holds, when the model's name does not say it well. */
export const MODEL_NOUNS: Record<string, string> = {
  ActivityMetadata: 'what the workout was and when it ran',
  SleepMetadata: 'when the sleep session ran and how it was recorded',
  DailyMetadata: 'the day this record covers',
  BodyMetadata: 'the day this record covers',
  NutritionMetadata: 'the day this record covers',
  MenstruationMetadata: 'the day this record covers',
  HealthObservationMetadata: 'when the observation happened and its id',
  ActiveDurationsData: 'time spent at each level of intensity',
  CaloriesData: 'calorie figures',
  DistanceData: 'distance, steps and elevation',
  DailyDistanceData: 'distance, steps and elevation over the day',
  DistanceDataSummary: 'totals of distance, steps and elevation',
  DistanceDataDetailed: 'time series of distance, steps, floors and elevation',
  ElevationData: 'elevation figures',
  EnergyData: 'energy spent',
  HeartRateData: 'heart-rate summary and samples',
  HeartRateDataSummary: 'heart-rate averages, extremes and zones',
  HeartRateDataDetailed: 'heart-rate and heart-rate-variability time series',
  LapData: 'the laps',
  METData: 'metabolic equivalent (MET) figures',
  MovementData: 'speed, pace, cadence and torque',
  OxygenData: 'blood oxygen and VO2 max',
  PolylineMapData: 'the route as an encoded polyline',
  PositionData: 'GPS positions',
  PowerData: 'power output',
  StrainData: 'cardiovascular strain',
  TSSData: 'training stress score (TSS) figures',
  WorkData: 'mechanical work done',
  DeviceData: 'the device that recorded the data',
  OtherDeviceData: 'another device that contributed data',
  DataEnrichment: 'Terra’s scores for the workout',
  DailyDataEnrichment: 'Terra’s scores for the day',
  SleepDataEnrichment: 'Terra’s scores for the sleep session',
  ScoresData: 'the provider’s scores for the day',
  SleepScores: 'the provider’s scores for the sleep session',
  StressData: 'stress levels and body battery',
  TagData: 'events tagged by the user or the device',
  SleepDurationsData: 'time asleep, awake and in bed, and the hypnogram',
  AsleepDurations: 'time asleep, by stage',
  AwakeDurations: 'time awake and interruptions',
  OtherSleepDurations: 'time in bed and unmeasured time',
  ReadinessData: 'readiness and recovery',
  RespirationData: 'breathing, oxygen saturation and snoring',
  BreathsData: 'breathing rate',
  SnoringData: 'snoring',
  OxygenSaturationData: 'oxygen saturation',
  SleepTemperatureData: 'body temperature during sleep',
  BloodPressureData: 'blood pressure readings',
  HeartData: 'heart readings: heart rate, ECG, AFib, RR intervals and pulse wave velocity',
  HydrationData: 'body water and water drunk',
  KetoneData: 'ketone readings',
  MeasurementsData: 'body measurements (weight, fat, BMI, ...)',
  TemperatureData: 'body, skin and ambient temperatures',
  GlucoseData: 'blood glucose readings',
  NutritionSummary: 'the day’s nutrition totals',
  NutritionMacros: 'calories and macronutrients',
  NutritionMicros: 'vitamins, minerals and other micronutrients',
  NutritionQuantity: 'how much was eaten',
  MenstruationData: 'the cycle, its phase and the logged flow',
  HealthObservationData: 'the observation itself',
  ObservationValue: 'the observed value',
  SwimmingData: 'swimming figures',
  PlannedWorkoutDetails: 'the workout’s steps as the provider holds them',
  PlannedWorkoutDetailsMetadata: 'what the workout is, on the provider',
  AthleteMetrics: 'the user’s thresholds used to scale the workout',
  CompletionCondition: 'what ends the step or block',
  StrengthData: 'the strength exercise',
  SwimStepData: 'the swim stroke, drill and equipment',
  LabReportEventData: 'the processed report',
  LabReportFailureData: 'which session failed and why',
  LabReportEventError: 'the failure',
  LabReportBiomarker: 'which biomarker the result is',
  LabReportMeasurement: 'the measured value',
  LabReportInterpretation: 'whether the value is high, low or normal',
  LabReportAppliedRange: 'the range the flag was computed against',
  LabReportRangeContext: 'who the range applies to',
  LabReportResultSource: 'the result as printed on the report',
  LabReportEventResultSource: 'the result as printed on the report, with collection date and time',
  LabReportQualitativeValue: 'a result given in words',
  LabReportBoundedValue: 'a result given as below or above a value',
  LabReportFile: 'a file of the report, with a link to download it',
};

/**
 * What each model is, in one sentence. Models not listed are described from where they are used
 * (the request or response they are, the model that holds them).
 */
export const MODEL_DOCS: Record<string, string> = {
  // Data records
  Activity:
    'One workout or other session with a start and an end (a run, a ride, a swim, ...), as Terra sends it in an `activity` event or in answer to a data request. Deduplicate on `metadata.summary_id`.',
  Body: 'One day of body measurements (weight, blood pressure, glucose, temperature, heart readings, ...) for one connection. A redelivery for the same day is a superset: overwrite by the calendar date of `metadata.start_time`.',
  Daily:
    'One day of activity totals (steps, calories, distance, heart rate, stress, ...). Terra resends it as the day goes on, each copy a superset: overwrite by the calendar date of `metadata.start_time`.',
  Sleep:
    'One sleep session (a night or a nap) with its stages, heart rate, breathing and scores. Deduplicate on `metadata.summary_id`.',
  Nutrition:
    'One day of logged food and drink, with the day’s totals. Overwrite by the calendar date of `metadata.start_time`.',
  Menstruation:
    'One day of menstrual-cycle data: phase, predictions and logged flow. Overwrite by the calendar date of `metadata.start_time`.',
  Athlete:
    'The user’s profile as the provider holds it (name, birth date, sex, location, ...); one per connection, the latest wins.',
  HealthObservation:
    'One health observation (a symptom, medication, mood, device event, ...) from a platform such as HealthKit. Upsert on `metadata.summary_id`.',
  HormoneSample: 'One hormone test reading (LH, E3G, PdG, hCG, FSH) at one moment; its `timestamp` is its key.',
  PlannedWorkout:
    'A workout scheduled on a user’s device for a given day, as Terra lists it and sends it in `planned_workout` events.',
  PlannedWorkoutSummary: 'A scheduled workout as Terra answers for one id or after a reschedule.',
  CoercionWarning:
    'One place where Terra changed a workout to fit the provider (a target it does not support, ...), in a plan’s `coercion_warnings`.',
  WorkoutTemplate:
    'A structured workout you define once (sport, blocks of steps, targets) and then plan onto users’ devices. Sent to create a workout, and returned when workouts are read.',
  LabReportSession:
    'A lab report Terra processes from an uploaded file: its status, and once done, its extracted results.',
  TerraUser:
    'A connection: one person linked to one provider account. `user_id` is Terra’s id for it; `reference_id` is yours for the person.',
  Connection:
    'A connection in the newer style, with `scopes` as an array. Not used by any endpoint of this API version yet.',
  RecordFloat: 'A map from a name to a number, such as the factors that contributed to a score.',

  // Events
  WebhookEvent: 'What every webhook payload has in common: its `type`, and often a `status`.',
  WebhookEventType: 'Any webhook payload whose `type` the SDK knows, told apart by `type`.',
  EventType:
    'The event type names of an older list in Terra’s spec. Prefer `WebhookEventType`, which covers every type Terra sends today.',
  AuthSuccessEvent:
    'Sent when a user has connected a provider account: store `user.user_id` against your `reference_id`.',
  AuthErrorEvent:
    'Sent when a user did not complete connecting (they cancelled or the provider refused). It has no `user`; `reference_id` says who it was.',
  DeauthEvent:
    'Sent when a connection ended (the user disconnected, or you deauthenticated them): stop using the connection.',
  UserReauthEvent:
    'Sent when a user connected again an account they had already connected: Terra replaces the old connection, and the user id changes.',
  AccessRevokedEvent:
    'Sent when the user withdrew Terra’s access on the provider’s side: treat the connection as ended.',
  ConnectionErrorEvent:
    'Sent when the provider rejected Terra’s credentials for the connection: ask the user to connect again, and keep their data.',
  PermissionChangeEvent:
    'Sent when the user granted or withdrew scopes on the provider: apply the changes to the scopes you store.',
  LargeRequestProcessingEvent:
    'Sent when Terra starts assembling a request for more than a month of data; the data follows in several events.',
  LargeRequestSendingEvent:
    'Sent when Terra starts delivering a large request, saying how many data events will follow.',
  S3PayloadEvent:
    'Sent instead of a data event when your destination is in ping mode: it links to the payload, which you download right away.',
  ActivityEvent: 'Sent with new or updated workouts (`Activity` records) of one connection.',
  BodyEvent: 'Sent with new or updated days of body measurements (`Body` records) of one connection.',
  DailyEvent: 'Sent with the running totals of one or more days (`Daily` records) of one connection.',
  SleepEvent: 'Sent with new or updated sleep sessions (`Sleep` records) of one connection.',
  NutritionEvent: 'Sent with new or updated days of nutrition (`Nutrition` records) of one connection.',
  MenstruationEvent:
    'Sent with new or updated days of menstrual-cycle data (`Menstruation` records) of one connection.',
  AthleteEvent: 'Sent when a user’s profile on the provider becomes available or changes.',
  PlannedWorkoutEvent: 'Sent with planned workouts (`PlannedWorkout` records) of one connection.',
  HormoneEvent: 'Sent with hormone test readings (`HormoneSample` records) of one connection.',
  HealthObservationEvent: 'Sent with health observations (`HealthObservation` records) of one connection.',
  LabReportCompletedEvent: 'Sent when a lab report has been processed, with its results. Deduplicate on `event_id`.',
  LabReportFailedEvent:
    'Sent when processing a lab report failed for good, with the reason. Deduplicate on `event_id`.',
  LabReportWebhook: 'Either lab-report event: completed or failed, told apart by `type`.',

  // Auth, users, providers, responses
  UserAuthUrl:
    'Terra’s answer when you start connecting a user to a provider: the provider’s page to send them to, and the id of the connection being made.',
  WidgetSession: 'Terra’s answer when you open a widget session: the widget page to send the user to.',
  AuthToken: 'Terra’s answer when you ask for a mobile SDK token: a short-lived token for a Terra mobile SDK.',
  UserDeauthResp: 'Terra’s answer when you disconnect a user (Terra’s docs say a `deauth` event follows).',
  UserInfo: 'Terra’s answer to a user lookup by `user_id`: the connection and its polling times.',
  UsersResponse: 'Terra’s answer to a user lookup by `reference_id`: every connection of that person.',
  SubscribedUsers: 'Terra’s answer to the user list without paging: every connection of your account.',
  SubscribedUsersPage: 'One page of Terra’s user list, when it is read page by page.',
  ProvidersResponse: 'Terra’s answer to the provider list: the names your account can connect.',
  IntegrationsResponse: 'Terra’s answer to the detailed provider list.',
  IntegrationProvider: 'One provider of the detailed provider list, with the data types it supports.',
  DataSentToWebhook:
    'Terra’s answer to a data request whose data goes to your webhook (the default): no data, only the `reference` the deliveries will carry.',
  Problem: 'An error answer in the RFC 9457 “problem details” format, used by the newer endpoints.',
  AuthenticateUserParams:
    'The options of starting a connection to one provider: your id for the person, the language, and where to send them back.',
  WidgetSessionParams:
    'The options of a widget session: which providers to offer, your id for the person, and where to send them back.',
  PlanWorkoutParams: 'The options of planning a workout onto a user’s device: the day, and the user’s thresholds.',
  ReschedulePlannedWorkoutParams: 'The options of moving a planned workout to another day.',
  CreateWorkoutResponse: 'Terra’s answer to creating a workout template: its new `workout_id`.',
  DeleteWorkoutPartialResponse:
    'Terra’s 207 answer to deleting a workout, when part of the deletion did not complete; `message` says what.',
  PlanWorkoutResponse: 'Terra’s answer to planning a workout: the scheduled instance’s ids.',
  LabReportArtifactsResponse:
    'Files Terra derived from a lab report, with links that expire. Not used by any endpoint of this API version yet.',
  LabReportReprocessResponse:
    'Terra’s answer to reprocessing a lab report: the session and its new status. Not used by any endpoint of this API version yet.',
  AthleteCollection:
    'Terra’s answer to a profile request made with `toWebhook: false`: the connection and its profile.',

  // Enums
  ActivityType: 'The kind of workout (running, cycling, swimming, ...). 0, “In Vehicle”, is a real value.',
  ActivityLevel: 'How intense the user’s activity was at a moment.',
  UploadType: 'How data reached the provider: automatically, entered by hand, and so on.',
  SleepUploadType:
    'How a sleep session was recorded. Note the order: 1 = manual and 2 = automatic, the reverse of `UploadType`.',
  SleepLevel: 'The sleep stage at a moment of a hypnogram (awake, light, deep, REM, ...).',
  StressLevel: 'A coarse stress rating.',
  TimestampLocalization: 'Whether a record’s timestamps are in UTC (0) or the user’s local time (1).',
  HeartRateContext: 'Whether the user was active when a heart rate was measured.',
  OxygenSaturationType: 'Whether an oxygen saturation reading is of blood or muscle.',
  DeviceDataType: 'A kind of data a device can supply (steps, heart rate, ...).',
  AFibFlag: 'The result of an atrial fibrillation check.',
  GlucoseFlag: 'Whether a blood glucose reading is normal, high or low.',
  TrendArrow: 'Which way blood glucose is heading, as a glucose monitor shows it.',
  KetoneSampleType: 'What ketones were measured in: blood, urine or breath.',
  MealType: 'Which meal of the day a food belongs to.',
  NutritionUnits: 'A unit a food or drink amount is logged in (grams, cups, ...).',
  MenstruationFlow: 'How heavy a logged menstrual flow was.',
  MenstruationInterval: 'A phase of the menstrual cycle (or of a pregnancy).',
  HealthObservationCategory: 'The broad group a health observation belongs to.',
  ObservationSeverity: 'How severe a symptom was.',
  ObservationStatus: 'Where a health observation record stands (final, amended, withdrawn).',
  ObservationValueType: 'Which kind of value a health observation carries.',
  HeartRateZone: 'A heart-rate zone. Not used by any model of this API version.',
  RecoveryLevel: 'A recovery rating. Not used by any model of this API version.',
  StrokeType: 'A swimming stroke. Not used by any model of this API version.',
  HydrationLevelSample: 'A total-body-water reading. Not used by any model of this API version.',
  WorkoutSport: 'The sport of a workout template.',
  CompletionConditionType: 'What ends a workout step or block: time, distance, heart rate, calories, ...',
  WorkoutStepTargetType: 'What an intensity target of a workout step measures.',
  WorkoutStepIntensity: 'The role of a workout step (warm-up, active, rest, ...).',
  SwimStrokeType: 'The stroke of a swim step.',
  SwimEquipmentType: 'Equipment used in a swim step.',
  EnvironmentType: 'Where a workout takes place: indoors, outdoors or in a pool.',
  DrillType: 'The kind of swim drill.',
  StepControlType: 'What a step control sets on the machine: the grade or the resistance.',
  WeightUnit: 'The unit weights are shown in on the device.',
};
