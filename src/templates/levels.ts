/**
 * Turns native-resolution template fields into the per-level arrays a render walks through.
 * Shared by drawn templates and photo templates, so both render through the same tight loop.
 */
import sharp from 'sharp';
import { SHADE_LEVELS, SHADE_ONE, type LevelName, type PanelSpec, type ViewLevel } from './types.ts';

export type PanelGrain = Pick<PanelSpec, 'grainAngle' | 'pxPerMm' | 'anchor' | 'squeeze'>;

export interface NativeFields {
  /** Size of the fields: the whole image, or the window they cover (see `window`). */
  width: number;
  height: number;
  /** Nominal px/mm at native size. */
  pxPerMm: number;
  /** RGB beneath the cloth, always the whole image. */
  base: Uint8Array;
  /** RGBA over the cloth, or undefined (the whole image). */
  overlay?: Uint8Array;
  /** Union cloth coverage 0..255. */
  coverage: Uint8Array;
  /** Topmost panel index per pixel (255: none). */
  panelOf: Uint8Array;
  /** Linear-light shading multiplier (any overall scale: normalised here). */
  shade: Float32Array;
  /** Fold warp: where each pixel samples the cloth from, in native px. */
  dispX: Float32Array;
  dispY: Float32Array;
  panels: PanelGrain[];
  /**
   * When the cloth fields cover only a window of the image (a client's photo: its garment and a
   * margin), where that window lies in an image of `fullWidth` × `fullHeight`. `x` and `y` must be
   * multiples of 4 (the coarsest level's factor) so every level's pixel blocks line up, and the
   * window must reach past the garment by a few pixels (nothing is cut off at its edges).
   */
  window?: { x: number; y: number; fullWidth: number; fullHeight: number };
}

export const LEVEL_FACTORS: Record<LevelName, number> = { full: 1, preview: 2, thumb: 4 };

/** Native texture coordinates (in texture px at the view's nominal px/mm) for every cloth pixel. */
/** The factor that makes the coverage-weighted mean of the shading over the first `count` pixels 1. */
export function shadeNorm(cov: ArrayLike<number>, shade: ArrayLike<number>, count: number): number {
  let wsum = 0;
  let ssum = 0;
  for (let j = 0; j < count; j++) {
    wsum += cov[j];
    ssum += cov[j] * shade[j];
  }
  return wsum > 0 ? wsum / ssum : 1;
}

function nativeUV(f: NativeFields): { u: Float32Array; v: Float32Array } {
  const { width: w, height: h } = f;
  const ox = f.window?.x ?? 0;
  const oy = f.window?.y ?? 0;
  const u = new Float32Array(w * h);
  const v = new Float32Array(w * h);
  const rot = f.panels.map((p) => {
    const t = (p.grainAngle * Math.PI) / 180;
    // Texture px per image px: the texture is made at the view's nominal scale.
    const k = f.pxPerMm / p.pxPerMm;
    const sq = p.squeeze ?? 1;
    return { c: Math.cos(t), s: Math.sin(t), k, sq, ax: p.anchor[0], ay: p.anchor[1] };
  });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const pid = f.panelOf[i];
      if (pid === 255) continue;
      const r = rot[pid];
      const qx = ox + x + 0.5 + f.dispX[i] - r.ax;
      const qy = oy + y + 0.5 + f.dispY[i] - r.ay;
      // Texture v runs along the grain (warp); u across it (weft). The body turning away compresses weft.
      u[i] = ((qx * r.c - qy * r.s) * r.k) / r.sq;
      v[i] = (qx * r.s + qy * r.c) * r.k;
    }
  }
  return { u, v };
}

async function resizeRaw(data: Uint8Array, w: number, h: number, channels: 3 | 4, W: number, H: number): Promise<Uint8Array> {
  if (W === w && H === h) return data;
  const out = await sharp(data, { raw: { width: w, height: h, channels } })
    .resize(W, H, { kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The cloth of one level as sparse arrays, before shading is normalised. */
interface LevelCloth {
  pix: Int32Array;
  cov: Float32Array;
  panel: Uint8Array;
  u: Float32Array;
  v: Float32Array;
  shade: Float32Array;
  count: number;
}

/** Full level: one native pixel per level pixel, no averaging. */
function clothAtFactor1(f: NativeFields, uv: { u: Float32Array; v: Float32Array }, W: number, H: number, ox: number, oy: number): LevelCloth {
  const { width: w, height: h } = f;
  let count = 0;
  for (let i = 0; i < w * h; i++) if (f.coverage[i]) count++;
  const out: LevelCloth = {
    pix: new Int32Array(count),
    cov: new Float32Array(count),
    panel: new Uint8Array(count),
    u: new Float32Array(count),
    v: new Float32Array(count),
    shade: new Float32Array(count),
    count,
  };
  let k = 0;
  const yEnd = Math.min(h, H - oy);
  const xEnd = Math.min(w, W - ox);
  for (let y = 0; y < yEnd; y++) {
    for (let x = 0; x < xEnd; x++) {
      const i = y * w + x;
      const c = f.coverage[i];
      if (!c) continue;
      out.pix[k] = (y + oy) * W + (x + ox);
      out.cov[k] = c;
      out.panel[k] = f.panelOf[i];
      out.shade[k] = f.shade[i];
      out.u[k] = uv.u[i] - 0.5;
      out.v[k] = uv.v[i] - 0.5;
      k++;
    }
  }
  out.count = k;
  return out;
}

/** A coarser level: each level pixel averages a factor × factor block of native pixels. */
function clothAtFactor(f: NativeFields, uv: { u: Float32Array; v: Float32Array }, factor: number, W: number, H: number, ox: number, oy: number): LevelCloth {
  const { width: w, height: h } = f;
  // Level pixels whose blocks lie in the window (its origin is a multiple of the factor).
  const X0 = ox / factor;
  const Y0 = oy / factor;
  const X1 = Math.min(W, Math.floor((ox + w) / factor));
  const Y1 = Math.min(H, Math.floor((oy + h) / factor));
  const cap = Math.max(0, (X1 - X0) * (Y1 - Y0));
  const out: LevelCloth = {
    pix: new Int32Array(cap),
    cov: new Float32Array(cap),
    panel: new Uint8Array(cap),
    u: new Float32Array(cap),
    v: new Float32Array(cap),
    shade: new Float32Array(cap),
    count: 0,
  };
  const npanels = f.panels.length;
  const acc = new Float32Array(npanels);
  const inv = 1 / (factor * factor);
  let count = 0;
  const onePanel = npanels === 1;
  for (let Y = Y0; Y < Y1; Y++) {
    for (let X = X0; X < X1; X++) {
      let covSum = 0;
      let shadeSum = 0;
      let su = 0;
      let sv = 0;
      let sn = 0;
      acc.fill(0);
      const bx = X * factor - ox;
      const by = Y * factor - oy;
      for (let dy = 0; dy < factor; dy++) {
        const row = (by + dy) * w + bx;
        for (let dx = 0; dx < factor; dx++) {
          const i = row + dx;
          const c = f.coverage[i];
          if (!c) continue;
          covSum += c;
          shadeSum += f.shade[i] * c;
          acc[f.panelOf[i]] += c;
          // One panel (a photo's garment): it is the best, so its coordinates are summed in this pass.
          if (onePanel && f.panelOf[i] === 0) {
            su += uv.u[i];
            sv += uv.v[i];
            sn++;
          }
        }
      }
      if (covSum === 0) continue;
      let best = 0;
      if (!onePanel) {
        for (let p = 1; p < npanels; p++) if (acc[p] > acc[best]) best = p;
        for (let dy = 0; dy < factor; dy++) {
          const row = (by + dy) * w + bx;
          for (let dx = 0; dx < factor; dx++) {
            const i = row + dx;
            if (f.coverage[i] && f.panelOf[i] === best) {
              su += uv.u[i];
              sv += uv.v[i];
              sn++;
            }
          }
        }
      }
      out.pix[count] = Y * W + X;
      out.cov[count] = covSum * inv;
      out.shade[count] = shadeSum / covSum;
      out.panel[count] = best;
      // Texel i holds the cloth over [i, i+1): its centre is i + 0.5, where bilinear weights it fully.
      out.u[count] = su / sn / factor - 0.5;
      out.v[count] = sv / sn / factor - 0.5;
      count++;
    }
  }
  out.count = count;
  return out;
}

async function buildLevel(f: NativeFields, uv: { u: Float32Array; v: Float32Array }, factor: number): Promise<ViewLevel> {
  const fullW = f.window?.fullWidth ?? f.width;
  const fullH = f.window?.fullHeight ?? f.height;
  const ox = f.window?.x ?? 0;
  const oy = f.window?.y ?? 0;
  if (ox % 4 || oy % 4) throw new Error('a template window must start at multiples of 4');
  const W = Math.floor(fullW / factor);
  const H = Math.floor(fullH / factor);
  const cloth = factor === 1 ? clothAtFactor1(f, uv, W, H, ox, oy) : clothAtFactor(f, uv, factor, W, H, ox, oy);
  const count = cloth.count;
  // Normalise: coverage-weighted mean of the shading over the whole garment is exactly 1 in linear light,
  // so the rendered garment's mean colour is the cloth's mean colour.
  const norm = shadeNorm(cloth.cov, cloth.shade, count);
  const pix = cloth.pix.length === count ? cloth.pix : cloth.pix.slice(0, count);
  const cov = new Uint8Array(count);
  const panel = cloth.panel.length === count ? cloth.panel : cloth.panel.slice(0, count);
  const u = cloth.u.length === count ? cloth.u : cloth.u.slice(0, count);
  const v = cloth.v.length === count ? cloth.v : cloth.v.slice(0, count);
  const shadeQ = new Uint16Array(count);
  const shadeHist = new Float64Array(SHADE_LEVELS);
  for (let k = 0; k < count; k++) {
    const c = Math.max(1, Math.min(255, Math.round(cloth.cov[k])));
    const q = Math.max(0, Math.min(SHADE_LEVELS - 1, Math.round(cloth.shade[k] * norm * SHADE_ONE)));
    cov[k] = c;
    shadeQ[k] = q;
    shadeHist[q] += c / 255;
  }
  const { base, overlayPix, overlayRgba } = await surroundingsLevel(f.base, f.overlay, fullW, fullH, factor);
  return {
    width: W,
    height: H,
    pxPerMm: f.pxPerMm / factor,
    base,
    pix,
    cov,
    panel,
    u,
    v,
    shadeQ,
    shadeHist,
    overlayPix,
    overlayRgba,
  };
}

/** What is not cloth at one level: the base image beneath, and the overlay (buttons, thread) as sparse RGBA. */
export async function surroundingsLevel(
  baseNative: Uint8Array,
  overlayNative: Uint8Array | undefined,
  w: number,
  h: number,
  factor: number,
): Promise<Pick<ViewLevel, 'base' | 'overlayPix' | 'overlayRgba'>> {
  const W = Math.floor(w / factor);
  const H = Math.floor(h / factor);
  const n = W * H;
  const base = await resizeRaw(baseNative, w, h, 3, W, H);
  let overlayPix = new Int32Array(0);
  let overlayRgba = new Uint8Array(0);
  if (overlayNative) {
    const ov = await resizeRaw(overlayNative, w, h, 4, W, H);
    let m = 0;
    for (let j = 0; j < n; j++) if (ov[j * 4 + 3]) m++;
    overlayPix = new Int32Array(m);
    overlayRgba = new Uint8Array(m * 4);
    m = 0;
    for (let j = 0; j < n; j++) {
      if (!ov[j * 4 + 3]) continue;
      overlayPix[m] = j;
      overlayRgba.set(ov.subarray(j * 4, j * 4 + 4), m * 4);
      m++;
    }
  }
  return { base, overlayPix, overlayRgba };
}

export async function buildLevels(f: NativeFields): Promise<Record<LevelName, ViewLevel>> {
  return buildLevelsAt(f, LEVEL_FACTORS) as Promise<Record<LevelName, ViewLevel>>;
}

/** Only the levels named, each `factor` times smaller than the fields. */
export async function buildLevelsAt<K extends string>(f: NativeFields, factors: Partial<Record<K, number>>): Promise<Partial<Record<K, ViewLevel>>> {
  const uv = nativeUV(f);
  const names = Object.keys(factors) as K[];
  const built = await Promise.all(names.map((k) => buildLevel(f, uv, factors[k]!)));
  return Object.fromEntries(names.map((k, i) => [k, built[i]])) as Partial<Record<K, ViewLevel>>;
}

/**
 * The HD level (twice the full level each way), made on demand from the full level: texture
 * coordinates and shading are smooth, so interpolating them and sampling the cloth at twice the
 * scale gives a sharp weave at 2048×3072 without rasterising the garment again. Coordinates are only
 * interpolated within one panel, so stripes stay matched at seams.
 */
export async function hdLevel(full: ViewLevel): Promise<ViewLevel> {
  const { width: w, height: h } = full;
  const W = w * 2;
  const H = h * 2;
  const idx = new Int32Array(w * h).fill(-1);
  for (let k = 0; k < full.pix.length; k++) idx[full.pix[k]] = k;
  // Upper bound on cloth pixels: four per source cloth pixel plus a fringe.
  const cap = full.pix.length * 4 + (w + h) * 16;
  let pix = new Int32Array(cap);
  let cov = new Uint8Array(cap);
  let panel = new Uint8Array(cap);
  let u = new Float32Array(cap);
  let v = new Float32Array(cap);
  let shadeQ = new Uint16Array(cap);
  const shadeHist = new Float64Array(SHADE_LEVELS);
  const nb = new Int32Array(4);
  const wt = new Float32Array(4);
  let m = 0;
  for (let Y = 0; Y < H; Y++) {
    const sy = (Y + 0.5) / 2 - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let X = 0; X < W; X++) {
      const sx = (X + 0.5) / 2 - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      let c = 0;
      let any = false;
      for (let t = 0; t < 4; t++) {
        const xx = x0 + (t & 1);
        const yy = y0 + (t >> 1);
        const k = xx >= 0 && yy >= 0 && xx < w && yy < h ? idx[yy * w + xx] : -1;
        nb[t] = k;
        const bw = (t & 1 ? fx : 1 - fx) * (t >> 1 ? fy : 1 - fy);
        wt[t] = bw;
        if (k >= 0) {
          c += bw * full.cov[k];
          any = true;
        }
      }
      if (!any || c < 0.5) continue;
      // The panel with most weight here; coordinates from its pixels only.
      let best = -1;
      let bestW = -1;
      for (let t = 0; t < 4; t++) {
        const k = nb[t];
        if (k < 0) continue;
        const p = full.panel[k];
        let s = 0;
        for (let q = 0; q < 4; q++) if (nb[q] >= 0 && full.panel[nb[q]] === p) s += wt[q] * full.cov[nb[q]];
        if (s > bestW) {
          bestW = s;
          best = p;
        }
      }
      let su = 0;
      let sv = 0;
      let ss = 0;
      let sw = 0;
      for (let t = 0; t < 4; t++) {
        const k = nb[t];
        if (k < 0 || full.panel[k] !== best) continue;
        const q = wt[t] + 1e-6;
        su += full.u[k] * q;
        sv += full.v[k] * q;
        ss += full.shadeQ[k] * q;
        sw += q;
      }
      pix[m] = Y * W + X;
      const cc = Math.max(1, Math.min(255, Math.round(c)));
      cov[m] = cc;
      panel[m] = best;
      u[m] = (su / sw + 0.5) * 2 - 0.5;
      v[m] = (sv / sw + 0.5) * 2 - 0.5;
      const q = Math.round(ss / sw);
      shadeQ[m] = q;
      shadeHist[q] += cc / 255;
      m++;
    }
  }
  pix = pix.slice(0, m);
  cov = cov.slice(0, m);
  panel = panel.slice(0, m);
  u = u.slice(0, m);
  v = v.slice(0, m);
  shadeQ = shadeQ.slice(0, m);
  const base = await resizeRaw(full.base, w, h, 3, W, H);
  // Overlays (buttons, thread) back to a dense RGBA plane, enlarged, and sparse again.
  const dense = new Uint8Array(w * h * 4);
  for (let k = 0; k < full.overlayPix.length; k++) dense.set(full.overlayRgba.subarray(k * 4, k * 4 + 4), full.overlayPix[k] * 4);
  const ov = await resizeRaw(dense, w, h, 4, W, H);
  let count = 0;
  for (let j = 0; j < W * H; j++) if (ov[j * 4 + 3]) count++;
  const overlayPix = new Int32Array(count);
  const overlayRgba = new Uint8Array(count * 4);
  count = 0;
  for (let j = 0; j < W * H; j++) {
    if (!ov[j * 4 + 3]) continue;
    overlayPix[count] = j;
    overlayRgba.set(ov.subarray(j * 4, j * 4 + 4), count * 4);
    count++;
  }
  return { width: W, height: H, pxPerMm: full.pxPerMm * 2, base, pix, cov, panel, u, v, shadeQ, shadeHist, overlayPix, overlayRgba };
}
