/**
 * Turns native-resolution template fields into the per-level arrays a render walks through.
 * Shared by drawn templates and photo templates, so both render through the same tight loop.
 */
import sharp from 'sharp';
import { octaveWeights, reliefRow } from './relief.ts';
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
  /**
   * Internal edges (drawn views): per pixel the other piece sharing it (255: none) and the upper
   * piece's own coverage there; the full level then draws both pieces' cloth on those pixels.
   */
  edges?: { other: Uint8Array; upper: Uint8Array };
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

/** Per panel: image px → texture coordinates (grain rotation, scale, squeeze about its anchor). */
function grainMaps(f: NativeFields) {
  return f.panels.map((p) => {
    const t = (p.grainAngle * Math.PI) / 180;
    // Texture px per image px: the texture is made at the view's nominal scale.
    const k = f.pxPerMm / p.pxPerMm;
    const sq = p.squeeze ?? 1;
    return { c: Math.cos(t), s: Math.sin(t), k, sq, ax: p.anchor[0], ay: p.anchor[1] };
  });
}

function nativeUV(f: NativeFields): { u: Float32Array; v: Float32Array } {
  const { width: w, height: h } = f;
  const ox = f.window?.x ?? 0;
  const oy = f.window?.y ?? 0;
  const u = new Float32Array(w * h);
  const v = new Float32Array(w * h);
  const rot = grainMaps(f);
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
  /** Where an entry's share of its pixel is not its coverage (the two pieces of an internal edge): that share, 0..255. */
  weight?: Float32Array;
  count: number;
}

/**
 * Full level: one native pixel per level pixel, no averaging. On an internal edge the pixel holds two
 * entries, the lower piece's then the upper's, each with its own cloth coordinates and shading, and the
 * render draws one over the other by coverage (the upper's own): the edge is anti-aliased like the
 * silhouette instead of one piece's cloth stepping pixel by pixel into the other's.
 */
function clothAtFactor1(f: NativeFields, uv: { u: Float32Array; v: Float32Array }, W: number, H: number, ox: number, oy: number): LevelCloth {
  const { width: w, height: h } = f;
  const other = f.edges?.other;
  const upper = f.edges?.upper;
  let count = 0;
  for (let i = 0; i < w * h; i++) if (f.coverage[i]) count += other && other[i] !== 255 ? 2 : 1;
  const out: LevelCloth = {
    pix: new Int32Array(count),
    cov: new Float32Array(count),
    panel: new Uint8Array(count),
    u: new Float32Array(count),
    v: new Float32Array(count),
    shade: new Float32Array(count),
    weight: other ? new Float32Array(count) : undefined,
    count,
  };
  const rot = other ? grainMaps(f) : [];
  let k = 0;
  const yEnd = Math.min(h, H - oy);
  const xEnd = Math.min(w, W - ox);
  const put = (p: number, pid: number, c: number, share: number, uu: number, vv: number, sh: number) => {
    out.pix[k] = p;
    out.cov[k] = c;
    out.panel[k] = pid;
    out.shade[k] = sh;
    out.u[k] = uu - 0.5;
    out.v[k] = vv - 0.5;
    if (out.weight) out.weight[k] = share;
    k++;
  };
  for (let y = 0; y < yEnd; y++) {
    for (let x = 0; x < xEnd; x++) {
      const i = y * w + x;
      const c = f.coverage[i];
      if (!c) continue;
      const p = (y + oy) * W + (x + ox);
      const pid = f.panelOf[i];
      const b = other ? other[i] : 255;
      if (b === 255) {
        put(p, pid, c, c, uv.u[i], uv.v[i], f.shade[i]);
        continue;
      }
      // The other piece's cloth here: its own grain at this pixel's fold warp, its shading from the
      // nearest pixel it owns (this pixel's shading is the owner's: a cast shadow, an edge's roll).
      const r = rot[b];
      const qx = ox + x + 0.5 + f.dispX[i] - r.ax;
      const qy = oy + y + 0.5 + f.dispY[i] - r.ay;
      const bu = ((qx * r.c - qy * r.s) * r.k) / r.sq;
      const bv = (qx * r.s + qy * r.c) * r.k;
      const bs = shadeNear(f, x, y, b) ?? f.shade[i];
      const top = Math.max(pid, b);
      const cu = upper![i] / 255;
      const cAll = c / 255;
      // Over: the lower piece with the coverage that, under the upper's, makes the union's.
      const cl = cAll >= 1 ? 1 : Math.max(0, (cAll - cu) / (1 - cu));
      const draw = (q: number, cov: number, share: number) =>
        q === pid ? put(p, pid, cov, share, uv.u[i], uv.v[i], f.shade[i]) : put(p, b, cov, share, bu, bv, bs);
      // Nothing of the lower piece shows past the upper (a lapel's roll over its forepart's own edge):
      // the upper's alone.
      if (cl * (1 - cu) * 255 < 1) draw(top, c, c);
      else {
        draw(Math.min(pid, b), cl * 255, cl * (1 - cu) * 255);
        draw(top, cu * 255, cu * 255);
      }
    }
  }
  out.count = k;
  return out;
}

/** The shading of the nearest pixel within 2 px that panel `p` owns outright, if any. */
function shadeNear(f: NativeFields, x: number, y: number, p: number): number | undefined {
  const { width: w, height: h } = f;
  const other = f.edges?.other;
  let best: number | undefined;
  let bestD = Infinity;
  for (let dy = -2; dy <= 2; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -2; dx <= 2; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= w) continue;
      const j = yy * w + xx;
      const d = dx * dx + dy * dy;
      if (d >= bestD || f.panelOf[j] !== p || (other && other[j] !== 255)) continue;
      bestD = d;
      best = f.shade[j];
    }
  }
  return best;
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
  const share = cloth.weight ?? cloth.cov;
  const norm = shadeNorm(share, cloth.shade, count);
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
    shadeHist[q] += (cloth.weight ? share[k] : c) / 255;
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
 * How much sharper an internal edge's coverage is at HD than its interpolation from the full level's,
 * where no full pixel beside it is partly covered to place the edge more exactly (see `edgeCover`).
 */
const HD_EDGE_SHARPEN = 3;

/**
 * The coverage at HD of an edge seen in a full-level coverage field `at` (0..1 per full pixel), at
 * (sx, sy) in full-level pixel units, from the partly covered full pixels among the four around it
 * (`x0`, `y0` the first; `fx`, `fy` the bilinear weights): each places the edge on a line, at its
 * distance from its centre that its coverage gives, across the field's local gradient; the HD pixel,
 * half the size, is covered by what of it lies on the inside. Undefined when none is partly covered.
 *
 * Interpolating the coverage itself instead (what a bilinear enlargement does) blurs the ramp over two
 * full pixels and bends a slanted edge into a step every full-level row: a staircase of two-pixel treads.
 */
function edgeCover(at: (x: number, y: number) => number, x0: number, y0: number, fx: number, fy: number, sx: number, sy: number): number | undefined {
  let sum = 0;
  let sw = 0;
  for (let t = 0; t < 4; t++) {
    const x = x0 + (t & 1);
    const y = y0 + (t >> 1);
    const c = at(x, y);
    if (c <= 0 || c >= 1) continue;
    const gx = at(x + 1, y) - at(x - 1, y);
    const gy = at(x, y + 1) - at(x, y - 1);
    const g = Math.hypot(gx, gy);
    if (g < 1e-6) continue;
    const nx = gx / g;
    const ny = gy / g;
    // A pixel's coverage by a straight edge near its centre: 0.5 + distance / max(|nx|, |ny|).
    const k = Math.max(Math.abs(nx), Math.abs(ny));
    const d = (c - 0.5) * k + nx * (sx - x) + ny * (sy - y);
    const bw = (t & 1 ? fx : 1 - fx) * (t >> 1 ? fy : 1 - fy);
    sum += bw * (0.5 + (2 * d) / k);
    sw += bw;
  }
  return sw > 0 ? Math.max(0, Math.min(1, sum / sw)) : undefined;
}

/**
 * The HD level (twice the full level each way), made on demand from the full level: texture
 * coordinates and shading are smooth, so interpolating them and sampling the cloth at twice the
 * scale gives a sharp weave at 2048×3072 without rasterising the garment again. Coordinates are only
 * interpolated within one panel, so stripes stay matched at seams.
 *
 * Where two pieces meet inside the garment (the full level holds both on its edge pixels), each HD
 * pixel there gets both again: the upper piece's share interpolated from the full level's and
 * sharpened to the finer pixel (an edge's coverage ramp is half as wide at twice the resolution),
 * each piece's cloth coordinates and shading from its own pixels.
 *
 * A drawn garment's shading carries the cloth's mottle (relief.ts), whose finest patches the full
 * level's pixels average away: interpolated, HD would show a blurred mottle (0.35 % from pixel to
 * neighbourhood against 1.35 % at full size). HD interpolates the shading with the mottle divided
 * out and multiplies in its own, drawn at HD's resolution. A photographed garment's (`shadeMeasured`) is left as measured.
 */
export async function hdLevel(full: ViewLevel): Promise<ViewLevel> {
  const { width: w, height: h } = full;
  const W = w * 2;
  const H = h * 2;
  // Per full pixel its entry, and its second when it holds two (lower piece first).
  const idx = new Int32Array(w * h).fill(-1);
  const idx2 = new Int32Array(w * h).fill(-1);
  let pairs = 0;
  for (let k = 0; k < full.pix.length; k++) {
    const p = full.pix[k];
    if (k > 0 && full.pix[k - 1] === p) {
      idx2[p] = k;
      pairs++;
    } else idx[p] = k;
  }
  // Upper bound on cloth pixels: four per source cloth pixel plus a fringe, and a second entry
  // around each internal edge pixel.
  const cap = full.pix.length * 4 + pairs * 16 + (w + h) * 16;
  let pix = new Int32Array(cap);
  let cov = new Uint8Array(cap);
  let panel = new Uint8Array(cap);
  let u = new Float32Array(cap);
  let v = new Float32Array(cap);
  let shadeQ = new Uint16Array(cap);
  const shadeHist = new Float64Array(SHADE_LEVELS);
  // The (up to eight) entries around an HD pixel: entry, bilinear weight, its share of its pixel (0..1).
  const ek = new Int32Array(8);
  const ew = new Float32Array(8);
  const es = new Float32Array(8);
  // The full level's coverage fields, per full pixel: the union's, and one piece's share of the cloth.
  const unionAt = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= w || y >= h) return 0;
    const k = idx[y * w + x];
    if (k < 0) return 0;
    const k2 = idx2[y * w + x];
    if (k2 < 0) return full.cov[k] / 255;
    const cu = full.cov[k2] / 255;
    return cu + (full.cov[k] / 255) * (1 - cu);
  };
  let piece = 0;
  const pieceAt = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= w || y >= h) return 0;
    const k = idx[y * w + x];
    if (k < 0) return 0;
    const k2 = idx2[y * w + x];
    if (k2 < 0) return full.panel[k] === piece ? 1 : 0;
    return full.panel[k2] === piece ? full.cov[k2] / 255 : 0;
  };
  const mottle = full.shadeMeasured ? undefined : hdMottle(full);
  let mottleRow: Float32Array | undefined;
  let m = 0;
  const put = (p: number, pid: number, c: number, ne: number) => {
    let su = 0;
    let sv = 0;
    let ss = 0;
    let sw = 0;
    for (let t = 0; t < ne; t++) {
      const k = ek[t];
      if (full.panel[k] !== pid) continue;
      const q = ew[t] + 1e-6;
      su += full.u[k] * q;
      sv += full.v[k] * q;
      ss += (mottle ? full.shadeQ[k] / mottle.entry[k] : full.shadeQ[k]) * q;
      sw += q;
    }
    pix[m] = p;
    cov[m] = Math.max(1, Math.min(255, Math.round(c)));
    panel[m] = pid;
    u[m] = (su / sw + 0.5) * 2 - 0.5;
    v[m] = (sv / sw + 0.5) * 2 - 0.5;
    shadeQ[m] = mottleRow ? Math.min(SHADE_LEVELS - 1, Math.round((ss / sw) * mottleRow[p % W])) : Math.round(ss / sw);
    m++;
  };
  for (let Y = 0; Y < H; Y++) {
    const sy = (Y + 0.5) / 2 - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    mottleRow = mottle?.row(Y);
    for (let X = 0; X < W; X++) {
      const sx = (X + 0.5) / 2 - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      let ne = 0;
      let c = 0;
      for (let t = 0; t < 4; t++) {
        const xx = x0 + (t & 1);
        const yy = y0 + (t >> 1);
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const k = idx[yy * w + xx];
        if (k < 0) continue;
        const bw = (t & 1 ? fx : 1 - fx) * (t >> 1 ? fy : 1 - fy);
        const k2 = idx2[yy * w + xx];
        if (k2 < 0) {
          ek[ne] = k;
          ew[ne] = bw;
          es[ne] = full.cov[k] / 255;
          c += bw * es[ne];
          ne++;
        } else {
          const cu = full.cov[k2] / 255;
          ek[ne] = k;
          ew[ne] = bw;
          es[ne] = (full.cov[k] / 255) * (1 - cu);
          c += bw * es[ne];
          ne++;
          ek[ne] = k2;
          ew[ne] = bw;
          es[ne] = cu;
          c += bw * cu;
          ne++;
        }
      }
      if (!ne) continue;
      // At the silhouette, the edge placed from the full level's partly covered pixels.
      if (c < 1) c = edgeCover(unionAt, x0, y0, fx, fy, sx, sy) ?? c;
      if (c * 255 < 0.5) continue;
      // The two pieces with most weight here.
      let best = -1;
      let bestW = -1;
      let second = -1;
      let secondW = 0;
      for (let t = 0; t < ne; t++) {
        const pid = full.panel[ek[t]];
        if (pid === best || pid === second) continue;
        let s = 0;
        for (let q = t; q < ne; q++) if (full.panel[ek[q]] === pid) s += ew[q] * es[q];
        if (s > bestW) {
          second = best;
          secondW = Math.max(0, bestW);
          best = pid;
          bestW = s;
        } else if (s > secondW) {
          second = pid;
          secondW = s;
        }
      }
      const p = Y * W + X;
      const cc = c * 255;
      if (second < 0 || secondW <= 0) {
        put(p, best, cc, ne);
        shadeHist[shadeQ[m - 1]] += cov[m - 1] / 255;
        continue;
      }
      const top = Math.max(best, second);
      const low = Math.min(best, second);
      const f = (top === best ? bestW : secondW) / (bestW + secondW);
      piece = top;
      const a = edgeCover(pieceAt, x0, y0, fx, fy, sx, sy) ?? Math.max(0, Math.min(1, 0.5 + HD_EDGE_SHARPEN * (f - 0.5)));
      if (a >= 254 / 255 || a <= 1 / 255) {
        put(p, a > 0.5 ? top : low, cc, ne);
        shadeHist[shadeQ[m - 1]] += cov[m - 1] / 255;
        continue;
      }
      // Over: the lower piece with the coverage that, under the upper's c·a, makes the union's c.
      const cu = c * a;
      const cl = c >= 1 ? 1 : (c * (1 - a)) / (1 - cu);
      put(p, low, cl * 255, ne);
      shadeHist[shadeQ[m - 1]] += cl * (1 - cu);
      put(p, top, cu * 255, ne);
      shadeHist[shadeQ[m - 1]] += cu;
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
  const hd: ViewLevel = { width: W, height: H, pxPerMm: full.pxPerMm * 2, base, pix, cov, panel, u, v, shadeQ, shadeHist, overlayPix, overlayRgba };
  // A photographed garment's shade stays measured at HD (its finish fills nothing).
  if (full.shadeMeasured) hd.shadeMeasured = true;
  return hd;
}

/**
 * The cloth's mottle on a drawn full level: per entry (HD interpolates the shading with it divided
 * out) and per HD row, drawn at HD's resolution over the row's span of cloth (the mottle costs some
 * 30 ns a pixel and octave; 1 outside the span).
 */
function hdMottle(full: ViewLevel): { entry: Float32Array; row: (Y: number) => Float32Array } {
  const { width: w, height: h, pix, pxPerMm } = full;
  const W = w * 2;
  const entry = new Float32Array(pix.length);
  // Each full row's span of cloth: its entries lie in raster order.
  const lo = new Int32Array(h).fill(w);
  const hi = new Int32Array(h).fill(-1);
  const fullWeights = octaveWeights(pxPerMm);
  const span = new Float32Array(w);
  for (let k = 0; k < pix.length; ) {
    const y = Math.floor(pix[k] / w);
    let e = k;
    while (e < pix.length && pix[e] < (y + 1) * w) e++;
    lo[y] = pix[k] - y * w;
    hi[y] = pix[e - 1] - y * w;
    reliefRow(span.subarray(0, hi[y] - lo[y] + 1), lo[y], y + 0.5, pxPerMm, fullWeights);
    for (let j = k; j < e; j++) entry[j] = span[pix[j] - y * w - lo[y]];
    k = e;
  }
  const hdWeights = octaveWeights(pxPerMm * 2);
  const row = new Float32Array(W);
  const spanOf = (y: number, pick: Int32Array, none: number) => (y < 0 || y >= h ? none : pick[y]);
  return {
    entry,
    row(Y) {
      row.fill(1);
      // An HD pixel reads the full pixels x0 and x0 + 1 of rows y0 and y0 + 1.
      const y0 = Math.floor((Y + 0.5) / 2 - 0.5);
      const x0 = Math.min(spanOf(y0, lo, w), spanOf(y0 + 1, lo, w));
      const x1 = Math.max(spanOf(y0, hi, -1), spanOf(y0 + 1, hi, -1));
      if (x1 < x0) return row;
      const X0 = Math.max(0, 2 * x0 - 1);
      reliefRow(row.subarray(X0, Math.min(W, 2 * x1 + 3)), X0, Y + 0.5, pxPerMm * 2, hdWeights);
      return row;
    },
  };
}
