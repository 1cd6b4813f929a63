/**
 * The breast welt up close (the detail view, 4 px/mm) as the reference photo shows it: a flat band of
 * cloth sewn down along its bottom edge, not a pillow floating over the chest. Across its middle, in
 * linear light against the chest 8-10 mm below it:
 * - the photo's bottom edge is a fine dark seam (0.71-0.78), the chest just below it back to 1.0;
 * - its face lies as the chest does: row by row within 5 % of the chest there without a welt.
 * Up to template b111 ours cast a soft shadow 5 mm wide below it (0.77) and, 3-18 mm up, its face rose
 * from 0.95 to 1.15 of the chest below it (the chest without a welt: 1.01 to 1.07), a quilted pad.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { linearLumAt, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { resolveOptions } from './options.ts';
import { BREAST_WELT_DEPTH, BREAST_WELT_END_X, breastWeltBottom, detailProjection } from './suits.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const fabric = { hex: '#9A8A70', design: { weave: 'plain' as const, pattern: 'solid' as const, threadMm: 0.2 } };

describe('the breast welt', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s: a flat band sewn down along its bottom edge', async (cut) => {
    const render = (breastPocket: string) => engine.renderRaw({ cut, view: 'detail', fabric, options: resolveOptions(cut, { breastPocket }) }, 'full');
    const [raw, bare] = await Promise.all([render('yes'), render('no')]);
    const p = detailProjection();
    const lum = (img: typeof raw, x: number, y: number) => {
      const [px, py] = p.project(x, y);
      return linearLumAt(img, px, py);
    };
    // Mean across the welt's middle 30 mm, `dy` mm above its bottom edge (which rises with it).
    const x1 = BREAST_WELT_END_X - 10;
    const row = (img: typeof raw, dy: number) => {
      let sum = 0;
      let n = 0;
      for (let x = x1 - 30; x <= x1; x += 0.25) {
        sum += lum(img, x, breastWeltBottom(x) + dy);
        n++;
      }
      return sum / n;
    };
    const chest = (row(raw, -8) + row(raw, -9) + row(raw, -10)) / 3;
    const dys = (a: number, b: number) => Array.from({ length: Math.round((b - a) / 0.25) + 1 }, (_, i) => a + i * 0.25);
    const below = dys(-5, -1.5).map((dy) => row(raw, dy) / chest);
    const seam = Math.min(...dys(-1, 1).map((dy) => row(raw, dy) / chest));
    // The face against the chest without a welt, from the same distance below it.
    const bareChest = (row(bare, -8) + row(bare, -9) + row(bare, -10)) / 3;
    const face = dys(3, BREAST_WELT_DEPTH - 4).map((dy) => row(raw, dy) / chest / (row(bare, dy) / bareChest));
    console.log(
      `${cut}: below ${Math.min(...below).toFixed(2)}, seam ${seam.toFixed(2)}, face ${Math.min(...face).toFixed(2)}-${Math.max(...face).toFixed(2)} of the bare chest`,
    );
    expect(Math.min(...below)).toBeGreaterThan(0.93);
    expect(seam).toBeLessThan(0.88);
    for (const f of face) expect(Math.abs(f - 1)).toBeLessThan(0.05);
  });
});
