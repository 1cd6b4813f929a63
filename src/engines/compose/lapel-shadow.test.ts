/**
 * A lapel lies on the chest: three layers of pressed cloth, a few millimetres proud. Its edge casts a
 * thin line of shade on the forepart, not the wide soft shadow of a board standing off the chest.
 *
 * In the reference photo (recto_reference.jpg, about 1.44 px/mm; rows across the lapels' outer
 * edges, linear light against the chest beyond) the line is 0.64-0.71 of the chest and 1.4-2 mm wide
 * under half its depth on the lit lapel (the image's left), and 0.84-0.63 over 3-8 mm on the other,
 * deepening toward the break. Up to b112 (b114 laid it flat) ours ran 0.20-0.61 deep over 10-15 mm: a drawn shadow 7 mm
 * wide blurred by 5, over a lapel lofted 8 units, which the field's smoothing turned into a slope.
 *
 * Up to b133 the line lay 4-5 mm clear of the edge where the edge runs down (the points moved by one
 * offset, 4 mm out and 3 down), with a light stripe between it and the lapel's own edge: see
 * lapel-rail.test.ts. Now it lies 1.6 mm out along the edge's normal: on the lit lapel 0.65-0.71 over
 * 2.8-3.9 mm, as the photo's; on the other 0.78-0.83 at the top deepening to 0.51-0.67 toward the
 * break (the photo's 0.84 to 0.63; the double-breasted's the deepest).
 *
 * Measured on the HD level's shading (the multiplier a cloth receives): per row at 35, 50, 65 and
 * 80 % down the lapel, the forepart within 10 mm outward of the lapel's outer edge against the
 * forepart 10-20 mm beyond it (25-40 mm up to b133: on the three-piece, open over its waistcoat,
 * that lies where the chest already turns into the shade toward the side, 0.80-0.84 of the chest
 * beside the lapel).
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { drawnShading, outerEdgeX, panelRows, SIDES, TEST_TEMPLATE_CACHE } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.15 } as const;

describe('a lapel lies on the chest: its edge casts a thin line of shade', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s', async (cut) => {
    // The lapel's line as drawn: the cloth's mottle (relief.ts) divided out.
    const { cv, m, pxPerMm } = await drawnShading(engine, cut, 'front', { hex: '#1A2236', design }, 'hd');
    const printed: string[] = [];
    // Image-right lapel (the wearer's left) outward to the right, image-left lapel to the left.
    for (const [side, dir] of SIDES) {
      const lapel = cv.panels.findIndex((q) => q.id === `lapel-${side}`);
      const forepart = cv.panels.findIndex((q) => q.id === `forepart-${side}`);
      expect(lapel).toBeGreaterThanOrEqual(0);
      const rows = panelRows(m, lapel, 20 * pxPerMm);
      expect(rows.length).toBeGreaterThan(100);
      for (const q of [0.35, 0.5, 0.65, 0.8]) {
        const y = rows[Math.floor(rows.length * q)];
        const row = y * m.width;
        const edge = outerEdgeX(m, y, lapel, dir);
        // Only the forepart counts: a welt or pocket in the way is not the chest.
        const at = (d: number) => (m.panel[row + edge + dir * d] === forepart ? m.mul[row + edge + dir * d] : Number.NaN);
        const beyond: number[] = [];
        for (let d = Math.round(10 * pxPerMm); d < 20 * pxPerMm; d++) if (!Number.isNaN(at(d))) beyond.push(at(d));
        expect(beyond.length).toBeGreaterThan(4 * pxPerMm);
        const chest = beyond.sort((a, b) => a - b)[beyond.length >> 1];
        const near: number[] = [];
        for (let d = 1; d < 10 * pxPerMm; d++) near.push(at(d) / chest);
        const darkest = Math.min(...near.filter((v) => !Number.isNaN(v)));
        const halfMm = near.filter((v) => v < 1 - (1 - darkest) / 2).length / pxPerMm;
        printed.push(`${side} ${q}: ${darkest.toFixed(2)} over ${halfMm.toFixed(1)} mm`);
        expect(darkest, `${side} lapel, ${q * 100} % down`).toBeGreaterThan(0.45);
        expect(darkest, `${side} lapel, ${q * 100} % down: a line of shade at its edge`).toBeLessThan(0.9);
        expect(halfMm, `${side} lapel, ${q * 100} % down`).toBeLessThan(8);
      }
    }
    console.log(`${cut}: ${printed.join('; ')}`);
  });
});
