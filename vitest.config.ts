import { defineConfig } from 'vitest/config';

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
