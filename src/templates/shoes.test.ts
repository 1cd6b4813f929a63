/**
 * The shoes as a tailor judges them beside the cloth: polished Oxfords, not flat black shapes. Rendered
 * through the compose engine in black and in brown, every view: the shoes are where the two renders
 * differ (and nowhere else), their most common colour is the chosen one, a lit highlight stands well
 * above it, and from the front the pair mirror each other.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine, type RawImage } from '../engines/compose/index.ts';
import { modeLab, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { deltaE2000, hexToLab, linearToLab, srgbToLinear } from '../fabrics/color.ts';
import { frontProjection, type Projection, turnedProjection } from './geometry.ts';
import { resolveOptions } from './options.ts';
import { SHOE_COLOUR, SHOE_CX } from './suits.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const fabric = { hex: '#1C2841', design: { weave: 'twill' as const, pattern: 'solid' as const, threadMm: 0.22 } };
const VIEWS: Array<[string, Projection]> = [
  ['front', frontProjection()],
  ['three-quarter', turnedProjection(34)],
  ['back', frontProjection()],
];

async function render(view: string, shoes: 'black' | 'brown'): Promise<RawImage> {
  return engine.renderRaw({ cut: 'single-breasted', view, fabric, options: resolveOptions('single-breasted', { shoes }) }, 'full');
}

function lab(raw: RawImage, i: number): number[] {
  return linearToLab([srgbToLinear(raw.rgb[i * 3]! / 255), srgbToLinear(raw.rgb[i * 3 + 1]! / 255), srgbToLinear(raw.rgb[i * 3 + 2]! / 255)]);
}

/** Pixels where two renders differ visibly. */
function differing(a: RawImage, b: RawImage): Uint8Array {
  const m = new Uint8Array(a.width * a.height);
  for (let i = 0; i < m.length; i++) {
    const d = Math.abs(a.rgb[i * 3]! - b.rgb[i * 3]!) + Math.abs(a.rgb[i * 3 + 1]! - b.rgb[i * 3 + 1]!) + Math.abs(a.rgb[i * 3 + 2]! - b.rgb[i * 3 + 2]!);
    m[i] = d > 12 ? 1 : 0;
  }
  return m;
}

/** Image box (px) around one shoe (s = 1 the image-left one): body mm, generous, projected. */
function shoeBox(proj: Projection, s: number): { x0: number; x1: number; y0: number; y1: number } {
  const xs = [-SHOE_CX - 75, -SHOE_CX + 90].map((x) => proj.project(s * x, 0)[0]);
  return { x0: Math.floor(Math.min(...xs)), x1: Math.ceil(Math.max(...xs)), y0: Math.floor(proj.project(0, 80)[1]), y1: Math.ceil(proj.project(0, -8)[1]) };
}

describe('shoes: polished Oxfords in the chosen colour', () => {
  it.each(VIEWS)('%s: the shoes option changes the shoes alone; each is its colour with a lit shine', async (view, proj) => {
    const black = await render(view, 'black');
    const brown = await render(view, 'brown');
    const diff = differing(black, brown);
    const W = black.width;
    const boxes = [1, -1].map((s) => shoeBox(proj, s));
    const inBox = (x: number, y: number) => boxes.some((b) => x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1);
    let outside = 0;
    for (let i = 0; i < diff.length; i++) if (diff[i] && !inBox(i % W, Math.floor(i / W))) outside++;
    expect(outside, 'pixels changed away from the shoes').toBe(0);

    for (const [shoes, raw] of [
      ['black', black],
      ['brown', brown],
    ] as const) {
      const want = hexToLab(SHOE_COLOUR[shoes]);
      // The leather of the upper: above the sole (from behind, above the heel).
      const top = Math.ceil(proj.project(0, view === 'back' ? 26 : 8)[1]);
      for (const b of boxes) {
        const labs: number[][] = [];
        for (let y = b.y0; y < Math.min(b.y1, top); y++) for (let x = b.x0; x < b.x1; x++) if (diff[y * W + x]) labs.push(lab(raw, y * W + x));
        // A shoe, not a speck: at full size a shoe below the hem covers over a thousand pixels.
        expect(labs.length, `${view} ${shoes} shoe pixels`).toBeGreaterThan(view === 'back' ? 300 : 1000);
        const base = modeLab(labs);
        expect(deltaE2000(base, want), `${view} ${shoes} base ${base.map((v) => v.toFixed(1))}`).toBeLessThan(3);
        // The shine: the lightest percent of the shoe stands far above its base, and it is light laid
        // over the leather: on brown shoes it keeps the leather's warm hue (b* > a* > 0), not grey paint.
        labs.sort((p, q) => p[0]! - q[0]!);
        const lit = labs[Math.floor(labs.length * 0.99)]!;
        expect(lit[0]! - base[0]!, `${view} ${shoes} highlight L ${lit[0]!.toFixed(1)} over base ${base[0]!.toFixed(1)}`).toBeGreaterThan(15);
        if (shoes === 'brown') expect(lit[2]!, `${view} brown highlight stays warm`).toBeGreaterThan(3);
      }
    }
  });

  it('front: the pair mirror each other about the centre', async () => {
    const proj = frontProjection();
    const black = await render('front', 'black');
    const brown = await render('front', 'brown');
    const diff = differing(black, brown);
    const W = black.width;
    const [cx] = proj.project(0, 0);
    const b = shoeBox(proj, 1);
    let both = 0;
    let either = 0;
    for (let y = b.y0; y < b.y1; y++)
      for (let x = b.x0; x < b.x1; x++) {
        const mx = Math.round(2 * cx - x - 1);
        const l = diff[y * W + x]!;
        const r = diff[y * W + mx]!;
        both += l & r;
        either += l | r;
      }
    expect(either).toBeGreaterThan(1000);
    expect(both / either, 'silhouette overlap, left shoe mirrored onto the right').toBeGreaterThan(0.95);
  });
});
