import { defineConfig } from 'vitest/config';
import { heapEnvironment } from './src/ops/heap-settings.ts';

// The test processes are forked from this one: they start with the heap settings the server runs
// with (src/ops/heap-settings.ts), so the templates they draw build as fast as the server's.
Object.assign(process.env, heapEnvironment(process.env));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    globalSetup: ['test/global-setup.ts'],
    // A limit only matters when something hangs; on a loaded two-core machine honest tests take
    // several times their idle duration, so the limits are generous.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Integration suites each start their own embedded PostgreSQL; two cores, so keep it modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
