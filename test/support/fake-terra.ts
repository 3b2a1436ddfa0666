/**
 * A small stand-in for Terra's API on a loopback port, for running the examples as a user would.
 * It checks credentials and answers the calls the examples make with Terra's shapes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activity, USER } from './payloads.js';

export interface FakeTerra {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startFakeTerra(credentials: { apiKey: string; devId: string }): Promise<FakeTerra> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/api\/v2/, '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
      res.end(JSON.stringify(body));
    };
    const problem = (status: number, title: string, detail: string) =>
      send(status, { type: 'about:blank', title, instance: url.pathname + url.search, detail });
    const keyed = !path.startsWith('/integrations');
    if (req.headers['dev-id'] !== credentials.devId || (keyed && req.headers['x-api-key'] !== credentials.apiKey)) {
      return problem(401, 'unauthorized', 'dev-id or x-api-key headers are missing');
    }
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /integrations':
        return send(200, {
          providers: ['GARMIN', 'FITBIT', 'OURA', 'WHOOP'],
          sdk_providers: ['APPLE'],
          status: 'success',
        });
      case 'POST /auth/generateWidgetSession':
        return send(200, {
          session_id: 's-1',
          url: `http://${req.headers.host}/widget/s-1`,
          status: 'success',
          expires_in: 900,
        });
      case 'POST /auth/authenticateUser':
        return send(200, {
          status: 'success',
          user_id: 'u-new',
          auth_url: 'https://www.fitbit.com/oauth2/authorize?state=x',
        });
      case 'POST /auth/generateAuthToken':
        return send(200, { status: 'success', token: 'tok', expires_in: 180 });
      case 'GET /userInfo': {
        const referenceId = url.searchParams.get('reference_id');
        if (referenceId) return send(200, [USER, { ...USER, user_id: 'u-2', provider: 'OURA' }]);
        if (url.searchParams.get('user_id') !== USER.user_id) return problem(404, 'not found', 'user not found');
        return send(200, { user: USER, status: 'success', is_authenticated: true });
      }
      case 'GET /activity':
        return url.searchParams.get('to_webhook') === 'false'
          ? send(200, { user: USER, data: [activity(1_800, 1), activity(2_400, 2)], type: 'activity' })
          : send(200, { status: 'success', type: 'activity', reference: 'ref-activity', user: USER });
      case 'GET /sleep':
        return send(200, { status: 'success', type: 'sleep', reference: 'ref-sleep-1', user: USER });
      default:
        return problem(404, 'not found', `no route ${route}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v2`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
