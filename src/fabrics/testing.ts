/**
 * Measurements used by the fabrics tests (and useful to anyone checking a texture): seam continuity,
 * row/column profiles, spectra. Plain functions over decoded pixels.
 */
import { SRGB8_TO_LINEAR } from './color.ts';

/** Linear-light luminance per pixel of interleaved 8-bit sRGB. */
export function lumaOf(rgb: ArrayLike<number>, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  const L = SRGB8_TO_LINEAR;
  for (let p = 0; p < w * h; p++) out[p] = 0.2126729 * L[rgb[p * 3]] + 0.7151522 * L[rgb[p * 3 + 1]] + 0.072175 * L[rgb[p * 3 + 2]];
  return out;
}

/**
 * Mean absolute luminance step between each column and the one before it (wrapping: entry 0 is the
 * step across the tile's seam, from the last column to the first). With axis 'y', rows.
 */
export function stepProfile(luma: Float64Array, w: number, h: number, axis: 'x' | 'y'): Float64Array {
  const n = axis === 'x' ? w : h;
  const out = new Float64Array(n);
  if (axis === 'x') {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x] += Math.abs(luma[y * w + x] - luma[y * w + ((x - 1 + w) % w)]);
    for (let x = 0; x < w; x++) out[x] /= h;
  } else {
    for (let y = 0; y < h; y++) {
      const yp = (y - 1 + h) % h;
      let s = 0;
      for (let x = 0; x < w; x++) s += Math.abs(luma[y * w + x] - luma[yp * w + x]);
      out[y] = s / w;
    }
  }
  return out;
}

export interface StepStats {
  n: number;
  mean: number;
  sd: number;
  max: number;
}

function stats(xs: number[]): StepStats {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { n, mean, sd, max: Math.max(...xs) };
}

/**
 * The step across the seam, with the interior steps to compare it with: all of them, and those at the
 * same phase of the cloth's structure (whole multiples of `periodPx` into the tile that land within
 * 0.05 px of a pixel boundary; null when fewer than 3 do).
 */
export function seamSteps(steps: Float64Array, periodPx: number): { seam: number; all: StepStats; samePhase: StepStats | null } {
  const n = steps.length;
  const matched: number[] = [];
  if (periodPx > 0) {
    for (let m = 1; m * periodPx < n - 0.5; m++) {
      const x = m * periodPx;
      if (Math.abs(x - Math.round(x)) < 0.05) matched.push(steps[Math.round(x)]);
    }
  }
  return { seam: steps[0], all: stats(Array.from(steps.subarray(1))), samePhase: matched.length >= 3 ? stats(matched) : null };
}

/** Mean over rows of each column (axis 'x') or over columns of each row (axis 'y'). */
export function meanProfile(luma: Float64Array, w: number, h: number, axis: 'x' | 'y'): Float64Array {
  const out = new Float64Array(axis === 'x' ? w : h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[axis === 'x' ? x : y] += luma[y * w + x];
  const k = axis === 'x' ? h : w;
  for (let i = 0; i < out.length; i++) out[i] /= k;
  return out;
}

/** Power of a periodic 1-D signal at integer frequency m (cycles per signal length). */
export function powerAt(signal: ArrayLike<number>, m: number): number {
  const n = signal.length;
  let re = 0,
    im = 0;
  for (let x = 0; x < n; x++) {
    const a = (2 * Math.PI * m * x) / n;
    re += signal[x] * Math.cos(a);
    im -= signal[x] * Math.sin(a);
  }
  return (re * re + im * im) / (n * n);
}

/** A periodic profile repeated `times` times (so non-circular correlation sees whole periods). */
export function repeatProfile(p: Float64Array, times: number): Float64Array {
  const out = new Float64Array(p.length * times);
  for (let t = 0; t < times; t++) out.set(p, t * p.length);
  return out;
}

/** The DFT of the n complex values at start, start + stride, … (in place; O(n²), for test-sized tiles). */
function dftInPlace(re: Float64Array, im: Float64Array, start: number, stride: number, n: number): void {
  const inRe = new Float64Array(n);
  const inIm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    inRe[i] = re[start + i * stride];
    inIm[i] = im[start + i * stride];
  }
  for (let k = 0; k < n; k++) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const angle = (-2 * Math.PI * ((k * i) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      a += inRe[i] * c - inIm[i] * s;
      b += inRe[i] * s + inIm[i] * c;
    }
    re[start + k * stride] = a;
    im[start + k * stride] = b;
  }
}

/**
 * How much of a periodic tile's variation runs along its axes: the mean power of its spectrum on the
 * axes (whole columns or whole rows brighter than others: a yarn that keeps one tone the tile's
 * length) over the mean power off them at the same radius, ring by ring, geometric mean over the
 * rings. About 1 for a mottle with no direction. `only` counts one axis: 'rows' (bars across the
 * tile) or 'columns' (streaks down it).
 */
export function axisPowerRatio(luma: Float64Array, w: number, h: number, only?: 'rows' | 'columns'): number {
  let mean = 0;
  for (const v of luma) mean += v;
  mean /= luma.length;
  // Separable DFT: along the rows (of the luma less its mean), then down the columns.
  const re = Float64Array.from(luma, (v) => v - mean);
  const im = new Float64Array(w * h);
  for (let y = 0; y < h; y++) dftInPlace(re, im, y * w, 1, w);
  for (let x = 0; x < w; x++) dftInPlace(re, im, x, w, h);
  const power = new Float64Array(w * h);
  for (let i = 0; i < power.length; i++) power[i] = re[i] * re[i] + im[i] * im[i];
  const side = Math.min(w, h);
  const K = Math.floor(side / 2);
  let logs = 0;
  let rings = 0;
  for (let r = 1; r <= K; r++) {
    let axis = 0;
    let onAxis = 0;
    let off = 0;
    let offAxis = 0;
    for (let l = -K; l <= K; l++)
      for (let k = -K; k <= K; k++) {
        const radius = Math.hypot((k / w) * side, (l / h) * side);
        if (radius < r - 0.5 || radius >= r + 0.5) continue;
        const p = power[((l + h) % h) * w + ((k + w) % w)];
        if (k === 0 || l === 0) {
          // Whole rows differing put their power at k = 0; whole columns, at l = 0.
          if ((only === 'rows' && k !== 0) || (only === 'columns' && l !== 0)) continue;
          axis += p;
          onAxis++;
        } else {
          off += p;
          offAxis++;
        }
      }
    if (onAxis && offAxis && axis > 0 && off > 0) {
      logs += Math.log(axis / onAxis / (off / offAxis));
      rings++;
    }
  }
  return Math.exp(logs / rings);
}
