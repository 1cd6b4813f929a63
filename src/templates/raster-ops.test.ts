import { describe, expect, it } from 'vitest';
import { blur, boxRadius } from './raster-ops.ts';

/** Three box passes the plain way: every output pixel sums its clamped window. */
function reference(src: Float32Array, w: number, h: number, sigma: number, sigmaY: number, rect = { x0: 0, y0: 0, x1: w, y1: h }): Float32Array {
  const r = boxRadius(sigma);
  const ry = boxRadius(sigmaY);
  let a = new Float32Array(src);
  for (let pass = 0; pass < 3; pass++) {
    const tmp = new Float32Array(a);
    for (let y = rect.y0; y < rect.y1; y++)
      for (let x = rect.x0; x < rect.x1; x++) {
        let s = 0;
        for (let k = -r; k <= r; k++) s += a[y * w + Math.min(rect.x1 - 1, Math.max(rect.x0, x + k))];
        tmp[y * w + x] = s / (2 * r + 1);
      }
    const out = new Float32Array(tmp);
    for (let y = rect.y0; y < rect.y1; y++)
      for (let x = rect.x0; x < rect.x1; x++) {
        let s = 0;
        for (let k = -ry; k <= ry; k++) s += tmp[Math.min(rect.y1 - 1, Math.max(rect.y0, y + k)) * w + x];
        out[y * w + x] = s / (2 * ry + 1);
      }
    a = out;
  }
  return a;
}

function noise(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s >>> 8) / 2 ** 24 + (i % 97 < 20 ? 3 : 0);
  }
  return a;
}

describe('blur (three box passes with running sums)', () => {
  const w = 83;
  const h = 61;
  const src = noise(w * h, 7);
  it.each([
    [1.2, 1.2],
    [6, 6],
    [0.3, 4],
    [3, 0.2],
    [25, 25],
  ])('equals the plain windowed sums (σ %f × %f)', (sx, sy) => {
    const got = blur(src, w, h, sx, undefined, sy);
    const want = reference(src, w, h, sx, sy);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-4);
    if (sx > 0.3 || sy > 0.3) expect(got).not.toEqual(src);
  });

  it('restricted to a rectangle, blurs inside it and copies the rest', () => {
    const rect = { x0: 10, y0: 5, x1: 60, y1: 40 };
    const got = blur(src, w, h, 2.5, rect, 1.5);
    const want = reference(src, w, h, 2.5, 1.5, rect);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-4);
    expect(got[0]).toBe(src[0]);
    expect(got[h * w - 1]).toBe(src[h * w - 1]);
  });
});
