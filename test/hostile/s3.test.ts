/**
 * fetchS3Payload against a hostile storage on loopback: a host that never answers, a body without
 * end, and failures whose errors must not carry the presigned URL anywhere `util.inspect` looks.
 */
import { createServer, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TerraConnectionError, TerraTimeoutError, TerraValidationError } from '../../src/errors.js';
import type { S3PayloadEvent } from '../../src/models/index.js';
import { fetchS3Payload } from '../../src/webhooks/s3.js';
import { close, listen } from '../support/loopback.js';

const SIGNATURE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90aabbccddeeff00112233445566778899';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await close(server);
  }
});

async function storage(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  return listen(server);
}

const event = (url: string): S3PayloadEvent => ({ type: 's3_payload', status: 'success', url, expires_in: 300 });
const presigned = (base: string) =>
  `${base}/terra/payload.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=${SIGNATURE}`;

/** Nothing of the URL's secret part, in anything the error shows. */
function leaksNothing(error: unknown): void {
  const shown = `${inspect(error, { depth: 10 })} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
  expect(shown).not.toContain(SIGNATURE);
  expect(shown).not.toContain('AKIAEXAMPLE');
  expect(shown).not.toContain('X-Amz');
}

describe('fetchS3Payload under hostile storage', () => {
  it('gives up on a host that never answers after its timeout', async () => {
    const base = await storage(() => {
      // Never answers.
    });
    const started = performance.now();
    const error = await fetchS3Payload(event(presigned(base)), { timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
    expect(performance.now() - started).toBeLessThan(3_000);
    leaksNothing(error);
  });

  it('gives up on a body that never ends within the same timeout', async () => {
    const base = await storage((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"activity",');
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    const error = await fetchS3Payload(event(presigned(base)), { timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
    leaksNothing(error);
  });

  it('refuses a download over maxBodyBytes, by Content-Length and while streaming', async () => {
    const declared = await storage((_, res) => {
      res.writeHead(200, { 'content-length': String(2 ** 30) });
      res.write(' ');
    });
    const byLength = await fetchS3Payload(event(presigned(declared)), { maxBodyBytes: 1024 }).catch((e: unknown) => e);
    expect(byLength).toBeInstanceOf(TerraValidationError);
    expect((byLength as TerraValidationError).issues[0]?.code).toBe('too_large');
    let written = 0;
    const streamed = await storage((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const more = () => {
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written >= 64 * 1024 * 1024) res.end();
      };
      res.on('drain', more);
      more();
    });
    const whileStreaming = await fetchS3Payload(event(presigned(streamed)), { maxBodyBytes: 1024 * 1024 }).catch(
      (e: unknown) => e,
    );
    expect(whileStreaming).toBeInstanceOf(TerraValidationError);
    expect((whileStreaming as TerraValidationError).issues[0]?.code).toBe('too_large');
    // It stopped reading: far less than the 64 MiB on offer went out.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('keeps the URL out of a connection error, its cause and its stack', async () => {
    const closed = createServer();
    const gone = await listen(closed);
    await close(closed);
    const refused = await fetchS3Payload(event(presigned(gone))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TerraConnectionError);
    expect((refused as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    leaksNothing(refused);
    // A URL fetch cannot even parse: fetch's own message would quote it whole.
    const unparsable = await fetchS3Payload(
      event(`http://exa mple.invalid/p?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=${SIGNATURE}`),
    ).catch((e: unknown) => e);
    expect(unparsable).toBeInstanceOf(TerraConnectionError);
    leaksNothing(unparsable);
  });

  it('checks its options with the one checker', async () => {
    const error = await fetchS3Payload(event('http://127.0.0.1:9/x'), { timeout: -1 } as never).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'TerraInvalidArgumentError', argument: 'timeout' });
  });
});
