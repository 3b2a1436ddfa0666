/**
 * Every public async function rejects on bad arguments and never throws synchronously, so `.catch()`
 * and `await` inside `try` both see the error; and a bad argument is refused before any request.
 *
 * The methods are found by walking the prototypes and module exports, so a method added later is
 * covered without being listed here.
 */
import { describe, expect, it } from 'vitest';
import {
  Auth,
  LabReports,
  PlannedWorkouts,
  StreamingResource,
  Terra,
  TerraError,
  User,
  Users,
  Workouts,
  Writes,
} from '../../src/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import * as testing from '../../src/testing/index.js';
import * as webhooks from '../../src/webhooks/index.js';
import { USER } from '../support/payloads.js';

/**
 * Argument lists wrong in every position, whatever a method takes there (an id, an options object,
 * request options, a body): so every call below must be refused, whichever argument it checks first.
 */
const BAD_ARGUMENTS: unknown[][] = [
  ['', '', ''],
  [' padded ', ' padded ', ' padded '],
  [42, 42, 42],
  [{ bogus: true }, { bogus: true }, { bogus: true }],
  [Symbol('x'), Symbol('y'), Symbol('z')],
  [() => 1, () => 1, () => 1],
];

const describe_ = (value: unknown) =>
  typeof value === 'symbol' ? value.toString() : (JSON.stringify(value) ?? String(value));

/** Names on a prototype that are not async by design. */
const SYNC_MEMBERS = new Set(['constructor', 'toJSON', 'toString', 'scopeList']);

function methodsOf(prototype: object): string[] {
  return Object.getOwnPropertyNames(prototype).filter((name) => {
    if (SYNC_MEMBERS.has(name)) return false;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    return typeof descriptor?.value === 'function';
  });
}

/** Calls `fn` and checks it did not throw, returned a promise (or an async iterator) and rejects. */
async function expectRejection(label: string, call: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    throw new Error(`${label} threw synchronously: ${String(error)}`);
  }
  const pending =
    typeof (result as AsyncIterator<unknown>)?.next === 'function' &&
    typeof (result as PromiseLike<unknown>)?.then !== 'function'
      ? (result as AsyncIterator<unknown>).next()
      : result;
  expect(typeof (pending as PromiseLike<unknown>)?.then, `${label} returns a promise`).toBe('function');
  const outcome = await (pending as Promise<unknown>).then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  expect(outcome.resolved, `${label} rejects`).toBe(false);
  if (!outcome.resolved) {
    expect(outcome.error, `${label} rejects with a TerraError, not ${String(outcome.error)}`).toBeInstanceOf(
      TerraError,
    );
  }
}

describe('every public async function rejects on bad arguments, before any request', () => {
  let requests = 0;
  const client = new Terra({
    apiKey: 'key',
    devId: 'dev',
    secret: 'secret',
    maxRetries: 0,
    fetch: async () => {
      requests++;
      return new Response('{}', { status: 200 });
    },
  });

  it.each(methodsOf(Terra.prototype))('Terra#%s', async (name) => {
    const method = (client as unknown as Record<string, (...args: unknown[]) => unknown>)[name] as (
      ...args: unknown[]
    ) => unknown;
    for (const args of BAD_ARGUMENTS) {
      await expectRejection(`terra.${name}(${args.map(describe_).join(', ')})`, () => method.apply(client, args));
    }
    expect(requests).toBe(0);
  });

  it.each(methodsOf(User.prototype))('User#%s', async (name) => {
    const user = new User(client, USER);
    const method = (user as unknown as Record<string, (...args: unknown[]) => unknown>)[name] as (
      ...args: unknown[]
    ) => unknown;
    for (const args of BAD_ARGUMENTS) {
      await expectRejection(`user.${name}(${args.map(describe_).join(', ')})`, () => method.apply(user, args));
    }
    expect(requests).toBe(0);
  });

  const NAMESPACES = [
    ['users', Users.prototype],
    ['auth', Auth.prototype],
    ['writes', Writes.prototype],
    ['workouts', Workouts.prototype],
    ['plannedWorkouts', PlannedWorkouts.prototype],
    ['labReports', LabReports.prototype],
    ['streaming', StreamingResource.prototype],
  ] as const;

  it('finds every namespace of the client it walks', () => {
    const namespaces = Object.entries(client).filter(
      ([, value]) => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) !== Object.prototype,
    );
    expect(namespaces.map(([name]) => name).sort()).toEqual(NAMESPACES.map(([name]) => name).sort());
  });

  it.each(NAMESPACES.flatMap(([namespace, prototype]) => methodsOf(prototype).map((name) => [namespace, name])))(
    'terra.%s.%s',
    async (namespace, name) => {
      const target = (client as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>)[namespace];
      const method = target?.[name] as (...args: unknown[]) => unknown;
      for (const args of BAD_ARGUMENTS) {
        await expectRejection(`terra.${namespace}.${name}(${args.map(describe_).join(', ')})`, () =>
          method.apply(target, args),
        );
      }
      expect(requests).toBe(0);
    },
  );

  const ASYNC_EXPORTS = {
    'terra-sdk/webhooks': webhooks,
    'terra-sdk/testing': testing,
    'terra-sdk/sandbox': { startSandbox },
  } as const;

  const exported = Object.entries(ASYNC_EXPORTS).flatMap(([entry, module]) =>
    Object.entries(module)
      .filter(([, value]) => typeof value === 'function' && value.constructor.name === 'AsyncFunction')
      .map(([name, fn]) => [`${entry} ${name}`, fn as (...args: unknown[]) => unknown] as const),
  );

  it('finds the async exports it walks', () => {
    const names = exported.map(([label]) => label);
    for (const name of ['verifyWebhook', 'verifySignature', 'checkTerraSignature', 'signWebhook', 'fetchS3Payload']) {
      expect(names).toContain(`terra-sdk/webhooks ${name}`);
    }
    expect(names).toContain('terra-sdk/sandbox startSandbox');
  });

  it.each(exported)('%s', async (label, fn) => {
    for (const args of BAD_ARGUMENTS) {
      await expectRejection(`${label}(${args.map(describe_).join(', ')})`, () => fn(...args));
    }
  });

  it('the webhook handler: dispatch and verify reject too', async () => {
    const handler = webhooks.createWebhookHandler({ secret: 'secret' });
    await expectRejection('handler.verify(42)', () => handler.verify(42 as never));
    await expectRejection('handler.verify(request without signature)', () =>
      handler.verify(new Request('http://localhost/', { method: 'POST', body: '{}' })),
    );
  });
});
