/**
 * A pressed suit in soft studio light: a seam is a faint line with a slight ridge, a pocket flap casts
 * at most a very thin soft shadow on the forepart below it, and a patch pocket is a flat layer of
 * cloth with a slightly turned edge. Drawn as a groove (a 2.5 mm crease under a dark line) the front
 * dart read as a cut in the cloth; a flap standing 9 mm proud with a drawn shadow under it cast the
 * drop shadow of a shelf; a patch pocket 6 px proud on a 6 px round puffed into a cushion.
 *
 * Measured on the full level's shading (the multiplier a plain cloth receives), front view:
 * - across the front dart, between the breast welt and the flap: per row of the image-left forepart,
 *   the deepest dip below the median of the ±12 mm around it, and the width (mm) over which the
 *   shade is more than 3 % below that median. Before (b27): 17.8 % and 5.6 mm; after 6.3 %, 1.1 mm.
 * - below the flap, per column across its middle: from the flap's lower edge down 18 mm over the
 *   forepart, the darkness integrated over its width (Σ (1 − mul / plateau) in mm: a black band this
 *   wide) and the width over which it is more than 10 % dark. Before: 1.9-2.8 mm and 4.4-5.6 mm;
 *   after 0.44 mm and 2.2 mm.
 * - a patch pocket's edge turned from the light: the shade lost over its outer 15 mm, integrated the
 *   same way. Before: 2.8 mm; after 0.9 mm.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from './index.ts';
import { resolveOptions } from '../../templates/options.ts';
import { TEST_TEMPLATE_CACHE, withoutMottle } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.15 } as const;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function frontMaps(cut: string, chosen?: Record<string, string>, size: 'full' | 'hd' = 'full') {
  const options = chosen ? resolveOptions(cut, chosen) : undefined;
  const cv = await engine.template(cut, 'front', options);
  // The drawn form's light: the cloth's mottle (tested in cloth-relief.test.ts) divided out.
  const m = withoutMottle(await engine.shadingMaps(cut, 'front', { hex: '#1A2236', design }, size, options), cv.pxPerMm, size);
  const id = (p: number) => cv.panels[p]?.id ?? '';
  const at = (x: number, y: number) => y * m.width + x;
  const pocket = cv.panels.findIndex((q) => q.id === 'pocket-right');
  const forepart = cv.panels.findIndex((q) => q.id === 'forepart-right');
  // The flap's extent on the frame.
  let fx0 = m.width;
  let fx1 = 0;
  let fy0 = m.height;
  let fy1 = 0;
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      if (m.panel[at(x, y)] !== pocket) continue;
      fx0 = Math.min(fx0, x);
      fx1 = Math.max(fx1, x);
      fy0 = Math.min(fy0, y);
      fy1 = Math.max(fy1, y);
    }
  }
  return { cv, m, id, at, pocket, forepart, flap: { x0: fx0, x1: fx1, y0: fy0, y1: fy1 } };
}

describe('a pressed seam is a faint line, not a groove', () => {
  it.each(['single-breasted', 'three-piece'])('%s front dart', async (cut) => {
    const { cv, m, at, forepart, flap } = await frontMaps(cut);
    const mm = cv.pxPerMm;
    const half = Math.round(12 * mm);
    const clear = Math.round(25 * mm);
    // Rows from 8 cm above the flap to 2 cm above it: the dart runs from the flap up the chest.
    const depths: number[] = [];
    const widths: number[] = [];
    for (let y = flap.y0 - Math.round(80 * mm); y < flap.y0 - Math.round(20 * mm); y++) {
      // Forepart pixels with nothing else within `clear` along the row (the lapel's shadow, an edge).
      let best = { depth: 0, width: 0 };
      for (let x = flap.x0; x <= flap.x1; x++) {
        let ok = true;
        for (let d = -clear; d <= clear && ok; d++) ok = m.panel[at(x + d, y)] === forepart && m.coverage[at(x + d, y)] === 255 && !m.overlay[at(x + d, y)];
        if (!ok) continue;
        const around: number[] = [];
        for (let d = -half; d <= half; d++) around.push(m.mul[at(x + d, y)]);
        const ref = median(around);
        const depth = 1 - m.mul[at(x, y)] / ref;
        if (depth <= best.depth) continue;
        let n = 0;
        for (let d = -half; d <= half; d++) if (m.mul[at(x + d, y)] < ref * 0.97) n++;
        best = { depth, width: n / mm };
      }
      depths.push(best.depth);
      widths.push(best.width);
    }
    expect(depths.length).toBeGreaterThan(40);
    const depth = median(depths);
    const width = median(widths);
    console.log(`${cut} dart: depth ${depth.toFixed(4)}, width ${width.toFixed(2)} mm`);
    // The seam is there (a line the eye finds), but faint and fine.
    expect(depth).toBeGreaterThan(0.02);
    expect(depth).toBeLessThan(0.1);
    expect(width).toBeLessThan(3.5);
  });
});

describe('a pocket flap casts only a thin soft shadow', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s', async (cut) => {
    const { cv, m, at, pocket, forepart, flap } = await frontMaps(cut);
    const mm = cv.pxPerMm;
    expect(pocket).toBeGreaterThanOrEqual(0);
    const areas: number[] = [];
    const widths: number[] = [];
    const span = flap.x1 - flap.x0;
    for (let x = flap.x0 + Math.round(span * 0.3); x < flap.x0 + Math.round(span * 0.7); x++) {
      // The flap's lowest pixel in this column, then the forepart below it.
      let yb = flap.y1;
      while (yb > flap.y0 && m.panel[at(x, yb)] !== pocket) yb--;
      const below = (d: number) => at(x, yb + 1 + d);
      const reach = Math.round(18 * mm);
      if (m.panel[below(reach)] !== forepart) continue;
      const plateau = median(Array.from({ length: Math.round(8 * mm) }, (_, k) => m.mul[below(reach + k)]));
      let area = 0;
      let dark = 0;
      // From the flap's edge down to the plateau (the flap's own pressed edge turning away is not
      // its shadow).
      for (let d = 0; d < reach; d++) {
        const k = 1 - m.mul[below(d)] / plateau;
        if (k > 0) area += k;
        if (k > 0.1) dark++;
      }
      areas.push(area / mm);
      widths.push(dark / mm);
    }
    expect(areas.length).toBeGreaterThan(20);
    const area = median(areas);
    const width = median(widths);
    console.log(`${cut}: below the flap ${area.toFixed(2)} mm of black, ${width.toFixed(2)} mm over 10 % dark`);
    expect(area).toBeLessThan(1.5);
    // Whole pixels at 0.9 px/mm: 2 px (2.2 mm) up to b66. Since the sleeves rest on the body (b80)
    // the single-breasted's flap, 40 px from the sleeve, lies a shade deeper in the hollow beside the
    // arm: the light pixel between the flap's edge and its shadow went 1.05 → 1.04 of a plateau of
    // 1.16, 10.3 % below it, and counts: 3 px (3.3 mm). Its integral went 0.63 → 0.71 mm.
    expect(width).toBeLessThan(3.4);
    // Still a flap standing on the cloth: an edge the eye finds.
    expect(area).toBeGreaterThan(0.2);
  });
});

describe('a patch pocket is a flat layer of cloth, not a cushion', () => {
  it.each(['single-breasted', 'three-piece'])('%s', async (cut) => {
    const { cv, m, at, pocket, flap } = await frontMaps(cut, { pockets: 'patch' });
    const mm = cv.pxPerMm;
    expect(pocket).toBeGreaterThanOrEqual(0);
    // Per row across the pocket's middle: in from its edge turned from the light (the image's right),
    // the shade lost against the pocket's plateau (the median of its middle) integrated over the
    // outer 15 mm (Σ (1 − mul / plateau) in mm: the edge's turn and the topstitching beside it).
    const falloffs: number[] = [];
    const h = flap.y1 - flap.y0;
    for (let y = flap.y0 + Math.round(h * 0.3); y < flap.y0 + Math.round(h * 0.7); y++) {
      const s: number[] = [];
      for (let x = flap.x1; x >= flap.x0; x--) if (m.panel[at(x, y)] === pocket && m.coverage[at(x, y)] === 255) s.push(m.mul[at(x, y)]);
      if (s.length < 40) continue;
      const plateau = median(s.slice(Math.floor(s.length * 0.3), Math.floor(s.length * 0.7)));
      let lost = 0;
      for (let d = 0; d < Math.round(15 * mm); d++) lost += Math.max(0, 1 - s[d] / plateau);
      falloffs.push(lost / mm);
    }
    expect(falloffs.length).toBeGreaterThan(20);
    const falloff = median(falloffs);
    expect(falloff).toBeGreaterThan(0.2);
    expect(falloff).toBeLessThan(1.5);
  });
});

describe('a patch pocket is sewn whole on its forepart', () => {
  // Drawn 175 mm deep under the mouth, the pocket reached down past where the quarter curves away:
  // the front edge cut its inner lower corner off (single-breasted: 20 mm of the pocket's width gone
  // 15 mm above its bottom, its outer corner whole; on the three-piece's open front, 28 mm).
  it.each(['single-breasted', 'three-piece'])('%s', async (cut) => {
    const { m, at, pocket, flap, cv } = await frontMaps(cut, { pockets: 'patch' });
    const mm = cv.pxPerMm;
    const row = (y: number) => {
      let x0 = -1;
      let x1 = -1;
      for (let x = flap.x0; x <= flap.x1; x++)
        if (m.panel[at(x, y)] === pocket) {
          if (x0 < 0) x0 = x;
          x1 = x;
        }
      return { x0, x1 };
    };
    const mid = row(Math.round((flap.y0 + flap.y1) / 2));
    // The pocket's corners, 15 and 8 mm above its bottom: each side rounded alike (the inner one a
    // little rounder), none cut off.
    for (const above of [15, 8]) {
      const r = row(flap.y1 - Math.round(above * mm));
      const innerLost = (mid.x1 - r.x1) / mm;
      const outerLost = (r.x0 - mid.x0) / mm;
      expect(innerLost, `inner side ${above} mm above the bottom`).toBeLessThan(outerLost + 3);
    }
    // Still a pocket a hand goes into: at least 8 cm wide across its middle.
    expect((mid.x1 - mid.x0) / mm).toBeGreaterThan(80);
  });
});
