/**
 * A lapel is canvas-held cloth with a pressed edge: flat to within a few millimetres of the edge,
 * where the cloth turns over its lip. On the lapel's edge turned from the key light (the wearer's
 * left lapel, the image's right) the shade falls off only there. Drawn as a cushion (each panel a
 * dome as wide as its `round`), the fall-off ran 19 mm into a lapel 8 cm wide: a bevel along every
 * edge, the emboss of a drawing rather than the crisp edge of pressed cloth in a photo.
 *
 * Measured on the full level's shading (the multiplier a cloth receives): per row across the middle
 * of the lapel, the distance in from its outer edge to the first pixel within 3 % of the lapel's
 * plateau (the median of its middle), in mm, averaged over the rows. Before: 18.6-19.9 mm; then
 * 9.8-10.4 mm, and 8.3-8.8 up to b112. In the reference photo (rows across both lapels) the face is
 * flat to within 1.5-2 mm of the edge; with the lapel lying on the chest (lofted 4, not 8) ours ran
 * 1.8-7.0 mm up to b133. Lofted 3 and rounded within 5 mm (not 10), its lip on this side in shade
 * (see lapel-rail.test.ts), it runs 4.1-6.4 mm.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { SHADE_CONTRAST } from '../../templates/build.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.15 } as const;

// Within 3 % of the plateau in the diffuse light, before the studio contrast deepens every shade by its power.
const NEAR = 1 - 0.97 ** SHADE_CONTRAST;

describe('a lapel edge falls into shade as a pressed edge, not a cushion', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s', async (cut) => {
    const cv = await engine.template(cut, 'front');
    const m = await engine.shadingMaps(cut, 'front', { hex: '#1A2236', design }, 'full');
    const p = cv.panels.findIndex((q) => q.id === 'lapel-left');
    expect(p).toBeGreaterThanOrEqual(0);
    const full = (x: number, y: number) => m.panel[y * m.width + x] === p && m.coverage[y * m.width + x] === 255;
    // The lapel's rows of fully covered pixels, each with its y.
    const rows: Array<{ y: number; xs: number[] }> = [];
    for (let y = 0; y < m.height; y++) {
      const xs: number[] = [];
      for (let x = 0; x < m.width; x++) if (full(x, y)) xs.push(x);
      if (xs.length > 30) rows.push({ y, xs });
    }
    const mid = rows.slice(Math.floor(rows.length * 0.3), Math.floor(rows.length * 0.7));
    expect(mid.length).toBeGreaterThan(40);
    let sum = 0;
    for (const { y, xs } of mid) {
      // From the outer edge (the image's right) inward.
      const s = xs.map((x) => m.mul[y * m.width + x]).reverse();
      const core = s.slice(Math.floor(s.length * 0.3), Math.floor(s.length * 0.7)).sort((a, b) => a - b);
      const plateau = core[Math.floor(core.length / 2)];
      let d = 0;
      while (d < s.length && Math.abs(s[d] - plateau) > NEAR * plateau) d++;
      sum += d / cv.pxPerMm;
    }
    const falloffMm = sum / mid.length;
    console.log(`${cut}: the lapel's edge falls off over ${falloffMm.toFixed(1)} mm`);
    expect(falloffMm).toBeGreaterThan(1);
    expect(falloffMm).toBeLessThan(7.5);
  });
});
