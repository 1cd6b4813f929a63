import { describe, expect, it } from 'vitest';
import type { FabricSpec } from '../engines/types.ts';
import { deltaE2000, hexToLab, meanLab } from './color.ts';
import { generateFabricTexture } from './index.ts';

const spec = (weave: FabricSpec['design']['weave'], pattern: FabricSpec['design']['pattern'], hex: string): FabricSpec => ({
  design: { weave, pattern, threadMm: 0.25 },
  hex,
});

describe('generateFabricTexture (stage 1)', () => {
  it('keeps the mean colour of solid cloth within ΔE2000 < 2 of the hex', () => {
    for (const hex of ['#0A1D3A', '#343434', '#C19A6B', '#6D0D2B', '#F2F0EB', '#111111']) {
      for (const weave of ['plain', 'twill'] as const) {
        for (const px of [1.2, 8]) {
          const tex = generateFabricTexture(spec(weave, 'solid', hex), px);
          expect(tex.rgb.length).toBe(tex.width * tex.height * 3);
          const de = deltaE2000(meanLab(tex.rgb, tex.width, tex.height), hexToLab(hex));
          expect(de, `${weave} ${hex} @${px}`).toBeLessThan(2);
        }
      }
    }
  });
  it('keeps the ground of a pinstripe on the hex', () => {
    const hex = '#0A1D3A';
    const tex = generateFabricTexture(spec('twill', 'pinstripe', hex), 8, { groundCoverage: true });
    const w = new Float32Array(tex.width * tex.height);
    for (let p = 0; p < w.length; p++) w[p] = tex.groundCoverage![p] > 0.999 ? 1 : 0;
    expect(deltaE2000(meanLab(tex.rgb, tex.width, tex.height, { weights: w }), hexToLab(hex))).toBeLessThan(2);
  });
});
