/**
 * terraHandlers: the real client, unchanged, talks to the emulator through msw.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Terra, TerraAuthenticationError, TerraNotFoundError } from '../../src/index.js';
import { TerraEmulator } from '../../src/testing/emulator/index.js';
import { terraHandlers } from '../../src/testing/msw.js';

const emulator = new TerraEmulator({ apiKey: 'key', devId: 'dev', now: () => Date.UTC(2026, 6, 10) });
const server = setupServer(...terraHandlers(emulator));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// No baseUrl: the client talks to Terra's real URL, which msw intercepts.
const terra = new Terra({ apiKey: 'key', devId: 'dev', maxRetries: 0 });

describe('terraHandlers', () => {
  it('serve a client that has no baseUrl (Terra’s own URL is intercepted)', async () => {
    const providers = (await terra.listProviders()).getParsedResponse();
    expect(providers.providers).toContain('GARMIN');
    expect(providers.sdk_providers).toContain('APPLE');
  });

  it('check credentials', async () => {
    const wrong = new Terra({ apiKey: 'nope', devId: 'dev', maxRetries: 0 });
    await expect(wrong.getUserInfo('x')).rejects.toBeInstanceOf(TerraAuthenticationError);
  });

  it('know the users connected in the emulator, and serve their data', async () => {
    const connected = emulator.connect({ provider: 'OURA', referenceId: 'user-1' });
    const user = await terra.fromUserId(connected.user_id);
    expect(user.provider).toBe('OURA');
    const sleep = (
      await user.getSleep({ startDate: '2026-07-01', endDate: '2026-07-04', toWebhook: false })
    ).getParsedResponse();
    expect(sleep.kind).toBe('DataReturned');
    if (sleep.kind === 'DataReturned') expect(sleep.data).toHaveLength(3);
    await expect(terra.fromUserId('unknown')).rejects.toBeInstanceOf(TerraNotFoundError);
  });

  it('record the webhooks Terra would send', async () => {
    const before = emulator.deliveries.length;
    const user = emulator.connect({ provider: 'GARMIN', referenceId: 'user-2' });
    const sent = (await terra.getDailyForUser(user.user_id, { startDate: '2026-07-01' })).getParsedResponse();
    expect(sent.kind).toBe('SentToWebhook');
    const events = emulator.deliveries.slice(before);
    expect(events.map((e) => e.payload.type)).toEqual(['auth', 'daily']);
    if (sent.kind === 'SentToWebhook') expect(events[1]?.reference).toBe(sent.reference);
  });

  it('serve the widget page and complete it with a form post', async () => {
    const session = (
      await terra.generateWidgetSession({ referenceId: 'user-3', authSuccessRedirectUrl: 'https://app.test/ok' })
    ).getParsedResponse();
    const picker = await (await fetch(session.url as string)).text();
    expect(picker).toContain('<button name="provider" value="WHOOP">WHOOP</button>');
    const consent = await (await fetch(`${session.url}?provider=WHOOP`)).text();
    expect(consent).toContain('<title>Authorize WHOOP</title>');
    const done = await fetch(session.url as string, {
      method: 'POST',
      body: new URLSearchParams({ provider: 'WHOOP', action: 'authorize' }),
      redirect: 'manual',
    });
    expect(done.status).toBe(303);
    const location = new URL(done.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://app.test/ok');
    expect(location.searchParams.get('resource')).toBe('WHOOP');
    expect(location.searchParams.get('reference_id')).toBe('user-3');
    const userId = location.searchParams.get('user_id') as string;
    expect((await terra.fromUserId(userId)).provider).toBe('WHOOP');
  });
});
