/**
 * The hot loop: one pass over a level's cloth pixels, then overlays. Everything that does not depend
 * on the cloth was precomputed when the template loaded.
 */
import { LIN_LUT_SIZE, LINEAR_TO_SRGB8_LUT } from '../../fabrics/color.ts';
import { SHADE_LEVELS, SHADE_ONE, type ViewLevel } from '../../templates/types.ts';
import type { FabricDesign } from '../types.ts';
import type { LinearTexture } from './texture.ts';

/** Linear light → sRGB 8-bit, indexed by round(linear × LIN_STEPS): the colour module's table. */
const LIN_STEPS = LIN_LUT_SIZE;
const LIN_TO_SRGB8 = LINEAR_TO_SRGB8_LUT;

/** The shading as a fabric sees it: a multiplier and an additive (white) lustre per shade level. */
export interface Finish {
  mul: Float32Array;
  add: Float32Array;
}

/**
 * Sheen: lustrous cloth (mohair, high-twist worsted) shows crisper contrast and bright, whitish
 * highlights; matte, napped cloth (flannel) softens the fold contrast. The multiplier is renormalised
 * over the garment's shading histogram so its mean stays exactly 1 (colour exactness).
 */
export function finishFor(design: FabricDesign, hist: Float64Array): Finish {
  const sheen = Math.max(0, Math.min(1, design.sheen ?? 0.15));
  const nap = Math.max(0, Math.min(1, design.nap ?? 0));
  const gamma = 0.9 + 0.55 * sheen - 0.2 * nap;
  const mul = new Float32Array(SHADE_LEVELS);
  const add = new Float32Array(SHADE_LEVELS);
  let wsum = 0;
  let msum = 0;
  for (let q = 0; q < SHADE_LEVELS; q++) {
    const s = q / SHADE_ONE;
    const m = Math.pow(s, gamma);
    mul[q] = m;
    if (hist[q]) {
      wsum += hist[q];
      msum += hist[q] * m;
    }
  }
  const norm = msum > 0 ? wsum / msum : 1;
  for (let q = 0; q < SHADE_LEVELS; q++) {
    mul[q] *= norm;
    const s = q / SHADE_ONE;
    const t = Math.max(0, Math.min(1, (s - 1.02) / 0.35));
    add[q] = sheen * 0.09 * t * t * (3 - 2 * t);
  }
  return { mul, add };
}

/** Cloth pixels into `out` (which already holds the level's base image). */
export function renderCloth(level: ViewLevel, tex: LinearTexture, finish: Finish, out: Uint8Array): void {
  const { pix, cov, u, v, shadeQ } = level;
  const tw = tex.width;
  const th = tex.height;
  const W = tw + 1;
  const invTw = 1 / tw;
  const invTh = 1 / th;
  const sx = tex.sx;
  const sy = tex.sy;
  const data = tex.data;
  const mul = finish.mul;
  const add = finish.add;
  const lut = LIN_TO_SRGB8;
  const n = pix.length;
  for (let k = 0; k < n; k++) {
    let x = u[k] * sx;
    let y = v[k] * sy;
    x -= Math.floor(x * invTw) * tw;
    y -= Math.floor(y * invTh) * th;
    const x0 = x | 0;
    const y0 = y | 0;
    const fx = x - x0;
    const fy = y - y0;
    const i00 = (y0 * W + x0) * 3;
    const i10 = i00 + 3;
    const i01 = i00 + W * 3;
    const i11 = i01 + 3;
    const w00 = (1 - fx) * (1 - fy);
    const w10 = fx * (1 - fy);
    const w01 = (1 - fx) * fy;
    const w11 = fx * fy;
    const q = shadeQ[k];
    const m = mul[q];
    const a = add[q];
    let r = (data[i00] * w00 + data[i10] * w10 + data[i01] * w01 + data[i11] * w11) * m + a;
    let g = (data[i00 + 1] * w00 + data[i10 + 1] * w10 + data[i01 + 1] * w01 + data[i11 + 1] * w11) * m + a;
    let b = (data[i00 + 2] * w00 + data[i10 + 2] * w10 + data[i01 + 2] * w01 + data[i11 + 2] * w11) * m + a;
    r = r >= 1 ? LIN_STEPS : (r * LIN_STEPS + 0.5) | 0;
    g = g >= 1 ? LIN_STEPS : (g * LIN_STEPS + 0.5) | 0;
    b = b >= 1 ? LIN_STEPS : (b * LIN_STEPS + 0.5) | 0;
    const o = pix[k] * 3;
    const c = cov[k];
    if (c === 255) {
      out[o] = lut[r];
      out[o + 1] = lut[g];
      out[o + 2] = lut[b];
    } else {
      // Anti-aliased edge: coverage blend over whatever lies beneath.
      const t = c / 255;
      out[o] = out[o] + (lut[r] - out[o]) * t + 0.5;
      out[o + 1] = out[o + 1] + (lut[g] - out[o + 1]) * t + 0.5;
      out[o + 2] = out[o + 2] + (lut[b] - out[o + 2]) * t + 0.5;
    }
  }
}

/** Buttons and thread over the cloth. */
export function renderOverlay(level: ViewLevel, out: Uint8Array): void {
  const { overlayPix, overlayRgba } = level;
  for (let k = 0; k < overlayPix.length; k++) {
    const o = overlayPix[k] * 3;
    const j = k * 4;
    const a = overlayRgba[j + 3] / 255;
    out[o] = out[o] + (overlayRgba[j] - out[o]) * a + 0.5;
    out[o + 1] = out[o + 1] + (overlayRgba[j + 1] - out[o + 1]) * a + 0.5;
    out[o + 2] = out[o + 2] + (overlayRgba[j + 2] - out[o + 2]) * a + 0.5;
  }
}
