/**
 * The hot loop: one pass over a level's cloth pixels, then overlays. Everything that does not depend
 * on the cloth was precomputed when the template loaded.
 */
import { LIN_LUT_OVER, LIN_LUT_SIZE, LINEAR_TO_SRGB8_LUT_OVER, luminance } from '../../fabrics/color.ts';
import { SHADE_LEVELS, SHADE_ONE, type ViewLevel } from '../../templates/types.ts';
import type { FabricDesign } from '../types.ts';
import type { LinearTexture } from './texture.ts';

/** Linear light → sRGB 8-bit, indexed by round(linear × LIN_STEPS): the colour module's table, run on past white. */
const LIN_STEPS = LIN_LUT_SIZE;
const LIN_TO_SRGB8 = LINEAR_TO_SRGB8_LUT_OVER;

/** The shading as a fabric sees it: a multiplier and an additive (white) lustre per shade level. */
export interface Finish {
  mul: Float32Array;
  add: Float32Array;
}

/** The albedo `finishFor` fills a cloth's shade by: its tile's mean linear luminance, in steps of 1/64 (finer is not visible, and a catalogue's colours then share finishes). */
export function clothAlbedo(tex: Pick<LinearTexture, 'mean'>): number {
  return Math.round(luminance(tex.mean) * 64) / 64;
}

/**
 * Light cloth fills its own shade: what a fold, a turned-away side or a crevice loses of the key light
 * comes partly back from the cloth around it, and the more so the more of it that cloth reflects
 * (cream flannel's folds read as soft greys in a photo; navy's stay dark). Jimenez et al.'s
 * multi-bounce fit ("Practical Real-Time Strategies for Accurate Indirect Occlusion", 2016) gives the
 * visible shade of a surface of this albedo from its single-bounce shade; a dark cloth's is unchanged.
 * Without it, a cream suit's sleeves and trouser sides fell to a dark grey rim: an emboss, not cloth.
 */
export function interreflected(shade: number, albedo: number): number {
  if (shade >= 1 || albedo <= 0) return shade;
  const a = 2.0404 * albedo - 0.3324;
  const b = -4.7951 * albedo + 0.6417;
  const c = 2.7552 * albedo + 0.6903;
  return Math.min(1, Math.max(shade, ((a * shade + b) * shade + c) * shade));
}

/**
 * Sheen: lustrous cloth (mohair, high-twist worsted) shows crisper contrast and bright, whitish
 * highlights; matte, napped cloth (flannel) softens the fold contrast. The multiplier is renormalised
 * over the garment's shading histogram so that its median is exactly 1: the cloth's dominant lit
 * planes show the swatch's own colour, as a product photo is exposed, and what turns from the light
 * falls below it. `albedo` is the cloth's mean linear luminance (its shade filled as `interreflected` says;
 * 0 for a photographed garment's measured shade, which holds its own).
 * (Holding the mean at 1 instead lifted every lit plane by however much shade the
 * garment has: a silver suit's front glowed nearly as white as its shirt.)
 */
export function finishFor(design: FabricDesign, hist: Float64Array, albedo = 0): Finish {
  const sheen = Math.max(0, Math.min(1, design.sheen ?? 0.15));
  const nap = Math.max(0, Math.min(1, design.nap ?? 0));
  const gamma = 0.9 + 0.55 * sheen - 0.2 * nap;
  const mul = new Float32Array(SHADE_LEVELS);
  const add = new Float32Array(SHADE_LEVELS);
  let wsum = 0;
  for (let q = 0; q < SHADE_LEVELS; q++) {
    mul[q] = interreflected((q / SHADE_ONE) ** gamma, albedo);
    wsum += hist[q];
  }
  let median = 0;
  for (let q = 0, acc = 0; q < SHADE_LEVELS; q++) {
    acc += hist[q];
    if (acc >= wsum / 2) {
      median = mul[q];
      break;
    }
  }
  const norm = median > 0 ? 1 / median : 1;
  for (let q = 0; q < SHADE_LEVELS; q++) {
    const s = q / SHADE_ONE;
    const t = Math.max(0, Math.min(1, (s - 1.02) / 0.35));
    add[q] = sheen * 0.09 * t * t * (3 - 2 * t);
    // White cloth at the brightest shade stays within the render loop's table (anything ≥ 1 is
    // white anyway): the loop then needs no clamp.
    mul[q] = Math.min(mul[q] * norm, LIN_LUT_OVER - 1 - add[q]);
  }
  return { mul, add };
}

/**
 * Cloth pixels into `out` (which already holds the level's base image): per cloth pixel a bilinear tap
 * of the tile (wrapped), × the shading multiplier, + lustre, → sRGB by table, blended by coverage at
 * the edges. The loop touches only the level's cloth pixels, allocates nothing, and works in the
 * colour table's units (the texture is pre-scaled; the lustre carries the rounding half) so each
 * channel is two lerps, a multiply-add and one table read.
 */
export function renderCloth(level: ViewLevel, tex: LinearTexture, finish: Finish, out: Uint8Array): void {
  const { pix, cov, u, v, shadeQ } = level;
  const tw = tex.width;
  const th = tex.height;
  const W3 = (tw + 1) * 3;
  const invTw = 1 / tw;
  const invTh = 1 / th;
  const sx = tex.sx;
  const sy = tex.sy;
  const data = tex.scaled;
  const mul = finish.mul;
  const add = new Float64Array(finish.add.length);
  for (let q = 0; q < add.length; q++) add[q] = finish.add[q] * LIN_STEPS + 0.5;
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
    const i00 = y0 * W3 + x0 * 3;
    const i01 = i00 + W3;
    const q = shadeQ[k];
    const m = mul[q];
    const a = add[q];
    const r0 = data[i00] + (data[i00 + 3] - data[i00]) * fx;
    const r1 = data[i01] + (data[i01 + 3] - data[i01]) * fx;
    const g0 = data[i00 + 1] + (data[i00 + 4] - data[i00 + 1]) * fx;
    const g1 = data[i01 + 1] + (data[i01 + 4] - data[i01 + 1]) * fx;
    const b0 = data[i00 + 2] + (data[i00 + 5] - data[i00 + 2]) * fx;
    const b1 = data[i01 + 2] + (data[i01 + 5] - data[i01 + 2]) * fx;
    // Shading never reaches LIN_LUT_OVER × white (finishFor keeps it there), so no clamp.
    const r = lut[((r0 + (r1 - r0) * fy) * m + a) | 0];
    const g = lut[((g0 + (g1 - g0) * fy) * m + a) | 0];
    const b = lut[((b0 + (b1 - b0) * fy) * m + a) | 0];
    const o = pix[k] * 3;
    const c = cov[k];
    if (c === 255) {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    } else {
      // Anti-aliased edge: coverage blend over whatever lies beneath.
      const t = c / 255;
      out[o] = out[o] + (r - out[o]) * t + 0.5;
      out[o + 1] = out[o + 1] + (g - out[o + 1]) * t + 0.5;
      out[o + 2] = out[o + 2] + (b - out[o + 2]) * t + 0.5;
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

/**
 * Panels a tailor makes of something plain dyed to the cloth's colour rather than of the cloth: the
 * undercollar, seen inside the back of the neck, is melton, a fulled felt with no weave or pattern to
 * show; buttons matching the cloth are corozo or horn dyed to it (drawn as the cloth, a pinstripe ran
 * across each like a covered button's). Their index in `panels`, flagged.
 */
export function plainPanels(panels: ReadonlyArray<{ kind: string }>): Uint8Array {
  const flags = new Uint8Array(256);
  panels.forEach((p, i) => {
    if (p.kind === 'inside' || p.kind === 'button') flags[i] = 1;
  });
  return flags;
}

/** The entries of `level.pix` on a plain panel (most views have none; a front a few thousand). */
export function plainEntries(level: Pick<ViewLevel, 'panel'>, flags: Uint8Array): Int32Array {
  let n = 0;
  for (let k = 0; k < level.panel.length; k++) n += flags[level.panel[k]];
  const ks = new Int32Array(n);
  for (let k = 0, j = 0; k < level.panel.length; k++) if (flags[level.panel[k]]) ks[j++] = k;
  return ks;
}

/**
 * The pixels of plain panels drawn again, after the cloth loop, in the cloth's mean colour under the
 * same light. A pixel on an edge between panels is listed once for each (lower first): its whole stack
 * is composed afresh from the base, each entry by its own light and coverage as the loop blends them,
 * and all in the plain colour (the one pixel of a neighbour's pattern at the edge is not worth a second
 * tap of the tile).
 */
export function renderPlain(level: ViewLevel, entries: Int32Array, tex: LinearTexture, finish: Finish, out: Uint8Array): void {
  if (!entries.length) return;
  const { pix, cov, shadeQ, base } = level;
  const mean = tex.mean.map((c) => c * LIN_STEPS);
  const px = new Uint8Array(3);
  for (let e = 0; e < entries.length; e++) {
    const k = entries[e];
    const p = pix[k];
    let s = k;
    while (s > 0 && pix[s - 1] === p) s--;
    let end = k + 1;
    while (end < pix.length && pix[end] === p) end++;
    const o = p * 3;
    px.set(base.subarray(o, o + 3));
    for (let j = s; j < end; j++) {
      const m = finish.mul[shadeQ[j]];
      const a = finish.add[shadeQ[j]] * LIN_STEPS + 0.5;
      const t = cov[j] / 255;
      for (let c = 0; c < 3; c++) {
        const lit = LIN_TO_SRGB8[(mean[c] * m + a) | 0];
        px[c] = cov[j] === 255 ? lit : px[c] + (lit - px[c]) * t + 0.5;
      }
    }
    out.set(px, o);
  }
}
