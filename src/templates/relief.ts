/**
 * The cloth's relief under the light: a woven wool is never a perfectly smooth sheet. Its yarns lie
 * a little unevenly, the press leaves it faintly cockled, and the fibres' nap catches the light in
 * patches a few millimetres across, drawn out a little along the warp. Seen at a photograph's scale
 * (about 1 px per mm) that is a fine, even mottle in the light over every garment; a render without
 * it lights each panel as a perfectly even gradient, which the eye reads as drawn.
 *
 * A pure function of the point in millimetres on the image plane, so a view's full and preview
 * builds (and a window redrawn around one changed piece) carry the same mottle at the same place on
 * the cloth; HD, interpolated from the full build, trades its mottle for its own (levels.ts,
 * hdLevel). Octaves finer than a build's pixels are averaged away, as a camera's pixels would.
 */
import { PX_PER_MM } from './geometry.ts';

/** Octaves of the mottle: wavelength across (mm), stretch along the warp, weight. */
const OCTAVES: ReadonlyArray<readonly [number, number, number]> = [
  [0.8, 1.8, 1],
  [1.6, 1.6, 0.45],
  [3.2, 1.4, 0.38],
  [7, 1.2, 0.22],
];

/**
 * The mottle's standard deviation as a share of the light, every octave kept. In the shading the
 * reference photo template gives a cloth, a pixel differs from its 3×3 neighbourhood by 2.4 % of the
 * light (a robust deviation over the flat cloth: see cloth-relief.test.ts), some of it the JPEG's
 * and the camera's own noise, and the mean over a 4 mm square from the mean over the 12 mm square
 * around it by 1.55 % (the cloth's own patches, the noise averaged away); ours differed by 0.05 %
 * from pixel to neighbourhood. At 4.5 % ours came to 0.98 % over 4 / 12 mm; at 5.8 % to 1.19 %,
 * three quarters of the photo's, and a cream or a light grey still reads as wool, not as a dirty
 * one (at 3.5 % with the 7 mm octave at 0.3 its clouds showed on a light grey).
 */
export const RELIEF_AMPLITUDE = 0.058;

/** A lattice point's value in [-1, 1] (an integer hash; no state, so every build agrees). */
function lattice(ix: number, iy: number, octave: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ Math.imul(octave + 1, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2147483647.5 - 1;
}

/**
 * Each octave's lattice, LATTICE² values, tiled: hashed once here instead of four times per pixel
 * and octave (137 ns a pixel, 65 ms over a full build's garment). The finest octave repeats every
 * 20 cm, the others at 41, 82 and 179 cm: their sum never repeats over a garment.
 */
const LATTICE = 256;
const tables = OCTAVES.map((_, k) => {
  const t = new Float32Array(LATTICE * LATTICE);
  for (let y = 0; y < LATTICE; y++) for (let x = 0; x < LATTICE; x++) t[y * LATTICE + x] = lattice(x, y, k);
  return t;
});

/** Quintic ease: the noise's slope is continuous across lattice cells (no grid lines in the light). */
const fade = (t: number) => t * t * t * (t * (t * 6 - 15) + 10);

/**
 * Value noise's standard deviation (lattice values uniform in [-1, 1], eased as above), measured over
 * a patch of 1,000² lattice cells: each octave then contributes its weight in standard deviations.
 */
const NOISE_SD = 0.453;

/**
 * How much of an octave a build keeps. A pixel averages the light over its area: a wave of
 * `wavelengthPx` keeps sinc(π / wavelength) of its swing (0.64 at 2 px, 0.82 at 2.9 px). Finer than
 * 2 px, the octave is sampled at the pixel's centre (so it reads as grain from pixel to pixel) with
 * its swing cut as the average of that many patches would cut it: in proportion to the wavelength.
 */
function resolved(wavelengthPx: number): number {
  if (wavelengthPx < 2) return (2 / Math.PI) * (wavelengthPx / 2);
  const a = Math.PI / wavelengthPx;
  return Math.sin(a) / a;
}

/**
 * The relief's factor on the light over one row of a build with `pxPerMm` pixels per millimetre:
 * `out[i]` for the pixel centre (x0 + i + 0.5, py), 1 on average, a few per cent either side.
 */
export function reliefRow(out: Float32Array, x0: number, py: number, pxPerMm: number, weights = octaveWeights(pxPerMm)): void {
  out.fill(1);
  const ym = py / pxPerMm;
  for (let k = 0; k < OCTAVES.length; k++) {
    const wk = weights[k]! * RELIEF_AMPLITUDE;
    if (wk === 0) continue;
    const [lambda, stretch] = OCTAVES[k]!;
    const table = tables[k]!;
    const ly = ym / (lambda * stretch);
    const iy = Math.floor(ly);
    const v = fade(ly - iy);
    const r0 = (iy & (LATTICE - 1)) * LATTICE;
    const r1 = ((iy + 1) & (LATTICE - 1)) * LATTICE;
    const step = 1 / (pxPerMm * lambda);
    for (let i = 0; i < out.length; i++) {
      const lx = (x0 + i + 0.5) * step;
      const ix = Math.floor(lx);
      const u = fade(lx - ix);
      const c0 = ix & (LATTICE - 1);
      const c1 = (ix + 1) & (LATTICE - 1);
      const top = table[r0 + c0]! + (table[r0 + c1]! - table[r0 + c0]!) * u;
      const bottom = table[r1 + c0]! + (table[r1 + c1]! - table[r1 + c0]!) * u;
      out[i] += wk * (top + (bottom - top) * v);
    }
  }
}

/** The relief's factor at one image point (px, py): `reliefRow`'s value for the pixel whose centre it is. */
export function reliefAt(px: number, py: number, pxPerMm: number, weights = octaveWeights(pxPerMm)): number {
  const one = new Float32Array(1);
  reliefRow(one, px - 0.5, py, pxPerMm, weights);
  return one[0]!;
}

/**
 * The finest octaves (under YARN_SCALE_MM) stand for the grain a camera at a photograph's scale sees in
 * a cloth without separating it: its yarns' irregularity and weave, averaged into its pixels with the
 * nap's patches. Where a build's pixels are finer than a full render's (HD, the detail view) the
 * fabric's texture draws that grain itself, yarn by yarn; the relief's stand-in laid over it as well
 * drowned the weave in a blotchy grain a millimetre across, and a worsted read up close as felt. It
 * fades there in proportion to the pixel: whole at full size and below, half at HD, under a quarter
 * in the detail view. A full render is drawn at the native layout's PX_PER_MM.
 */
const YARN_SCALE_MM = 2;

/** Each octave's weight at a build's resolution, scaled so the full mottle has unit deviation. */
export function octaveWeights(pxPerMm: number): number[] {
  const total = Math.sqrt(OCTAVES.reduce((s, [, , w]) => s + w * w, 0));
  const yarnFade = Math.min(1, PX_PER_MM / pxPerMm);
  return OCTAVES.map(([lambda, , w]) => (resolved(lambda * pxPerMm) * w * (lambda < YARN_SCALE_MM ? yarnFade : 1)) / total / NOISE_SD);
}
