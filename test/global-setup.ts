import { createComposeEngine } from '../src/engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../src/engines/compose/test-helpers.ts';
import { shippedViews } from '../src/templates/index.ts';

/**
 * Rasterises the shipped garment templates into the shared test cache once, before any suite runs,
 * so that no test's first render pays for a cold template build (seconds per view on two cores).
 */
export default async function warmTemplateCache() {
  const dir = TEST_TEMPLATE_CACHE;
  const started = Date.now();
  const engine = createComposeEngine({ templateCacheDir: dir });
  await engine.warm();
  // Back and detail views too: tests render them all.
  for (const { cut, view } of shippedViews()) await engine.template(cut, view);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`garment templates ready in ${dir} (${seconds} s)`);
}
