/**
 * A plain hem's break, as a tailor looks at it in the HD render: the leg's edges sweep out over the shoe
 * in one easy curve, with no kink where the break begins. Measured on the cloth coverage of the HD
 * render: each edge's position per row, and how tightly it bends over a few millimetres of height.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { frontProjection, type Projection, turnedProjection } from './geometry.ts';
import { resolveOptions } from './options.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const design = { weave: 'twill' as const, pattern: 'solid' as const, threadMm: 0.22 };
const HD = 2;

/**
 * The edge's x (HD px, sub-pixel from coverage) per row, in a band of columns holding only that edge:
 * from body x `from` (inside the leg) to `to` (the gap between the legs).
 */
function edgeXs(maps: { width: number; coverage: Uint8Array }, proj: Projection, a: number, b: number, y0: number, y1: number): Array<[number, number]> {
  const lo = Math.round(Math.min(a, b) * HD);
  const hi = Math.round(Math.max(a, b) * HD);
  const rowTop = Math.round(proj.project(0, y1)[1] * HD);
  const rowBottom = Math.round(proj.project(0, y0)[1] * HD);
  const out: Array<[number, number]> = [];
  for (let r = rowTop; r <= rowBottom; r++) {
    let covered = 0;
    for (let x = lo; x < hi; x++) covered += maps.coverage[r * maps.width + x]! / 255;
    // The leg fills the band from its inside up to the edge.
    out.push([r, a < b ? lo + covered : hi - covered]);
  }
  return out;
}

/** The tightest bend (radius, mm) of an edge over strides of `k` rows. */
function tightestBend(xs: Array<[number, number]>, k: number, pxPerMm: number): { radius: number; row: number } {
  let worst = { radius: Number.POSITIVE_INFINITY, row: -1 };
  for (let i = k; i + k < xs.length; i++) {
    const d2 = Math.abs(xs[i + k]![1] - 2 * xs[i]![1] + xs[i - k]![1]);
    const radius = (k * k) / Math.max(d2, 1e-9) / pxPerMm;
    if (radius < worst.radius) worst = { radius, row: xs[i]![0] };
  }
  return worst;
}

describe('plain hem: the leg sweeps over the shoe without a kink', () => {
  const views: Array<[string, Projection]> = [
    ['front', frontProjection()],
    ['three-quarter', turnedProjection(34)],
  ];
  it.each(views)('%s, HD: both legs, inner and outer edges', async (view, proj) => {
    const options = resolveOptions('single-breasted', { trouserHem: 'plain' });
    const maps = await engine.shadingMaps('single-breasted', view, { hex: '#1A2236', design }, 'hd', options);
    const pxPerMm = proj.pxPerMm * HD;
    // From below the knee's folds to just above the hem's corner (the hem sits at 36-42 mm; from the
    // front it arches up over the instep, to ~61 mm at the crease, so the edges are measured from 66 mm).
    // Turned, each leg is its own cylinder: what lies past its far edge folds onto that edge, so the
    // bands reach out in image space instead: the inner ones to the middle of the gap between the legs,
    // the outer ones well past the outlines.
    const bottom = view === 'front' ? 66 : 46;
    const px = (x: number) => proj.project(x, 0)[0];
    const gap = (px(-8) + px(8)) / 2;
    for (const s of [1, -1]) {
      const bands = {
        inner: [px(s * -60), view === 'front' ? px(s * -8) : gap],
        outer: [px(s * -150), view === 'front' ? px(s * -215) : px(s * -150) - s * 70 * proj.pxPerMm],
      };
      const edges = {
        inner: edgeXs(maps, proj, bands.inner[0]!, bands.inner[1]!, bottom, 300),
        outer: edgeXs(maps, proj, bands.outer[0]!, bands.outer[1]!, bottom, 300),
      };
      for (const [name, xs] of Object.entries(edges)) {
        // The edge is there: every row's band holds both cloth and background.
        const [a, b] = bands[name as keyof typeof bands] as [number, number];
        for (const [, x] of xs) expect(Math.min(Math.abs(x - a * HD), Math.abs(x - b * HD)), `${view} ${s} ${name} edge in its band`).toBeGreaterThan(2);
        // A kink is a bend far tighter than the cloth's: over 4.4 mm of height (8 HD rows) no stretch of
        // the edge may curve tighter than a 120 mm radius (the old break's bent at 68-77 mm).
        const bend = tightestBend(xs, 16, pxPerMm);
        expect(bend.radius, `${view} leg ${s} ${name} edge bends at row ${bend.row}`).toBeGreaterThan(120);
      }
    }
  });
});

describe('plain hem, turned: it rests on the shoe', () => {
  // Hung straight (up to b89) the leg ended in a level cut above the shoe, as if cropped: its crease
  // 1.7 mm above its corners. Resting on the instep it arches over the shoe as from the front, lower.
  it("three-quarter, HD: each leg's hem is at least 7 mm higher at the crease than at its corners", async () => {
    const proj = turnedProjection(34);
    const options = resolveOptions('single-breasted', { trouserHem: 'plain' });
    const maps = await engine.shadingMaps('single-breasted', 'three-quarter', { hex: '#1A2236', design }, 'hd', options);
    // The lowest row of cloth in the column at body x (mm), from the shin down.
    const hemRow = (x: number) => {
      const col = Math.round(proj.project(x, 0)[0] * HD);
      let y = Math.round(proj.project(x, 200)[1] * HD);
      while (y + 1 < maps.height && maps.coverage[(y + 1) * maps.width + col]! > 127) y++;
      return y;
    };
    for (const s of [1, -1]) {
      const crease = hemRow(s * -106);
      const corners = Math.min(hemRow(s * -44), hemRow(s * -170));
      expect((corners - crease) / (proj.pxPerMm * HD), `leg ${s}: crease over corners, mm`).toBeGreaterThan(7);
    }
  });
});

describe('plain hem, turned: its corners rest square, not in points', () => {
  // Turned, each leg's image-right side folds round onto its outline: the last few millimetres of the
  // drafted hem lie past the leg's horizon. Drafted to leave its corners level and only then rise, the
  // hem had already begun to rise where the outline shows, and met the edge at an acute angle: both
  // legs' image-right corners hung in a point over the shoe.
  it('three-quarter, HD: 1 mm above each corner the leg is still a hem, not a sliver', async () => {
    const proj = turnedProjection(34);
    const options = resolveOptions('single-breasted', { trouserHem: 'plain' });
    const maps = await engine.shadingMaps('single-breasted', 'three-quarter', { hex: '#1A2236', design }, 'hd', options);
    const mm = proj.pxPerMm * HD;
    const W = maps.width;
    const cov = (x: number, y: number) => maps.coverage[y * W + x]! / 255;
    const [rowA, rowB] = [60, 20].map((h) => Math.round(proj.project(0, h)[1] * HD));
    const top = Math.round(proj.project(0, 120)[1] * HD);
    const widths: string[] = [];
    for (const s of [1, -1])
      for (const dir of [1, -1]) {
        // The leg's edge on this side over the hem's height, found from its crease outward.
        const clothIn = (x: number) => {
          for (let y = rowA; y <= rowB; y++) if (cov(x, y) > 0.5) return true;
          return false;
        };
        let edge = Math.round(proj.project(s * -106, 0)[0] * HD);
        while (clothIn(edge + dir)) edge += dir;
        // The lowest cloth within 15 mm of that edge, and the cloth 1 mm above it, from the edge in.
        const bottom = (x: number) => {
          let y = top;
          while (y + 1 < maps.height && cov(x, y + 1) > 0.5) y++;
          return y;
        };
        const span = Math.round(15 * mm);
        let low = 0;
        for (let i = 0; i < span; i++) low = Math.max(low, bottom(edge - dir * i));
        const row = Math.round(low - mm);
        let width = 0;
        for (let i = -3; i < span; i++) width += cov(edge - dir * i, row);
        widths.push(`leg ${s} ${dir > 0 ? 'right' : 'left'} ${(width / mm).toFixed(1)}`);
        expect(width / mm, `leg ${s}, its ${dir > 0 ? 'image-right' : 'image-left'} corner: cloth 1 mm above its lowest point, mm`).toBeGreaterThan(5);
      }
    console.log(`cloth 1 mm above each hem corner (mm): ${widths.join(', ')}`);
  });
});

describe('plain hem, from the front: its corners round off, not points', () => {
  // Where the swept edge met the hem in a corner (to b139) the hem hung a point at each side, flared
  // out by the break: the edge at the hem's bottom lay 0.12 mm out from (inner corners) and 0.11 mm in
  // from (outer) where it ran 3 mm up, a cut-out's corner. A hem folded up inside the leg turns its
  // corner round the fold.
  it('front, HD: the edge along the hem’s bottom lies at least a millimetre in from where it runs 3 mm up', async () => {
    const proj = frontProjection();
    const maps = await engine.shadingMaps('single-breasted', 'front', { hex: '#2B3A55', design }, 'hd', resolveOptions('single-breasted', {}));
    const W = maps.width;
    const mm = proj.pxPerMm * HD;
    const insets: Array<[string, number]> = [];
    // Each leg's inner and outer corner: the drafted corner, and which way the leg's cloth lies from it.
    for (const s of [1, -1])
      for (const [cx, inward] of [
        [-34, 1],
        [-180, -1],
      ] as const) {
        const x = s * cx;
        const side = -s * inward;
        const [px] = proj.project(x, 0);
        const lo = Math.round((px - 12 * proj.pxPerMm) * HD);
        const hi = Math.round((px + 12 * proj.pxPerMm) * HD);
        // The edge per row: scanning in from the backdrop's side, the first cloth, sub-pixel from its
        // coverage (NaN where the row holds none).
        const edgeAt = (r: number) => {
          if (side > 0) {
            for (let col = lo; col < hi; col++) {
              const c = maps.coverage[r * W + col]! / 255;
              if (c > 0) return col + 1 - c;
            }
          } else
            for (let col = hi - 1; col >= lo; col--) {
              const c = maps.coverage[r * W + col]! / 255;
              if (c > 0) return col + c;
            }
          return Number.NaN;
        };
        // The hem's lowest row at this corner: the last whose first cloth pixel is at least half covered.
        let bottom = Math.round(proj.project(0, 0)[1] * HD);
        const solid = (r: number) => {
          const e = edgeAt(r);
          return !Number.isNaN(e) && maps.coverage[r * W + (side > 0 ? Math.floor(e) : Math.ceil(e) - 1)]! >= 128;
        };
        while (!solid(bottom)) bottom--;
        const low = edgeAt(bottom);
        const up = edgeAt(bottom - Math.round(3 * mm));
        // Inward is toward the cloth: +side in image x.
        const inset = ((low - up) * side) / mm;
        insets.push([`${s > 0 ? 'left' : 'right'} leg, ${inward > 0 ? 'inner' : 'outer'} corner`, inset]);
      }
    console.log(`hem corners, the edge at the hem's bottom inset from 3 mm up (mm): ${insets.map(([k, v]) => `${k} ${v.toFixed(2)}`).join('; ')}`);
    for (const [k, v] of insets) expect(v, k).toBeGreaterThan(1);
  });
});
