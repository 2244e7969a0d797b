import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    conditions: ['source'],
    // The workspace's shared test helpers exist as sources only (package.json exports them under the
    // "source" condition, for the typecheck); tests load them from there.
    alias: {
      '@balloon-sim/sim-core/testing': fileURLToPath(
        new URL('packages/sim-core/src/testing/index.ts', import.meta.url),
      ),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tools/src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
