import { defineConfig } from 'vitest/config';
import { heapEnvironment } from './src/ops/heap-settings.ts';

// As in vitest.config.ts: the processes these tests start run with the server's heap settings.
Object.assign(process.env, heapEnvironment(process.env));

/**
 * `npm run test:faults`: the fault suite (issue 13). Each file kills, stalls or starves real
 * processes (PostgreSQL, workers, the disk), so files run one at a time and are kept out of `npm test`
 * by their `.fault.ts` suffix.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    pool: 'forks',
  },
});
