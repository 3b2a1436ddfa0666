/**
 * Every duration names its unit (`timeoutMs`); the former `timeout` still works until 0.3, and both
 * given with different values is refused rather than one silently winning.
 */
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { TerraInvalidArgumentError, TerraTimeoutError } from '../../src/index.js';
import { fetchS3Payload } from '../../src/webhooks/s3.js';
import { BASE, server, terra } from './support.js';

const S3 = 'https://bucket.s3.test/payload.json?X-Amz-Signature=abc';
const s3Event = { type: 's3_payload', url: S3, expires_in: 600 } as never;

const slowProviders = () =>
  server.use(
    http.get(`${BASE}/integrations`, async () => {
      await delay(400);
      return HttpResponse.json({ status: 'success', providers: [] });
    }),
  );

describe('request options: timeoutMs', () => {
  it('bounds one call by timeoutMs', async () => {
    slowProviders();
    const error = await terra()
      .listProviders({ timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
  });

  it('still takes the deprecated timeout', async () => {
    slowProviders();
    const error = await terra()
      .listProviders({ timeout: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
  });

  it('refuses timeoutMs and timeout that differ, before any request', async () => {
    const error = await terra()
      .listProviders({ timeoutMs: 50, timeout: 60 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe('timeoutMs');
    expect((error as Error).message).toContain('timeoutMs (50) and its deprecated alias timeout (60) differ');
  });
});

describe('waitForResult: timeoutMs', () => {
  it('refuses timeoutMs and timeout that differ', async () => {
    const error = await terra()
      .labReports.waitForResult('session-1', { timeoutMs: 10_000, timeout: 20_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe('timeoutMs');
  });
});

describe('fetchS3Payload: timeoutMs', () => {
  it('bounds the download by timeoutMs', async () => {
    server.use(
      http.get(S3.split('?')[0] as string, async () => {
        await delay(400);
        return HttpResponse.json({ type: 'healthcheck' });
      }),
    );
    const error = await fetchS3Payload(s3Event, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
  });

  it('refuses timeoutMs and timeout that differ', async () => {
    const error = await fetchS3Payload(s3Event, { timeoutMs: 50, timeout: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe('timeoutMs');
  });
});
