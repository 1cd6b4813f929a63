/**
 * A pressed lapel's outer edge reads, in a photo, as one line: the lip turning down (lit on the side
 * toward the key light) and its thin shade on the chest right under it. Up to b133 ours drew a
 * rail: the lapel face fell into a dark band 3-5 mm inside its edge (the face rounded down over 10 mm),
 * the chest's cast shadow lay 4-5 mm outside it, and between the two ran a light stripe some 3 mm wide,
 * dark-light-dark, the embossed double edge of a drawing (at full size a piped lapel).
 *
 * Measured on the shading (the multiplier a cloth receives, the mottle divided out), across the outer
 * edge of each lapel from 30 to 70 % of its length: per distance from the edge (mm, outward positive),
 * the median over the rows, as a share of the lapel's own face 10-18 mm in, averaged over 1.5 mm. The
 * rail's rebound is the highest rise between two dark troughs within 7 mm of the edge: how far the
 * profile climbs back after one dark line before it falls into another: up to b133 0.15-0.37 on the
 * lapel turned from the light (seen three-quarter, 0.13-0.15). Now the lapel lies lower (lofted 3, not 4) and rounds within 5 mm (not
 * 10), its lip on that side is in shade (it was lit, more faintly than the other's), and the chest's
 * shade lies 1.6 mm out along the edge's normal: 0.00-0.09.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { drawnShading, outerEdgeX, panelRows, SIDES, TEST_TEMPLATE_CACHE } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.15 } as const;

/**
 * The largest climb between two dark lines (troughs under 0.97 of the face): for each point, the
 * deepest point before it and after it; where both are dark, how far it stands above the shallower.
 * A lit lip beside one line is no rail.
 */
function railRebound(p: number[]): number {
  let best = 0;
  for (let j = 1; j < p.length - 1; j++) {
    const trough = Math.max(Math.min(...p.slice(0, j)), Math.min(...p.slice(j + 1)));
    if (trough < 0.97) best = Math.max(best, p[j]! - trough);
  }
  return best;
}

describe('a lapel edge is one line, not a rail', () => {
  it('the rebound measure: a rail climbs between its two lines, one line does not', () => {
    expect(railRebound([1, 0.8, 1.2, 0.8, 1])).toBeCloseTo(0.4, 5);
    expect(railRebound([1, 0.95, 0.8, 0.9, 1])).toBeCloseTo(0, 5);
    expect(railRebound([1, 1.1, 0.7, 1])).toBeCloseTo(0, 5);
  });

  it.each([
    ['single-breasted', 'front', 'full'],
    ['single-breasted', 'front', 'hd'],
    ['double-breasted', 'front', 'full'],
    ['double-breasted', 'front', 'hd'],
    ['three-piece', 'front', 'hd'],
    ['single-breasted', 'three-quarter', 'hd'],
    ['double-breasted', 'three-quarter', 'hd'],
  ] as const)('%s %s (%s)', async (cut, view, size) => {
    const { cv, m, pxPerMm } = await drawnShading(engine, cut, view, { hex: '#1A2236', design }, size);
    const printed: string[] = [];
    // The wearer's left lapel is the image's right: its outer edge faces right (dir 1).
    for (const [side, dir] of SIDES) {
      const lapel = cv.panels.findIndex((q) => q.id === `lapel-${side}`);
      expect(lapel).toBeGreaterThanOrEqual(0);
      const rows = panelRows(m, lapel, 20 * pxPerMm);
      const span = Math.round(7 * pxPerMm);
      const profiles: number[][] = [];
      for (const y of rows.slice(Math.floor(rows.length * 0.3), Math.floor(rows.length * 0.7))) {
        const row = y * m.width;
        const edge = outerEdgeX(m, y, lapel, dir);
        const at = (d: number) => m.mul[row + edge + dir * d]!;
        const face: number[] = [];
        for (let d = Math.round(-18 * pxPerMm); d <= -10 * pxPerMm; d++) if (m.panel[row + edge + dir * d] === lapel) face.push(at(d));
        if (face.length < 4 * pxPerMm) continue;
        const f = face.sort((a, b) => a - b)[face.length >> 1]!;
        profiles.push(Array.from({ length: 2 * span + 1 }, (_, i) => at(i - span) / f));
      }
      expect(profiles.length, `${side} lapel rows`).toBeGreaterThan(30);
      const median = profiles[0]!.map((_, i) => {
        const v = profiles.map((p) => p[i]!).sort((a, b) => a - b);
        return v[v.length >> 1]!;
      });
      // Over 1.5 mm: the pick stitching's row of dimples 5 mm in (0.6 mm across) is no second edge.
      const r = Math.max(0, Math.round(0.75 * pxPerMm));
      const smooth = median.map((_, i) => {
        const w = median.slice(Math.max(0, i - r), i + r + 1);
        return w.reduce((a, b) => a + b, 0) / w.length;
      });
      const rebound = railRebound(smooth);
      const darkest = Math.min(...median);
      printed.push(`${side}: darkest ${darkest.toFixed(2)}, rebound ${rebound.toFixed(2)}`);
      // Still a line: the edge is drawn, as the photo's is.
      expect(darkest, `${side} lapel: a line of shade at its edge`).toBeLessThan(0.9);
      expect(rebound, `${side} lapel: dark-light-dark across its edge`).toBeLessThan(0.1);
    }
    console.log(`${cut} ${view} ${size}: ${printed.join('; ')}`);
  });
});
