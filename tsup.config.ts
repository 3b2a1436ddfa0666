import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    models: 'src/models/index.ts',
    webhooks: 'src/webhooks/index.ts',
    express: 'src/adapters/express.ts',
    fastify: 'src/adapters/fastify.ts',
    hono: 'src/adapters/hono.ts',
    next: 'src/adapters/next.ts',
    node: 'src/adapters/node.ts',
    testing: 'src/testing/index.ts',
    'testing/msw': 'src/testing/msw.ts',
    sandbox: 'src/sandbox/index.ts',
    connections: 'src/store/connections.ts',
    store: 'src/store/index.ts',
    // The `terra-sdk` command (package.json `bin`); not an import entry.
    cli: 'src/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  // tsup 8.5's declaration step sets `baseUrl`, which TypeScript 6 rejects unless told to allow it.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  // Entries share one copy of each module (so `instanceof TerraError` holds across entry points).
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'neutral',
  treeshake: true,
  define: { __TERRA_SDK_VERSION__: JSON.stringify(version) },
});
