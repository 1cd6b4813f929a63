import { describe, expect, it } from 'vitest';
import { fft2, powerSpectrumReal } from './fft.ts';
import { mulberry32 } from './random.ts';

describe('real 2-D power spectrum', () => {
  it.each([8, 64, 256])('matches the complex 2-D FFT of the same real %i² image, bin for bin', (n) => {
    const rnd = mulberry32(n);
    const img = new Float64Array(n * n);
    // Noise plus a tilted grating, so the spectrum has a peak off the axes and is not symmetric in fx alone.
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = rnd() - 0.5 + Math.cos((2 * Math.PI * (3 * x + 5 * y)) / n);
    const re = Float64Array.from(img), im = new Float64Array(n * n);
    fft2(re, im, n);
    const out = new Float64Array(n * n);
    powerSpectrumReal(img, n, out);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(Math.log(out[i]) - Math.log(1e-9 + re[i] * re[i] + im[i] * im[i])));
    expect(worst).toBeLessThan(1e-9);
    expect(Math.log(out[5 * n + 3])).toBeGreaterThan(Math.log(out[5 * n + 4]) + 5);
  });
});
