/**
 * The sandbox reads request bodies within the same bounds as the webhook adapters (50 MiB, 10 s).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';

describe('the sandbox under an oversized request', () => {
  it('answers 413 to a body declared over 50 MiB, without reading it', async () => {
    const sandbox = await startSandbox({ apiKey: 'k', devId: 'd' });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(`${sandbox.baseUrl}/auth/generateWidgetSession`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(60 * 1024 * 1024) },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
          req.destroy();
        });
        req.on('error', reject);
        req.write('{"reference_id":');
      });
      expect(status).toBe(413);
    } finally {
      await sandbox.close();
    }
  });
});
