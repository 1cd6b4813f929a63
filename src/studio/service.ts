/**
 * The client photo studio: a client's own photo, re-clothed in the chosen cloth by the one render
 * service (the photo is a photo template at its own size: its luminance is the shading), and
 * remove/fill by inpainting. Photos are personal data: owned by the associate who uploaded them,
 * reachable only through unguessable links, deleted at once on request or after STUDIO_RETENTION_DAYS.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Account } from '../auth/roles.ts';
import type { StudioPhotoRow } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { renderOrdered } from '../ops/metrics.ts';
import type { StudioRenderParams } from '../rendering/jobs.ts';
import { addBatchItem, createBatch, enqueueRenderJob, findLiveRenderByCacheKey, insertRenderUnlessLive } from '../renders/repository.ts';
import { enforceQueueCaps, inClientTurn, renderCacheKey, resolveCloth } from '../renders/service.ts';
import type { Runtime } from '../runtime.ts';
import type { StudioPhoto } from '../contract/studio.ts';
import type { MaskCheck } from './images.ts';
import { newUrlToken, studioFileUrl, studioKeys } from './files.ts';
import { deleteStudioPhotos, findStudioPhoto, insertStudioPhoto, isStudioMaskReferenced, listStudioPhotoFiles } from './repository.ts';

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** Only the photo's owner (or an administrator) may use it; to anyone else it does not exist. */
export async function ownedPhoto(rt: Runtime, account: Account, id: string): Promise<StudioPhotoRow> {
  const photo = await findStudioPhoto(rt.db, id);
  if (!photo || (photo.owner_id !== account.id && account.role !== 'admin')) {
    throw new AppError(404, 'not_found', `No studio photo ${id}; it may have been deleted`);
  }
  return photo;
}

export function toApiStudioPhoto(photo: StudioPhotoRow): StudioPhoto {
  return {
    id: photo.id,
    width: photo.width,
    height: photo.height,
    photoUrl: studioFileUrl(photo, photo.storage_key),
    suggestedMaskUrl: studioFileUrl(photo, photo.suggested_mask_key),
  };
}

function photoLimits(rt: Runtime) {
  const { uploads, studio } = rt.config;
  return {
    maxBytes: uploads.maxBytes,
    maxPixels: uploads.maxPixels,
    minShortSide: 64,
    storeMaxPixels: studio.photoMaxPixels,
    maskWorkSide: studio.maskWorkSide,
  };
}

function maskLimits(rt: Runtime) {
  return { maxBytes: rt.config.studio.maskMaxBytes, maxPixels: rt.config.uploads.maxPixels };
}

/** Writes a new photo's files and row; nothing is left behind if any step fails. */
async function savePhoto(
  rt: Runtime,
  account: Account,
  photo: { data: Buffer; ext: string; mime: string; width: number; height: number; sha256: string; suggestedMask: Buffer },
  parentId: string | null,
): Promise<StudioPhotoRow> {
  const id = randomUUID();
  const photoKey = studioKeys.photo(id, photo.ext);
  const maskKey = studioKeys.suggestedMask(id);
  try {
    await rt.storage.put(photoKey, photo.data, photo.mime);
    await rt.storage.put(maskKey, photo.suggestedMask, 'image/png');
    const row = await insertStudioPhoto(rt.db, {
      id,
      owner_id: account.id,
      store: account.store,
      storage_key: photoKey,
      suggested_mask_key: maskKey,
      width: photo.width,
      height: photo.height,
      sha256: photo.sha256,
      url_token: newUrlToken(),
      parent_id: parentId,
    });
    // The photo's own share of every template made from it is worked out now, while the associate
    // paints the mask: the first "apply cloth" then only works the mask. Best effort: a render does
    // it itself if this has not finished (or failed).
    rt.rendering
      .preparePhoto({ baseKey: photoKey, width: photo.width, height: photo.height, bytes: photo.data })
      .catch((error) => rt.logger.debug({ err: error, photoId: id }, 'studio photo not prepared ahead'));
    return row;
  } catch (error) {
    await Promise.all([photoKey, maskKey].map((k) => rt.storage.delete(k).catch(() => undefined)));
    throw error;
  }
}

export async function uploadStudioPhoto(rt: Runtime, account: Account, data: Buffer): Promise<StudioPhotoRow> {
  const prepared = await rt.rendering.uploads.studioPhoto(data, photoLimits(rt));
  return savePhoto(rt, account, { ...prepared, data: asBuffer(prepared.data), suggestedMask: asBuffer(prepared.suggestedMask) }, null);
}

/** A mask sent in a JSON body: base64, bare or as a data: URL. */
export function decodeMask(rt: Runtime, value: string): Buffer {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(value);
  if (m && !m[2]) throw new AppError(422, 'validation_failed', 'mask: a data: URL must be base64 (data:image/png;base64,…)');
  const b64 = (m ? m[3]! : value).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) throw new AppError(422, 'validation_failed', 'mask: expected a PNG as base64 (or a data: URL)');
  const bytes = Buffer.from(b64, 'base64');
  const max = rt.config.studio.maskMaxBytes;
  if (bytes.length > max) throw new AppError(413, 'too_large', `mask: the mask is larger than ${(max / 1024 / 1024).toFixed(1)} MB`);
  if (bytes.length === 0) throw new AppError(422, 'validation_failed', 'mask: the mask is empty');
  return bytes;
}

/**
 * The latest mask each photo was sent ahead with, as checked: an apply with the same bytes skips
 * checking them again. Bounded (oldest photos forgotten first).
 */
const masksAhead = new Map<string, { rawSha256: string; check: MaskCheck }>();
const MASKS_AHEAD_KEPT = 256;
/**
 * Per photo, the latest mask sent ahead (sendMaskAhead): its turn (arrival count) and the app's edit
 * number, when it sends one. Only the latest is kept and prepared.
 */
const aheadTurns = new Map<string, { turn: number; edit?: number }>();

/** A painted mask checked against its photo (size, not empty) and normalised; the same bytes as the last sent ahead are not checked twice. */
async function checkedMask(rt: Runtime, photo: StudioPhotoRow, bytes: Buffer): Promise<MaskCheck> {
  const rawSha256 = createHash('sha256').update(bytes).digest('hex');
  const known = masksAhead.get(photo.id);
  if (known?.rawSha256 === rawSha256) return known.check;
  const check = await rt.rendering.uploads.studioMask(bytes, photo, maskLimits(rt));
  return check;
}

/** Version of a photo and a mask, whatever the scale: the prepared template's key in the render service. */
function studioMaskVersion(photo: StudioPhotoRow, maskSha256: string): string {
  return createHash('sha256').update(`studio-mask-1:${photo.sha256}:${maskSha256}`).digest('hex').slice(0, 24);
}

/**
 * A mask sent ahead while the associate paints: checked like a render's, and its template prepared on
 * a render thread in the background (only the photo's latest mask; older ones skipped or dropped).
 * Nothing is written: the apply that follows with the same mask stores it and finds its template
 * made, or waits for this same preparation. `prepared` settles when it is made (true) or skipped.
 */
export async function sendMaskAhead(rt: Runtime, account: Account, photoId: string, maskValue: string, edit?: number) {
  const bytes = decodeMask(rt, maskValue);
  // Which mask is the latest is decided on arrival, by the app's edit number when it sends one: two
  // masks sent after two pauses travel on two connections and can arrive in the other order, and the
  // older must not then become the photo's latest (its template made, the newer one's dropped). Without
  // an edit number, the last to arrive is the latest. On a busy machine an earlier mask's checks can
  // also finish after a later one's: the turn taken here keeps the later one.
  const latest = aheadTurns.get(photoId);
  const stale = edit !== undefined && latest?.edit !== undefined && edit < latest.edit;
  let turn = 0;
  if (!stale) {
    turn = (latest?.turn ?? 0) + 1;
    aheadTurns.delete(photoId);
    aheadTurns.set(photoId, { turn, edit });
    if (aheadTurns.size > MASKS_AHEAD_KEPT) aheadTurns.delete(aheadTurns.keys().next().value!);
  }
  const photo = await ownedPhoto(rt, account, photoId);
  const check = await checkedMask(rt, photo, bytes);
  if (stale || aheadTurns.get(photoId)?.turn !== turn) {
    // A later mask for this photo arrived first or meanwhile: this one is checked (and answered) but not kept.
    return { photo, maskSha256: check.sha256, coverage: check.coverage, prepared: Promise.resolve(false) };
  }
  masksAhead.delete(photo.id);
  masksAhead.set(photo.id, { rawSha256: createHash('sha256').update(bytes).digest('hex'), check });
  if (masksAhead.size > MASKS_AHEAD_KEPT) masksAhead.delete(masksAhead.keys().next().value!);
  const prepared = rt.rendering
    .prepareMask({
      slot: photo.id,
      cut: 'studio',
      view: photo.id,
      baseKey: photo.storage_key,
      maskVersion: studioMaskVersion(photo, check.sha256),
      mask: check.png,
      width: photo.width,
      height: photo.height,
    })
    .catch((error) => {
      rt.logger.debug({ err: error, photoId: photo.id }, 'studio mask not prepared ahead');
      return false;
    });
  return { photo, maskSha256: check.sha256, coverage: check.coverage, prepared };
}

export interface StudioRenderOrder {
  photoId: string;
  mask: string;
  family: string;
  color?: string;
  swatchUploadId?: string;
  scale?: number;
  requestId: string;
  client?: string;
}

/** Orders a studio render: queued like any render, followed by /api/renders/:id and its events. */
export async function orderStudioRender(rt: Runtime, account: Account, order: StudioRenderOrder) {
  const { db, config } = rt;
  const photo = await ownedPhoto(rt, account, order.photoId);
  const engine = rt.engines.get('compose');
  if (!engine || !config.worker.engines.includes('compose')) throw new AppError(503, 'engine_unavailable', 'The compose engine is not enabled on this server');
  const { family, color, swatch, fabric } = await resolveCloth(db, order);
  const mask = await checkedMask(rt, photo, decodeMask(rt, order.mask));
  const maskKey = studioKeys.mask(photo.id, mask.sha256);
  const maskIsNew = !(await rt.storage.exists(maskKey));
  if (maskIsNew) await rt.storage.put(maskKey, asBuffer(mask.png), 'image/png');

  const pxPerMm = order.scale ? 1 / order.scale : photo.height / config.studio.assumedHeightMm;
  const version = createHash('sha256')
    .update(`studio-1:${photo.sha256}:${mask.sha256}:${pxPerMm.toPrecision(8)}`)
    .digest('hex')
    .slice(0, 24);
  const studio: StudioRenderParams = {
    photoId: photo.id,
    photoKey: photo.storage_key,
    maskKey,
    version,
    maskVersion: studioMaskVersion(photo, mask.sha256),
    width: photo.width,
    height: photo.height,
    pxPerMm,
  };
  const cacheKey = renderCacheKey({
    engine: engine.name,
    engineVersion: engine.version,
    cut: 'studio',
    view: photo.id,
    templateVersion: version,
    fabric,
    watermark: null,
  });
  try {
    return await inClientTurn(order.client, () =>
      db.transaction().execute(async (trx) => {
        const batchId = await createBatch(trx, {
          source: 'api',
          requestId: order.requestId,
          orderedBy: { userId: account.id, store: account.store },
          params: { studio: true, photoId: photo.id, family: order.family, color: order.color, swatchUploadId: order.swatchUploadId, scale: order.scale },
        });
        const inserted = await insertRenderUnlessLive(trx, {
          cache_key: cacheKey,
          engine: engine.name,
          engine_version: engine.version,
          family_id: family.id,
          color_id: color?.id ?? null,
          swatch_upload_id: swatch?.id ?? null,
          cut_id: null,
          studio_photo_id: photo.id,
          view: 'photo',
          params: JSON.stringify({ fabric, formats: [], studio }),
          request_id: order.requestId,
          ordered_by: order.client ?? null,
        });
        let render = inserted;
        if (inserted) await enqueueRenderJob(trx, { renderId: inserted.id, requestId: order.requestId }, config.worker.maxAttempts);
        else {
          render = (await findLiveRenderByCacheKey(trx, cacheKey)) ?? null;
          if (!render) throw new AppError(409, 'conflict', 'The render changed while it was being ordered; try again');
        }
        await addBatchItem(trx, batchId, render!.id, 0);
        if (inserted) await enforceQueueCaps(trx, config, order.client);
        renderOrdered(!inserted);
        return { batchId, render: render!, reused: !inserted };
      }),
    );
  } catch (error) {
    if (maskIsNew && !(await isStudioMaskReferenced(db, maskKey).catch(() => true))) await rt.storage.delete(maskKey).catch(() => undefined);
    throw error;
  }
}

/** Remove/fill: a new studio photo whose marked area (white) is inpainted; fill and re-clothe chain. */
export async function fillStudioPhoto(rt: Runtime, account: Account, request: { photoId: string; mask: string }): Promise<StudioPhotoRow> {
  const photo = await ownedPhoto(rt, account, request.photoId);
  const maskBytes = decodeMask(rt, request.mask);
  const image = await rt.storage.get(photo.storage_key);
  const filled = await rt.rendering.uploads.fill(image, maskBytes, {
    markedIs: 'white',
    limits: { maxBytes: Math.max(image.length, rt.config.uploads.maxBytes), maxPixels: rt.config.uploads.maxPixels },
    radius: rt.config.studio.inpaintRadius,
    suggestMaskSide: rt.config.studio.maskWorkSide,
  });
  return savePhoto(
    rt,
    account,
    {
      data: asBuffer(filled.png),
      ext: 'png',
      mime: 'image/png',
      width: filled.width,
      height: filled.height,
      sha256: filled.sha256,
      suggestedMask: asBuffer(filled.suggestedMask!),
    },
    photo.id,
  );
}

/** Deletes photos with their masks and renders (rows first, in one transaction; then their files). */
export async function deleteStudioPhotosNow(rt: Runtime, ids: string[]): Promise<string[]> {
  const { deleted, keys } = await rt.db.transaction().execute(async (trx) => {
    const keys = await listStudioPhotoFiles(trx, ids);
    return { deleted: await deleteStudioPhotos(trx, ids), keys };
  });
  await Promise.all(keys.map((k) => rt.storage.delete(k)));
  for (const id of ids) {
    masksAhead.delete(id);
    rt.rendering.forgetMasks(id);
  }
  return deleted;
}

export async function deleteStudioPhoto(rt: Runtime, account: Account, id: string): Promise<void> {
  const photo = await ownedPhoto(rt, account, id);
  await deleteStudioPhotosNow(rt, [photo.id]);
}

/** The replaced inpainting app's POST /api/upload: black = fill, the answer a base64 PNG. */
export async function inpaintUpload(rt: Runtime, image: Buffer, mask: Buffer): Promise<string> {
  const filled = await rt.rendering.uploads.fill(image, mask, {
    markedIs: 'black',
    limits: { maxBytes: rt.config.uploads.maxBytes, maxPixels: rt.config.uploads.maxPixels },
    radius: rt.config.studio.inpaintRadius,
  });
  return Buffer.from(filled.png.buffer, filled.png.byteOffset, filled.png.byteLength).toString('base64');
}
