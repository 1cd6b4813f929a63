/**
 * A striped sleeve or trouser leg as a photograph shows it: the stripes lie on the cloth, which turns
 * away toward the tube's sides, so seen from in front they crowd together there; across the crest they
 * keep the cloth's own spacing. Up to template b146 a sleeve's or leg's stripes ran at one spacing from
 * edge to edge, the pattern laid flat over the picture like wallpaper.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { linearLumAt, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import type { FabricSpec } from '../engines/types.ts';
import { frontProjection } from './geometry.ts';
import { resolveOptions } from './options.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const REPEAT_MM = 6;
const pinstripe: FabricSpec = { hex: '#2B3550', design: { weave: 'plain', pattern: 'pinstripe', threadMm: 0.3, repeatMm: REPEAT_MM } };

/** The stripes' centres (px) along one row of a panel's fully covered pixels: local peaks of the light standing clear of their neighbourhood. */
function stripeCentres(
  raw: { width: number; rgb: Uint8Array },
  maps: { panel: Uint8Array; coverage: Uint8Array; mul: Float32Array },
  panel: number,
  y: number,
) {
  const W = raw.width;
  const xs: number[] = [];
  for (let x = 0; x < W; x++) if (maps.panel[y * W + x] === panel && maps.coverage[y * W + x] === 255) xs.push(x);
  const [x0, x1] = [xs[0]!, xs[xs.length - 1]!];
  // The light taken out: a stripe in the shade beside an edge stands as clear of its ground as one on the crest.
  const lum = (x: number) => linearLumAt(raw, x, y) / Math.max(0.05, maps.mul[y * W + x]!);
  const peaks: number[] = [];
  for (let x = x0 + 2; x <= x1 - 2; x++) {
    const l = lum(x);
    if (l <= lum(x - 1) || l < lum(x + 1)) continue;
    let floor = Number.POSITIVE_INFINITY;
    for (let k = Math.max(x0, x - 8); k <= Math.min(x1, x + 8); k++) floor = Math.min(floor, lum(k));
    if (l > 1.3 * floor) peaks.push(x);
  }
  return { x0, x1, peaks };
}

describe('stripes on a sleeve or a trouser leg', () => {
  it.each([
    ['single-breasted', 'sleeve-right', [1150, 1050, 950]],
    ['double-breasted', 'sleeve-left', [1150, 1050, 950]],
    ['single-breasted', 'trouser-left', [600, 450, 300]],
    ['three-piece', 'trouser-right', [600, 450, 300]],
  ] as const)('%s, %s: crowd toward its sides and keep their spacing over its crest (front, HD)', async (cut, id, heights) => {
    const options = resolveOptions(cut, {});
    const [raw, maps, cv] = await Promise.all([
      engine.renderRaw({ cut, view: 'front', fabric: pinstripe, options }, 'hd'),
      engine.shadingMaps(cut, 'front', pinstripe, 'hd', options),
      engine.template(cut, 'front', options),
    ]);
    const panel = cv.panels.findIndex((p) => p.id === id);
    expect(panel).toBeGreaterThanOrEqual(0);
    const period = REPEAT_MM * cv.panels[panel]!.pxPerMm * 2;
    const p = frontProjection();
    for (const h of heights) {
      const y = Math.round(p.project(0, h)[1] * 2);
      const { x0, x1, peaks } = stripeCentres(raw, maps, panel, y);
      const half = (x1 - x0) / 2;
      const mid = (x0 + x1) / 2;
      const gaps = peaks.slice(1).map((x, i) => ({ at: Math.abs((x + peaks[i]!) / 2 - mid) / half, gap: x - peaks[i]! }));
      const mean = (g: typeof gaps) => g.reduce((s, e) => s + e.gap, 0) / g.length;
      const crest = gaps.filter((g) => g.at < 0.35);
      const sides = gaps.filter((g) => g.at > 0.8);
      console.log(
        `${cut} ${id} at ${h} mm: spacing ${mean(crest).toFixed(1)} px over the crest, ${mean(sides).toFixed(1)} px at the sides (the cloth's ${period.toFixed(1)})`,
      );
      expect(crest.length).toBeGreaterThan(2);
      expect(sides.length).toBeGreaterThan(1);
      // The pattern's scale is the cloth's where the tube faces the camera (within 3 %, as on every
      // panel), and falls to under three quarters of it by the sides.
      expect(Math.abs(mean(crest) / period - 1)).toBeLessThan(0.03);
      expect(mean(sides) / mean(crest)).toBeLessThan(0.75);
    }
  });
});
