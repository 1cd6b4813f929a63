/**
 * Photo templates: a photo of a model in a light, plain suit plus its garment mask (white = cloth).
 * The photo's own colour vanishes: only its luminance, normalised by its mean over the mask, is kept as
 * shading (folds, light, shadow), and the cloth is displaced along the smoothed luminance gradient so
 * the pattern follows the folds.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { SRGB8_TO_LINEAR } from '../fabrics/color.ts';
import { blur } from './raster-ops.ts';
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
}

const LUMA_LUT = SRGB8_TO_LINEAR;

export async function loadPhotoTemplate(base: Buffer, mask: Buffer, opts: PhotoTemplateOptions = {}): Promise<CutView> {
  const w = opts.width ?? 1024;
  const h = opts.height ?? 1536;
  const n = w * h;
  const [photoBuf, maskBuf] = await Promise.all([
    sharp(base).rotate().resize(w, h, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer(),
    sharp(mask).rotate().resize(w, h, { fit: 'cover' }).greyscale().raw().toBuffer(),
  ]);
  const photo = new Uint8Array(photoBuf.buffer, photoBuf.byteOffset, photoBuf.length);

  // Masks are often hard-edged: soften by a pixel so the cloth's edge is anti-aliased.
  const m = new Float32Array(n);
  for (let i = 0; i < n; i++) m[i] = maskBuf[i] / 255;
  const ms = blur(m, w, h, 0.8);
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
  for (let i = 0; i < n; i++) {
    const y =
      0.2126 * LUMA_LUT[photo[i * 3]] + 0.7152 * LUMA_LUT[photo[i * 3 + 1]] + 0.0722 * LUMA_LUT[photo[i * 3 + 2]];
    lum[i] = y;
    if (coverage[i] === 255) {
      sum += y;
      wsum++;
      const x = i % w;
      const yy = (i - x) / w;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (yy < minY) minY = yy;
    }
  }
  const mean = wsum ? sum / wsum : 1;
  const shade = new Float32Array(n);
  for (let i = 0; i < n; i++) if (coverage[i]) shade[i] = lum[i] / mean;

  // Displacement from the smoothed, normalised luminance: cloth turning away from the light is where
  // it folds, so the pattern is pushed along that gradient.
  const smooth = blur(shade, w, h, 6);
  const dispX = new Float32Array(n);
  const dispY = new Float32Array(n);
  const k = opts.foldWarp ?? 14;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      dispX[i] = (smooth[i + 1] - smooth[i - 1]) * 0.5 * k;
      dispY[i] = (smooth[i + w] - smooth[i - w]) * 0.5 * k;
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
    width: w,
    height: h,
    pxPerMm,
    base: photo,
    coverage,
    panelOf,
    shade,
    dispX,
    dispY,
    panels: [panel],
  });
  const version = createHash('sha256')
    .update('photo-1')
    .update(base)
    .update(mask)
    .update(JSON.stringify(opts))
    .digest('hex')
    .slice(0, 16);
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
