/**
 * startSandbox's options: what it refuses, and how, before anything listens.
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TerraConfigurationError } from '../../src/index.js';
import { type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';
import { close, listen } from '../support/loopback.js';

async function refusal(options: unknown) {
  const error = await startSandbox(options as SandboxOptions).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TerraConfigurationError);
  return error as TerraConfigurationError;
}

describe('startSandbox options', () => {
  it.each([
    [{ port: -1 }, 'port', 'port must be a whole number from 0 to 65535'],
    [{ port: 1.5 }, 'port', 'port must be a whole number from 0 to 65535'],
    [{ port: '4010' }, 'port', 'port must be a whole number from 0 to 65535'],
    [{ webhookUrl: 'localhost:3000/hook', secret: 's' }, 'webhookUrl', 'webhookUrl must be an absolute http(s) URL'],
    [{ webhookUrl: 'ftp://example.com/hook', secret: 's' }, 'webhookUrl', 'webhookUrl must be an absolute http(s) URL'],
    [{ webhookUrl: 'http://127.0.0.1:3000/hook' }, 'secret', 'A webhookUrl needs a secret'],
    [{ secret: '  ' }, 'secret', 'secret must be a non-empty string'],
    [{ seed: Number.NaN }, 'seed', 'seed must be a whole number'],
    [{ retry: 3 }, 'retry', 'retry must be an object'],
    [{ retry: { retries: -1 } }, 'retry.retries', 'retry.retries must be a whole number from 0 to 100'],
    [{ retry: { scale: 0 } }, 'retry.scale', 'retry.scale must be a positive number'],
    [{ retry: { timeout: Number.POSITIVE_INFINITY } }, 'retry.timeout', 'must be a number of milliseconds'],
    [{ retry: { timeoutMs: 0 } }, 'retry.timeoutMs', 'must be a number of milliseconds'],
    [
      { retry: { timeoutMs: 500, timeout: 600 } },
      'retry.timeoutMs',
      'retry.timeoutMs (500) and its deprecated alias timeout (600) differ',
    ],
    [{ chunkDays: 0 }, 'chunkDays', 'chunkDays must be a whole number'],
    [{ largeRequestDays: 2.5 }, 'largeRequestDays', 'largeRequestDays must be a whole number'],
    [{ daysPerHour: 0 }, 'daysPerHour', 'daysPerHour must be a whole number'],
    [{ maxSpanDays: 0 }, 'maxSpanDays', 'maxSpanDays must be a whole number'],
    [{ apiKey: '' }, 'apiKey', 'apiKey must be a non-empty string'],
    [{ onDelivery: 'log' }, 'onDelivery', 'onDelivery must be a function'],
    ['fast', 'options', 'startSandbox options must be an object'],
    [{ onEvent: () => {} }, 'onEvent', 'startSandbox options has an unknown option onEvent'],
  ])('%o is refused: %s', async (options, option, message) => {
    const error = await refusal(options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(message);
  });

  it('never repeats the secret or the webhook URL in its messages', async () => {
    const error = await refusal({ webhookUrl: 'not a url with TOKEN-123', secret: 'SECRET-456' });
    expect(error.message).not.toContain('TOKEN-123');
    expect(error.message).not.toContain('SECRET-456');
  });

  it('says when the port is taken, and how to pick another', async () => {
    const busy = createServer();
    const port = Number(new URL(await listen(busy)).port);
    try {
      const error = await refusal({ port });
      expect(error.option).toBe('port');
      expect(error.message).toBe(
        `The sandbox could not start: port ${port} on 127.0.0.1 is already in use: pick another port, or 0 for a free one.`,
      );
    } finally {
      await close(busy);
    }
  });

  it('listens on the port asked for, and close() frees it', async () => {
    const probe = createServer();
    const port = Number(new URL(await listen(probe)).port);
    await close(probe);
    const sandbox = await startSandbox({ port });
    expect(sandbox.port).toBe(port);
    expect(sandbox.url).toBe(`http://127.0.0.1:${port}`);
    await sandbox.close();
    await sandbox.close(); // twice is fine
    const again = await startSandbox({ port });
    await again.close();
  });

  it('an onRequest listener that throws does not break the server', async () => {
    const sandbox = await startSandbox({
      onRequest: () => {
        throw new Error('listener bug');
      },
    });
    try {
      const response = await fetch(`${sandbox.baseUrl}/integrations`, { headers: { 'dev-id': 'd' } });
      expect(response.status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
