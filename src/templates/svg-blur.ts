/**
 * librsvg's `feGaussianBlur`, worked in JS on one 8-bit plane: the same pixels as librsvg draws for a
 * white shape blurred over black, with the filter region covering the whole canvas.
 *
 * Why: a shade mark is a white path softened by its Gaussian. Drawn by librsvg, every blurred mark
 * costs filter passes on four-channel surfaces; below σ 2 px each is a generic convolution: a
 * 256 × 256 tile blurred at σ 1 px took librsvg 16–18 ms, the same tile unfiltered 1–1.5 ms. Here
 * the mark's coverage is drawn unfiltered and blurred as librsvg blurs it (a view's fields drafted
 * from nothing at preview size: 2.3–2.6 → 2.2 s of CPU, medians of six in two runs each):
 * - σ < 2: a kernel of radius ⌊3σ + ½⌋, each tap the mean of e^(−x²/2σ²) over 50 samples of its
 *   pixel (51 for the centre), normalised; horizontal then vertical, each pass rounded to a byte;
 * - σ ≥ 2: three box blurs of d = ⌊3σ·√(2π)/4 + ½⌋ (odd d: three of d; even d: d, d shifted by one,
 *   then d + 1), each rounded to a byte;
 * - outside the canvas is transparent (edge mode none).
 * A white shape's colour channels equal its alpha through librsvg's colour-space conversions, so the
 * alpha plane alone is the grey the tile reads. The test compares both, byte for byte, over σ and shapes.
 */

const MAXIMUM_KERNEL_SIZE = 500;

function gaussianKernel(sigma: number): Float64Array {
  const maximal = Math.floor(MAXIMUM_KERNEL_SIZE / 2) / 3;
  const radius = Math.min(Math.floor(Math.min(sigma, maximal) * 3 + 0.5), (MAXIMUM_KERNEL_SIZE - 1) >> 1);
  const diameter = radius * 2 + 1;
  const point = (x: number) => Math.exp(-(x ** 2) / (2 * sigma ** 2));
  const k = new Float64Array(diameter);
  const half = diameter >> 1;
  // Bottom half, mirrored; the centre from an odd number of samples, as librsvg computes them.
  for (let i = 0; i < half; i++) {
    const base = half + 1 - i - 0.5;
    let sum = 0;
    for (let j = 1; j <= 50; j++) sum += point(base + 0.02 * j);
    k[i] = sum / 50;
  }
  for (let i = 0; i < half; i++) k[half + 1 + i] = k[half - 1 - i];
  let c = 0;
  for (let j = 0; j <= 50; j++) c += point(-0.5 + 0.02 * j);
  k[half] = c / 51;
  let total = 0;
  for (let i = 0; i < diameter; i++) total += k[i];
  for (let i = 0; i < diameter; i++) k[i] /= total;
  return k;
}

/** One pass along rows (`step` 1, `lineStep` w) or columns (`step` w, `lineStep` 1), rounded to bytes. */
function convolveLines(src: Uint8Array, dst: Uint8Array, len: number, lines: number, step: number, lineStep: number, k: Float64Array): void {
  const r = k.length >> 1;
  for (let l = 0; l < lines; l++) {
    const o = l * lineStep;
    for (let j = 0; j < len; j++) {
      let a = 0;
      const lo = Math.max(0, j - r);
      const hi = Math.min(len - 1, j + r);
      // The kernel is symmetric: librsvg reads it mirrored, the same taps.
      for (let t = lo; t <= hi; t++) a += src[o + t * step] * k[t - j + r];
      dst[o + j * step] = Math.trunc(Math.min(255, Math.max(0, a)) + 0.5);
    }
  }
}

/** A box of `size` taps whose first is `target` before the pixel, zeros beyond the line, rounded to bytes. */
function boxLines(src: Uint8Array, dst: Uint8Array, len: number, lines: number, step: number, lineStep: number, size: number, target: number): void {
  const shift = size - target;
  for (let l = 0; l < lines; l++) {
    const o = l * lineStep;
    let sum = 0;
    for (let j = 0; j < Math.min(len, shift); j++) sum += src[o + j * step];
    dst[o] = Math.trunc(sum / size + 0.5);
    for (let j = 1; j < len; j++) {
      if (j >= target + 1) sum -= src[o + (j - target - 1) * step];
      if (j < len - shift + 1) sum += src[o + (j + shift - 1) * step];
      dst[o + j * step] = Math.trunc(sum / size + 0.5);
    }
  }
}

function threeBoxes(a: Uint8Array, b: Uint8Array, len: number, lines: number, step: number, lineStep: number, sigma: number): Uint8Array {
  const d = Math.min(Math.floor((sigma * 3 * Math.sqrt(2 * Math.PI)) / 4 + 0.5), MAXIMUM_KERNEL_SIZE);
  if (d === 0) return a;
  if (d % 2 === 1) {
    boxLines(a, b, len, lines, step, lineStep, d, d >> 1);
    boxLines(b, a, len, lines, step, lineStep, d, d >> 1);
    boxLines(a, b, len, lines, step, lineStep, d, d >> 1);
  } else {
    boxLines(a, b, len, lines, step, lineStep, d, d >> 1);
    boxLines(b, a, len, lines, step, lineStep, d, (d >> 1) - 1);
    boxLines(a, b, len, lines, step, lineStep, d + 1, (d + 1) >> 1);
  }
  return b;
}

/** `plane` (w×h bytes) blurred as librsvg's feGaussianBlur of standard deviation `sigma` device px. */
export function svgGaussianBlur(plane: Uint8Array, w: number, h: number, sigma: number): Uint8Array {
  if (!(sigma > 0) || !w || !h) return plane;
  let a = new Uint8Array(plane);
  let b = new Uint8Array(plane.length);
  // Horizontal, then vertical; each buffer swap follows where the pass wrote.
  if (sigma >= 2) {
    const out = threeBoxes(a, b, w, h, 1, w, sigma);
    if (out === b) [a, b] = [b, a];
    return threeBoxes(a, b, h, w, w, 1, sigma);
  }
  const kernel = gaussianKernel(sigma);
  convolveLines(a, b, w, h, 1, w, kernel);
  convolveLines(b, a, h, w, w, 1, kernel);
  return a;
}
