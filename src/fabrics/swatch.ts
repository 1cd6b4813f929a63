/**
 * Swatch photos → seamless tiles.
 *
 * An uploaded photo of a piece of cloth is cropped to its middle, relieved of uneven lighting, made
 * seamlessly tileable without smearing its pattern, and measured: its mean colour (linear light →
 * CIELAB) becomes the colour's hex, its width in mm (the admin's input) its scale.
 */
import sharp from 'sharp';
import type { SwatchTile } from '../engines/types.ts';
import { type Lab, linearToSrgb8, linearToHex, linearToLab, meanLinearRgb, SRGB8_TO_LINEAR, SRGB8_TO_LINEAR_F64 } from './color.ts';
import { resamplePeriodic } from './resample.ts';
import { isRectifiedCloth } from './cloth-photo/store.ts';

export interface SwatchCrop {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface SwatchTileOptions {
  /**
   * Real-world width in mm of the photo as given (`image`), as measured by whoever took it. The tile's
   * own widthMm follows from how much of the photo it keeps.
   */
  widthMm: number;
  /**
   * Region of the photo to use, in its (EXIF-rotated) pixels. Default: the whole of a rectified cloth
   * (cloth-photo/store.ts), else the central square, 80 % of the short side.
   */
  crop?: SwatchCrop;
  /** Longest tile edge in px (default 1024); larger crops are area-averaged down in linear light. */
  maxSide?: number;
}

export interface SwatchTileResult {
  tile: SwatchTile;
  /** Mean colour of the tile, averaged in linear light. */
  meanHex: string;
  lab: [number, number, number];
  /** The tile as PNG, for storage and display. */
  png: Buffer;
  /** Pattern repeat found in the photo, in tile px (0 when the cloth shows none on that axis). */
  repeatPx: { x: number; y: number };
}

interface Decoded {
  rgb: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function decode(image: Buffer, crop?: SwatchCrop): Promise<Decoded & { fullWidth: number; fullHeight: number }> {
  // Orient first so crops and widths refer to the picture as a person sees it.
  const oriented = sharp(image, { failOn: 'error' }).rotate();
  const { width: fullWidth, height: fullHeight } = await orientedSize(image);
  let c = crop;
  if (!c && isRectifiedCloth((await sharp(image).metadata()).exif)) {
    // The cloth-photo analysis already cut away everything that is not cloth: use all of it.
    c = { left: 0, top: 0, width: fullWidth, height: fullHeight };
  }
  if (!c) {
    const side = Math.max(1, Math.floor(Math.min(fullWidth, fullHeight) * 0.8));
    c = { left: Math.floor((fullWidth - side) / 2), top: Math.floor((fullHeight - side) / 2), width: side, height: side };
  }
  const left = Math.round(c.left),
    top = Math.round(c.top),
    width = Math.round(c.width),
    height = Math.round(c.height);
  if (left < 0 || top < 0 || width < 8 || height < 8 || left + width > fullWidth || top + height > fullHeight) {
    throw new Error(`crop ${width}×${height}+${left}+${top} does not fit the ${fullWidth}×${fullHeight} photo`);
  }
  const { data, info } = await oriented.extract({ left, top, width, height }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height, channels: info.channels, fullWidth, fullHeight };
}

/** Size of the photo as a person sees it (EXIF orientations 5–8 swap width and height). */
async function orientedSize(image: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(image).metadata();
  if (!meta.width || !meta.height) throw new Error('not an image');
  const swap = (meta.orientation ?? 1) >= 5;
  return swap ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

export async function makeSwatchTile(image: Buffer, opts: SwatchTileOptions): Promise<SwatchTileResult> {
  if (!(opts.widthMm > 0)) throw new Error(`widthMm must be positive, got ${opts.widthMm}`);
  const d = await decode(image, opts.crop);
  const ch = d.channels;
  let w = d.width,
    h = d.height;
  let lin = new Float32Array(w * h * 3);
  const src = new Uint8Array(d.rgb.buffer, d.rgb.byteOffset, d.rgb.length);
  const lut = SRGB8_TO_LINEAR;
  const o1 = ch < 3 ? 0 : 1,
    o2 = ch < 3 ? 0 : 2;
  for (let p = 0, s = 0, q = 0; p < w * h; p++, s += ch, q += 3) {
    lin[q] = lut[src[s]];
    lin[q + 1] = lut[src[s + o1]];
    lin[q + 2] = lut[src[s + o2]];
  }
  // Real width of one photo pixel, before any downscaling.
  let mmPerPx = opts.widthMm / d.fullWidth;
  const maxSide = opts.maxSide ?? 1024;
  if (Math.max(w, h) > maxSide) {
    const k = maxSide / Math.max(w, h);
    const nw = Math.max(8, Math.round(w * k)),
      nh = Math.max(8, Math.round(h * k));
    lin = resamplePeriodic(lin, w, h, 3, nw, nh) as Float32Array<ArrayBuffer>;
    mmPerPx *= w / nw;
    w = nw;
    h = nh;
  }

  const mean0 = meanOf(lin);
  removeLighting(lin, w, h);
  rescaleMean(lin, mean0);

  // Whole pattern repeats keep the tile's own period equal to the cloth's across the seam.
  const profiles = axisProfiles(lin, w, h);
  let px = periodOf(profiles.x);
  let py = periodOf(profiles.y);
  // A check is woven square more often than not: the axis too short to hold the repeat twice is
  // tested for the other axis's repeat, so the tile holds whole repeats both ways.
  if (px > 1.5 * py && py > 0 && px > h / 2) py = repeatNearOf(profiles.y, px) || py;
  else if (py > 1.5 * px && px > 0 && py > w / 2) px = repeatNearOf(profiles.x, py) || px;
  let tw = w,
    th = h,
    ox = 0,
    oy = 0;
  if (px > 0) {
    tw = Math.min(w, Math.round(Math.floor(w / px) * px));
    ox = Math.floor((w - tw) / 2);
  }
  if (py > 0) {
    th = Math.min(h, Math.round(Math.floor(h / py) * py));
    oy = Math.floor((h - th) / 2);
  }
  let work = lin;
  if (tw !== w || th !== h) {
    work = new Float32Array(tw * th * 3);
    for (let y = 0; y < th; y++) work.set(lin.subarray(((y + oy) * w + ox) * 3, ((y + oy) * w + ox + tw) * 3), y * tw * 3);
  }
  const shiftX = px > 0 ? Math.round(Math.floor(tw / px / 2) * px) || Math.floor(tw / 2) : Math.floor(tw / 2);
  const shiftY = py > 0 ? Math.round(Math.floor(th / py / 2) * py) || Math.floor(th / 2) : Math.floor(th / 2);
  const tiled = crossBlend(work, tw, th, shiftX, shiftY);
  rescaleMean(tiled, mean0);

  const rgb = new Uint8Array(tw * th * 3);
  for (let k = 0; k < rgb.length; k++) rgb[k] = linearToSrgb8(tiled[k]);
  const meanLin = meanLinearRgb(rgb, tw, th);
  const lab = linearToLab(meanLin) as Lab;
  const png = await sharp(rgb, { raw: { width: tw, height: th, channels: 3 } })
    .png()
    .toBuffer();
  return {
    tile: { rgb, width: tw, height: th, widthMm: tw * mmPerPx },
    meanHex: linearToHex(meanLin),
    lab,
    png,
    repeatPx: { x: px, y: py },
  };
}

function meanOf(lin: Float32Array): [number, number, number] {
  let r = 0,
    g = 0,
    b = 0;
  for (let k = 0; k < lin.length; k += 3) {
    r += lin[k];
    g += lin[k + 1];
    b += lin[k + 2];
  }
  const n = lin.length / 3;
  return [r / n, g / n, b / n];
}

/**
 * Scale each channel so its mean is `target`, without clipping: if the brightest pixels would pass
 * 1, the gain is applied to the distance from the mean only as far as fits (contrast gives way before
 * colour does).
 */
function rescaleMean(lin: Float32Array, target: [number, number, number]): void {
  for (let c = 0; c < 3; c++) {
    let sum = 0,
      max = 0;
    for (let k = c; k < lin.length; k += 3) {
      sum += lin[k];
      if (lin[k] > max) max = lin[k];
    }
    const m = sum / (lin.length / 3);
    if (m <= 0) continue;
    const g = target[c] / m;
    if (max * g <= 1) {
      for (let k = c; k < lin.length; k += 3) lin[k] *= g;
    } else {
      // Keep the mean exactly: v' = T + a·(v − m)·g with a chosen so the maximum lands on 1.
      const T = target[c];
      const a = Math.max(0, Math.min(1, (1 - T) / ((max - m) * g)));
      for (let k = c; k < lin.length; k += 3) lin[k] = Math.max(0, T + a * (lin[k] - m) * g);
    }
  }
}

/**
 * Lighting is the smooth part of the brightness: a least-squares quadratic surface of log-luminance
 * over a coarse grid. It plays the role of a very heavily blurred copy, but unlike a Gaussian it
 * neither bends at the borders (a ramp stays a ramp to the edge, so the seams get no step) nor picks
 * up a large check as "light".
 */
function removeLighting(lin: Float32Array, w: number, h: number): void {
  const G = 32;
  const gx = Math.min(G, w),
    gy = Math.min(G, h);
  const grid = new Float64Array(gx * gy),
    cnt = new Float64Array(gx * gy);
  for (let y = 0; y < h; y++) {
    const cy = Math.min(gy - 1, Math.floor((y * gy) / h));
    for (let x = 0; x < w; x++) {
      const cx = Math.min(gx - 1, Math.floor((x * gx) / w));
      const k = (y * w + x) * 3;
      grid[cy * gx + cx] += 0.2126729 * lin[k] + 0.7151522 * lin[k + 1] + 0.072175 * lin[k + 2];
      cnt[cy * gx + cx]++;
    }
  }
  // Normal equations for z = c0 + c1 u + c2 v + c3 u² + c4 uv + c5 v², u,v ∈ [-1, 1].
  const M = Array.from({ length: 6 }, () => new Float64Array(6));
  const r = new Float64Array(6);
  const basis = (u: number, v: number) => [1, u, v, u * u, u * v, v * v];
  for (let cy = 0; cy < gy; cy++) {
    for (let cx = 0; cx < gx; cx++) {
      const n = cnt[cy * gx + cx];
      if (!n) continue;
      const z = Math.log(Math.max(1e-5, grid[cy * gx + cx] / n));
      const f = basis(((cx + 0.5) / gx) * 2 - 1, ((cy + 0.5) / gy) * 2 - 1);
      for (let a = 0; a < 6; a++) {
        r[a] += f[a] * z;
        for (let b = 0; b < 6; b++) M[a][b] += f[a] * f[b];
      }
    }
  }
  const c = solve(M, r);
  if (!c) return;
  // Divide by the surface relative to its own mean, so overall exposure is kept.
  const rowGain = new Float32Array(w);
  let meanLog = 0,
    nLog = 0;
  for (let cy = 0; cy < gy; cy++)
    for (let cx = 0; cx < gx; cx++) {
      const f = basis(((cx + 0.5) / gx) * 2 - 1, ((cy + 0.5) / gy) * 2 - 1);
      let z = 0;
      for (let a = 0; a < 6; a++) z += c[a] * f[a];
      meanLog += z;
      nLog++;
    }
  meanLog /= nLog;
  for (let y = 0; y < h; y++) {
    const v = ((y + 0.5) / h) * 2 - 1;
    for (let x = 0; x < w; x++) {
      const u = ((x + 0.5) / w) * 2 - 1;
      rowGain[x] = Math.exp(meanLog - (c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * u * v + c[5] * v * v));
    }
    const o = y * w * 3;
    for (let x = 0; x < w; x++) {
      const g = rowGain[x];
      lin[o + x * 3] *= g;
      lin[o + x * 3 + 1] *= g;
      lin[o + x * 3 + 2] *= g;
    }
  }
}

function solve(M: Float64Array[], r: Float64Array): Float64Array | null {
  const n = r.length;
  const A = M.map((row, i) => [...row, r[i]]);
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let k = i + 1; k < n; k++) if (Math.abs(A[k][i]) > Math.abs(A[p][i])) p = k;
    if (Math.abs(A[p][i]) < 1e-12) return null;
    [A[i], A[p]] = [A[p], A[i]];
    for (let k = i + 1; k < n; k++) {
      const f = A[k][i] / A[i][i];
      for (let j = i; j <= n; j++) A[k][j] -= f * A[i][j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = A[i][n];
    for (let j = i + 1; j < n; j++) s -= A[i][j] * x[j];
    x[i] = s / A[i][i];
  }
  return x;
}

/**
 * A cloth's mean profiles along one axis (each position summed across the other axis), in linear
 * light: luminance, red − green and yellow − blue.
 */
export interface AxisProfiles {
  luma: Float64Array;
  rg: Float64Array;
  yb: Float64Array;
}

function profilesFor(w: number, h: number) {
  const make = (n: number): AxisProfiles => ({ luma: new Float64Array(n), rg: new Float64Array(n), yb: new Float64Array(n) });
  return { x: make(w), y: make(h) };
}

/** Both axes' profiles of a linear RGB image (interleaved), in one pass over it. */
export function axisProfiles(lin: Float32Array, w: number, h: number): { x: AxisProfiles; y: AxisProfiles } {
  const p = profilesFor(w, h);
  const xl = p.x.luma,
    xr = p.x.rg,
    xb = p.x.yb;
  for (let y = 0; y < h; y++) {
    let sl = 0,
      sr = 0,
      sb = 0;
    for (let x = 0, k = y * w * 3; x < w; x++, k += 3) {
      const r = lin[k],
        g = lin[k + 1],
        b = lin[k + 2];
      const l = 0.2126729 * r + 0.7151522 * g + 0.072175 * b,
        d = r - g,
        e = 0.5 * (r + g) - b;
      xl[x] += l;
      xr[x] += d;
      xb[x] += e;
      sl += l;
      sr += d;
      sb += e;
    }
    p.y.luma[y] = sl;
    p.y.rg[y] = sr;
    p.y.yb[y] = sb;
  }
  return p;
}

/** The same profiles of an 8-bit sRGB image, read through the linear-light table (no linear copy). */
export function axisProfilesSrgb8(rgb: Uint8Array, w: number, h: number): { x: AxisProfiles; y: AxisProfiles } {
  const p = profilesFor(w, h);
  const lut = SRGB8_TO_LINEAR_F64;
  const xl = p.x.luma,
    xr = p.x.rg,
    xb = p.x.yb;
  for (let y = 0; y < h; y++) {
    let sl = 0,
      sr = 0,
      sb = 0;
    for (let x = 0, k = y * w * 3; x < w; x++, k += 3) {
      const r = lut[rgb[k]],
        g = lut[rgb[k + 1]],
        b = lut[rgb[k + 2]];
      const l = 0.2126729 * r + 0.7151522 * g + 0.072175 * b,
        d = r - g,
        e = 0.5 * (r + g) - b;
      xl[x] += l;
      xr[x] += d;
      xb[x] += e;
      sl += l;
      sr += d;
      sb += e;
    }
    p.y.luma[y] = sl;
    p.y.rg[y] = sr;
    p.y.yb[y] = sb;
  }
  return p;
}

/**
 * The period (px, fractional) of a woven pattern along an axis, from the autocorrelation of the mean
 * luminance profile; 0 when the cloth shows no clear repeat (solids, random texture). Only periods
 * that fit at least twice are considered. A coloured line (a glen check's overcheck) can repeat at
 * a whole multiple of the luminance period while hardly changing luminance: when the colour
 * profile repeats at such a multiple, that is the cloth's repeat.
 */
export function findPeriod(lin: Float32Array, w: number, h: number, axis: 'x' | 'y'): number {
  return periodOf(axisProfiles(lin, w, h)[axis]);
}

/** findPeriod from an axis's profiles. */
export function periodOf(p: AxisProfiles): number {
  const { luma: prof, rg, yb } = p;
  const n = prof.length;
  const luma = profilePeriod(prof, 6, Math.floor(n / 2));
  const sd = (p: Float64Array) => {
    let m = 0,
      m2 = 0;
    for (const v of p) {
      m += v;
      m2 += v * v;
    }
    return Math.sqrt(Math.max(0, m2 / p.length - (m / p.length) ** 2));
  };
  const chroma = sd(rg) >= sd(yb) ? rg : yb;
  if (sd(chroma) < 0.15 * sd(prof)) return luma;
  const colour = profilePeriod(chroma, 6, Math.floor(n / 2));
  if (colour > 0 && luma > 0 && colour > 1.5 * luma && Math.abs(colour / luma - Math.round(colour / luma)) < 0.15 + 0.04 * (colour / luma)) return colour;
  return luma;
}

/**
 * The repeat (px) near `lag` along an axis, or 0: where the normalised correlation of the cloth's
 * colour and luminance profiles with themselves shifted (over what overlaps, at least a third)
 * peaks above 0.6.
 */
export function repeatNearOf(axis: AxisProfiles, lag: number): number {
  const n = axis.luma.length;
  const L = Math.round(lag);
  if (L > (n * 2) / 3) return 0;
  const profs = [Float64Array.from(axis.luma), Float64Array.from(axis.rg), Float64Array.from(axis.yb)];
  for (const p of profs) {
    // Less the straight-line trend: what is left of the light across the cloth is not pattern.
    let si = 0,
      sv = 0,
      sii = 0,
      siv = 0;
    for (let i = 0; i < n; i++) {
      si += i;
      sv += p[i];
      sii += i * i;
      siv += i * p[i];
    }
    const slope = (n * siv - si * sv) / (n * sii - si * si),
      icpt = (sv - slope * si) / n;
    for (let i = 0; i < n; i++) p[i] -= icpt + slope * i;
  }
  // The other axis's repeat, give or take the 3 % the two axes' scales may differ by.
  let best = -1,
    bestLag = 0;
  for (let lg = Math.floor(L * 0.97); lg <= Math.ceil(L * 1.03) && lg < n - n / 3; lg++) {
    let s = 0,
      e1 = 0,
      e2 = 0;
    for (const p of profs)
      for (let i = 0; i + lg < n; i++) {
        s += p[i] * p[i + lg];
        e1 += p[i] * p[i];
        e2 += p[i + lg] * p[i + lg];
      }
    if (e1 > 0 && e2 > 0 && s / Math.sqrt(e1 * e2) > best) [best, bestLag] = [s / Math.sqrt(e1 * e2), lg];
  }
  return best > 0.6 ? bestLag : 0;
}

/**
 * Fundamental period of a 1-D profile by normalised (non-circular) autocorrelation: the strongest lag
 * in [minLag, maxLag], then the shortest whole fraction of it (lag/2, lag/3, …, still ≥ minLag) that
 * correlates nearly as well — so a stripe's second harmonic does not double the answer, while a glen
 * check's small houndstooth period does not replace its full repeat. Refined to a fraction of a
 * sample by a parabola through the peak; 0 when nothing correlates above 0.5.
 */
export function profilePeriod(profile: ArrayLike<number>, minLag: number, maxLag: number): number {
  const n = profile.length;
  const lo = Math.max(2, Math.floor(minLag));
  const hi = Math.min(Math.ceil(maxLag), n - 3);
  if (hi < lo) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += profile[i];
  mean /= n;
  const p = new Float64Array(n);
  let v0 = 0;
  for (let i = 0; i < n; i++) {
    p[i] = profile[i] - mean;
    v0 += p[i] * p[i];
  }
  if (v0 <= 1e-12 * n) return 0;
  const ac = new Float64Array(hi + 2);
  for (let lag = Math.max(1, lo - 1); lag <= hi + 1; lag++) {
    let s = 0,
      e1 = 0,
      e2 = 0;
    for (let i = 0; i + lag < n; i++) {
      s += p[i] * p[i + lag];
      e1 += p[i] * p[i];
      e2 += p[i + lag] * p[i + lag];
    }
    ac[lag] = e1 > 0 && e2 > 0 ? s / Math.sqrt(e1 * e2) : 0;
  }
  let best = 0;
  for (let lag = lo; lag <= hi; lag++) if (ac[lag] > 0.5 && (!best || ac[lag] > ac[best])) best = lag;
  if (!best) return 0;
  const refine = (l: number) => {
    const a = ac[l - 1],
      b = ac[l],
      c = ac[l + 1];
    const den = a - 2 * b + c;
    return l + (den < 0 ? (0.5 * (a - c)) / den : 0);
  };
  let period = refine(best);
  for (let k = Math.floor(best / lo); k >= 2; k--) {
    // The local maximum nearest best/k.
    let l = Math.round(best / k);
    if (l < lo) continue;
    while (l + 1 <= hi && ac[l + 1] > ac[l]) l++;
    while (l - 1 >= lo && ac[l - 1] > ac[l]) l--;
    if (ac[l] >= ac[best] - 0.05 && Math.abs(l * k - best) <= k + 1) {
      period = refine(l);
      break;
    }
  }
  return period;
}

/**
 * Seamless by cross-blending four copies: the photo, and the photo rolled by (shiftX, 0), (0, shiftY)
 * and (shiftX, shiftY). Near each edge the rolled copy takes over, and the rolled copy's own edge
 * meets itself across the tile border, so left meets right and top meets bottom. When the shifts are
 * whole pattern repeats, all four copies show the same pattern in the same place: no ghost images.
 * The blend keeps texture contrast (variance-preserving: deviations are summed with weights
 * normalised by the spread the weighted sum would have), so the blend zone does not look washed
 * out. How much the copies agree is measured, not assumed: random texture differs from copy to copy
 * (root-sum-square weights), while stripes, whole repeats and broad shading are the same in the
 * copies that share them (plain weights) — assuming otherwise would double them where copies meet.
 */
/** Correlation (0..1) of the tile's luminance with itself rolled by (dx, dy), on every 3rd px. */
function copyCorrelation(src: Float32Array, w: number, h: number, dx: number, dy: number): number {
  let m = 0,
    n = 0;
  for (let y = 0; y < h; y += 3) for (let x = 0; x < w; x += 3, n++) m += src[(y * w + x) * 3 + 1];
  m /= n;
  let s = 0,
    e = 0;
  for (let y = 0; y < h; y += 3) {
    const y2 = (y + dy) % h;
    for (let x = 0; x < w; x += 3) {
      const p = src[(y * w + x) * 3 + 1] - m,
        q = src[(y2 * w + ((x + dx) % w)) * 3 + 1] - m;
      s += p * q;
      e += p * p;
    }
  }
  return e > 0 ? Math.max(0, Math.min(1, s / e)) : 0;
}

function crossBlend(src: Float32Array, w: number, h: number, shiftX: number, shiftY: number): Float32Array {
  const out = new Float32Array(src.length);
  const mean = meanOf(src);
  const band = (n: number) => Math.max(2, Math.round(n * 0.22));
  const bx = band(w),
    by = band(h);
  const ramp = (i: number, n: number, b: number) => {
    const d = Math.min(i + 0.5, n - i - 0.5) / b;
    const t = Math.min(d, 1);
    return t * t * (3 - 2 * t);
  };
  const wx = new Float32Array(w),
    wy = new Float32Array(h);
  for (let x = 0; x < w; x++) wx[x] = ramp(x, w, bx);
  for (let y = 0; y < h; y++) wy[y] = ramp(y, h, by);
  const rhoX = copyCorrelation(src, w, h, shiftX, 0),
    rhoY = copyCorrelation(src, w, h, 0, shiftY);
  const rhoXY = copyCorrelation(src, w, h, shiftX, shiftY),
    rhoAnti = copyCorrelation(src, w, h, shiftX, h - shiftY);
  for (let y = 0; y < h; y++) {
    const y2 = (y + shiftY) % h;
    for (let x = 0; x < w; x++) {
      const x2 = (x + shiftX) % w;
      const a = wx[x] * wy[y],
        b = (1 - wx[x]) * wy[y],
        c = wx[x] * (1 - wy[y]),
        d = (1 - wx[x]) * (1 - wy[y]);
      // Copies: 0 as is, 1 rolled in x, 2 in y, 3 in both; pairs differ by those rolls.
      const spread = a * a + b * b + c * c + d * d + 2 * (a * b * rhoX + a * c * rhoY + a * d * rhoXY + b * c * rhoAnti + b * d * rhoY + c * d * rhoX);
      const norm = 1 / Math.sqrt(Math.max(1e-6, spread));
      const k0 = (y * w + x) * 3,
        k1 = (y * w + x2) * 3,
        k2 = (y2 * w + x) * 3,
        k3 = (y2 * w + x2) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const m = mean[ch];
        const v = m + (a * (src[k0 + ch] - m) + b * (src[k1 + ch] - m) + c * (src[k2 + ch] - m) + d * (src[k3 + ch] - m)) * norm;
        out[k0 + ch] = Math.max(v, 0);
      }
    }
  }
  return out;
}

export type SwatchProblemCode = 'too_small' | 'blurred' | 'too_dark' | 'overexposed';

export interface SwatchProblem {
  code: SwatchProblemCode;
  /** A sentence for the person who took the photo. */
  message: string;
}

export interface SwatchPhotoReport {
  width: number;
  height: number;
  /**
   * Variance of the Laplacian of the grey image, contrast-normalised (1st–99th percentile stretched to
   * 0..255) and measured at most 1024 px on the long side. In-focus cloth photos score in the
   * thousands; below a few hundred the weave is smeared.
   */
  sharpness: number;
  /** Fraction of pixels at or near white in any channel. */
  clipped: number;
  /** Mean grey level 0..255. */
  brightness: number;
  problems: SwatchProblem[];
}

export interface SwatchAssessOptions {
  /** Shortest side in px a usable photo needs (default 256). */
  minSide?: number;
  /** Sharpness (see SwatchPhotoReport) below which the photo counts as out of focus (default 400). */
  minSharpness?: number;
}

/** Everything measured about a swatch photo, with any problems found. */
export async function inspectSwatchPhoto(image: Buffer, opts: SwatchAssessOptions = {}): Promise<SwatchPhotoReport> {
  const minSide = opts.minSide ?? 256;
  const minSharpness = opts.minSharpness ?? 400;
  const base = sharp(image, { failOn: 'error' }).rotate();
  const { data, info } = await base
    .clone()
    .resize({ width: 1024, height: 1024, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = await orientedSize(image);
  const w = info.width,
    h = info.height,
    ch = info.channels;
  // Contrast-normalise first (1st–99th percentile → 0..255): a dark navy worsted in focus has far
  // less raw Laplacian energy than a camel one out of focus; focus is about edges, not exposure.
  const hist = new Uint32Array(256);
  let bright = 0,
    clipped = 0;
  for (let p = 0; p < w * h; p++) {
    const v = data[p * ch];
    hist[v]++;
    bright += v;
    if (v >= 250) clipped++;
  }
  const pct = (q: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v];
      if (acc >= q * w * h) return v;
    }
    return 255;
  };
  const gain = 255 / Math.max(8, pct(0.99) - pct(0.01));
  let sum = 0,
    sum2 = 0,
    n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const k = (y * w + x) * ch;
      const lap = (data[k - ch] + data[k + ch] + data[k - w * ch] + data[k + w * ch] - 4 * data[k]) * gain;
      sum += lap;
      sum2 += lap * lap;
      n++;
    }
  }
  const sharpness = n ? sum2 / n - (sum / n) ** 2 : 0;
  const brightness = bright / (w * h);
  const clippedFrac = clipped / (w * h);
  const problems: SwatchProblem[] = [];
  if (Math.min(width, height) < minSide) {
    problems.push({
      code: 'too_small',
      message: `The photo is ${width} × ${height} pixels; it needs at least ${minSide} pixels on its short side to show the weave. Move closer or use the camera's full resolution.`,
    });
  }
  if (sharpness < minSharpness) {
    problems.push({
      code: 'blurred',
      message: `The photo looks out of focus (sharpness ${Math.round(sharpness)}, needs ${minSharpness}). Hold the camera steady, tap the cloth to focus, and try again in good light.`,
    });
  }
  if (clippedFrac > 0.05) {
    problems.push({
      code: 'overexposed',
      message: `${Math.round(clippedFrac * 100)} % of the photo is blown out to white; avoid direct light or flash on the cloth.`,
    });
  }
  if (brightness < 8) {
    problems.push({ code: 'too_dark', message: 'The photo is almost black; take it in better light.' });
  }
  return { width, height, sharpness, clipped: clippedFrac, brightness, problems };
}

/**
 * The first problem that makes a swatch photo unusable (with the full list on it), or null when the
 * photo is fine. Problems are phrased for the person holding the camera.
 */
export async function assessSwatchPhoto(
  image: Buffer,
  opts: SwatchAssessOptions = {},
): Promise<(SwatchProblem & { problems: SwatchProblem[]; report: SwatchPhotoReport }) | null> {
  const report = await inspectSwatchPhoto(image, opts);
  if (!report.problems.length) return null;
  return { ...report.problems[0], problems: report.problems, report };
}
