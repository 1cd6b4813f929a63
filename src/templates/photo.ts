/**
 * Photo templates: a photo of a model in a light, plain suit plus its garment mask (white = cloth).
 * The photo's own colour vanishes: only its luminance, normalised by its mean over the mask, is kept as
 * shading (folds, light, shadow), and the cloth is displaced along the smoothed luminance gradient so
 * the pattern follows the folds.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SRGB8_TO_LINEAR } from '../fabrics/color.ts';
import { blur, blurWhereNeeded } from './raster-ops.ts';
import { buildLevels } from './levels.ts';
import type { CutView } from './types.ts';

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

export async function loadPhotoTemplate(base: Buffer, mask: Buffer, opts: PhotoTemplateOptions = {}): Promise<CutView> {
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
