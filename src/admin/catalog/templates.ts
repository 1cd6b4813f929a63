import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { CutRow, CutViewRow } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { recordAudit, type Actor } from '../audit/repository.ts';
import { inspectAdminImage } from '../uploads.ts';
import {
  deleteCutView,
  findCut,
  findCutView,
  findCutViewByName,
  insertCut,
  nextSort,
  photoViewsUsingKey,
  reorder,
  updateCut,
  updateCutView,
  upsertPhotoView,
  viewHasRenders,
} from './repository.ts';
import { translateDbError } from './service.ts';
import { listCutViews } from '../../catalog/repository.ts';

/**
 * Cuts and their views. Views drawn by the engine ship with the product; a tailoring house adds its
 * own as photo templates: a photo of a model in a light, plain suit and its mask (white = cloth).
 */

export function toAdminCut(rt: Runtime, cut: CutRow, views: CutViewRow[]) {
  return {
    id: cut.id,
    slug: cut.slug,
    name: cut.name,
    legacyId: cut.legacy_id,
    active: cut.active,
    sort: cut.sort,
    views: views.map((v) => toAdminView(rt, v)),
  };
}

export function toAdminView(rt: Runtime, v: CutViewRow) {
  return {
    id: v.id,
    view: v.view,
    kind: v.kind,
    active: v.active,
    version: v.version,
    baseUrl: v.base_key ? rt.storage.url(v.base_key) : null,
    maskUrl: v.mask_key ? rt.storage.url(v.mask_key) : null,
  };
}

export interface TemplateImages {
  base: { data: Buffer; filename: string };
  mask: { data: Buffer; filename: string };
}

/**
 * Both images are real, within the limits, of the same proportions, and the mask marks some cloth
 * but not the whole picture. Returns what storing them needs.
 */
export async function checkTemplateImages(rt: Runtime, images: TemplateImages) {
  const limits = { maxBytes: rt.config.admin.uploadMaxBytes, maxPixels: rt.config.uploads.maxPixels, minShortSide: 256 };
  const base = await inspectAdminImage(rt, images.base.data, limits, 'base');
  const mask = await inspectAdminImage(rt, images.mask.data, limits, 'mask');
  if (Math.abs(base.width / base.height / (mask.width / mask.height) - 1) > 0.02) {
    throw new AppError(
      422,
      'mask_mismatch',
      `mask: the mask is ${mask.width} × ${mask.height} and the photo ${base.width} × ${base.height}; they must have the same proportions`,
      { field: 'mask' },
    );
  }
  const { data } = await sharp(images.mask.data, { limitInputPixels: rt.config.uploads.maxPixels })
    .rotate()
    .resize(256, 256, { fit: 'inside' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let cloth = 0;
  for (const v of data) if (v >= 128) cloth++;
  const coverage = cloth / data.length;
  if (coverage < 0.02) throw new AppError(422, 'mask_empty', 'mask: the mask marks almost no cloth; paint the suit white on black', { field: 'mask' });
  if (coverage > 0.95) throw new AppError(422, 'mask_full', 'mask: the mask marks almost the whole picture; only the suit should be white', { field: 'mask' });
  return { base, mask, coverage };
}

export class CutsAdmin {
  constructor(private readonly rt: Runtime) {}

  async createCut(actor: Actor, input: { slug: string; name: string; legacyId?: string | null }) {
    const cut = await this.rt.db
      .transaction()
      .execute(async (trx) => {
        const row = await insertCut(trx, { slug: input.slug, name: input.name, legacy_id: input.legacyId ?? null, sort: await nextSort(trx, 'cuts') });
        await recordAudit(trx, actor, { action: 'cut.create', entity: 'cut', entityId: row.id, after: toAdminCut(this.rt, row, []) });
        return row;
      })
      .catch((error) => translateDbError(error, 'cut (or replaced-system id)'));
    return toAdminCut(this.rt, cut, []);
  }

  async changeCut(actor: Actor, id: string, input: { name?: string; legacyId?: string | null; active?: boolean }) {
    const { after, views } = await this.rt.db.transaction().execute(async (trx) => {
      const before = await findCut(trx, id);
      if (!before) throw notFound('cut', id);
      const after = await updateCut(trx, id, { name: input.name, legacy_id: input.legacyId, active: input.active }).catch((error) =>
        translateDbError(error, 'cut (or replaced-system id)'),
      );
      await recordAudit(trx, actor, {
        action: 'cut.update',
        entity: 'cut',
        entityId: id,
        before: toAdminCut(this.rt, before, []),
        after: toAdminCut(this.rt, after, []),
      });
      const views = await listCutViews(trx, id);
      return { after, views };
    });
    return toAdminCut(this.rt, after, views);
  }

  async reorderCuts(actor: Actor, ids: string[]) {
    await this.rt.db.transaction().execute(async (trx) => {
      const changes = await reorder(trx, 'cuts', ids);
      await recordAudit(trx, actor, { action: 'cut.reorder', entity: 'cut', after: { ids, changes } });
    });
  }

  /** Adds a photo view to a cut, or replaces the photo and mask of one (its renders get a new cache key). */
  async savePhotoView(actor: Actor, cutId: string, viewName: string, images: TemplateImages) {
    const cut = await findCut(this.rt.db, cutId);
    if (!cut) throw notFound('cut', cutId);
    const checked = await checkTemplateImages(this.rt, images);
    const digest = createHash('sha256').update(images.base.data).update(images.mask.data).digest('hex');
    const version = `photo-${digest.slice(0, 16)}`;
    const prefix = `templates/${cut.slug}/${viewName}-${digest.slice(0, 16)}`;
    const baseKey = `${prefix}-base.${checked.base.ext}`;
    const maskKey = `${prefix}-mask.${checked.mask.ext}`;
    await this.rt.storage.put(baseKey, images.base.data, checked.base.mime);
    await this.rt.storage.put(maskKey, images.mask.data, checked.mask.mime);

    const { view, replaced } = await this.rt.db.transaction().execute(async (trx) => {
      const before = await findCutViewByName(trx, cutId, viewName);
      if (before?.kind === 'builtin') {
        throw new AppError(409, 'builtin_view', `view: "${viewName}" is drawn by the engine; give the photo view another name`, { field: 'view' });
      }
      const sort = before?.sort ?? (await nextSort(trx, 'cut_views', { column: 'cut_id', id: cutId }));
      const view = await upsertPhotoView(trx, { cutId, view: viewName, baseKey, maskKey, version, sort });
      await recordAudit(trx, actor, {
        action: before ? 'cut_view.replace' : 'cut_view.create',
        entity: 'cut_view',
        entityId: view.id,
        before: before ? toAdminView(this.rt, before) : undefined,
        after: { ...toAdminView(this.rt, view), cut: cut.slug, coverage: Math.round(checked.coverage * 1000) / 1000 },
      });
      return { view, replaced: before };
    });
    if (replaced && replaced.version !== version) await this.deleteUnusedFiles([replaced.base_key, replaced.mask_key]);
    return toAdminView(this.rt, view);
  }

  async changeView(actor: Actor, id: string, input: { active: boolean }) {
    const after = await this.rt.db.transaction().execute(async (trx) => {
      const before = await findCutView(trx, id);
      if (!before) throw notFound('view', id);
      const after = await updateCutView(trx, id, input);
      await recordAudit(trx, actor, {
        action: 'cut_view.update',
        entity: 'cut_view',
        entityId: id,
        before: toAdminView(this.rt, before),
        after: toAdminView(this.rt, after),
      });
      return after;
    });
    return toAdminView(this.rt, after);
  }

  /** Photo views only (the engine's own are switched off instead); one that renders used is switched off. */
  async removeView(actor: Actor, id: string): Promise<{ outcome: 'deleted' | 'deactivated' }> {
    const result = await this.rt.db.transaction().execute(async (trx) => {
      const before = await findCutView(trx, id);
      if (!before) throw notFound('view', id);
      if (before.kind === 'builtin') throw new AppError(409, 'builtin_view', 'Views drawn by the engine cannot be deleted; switch them off instead');
      if (await viewHasRenders(trx, before.cut_id, before.view)) {
        const after = await updateCutView(trx, id, { active: false });
        await recordAudit(trx, actor, {
          action: 'cut_view.deactivate',
          entity: 'cut_view',
          entityId: id,
          before: toAdminView(this.rt, before),
          after: toAdminView(this.rt, after),
        });
        return { outcome: 'deactivated' as const, keys: [] };
      }
      await deleteCutView(trx, id);
      await recordAudit(trx, actor, { action: 'cut_view.delete', entity: 'cut_view', entityId: id, before: toAdminView(this.rt, before) });
      return { outcome: 'deleted' as const, keys: [before.base_key, before.mask_key] };
    });
    await this.deleteUnusedFiles(result.keys);
    return { outcome: result.outcome };
  }

  private async deleteUnusedFiles(keys: Array<string | null>) {
    for (const key of keys) {
      if (!key || (await photoViewsUsingKey(this.rt.db, key)).length) continue;
      await this.rt.storage.delete(key).catch((err) => this.rt.logger.warn({ err, key }, 'could not delete a template file'));
    }
  }
}
