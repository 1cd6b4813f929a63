import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createComposeEngine } from '../src/engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../src/engines/compose/test-helpers.ts';
import { shippedViews } from '../src/templates/index.ts';

/**
 * Before any suite runs: one temporary folder for the whole run, and the shipped garment templates
 * rasterised into the test cache.
 *
 * Every test file, and every process it starts (databases, servers, workers, browsers), inherits
 * TMPDIR pointing into the run's folder, which is removed at the end: a test that fails before its own
 * clean-up, or a server killed on purpose, leaves nothing behind in the machine's /tmp.
 *
 * The templates are built once so that no test's first render pays for a cold build (seconds per view
 * on two cores).
 */
export default async function setup() {
  const runDir = await mkdtemp(path.join(tmpdir(), 'atelier-test-run-'));
  // Embedded PostgreSQL runs as the 'postgres' user when we are root: it must be able to enter it.
  await chmod(runDir, 0o755);
  process.env.TMPDIR = runDir;

  const started = Date.now();
  const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
  await engine.warm();
  // Back and detail views too: tests render them all.
  for (const { cut, view } of shippedViews()) await engine.template(cut, view);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`garment templates ready in ${TEST_TEMPLATE_CACHE} (${seconds} s)`);

  return async function teardown() {
    await rm(runDir, { recursive: true, force: true });
  };
}
