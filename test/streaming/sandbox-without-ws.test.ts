/**
 * The sandbox without the `ws` package: its REST API works, its streaming endpoints answer 501, and
 * it says so once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerraWebSocketUnavailableError } from '../../src/streaming/errors.js';

vi.mock('ws', () => {
  throw new Error("Cannot find package 'ws'");
});

const { startSandbox } = await import('../../src/sandbox/index.js');
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('the sandbox without ws', () => {
  it('starts, answers REST, refuses streaming with 501 and warns once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const sandbox = await startSandbox();
      close = sandbox.close;
      expect((await fetch(`${sandbox.url}/`)).status).toBe(200);
      const headers = { 'dev-id': 'dev', 'x-api-key': 'key' };
      for (let i = 0; i < 2; i++) {
        const refused = await fetch(`${sandbox.url}/auth/developer`, { method: 'POST', headers });
        expect(refused.status).toBe(501);
        expect(await refused.json()).toMatchObject({ message: expect.stringMatching(/ws/) });
      }
      await expect(sandbox.streaming()).rejects.toBeInstanceOf(TerraWebSocketUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warnings.filter((message) => message.includes('without streaming'))).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
