/**
 * Photo templates: a photo of a model in a light, plain suit plus its garment mask (white = cloth).
 * The photo's own colour vanishes: only its luminance, normalised by its mean over the mask, is kept as
 * shading (folds, light, shadow), and the cloth is displaced along the smoothed luminance gradient so
 * the pattern follows the folds.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SRGB8_TO_LINEAR } from '../fabrics/color.ts';
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
  /** Tile side of the fold smoothing's edge work (tests vary it). */
  smoothTile?: number;
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
 * size, upright and grey (R = G = B): its first channel is then exactly what libvips' greyscale gives
 * (checked for every grey level), at a third of the cost; anything else takes the reference's way.
 */
async function decodeMask(mask: Buffer, w: number, h: number): Promise<Uint8Array> {
  const meta = await sharp(mask).metadata();
  if (meta.width === w && meta.height === h && !(meta.orientation && meta.orientation > 1) && !meta.hasAlpha && meta.channels === 3) {
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

  /** The level row Y is complete: its blocks with cloth become entries (as levels.ts's clothAtFactor makes them). */
  flush(Y: number): void {
    const { factor, covSum, shadeSum, su, sv, sn } = this;
    const inv = 1 / (factor * factor);
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
  const coverage = softenMask(maskBuf, w, x0, y0, cw, ch);

  // Linear luminance of the garment and its mean over the fully covered pixels.
  const rgb = photo.rgb;
  const shade = new Float32Array(n);
  let sum = 0;
  let wsum = 0;
  let minX = w;
  let minY = h;
  let maxX = 0;
  let count = 0;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      const c = coverage[i];
      if (!c) continue;
      count++;
      const p = ((y + y0) * w + x + x0) * 3;
      const l = 0.2126 * LUMA_LUT[rgb[p]] + 0.7152 * LUMA_LUT[rgb[p + 1]] + 0.0722 * LUMA_LUT[rgb[p + 2]];
      shade[i] = l;
      if (c === 255) {
        sum += l;
        wsum++;
        if (x + x0 < minX) minX = x + x0;
        if (x + x0 > maxX) maxX = x + x0;
        if (y + y0 < minY) minY = y + y0;
      }
    }
  }
  const mean = wsum ? sum / wsum : 1;
  // The full level's shading normalisation (its entries are these pixels in this order), so that the
  // garment pass can quantise at once.
  let covSum = 0;
  let covShade = 0;
  for (let i = 0; i < n; i++) {
    const c = coverage[i];
    if (!c) continue;
    const s = Math.fround(shade[i] / mean);
    shade[i] = s;
    covSum += c;
    covShade += c * s;
  }
  const norm = covSum > 0 ? covSum / covShade : 1;

  const smooth = foldSmoothing(shade, coverage, cw, ch, x0, y0, w, photo.lumBlur, mean, opts.smoothTile);

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
  // preview and thumbnail blocks (as levels.ts's nativeUV, clothAtFactor1 and clothAtFactor make them).
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
  const yd0 = Math.max(1, 1 - y0);
  const yd1 = Math.min(ch - 1, h - 1 - y0);
  const xd0 = Math.max(1, 1 - x0);
  const xd1 = Math.min(cw - 1, w - 1 - x0);
  let j = 0;
  for (let y = 0; y < ch; y++) {
    const gy = y + y0;
    const py = (gy >> 1) - preview.Y0;
    const ty = (gy >> 2) - thumb.Y0;
    const inPreview = gy >> 1 < preview.Y1;
    const inThumb = gy >> 2 < thumb.Y1;
    const dispRow = y >= yd0 && y < yd1;
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      const c = coverage[i];
      if (!c) continue;
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
      const q = Math.max(0, Math.min(SHADE_LEVELS - 1, Math.round(s * norm * SHADE_ONE)));
      fq[j] = q;
      fhist[q] += c / 255;
      fu[j] = u - 0.5;
      fv[j] = v - 0.5;
      j++;
      if (inPreview) {
        const b = (gx >> 1) - preview.X0;
        if (b < preview.covSum.length) {
          preview.covSum[b] += c;
          preview.shadeSum[b] += s * c;
          preview.su[b] += u;
          preview.sv[b] += v;
          preview.sn[b]++;
        }
      }
      if (inThumb) {
        const b = (gx >> 2) - thumb.X0;
        if (b < thumb.covSum.length) {
          thumb.covSum[b] += c;
          thumb.shadeSum[b] += s * c;
          thumb.su[b] += u;
          thumb.sv[b] += v;
          thumb.sn[b]++;
        }
      }
    }
    if ((gy & 1) === 1 && inPreview && py >= 0) preview.flush(gy >> 1);
    if ((gy & 3) === 3 && inThumb && ty >= 0) thumb.flush(gy >> 2);
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
    },
    preview: finishLevel(preview.count, preview.W, preview.H, pxPerMm / preview.factor, photo.previewBase, preview),
    thumb: finishLevel(thumb.count, thumb.W, thumb.H, pxPerMm / thumb.factor, photo.thumbBase, thumb),
  };
  const version = createHash('sha256').update(photo.digest).update(mask).update(JSON.stringify(opts)).digest('hex').slice(0, 16);
  return { cut: opts.cut ?? 'photo', view: opts.view ?? 'front', width: w, height: h, version, pxPerMm, panels: [panel], levels };
}

/**
 * The shading blurred for the fold displacement, over the window. Where a tile and the blur's reach
 * around it are all garment, the blur of the photo's luminance (made once per photo) divided by the
 * mean is the answer; where they hold no garment it is zero; only tiles near the mask's edge are
 * blurred here, runs of them at once, each run with its margin (clamped where the window ends, as
 * the reference clamps).
 */
function foldSmoothing(
  shade: Float32Array,
  coverage: Uint8Array,
  cw: number,
  ch: number,
  x0: number,
  y0: number,
  w: number,
  lumBlur: Float32Array,
  mean: number,
  tile = SMOOTH_TILE,
): Float32Array {
  const out = new Float32Array(cw * ch);
  if (!cw || !ch) return out;
  const h = lumBlur.length / w;
  const margin = 3 * boxRadius(FOLD_SIGMA);
  // Garment pixels per small cell; a tile's reach (its margin rounded out to whole cells) is all
  // garment when the cells it spans are.
  const cell = 8;
  const gw = Math.ceil(cw / cell);
  const gh = Math.ceil(ch / cell);
  const cells = new Int32Array(gw * gh);
  for (let y = 0; y < ch; y++) {
    const row = (y >> 3) * gw;
    const base = y * cw;
    for (let x = 0; x < cw; x++) if (coverage[base + x]) cells[row + (x >> 3)]++;
  }
  const cellArea = (i: number, j: number) => (Math.min(cw, (i + 1) * cell) - i * cell) * (Math.min(ch, (j + 1) * cell) - j * cell);
  const inv = 1 / mean;
  const tw = Math.ceil(cw / tile);
  const th = Math.ceil(ch / tile);
  const kind = new Uint8Array(tw); // 0 nothing, 1 from the photo's blur, 2 blurred here
  for (let ty = 0; ty < th; ty++) {
    const ty0 = ty * tile;
    const ty1 = Math.min(ch, ty0 + tile);
    const by0 = Math.max(0, ty0 - margin);
    const by1 = Math.min(ch, ty1 + margin);
    for (let tx = 0; tx < tw; tx++) {
      const tx0 = tx * tile;
      const tx1 = Math.min(cw, tx0 + tile);
      const bx0 = Math.max(0, tx0 - margin);
      const bx1 = Math.min(cw, tx1 + margin);
      let covered = 0;
      let area = 0;
      for (let j = by0 >> 3; j <= (by1 - 1) >> 3; j++) {
        for (let i = bx0 >> 3; i <= (bx1 - 1) >> 3; i++) {
          const c = cells[j * gw + i];
          covered += c;
          area += cellArea(i, j);
        }
      }
      if (covered === 0) kind[tx] = 0;
      else if (covered === area && reachIsImage(bx0, by0, bx1, by1, tx0, ty0, tx1, ty1, margin, x0, y0, w, h)) kind[tx] = 1;
      else kind[tx] = 2;
      if (kind[tx] === 1) {
        for (let y = ty0; y < ty1; y++) {
          const src = (y + y0) * w + x0;
          for (let x = tx0; x < tx1; x++) out[y * cw + x] = lumBlur[src + x] * inv;
        }
      }
    }
    // Runs of tiles to blur here, each with its margin.
    for (let tx = 0; tx < tw; ) {
      if (kind[tx] !== 2) {
        tx++;
        continue;
      }
      let end = tx + 1;
      while (end < tw && kind[end] === 2) end++;
      const rx0 = tx * tile;
      const rx1 = Math.min(cw, end * tile);
      const bx0 = Math.max(0, rx0 - margin);
      const bx1 = Math.min(cw, rx1 + margin);
      const bw = bx1 - bx0;
      const bh = by1 - by0;
      const local = new Float32Array(bw * bh);
      for (let y = by0; y < by1; y++) local.set(shade.subarray(y * cw + bx0, y * cw + bx1), (y - by0) * bw);
      const blurred = blur(local, bw, bh, FOLD_SIGMA);
      for (let y = ty0; y < ty1; y++) out.set(blurred.subarray((y - by0) * bw + (rx0 - bx0), (y - by0) * bw + (rx1 - bx0)), y * cw + rx0);
      tx = end;
    }
  }
  return out;
}

/**
 * The mask over the window softened as the reference softens it (a σ 0.8 blur of mask / 255, rounded
 * back to bytes), worked only in 8 px cells whose neighbourhood is not uniform: elsewhere the blur of
 * a constant rounds back to it, so the mask's own bytes are the answer.
 */
function softenMask(mask: Uint8Array, w: number, x0: number, y0: number, cw: number, ch: number): Uint8Array {
  const coverage = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) coverage.set(mask.subarray((y + y0) * w + x0, (y + y0) * w + x0 + cw), y * cw);
  const r = boxRadius(0.8);
  const margin = 3 * r;
  const C = 8;
  const gw = Math.ceil(cw / C);
  const gh = Math.ceil(ch / C);
  const lo = new Uint8Array(gw * gh).fill(255);
  const hi = new Uint8Array(gw * gh);
  for (let y = 0; y < ch; y++) {
    const row = (y >> 3) * gw;
    const base = y * cw;
    for (let g = 0; g < gw; g++) {
      let a = lo[row + g];
      let b = hi[row + g];
      const end = base + Math.min(cw, (g + 1) * C);
      for (let i = base + g * C; i < end; i++) {
        const v = coverage[i];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[row + g] = a;
      hi[row + g] = b;
    }
  }
  const edge = new Uint8Array(gw);
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let a = 255;
      let b = 0;
      for (let j = Math.max(0, gy - 1); j <= Math.min(gh - 1, gy + 1); j++) {
        for (let i = Math.max(0, gx - 1); i <= Math.min(gw - 1, gx + 1); i++) {
          if (lo[j * gw + i] < a) a = lo[j * gw + i];
          if (hi[j * gw + i] > b) b = hi[j * gw + i];
        }
      }
      edge[gx] = a === b ? 0 : 1;
    }
    const ry0 = gy * C;
    const ry1 = Math.min(ch, ry0 + C);
    const by0 = Math.max(0, ry0 - margin);
    const by1 = Math.min(ch, ry1 + margin);
    for (let gx = 0; gx < gw; ) {
      if (!edge[gx]) {
        gx++;
        continue;
      }
      let end = gx + 1;
      while (end < gw && edge[end]) end++;
      const rx0 = gx * C;
      const rx1 = Math.min(cw, end * C);
      const bx0 = Math.max(0, rx0 - margin);
      const bx1 = Math.min(cw, rx1 + margin);
      const bw = bx1 - bx0;
      const local = new Float32Array(bw * (by1 - by0));
      for (let y = by0; y < by1; y++) {
        const src = (y + y0) * w + x0;
        const dst = (y - by0) * bw - bx0;
        for (let x = bx0; x < bx1; x++) local[dst + x] = mask[src + x] / 255;
      }
      const blurred = blur(local, bw, by1 - by0, 0.8);
      for (let y = ry0; y < ry1; y++) {
        const src = (y - by0) * bw - bx0;
        for (let x = rx0; x < rx1; x++) coverage[y * cw + x] = Math.round(Math.min(1, Math.max(0, blurred[src + x])) * 255);
      }
      gx = end;
    }
  }
  return coverage;
}

/** Tile height and width of the fold smoothing's edge work. */
const SMOOTH_TILE = 32;

/**
 * Whether a tile's reach is cut only where the image itself ends (so the whole image's blur, clamped at
 * the image's edges, is this tile's blur): a reach cut by the window inside the image is not.
 */
function reachIsImage(
  bx0: number,
  by0: number,
  bx1: number,
  by1: number,
  tx0: number,
  ty0: number,
  tx1: number,
  ty1: number,
  margin: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
): boolean {
  if (bx0 > tx0 - margin && x0 + bx0 !== 0) return false;
  if (by0 > ty0 - margin && y0 + by0 !== 0) return false;
  if (bx1 < tx1 + margin && x0 + bx1 !== w) return false;
  if (by1 < ty1 + margin && y0 + by1 !== h) return false;
  return true;
}
