import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { SwatchUploadRow } from '../db/schema.ts';
import type { ClothEstimate } from '../fabrics/cloth-photo/index.ts';
import { RenderPoolBusyError } from '../rendering/index.ts';
import { AppError } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { UploadRejected } from '../uploads/validate.ts';
import { findFirstSwatchUploadByKey, findSwatchUploadByContent, insertSwatchUpload, isSwatchFileReferenced } from './repository.ts';

/**
 * Width assumed for a catalogue colour's stored tile that lacks one. Uploads never use it: without a
 * width the photo is analysed (fabrics/cloth-photo) and its scale read from the weave.
 */
export const DEFAULT_SWATCH_WIDTH_MM = 60;

/**
 * Stores a photographed cloth: checks the bytes are a real, reasonably sized image, keeps it by
 * content hash (the same photo twice is one file), measures its colour, and records it.
 */
export interface SwatchCrop {
  left: number;
  top: number;
  width: number;
  height: number;
}

export async function storeSwatchUpload(
  rt: Runtime,
  original: Buffer,
  filename: string,
  options: { widthMm?: number; crop?: SwatchCrop } = {},
): Promise<SwatchUploadRow & { clothEstimate?: ClothEstimate }> {
  let widthMm = options.widthMm;
  let clothEstimate: ClothEstimate | undefined;
  const limits = { maxBytes: rt.config.uploads.maxBytes, maxPixels: rt.config.uploads.maxPixels, minShortSide: 64 };
  let info = await inspect(rt, original, limits);
  let data = original;
  if (options.crop) {
    const c = options.crop;
    if (c.left < 0 || c.top < 0 || c.width < 1 || c.height < 1 || c.left + c.width > info.width || c.top + c.height > info.height) {
      throw new AppError(422, 'validation_failed', `crop: the crop box must lie inside the ${info.width} × ${info.height} photo`);
    }
    // Keep only the cloth the associate framed; the rest of the photo (table, hands) must not tile.
    // A fractional box (a crop made on a scaled preview) takes every pixel it touches: rounding each
    // number on its own could reach one pixel past the photo's edge.
    const left = Math.floor(c.left);
    const top = Math.floor(c.top);
    data = await sharp(original, { limitInputPixels: limits.maxPixels })
      .rotate()
      .extract({ left, top, width: Math.ceil(c.left + c.width) - left, height: Math.ceil(c.top + c.height) - top })
      .jpeg({ quality: 92 })
      .toBuffer();
    info = await inspect(rt, data, limits);
  }
  // The heavy steps (decode, assess, rectify, tile) run on the render threads, a bounded number at once.
  const problem = await rt.rendering.uploads.assess(data).catch((error) => {
    if (error instanceof RenderPoolBusyError) throw error;
    return undefined;
  });
  if (problem) throw new AppError(422, problem.code, problem.message);
  if (widthMm === undefined) {
    // No width: find the cloth in the photo, straighten it and read its scale from the weave.
    const rectified = await rt.rendering.uploads.rectify(data, { maxPixels: limits.maxPixels }).catch((error) => {
      if (error instanceof RenderPoolBusyError) throw error;
      throw new AppError(422, 'corrupt_image', 'The photo could not be turned into a fabric swatch');
    });
    data = rectified.data;
    clothEstimate = rectified.estimate;
    widthMm = rectified.estimate.widthMm;
    info = await inspect(rt, data, limits);
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const existing = await findSwatchUploadByContent(rt.db, sha256, widthMm);
  if (existing) return { ...existing, clothEstimate };

  let meanHex: string | null = null;
  try {
    meanHex = (await rt.rendering.uploads.tile(data, { widthMm })).meanHex.toUpperCase();
  } catch (error) {
    if (error instanceof RenderPoolBusyError) throw error;
    throw new AppError(422, 'corrupt_image', 'The photo could not be turned into a fabric swatch');
  }

  const key = `swatches/${sha256.slice(0, 2)}/${sha256}.${info.ext}`;
  await rt.storage.put(key, data, info.mime);
  try {
    const row = await insertSwatchUpload(rt.db, {
      storage_key: key,
      filename: filename.slice(0, 200) || `swatch.${info.ext}`,
      content_type: info.mime,
      size_bytes: data.length,
      width: info.width,
      height: info.height,
      sha256,
      width_mm: widthMm,
      mean_hex: meanHex,
    });
    return { ...row, clothEstimate };
  } catch (error) {
    // The row is what makes the file findable: without it, the file must not stay behind.
    if (!(await isSwatchFileReferenced(rt.db, key))) await rt.storage.delete(key).catch(() => undefined);
    throw error;
  }
}

async function inspect(rt: Runtime, data: Buffer, limits: { maxBytes: number; maxPixels: number; minShortSide: number }) {
  try {
    return await rt.rendering.uploads.inspect(data, limits);
  } catch (error) {
    if (error instanceof UploadRejected) {
      throw new AppError(error.code === 'too_large' ? 413 : error.code === 'unsupported_type' ? 415 : 422, error.code, error.message);
    }
    throw error;
  }
}

/**
 * Resolves a swatch URL back to an upload of ours. Anything else (another host, a local path,
 * a file we did not store) is refused: the replaced worker fetched whatever URL it was handed.
 */
export async function findSwatchByUrl(rt: Runtime, url: string): Promise<SwatchUploadRow | undefined> {
  let key: string | undefined;
  const s3Base = rt.config.storage.driver === 's3' ? rt.config.storage.publicBaseUrl : undefined;
  if (s3Base && url.startsWith(s3Base)) {
    key = url.slice(s3Base.length).replace(/^\/+/, '');
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url, 'http://relative.invalid');
    } catch {
      return undefined;
    }
    const isRelative = parsed.host === 'relative.invalid';
    const ourBase = rt.config.publicBaseUrl ? new URL(rt.config.publicBaseUrl).host : undefined;
    if (!isRelative && ourBase && parsed.host !== ourBase) return undefined;
    if (!isRelative && !['http:', 'https:'].includes(parsed.protocol)) return undefined;
    const match = /^\/files\/(swatches\/[0-9a-f]{2}\/[0-9a-f]{64}\.(?:jpg|png|webp))$/.exec(parsed.pathname);
    key = match?.[1];
  }
  if (!key || !/^swatches\/[0-9a-f]{2}\/[0-9a-f]{64}\.(jpg|png|webp)$/.test(key)) return undefined;
  // One file may back several swatches (one per width): a bare URL means the first one made.
  return findFirstSwatchUploadByKey(rt.db, key);
}
