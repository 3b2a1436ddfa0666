/**
 * Terra's user endpoints: `GET /userInfo`, `GET /subscriptions`, `PATCH /users/{user_id}`.
 * @internal
 * @packageDocumentation
 */
import type { EmulatorState } from './context.js';
import { utc } from './context.js';
import { isRecord, ok, problem, readJson } from './http.js';

export function userInfo(s: EmulatorState, query: URLSearchParams, instance: string): Response {
  const userId = query.get('user_id');
  const referenceId = query.get('reference_id');
  if (userId) {
    const user = s.users.get(userId);
    if (!user) return problem(404, 'not found', instance, 'user not found');
    return ok({
      user: { ...user, last_polled_at: utc(s.now() - 600_000), most_recent_data_at: user.last_webhook_update },
      status: 'success',
      is_authenticated: user.active === true && !s.failed.has(user.user_id),
    });
  }
  if (referenceId) return ok([...s.users.values()].filter((u) => u.reference_id === referenceId));
  return problem(400, 'bad request', instance, 'user_id or reference_id is required');
}

export function subscriptions(s: EmulatorState, query: URLSearchParams, instance: string): Response {
  const users = [...s.users.values()];
  if (!query.has('page')) return ok({ users });
  const page = Number(query.get('page'));
  const perPage = query.has('per_page') ? Number(query.get('per_page')) : 500;
  if (!Number.isInteger(page) || page < 0 || !Number.isInteger(perPage) || perPage < 1) {
    return problem(400, 'bad request', instance, 'page and per_page must be whole numbers');
  }
  const maxPage = Math.max(0, Math.ceil(users.length / perPage) - 1);
  return ok({
    data: {
      results: users.slice(page * perPage, (page + 1) * perPage),
      next: page < maxPage ? page + 1 : null,
      max_page: maxPage,
    },
  });
}

export async function modifyUser(
  s: EmulatorState,
  request: Request,
  userId: string,
  instance: string,
): Promise<Response> {
  const user = s.users.get(userId);
  if (!user) return problem(404, 'not found', instance, 'user not found');
  const body = await readJson(request);
  const valid =
    isRecord(body) &&
    (body.reference_id !== undefined || body.active !== undefined) &&
    (body.reference_id === undefined || (typeof body.reference_id === 'string' && body.reference_id !== '')) &&
    (body.active === undefined || typeof body.active === 'boolean');
  if (!valid) {
    return problem(400, 'bad request', instance, 'give reference_id (a non-empty string), active (a boolean) or both');
  }
  if (typeof body.reference_id === 'string') user.reference_id = body.reference_id;
  if (typeof body.active === 'boolean') user.active = body.active;
  return ok({ user: { ...user }, status: 'success' });
}
