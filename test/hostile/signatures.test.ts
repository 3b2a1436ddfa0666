/**
 * Signatures under attack: 80-odd hostile headers and bodies, each refused by both signature engines
 * (Web Crypto, and node:crypto as the Node adapters use it) and by every adapter over loopback, with
 * nothing but a verification error; the known-answer vectors and a fuzzed comparison of the engines
 * besides. No false accept, whatever the input.
 */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeCryptoEngine } from '../../src/adapters/node-io.js';
import { TerraWebhookVerificationError } from '../../src/errors.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { builtinCryptoEngine, type SignatureEngine, webCryptoEngine } from '../../src/webhooks/signature/engines.js';
import { checkSignature, resolveVerifyOptions } from '../../src/webhooks/signature/verify.js';
import { vectors } from '../support/webhooks.js';
import { ADAPTERS, send, serveWith } from './support.js';

/** The one signature check, as a promise, as `verifySignature` runs it. */
const verifyWith = async (...args: Parameters<typeof checkSignature>) => checkSignature(...args);

const SECRET = 'whsec-hostile-0c9d8e';
const NOW = 1_767_225_600;
const BODY = '{"type":"deauth","user":{"user_id":"u-1","provider":"OURA"},"status":"success","version":"2022-03-16"}';
const hex = (secret: string, message: string | Uint8Array, algorithm = 'sha256') =>
  createHmac(algorithm, secret).update(message).digest('hex');
const sig = (t: number | string, body: string | Uint8Array = BODY, secret = SECRET) =>
  hex(secret, Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]));
const good = sig(NOW);

interface Hostile {
  name: string;
  header: string;
  body?: string | Uint8Array;
}

/** Every way the red team tried to pass a delivery Terra did not sign. */
function hostileVectors(): Hostile[] {
  const v: Hostile[] = [
    { name: 'uppercase hex', header: `t=${NOW},v1=${good.toUpperCase()}` },
    { name: 'hex cut by one', header: `t=${NOW},v1=${good.slice(0, 63)}` },
    { name: 'hex one too long', header: `t=${NOW},v1=${good}0` },
    { name: 'hex with a space inside', header: `t=${NOW},v1=${good.slice(0, 32)} ${good.slice(32)}` },
    { name: 'only v0', header: `t=${NOW},v0=${good}` },
    { name: 'only v2', header: `t=${NOW},v2=${good}` },
    { name: 'no t', header: `v1=${good}` },
    { name: 't not a number', header: `t=now,v1=${good}` },
    { name: 't negative', header: `t=-${NOW},v1=${sig(`-${NOW}`)}` },
    { name: 't with decimals', header: `t=${NOW}.0,v1=${sig(`${NOW}.0`)}` },
    { name: 't of 16 digits', header: `t=1${String(NOW).padStart(15, '0')},v1=${good}` },
    { name: 't off by one', header: `t=${NOW + 1},v1=${good}` },
    { name: 'two different t', header: `t=${NOW},t=${NOW + 1},v1=${good}` },
    { name: 'empty', header: '' },
    { name: 'only spaces', header: '   ' },
    { name: 't= alone', header: 't=' },
    { name: 'v1= alone', header: 'v1=' },
    { name: 'a comma', header: ',' },
    { name: 'an equals sign', header: '=' },
    { name: 'empty v1', header: `t=${NOW},v1=` },
    { name: 'other secret', header: `t=${NOW},v1=${sig(NOW, BODY, 'another-secret')}` },
    { name: 'secret with a newline', header: `t=${NOW},v1=${sig(NOW, BODY, `${SECRET}\n`)}` },
    { name: 'secret cut short', header: `t=${NOW},v1=${sig(NOW, BODY, SECRET.slice(0, -1))}` },
    { name: 'signed another t', header: `t=${NOW},v1=${sig(NOW - 1)}` },
    { name: 'no dot in the message', header: `t=${NOW},v1=${hex(SECRET, `${NOW}${BODY}`)}` },
    { name: 'body only', header: `t=${NOW},v1=${hex(SECRET, BODY)}` },
    { name: 'sha1', header: `t=${NOW},v1=${hex(SECRET, `${NOW}.${BODY}`, 'sha1')}` },
    { name: 'sha512', header: `t=${NOW},v1=${hex(SECRET, `${NOW}.${BODY}`, 'sha512')}` },
    { name: 'plain sha256', header: `t=${NOW},v1=${createHash('sha256').update(`${NOW}.${BODY}`).digest('hex')}` },
    {
      name: 'base64 digest',
      header: `t=${NOW},v1=${createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('base64')}`,
    },
    { name: 'semicolons', header: `t=${NOW};v1=${good}` },
    { name: 'uppercase keys', header: `T=${NOW},V1=${good}` },
    { name: 'a NUL in the hex', header: `t=${NOW},v1=${good.slice(0, 10)}\u0000${good.slice(11)}` },
    { name: 'all zeros', header: `t=${NOW},v1=${'0'.repeat(64)}` },
    { name: 'all f', header: `t=${NOW},v1=${'f'.repeat(64)}` },
    {
      name: 'a thousand wrong v1',
      header: `t=${NOW},${Array.from({ length: 1000 }, (_, i) => `v1=${sig(NOW + i + 1)}`).join(',')}`,
    },
    { name: 'good v1 under v0 and v2', header: `t=${NOW},v0=${good},v2=${good},v1=${sig(NOW + 5)}` },
    { name: 'replayed beyond tolerance', header: `t=${NOW - 301},v1=${sig(NOW - 301)}` },
    { name: 'dated beyond tolerance ahead', header: `t=${NOW + 301},v1=${sig(NOW + 301)}` },
    { name: 'a day old', header: `t=${NOW - 86_400},v1=${sig(NOW - 86_400)}` },
    { name: 't zero', header: `t=0,v1=${sig(0)}` },
  ];
  const bodies: [string, string | Uint8Array][] = [
    ['a trailing newline', `${BODY}\n`],
    ['a leading space', ` ${BODY}`],
    ['a byte order mark', `\uFEFF${BODY}`],
    ['JSON written again', JSON.stringify(JSON.parse(BODY), null, 1)],
    ['keys reordered', JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(BODY)).reverse()))],
    ['spaces after the colons', BODY.replace(/":/g, '": ')],
    ['a CRLF appended', `${BODY}\r\n`],
    ['UTF-16', Buffer.from(BODY, 'utf16le')],
    ['gzip magic in front', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(BODY)])],
    ['another event entirely', BODY.replace('deauth', 'auth')],
    ['the body empty', ''],
    ['a changed id', BODY.replace('u-1', 'u-2')],
    ['a changed status', BODY.replace('success', 'failure')],
    ['one byte flipped', Buffer.from(BODY).map((b, i) => (i === 5 ? b ^ 1 : b))],
    ['cut by one byte', BODY.slice(0, -1)],
    ['twice over', `${BODY}${BODY}`],
    ['decomposed accents', BODY.replace('OURA', 'OURA\u0301')],
    ['a NUL appended', `${BODY}\u0000`],
    ['latin-1 for UTF-8', Buffer.from(`${BODY}é`, 'latin1')],
  ];
  for (const [name, body] of bodies) v.push({ name: `good signature, ${name}`, header: `t=${NOW},v1=${good}`, body });
  // The good signature in every spot but the one that counts.
  for (const [i, header] of [
    `t=${NOW},v0=${good}`,
    `t=${NOW},v10=${good}`,
    `t=${NOW},vv1=${good}`,
    `t=${NOW},v1 =${good}x`,
    `t=${NOW},x-v1=${good}`,
    `t=${NOW},v1=${good.slice(1)}0`,
    `t=${NOW},v1=0${good.slice(0, -1)}`,
    `t=${NOW},v1=${[...good].reverse().join('')}`,
    `t=${NOW},v1=${good.replace(/[a-f]/, (c) => String.fromCharCode(c.charCodeAt(0) + 1))}`,
    `t=${NOW},v1=${good.replace(/\d/, (c) => String((Number(c) + 1) % 10))}`,
    `t=${NOW},v1=${good.slice(0, 62)}${good.slice(63)}${good[62]}`,
    `t=${NOW},v1=${good}${good}`,
    `t=${NOW}${NOW},v1=${good}`,
    `t= ${NOW} ${NOW},v1=${good}`,
    `t=0${NOW},v1=${good}`,
    `t=${NOW},v1=${encodeURIComponent(`${good}`).replace(/a/g, '%61')}`,
    `t=${NOW},v1=${good.replace(/0/g, 'O')}`,
    `t=${NOW}&v1=${good}`,
    `${good}`,
    `t=${NOW}`,
  ].entries()) {
    v.push({ name: `misplaced signature ${i}`, header });
  }
  return v;
}

const options = resolveVerifyOptions({ secret: SECRET, now: () => NOW * 1000 });
const engines: [string, SignatureEngine][] = [
  ['Web Crypto', webCryptoEngine],
  ['node:crypto', nodeCryptoEngine],
  // What hono uses where the runtime has node:crypto, found with process.getBuiltinModule.
  ['node:crypto, looked up at run time', builtinCryptoEngine() as SignatureEngine],
];
const all = hostileVectors();

describe('hostile signatures', () => {
  it('finds node:crypto at run time on Node, so the third engine below is not Web Crypto again', () => {
    expect(builtinCryptoEngine()).toBeDefined();
  });

  it('the red team’s set is large and each vector is distinct', () => {
    expect(all.length).toBeGreaterThanOrEqual(80);
    expect(new Set(all.map((v) => v.name)).size).toBe(all.length);
  });

  it('the untouched delivery verifies with every engine (so the refusals below mean something)', async () => {
    for (const [, engine] of engines) {
      await expect(verifyWith(BODY, `t=${NOW},v1=${good}`, options, engine)).resolves.toEqual({
        timestamp: NOW,
        secretIndex: 0,
      });
    }
  });

  it.each(engines)('%s refuses every hostile vector with a verification error', async (_, engine) => {
    const accepted: string[] = [];
    for (const vector of all) {
      const error = await verifyWith(vector.body ?? BODY, vector.header, options, engine).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) accepted.push(vector.name);
      else expect(error, vector.name).toBeInstanceOf(TerraWebhookVerificationError);
    }
    expect(accepted).toEqual([]);
  });

  it.each(ADAPTERS)('%s answers 401 to every hostile vector', { timeout: 30_000 }, async (adapter) => {
    const handler = createWebhookHandler({ secret: SECRET, now: () => NOW * 1000, onError: () => undefined });
    handler.onUnhandled(() => {
      throw new Error('a hostile delivery reached a listener');
    });
    const served = await serveWith(adapter, handler);
    const statuses = new Map<string, number>();
    try {
      for (const vector of all) {
        // node:http refuses some bytes in a header value (a NUL): such a request cannot be sent at all.
        if ([...vector.header].some((c) => c.charCodeAt(0) < 0x20)) continue;
        const body =
          typeof vector.body === 'string' || vector.body === undefined ? Buffer.from(vector.body ?? BODY) : vector.body;
        const answer = await send(served.url, {
          headers: { 'content-type': 'application/json', 'terra-signature': vector.header },
          body: [body],
        });
        statuses.set(vector.name, answer.status);
      }
    } finally {
      await served.close();
    }
    // Node itself refuses a header over 16 kB (431) before any adapter runs: a refusal all the same.
    const refusedByNode = (name: string, status: number) => status === 431 && name === 'a thousand wrong v1';
    expect(
      [...statuses]
        .filter(([name, status]) => status !== 401 && !refusedByNode(name, status))
        .map(([name, status]) => `${name}: ${status}`),
    ).toEqual([]);
    expect(statuses.size).toBeGreaterThanOrEqual(all.length - 2);
  });

  it('both engines agree with the known-answer vectors', async () => {
    for (const vector of vectors()) {
      for (const [name, engine] of engines) {
        const verdict = await verifyWith(
          vector.body,
          vector.header,
          resolveVerifyOptions({ secret: vector.secret, toleranceSeconds: Infinity }),
          engine,
        ).then(
          () => true,
          () => false,
        );
        expect(verdict, `${vector.name} with ${name}`).toBe(vector.valid);
      }
    }
  });

  it('both engines give the same verdict on fuzzed deliveries', async () => {
    const now = () => NOW * 1000;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 })),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.oneof(
          fc.constant(good),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
          fc.string({ maxLength: 70 }),
        ),
        fc.boolean(),
        async (body, secret, candidate, signItForReal) => {
          const resolved = resolveVerifyOptions({ secret, now });
          const header = `t=${NOW},v1=${signItForReal ? sig(NOW, body, secret) : candidate}`;
          const verdicts = await Promise.all(
            engines.map(([, engine]) =>
              verifyWith(body, header, resolved, engine).then(
                () => 'accepted',
                (error: unknown) => (error instanceof TerraWebhookVerificationError ? error.code : 'untyped'),
              ),
            ),
          );
          expect(verdicts[0]).toBe(verdicts[1]);
          expect(verdicts[0]).toBe(signItForReal ? 'accepted' : 'no_matching_signature');
        },
      ),
      { numRuns: 300 },
    );
  });
});
