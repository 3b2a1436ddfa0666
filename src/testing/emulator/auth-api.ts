/**
 * Connecting: the providers offered, widget sessions and authentication links, and the pages a
 * person goes through (the widget, the provider's consent screen).
 * @internal
 * @packageDocumentation
 */
import type { EmulatorState, Flow } from './context.js';
import { isRecord, type Json, ok, problem, readJson } from './http.js';
import type { FlowResult } from './options.js';
import { PROVIDERS } from './providers.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export function detailedProviders(s: EmulatorState, sdk: boolean) {
  return Object.entries(PROVIDERS)
    .filter(([, p]) => sdk || !p.sdk)
    .map(([provider, p]) => ({
      provider,
      name: p.name,
      icon: `${s.origin}/icons/${provider.toLowerCase()}.png`,
      setup: p.sdk ? 'SDK' : 'API_KEYS_MANAGED',
      enabled: true,
      types: Object.fromEntries(
        (['activity', 'body', 'nutrition', 'daily', 'sleep', 'menstruation'] as const).map((t) => [
          t,
          p.types.includes(t),
        ]),
      ),
    }));
}

export async function authenticateUser(
  s: EmulatorState,
  request: Request,
  query: URLSearchParams,
  instance: string,
): Promise<Response> {
  const resource = query.get('resource');
  if (!resource) return problem(400, 'bad request', instance, 'resource is required');
  const provider = resource.toUpperCase();
  if (!PROVIDERS[provider] || PROVIDERS[provider]?.sdk) {
    return problem(400, 'bad request', instance, `unknown resource: ${resource}`);
  }
  const body = await readJson(request, {});
  if (!isRecord(body)) return problem(400, 'bad request', instance, 'the body must be a JSON object');
  const flow = newFlow(s, 'direct', [provider], body);
  flow.userId = s.random.uuid();
  return ok({ status: 'success', user_id: flow.userId, auth_url: `${s.origin}/connect/${flow.id}` });
}

export async function widgetSession(s: EmulatorState, request: Request, instance: string): Promise<Response> {
  const body = await readJson(request);
  if (!isRecord(body)) return problem(400, 'bad request', instance, 'the body must be a JSON object');
  const available = Object.keys(PROVIDERS).filter((p) => !PROVIDERS[p]?.sdk);
  let providers = available;
  if (typeof body.providers === 'string' && body.providers.trim() !== '') {
    providers = body.providers.split(',').map((p) => p.trim().toUpperCase());
    const unknown = providers.filter((p) => !available.includes(p));
    if (unknown.length > 0) return problem(400, 'bad request', instance, `unknown providers: ${unknown.join(', ')}`);
  }
  const flow = newFlow(s, 'widget', providers, body);
  return ok({ session_id: flow.id, url: `${s.origin}/widget/${flow.id}`, status: 'success', expires_in: 900 });
}

export function newFlow(s: EmulatorState, kind: Flow['kind'], providers: string[], body: Json): Flow {
  const str = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined);
  const flow: Flow = {
    id: s.random.uuid(),
    kind,
    providers,
    referenceId: str('reference_id') ?? null,
    successUrl: str('auth_success_redirect_url'),
    failureUrl: str('auth_failure_redirect_url'),
    userId: undefined,
    expiresAt: s.now() + 900_000,
    done: false,
  };
  s.flows.set(flow.id, flow);
  return flow;
}

export async function flowPage(s: EmulatorState, request: Request, flowId: string): Promise<Response> {
  const flow = s.flows.get(flowId);
  const html = (status: number, title: string, body: string) =>
    new Response(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}' +
        'button{display:block;width:100%;margin:.4rem 0;padding:.7rem;font-size:1rem;cursor:pointer}</style></head>' +
        `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>Terra sandbox: no real account is connected.</small></p></body></html>`,
      { status, headers: { 'content-type': 'text/html; charset=utf-8' } },
    );
  if (!flow || flow.expiresAt < s.now())
    return html(404, 'Session not found', '<p>This link has expired or does not exist.</p>');
  if (flow.done) return html(410, 'Already used', '<p>This link has already been used.</p>');
  if (request.method === 'POST') {
    const form = new URLSearchParams(await request.text());
    let result: FlowResult;
    try {
      result = s.completeFlow(flowId, {
        provider: form.get('provider') ?? undefined,
        cancel: form.get('action') === 'cancel',
      });
    } catch (error) {
      return html(400, 'Cannot connect', `<p>${escapeHtml((error as Error).message)}</p>`);
    }
    if (result.redirect) return new Response(null, { status: 303, headers: { location: result.redirect } });
    return result.user
      ? html(200, 'Connected', `<p>Your ${escapeHtml(result.user.provider ?? '')} account is connected.</p>`)
      : html(200, 'Not connected', '<p>You refused access; nothing was connected.</p>');
  }
  const picked = flow.kind === 'direct' ? flow.providers[0] : new URL(request.url).searchParams.get('provider');
  if (!picked) {
    // The widget: the person picks a provider, then authorizes it on the next page.
    const choices = flow.providers
      .map((p) => `<button name="provider" value="${escapeHtml(p)}">${escapeHtml(PROVIDERS[p]?.name ?? p)}</button>`)
      .join('');
    const cancel = `<form method="post"><input type="hidden" name="provider" value="${escapeHtml(flow.providers[0] ?? '')}"><button name="action" value="cancel">Cancel</button></form>`;
    return html(
      200,
      'Connect a device',
      `<p>Choose the device or app to connect.</p><form method="get">${choices}</form>${cancel}`,
    );
  }
  const provider = picked.toUpperCase();
  if (!flow.providers.includes(provider)) {
    return html(400, 'Cannot connect', `<p>Pick one of ${escapeHtml(flow.providers.join(', '))}.</p>`);
  }
  // The provider's consent screen.
  const name = escapeHtml(PROVIDERS[provider]?.name ?? provider);
  const scopes = escapeHtml(PROVIDERS[provider]?.scopes ?? '');
  return html(
    200,
    `Authorize ${name}`,
    `<p>Allow this app to read your ${name} data through Terra (scopes: ${scopes})?</p>` +
      `<form method="post"><input type="hidden" name="provider" value="${escapeHtml(provider)}">` +
      '<button name="action" value="authorize">Authorize</button><button name="action" value="cancel">Deny</button></form>',
  );
}
