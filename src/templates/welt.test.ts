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
import { drawnShading, linearLumAt, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
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

  /**
   * How the welt's top and bottom seams darken the chest (no welt against welt, the mottle divided
   * out), column by column across the middle of its width: the medians of the deepest darkening
   * within 2 mm of its top and of its bottom edge.
   */
  async function seams(cut: string, view: 'front' | 'three-quarter') {
    const shading = (breastPocket: string) => drawnShading(engine, cut, view, fabric, 'hd', resolveOptions(cut, { breastPocket }));
    const [withWelt, bare] = await Promise.all([shading('yes'), shading('no')]);
    const { m, pxPerMm: mm } = withWelt;
    const W = m.width;
    const idx = withWelt.cv.panels.findIndex((p) => p.id === 'breast-welt');
    const cols = new Map<number, [number, number]>();
    for (let i = 0; i < m.panel.length; i++) {
      if (m.panel[i] !== idx || m.coverage[i] !== 255) continue;
      const x = i % W;
      const y = (i - x) / W;
      const c = cols.get(x);
      cols.set(x, c ? [Math.min(c[0], y), Math.max(c[1], y)] : [y, y]);
    }
    const xs = [...cols.keys()].sort((a, b) => a - b);
    const mid = xs.slice(Math.round(xs.length * 0.2), Math.round(xs.length * 0.8));
    const dark = (x: number, y: number) => 1 - m.mul[y * W + x]! / bare.m.mul[y * W + x]!;
    const deepest = (x: number, y0: number, y1: number) => {
      let d = -1;
      for (let y = Math.round(y0); y <= Math.round(y1); y++) d = Math.max(d, dark(x, y));
      return d;
    };
    const r = Math.round(2 * mm);
    const top = mid.map((x) => deepest(x, cols.get(x)![0] - r, cols.get(x)![0] + r)).sort((a, b) => a - b);
    const bottom = mid.map((x) => deepest(x, cols.get(x)![1] - r, cols.get(x)![1] + r)).sort((a, b) => a - b);
    return { top: top[top.length >> 1]!, bottom: bottom[bottom.length >> 1]!, columns: xs.length };
  }

  // Turned, the welt lies on the far chest, where the body turns away (squeezed to 0.4-0.5 across):
  // its length foreshortens but its seams run across the turn, not along it, and are seen no more
  // edge-on than from the front. Faded as a seam running down the turn fades (to b137), they drew
  // 0.00-0.01 and 0.07-0.09 of shade against the front's 0.09-0.11 and 0.18-0.23: no pocket there.
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s three-quarter: its seams draw as they do from the front', async (cut) => {
    const [front, turned] = await Promise.all([seams(cut, 'front'), seams(cut, 'three-quarter')]);
    console.log(
      `${cut} welt seams, top / bottom (shade): front ${front.top.toFixed(2)} / ${front.bottom.toFixed(2)} over ${front.columns} px; three-quarter ${turned.top.toFixed(2)} / ${turned.bottom.toFixed(2)} over ${turned.columns} px`,
    );
    expect(turned.columns, 'the welt shows turned').toBeGreaterThan(front.columns * 0.35);
    expect(turned.top, 'its top seam').toBeGreaterThan(front.top * 0.6);
    expect(turned.bottom, 'its bottom seam').toBeGreaterThan(front.bottom * 0.6);
  });
});
