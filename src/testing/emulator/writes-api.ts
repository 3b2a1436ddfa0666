/**
 * Terra's data writes: `POST /activity`, `/body`, `/nutrition` and the deletes of what was written.
 * @internal
 * @packageDocumentation
 */
import type { TerraDataType } from '../../response.js';
import { type EmulatorState, MAX_STORED } from './context.js';
import { isRecord, ok, problem, readJson } from './http.js';
import { PROVIDERS, WRITERS } from './providers.js';

/** `POST /activity`, `/body`, `/nutrition`: records written to the provider, with their new ids. */
export async function writeData(
  s: EmulatorState,
  type: TerraDataType,
  request: Request,
  query: URLSearchParams,
  instance: string,
): Promise<Response> {
  const body = await readJson(request);
  if (!isRecord(body) || !Array.isArray(body.data) || body.data.length === 0 || !body.data.every(isRecord)) {
    return problem(400, 'bad request', instance, 'the body must be {"data": [...]} with at least one record');
  }
  const writer = WRITERS[type] as string;
  const userId = query.get('user_id');
  const user = userId === null ? undefined : s.users.get(userId);
  if (userId !== null && !user) return problem(404, 'not found', instance, 'user not found');
  if (user && user.provider !== writer) {
    return problem(
      400,
      'bad request',
      instance,
      `writing ${type} data is supported for ${PROVIDERS[writer]?.name} connections only`,
    );
  }
  const logIds = body.data.map(() => String(s.random.int(10_000_000, 99_999_999)));
  for (const id of logIds) {
    if (s.written.size >= MAX_STORED) s.written.delete(s.written.values().next().value as string);
    s.written.add(id);
  }
  return ok({ ...(user ? { user: { ...user } } : {}), log_ids: logIds, message: 'Data posted successfully' });
}

/** `DELETE /body` (`{log_ids}`) and `DELETE /nutrition` (`{data}`): each id's outcome. */
export async function deleteWritten(
  s: EmulatorState,
  type: 'body' | 'nutrition',
  request: Request,
  query: URLSearchParams,
  instance: string,
): Promise<Response> {
  const user = s.users.get(query.get('user_id') ?? '');
  if (!query.get('user_id')) return problem(400, 'bad request', instance, 'user_id is required');
  if (!user) return problem(404, 'not found', instance, 'user not found');
  const key = type === 'body' ? 'log_ids' : 'data';
  const body = await readJson(request);
  const ids = isRecord(body) ? body[key] : undefined;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return problem(400, 'bad request', instance, `the body must be {"${key}": [...]} with the ids to delete`);
  }
  const processed = ids.map((id) => ({ id, response_code: s.written.delete(id) ? 200 : 404 }));
  return ok({ user: { ...user }, processed_data: processed });
}
