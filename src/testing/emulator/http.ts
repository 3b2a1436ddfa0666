/**
 * How the emulator answers: Problem bodies, JSON, empty answers, and reading JSON request bodies.
 * @internal
 * @packageDocumentation
 */

/** A JSON object. */
export type Json = Record<string, unknown>;

/** A Problem (RFC 9457) answer, as Terra sends its errors. */
export const problem = (
  status: number,
  title: string,
  instance: string,
  detail: string,
  headers: Record<string, string> = {},
) =>
  new Response(JSON.stringify({ type: 'about:blank', title, instance, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

/** A JSON answer, 200 unless told otherwise. */
export const ok = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** `204 No Content`. */
export const noContent = () => new Response(null, { status: 204 });

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request's JSON body; `empty` for no body, `undefined` for one that is not JSON. */
export async function readJson(request: Request, empty?: unknown): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return empty;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A `YYYY-MM-DD` string that is a real calendar date. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** A query date: unix seconds or `YYYY-MM-DD` (00:00 UTC). */
export function parseDate(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? undefined : ms;
  }
  return undefined;
}

/** `target` with the query parameters that are not null. */
export function withQuery(target: string, params: Record<string, string | null>): string {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.href;
}
