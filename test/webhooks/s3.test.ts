import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TerraApiError,
  TerraConnectionError,
  TerraInvalidArgumentError,
  TerraValidationError,
} from '../../src/errors.js';
import type { S3PayloadEvent } from '../../src/models/index.js';
import { fetchS3Payload } from '../../src/webhooks/s3.js';
import { close, listen } from '../support/loopback.js';
import { activityEvent } from '../support/webhooks.js';

const inner = activityEvent(4);
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/ok') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(inner));
    } else if (path === '/expired') {
      res.statusCode = 403;
      res.end('<Error><Code>AccessDenied</Code><SignatureProvided>abc123</SignatureProvided></Error>');
    } else {
      res.end('not json');
    }
  });
  base = await listen(server);
});

afterAll(() => close(server));

const event = (path: string): S3PayloadEvent => ({
  type: 's3_payload',
  status: 'success',
  url: `${base}${path}?X-Amz-Signature=deadbeef`,
  expires_in: 300,
});

describe('fetchS3Payload', () => {
  it('downloads and parses the event the URL holds', async () => {
    const parsed = await fetchS3Payload(event('/ok'));
    expect(parsed).toEqual(inner);
    expect(parsed.type).toBe('activity');
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const parsed = await fetchS3Payload(event('/ok'), {
      fetch: async (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expect(parsed.type).toBe('activity');
    expect(seen).toHaveLength(1);
  });

  it('says the URL may have expired on a 403, without the URL or the storage body', async () => {
    const error = await fetchS3Payload(event('/expired')).catch((e) => e);
    expect(error).toBeInstanceOf(TerraApiError);
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/may have expired/);
    expect(error.message).not.toContain('deadbeef');
    expect(error.message).not.toContain('abc123');
    expect(error.body).toBeUndefined();
  });

  it('reports a download that is not JSON as a validation error', async () => {
    const error = await fetchS3Payload(event('/garbage')).catch((e) => e);
    expect(error).toBeInstanceOf(TerraValidationError);
    expect(error.issues[0].code).toBe('invalid_json');
  });

  it('reports a network failure as a connection error, without the URL', async () => {
    const closed = createServer();
    const gone = await listen(closed);
    await close(closed);
    const error = await fetchS3Payload({ ...event('/ok'), url: `${gone}/x?X-Amz-Signature=deadbeef` }).catch((e) => e);
    expect(error).toBeInstanceOf(TerraConnectionError);
    expect(error.message).not.toContain('deadbeef');
    expect(error.cause).toBeDefined();
  });

  it('reports a download that breaks off as a connection error', async () => {
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"type":'));
        controller.error(new Error('socket hang up'));
      },
    });
    const error = await fetchS3Payload(event('/ok'), { fetch: async () => new Response(broken) }).catch((e) => e);
    expect(error).toBeInstanceOf(TerraConnectionError);
    expect(error.message).toMatch(/broke off/);
  });

  it('refuses an event without a url', async () => {
    for (const value of [undefined, { type: 's3_payload' }, { type: 's3_payload', url: '' }]) {
      const error = await fetchS3Payload(value as never).catch((e) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    }
  });
});
