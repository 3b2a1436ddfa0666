/**
 * TerraEmulator's own API: options it refuses, connecting and completing flows by hand, and the
 * pages of expired or used sessions.
 */
import { describe, expect, it } from 'vitest';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../../src/index.js';
import { TerraEmulator } from '../../src/testing/index.js';

const headers = { 'x-api-key': 'k', 'dev-id': 'd' };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('TerraEmulator', () => {
  it.each([
    [
      { baseUrl: 'not a url' },
      'baseUrl',
      'baseUrl must be an absolute http(s) URL, such as https://access.tryterra.co/api/v2',
    ],
    [{ baseUrl: 'ftp://x.test/api' }, 'baseUrl', 'baseUrl must be an absolute http(s) URL'],
    [{ seed: 1.5 }, 'seed', 'seed must be a whole number'],
    [{ chunkDays: 0 }, 'chunkDays', 'chunkDays must be a whole number from 1'],
    [{ apiKey: '' }, 'apiKey', 'apiKey must be a non-empty string'],
    [{ now: 5 }, 'now', 'now must be a function'],
    [{ onEvent: 'log' }, 'onEvent', 'onEvent must be a function'],
    ['options', 'options', 'TerraEmulator options must be an object'],
  ])('refuses %o (%s)', (options, option, message) => {
    const error = thrown(() => new TerraEmulator(options as never));
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect((error as TerraConfigurationError).option).toBe(option);
    expect(error.message).toContain(message);
  });

  it('connect: refuses an unknown provider or reference id, saying which are known', () => {
    const emulator = new TerraEmulator();
    const unknown = thrown(() => emulator.connect({ provider: 'NOKIA' }));
    expect(unknown).toBeInstanceOf(TerraInvalidArgumentError);
    expect(unknown.message).toMatch(/^unknown provider; known: GARMIN, FITBIT, /);
    expect(thrown(() => emulator.connect({ provider: 7 as never })).message).toMatch(/^provider must be a string/);
    expect(thrown(() => emulator.connect(undefined as never)).message).toMatch(/^provider must be a string/);
    expect(thrown(() => emulator.connect({ provider: 'GARMIN', referenceId: 3 as never })).message).toBe(
      'referenceId must be a non-empty string, or null',
    );
    expect(emulator.connect({ provider: 'garmin' }).provider).toBe('GARMIN');
  });

  it('completeFlow: finishes a flow once, with a provider it offers', async () => {
    let now = Date.UTC(2026, 6, 1);
    const emulator = new TerraEmulator({ now: () => now });
    const session = (await (
      await emulator.handle(
        new Request(`${emulator.baseUrl}/auth/generateWidgetSession`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ providers: 'GARMIN,OURA', reference_id: 'p1' }),
        }),
      )
    ).json()) as { session_id: string; url: string };
    expect(thrown(() => emulator.completeFlow(session.session_id)).message).toBe('pick one of GARMIN, OURA');
    expect(thrown(() => emulator.completeFlow(session.session_id, { provider: 3 as never })).message).toBe(
      'pick one of GARMIN, OURA',
    );
    const { user, redirect } = emulator.completeFlow(session.session_id, { provider: 'oura' });
    expect(user).toMatchObject({ provider: 'OURA', reference_id: 'p1' });
    expect(redirect).toBeUndefined();
    expect(thrown(() => emulator.completeFlow(session.session_id, { provider: 'OURA' })).message).toMatch(
      /no open session or link with this id/,
    );
    expect((await emulator.handle(new Request(session.url))).status).toBe(410);

    const expiring = (await (
      await emulator.handle(
        new Request(`${emulator.baseUrl}/auth/generateWidgetSession`, { method: 'POST', headers, body: '{}' }),
      )
    ).json()) as { session_id: string; url: string };
    now += 901_000; // a widget session lives 900 s
    expect((await emulator.handle(new Request(expiring.url))).status).toBe(404);
    expect(thrown(() => emulator.completeFlow(expiring.session_id, { provider: 'GARMIN' }))).toBeInstanceOf(
      TerraInvalidArgumentError,
    );
  });

  it('handle: takes a Web Request, and answers 404 outside the API and the pages', async () => {
    const emulator = new TerraEmulator();
    await expect(emulator.handle({ url: 5 } as never)).rejects.toThrow(/handle takes a Web Request/);
    expect((await emulator.handle(new Request('https://access.tryterra.co/elsewhere'))).status).toBe(404);
  });
});
