/**
 * The collar lies on the chest as the lapel does (three pressed layers): its outer edge, from the notch
 * up toward the shoulder, throws a thin line of shade on the forepart, not a soft halo round a pillow.
 * Up to b134 the collar was lofted 6 and rounded within 5 mm (the lapel now 3 and 5): the field's
 * smoothing ran its step down onto the chest as a band of shade. Now lofted 4, rounded within 3.
 *
 * Measured on the HD level's shading (the multiplier a cloth receives, the mottle divided out): per
 * row through the middle of each collar leaf, the forepart outward from the leaf's outer edge against
 * the forepart 15-25 mm beyond it; the shade it takes (1 − the light, summed over mm out to 15 mm),
 * the median row's.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { drawnShading, outerEdgeX, panelRows, SIDES, TEST_TEMPLATE_CACHE } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.15 } as const;

describe('the collar lies on the chest: its edge casts a thin line of shade', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s', async (cut) => {
    const { cv, m, pxPerMm } = await drawnShading(engine, cut, 'front', { hex: '#1A2236', design }, 'hd');
    const printed: string[] = [];
    for (const [side, dir] of SIDES) {
      const collar = cv.panels.findIndex((q) => q.id === `collar-${side}`);
      const forepart = cv.panels.findIndex((q) => q.id === `forepart-${side}`);
      expect(collar).toBeGreaterThanOrEqual(0);
      const rows = panelRows(m, collar, 8 * pxPerMm);
      expect(rows.length).toBeGreaterThan(20);
      const taken: number[] = [];
      for (const y of rows.slice(Math.floor(rows.length * 0.3), Math.floor(rows.length * 0.7))) {
        const row = y * m.width;
        const edge = outerEdgeX(m, y, collar, dir);
        const at = (d: number) => (m.panel[row + edge + dir * d] === forepart ? m.mul[row + edge + dir * d]! : Number.NaN);
        const beyond: number[] = [];
        for (let d = Math.round(15 * pxPerMm); d < 25 * pxPerMm; d++) if (!Number.isNaN(at(d))) beyond.push(at(d));
        if (beyond.length < 5 * pxPerMm) continue;
        const chest = beyond.sort((a, b) => a - b)[beyond.length >> 1]!;
        let shade = 0;
        for (let d = 1; d < 15 * pxPerMm; d++) if (!Number.isNaN(at(d))) shade += Math.max(0, 1 - at(d) / chest) / pxPerMm;
        taken.push(shade);
      }
      expect(taken.length, `${side} collar rows`).toBeGreaterThan(10);
      const median = taken.sort((a, b) => a - b)[taken.length >> 1]!;
      printed.push(`${side}: ${median.toFixed(2)} shade × mm`);
      // The leaf turned from the light (the wearer's left, the image's right): up to b134 a halo of
      // 0.38-0.43 shade × mm; now 0.22-0.24. On the lit leaf the step throws next to none (0.01-0.04).
      // Lofted 3 (0.12-0.14) it lost the studio's suggested mask of a navy suit with a navy tie, seen
      // three-quarter by phone, a strip of its jacket (kept 0.969 of it, where 0.97 is asked).
      if (side === 'left') {
        expect(median, `${side} collar: a line of shade at its edge`).toBeGreaterThan(0.05);
        expect(median, `${side} collar: no halo round it`).toBeLessThan(0.3);
      }
    }
    console.log(`${cut} collar edge: ${printed.join('; ')}`);
  });
});
