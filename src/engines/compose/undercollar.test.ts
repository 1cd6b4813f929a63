/**
 * A tailor's eye on the back of the neck, seen through the coat's neck opening from the front: that
 * is the inside of the collar's stand, the undercollar, which a tailor cuts from melton (a fulled,
 * plain felt dyed to the cloth) and never from the suit's cloth. Up to compose-10 it was drawn in
 * the cloth itself: a glen check's bars or a pinstripe's stripes ran round the inside of the neck.
 */
import { describe, expect, it } from 'vitest';
import { deltaE2000, linearToLab, SRGB8_TO_LINEAR } from '../../fabrics/index.ts';
import { resolveOptions } from '../../templates/options.ts';
import type { FabricSpec } from '../types.ts';
import { createComposeEngine, type ShadingMaps } from './index.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';

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
  const lum = (c: number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
  const m = lum(mean);
  const spread = Math.sqrt(px.reduce((s, c) => s + (lum(c) - m) ** 2, 0) / px.length) / m;
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
