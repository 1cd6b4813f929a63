import { createHash } from 'node:crypto';
import type { RenderImage } from '../contract/renders.ts';
import type { Runtime } from '../runtime.ts';
import { findColorBySlug, findCutBySlugOrLegacyId, findFamilyBySlug, listActiveCutViews } from '../catalog/repository.ts';
import type { Transaction } from 'kysely';
import type { Database, FabricColorRow, FabricFamilyRow, RenderRow, SwatchUploadRow } from '../db/schema.ts';
import type { FabricDesign } from '../engines/types.ts';
import { AppError, unprocessable } from '../http/errors.ts';
import { renderOrdered } from '../ops/metrics.ts';
import { findSwatchUploadById } from '../swatches/repository.ts';
import {
  addBatchItem,
  countWaitingRenders,
  lockClientOrders,
  createBatch,
  enqueueRenderJob,
  findLiveRenderByCacheKey,
  insertRenderUnlessLive,
  type RenderView,
} from './repository.ts';

export interface RenderOrder {
  family: string;
  color?: string;
  swatchUploadId?: string;
  cuts: string[];
  view?: string;
  engine?: string;
  /** Extra encodings beside the JPEG, for clients that ask for them. */
  formats?: Array<'webp' | 'avif'>;
  /** Sizes to produce; all three unless a client asks for fewer (a live preview). */
  sizes?: Array<'full' | 'preview' | 'thumb'>;
  requestId: string;
  /** Who orders (client IP, or account): renders it creates count against its queue allowance. */
  client?: string;
  source: 'api' | 'legacy';
  /** Extra request fields kept with the batch (the replaced API's seed, quality…). */
  batchParams?: Record<string, unknown>;
}

export interface RenderOrderResult {
  batchId: string;
  renders: Array<{ render: RenderRow; reused: boolean }>;
}

/** What determines a render's fabric, without pixels: hashed into the cache key. */
export interface FabricDescriptor {
  design: FabricDesign;
  hex: string;
  repeatMm?: number;
  swatch?: { uploadId: string; key: string; sha256: string; widthMm: number };
  /** A colour whose cloth is a photographed swatch, already made into a tile by the admin console. */
  tile?: { key: string; widthMm: number };
}

export function fabricDescriptor(family: FabricFamilyRow, color: FabricColorRow | undefined, swatch: SwatchUploadRow | undefined): FabricDescriptor {
  const design = family.design as FabricDesign;
  return {
    design,
    hex: color?.hex ?? swatch?.mean_hex ?? '#808080',
    repeatMm: color?.repeat_mm != null ? Number(color.repeat_mm) : undefined,
    swatch: swatch ? { uploadId: swatch.id, key: swatch.storage_key, sha256: swatch.sha256, widthMm: Number(swatch.width_mm) } : undefined,
    // Tile keys name their content (hash and width), so the key itself identifies the pixels.
    tile: !swatch && color?.swatch_key ? { key: color.swatch_key, widthMm: Number(color.swatch_width_mm ?? 60) } : undefined,
  };
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hash of everything that determines the pixels (DESIGN.md §2). */
export function renderCacheKey(parts: {
  engine: string;
  engineVersion: string;
  cut: string;
  view: string;
  templateVersion: string;
  fabric: FabricDescriptor;
  watermark: unknown;
  formats?: string[];
  sizes?: string[];
}): string {
  const { swatch, ...fabric } = parts.fabric;
  return createHash('sha256')
    .update(
      stableStringify({
        ...parts,
        // The upload's id is bookkeeping; the swatch's bytes and scale decide the pixels.
        fabric: { ...fabric, swatch: swatch ? { sha256: swatch.sha256, widthMm: swatch.widthMm } : undefined },
      }),
    )
    .digest('hex');
}

/**
 * Turns an order (a family, a colour or a photographed cloth, and cuts) into renders: reuses a live
 * render with the same cache key, otherwise writes the row and its job in one transaction.
 */
export async function orderRenders(rt: Runtime, order: RenderOrder): Promise<RenderOrderResult> {
  const { db, config } = rt;
  if (order.cuts.length === 0) throw unprocessable('Choose at least one cut', { field: 'cuts' });
  if (order.cuts.length > config.renders.maxCuts) {
    throw unprocessable(`At most ${config.renders.maxCuts} cuts can be rendered at once`, { field: 'cuts' });
  }
  const engineName = order.engine ?? 'compose';
  const engine = rt.engines.get(engineName);
  if (!engine || !config.worker.engines.includes(engineName as 'compose')) {
    throw unprocessable(`Unknown or disabled engine "${engineName}"`, { field: 'engine' });
  }

  const family = await findFamilyBySlug(db, order.family);
  if (!family || !family.active || family.archived_at) {
    throw new AppError(422, 'unknown_family', `Unknown fabric family "${order.family}"`, { field: 'family' });
  }
  let color: FabricColorRow | undefined;
  if (order.color !== undefined) {
    color = await findColorBySlug(db, family.id, order.color);
    if (!color || !color.active || color.archived_at) {
      throw new AppError(422, 'unknown_color', `Unknown colour "${order.color}" in fabric family "${order.family}"`, { field: 'color' });
    }
  }
  let swatch: SwatchUploadRow | undefined;
  if (order.swatchUploadId !== undefined) {
    swatch = await findSwatchUploadById(db, order.swatchUploadId);
    if (!swatch) throw new AppError(422, 'unknown_swatch', `Unknown swatch upload "${order.swatchUploadId}"`, { field: 'swatch' });
  }
  if (!color && !swatch) throw unprocessable('Choose a colour or a photographed cloth', { field: 'color' });

  const fabric = fabricDescriptor(family, color, swatch);
  const formats = [...new Set(order.formats ?? [])].sort();
  const ALL_SIZES = ['full', 'preview', 'thumb'] as const;
  const sizes = order.sizes && ALL_SIZES.some((s) => !order.sizes!.includes(s)) ? ALL_SIZES.filter((s) => order.sizes!.includes(s)) : undefined;
  const templates = engine.views();
  const planned: Array<{ cutId: string; view: string; cacheKey: string }> = [];
  for (const cutId of order.cuts) {
    const cut = await findCutBySlugOrLegacyId(db, cutId);
    if (!cut || !cut.active) throw new AppError(422, 'unknown_cut', `Unknown cut "${cutId}"`, { field: 'cuts' });
    const views = await listActiveCutViews(db, cut.id);
    const view = order.view ? views.find((v) => v.view === order.view) : views[0];
    if (!view) {
      throw new AppError(422, 'unknown_view', `The cut "${cut.slug}" has no view "${order.view ?? '(any)'}"`, { field: 'view' });
    }
    const template = templates.find((t) => t.cut === cut.slug && t.view === view.view);
    if (view.kind === 'builtin' && !template) {
      throw new AppError(422, 'unknown_view', `No template is installed for ${cut.slug} / ${view.view}`, { field: 'view' });
    }
    const cacheKey = renderCacheKey({
      engine: engine.name,
      engineVersion: engine.version,
      cut: cut.slug,
      view: view.view,
      templateVersion: view.kind === 'builtin' ? template!.version : view.version,
      fabric,
      watermark: config.watermark,
      formats: formats.length ? formats : undefined,
      sizes,
    });
    planned.push({ cutId: cut.id, view: view.view, cacheKey });
  }

  return db.transaction().execute(async (trx) => {
    if (order.client) await lockClientOrders(trx, order.client);
    const batchId = await createBatch(trx, {
      source: order.source,
      requestId: order.requestId,
      params: { family: order.family, color: order.color, swatchUploadId: order.swatchUploadId, cuts: order.cuts, view: order.view, engine: engineName, ...order.batchParams },
    });
    const renders: RenderOrderResult['renders'] = [];
    for (const [position, plan] of planned.entries()) {
      const inserted = await insertRenderUnlessLive(trx, {
        cache_key: plan.cacheKey,
        engine: engine.name,
        engine_version: engine.version,
        family_id: family.id,
        color_id: color?.id ?? null,
        swatch_upload_id: swatch?.id ?? null,
        cut_id: plan.cutId,
        view: plan.view,
        params: JSON.stringify({ fabric, formats, sizes }),
        request_id: order.requestId,
        ordered_by: order.client ?? null,
      });
      let render: RenderRow;
      if (inserted) {
        await enqueueRenderJob(trx, { renderId: inserted.id, requestId: order.requestId }, config.worker.maxAttempts);
        render = inserted;
      } else {
        const live = await findLiveRenderByCacheKey(trx, plan.cacheKey);
        if (!live) throw new AppError(409, 'conflict', 'The render changed while it was being ordered; try again');
        render = live;
      }
      await addBatchItem(trx, batchId, render.id, position);
      renders.push({ render, reused: !inserted });
    }
    // Counted after writing, inside the transaction: a refusal rolls everything back, and renders
    // this order joined rather than created cost nothing.
    if (renders.some((r) => !r.reused)) await enforceQueueCaps(trx, config, order.client);
    for (const r of renders) renderOrdered(r.reused);
    return { batchId, renders };
  });
}

/** Seconds a refused client is told to wait: roughly the time the queue takes to move on. */
const QUEUE_RETRY_AFTER_S = 10;

async function enforceQueueCaps(trx: Transaction<Database>, config: Runtime['config'], client: string | undefined): Promise<void> {
  const { byClient, total } = await countWaitingRenders(trx, client ?? '');
  const { queueMaxPerClient, queueMax } = config.renders;
  const headers = { 'retry-after': String(QUEUE_RETRY_AFTER_S) };
  if (client && byClient > queueMaxPerClient) {
    throw new AppError(
      429,
      'render_quota_exceeded',
      `This order would leave you more than ${queueMaxPerClient} renders waiting, the most one client may queue; try again when some have finished`,
      { limit: queueMaxPerClient },
      headers,
    );
  }
  if (total > queueMax) {
    throw new AppError(503, 'render_queue_full', 'The studio is busy: too many renders are waiting. Try again in a moment', { limit: queueMax }, headers);
  }
}

export type ApiImage = RenderImage;

export function apiImages(rt: Runtime, render: RenderRow): ApiImage[] {
  return render.images.map((i) => ({ size: i.size, format: i.format, url: rt.storage.url(i.key), width: i.width, height: i.height }));
}

/** The public JSON of a render. */
export function toApiRender(rt: Runtime, r: RenderView) {
  return {
    id: r.id,
    status: r.status,
    progress: r.progress,
    engine: r.engine,
    family: r.family_slug,
    color: r.color_slug,
    swatchUploadId: r.swatch_upload_id,
    // A photographed cloth is itself: the family it was ordered with only lent the weave's sheen.
    cloth:
      r.swatch_upload_id && r.swatch_upload_key
        ? { kind: 'photographed' as const, label: 'Photographed cloth' as const, thumbnailUrl: rt.storage.url(r.swatch_upload_key) }
        : { kind: 'catalogue' as const },
    cut: r.cut_slug,
    view: r.view,
    attempts: r.attempts,
    error: r.error,
    images: apiImages(rt, r),
    requestId: r.request_id,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.duration_ms,
  };
}
