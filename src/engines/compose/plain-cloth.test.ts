/**
 * What a tailor makes of something other than the suit's cloth, dyed to it:
 * - the back of the neck, seen through the coat's neck opening from the front, is the inside of the
 *   collar's stand, the undercollar, cut from melton (a fulled, plain felt). Up to compose-10 it was
 *   drawn in the cloth itself: a glen check's bars or a pinstripe's stripes ran round the inside of
 *   the neck;
 * - buttons "matching the cloth" are corozo or horn dyed to its colour. Up to compose-11 they were
 *   drawn as the cloth itself: a pinstripe ran across each button as across a covered one.
 */
import { describe, expect, it } from 'vitest';
import { deltaE2000, linearToLab, luminance, SRGB8_TO_LINEAR } from '../../fabrics/index.ts';
import { resolveOptions } from '../../templates/options.ts';
import type { FabricSpec } from '../types.ts';
import { createComposeEngine, type ShadingMaps } from './index.ts';
import { linearLumAt, TEST_TEMPLATE_CACHE } from './test-helpers.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

const CLOTHS: Record<string, FabricSpec> = {
  'glen check': { hex: '#9A9282', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.22, repeatMm: 60 } },
  pinstripe: { hex: '#2B3550', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, sheen: 0.2 } },
};

/**
 * The cloth's own colour (shading taken out, linear light) over a panel's fully covered pixels clear
 * of thread and buttons: its mean and the spread of its luminance about that mean (as a fraction).
 */
function deshaded(raw: { rgb: Uint8Array }, maps: ShadingMaps, panel: number): { mean: [number, number, number]; spread: number; n: number } {
  const px: Array<[number, number, number]> = [];
  for (let i = 0; i < maps.coverage.length; i++) {
    if (maps.panel[i] !== panel || maps.coverage[i] !== 255 || maps.overlay[i] || maps.mul[i] < 0.05) continue;
    const c = [0, 1, 2].map((j) => (SRGB8_TO_LINEAR[raw.rgb[i * 3 + j]!]! - maps.add[i]!) / maps.mul[i]!);
    px.push(c as [number, number, number]);
  }
  const mean = [0, 1, 2].map((j) => px.reduce((s, c) => s + c[j]!, 0) / px.length) as [number, number, number];
  const m = luminance(mean);
  const spread = Math.sqrt(px.reduce((s, c) => s + (luminance(c) - m) ** 2, 0) / px.length) / m;
  return { mean, spread, n: px.length };
}

describe('the undercollar seen inside the back of the neck', () => {
  for (const cut of ['single-breasted', 'double-breasted', 'three-piece'] as const)
    for (const view of ['front', 'three-quarter'] as const)
      for (const [name, fabric] of Object.entries(CLOTHS))
        it(`${cut}, ${view}, ${name}: plain melton in the cloth's colour; the coat round it stays patterned`, async () => {
          const options = resolveOptions(cut, {});
          const cv = await engine.template(cut, view, options);
          const inside = cv.panels.findIndex((p) => p.id === 'collar-back');
          const forepart = cv.panels.findIndex((p) => p.id === 'forepart-right');
          expect(inside).toBeGreaterThanOrEqual(0);
          const raw = await engine.renderRaw({ cut, view, fabric, options }, 'hd');
          const maps = await engine.shadingMaps(cut, view, fabric, 'hd', options);
          const neck = deshaded(raw, maps, inside);
          const coat = deshaded(raw, maps, forepart);
          expect(neck.n).toBeGreaterThan(2000);
          // The cloth's bars and stripes stand 10-50 % off its mean; melton, a felt, only by the
          // rounding of dark colours to 8 bits (1-3 % in navy) under the cloth's own shading.
          expect(coat.spread).toBeGreaterThan(0.08);
          expect(neck.spread).toBeLessThan(Math.min(0.05, coat.spread / 4));
          // Dyed to the cloth: within a just-noticeable difference of the cloth's mean colour.
          const cloth = engine.textureCache.get(fabric, maps.width > 1024 ? cv.levels.full.pxPerMm * 2 : cv.levels.full.pxPerMm).mean;
          expect(deltaE2000(linearToLab(neck.mean), linearToLab(cloth))).toBeLessThan(1);
        });
});

describe('buttons matching the cloth', () => {
  it.each(['single-breasted', 'double-breasted'] as const)('%s: dyed to the cloth, no stripe across them', async (cut) => {
    // The same pinstripe at two spacings: on the cloth the stripes move; on a plain button only the
    // cloth's mean colour, a hair apart between the two, changes, evenly over its face.
    const options = resolveOptions(cut, { buttons: 'matching' });
    const cv = await engine.template(cut, 'front', options);
    const buttons = new Set(cv.panels.flatMap((p, i) => (p.kind === 'button' ? [i] : [])));
    const forepart = cv.panels.findIndex((p) => p.id === 'forepart-left');
    expect(buttons.size).toBeGreaterThan(0);
    const stripe = (repeatMm: number): FabricSpec => ({
      hex: '#2B3550',
      design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm, sheen: 0.2 },
    });
    const [a, b] = await Promise.all([10, 13].map((r) => engine.renderRaw({ cut, view: 'front', fabric: stripe(r), options }, 'hd')));
    const maps = await engine.shadingMaps(cut, 'front', stripe(10), 'hd', options);
    // The spread of the two renders' ratio (linear luminance) over pixels of panels `on` 2 px or more
    // inside them (a button's rim blends with the cloth beneath).
    const W = maps.width;
    const spread = (on: (panel: number) => boolean) => {
      const r: number[] = [];
      const inside = (i: number) => maps.coverage[i] === 255 && on(maps.panel[i]!);
      for (let i = 2 * W; i < maps.coverage.length - 2 * W; i++) {
        if (![0, -2, 2, -2 * W, 2 * W].every((d) => inside(i + d))) continue;
        const [x, y] = [i % W, Math.floor(i / W)];
        r.push(linearLumAt(a, x, y) / Math.max(1e-4, linearLumAt(b, x, y)));
      }
      const m = r.reduce((s, x) => s + x, 0) / r.length;
      return { n: r.length, spread: Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length) / m };
    };
    const face = spread((p) => buttons.has(p));
    const cloth = spread((p) => p === forepart);
    expect(face.n).toBeGreaterThan(500);
    expect(cloth.spread).toBeGreaterThan(0.2);
    expect(face.spread).toBeLessThan(Math.min(0.05, cloth.spread / 5));
  });
});
