import { describe, expect, it } from 'vitest';
import { fft1, fft2, fftContiguous, powerSpectrumReal } from './fft.ts';
import { mulberry32 } from './random.ts';

describe('real 2-D power spectrum', () => {
  it.each([8, 64, 256])('matches the complex 2-D FFT of the same real %i² image, bin for bin', (n) => {
    const rnd = mulberry32(n);
    const img = new Float64Array(n * n);
    // Noise plus a tilted grating, so the spectrum has a peak off the axes and is not symmetric in fx alone.
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = rnd() - 0.5 + Math.cos((2 * Math.PI * (3 * x + 5 * y)) / n);
    const re = Float64Array.from(img),
      im = new Float64Array(n * n);
    fft2(re, im, n);
    const out = new Float64Array(n * n);
    powerSpectrumReal(img, n, out);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(Math.log(out[i]) - Math.log(1e-9 + re[i] * re[i] + im[i] * im[i])));
    expect(worst).toBeLessThan(1e-9);
    expect(Math.log(out[5 * n + 3])).toBeGreaterThan(Math.log(out[5 * n + 4]) + 5);
  });
});

describe('contiguous FFT (two stages a pass)', () => {
  it.each([2, 4, 8, 32, 256, 512])('matches the radix-2 FFT for n = %i', (n) => {
    const rnd = mulberry32(100 + n);
    const re = Float64Array.from({ length: n }, () => rnd() - 0.5),
      im = Float64Array.from({ length: n }, () => rnd() - 0.5);
    const re2 = Float64Array.from(re),
      im2 = Float64Array.from(im);
    fft1(re, im, 0, 1, n);
    fftContiguous(re2, im2, 0, n);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(re[i] - re2[i]), Math.abs(im[i] - im2[i]));
    expect(worst).toBeLessThan(1e-12 * n);
  });
});
