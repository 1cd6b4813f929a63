import { describe, expect, it } from 'vitest';
import { LINEAR_TO_SRGB8_LUT, LIN_LUT_SIZE } from '../../fabrics/color.ts';
import type { ViewLevel } from '../../templates/types.ts';
import { createComposeEngine } from './index.ts';
import { finishFor, renderCloth, type Finish } from './render.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import type { LinearTexture } from './texture.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

/** The render loop's formula written plainly: bilinear tap of the wrapped tile, shade, lustre, table, coverage. */
function reference(level: ViewLevel, tex: LinearTexture, f: Finish, out: Uint8Array): void {
  const W = tex.width + 1;
  for (let k = 0; k < level.pix.length; k++) {
    let x = level.u[k] * tex.sx;
    let y = level.v[k] * tex.sy;
    x -= Math.floor(x / tex.width) * tex.width;
    y -= Math.floor(y / tex.height) * tex.height;
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const o = level.pix[k] * 3;
    for (let c = 0; c < 3; c++) {
      const i = (y0 * W + x0) * 3 + c;
      const d = tex.data;
      const lin =
        (d[i] * (1 - fx) * (1 - fy) + d[i + 3] * fx * (1 - fy) + d[i + W * 3] * (1 - fx) * fy + d[i + W * 3 + 3] * fx * fy) * f.mul[level.shadeQ[k]] +
        f.add[level.shadeQ[k]];
      const code = LINEAR_TO_SRGB8_LUT[Math.min(LIN_LUT_SIZE, Math.round(lin * LIN_LUT_SIZE))];
      const t = level.cov[k] / 255;
      out[o + c] = t === 1 ? code : Math.round(out[o + c] + (code - out[o + c]) * t);
    }
  }
}

describe('the render loop', () => {
  it.each([
    ['navy pinstripe', { hex: '#1A2236', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } }],
    [
      'cream mohair (bright, lustrous: highlights past white)',
      { hex: '#F4EFE2', design: { weave: 'plain', pattern: 'solid', threadMm: 0.25, heather: 0.04, sheen: 1 } },
    ],
  ] as const)('draws exactly the plain formula: %s', async (_name, fabric) => {
    const cv = await engine.template('single-breasted', 'front');
    for (const level of [cv.levels.full, cv.levels.preview]) {
      const tex = engine.textureCache.get(fabric, level.pxPerMm);
      const f = finishFor(fabric.design, level.shadeHist);
      const got = level.base.slice();
      renderCloth(level, tex, f, got);
      const want = level.base.slice();
      reference(level, tex, f, want);
      let off = 0;
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs(got[i] - want[i]);
        if (d) off++;
        worst = Math.max(worst, d);
      }
      // Floating-point association may move a value across a table step on a rare pixel; never more.
      expect(worst).toBeLessThanOrEqual(1);
      expect(off / got.length).toBeLessThan(1e-3);
      expect(got).not.toEqual(level.base);
    }
  });
});
