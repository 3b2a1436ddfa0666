/**
 * Terra's data reads (`GET /activity`, `/daily`, ...): inline or as webhooks, large requests in
 * chunks, and the rate limits r1 (span) and r2 (days per rolling hour).
 * @internal
 * @packageDocumentation
 */
import { DAY_MS } from '../../internal/dates.js';
import type { TerraDataType } from '../../response.js';
import { dataEvent, EVENT_VERSION, largeRequestProcessingEvent, largeRequestSendingEvent } from '../events.js';
import { type EmulatorState, uniqueId } from './context.js';
import { athleteFor, daysBetween, recordsFor } from './data.js';
import { ok, parseDate, problem } from './http.js';
import { PROVIDERS } from './providers.js';

const HOUR_MS = 3_600_000;

export function dataRequest(s: EmulatorState, type: TerraDataType, query: URLSearchParams, instance: string): Response {
  const user = s.users.get(query.get('user_id') ?? '');
  if (!user) return problem(404, 'not found', instance, 'user not found');
  if (!PROVIDERS[user.provider]?.types.includes(type)) {
    return problem(400, 'bad request', instance, 'connection does not support requested data type');
  }
  const toWebhook = query.get('to_webhook') !== 'false';
  if (type === 'athlete') {
    const athlete = athleteFor(s.options.seed, user.user_id);
    if (!toWebhook) return ok({ athlete, type: 'athlete', user });
    const reference = uniqueId();
    s.emit({ type: 'athlete', athlete, user: { ...user }, version: EVENT_VERSION }, reference);
    return ok({ status: 'success', type: 'athlete', reference, trace_id: reference, user });
  }
  const start = parseDate(query.get('start_date'));
  if (start === undefined) return problem(400, 'bad request', instance, 'invalid start_date');
  const endParam = query.get('end_date');
  const end = endParam === null ? start + DAY_MS : parseDate(endParam);
  if (end === undefined) return problem(400, 'bad request', instance, 'invalid end_date');
  if (end < start) return problem(400, 'bad request', instance, 'end_date is before start_date');
  const spanDays = Math.max(1, Math.ceil((end - start) / DAY_MS));

  const limits = rateLimit(s, user.user_id, spanDays);
  if ('rejected' in limits) return limits.rejected;
  const days = daysBetween(start, Math.max(end, start + 1));
  const dayRecords = recordsFor({
    type,
    userId: user.user_id,
    provider: user.provider,
    seed: s.options.seed,
    days,
    offsetMinutes: 60,
    withSamples: query.get('with_samples') !== 'false',
  });
  const records = dayRecords.map((r) => r.record);
  if (!toWebhook) return ok({ user, data: records, type }, limits.headers);

  const reference = uniqueId();
  const large = spanDays > s.options.largeRequestDays;
  if (!large) {
    s.emit(dataEvent(type, user, records), reference);
    return ok({ status: 'success', type, reference, trace_id: reference, user }, limits.headers);
  }
  const { chunkDays } = s.options;
  const chunks: unknown[][] = [];
  for (let i = 0; i < days.length; i += chunkDays) {
    const chunk = new Set(days.slice(i, i + chunkDays));
    chunks.push(dayRecords.filter((r) => chunk.has(r.day)).map((r) => r.record));
  }
  s.emit(largeRequestProcessingEvent(user, reference), reference);
  s.emit(largeRequestSendingEvent(user, reference, chunks.length), reference);
  chunks.forEach((data, i) => {
    s.emit(dataEvent(type, user, data), reference, `${reference}:chunk:${i}`);
  });
  return ok(
    {
      status: 'success',
      type,
      reference,
      trace_id: reference,
      user,
      message: `Large request: the data will be sent to your webhook in ${chunks.length} payloads`,
    },
    limits.headers,
  );
}

/** Rules r1 (span) and r2 (days per rolling hour), as Terra applies them per user. */
export function rateLimit(
  s: EmulatorState,
  userId: string,
  days: number,
): { headers: Record<string, string> } | { rejected: Response } {
  const rateLimited = (headers: Record<string, string>) => ({
    rejected: new Response(JSON.stringify({ detail: 'rate limit exceeded' }), {
      status: 429,
      headers: { 'content-type': 'application/json', ...headers },
    }),
  });
  if (days > s.options.maxSpanDays) return rateLimited({ 'X-Terra-RateLimit-Rule': 'r1' });
  const now = s.now();
  const limit = s.options.daysPerHour;
  const spent = (s.spent.get(userId) ?? []).filter((entry) => entry.at > now - HOUR_MS);
  const used = spent.reduce((sum, entry) => sum + entry.days, 0);
  if (used + days > limit) {
    // Wait until enough of the oldest requests leave the hour.
    let freed = used;
    let wait = 0;
    for (const entry of spent) {
      freed -= entry.days;
      wait = entry.at + HOUR_MS - now;
      if (freed + days <= limit) break;
    }
    return rateLimited({
      'X-Terra-RateLimit-Rule': 'r2',
      'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))),
      'X-Terra-RateLimit-Limit': String(limit),
      'X-Terra-RateLimit-Remaining': String(Math.max(0, limit - used)),
    });
  }
  spent.push({ at: now, days });
  s.spent.set(userId, spent);
  const resetAfter = Math.ceil(((spent[0]?.at ?? now) + HOUR_MS - now) / 1000);
  return {
    headers: {
      'X-Terra-RateLimit-Limit': String(limit),
      'X-Terra-RateLimit-Remaining': String(limit - used - days),
      'X-Terra-RateLimit-Reset-After': String(resetAfter),
    },
  };
}
