/**
 * Photo templates: a photo of a model in a light, plain suit plus its garment mask (white = cloth).
 * The photo's own colour vanishes: only its luminance, normalised by its mean over the mask, is kept as
 * shading (folds, light, shadow), and the cloth is displaced along the smoothed luminance gradient so
 * the pattern follows the folds.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SRGB8_TO_LINEAR } from '../fabrics/color.ts';
import { foldSmoothingBand, softenMaskWindow } from './band-blur.ts';
import { blur, blurWhereNeeded, boxRadius } from './raster-ops.ts';
import { buildLevels, LEVEL_FACTORS, surroundingsLevel } from './levels.ts';
import { SHADE_LEVELS, SHADE_ONE, type CutView, type ViewLevel } from './types.ts';

export interface PhotoTemplateOptions {
  cut?: string;
  view?: string;
  /** Scale of the garment in the photo at the output size. A 1600 px photo from the head to mid-thigh is ≈ 1.35 px/mm. */
  pxPerMm?: number;
  /** Output size (native); the photo is resized to cover it. Defaults to 1024×1536. */
  width?: number;
  height?: number;
  /** Straight grain in degrees from vertical. */
  grainAngle?: number;
  /** Strength of the fold displacement in px per unit of normalised luminance gradient. */
  foldWarp?: number;
  /**
   * Where the cloth fields are worked out: over the garment's bounding box and a margin (default), or
   * over the whole image. The template is the same either way; 'whole' is there to show it.
   */
  fieldsOver?: 'garment' | 'whole';
}

const LUMA_LUT = SRGB8_TO_LINEAR;

/**
 * How far beyond the garment the cloth fields are worked out: more than the mask's softening (three
 * box passes of radius 1) plus the fold smoothing (three of radius 6) plus the gradient's pixel reach.
 */
const WINDOW_MARGIN = 32;

/** Bounding box of the mask's non-zero pixels (x1, y1 exclusive), or undefined when it is empty. */
function maskBox(mask: Uint8Array, w: number, h: number): { x0: number; y0: number; x1: number; y1: number } | undefined {
  let x0 = w;
  let x1 = -1;
  let y0 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let first = -1;
    for (let x = 0; x < w; x++) {
      if (mask[row + x]) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    if (y0 < 0) y0 = y;
    y1 = y + 1;
    if (first < x0) x0 = first;
    for (let x = w - 1; x > x1; x--) {
      if (mask[row + x]) {
        x1 = x;
        break;
      }
    }
  }
  return y0 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1 };
}

/**
 * The reference preparation, dense planes pass by pass (over the garment's window, or the whole image
 * with `fieldsOver: 'whole'`): what `loadPhotoTemplate` must equal. Kept for the tests and the bench.
 */
export async function referencePhotoTemplate(base: Buffer, mask: Buffer, opts: PhotoTemplateOptions = {}): Promise<CutView> {
  const w = opts.width ?? 1024;
  const h = opts.height ?? 1536;
  const [photoBuf, maskBuf] = await Promise.all([
    sharp(base).rotate().resize(w, h, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer(),
    sharp(mask).rotate().resize(w, h, { fit: 'cover' }).greyscale().raw().toBuffer(),
  ]);
  const photo = new Uint8Array(photoBuf.buffer, photoBuf.byteOffset, photoBuf.length);

  // Every cloth field is worked out only over the garment's bounding box and a margin wider than the
  // blurs reach: outside it they are all zero, so the result is the same, and a garment that fills a
  // third of a 12 MP photo costs a third. The window starts at multiples of 4 so that every level's
  // pixel blocks line up with the whole image's.
  const box = opts.fieldsOver === 'whole' ? undefined : maskBox(maskBuf, w, h);
  const x0 = box ? Math.max(0, (box.x0 - WINDOW_MARGIN) & ~3) : 0;
  const y0 = box ? Math.max(0, (box.y0 - WINDOW_MARGIN) & ~3) : 0;
  const cw = box ? Math.min(w, box.x1 + WINDOW_MARGIN) - x0 : w;
  const ch = box ? Math.min(h, box.y1 + WINDOW_MARGIN) - y0 : h;
  const n = cw * ch;

  // Masks are often hard-edged: soften by a pixel so the cloth's edge is anti-aliased.
  const m = new Float32Array(n);
  for (let y = 0; y < ch; y++) {
    const src = (y + y0) * w + x0;
    const dst = y * cw;
    for (let x = 0; x < cw; x++) m[dst + x] = maskBuf[src + x] / 255;
  }
  const ms = blurWhereNeeded(m, cw, ch, 0.8);
  const coverage = new Uint8Array(n);
  const panelOf = new Uint8Array(n).fill(255);
  for (let i = 0; i < n; i++) {
    const c = Math.round(Math.min(1, Math.max(0, ms[i])) * 255);
    coverage[i] = c;
    if (c) panelOf[i] = 0;
  }

  // Linear luminance, and its mean over the garment: the multiplier keeps the photo's light, not its colour.
  const lum = new Float32Array(n);
  let sum = 0;
  let wsum = 0;
  let minX = w;
  let minY = h;
  let maxX = 0;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      const p = ((y + y0) * w + x + x0) * 3;
      const l = 0.2126 * LUMA_LUT[photo[p]] + 0.7152 * LUMA_LUT[photo[p + 1]] + 0.0722 * LUMA_LUT[photo[p + 2]];
      lum[i] = l;
      if (coverage[i] === 255) {
        sum += l;
        wsum++;
        if (x + x0 < minX) minX = x + x0;
        if (x + x0 > maxX) maxX = x + x0;
        if (y + y0 < minY) minY = y + y0;
      }
    }
  }
  const mean = wsum ? sum / wsum : 1;
  const shade = new Float32Array(n);
  for (let i = 0; i < n; i++) if (coverage[i]) shade[i] = lum[i] / mean;

  // Displacement from the smoothed, normalised luminance: cloth turning away from the light is where
  // it folds, so the pattern is pushed along that gradient. (The image's border rows and columns are
  // left undisplaced, as they always were.)
  const smooth = blur(shade, cw, ch, 6);
  const dispX = new Float32Array(n);
  const dispY = new Float32Array(n);
  const k = opts.foldWarp ?? 14;
  for (let y = Math.max(1, 1 - y0); y < Math.min(ch - 1, h - 1 - y0); y++) {
    for (let x = Math.max(1, 1 - x0); x < Math.min(cw - 1, w - 1 - x0); x++) {
      const i = y * cw + x;
      if (!coverage[i]) continue;
      dispX[i] = (smooth[i + 1] - smooth[i - 1]) * 0.5 * k;
      dispY[i] = (smooth[i + cw] - smooth[i - cw]) * 0.5 * k;
    }
  }

  const pxPerMm = opts.pxPerMm ?? 1.35;
  const panel = {
    id: 'garment',
    kind: 'forepart' as const,
    grainAngle: opts.grainAngle ?? 0,
    pxPerMm,
    anchor: [minX < maxX ? (minX + maxX) / 2 : w / 2, minY < h ? minY : 0] as [number, number],
    loft: 0,
    round: 0,
  };
  const levels = await buildLevels({
    width: cw,
    height: ch,
    window: { x: x0, y: y0, fullWidth: w, fullHeight: h },
    pxPerMm,
    base: photo,
    coverage,
    panelOf,
    shade,
    dispX,
    dispY,
    panels: [panel],
  });
  const version = createHash('sha256').update('photo-1').update(base).update(mask).update(JSON.stringify(opts)).digest('hex').slice(0, 16);
  return {
    cut: opts.cut ?? 'photo',
    view: opts.view ?? 'front',
    width: w,
    height: h,
    version,
    pxPerMm,
    panels: [panel],
    levels,
  };
}

/**
 * Typed arrays over shared memory: a prepared template is made once, on one render thread, and handed
 * to every other thread (posting a SharedArrayBuffer shares it, it does not copy it).
 */
function sharedArray<T extends Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array>(
  ctor: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * ctor.BYTES_PER_ELEMENT), 0, length);
}

function sharedCopy<T extends Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array>(
  src: T,
  ctor: { new (buffer: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T {
  const out = sharedArray(ctor, src.length);
  out.set(src as never);
  return out;
}

/** c / 255 for every byte (the histogram adds it for every garment pixel). */
const INV255 = Float64Array.from({ length: 256 }, (_, c) => c / 255);

/** Fold smoothing of the shading (σ in px): the displacement follows this blur's gradient. */
const FOLD_SIGMA = 6;

/**
 * What a photo template needs of the photo alone, whatever mask is painted on it: worked out once per
 * photo (when it is uploaded, before any mask is painted), in shared memory. A new mask then costs
 * only its own pass over the garment.
 */
export interface PhotoFields {
  width: number;
  height: number;
  /** Digest of the photo's bytes and size (part of every template version made from it). */
  digest: string;
  /** sRGB of the whole photo at the template's size: the full level's base. */
  rgb: Uint8Array;
  /** Linear luminance blurred as the fold smoothing blurs the shading (whole image, edges clamped). */
  lumBlur: Float32Array;
  /** The preview and thumbnail levels' bases (the photo at half and a quarter size). */
  previewBase: Uint8Array;
  thumbBase: Uint8Array;
}

export function photoFieldsBytes(p: PhotoFields): number {
  return p.rgb.byteLength + p.lumBlur.byteLength + p.previewBase.byteLength + p.thumbBase.byteLength + 256;
}

/** Decodes the photo at the template size and works out its mask-independent fields (~0.6 s of CPU at 12 MP). */
export async function preparePhoto(base: Buffer, size: { width?: number; height?: number } = {}): Promise<PhotoFields> {
  const w = size.width ?? 1024;
  const h = size.height ?? 1536;
  const decoded = await sharp(base).rotate().resize(w, h, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const rgb = sharedCopy(new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length), Uint8Array);
  const n = w * h;
  const lum = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) lum[i] = 0.2126 * LUMA_LUT[rgb[p]] + 0.7152 * LUMA_LUT[rgb[p + 1]] + 0.0722 * LUMA_LUT[rgb[p + 2]];
  const lumBlur = sharedCopy(blur(lum, w, h, FOLD_SIGMA), Float32Array);
  const [previewBase, thumbBase] = await Promise.all(
    [LEVEL_FACTORS.preview, LEVEL_FACTORS.thumb].map(async (f) => sharedCopy((await surroundingsLevel(rgb, undefined, w, h, f)).base, Uint8Array)),
  );
  const digest = createHash('sha256').update('photo-2').update(base).update(`${w}x${h}`).digest('hex').slice(0, 24);
  return { width: w, height: h, digest, rgb, lumBlur, previewBase, thumbBase };
}

/** A photo template: the photo prepared and the mask decoded in one go (preparePhoto + photoTemplateFrom). */
export async function loadPhotoTemplate(base: Buffer, mask: Buffer, opts: PhotoTemplateOptions = {}): Promise<CutView> {
  if (opts.fieldsOver === 'whole') return referencePhotoTemplate(base, mask, opts);
  return photoTemplateFrom(await preparePhoto(base, opts), mask, opts);
}

/**
 * Decoded mask at the photo's size, as the reference decodes it. A stored mask is already the photo's
 * size and upright: a greyscale PNG (what the studio stores) decodes straight to its bytes, which are
 * what libvips' greyscale gives (checked for every grey level), a fifth of the cost of the RGB way;
 * an RGB one whose channels agree (R = G = B) gives its first channel; anything else takes the
 * reference's way.
 */
async function decodeMask(mask: Buffer, w: number, h: number): Promise<Uint8Array> {
  const meta = await sharp(mask).metadata();
  const upright = meta.width === w && meta.height === h && !(meta.orientation && meta.orientation > 1) && !meta.hasAlpha && !meta.hasProfile;
  if (upright && meta.channels === 1 && meta.depth === 'uchar') {
    const grey = await sharp(mask).toColourspace('b-w').raw().toBuffer();
    if (grey.length === w * h) return new Uint8Array(grey.buffer, grey.byteOffset, grey.length);
  }
  if (upright && meta.channels === 3) {
    const rgb = await sharp(mask).raw().toBuffer();
    if (rgb.length === w * h * 3) {
      const grey = new Uint8Array(w * h);
      let grey3 = true;
      for (let i = 0, p = 0; i < grey.length; i++, p += 3) {
        const v = rgb[p];
        if (rgb[p + 1] !== v || rgb[p + 2] !== v) {
          grey3 = false;
          break;
        }
        grey[i] = v;
      }
      if (grey3) return grey;
    }
  }
  const buf = await sharp(mask).rotate().resize(w, h, { fit: 'cover' }).greyscale().raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** One coarser level's cloth, accumulated block row by block row during the garment pass. */
class CoarseLevel {
  readonly W: number;
  readonly H: number;
  readonly X0: number;
  readonly X1: number;
  readonly Y0: number;
  readonly Y1: number;
  readonly covSum: Float64Array;
  readonly shadeSum: Float64Array;
  readonly su: Float64Array;
  readonly sv: Float64Array;
  readonly sn: Int32Array;
  pix: Int32Array;
  cov: Float32Array;
  shade: Float32Array;
  u: Float32Array;
  v: Float32Array;
  count = 0;

  constructor(
    readonly factor: number,
    fullW: number,
    fullH: number,
    ox: number,
    oy: number,
    cw: number,
    ch: number,
  ) {
    this.W = Math.floor(fullW / factor);
    this.H = Math.floor(fullH / factor);
    this.X0 = ox / factor;
    this.Y0 = oy / factor;
    this.X1 = Math.min(this.W, Math.floor((ox + cw) / factor));
    this.Y1 = Math.min(this.H, Math.floor((oy + ch) / factor));
    const span = Math.max(0, this.X1 - this.X0);
    this.covSum = new Float64Array(span);
    this.shadeSum = new Float64Array(span);
    this.su = new Float64Array(span);
    this.sv = new Float64Array(span);
    this.sn = new Int32Array(span);
    const cap = span * Math.max(0, this.Y1 - this.Y0);
    this.pix = new Int32Array(cap);
    this.cov = new Float32Array(cap);
    this.shade = new Float32Array(cap);
    this.u = new Float32Array(cap);
    this.v = new Float32Array(cap);
  }

  /**
   * The level row Y is complete: its blocks with cloth become entries (as levels.ts's clothAtFactor
   * makes them), and its sums are added into the next coarser level's row when there is one.
   */
  flush(Y: number, coarser?: CoarseLevel): void {
    const { factor, covSum, shadeSum, su, sv, sn } = this;
    const inv = 1 / (factor * factor);
    if (coarser) {
      const cLen = coarser.covSum.length;
      for (let j = 0; j < covSum.length; j++) {
        const b = j >> 1;
        if (b >= cLen || sn[j] === 0) continue;
        coarser.covSum[b] += covSum[j];
        coarser.shadeSum[b] += shadeSum[j];
        coarser.su[b] += su[j];
        coarser.sv[b] += sv[j];
        coarser.sn[b] += sn[j];
      }
    }
    for (let j = 0; j < covSum.length; j++) {
      const c = covSum[j];
      if (c === 0) continue;
      const k = this.count++;
      this.pix[k] = Y * this.W + this.X0 + j;
      this.cov[k] = c * inv;
      this.shade[k] = shadeSum[j] / c;
      this.u[k] = su[j] / sn[j] / factor - 0.5;
      this.v[k] = sv[j] / sn[j] / factor - 0.5;
    }
    covSum.fill(0);
    shadeSum.fill(0);
    su.fill(0);
    sv.fill(0);
    sn.fill(0);
  }
}

/**
 * A level's sparse arrays in shared memory, its shading normalised and quantised exactly as
 * levels.ts's buildLevel does it.
 */
function finishLevel(
  count: number,
  W: number,
  H: number,
  pxPerMm: number,
  base: Uint8Array,
  src: { pix: Int32Array; cov: Float32Array; shade: Float32Array; u: Float32Array; v: Float32Array },
): ViewLevel {
  let wsum = 0;
  let ssum = 0;
  for (let j = 0; j < count; j++) {
    wsum += src.cov[j];
    ssum += src.cov[j] * src.shade[j];
  }
  const norm = wsum > 0 ? wsum / ssum : 1;
  const cov = sharedArray(Uint8Array, count);
  const shadeQ = sharedArray(Uint16Array, count);
  const shadeHist = sharedArray(Float64Array, SHADE_LEVELS);
  for (let k = 0; k < count; k++) {
    const c = Math.max(1, Math.min(255, Math.round(src.cov[k])));
    const q = Math.max(0, Math.min(SHADE_LEVELS - 1, Math.round(src.shade[k] * norm * SHADE_ONE)));
    cov[k] = c;
    shadeQ[k] = q;
    shadeHist[q] += c / 255;
  }
  const fit = <T extends Int32Array | Float32Array>(a: T, ctor: typeof Int32Array | typeof Float32Array): T =>
    a.buffer instanceof SharedArrayBuffer && a.length === count ? a : (sharedCopy(a.subarray(0, count) as never, ctor as never) as T);
  return {
    width: W,
    height: H,
    pxPerMm,
    base,
    pix: fit(src.pix, Int32Array),
    cov,
    panel: sharedArray(Uint8Array, count),
    u: fit(src.u, Float32Array),
    v: fit(src.v, Float32Array),
    shadeQ,
    shadeHist,
    overlayPix: sharedArray(Int32Array, 0),
    overlayRgba: sharedArray(Uint8Array, 0),
    shadeMeasured: true,
  };
}

/**
 * The template for one painted mask on a prepared photo: the same template as the reference makes
 * (every array identical but the texture coordinates, which agree to a few millionths of a texel:
 * the fold smoothing inside the garment comes from the photo's blurred luminance, and is blurred
 * afresh only near the mask's edges), in one pass over the garment instead of a dozen dense planes.
 */
export async function photoTemplateFrom(photo: PhotoFields, mask: Buffer, opts: PhotoTemplateOptions = {}): Promise<CutView> {
  const w = photo.width;
  const h = photo.height;
  if ((opts.width ?? w) !== w || (opts.height ?? h) !== h) throw new Error('the photo was prepared at another size');
  const maskBuf = await decodeMask(mask, w, h);

  // The garment's window, as the reference places it.
  const box = maskBox(maskBuf, w, h);
  const x0 = box ? Math.max(0, (box.x0 - WINDOW_MARGIN) & ~3) : 0;
  const y0 = box ? Math.max(0, (box.y0 - WINDOW_MARGIN) & ~3) : 0;
  const cw = box ? Math.min(w, box.x1 + WINDOW_MARGIN) - x0 : 0;
  const ch = box ? Math.min(h, box.y1 + WINDOW_MARGIN) - y0 : 0;
  const n = cw * ch;

  // Coverage: the mask softened by a pixel (only its edges are worked).
  const coverage = softenMaskWindow(maskBuf, w, x0, y0, cw, ch);

  // The garment's pixels (the full level's entries) in raster order, row by row, with their linear
  // luminance and its mean over the fully covered pixels: then every later loop walks the garment
  // alone, not the window around it.
  const rgb = photo.rgb;
  let count = 0;
  for (let i = 0; i < n; i++) if (coverage[i]) count++;
  const at = new Int32Array(count);
  const rowStart = new Int32Array(ch + 1);
  const shade = new Float32Array(n);
  let sum = 0;
  let wsum = 0;
  let minX = w;
  let minY = h;
  let maxX = 0;
  let e = 0;
  for (let y = 0; y < ch; y++) {
    rowStart[y] = e;
    const row = y * cw;
    let first = -1;
    let last = -1;
    for (let x = 0, p = ((y + y0) * w + x0) * 3; x < cw; x++, p += 3) {
      const c = coverage[row + x];
      if (!c) continue;
      const l = 0.2126 * LUMA_LUT[rgb[p]] + 0.7152 * LUMA_LUT[rgb[p + 1]] + 0.0722 * LUMA_LUT[rgb[p + 2]];
      shade[row + x] = l;
      at[e++] = row + x;
      if (c === 255) {
        sum += l;
        wsum++;
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (first + x0 < minX) minX = first + x0;
      if (last + x0 > maxX) maxX = last + x0;
      if (y + y0 < minY) minY = y + y0;
    }
  }
  rowStart[ch] = e;
  const mean = wsum ? sum / wsum : 1;
  // The full level's shading normalisation (its entries are these pixels in this order), so that the
  // garment pass can quantise at once.
  let covSum = 0;
  let covShade = 0;
  for (let k = 0; k < count; k++) {
    const i = at[k];
    const c = coverage[i];
    const s = Math.fround(shade[i] / mean);
    shade[i] = s;
    covSum += c;
    covShade += c * s;
  }
  const norm = covSum > 0 ? covSum / covShade : 1;

  const smooth = foldSmoothingBand(shade, coverage, cw, ch, x0, y0, w, photo.lumBlur, mean, boxRadius(FOLD_SIGMA));

  const pxPerMm = opts.pxPerMm ?? 1.35;
  const panel = {
    id: 'garment',
    kind: 'forepart' as const,
    grainAngle: opts.grainAngle ?? 0,
    pxPerMm,
    anchor: [minX < maxX ? (minX + maxX) / 2 : w / 2, minY < h ? minY : 0] as [number, number],
    loft: 0,
    round: 0,
  };

  // One pass over the garment: displacement, texture coordinates, the full level's entries, and the
  // preview's blocks, each finished row of which is added into the thumbnail's (as levels.ts's
  // nativeUV, clothAtFactor1 and clothAtFactor make them: a block's sums are of 8-bit coverages and
  // float32 values of one neighbourhood, exact in double whatever the order of adding).
  const t = (panel.grainAngle * Math.PI) / 180;
  const rc = Math.cos(t);
  const rs = Math.sin(t);
  const rk = pxPerMm / panel.pxPerMm;
  const ax = panel.anchor[0];
  const ay = panel.anchor[1];
  const k = opts.foldWarp ?? 14;
  const fround = Math.fround;
  const pix = sharedArray(Int32Array, count);
  const fu = sharedArray(Float32Array, count);
  const fv = sharedArray(Float32Array, count);
  const fcov = sharedArray(Uint8Array, count);
  const fq = sharedArray(Uint16Array, count);
  const fhist = sharedArray(Float64Array, SHADE_LEVELS);
  const preview = new CoarseLevel(LEVEL_FACTORS.preview, w, h, x0, y0, cw, ch);
  const thumb = new CoarseLevel(LEVEL_FACTORS.thumb, w, h, x0, y0, cw, ch);
  if (LEVEL_FACTORS.thumb !== 2 * LEVEL_FACTORS.preview) throw new Error('the thumbnail level must be half the preview');
  const pcov = preview.covSum;
  const pshade = preview.shadeSum;
  const psu = preview.su;
  const psv = preview.sv;
  const psn = preview.sn;
  const pX0 = preview.X0;
  const pLen = pcov.length;
  const qMax = SHADE_LEVELS - 1;
  const qScale = norm * SHADE_ONE;
  const yd0 = Math.max(1, 1 - y0);
  const yd1 = Math.min(ch - 1, h - 1 - y0);
  const xd0 = Math.max(1, 1 - x0);
  const xd1 = Math.min(cw - 1, w - 1 - x0);
  for (let y = 0; y < ch; y++) {
    const gy = y + y0;
    const inPreview = gy >> 1 < preview.Y1;
    const dispRow = y >= yd0 && y < yd1;
    const row = y * cw;
    const end = rowStart[y + 1];
    for (let j = rowStart[y]; j < end; j++) {
      const i = at[j];
      const x = i - row;
      const c = coverage[i];
      let dx = 0;
      let dy = 0;
      if (dispRow && x >= xd0 && x < xd1) {
        dx = fround((smooth[i + 1] - smooth[i - 1]) * 0.5 * k);
        dy = fround((smooth[i + cw] - smooth[i - cw]) * 0.5 * k);
      }
      const gx = x + x0;
      const qx = gx + 0.5 + dx - ax;
      const qy = gy + 0.5 + dy - ay;
      const u = fround((qx * rc - qy * rs) * rk);
      const v = fround((qx * rs + qy * rc) * rk);
      const s = shade[i];
      pix[j] = gy * w + gx;
      fcov[j] = c;
      let q = Math.round(s * qScale);
      if (q > qMax) q = qMax;
      if (!(q >= 0)) q = 0;
      fq[j] = q;
      fhist[q] += INV255[c];
      fu[j] = u - 0.5;
      fv[j] = v - 0.5;
      if (inPreview) {
        const b = (gx >> 1) - pX0;
        if (b < pLen) {
          pcov[b] += c;
          pshade[b] += s * c;
          psu[b] += u;
          psv[b] += v;
          psn[b]++;
        }
      }
    }
    if ((gy & 1) === 1 && inPreview) preview.flush(gy >> 1, gy >> 2 < thumb.Y1 ? thumb : undefined);
    if ((gy & 3) === 3 && gy >> 2 < thumb.Y1) thumb.flush(gy >> 2);
  }

  const levels = {
    full: {
      width: w,
      height: h,
      pxPerMm,
      base: photo.rgb,
      pix,
      cov: fcov,
      panel: sharedArray(Uint8Array, count),
      u: fu,
      v: fv,
      shadeQ: fq,
      shadeHist: fhist,
      overlayPix: sharedArray(Int32Array, 0),
      overlayRgba: sharedArray(Uint8Array, 0),
      shadeMeasured: true,
    },
    preview: finishLevel(preview.count, preview.W, preview.H, pxPerMm / preview.factor, photo.previewBase, preview),
    thumb: finishLevel(thumb.count, thumb.W, thumb.H, pxPerMm / thumb.factor, photo.thumbBase, thumb),
  };
  const version = createHash('sha256').update(photo.digest).update(mask).update(JSON.stringify(opts)).digest('hex').slice(0, 16);
  return { cut: opts.cut ?? 'photo', view: opts.view ?? 'front', width: w, height: h, version, pxPerMm, panels: [panel], levels };
}

/**
 * A photo template at another scale (px/mm): the same arrays, shared, not copied. Scale only chooses
 * at what px/mm the cloth is woven (each level's texture); the per-pixel fields are in pixels (the
 * garment pass works at rk = 1 whatever the scale), so one mask's preparation serves every position
 * of the scale slider.
 */
export function photoTemplateAtScale(cv: CutView, pxPerMm: number): CutView {
  if (cv.pxPerMm === pxPerMm) return cv;
  const r = pxPerMm / cv.pxPerMm;
  const levels = { ...cv.levels };
  for (const k of Object.keys(levels) as Array<keyof typeof levels>) levels[k] = { ...levels[k], pxPerMm: levels[k].pxPerMm * r };
  return {
    ...cv,
    version: `${cv.version}@${pxPerMm.toPrecision(8)}`,
    pxPerMm,
    panels: cv.panels.map((p) => ({ ...p, pxPerMm: p.pxPerMm * r })),
    levels,
  };
}
