/**
 * Runs the model, client and event tests with the zod and ky found in `$TERRA_NEWEST_DEPS`
 * (a scratch directory where scripts/test-newest-deps.sh installed the newest zod 4 and ky 1),
 * instead of the versions the lockfile pins, which are the lowest the package.json ranges allow.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

const scratch = process.env.TERRA_NEWEST_DEPS;
if (!scratch) throw new Error('Set TERRA_NEWEST_DEPS to the directory holding node_modules/zod and node_modules/ky');
const modules = `${scratch}/node_modules`;

// Built on the main config, with the test list replaced (merging would add to it) and no coverage.
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: {
    alias: [
      { find: /^zod\/mini$/, replacement: `${modules}/zod/mini/index.js` },
      { find: /^zod$/, replacement: `${modules}/zod/index.js` },
      { find: /^ky$/, replacement: `${modules}/ky/distribution/index.js` },
    ],
  },
  test: {
    ...base.test,
    include: ['test/models/**/*.test.ts', 'test/client/**/*.test.ts', 'test/webhooks/events.test.ts'],
    coverage: { enabled: false },
  },
});
