/**
 * The first preview after a style option change is drafted from the view's last preview: the fields
 * (coverage, height, blurs, cast shadows, shading, fold warp) are recomputed only within reach of the
 * pieces the option changed, and the rest of the level is kept. It must be the preview a draft from
 * nothing gives, pixel by pixel, for every kind of option (shape, pockets, trims, a panel added).
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import type { FabricSpec } from '../engines/types.ts';
import { quickPreviewLevels, setDraftMemoBytes } from './build.ts';
import { cutViewSource, primeQuickDrafts, resolveOptions, type StyleOptions } from './index.ts';
import type { CutView, ViewLevel } from './types.ts';

const DEFAULT_BYTES = 64 * 1024 * 1024;
// A pinstripe: its stripes show any error in the texture coordinates, its folds any in the shading.
const fabric: FabricSpec = { hex: '#2B3550', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } };

/** One option changed from the cut's preset, per kind of change (a few of each keep the file quick). */
const CHANGES: Array<{ cut: string; view: string; change: Partial<StyleOptions> }> = [
  { cut: 'single-breasted', view: 'front', change: { lapel: 'peak' } },
  { cut: 'single-breasted', view: 'front', change: { ticketPocket: 'yes' } },
  { cut: 'single-breasted', view: 'front', change: { breastPocket: 'no' } },
  { cut: 'single-breasted', view: 'front', change: { trouserHem: 'turnups' } },
  { cut: 'single-breasted', view: 'front', change: { tie: 'forest' } },
  { cut: 'single-breasted', view: 'front', change: { fastening: 'sb3' } },
  // Several options at once, one adding a panel (the panels after it shift their indices).
  { cut: 'single-breasted', view: 'front', change: { pockets: 'jetted', ticketPocket: 'yes' } },
  { cut: 'double-breasted', view: 'three-quarter', change: { lapelWidth: 'slim' } },
  { cut: 'double-breasted', view: 'three-quarter', change: { pockets: 'patch' } },
  { cut: 'double-breasted', view: 'three-quarter', change: { buttons: 'matching' } },
  { cut: 'double-breasted', view: 'three-quarter', change: { shoes: 'brown' } },
  // The near cuff, a group with its own definitions in the overlay: redrawn on a crop around it.
  { cut: 'double-breasted', view: 'three-quarter', change: { shirt: 'light-blue' } },
];

function render(engine: ReturnType<typeof createComposeEngine>, cut: string, view: string, level: ViewLevel) {
  const template = { cut, view, version: 'test', width: 1024, height: 1536, pxPerMm: 0.9, panels: [], levels: { preview: level } } as unknown as CutView;
  return engine.renderRaw({ cut, view, fabric, template }, 'preview');
}

describe('first preview after an option change, drafted from the last preview', () => {
  it('is the preview drafted from nothing, pixel by pixel', async () => {
    const engine = createComposeEngine();
    // From nothing: no pieces kept, no earlier draft to start from.
    setDraftMemoBytes(0);
    const scratch: ViewLevel[] = [];
    for (const { cut, view, change } of CHANGES)
      scratch.push((await quickPreviewLevels(cutViewSource(cut, view, resolveOptions(cut, change)), ['preview'])).preview!);
    setDraftMemoBytes(DEFAULT_BYTES);
    try {
      await primeQuickDrafts([
        { cut: 'single-breasted', view: 'front' },
        { cut: 'double-breasted', view: 'three-quarter' },
      ]);
      for (const [k, { cut, view, change }] of CHANGES.entries()) {
        const name = `${cut}/${view} ${JSON.stringify(change)}`;
        const quick = (await quickPreviewLevels(cutViewSource(cut, view, resolveOptions(cut, change)), ['preview'])).preview!;
        // Back to the preset, as the next tap starts from it (and drafts from this one).
        await quickPreviewLevels(cutViewSource(cut, view), ['preview']);
        const ref = scratch[k];
        // The cloth's pixels, panels and coverage exactly; shading within one step of its 1/1024
        // quantisation and texture coordinates within 1/1000 texel: the blurs' running sums start at
        // the window's edge instead of the frame's, which may change a float's last bits.
        expect(
          Buffer.compare(
            Buffer.from(quick.pix.buffer, quick.pix.byteOffset, quick.pix.byteLength),
            Buffer.from(ref.pix.buffer, ref.pix.byteOffset, ref.pix.byteLength),
          ),
          name,
        ).toBe(0);
        expect(Buffer.compare(quick.cov, ref.cov), name).toBe(0);
        expect(Buffer.compare(quick.panel, ref.panel), name).toBe(0);
        // The surroundings (shirt, tie, shoes, buttons) are redrawn on a canvas cropped to what changed:
        // librsvg rounds a gradient in its element's box units by a level differently there, and
        // where two such overlap (the floor's shadow on the backdrop) the two levels can add up.
        let base = 0;
        for (let i = 0; i < ref.base.length; i++) base = Math.max(base, Math.abs(quick.base[i] - ref.base[i]));
        expect(base, name).toBeLessThanOrEqual(2);
        let shade = 0;
        let uv = 0;
        for (let i = 0; i < ref.pix.length; i++) {
          shade = Math.max(shade, Math.abs(quick.shadeQ[i] - ref.shadeQ[i]));
          uv = Math.max(uv, Math.abs(quick.u[i] - ref.u[i]), Math.abs(quick.v[i] - ref.v[i]));
        }
        expect(shade, name).toBeLessThanOrEqual(1);
        expect(uv, name).toBeLessThan(1e-3);
        // Rendered: every channel of every pixel within 3 of 255 (a shading step is 0.1 % of light; a
        // button's overlay redrawn on a cropped canvas differs by up to 2 in a few pixels).
        const a = await render(engine, cut, view, quick);
        const b = await render(engine, cut, view, ref);
        let worst = 0;
        for (let i = 0; i < a.rgb.length; i++) worst = Math.max(worst, Math.abs(a.rgb[i] - b.rgb[i]));
        expect(worst, name).toBeLessThanOrEqual(3);
      }
    } finally {
      setDraftMemoBytes(DEFAULT_BYTES);
    }
  }, 120_000);
});
