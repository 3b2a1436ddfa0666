/**
 * Generated schemas are stand-ins built on first use. Importing the models must build none of them,
 * and a built stand-in must behave as the zod schema itself.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as zod from 'zod/mini';

const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('zod/mini', async (importOriginal) => {
  const zod = await importOriginal<typeof import('zod/mini')>();
  return {
    ...zod,
    looseObject: (...args: Parameters<typeof zod.looseObject>) => {
      built.count++;
      return zod.looseObject(...args);
    },
  };
});

describe('lazily built schemas', () => {
  it('are not built when the models are imported, and are built once on first use', async () => {
    const models = await import('../../src/models/index.js');
    expect(built.count).toBe(0);
    expect(Object.keys(models).filter((k) => k.endsWith('Schema')).length).toBeGreaterThan(240);
    models.TerraUserSchema.parse({ user_id: 'u', provider: 'p' });
    expect(built.count).toBe(1);
    models.TerraUserSchema.parse({ user_id: 'u', provider: 'p' });
    expect(built.count).toBe(1);
  });

  it('behave as the zod schema: instanceof, shape, extend, composition, JSON Schema', async () => {
    const z = await import('zod/mini');
    const { AthleteSchema, TerraUserSchema } = await import('../../src/models/index.js');
    expect(AthleteSchema).toBeInstanceOf(z.ZodMiniObject);
    const object = AthleteSchema as unknown as zod.ZodMiniObject;
    expect(Object.keys(object.shape)).toContain('first_name');
    const extended = z.extend(object, { nickname: z.string() });
    expect(extended.parse({ nickname: 'A', age: 30 })).toEqual({ nickname: 'A', age: 30 });
    expect(() => extended.parse({ age: 30 })).toThrow();
    expect(z.array(TerraUserSchema).parse([{ user_id: 'u', provider: 'p', extra: 1 }])).toEqual([
      { user_id: 'u', provider: 'p', extra: 1 },
    ]);
    const json = z.toJSONSchema(TerraUserSchema) as { required?: string[] };
    expect(json.required).toEqual(['user_id']);
    expect('parse' in TerraUserSchema).toBe(true);
    expect(Reflect.ownKeys(TerraUserSchema)).toContain('_zod');
  });

  it('forward every operation to the built schema', async () => {
    const { lazySchema, ref } = await import('../../src/models/lazy.js');
    const real = { a: 1 } as Record<string, unknown>;
    const proxy = lazySchema('Thing', () => real);
    expect(ref(proxy)).toBe(real);
    proxy.b = 2;
    expect(real.b).toBe(2);
    expect('b' in proxy).toBe(true);
    Object.defineProperty(proxy, 'c', { value: 3, enumerable: true, configurable: true });
    expect(real.c).toBe(3);
    delete proxy.c;
    expect('c' in real).toBe(false);
    expect(Object.getOwnPropertyDescriptor(proxy, 'a')).toMatchObject({ value: 1, configurable: true });
    expect(Object.keys(proxy)).toEqual(['a', 'b']);
    expect(ref(real)).toBe(real);
  });

  it('report a schema that refers to itself while being built, instead of overflowing the stack', async () => {
    const { lazySchema } = await import('../../src/models/lazy.js');
    const loop: { value: object } = { value: {} };
    loop.value = lazySchema('Loop', () => ({ inner: (loop.value as { x?: unknown }).x }));
    expect(() => (loop.value as { x?: unknown }).x).toThrow('a model schema refers to itself while being built');
  });
});
