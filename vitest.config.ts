import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests load the workspace's packages from their sources, so one copy of each module (and of each
    // error class) is in play, the sources under test. An alias, not the "source" export condition:
    // vitest hands SSR conditions to Node as --conditions, which worker threads inherit, and the
    // workers (compiled, in dist/) would then load .ts files. @balloon-sim/*/testing exist
    // as sources only.
    alias: [
      { find: /^@balloon-sim\/sim-core$/, replacement: source('packages/sim-core/src/index.ts') },
      {
        find: /^@balloon-sim\/sim-core\/testing$/,
        replacement: source('packages/sim-core/src/testing/index.ts'),
      },
      {
        find: /^@balloon-sim\/sim-core\/protocol$/,
        replacement: source('packages/sim-core/src/protocol/index.ts'),
      },
      { find: /^@balloon-sim\/gpu$/, replacement: source('packages/gpu/src/index.ts') },
      { find: /^@balloon-sim\/formats$/, replacement: source('packages/formats/src/index.ts') },
      { find: /^@balloon-sim\/node$/, replacement: source('packages/node/src/index.ts') },
      { find: /^@balloon-sim\/node\/gpu$/, replacement: source('packages/node/src/gpu.ts') },
      { find: /^@balloon-sim\/node\/cli$/, replacement: source('packages/node/src/cli/index.ts') },
      { find: /^@balloon-sim\/node\/testing$/, replacement: source('packages/node/src/testing/index.ts') },
      { find: /^@balloon-sim\/queue$/, replacement: source('packages/queue/src/index.ts') },
      {
        find: /^@balloon-sim\/queue\/testing$/,
        replacement: source('packages/queue/src/testing/index.ts'),
      },
      { find: /^@balloon-sim\/server$/, replacement: source('packages/server/src/index.ts') },
      {
        find: /^@balloon-sim\/server\/testing$/,
        replacement: source('packages/server/src/testing/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tools/src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
