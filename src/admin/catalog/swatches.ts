import { createHash } from 'node:crypto';
import type { SwatchUploadRow } from '../../db/schema.ts';
import { ByteCache } from '../../cache.ts';
import type { ClothEstimate } from '../../fabrics/cloth-photo/index.ts';
import { RenderPoolBusyError } from '../../rendering/index.ts';
import type { SwatchTileResult } from '../../fabrics/index.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit, type Actor } from '../audit/repository.ts';
import { inspectAdminImage } from '../uploads.ts';
import { findSwatchUploadById, insertSwatchUpload } from '../../swatches/repository.ts';

/**
 * A merchandiser's swatch photo: refused unless it is a real JPEG, PNG or WebP within the limits,
 * then made seamlessly tileable and measured (fabrics/swatch). The photo is kept as a swatch upload
 * (the same table as the stylist's); the tile is written when a colour takes it.
 */

export interface MeasuredSwatch {
  upload: SwatchUploadRow;
  tile: SwatchTileResult;
  tileKey: string;
  /** Quality hints (blurred, too dark…): shown, not enforced — the preview shows what they mean. */
  warnings: Array<{ code: string; message: string }>;
  /** How the cloth was found and measured, when no width was given. */
  estimate?: ClothEstimate;
}

/** Tiles are costly to make (a 40 MP photo takes a second or two of a render thread): keep some. */
export class SwatchTileCache extends ByteCache<SwatchTileResult> {
  constructor(maxBytes = 64 * 1024 * 1024) {
    super({ maxBytes, sizeOf: (t) => t.tile.rgb.byteLength + t.png.byteLength });
  }
}

export async function uploadSwatch(
  rt: Runtime,
  tiles: SwatchTileCache,
  actor: Actor,
  file: { data: Buffer; filename: string },
  givenWidthMm: number | undefined,
): Promise<MeasuredSwatch> {
  const limits = { maxBytes: rt.config.admin.uploadMaxBytes, maxPixels: rt.config.uploads.maxPixels, minShortSide: 64 };
  let info = await inspectAdminImage(rt, file.data, limits, 'file');
  const assessment = await rt.rendering.uploads.assess(file.data).catch((error) => {
    if (error instanceof RenderPoolBusyError) throw error;
    return null;
  });
  let widthMm = givenWidthMm;
  let estimate: ClothEstimate | undefined;
  if (widthMm === undefined) {
    // No width: the cloth is found in the photo, straightened, and measured from its weave.
    const rectified = await rt.rendering.rectifyCloth(file.data, { maxPixels: limits.maxPixels }).catch((error: unknown) => {
      if (error instanceof RenderPoolBusyError) throw error;
      throw new AppError(422, 'corrupt_image', 'file: the photo could not be turned into a fabric swatch', { field: 'file' });
    });
    file = { ...file, data: rectified.data };
    estimate = rectified.estimate;
    widthMm = estimate.widthMm;
    info = await inspectAdminImage(rt, file.data, limits, 'file');
  }
  let tile: SwatchTileResult;
  try {
    tile = await rt.rendering.uploads.tile(file.data, { widthMm });
  } catch (error) {
    if (error instanceof RenderPoolBusyError) throw error;
    throw new AppError(422, 'corrupt_image', 'file: the photo could not be turned into a fabric swatch', { field: 'file' });
  }
  const sha256 = createHash('sha256').update(file.data).digest('hex');
  const key = `swatches/${sha256.slice(0, 2)}/${sha256}.${info.ext}`;
  await rt.storage.put(key, file.data, info.mime);
  const upload = await rt.db.transaction().execute(async (trx) => {
    // The same photo at the same width is the same swatch; at another width another one (immutable).
    const row = await insertSwatchUpload(trx, {
      storage_key: key,
      filename: file.filename.slice(0, 200) || `swatch.${info.ext}`,
      content_type: info.mime,
      size_bytes: file.data.length,
      width: info.width,
      height: info.height,
      sha256,
      width_mm: widthMm,
      mean_hex: tile.meanHex.toUpperCase(),
    });
    await recordAudit(trx, actor, {
      action: 'swatch.upload',
      entity: 'swatch',
      entityId: row.id,
      after: { filename: row.filename, widthMm, meanHex: row.mean_hex, width: row.width, height: row.height },
    });
    return row;
  });
  tiles.set(`${upload.id}:${widthMm}`, tile);
  const { key: tileKey } = await storeSwatchTile(rt, upload, tile);
  return { upload, tile, tileKey, warnings: assessment?.problems.map((p) => ({ code: p.code, message: p.message })) ?? [], estimate };
}

export async function findSwatchUpload(rt: Runtime, id: string): Promise<SwatchUploadRow> {
  const upload = await findSwatchUploadById(rt.db, id);
  if (!upload) throw notFound('swatch upload', id, { field: 'swatchUploadId' });
  return upload;
}

export function swatchTile(rt: Runtime, tiles: SwatchTileCache, upload: SwatchUploadRow): Promise<SwatchTileResult> {
  const widthMm = Number(upload.width_mm);
  return tiles.getOrMakeAsync(`${upload.id}:${widthMm}`, async () => rt.rendering.swatchTile(await rt.storage.get(upload.storage_key), { widthMm }));
}

/**
 * The seamless tile a colour shows and drapes, with its real width. Content-addressed (the same photo
 * at the same scale is one file); written at upload, and again only if it has gone since.
 */
export async function storeSwatchTile(rt: Runtime, upload: SwatchUploadRow, tile: SwatchTileResult): Promise<{ key: string; widthMm: number }> {
  const widthMm = Math.round(tile.tile.widthMm * 100) / 100;
  const key = `swatch-tiles/${upload.sha256.slice(0, 2)}/${upload.sha256}-${Number(upload.width_mm)}mm.png`;
  if (!(await rt.storage.exists(key))) await rt.storage.put(key, tile.png, 'image/png');
  return { key, widthMm };
}

export function toApiSwatch(rt: Runtime, s: MeasuredSwatch) {
  return {
    id: s.upload.id,
    url: rt.storage.url(s.upload.storage_key),
    filename: s.upload.filename,
    width: s.upload.width,
    height: s.upload.height,
    widthMm: Number(s.upload.width_mm),
    meanHex: s.tile.meanHex.toUpperCase(),
    lab: s.tile.lab.map((v) => Math.round(v * 100) / 100),
    tile: {
      width: s.tile.tile.width,
      height: s.tile.tile.height,
      widthMm: Math.round(s.tile.tile.widthMm * 100) / 100,
      repeatPx: s.tile.repeatPx,
      url: rt.storage.url(s.tileKey),
    },
    warnings: s.warnings,
    ...(s.estimate ? { estimate: s.estimate } : {}),
  };
}
