import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeCryptoEngine } from '../../src/adapters/node-io.js';
import { TerraConfigurationError, TerraInvalidArgumentError, TerraWebhookVerificationError } from '../../src/errors.js';
import { signPayload } from '../../src/webhooks/sign.js';
import { type SignatureEngine, webCryptoEngine } from '../../src/webhooks/signature/engines.js';
import {
  checkSignature,
  DEFAULT_TOLERANCE_SECONDS,
  resolveVerifyOptions,
  type VerifyOptions,
  verifySignature,
} from '../../src/webhooks/signature/verify.js';
import { hmacHex, SECRET, signatureHeader, vectors } from '../support/webhooks.js';

const T = 1_700_000_000;
const at = (seconds: number) => () => seconds * 1000;
const BODY = '{"type": "healthcheck", "creation_timestamp": "2026-07-01T09:00:00+00:00", "note": "µg/dL"}';
const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ secret: SECRET, now: at(T), ...extra });

/** The verification error thrown by `promise`, failing the test if it resolves or throws anything else. */
async function failure(promise: Promise<unknown>): Promise<TerraWebhookVerificationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TerraWebhookVerificationError);
  return error as TerraWebhookVerificationError;
}

describe('known-answer vectors', () => {
  const all = vectors();

  it('has the three vectors, one signed by Terra', () => {
    expect(all.map((v) => v.name)).toEqual(['minimal', 'real-deauth-valid', 'real-deauth-wrong-signature']);
  });

  for (const vector of all) {
    it(`${vector.name}: ${vector.valid ? 'verifies' : 'is refused'} on its raw bytes`, async () => {
      const verify = verifySignature(vector.body, vector.header, { secret: vector.secret, tolerance: Infinity });
      if (vector.valid) {
        await expect(verify).resolves.toEqual({
          timestamp: Number(/t=(\d+)/.exec(vector.header)?.[1]),
          secretIndex: 0,
        });
        // The expected signature is what node:crypto computes too.
        const t = /t=(\d+)/.exec(vector.header)?.[1] as string;
        expect(vector.header).toContain(`v1=${hmacHex(vector.secret, t, vector.body)}`);
      } else {
        expect((await failure(verify)).code).toBe('no_matching_signature');
      }
    });
  }

  it('refuses the Terra-signed payload once re-serialized, as a JSON body parser would', async () => {
    const real = all.find((v) => v.name === 'real-deauth-valid') as (typeof all)[number];
    const reserialized = JSON.stringify(JSON.parse(real.body));
    expect(reserialized).not.toBe(real.body); // Terra wrote `": "` and `", "` separators
    const error = await failure(
      verifySignature(reserialized, real.header, { secret: real.secret, tolerance: Infinity }),
    );
    expect(error.code).toBe('no_matching_signature');
    expect(error.message).toMatch(/raw request body, byte for byte/);
  });

  it('refuses the Terra-signed payload with the right tolerance but the real clock (it is years old)', async () => {
    const real = all.find((v) => v.name === 'real-deauth-valid') as (typeof all)[number];
    const error = await failure(verifySignature(real.body, real.header, { secret: real.secret }));
    expect(error.code).toBe('timestamp_outside_tolerance');
  });

  it('signPayload reproduces the vectors', async () => {
    for (const vector of all.filter((v) => v.valid)) {
      const t = Number(/t=(\d+)/.exec(vector.header)?.[1]);
      await expect(signPayload(vector.body, { secret: vector.secret, timestamp: t })).resolves.toBe(vector.header);
    }
  });
});

describe('raw body forms', () => {
  const header = signatureHeader(BODY, SECRET, T);
  const bytes = new TextEncoder().encode(BODY);

  it('verifies a string, a Buffer, a Uint8Array, an ArrayBuffer, a DataView and an offset view alike', async () => {
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    for (const body of [
      BODY,
      Buffer.from(BODY),
      bytes,
      bytes.buffer.slice(0),
      new DataView(bytes.buffer.slice(0)),
      padded.subarray(4, 4 + bytes.length),
    ]) {
      await expect(verifySignature(body, header, options())).resolves.toMatchObject({ timestamp: T });
    }
  });

  it('signs multibyte UTF-8 as bytes: the text and its UTF-8 bytes give one signature', async () => {
    expect(BODY.length).not.toBe(bytes.length);
    expect(await signPayload(BODY, { secret: SECRET, timestamp: T })).toBe(
      await signPayload(bytes, { secret: SECRET, timestamp: T }),
    );
  });

  it.each([
    ['a parsed object', JSON.parse(BODY), /parsed it before verification/],
    ['an array', [1, 2], /is an array/],
    ['undefined (no parser ran)', undefined, /is undefined: no raw body/],
    ['null', null, /is null/],
    ['a number', 42, /is a number/],
    ['the text "[object Object]"', '[object Object]', /an object was turned into a string/],
  ])('refuses %s as body_not_raw, saying how to get the raw body', async (_, body, reason) => {
    const error = await failure(verifySignature(body as never, header, options()));
    expect(error.code).toBe('body_not_raw');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/express\.raw/);
  });
});

describe('the header', () => {
  const sig = hmacHex(SECRET, T, BODY);
  const verify = (header: unknown) => verifySignature(BODY, header as string, options());

  it('accepts several v1 signatures, the valid one first or last, and ignores other schemes', async () => {
    const wrong = 'f'.repeat(64);
    for (const header of [
      `t=${T},v1=${sig},v1=${wrong}`,
      `t=${T},v1=${wrong},v1=${sig}`,
      `v0=${wrong},t=${T},v2=abc,v1=${sig}`,
      `t=${T},v1=${sig},extra,=x,future=1`,
    ]) {
      await expect(verify(header)).resolves.toMatchObject({ timestamp: T });
    }
  });

  it('trims whitespace around elements, keys and values', async () => {
    await expect(verify(`  t=${T} ,\tv1=${sig}  `)).resolves.toMatchObject({ timestamp: T });
    await expect(verify(`t = ${T}, v1 = ${sig}`)).resolves.toMatchObject({ timestamp: T });
  });

  it('refuses a downgrade: only v0 or v2 signatures, even correct ones', async () => {
    for (const scheme of ['v0', 'v2']) {
      const error = await failure(verify(`t=${T},${scheme}=${sig}`));
      expect(error.code).toBe('malformed_header');
      expect(error.message).toContain(`only ${scheme}`);
    }
  });

  it('accepts only lowercase hex: the same signature in uppercase or base64 fails', async () => {
    const base64 = Buffer.from(sig, 'hex').toString('base64');
    for (const header of [`t=${T},v1=${sig.toUpperCase()}`, `t=${T},v1=${base64}`]) {
      const error = await failure(verify(header));
      expect(error.code).toBe('no_matching_signature');
      expect(error.message).toMatch(/64 lowercase hex/);
    }
  });

  it('survives signatures of the wrong length, empty or huge, without throwing anything else', async () => {
    for (const v1 of ['', 'ab', sig.slice(0, 63), `${sig}0`, 'a'.repeat(10_000)]) {
      expect((await failure(verify(`t=${T},v1=${v1}`))).code).toBe('no_matching_signature');
    }
  });

  it.each([
    ['no header', undefined, 'missing_header'],
    ['null', null, 'missing_header'],
    ['an empty header', '', 'missing_header'],
    ['a blank header', '   ', 'missing_header'],
    ['headers without a signature', { 'content-type': 'application/json' }, 'missing_header'],
    ['a number', 5, 'missing_header'],
    ['no t', `v1=${sig}`, 'malformed_header'],
    ['no v1', `t=${T}`, 'malformed_header'],
    ['an unparseable t', `t=soon,v1=${sig}`, 'malformed_header'],
    ['a negative t', `t=-5,v1=${sig}`, 'malformed_header'],
    ['a fractional t', `t=${T}.5,v1=${sig}`, 'malformed_header'],
    ['two different t values', `t=${T},t=${T + 1},v1=${sig}`, 'malformed_header'],
    ['garbage', 'not a signature', 'malformed_header'],
  ])('refuses %s', async (_, header, code) => {
    expect((await failure(verify(header))).code).toBe(code);
  });

  it('finds terra-signature or x-terra-signature in headers, in any letter case', async () => {
    const value = `t=${T},v1=${sig}`;
    for (const headers of [
      { 'terra-signature': value },
      { 'Terra-Signature': value },
      { 'X-TERRA-SIGNATURE': value },
      { 'x-terra-signature': [value] },
      new Headers({ 'Terra-Signature': value }),
      new Headers({ 'X-Terra-Signature': value }),
    ]) {
      await expect(verifySignature(BODY, headers, options())).resolves.toMatchObject({ timestamp: T });
    }
  });

  it('prefers x-terra-signature when both are sent', async () => {
    const headers = { 'terra-signature': `t=${T},v1=${'0'.repeat(64)}`, 'x-terra-signature': `t=${T},v1=${sig}` };
    await expect(verifySignature(BODY, headers, options())).resolves.toMatchObject({ timestamp: T });
  });
});

describe('tolerance', () => {
  const header = signatureHeader(BODY, SECRET, T);
  const verifyAt = (now: number, tolerance?: number) =>
    verifySignature(BODY, header, options({ now: at(now), ...(tolerance === undefined ? {} : { tolerance }) }));

  it('defaults to 300 s either way, boundary included', async () => {
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    await expect(verifyAt(T + 300)).resolves.toBeDefined();
    await expect(verifyAt(T - 300)).resolves.toBeDefined();
    const old = await failure(verifyAt(T + 301));
    expect(old.code).toBe('timestamp_outside_tolerance');
    expect(old.message).toMatch(/301 s ago.*toleranceSeconds: Infinity/);
    const future = await failure(verifyAt(T - 301));
    expect(future.code).toBe('timestamp_outside_tolerance');
    expect(future.message).toMatch(/301 s in the future.*clock/);
  });

  it('takes a custom tolerance, where 0 means the same second and never "off"', async () => {
    await expect(verifyAt(T + 3600, 3600)).resolves.toBeDefined();
    expect((await failure(verifyAt(T + 3601, 3600))).code).toBe('timestamp_outside_tolerance');
    await expect(verifyAt(T, 0)).resolves.toBeDefined();
    expect((await failure(verifyAt(T + 1, 0))).code).toBe('timestamp_outside_tolerance');
  });

  it('accepts any age with an explicit Infinity, for replaying stored deliveries', async () => {
    await expect(verifyAt(T + 10 * 365 * 86_400, Infinity)).resolves.toBeDefined();
  });

  it('uses the real clock by default', async () => {
    const fresh = await signPayload(BODY, { secret: SECRET });
    await expect(verifySignature(BODY, fresh, { secret: SECRET })).resolves.toBeDefined();
  });

  it('checks the signature before the age: a forged old delivery is a signature failure', async () => {
    const forged = `t=${T},v1=${'0'.repeat(64)}`;
    const error = await failure(verifySignature(BODY, forged, options({ now: at(T + 10_000) })));
    expect(error.code).toBe('no_matching_signature');
  });

  it.each([[-1], [Number.NaN], ['300'], [null]])('rejects tolerance %s as a programming error', async (tolerance) => {
    const error = await verifySignature(BODY, header, options({ tolerance: tolerance as number })).catch((e) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect(error.argument).toBe('tolerance');
  });

  it('rejects a clock that is not a function or returns no number', async () => {
    for (const now of ['now', () => Number.NaN, () => 'noon']) {
      const error = await verifySignature(BODY, header, options({ now: now as () => number })).catch((e) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect(error.argument).toBe('now');
    }
  });
});

describe('secrets', () => {
  const header = signatureHeader(BODY, SECRET, T);

  it('accepts any of several secrets and says which matched, for rotation', async () => {
    await expect(verifySignature(BODY, header, options({ secret: [SECRET, 'new-secret'] }))).resolves.toEqual({
      timestamp: T,
      secretIndex: 0,
    });
    await expect(verifySignature(BODY, header, options({ secret: ['old-secret', SECRET] }))).resolves.toEqual({
      timestamp: T,
      secretIndex: 1,
    });
    expect((await failure(verifySignature(BODY, header, options({ secret: ['a', 'b'] })))).code).toBe(
      'no_matching_signature',
    );
  });

  it('answers at once with node:crypto, and with a promise where an engine needs one, for every secret', async () => {
    const rotated = resolveVerifyOptions(options({ secret: ['old-secret', SECRET] }));
    // node:crypto hashes at once: the adapters get the result without waiting a turn.
    expect(checkSignature(BODY, header, rotated, nodeCryptoEngine)).toEqual({ timestamp: T, secretIndex: 1 });
    // An engine that answers at once for one secret and later for the next still finds the second.
    let calls = 0;
    const mixed: SignatureEngine = {
      hmac: (secret) => {
        const sign = nodeCryptoEngine.hmac(secret);
        return (t, body) => (calls++ === 0 ? sign(t, body) : Promise.resolve(sign(t, body)));
      },
      equal: nodeCryptoEngine.equal,
    };
    const later = checkSignature(BODY, header, rotated, mixed);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toEqual({ timestamp: T, secretIndex: 1 });
    await expect(checkSignature(BODY, header, rotated, webCryptoEngine)).resolves.toEqual({
      timestamp: T,
      secretIndex: 1,
    });
    // A mismatch is a rejection with every engine, never a thrown error or a result.
    const wrong = resolveVerifyOptions(options({ secret: ['a', 'b'] }));
    for (const engine of [nodeCryptoEngine, webCryptoEngine, mixed]) {
      expect((await failure(Promise.resolve(checkSignature(BODY, header, wrong, engine)))).code).toBe(
        'no_matching_signature',
      );
    }
  });

  it('fails with a changed byte of the secret', async () => {
    const changed = `${SECRET.slice(0, -1)}${SECRET.endsWith('a') ? 'b' : 'a'}`;
    expect((await failure(verifySignature(BODY, header, options({ secret: changed })))).code).toBe(
      'no_matching_signature',
    );
  });

  it.each([
    ['undefined', undefined, /No webhook signing secret was given/],
    ['an empty string', '', /secret is empty/],
    ['an empty list', [], /list of webhook secrets is empty/],
    ['a list with an empty entry', [SECRET, ''], /secret \[1\] is empty/],
    ['a number', 12, /is a number/],
    ['a list holding a number', [7], /secret \[0\] is a number/],
  ])('refuses %s as missing_secret', async (_, secret, reason) => {
    const error = await failure(verifySignature(BODY, header, options({ secret: secret as string })));
    expect(error.code).toBe('missing_secret');
    expect(error.message).toMatch(reason);
  });

  it('refuses an unset environment variable with the same clear error', async () => {
    const unset: string | undefined = process.env.TERRA_TEST_UNSET_SECRET;
    const error = await failure(verifySignature(BODY, header, { secret: unset }));
    expect(error.code).toBe('missing_secret');
    expect(error.message).toMatch(/TERRA_WEBHOOK_SECRET/);
  });

  it('refuses a call without options, or with the secret passed on its own', async () => {
    expect((await failure(verifySignature(BODY, header, undefined as never))).code).toBe('missing_secret');
    const error = await failure(verifySignature(BODY, header, SECRET as never));
    expect(error.message).toMatch(/pass the secret as \{ secret \}/);
  });

  it('says when the secret only fails because of whitespace around it', async () => {
    for (const padded of [`${SECRET}\n`, ` ${SECRET}`]) {
      const error = await failure(verifySignature(BODY, header, options({ secret: padded })));
      expect(error.code).toBe('no_matching_signature');
      expect(error.message).toMatch(/matches once the whitespace around the secret is removed/);
    }
    const rotation = await failure(verifySignature(BODY, header, options({ secret: ['other', `${SECRET} `] })));
    expect(rotation.message).toMatch(/secret \[1\] is removed/);
    const wrong = await failure(verifySignature(BODY, header, options({ secret: 'wrong\n' })));
    expect(wrong.message).toMatch(/has whitespace around it/);
  });

  it('never puts the secret, the signature or the body in a message', async () => {
    const sig = hmacHex(SECRET, T, BODY);
    const errors = await Promise.all([
      failure(verifySignature(BODY, `t=${T},v1=${sig}`, options({ secret: `${SECRET}\n` }))),
      failure(verifySignature(BODY, `t=${T},v1=${sig}`, options({ now: at(T + 999) }))),
      failure(verifySignature(BODY, `t=${T},v0=${sig}`, options())),
      failure(verifySignature(`${BODY} `, `t=${T},v1=${sig}`, options())),
      failure(verifySignature(JSON.parse(BODY), `t=${T},v1=${sig}`, options())),
    ]);
    for (const error of errors) {
      for (const secretPart of [SECRET, sig, 'µg/dL', 'creation_timestamp', '2026-07-01']) {
        expect(error.message).not.toContain(secretPart);
      }
    }
  });
});

describe('signPayload', () => {
  it('signs as Terra does, checked against node:crypto', async () => {
    const header = await signPayload(BODY, { secret: SECRET, timestamp: T });
    expect(header).toBe(`t=${T},v1=${hmacHex(SECRET, T, BODY)}`);
  });

  it('defaults the timestamp to now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const header = await signPayload(BODY, { secret: SECRET });
    const t = Number(/^t=(\d+),/.exec(header)?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(before + 2);
  });

  it.each([
    ['an empty secret', BODY, { secret: '' }, 'secret'],
    ['no options', BODY, undefined, 'secret'],
    ['an object body', { type: 'x' }, { secret: SECRET }, 'rawBody'],
    ['a fractional timestamp', BODY, { secret: SECRET, timestamp: 1.5 }, 'timestamp'],
    ['a negative timestamp', BODY, { secret: SECRET, timestamp: -1 }, 'timestamp'],
  ])('rejects %s', async (_, body, opts, argument) => {
    const error = await signPayload(body as string, opts as never).catch((e) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect(error.argument).toBe(argument);
  });
});

describe('runtime without Web Crypto', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('says what is missing instead of failing with a TypeError', async () => {
    vi.stubGlobal('crypto', undefined);
    const header = signatureHeader(BODY, SECRET, T);
    for (const call of [verifySignature(BODY, header, options()), signPayload(BODY, { secret: SECRET })]) {
      const error = await call.catch((e) => e);
      expect(error).toBeInstanceOf(TerraConfigurationError);
      expect(error.option).toBe('crypto');
      expect(error.message).toMatch(/crypto\.subtle/);
    }
  });
});
