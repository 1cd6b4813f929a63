import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blackWithAlphaPng, TOOTH_TILE_PX, toothAlpha, toothTileUri } from './trim-tooth.ts';

describe("a trim's tooth tile", () => {
  const n = TOOTH_TILE_PX;
  const a = toothAlpha(7);

  it('repeats without a seam: the step across the wrap is no larger than the steps inside the tile', () => {
    const mean = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i)).reduce((s, v) => s + v, 0) / n;
    const at = (x: number, y: number) => a[y * n + x]!;
    // Between the last column and the first, and the last row and the first, as the pattern lays them side by side.
    const wrapX = mean((y) => Math.abs(at(n - 1, y) - at(0, y)));
    const wrapY = mean((x) => Math.abs(at(x, n - 1) - at(x, 0)));
    const inside = mean((y) => Math.abs(at(n / 2, y) - at(n / 2 - 1, y)));
    console.log(`tooth tile: step across the wrap ${wrapX.toFixed(1)} / ${wrapY.toFixed(1)}, inside ${inside.toFixed(1)}`);
    expect(wrapX).toBeLessThan(inside * 1.6);
    expect(wrapY).toBeLessThan(inside * 1.6);
    expect(inside).toBeGreaterThan(3);
  });

  it('leaves about half the cloth its lit colour and shades the rest, some of it fully', () => {
    const clear = a.filter((v) => v === 0).length / a.length;
    expect(clear).toBeGreaterThan(0.4);
    expect(clear).toBeLessThan(0.65);
    expect(Math.max(...a)).toBe(255);
  });

  it('is the same tile every time (drawings are cached by their text) and another seed makes another', () => {
    expect(toothAlpha(7)).toEqual(a);
    expect(toothTileUri()).toBe(toothTileUri());
    const other = toothAlpha(8);
    expect(other.filter((v, i) => v !== a[i]).length).toBeGreaterThan(a.length / 2);
  });

  it('is a PNG that decodes to black at the tile’s alpha', async () => {
    const { data, info } = await sharp(blackWithAlphaPng(a, n)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([n, n, 4]);
    for (let i = 0; i < n * n; i++) {
      expect(data[i * 4]).toBe(0);
      expect(data[i * 4 + 3]).toBe(a[i]);
    }
  });
});
