/**
 * The WebAssembly resampling (wasm/resample.wat) against the JavaScript loop it replaces: on a phone
 * photo of cloth, both must read the same plane, cut the same cloth and give the same pixels within
 * one step of rounding — whichever runs, the stored cloth is the same.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCEPTANCE_CASES } from './acceptance.ts';
import { analyzeClothPhoto } from './analyze.ts';
import { photographCloth } from './synthetic.ts';
import { generateFabricTexture } from '../texture.ts';
import { disableResampleKernel, loadResampleKernel } from './wasm/resample.ts';

afterEach(() => disableResampleKernel(false));

async function photo(caseIndex: number, width: number, height: number) {
  const c = ACCEPTANCE_CASES[caseIndex];
  const shot = await photographCloth(generateFabricTexture(c.spec, 20), {
    ...c.shot,
    width,
    height,
    mmPerPx: 0.1,
    noise: 2.5,
    jpegQuality: 85,
    seed: 5,
    intruders: c.intruders(0.1),
  });
  const { data, info } = await sharp(shot.jpeg).raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

describe('cloth photo resampling: WebAssembly and JavaScript agree', () => {
  // 3 MP photos; capped at 512 px the chalk stripe shrinks ~3× as a 12 MP photo does at 1024.
  it.each([
    ['glen check (prefiltered 2×)', 0, 1024],
    ['chalk stripe (prefiltered 3×)', 1, 512],
  ] as const)(
    '%s',
    async (_name, caseIndex, maxSide) => {
      expect(await loadResampleKernel(), 'the module must assemble here (SIMD), or this compares the JavaScript with itself').toBe(true);
      const p = await photo(caseIndex, 2000, 1500);
      disableResampleKernel(true);
      const js = analyzeClothPhoto(p.rgb, p.width, p.height, { maxSide });
      disableResampleKernel(false);
      const wasm = analyzeClothPhoto(p.rgb, p.width, p.height, { maxSide });
      // A second run in the same thread reuses the module's memory: what the first left there must not show.
      const again = analyzeClothPhoto(p.rgb, p.width, p.height, { maxSide });

      expect(wasm.box).toEqual(js.box);
      expect(wasm.mmPerPx).toBeCloseTo(js.mmPerPx, 9);
      expect([wasm.rectified.width, wasm.rectified.height]).toEqual([js.rectified.width, js.rectified.height]);
      expect(wasm.rotationDeg).toBeCloseTo(js.rotationDeg, 2);
      expect(wasm.repeatMm.x).toBeCloseTo(js.repeatMm.x, 1);
      expect(wasm.repeatMm.y).toBeCloseTo(js.repeatMm.y, 1);
      let differ = 0,
        most = 0;
      for (let i = 0; i < js.rectified.rgb.length; i++) {
        const d = Math.abs(js.rectified.rgb[i] - wasm.rectified.rgb[i]);
        if (d) differ++;
        most = Math.max(most, d);
      }
      expect(most, 'largest difference of a byte').toBeLessThanOrEqual(1);
      expect(differ / js.rectified.rgb.length, 'share of bytes that differ').toBeLessThan(0.001);
      expect(Buffer.compare(Buffer.from(again.rectified.rgb), Buffer.from(wasm.rectified.rgb))).toBe(0);
    },
    120_000,
  );
});
