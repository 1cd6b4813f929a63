import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import type { RenderImage } from '../contract/renders.ts';
import type { Runtime } from '../runtime.ts';
import {
  findColorBySlug,
  findCutBySlugOrLegacyId,
  findFamilyBySlug,
  listActiveCutViews,
  listActiveFamiliesWithColors,
  listColorsOfFamily,
} from '../catalog/repository.ts';
import type { Transaction } from 'kysely';
import type { CutRow, Database, FabricColorRow, FabricFamilyRow, RenderRow, StoredImage, SwatchUploadRow } from '../db/schema.ts';
import { AppError, unprocessable } from '../http/errors.ts';
import type { StageClock } from '../http/server-timing.ts';
import { renderFinished, renderOrdered } from '../ops/metrics.ts';
import { fabricDescriptor, type FabricDescriptor } from '../rendering/fabric.ts';
import { renderJobFor, renderKeyPrefix, type KnownCutView } from '../rendering/jobs.ts';
import type { EncodedImage, OutputSize, RenderResult } from '../engines/types.ts';
import { findSwatchUploadById } from '../swatches/repository.ts';
import type { WorkflowSettings } from '../engines/comfyui/workflows.ts';
import type { ComfyRenderDetails } from '../engines/comfyui/engine.ts';
import { CUT_PRESETS, StyleOptionError, optionChanges, resolveOptions, type StyleOptions } from '../templates/options.ts';
import { studioFileUrl } from '../studio/files.ts';
import { previewMemo, type PreviewMemo } from './preview-memo.ts';
import {
  addBatchItem,
  countWaitingRenders,
  lockClientOrders,
  createBatch,
  enqueueRenderJob,
  findLiveRenderByCacheKey,
  findSucceededRenderViews,
  listRenderViews,
  recordBatch,
  recordBatches,
  insertFinishedRenders,
  insertRenderUnlessLive,
  type FinishedRender,
  type NewBatch,
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
  /** Sizes to produce; all three unless a client asks for fewer (a live preview) or for 'hd'. */
  sizes?: Array<'hd' | 'full' | 'preview' | 'thumb'>;
  /** 'hd' adds the 2048×3072 image. */
  size?: 'standard' | 'hd';
  /** Style options over each cut's preset (validated per cut). */
  options?: Record<string, string>;
  /** Prepared ahead of a likely tap, not on screen: the styles drafted ahead stay those of the suit on screen. */
  ahead?: boolean;
  requestId: string;
  /** Who orders (client IP, or account): renders it creates count against its queue allowance. */
  client?: string;
  source: 'api' | 'legacy';
  /** Extra request fields kept with the batch (the replaced API's seed, quality…). */
  batchParams?: Record<string, unknown>;
  /** The signed-in person asking, whose History (and store's) will show these renders. */
  orderedBy?: { userId: string; store: string | null };
  /** The photoreal engine's settings (engine "comfyui" only). */
  comfyui?: Partial<WorkflowSettings>;
}

export interface RenderOrderResult {
  batchId: string;
  renders: Array<{ render: RenderRow; reused: boolean }>;
  /** The renders as answered, when the order was served from the preview cache (no need to re-read them). */
  views?: RenderView[];
  /** Images drawn for this very order, by render id: small ones may travel inside the answer. */
  drawn?: Map<string, EncodedImage[]>;
}

/** The cut's preset with the client's choices over it; a refusal names the option and what it allows. */
function styleOptionsFor(cut: string, chosen: Record<string, string> | undefined): StyleOptions {
  try {
    return resolveOptions(cut, chosen ?? {});
  } catch (error) {
    if (error instanceof StyleOptionError) {
      throw new AppError(422, 'invalid_option', error.message, { field: 'options', option: error.option, allowed: error.allowed });
    }
    throw error;
  }
}

// Fabric resolution lives in the render service, written once.
export { fabricDescriptor, type FabricDescriptor } from '../rendering/fabric.ts';

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
  /** Resolved style options of a drawn cut (absent for photo views: they have none). */
  options?: Record<string, string>;
  /** What else decides an engine's pixels (the GPU engine's settings and workflow fingerprint). */
  engineParams?: unknown;
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
export async function orderRenders(rt: Runtime, order: RenderOrder, clock?: StageClock): Promise<RenderOrderResult> {
  const previewOnly = order.sizes?.length === 1 && order.sizes[0] === 'preview';
  const signature = previewOnly ? orderSignature(order) : undefined;
  if (!signature) return orderAfresh(rt, order, clock);
  const memo = previewMemo(rt);
  const cached = await answerFromPreviewCache(rt, memo, order, signature);
  clock?.lap('memo');
  // The family is on screen: its other colourways' cloth is made while the associate looks.
  setImmediate(() => prepareFamilyCloth(rt, memo, order));
  if (cached) return cached;
  const ticket = memo.ticket();
  const result = await orderAfresh(rt, order, clock);
  memo.rememberPlan(ticket, signature, result.cacheKeys);
  // The answer is read here (the route needs it anyway) so that the next identical tap needs no read;
  // a preview drawn here is known already.
  const views =
    result.views ??
    (await listRenderViews(
      rt.db,
      result.renders.map((r) => r.render.id),
    ));
  clock?.lap('read');
  const byId = new Map(views.map((v) => [v.id, v]));
  const ordered = result.renders.map((r) => byId.get(r.render.id)).filter((v): v is RenderView => !!v);
  if (ordered.length === result.renders.length) memo.rememberAnswer(ticket, signature, ordered);
  return { ...result, views };
}

/**
 * What decides an order's cache keys, given the catalogue as it is (its changes clear the memo): every
 * field of the order but its bookkeeping, so a field added later (style options were) is in it unasked.
 */
function orderSignature(order: RenderOrder): string {
  const { requestId: _request, client: _client, source: _source, batchParams: _batch, orderedBy: _by, ahead: _ahead, engine, formats, ...draws } = order;
  return stableStringify({ ...draws, engine: engine ?? 'compose', formats: [...new Set(formats ?? [])].sort() });
}

/**
 * The live preview's cache: a tap on something already rendered is answered from memory (a colour
 * tapped again) or from its cache keys with one read, and no write. The order is still recorded
 * (History shows the render to whoever asked), after the answer has gone, so the tap never waits on a
 * write or a lock.
 */
async function answerFromPreviewCache(rt: Runtime, memo: PreviewMemo, order: RenderOrder, signature: string): Promise<RenderOrderResult | undefined> {
  let ordered = memo.answer(signature);
  if (!ordered) {
    const cacheKeys = memo.plan(signature);
    if (!cacheKeys) return undefined;
    const ticket = memo.ticket();
    const views = await findSucceededRenderViews(rt.db, cacheKeys);
    const byKey = new Map(views.map((v) => [v.cache_key, v]));
    if (!cacheKeys.every((k) => byKey.has(k))) return undefined;
    ordered = cacheKeys.map((k) => byKey.get(k)!);
    memo.rememberAnswer(ticket, signature, ordered);
  }
  const batch = {
    id: randomUUID(),
    source: order.source,
    requestId: order.requestId,
    orderedBy: order.orderedBy,
    params: batchParams(order, order.engine ?? 'compose'),
  };
  // Prepared ahead, not on screen: filed when the app shows it (and orders it again, plainly).
  if (!order.ahead)
    fileInHistory(
      rt,
      batch,
      ordered.map((v) => v.id),
    );
  for (let i = 0; i < ordered.length; i++) renderOrdered(true);
  // The suit is on screen as if drawn now: the styles one option away are drafted ahead of the next tap.
  if (!order.ahead)
    setImmediate(() => {
      for (const v of ordered)
        if (v.engine === 'compose' && !v.studio_photo_id && v.cut_slug)
          rt.rendering.styleOnScreen(v.cut_slug, v.view, (v.params as { options?: Record<string, string> } | null)?.options);
    });
  const drawn = new Map(ordered.flatMap((v) => (memo.imagesOf(v.id) ? [[v.id, memo.imagesOf(v.id)!] as const] : [])));
  return { batchId: batch.id, renders: ordered.map((render) => ({ render, reused: true })), views: ordered, drawn };
}

/**
 * A live preview of a catalogue colour on a shipped view: the render threads make the cloth of the
 * family's other colours at that view's preview scale, on an idle render thread, so the next colour tapped
 * is drawn without generating its cloth. Catalogue rows come from the preview memory (read once).
 */
async function prepareFamilyCloth(rt: Runtime, memo: PreviewMemo, order: RenderOrder): Promise<void> {
  try {
    if (!order.color || order.swatchUploadId || (order.engine ?? 'compose') !== 'compose') return;
    if (order.options && Object.keys(order.options).length) return;
    const { family, colors } = await memo.lookup(`family:${order.family}`, async (): Promise<FamilyColors> => {
      const family = await findFamilyBySlug(rt.db, order.family);
      return { family, colors: family ? await listColorsOfFamily(rt.db, family.id) : undefined };
    });
    if (!family?.active || family.archived_at || !colors) return;
    const others = colors.filter((c) => c.active && !c.archived_at && c.slug !== order.color);
    if (!others.length) return;
    for (const cutId of order.cuts) {
      const found = await memo.lookup(`cut:${cutId}`, async () => {
        const row = await findCutBySlugOrLegacyId(rt.db, cutId);
        return row?.active ? { cut: row, views: await listActiveCutViews(rt.db, row.id) } : undefined;
      });
      const view = found && (order.view ? found.views.find((v) => v.view === order.view) : found.views[0]);
      if (!found || view?.kind !== 'builtin') continue;
      const at = { cut: found.cut.slug, view: view.view, sizes: ['preview'] as OutputSize[] };
      void rt.rendering.prepareCloth(
        at,
        others.map((c) => fabricDescriptor(family, c, undefined)),
      );
      // Then the rest of the catalogue, once per view while the catalogue stays as it is: a colour
      // tapped in another family then finds its cloth made too, and no tap of a showroom that has been
      // open a while shares its cores with cloth being made (~7–40 ms of CPU a colour at preview scale).
      const limit = rt.config.rendering.clothAheadColours;
      if (limit > 0)
        void memo.lookup(`cloth-ahead:${at.cut}/${at.view}`, async () => {
          const catalogue = await memo.lookup('catalogue:colours', () => listActiveFamiliesWithColors(rt.db));
          const rest = catalogue
            .filter((f) => f.family.id !== family.id)
            .flatMap((f) => f.colors.map((c) => fabricDescriptor(f.family, c, undefined)))
            .slice(0, limit);
          void rt.rendering.prepareCloth(at, rest);
          return true;
        });
    }
  } catch (err) {
    rt.logger.debug({ err }, 'could not prepare the family’s other colourways');
  }
}

type Filing = { batch: NewBatch & { id: string }; renderIds: string[] };
const pendingFilings = new WeakMap<Runtime, Filing[]>();

/**
 * Files a cached answer in History after the response has gone. Taps answered in the same turn of
 * the event loop are written together, one transaction for all; if that fails (a render removed
 * meanwhile), each is tried on its own so that one cannot lose the others.
 */
function fileInHistory(rt: Runtime, batch: NewBatch & { id: string }, renderIds: string[]): void {
  let pending = pendingFilings.get(rt);
  if (pending) {
    pending.push({ batch, renderIds });
    return;
  }
  pending = [{ batch, renderIds }];
  pendingFilings.set(rt, pending);
  setImmediate(() => {
    const filings = pendingFilings.get(rt) ?? [];
    pendingFilings.delete(rt);
    recordBatches(rt.db, filings).catch(async () => {
      for (const f of filings) {
        await recordBatch(rt.db, f.batch, f.renderIds).catch((err) =>
          rt.logger.warn({ err, requestId: f.batch.requestId }, 'a preview served from the cache could not be recorded in History'),
        );
      }
    });
  });
}

/** A family and its colours, as one order resolves them (kept by the preview memory per family). */
type FamilyColors = { family: FabricFamilyRow | undefined; colors?: FabricColorRow[] };

/** The cloth of an order: an active family with one of its colours, or a photographed cloth. */
export async function resolveCloth(
  db: Runtime['db'],
  order: Pick<RenderOrder, 'family' | 'color' | 'swatchUploadId'>,
  /** The family with all its colours, read once (a fresh colour of a family shown before needs no read). */
  familyColors?: (slug: string) => Promise<FamilyColors>,
) {
  const known = familyColors ? await familyColors(order.family) : undefined;
  const family = known ? known.family : await findFamilyBySlug(db, order.family);
  if (!family?.active || family.archived_at) {
    throw new AppError(422, 'unknown_family', `Unknown fabric family "${order.family}"`, { field: 'family' });
  }
  let color: FabricColorRow | undefined;
  if (order.color !== undefined) {
    color = known?.colors ? known.colors.find((c) => c.slug === order.color) : await findColorBySlug(db, family.id, order.color);
    if (!color?.active || color.archived_at) {
      throw new AppError(422, 'unknown_color', `Unknown colour "${order.color}" in fabric family "${order.family}"`, { field: 'color' });
    }
  }
  let swatch: SwatchUploadRow | undefined;
  if (order.swatchUploadId !== undefined) {
    swatch = await findSwatchUploadById(db, order.swatchUploadId);
    if (!swatch) throw new AppError(422, 'unknown_swatch', `Unknown swatch upload "${order.swatchUploadId}"`, { field: 'swatch' });
  }
  if (!color && !swatch) throw unprocessable('Choose a colour or a photographed cloth', { field: 'color' });

  return { family, color, swatch, fabric: fabricDescriptor(family, color, swatch) };
}

async function orderAfresh(rt: Runtime, order: RenderOrder, clock?: StageClock): Promise<RenderOrderResult & { cacheKeys: string[] }> {
  const { db, config } = rt;
  if (order.cuts.length === 0) throw unprocessable('Choose at least one cut', { field: 'cuts' });
  if (order.cuts.length > config.renders.maxCuts) {
    throw unprocessable(`At most ${config.renders.maxCuts} cuts can be rendered at once`, { field: 'cuts' });
  }
  const engineName = order.engine ?? 'compose';
  const engine = rt.engines.get(engineName);
  let comfyui: { settings: WorkflowSettings; fingerprint: string } | undefined;
  if (engine?.runsOn === 'remote') {
    // GPU renders run on GPU workers, not here: what matters is that a GPU server is configured.
    const gpu = rt.rendering.comfyui;
    if (!gpu) {
      throw new AppError(422, 'engine_unavailable', 'Photoreal rendering is not available: no GPU (ComfyUI) server is configured here (COMFYUI_URLS)', {
        field: 'engine',
      });
    }
    const settings = gpu.settings(order.comfyui);
    comfyui = { settings, fingerprint: gpu.fingerprint(settings.workflow) };
  } else if (!engine || !config.worker.engines.includes(engineName as 'compose')) {
    throw unprocessable(`Unknown or disabled engine "${engineName}"`, { field: 'engine' });
  }
  if (order.comfyui && !comfyui) throw unprocessable('comfyui settings apply only to engine "comfyui"', { field: 'comfyui' });

  // Catalogue rows come from the preview memory when this replica read them before (catalogue changes clear it).
  const memo = previewMemo(rt);
  // (A photographed cloth is read each time: retention may remove an upload nothing uses.)
  const familyColors = (slug: string) =>
    memo.lookup(`family:${slug}`, async (): Promise<FamilyColors> => {
      const family = await findFamilyBySlug(db, slug);
      return { family, colors: family ? await listColorsOfFamily(db, family.id) : undefined };
    });
  const { family, color, swatch, fabric } = order.swatchUploadId
    ? await resolveCloth(db, order)
    : await memo.lookup(`cloth:${order.family}|${order.color ?? ''}`, () => resolveCloth(db, order, familyColors));
  const formats = [...new Set(order.formats ?? [])].sort();
  const STANDARD = ['full', 'preview', 'thumb'] as const;
  const ALL_SIZES = ['hd', 'full', 'preview', 'thumb'] as const;
  const asked = new Set<string>(order.sizes ?? STANDARD);
  if (order.size === 'hd') asked.add('hd');
  // Undefined = the standard three, so existing renders keep their cache keys.
  const sizes = ALL_SIZES.some((s) => asked.has(s) !== (STANDARD as readonly string[]).includes(s)) ? ALL_SIZES.filter((s) => asked.has(s)) : undefined;
  const templates = engine.views();
  const planned: Array<{ cutId: string; cut: CutRow; view: string; cacheKey: string; options?: StyleOptions; known: KnownCutView }> = [];
  for (const cutId of order.cuts) {
    const found = await memo.lookup(`cut:${cutId}`, async () => {
      const row = await findCutBySlugOrLegacyId(db, cutId);
      return row?.active ? { cut: row, views: await listActiveCutViews(db, row.id) } : undefined;
    });
    if (!found) throw new AppError(422, 'unknown_cut', `Unknown cut "${cutId}"`, { field: 'cuts' });
    const { cut, views } = found;
    const view = order.view ? views.find((v) => v.view === order.view) : views[0];
    if (!view) {
      throw new AppError(422, 'unknown_view', `The cut "${cut.slug}" has no view "${order.view ?? '(any)'}"`, { field: 'view' });
    }
    const template = templates.find((t) => t.cut === cut.slug && t.view === view.view);
    if (view.kind === 'builtin' && !template) {
      throw new AppError(422, 'unknown_view', `No template is installed for ${cut.slug} / ${view.view}`, { field: 'view' });
    }
    // Style options draw a shipped suit; a photographed view is what it is.
    let options: StyleOptions | undefined;
    let version = view.kind === 'builtin' ? template!.version : view.version;
    if (view.kind === 'builtin' && CUT_PRESETS[cut.slug]) {
      options = styleOptionsFor(cut.slug, order.options);
      if (engine.templateVersion) version = engine.templateVersion(cut.slug, view.view, options);
    } else if (order.options && Object.keys(order.options).length) {
      const id = Object.keys(order.options)[0]!;
      throw new AppError(422, 'invalid_option', `The ${view.view} view of "${cut.slug}" is a photograph: its style cannot be changed (option "${id}")`, {
        field: 'options',
        option: id,
        allowed: [],
      });
    }
    const cacheKey = renderCacheKey({
      engine: engine.name,
      engineVersion: engine.version,
      cut: cut.slug,
      view: view.view,
      templateVersion: version,
      fabric,
      watermark: config.watermark,
      formats: formats.length ? formats : undefined,
      sizes,
      // What differs from the preset: a render asked for with the preset's own values is the preset's.
      options: options && Object.keys(optionChanges(cut.slug, options)).length ? optionChanges(cut.slug, options) : undefined,
      engineParams: comfyui,
    });
    planned.push({
      cutId: cut.id,
      cut,
      view: view.view,
      cacheKey,
      options,
      known: { slug: cut.slug, kind: view.kind, version: view.version, base_key: view.base_key, mask_key: view.mask_key },
    });
  }

  clock?.lap('resolve');
  // Only the preview size, on an engine that renders on our threads: render on this replica now.
  const direct = !!sizes && sizes.length === 1 && sizes[0] === 'preview' && engine.runsOn === 'thread' && config.rendering.previewDirect;
  const renderParams = (plan: (typeof planned)[number]) => ({
    fabric,
    formats,
    sizes,
    options: plan.options,
    ...(comfyui ? { comfyui: comfyui.settings } : {}),
  });
  // Prepared ahead, not on screen: in nobody's History until the app shows it (and orders it again, plainly).
  const batch = {
    id: randomUUID(),
    source: order.source,
    requestId: order.requestId,
    orderedBy: order.ahead ? undefined : order.orderedBy,
    params: batchParams(order, engineName),
  };
  const rowOf = (plan: (typeof planned)[number]) => ({
    cache_key: plan.cacheKey,
    engine: engine.name,
    engine_version: engine.version,
    family_id: family.id,
    color_id: color?.id ?? null,
    swatch_upload_id: swatch?.id ?? null,
    cut_id: plan.cutId,
    view: plan.view,
    params: JSON.stringify(renderParams(plan)),
    request_id: order.requestId,
    ordered_by: order.client ?? null,
  });
  const planOf = new Map(planned.map((p) => [p.cacheKey, p]));
  const viewOf = (row: RenderRow) => renderViewOf(row, { family, color, swatch, cut: planOf.get(row.cache_key)!.cut });

  // A live preview is drawn and stored on this replica's render threads first, then written finished
  // in one statement: the tap waits for no transaction, no lock and no second write. Identical
  // previews being drawn here already are waited for rather than drawn twice.
  let drawing: DirectDrawing | undefined;
  /** Renders the one statement wrote before the order fell back to the transaction: they keep their images. */
  let written: string[] = [];
  try {
    if (direct) {
      drawing = await drawDirect(
        rt,
        planned.map((plan) => ({
          cacheKey: plan.cacheKey,
          render: { cut_id: plan.cutId, view: plan.view, engine: engine.name, params: renderParams(plan) as never },
          known: plan.known,
        })),
        clock,
        order.ahead,
      );
      const finished = drawing.finishedRows((k) => rowOf(planOf.get(k)!));
      if (finished) {
        const answer = await insertFinishedRenders(
          db,
          batch,
          finished,
          planned.map((p) => p.cacheKey),
        );
        clock?.lap('order');
        written = answer.inserted.map((r) => r.id);
        if (answer.batchId) {
          const byKey = new Map([...answer.live, ...answer.inserted].map((r) => [r.cache_key, r]));
          const renders = planned.map((p) => {
            const render = byKey.get(p.cacheKey)!;
            return { render, reused: !drawing!.drew(render) };
          });
          drawing.dropUnused(renders.map((r) => r.render.id));
          for (const r of renders) {
            renderOrdered(r.reused);
            if (!r.reused) renderFinished(engine.name, ['preview'], r.render.duration_ms ?? 0, 'succeeded');
          }
          const fresh = renders.every((r) => !r.reused);
          const drawn = drawing.images(renders.map((r) => r.render));
          rememberDrawn(rt, drawn);
          return {
            batchId: batch.id,
            renders,
            views: fresh ? renders.map((r) => viewOf(r.render)) : undefined,
            drawn,
            cacheKeys: planned.map((p) => p.cacheKey),
          };
        }
        // A render with one of these keys was being written elsewhere at that very moment: the
        // transaction below sees it now (the rows written here already are recognised as ours).
      }
    }

    // One client's orders take turns in this process before they take a database connection, so a
    // burst from one client waits here instead of exhausting the pool; the advisory lock inside
    // covers orders from the same client reaching other replicas.
    const result = await inClientTurn(order.client, () =>
      db.transaction().execute(async (trx) => {
        if (order.client) await lockClientOrders(trx, order.client);
        const batchId = await createBatch(trx, batch);
        const renders: RenderOrderResult['renders'] = [];
        for (const [position, plan] of planned.entries()) {
          // A preview drawn here already is written finished; anything else waits for a worker.
          const finished = drawing?.finishedRow(plan.cacheKey, rowOf(plan));
          const inserted = await insertRenderUnlessLive(trx, finished ? { ...finished, status: 'succeeded', progress: 1, attempts: 1 } : rowOf(plan));
          let render: RenderRow;
          if (inserted) {
            if (!finished) await enqueueRenderJob(trx, { renderId: inserted.id, requestId: order.requestId }, config.worker.maxAttempts, engine.name);
            render = inserted;
          } else {
            const live = await findLiveRenderByCacheKey(trx, plan.cacheKey);
            if (!live) throw new AppError(409, 'conflict', 'The render changed while it was being ordered; try again');
            render = live;
          }
          await addBatchItem(trx, batchId, render.id, position);
          renders.push({ render, reused: !(inserted || drawing?.drew(render)) });
        }
        // Counted after writing, inside the transaction: a refusal rolls everything back, and renders
        // this order joined rather than created cost nothing; nor does a preview written finished.
        if (renders.some((r) => !r.reused && r.render.status !== 'succeeded')) await enforceQueueCaps(trx, config, order.client);
        return { batchId, renders };
      }),
    );
    clock?.lap('order');
    for (const r of result.renders) {
      renderOrdered(r.reused);
      if (!r.reused && r.render.status === 'succeeded') renderFinished(engine.name, ['preview'], r.render.duration_ms ?? 0, 'succeeded');
    }
    drawing?.dropUnused(result.renders.map((r) => r.render.id));
    const drawn = drawing?.images(result.renders.map((r) => r.render));
    if (drawn) rememberDrawn(rt, drawn);
    const views = drawing && result.renders.every((r) => drawing!.drew(r.render)) ? result.renders.map((r) => viewOf(r.render)) : undefined;
    return { ...result, views, drawn, cacheKeys: planned.map((p) => p.cacheKey) };
  } catch (error) {
    // Refused, or the database failed: nothing was written that uses what was drawn (or, when the one
    // statement wrote a render and the transaction then failed, that render keeps its images).
    drawing?.dropUnused(written);
    throw error;
  } finally {
    drawing?.release();
  }
}

/** Previews drawn here and written: another tablet's tap on one is answered with its bytes too. */
function rememberDrawn(rt: Runtime, drawn: Map<string, EncodedImage[]>): void {
  const memo = previewMemo(rt);
  const inlineMax = rt.config.rendering.previewInlineMaxBytes;
  for (const [id, images] of drawn) {
    const small = images.filter((i) => i.data.length <= inlineMax);
    if (small.length) memo.rememberImages(id, small);
  }
}

const clientTurns = new Map<string, Promise<unknown>>();
export function inClientTurn<T>(client: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!client) return work();
  const previous = clientTurns.get(client) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const settled = mine.catch(() => undefined);
  clientTurns.set(client, settled);
  void settled.then(() => {
    if (clientTurns.get(client) === settled) clientTurns.delete(client);
  });
  return mine;
}

/** worker_id of renders made on an API replica's render threads rather than by a queue worker. */
const DIRECT_WORKER_ID = `api:${os.hostname()}:${process.pid}`;

type DrawOutcome = { id: string; started: Date; result: RenderResult; stored: StoredImage[]; durationMs: number } | { error: unknown };

/** The live previews of an order drawn on this replica before any row is written. */
interface DirectDrawing {
  /** The rows to write finished, when every preview this order drew succeeded (else the transaction writes them). */
  finishedRows(
    common: (cacheKey: string) => Omit<FinishedRender, 'id' | 'images' | 'worker_id' | 'created_at' | 'started_at' | 'finished_at' | 'duration_ms'>,
  ): FinishedRender[] | undefined;
  /** The finished row of one cache key, when this order drew it successfully. */
  finishedRow(
    cacheKey: string,
    row: Omit<FinishedRender, 'id' | 'images' | 'worker_id' | 'created_at' | 'started_at' | 'finished_at' | 'duration_ms'>,
  ): FinishedRender | undefined;
  /** Whether this row is one this order drew (its images are ours). */
  drew(row: RenderRow): boolean;
  /** The images drawn for these rows (those this order drew), by render id. */
  images(rows: RenderRow[]): Map<string, EncodedImage[]>;
  /** Removes the stored images of every drawing no row in `used` took (joined another render, refused). */
  dropUnused(used: string[]): void;
  /** Lets identical previews waiting for this order go on (after its write, whatever its outcome). */
  release(): void;
}

/**
 * Cache keys being drawn and written on this replica, and the promise that settles when that is over,
 * with the images drawn by render id (an order that joins one answers them inline too).
 */
const drawingNow = new WeakMap<Runtime, Map<string, Promise<Map<string, EncodedImage[]>>>>();

/**
 * Draws and stores the previews of an order on this replica's render threads, under row ids chosen
 * now. A cache key another order of this process is drawing is not drawn again: this order waits
 * until that one is written and then joins its render. An order only takes keys when none of its keys
 * is taken (waiting, it holds none), so two orders can never wait for each other.
 */
async function drawDirect(
  rt: Runtime,
  plans: Array<{ cacheKey: string; render: Pick<RenderRow, 'cut_id' | 'view' | 'engine' | 'params'>; known: KnownCutView }>,
  clock?: StageClock,
  /** Prepared ahead of a likely tap (RenderOrder's `ahead`), not on screen. */
  ahead?: boolean,
): Promise<DirectDrawing> {
  const taken = drawingNow.get(rt) ?? new Map<string, Promise<Map<string, EncodedImage[]>>>();
  drawingNow.set(rt, taken);
  const joined = new Set<string>();
  const joinedImages = new Map<string, EncodedImage[]>();
  let keys = [...new Set(plans.map((p) => p.cacheKey))];
  for (;;) {
    const busy = keys.filter((k) => taken.has(k));
    if (!busy.length) break;
    for (const k of busy) joined.add(k);
    for (const images of await Promise.all(busy.map((k) => taken.get(k)!))) for (const [id, i] of images) joinedImages.set(id, i);
    keys = keys.filter((k) => !joined.has(k));
    clock?.lap('joined');
  }
  // Waited for: those keys are written now (or failed: the transaction then queues them); draw the rest.
  let release!: (images: Map<string, EncodedImage[]>) => void;
  const over = new Promise<Map<string, EncodedImage[]>>((r) => (release = r));
  for (const k of keys) taken.set(k, over);
  const orderedAt = new Date();
  const started = performance.now();
  const controller = new AbortController();
  const outcomes = new Map<string, Promise<DrawOutcome>>();
  for (const plan of plans) {
    if (outcomes.has(plan.cacheKey) || joined.has(plan.cacheKey)) continue;
    const id = randomUUID();
    // The order's Server-Timing shows its first drawing's stages.
    const timed = outcomes.size === 0;
    outcomes.set(
      plan.cacheKey,
      (async (): Promise<DrawOutcome> => {
        try {
          const t0 = performance.now();
          const job = await renderJobFor(rt, plan.render, plan.known);
          const t1 = performance.now();
          const result = await rt.rendering.render({ ...job, signal: controller.signal, ...(ahead ? { ahead } : {}) });
          const t2 = performance.now();
          // A live preview is a cache entry: its file is not flushed to disk before the tap's answer
          // (the flush's tail under disk load was most of the store stage's p95). This adds no new
          // way to fail: a power cut in the next seconds could already leave its row without the file,
          // whose new name is not flushed either; a process that dies leaves the file whole.
          const stored = await rt.rendering.store(result.images, renderKeyPrefix({ id, studio_photo_id: null }, 1), { sync: false });
          const t3 = performance.now();
          if (clock && timed) {
            const t = result.timings;
            // The thread's own figures; what is left of the pool's round trip is waiting for a thread and the hand-over.
            clock.add('job', t1 - t0);
            clock.add('pool', t2 - t1 - (t.total ?? 0));
            for (const [stage, ms] of Object.entries(t))
              if (stage !== 'total' && stage !== 'quickTemplate' && stage !== 'clothMade') clock.add(`thread-${stage.replace(/_.*/, '')}`, ms);
            clock.add('store', t3 - t2);
          }
          return { id, started: new Date(orderedAt.getTime() + (t0 - started)), result, stored, durationMs: Math.round(t3 - t0) };
        } catch (error) {
          return { error };
        }
      })(),
    );
  }
  const drawn = new Map<string, DrawOutcome>();
  await Promise.all([...outcomes].map(async ([k, o]) => drawn.set(k, await o)));
  clock?.skip();
  const failed = [...drawn.values()].filter((o): o is { error: unknown } => 'error' in o);
  for (const { error } of failed) rt.logger.warn({ err: error }, 'a preview could not be drawn on this replica; it goes to the queue');
  const ok = new Map([...drawn].flatMap(([k, o]) => ('error' in o ? [] : [[k, o] as const])));
  const ids = new Set([...ok.values()].map((o) => o.id));
  const finishedRow: DirectDrawing['finishedRow'] = (cacheKey, row) => {
    const o = ok.get(cacheKey);
    if (!o) return undefined;
    return {
      ...row,
      id: o.id,
      images: JSON.stringify(o.stored),
      worker_id: DIRECT_WORKER_ID,
      created_at: orderedAt,
      started_at: o.started,
      finished_at: new Date(),
      duration_ms: o.durationMs,
    };
  };
  let dropped = false;
  return {
    finishedRows: (common) => {
      // Every key this order drew succeeded: the one statement writes them (joined keys need no row).
      if (failed.length) return undefined;
      return [...ok.keys()].map((k) => finishedRow(k, common(k))!);
    },
    finishedRow,
    drew: (row) => ids.has(row.id),
    images: (rows) => {
      const mine = new Map([...ok.values()].map((o) => [o.id, o.result.images]));
      return new Map(
        rows.flatMap((r) => (mine.has(r.id) ? [[r.id, mine.get(r.id)!] as const] : joinedImages.has(r.id) ? [[r.id, joinedImages.get(r.id)!] as const] : [])),
      );
    },
    dropUnused: (used) => {
      if (dropped) return;
      dropped = true;
      controller.abort();
      const keep = new Set(used);
      for (const o of ok.values())
        if (!keep.has(o.id))
          void removeStored(
            rt,
            o.stored.map((i) => i.key),
          );
    },
    release: () => {
      for (const k of keys) if (taken.get(k) === over) taken.delete(k);
      release(new Map([...ok.values()].map((o) => [o.id, o.result.images])));
    },
  };
}

function removeStored(rt: Runtime, keys: string[]): Promise<unknown> {
  return Promise.all(keys.map((k) => rt.storage.delete(k).catch(() => undefined)));
}

/** A render row with the slugs it is known by, from the catalogue rows the order was resolved with. */
function renderViewOf(row: RenderRow, known: { family: FabricFamilyRow; color?: FabricColorRow; swatch?: SwatchUploadRow; cut: CutRow }): RenderView {
  return {
    ...row,
    family_slug: known.family.slug,
    color_slug: known.color?.slug ?? null,
    color_legacy_id: known.color?.legacy_id ?? null,
    swatch_upload_key: known.swatch?.storage_key ?? null,
    color_hex: known.color?.hex ?? null,
    cut_slug: known.cut.slug,
    cut_legacy_id: known.cut.legacy_id ?? null,
    studio_url_token: null,
    studio_owner_id: null,
  };
}

/** Seconds a refused client is told to wait: roughly the time the queue takes to move on. */
const QUEUE_RETRY_AFTER_S = 10;

export async function enforceQueueCaps(trx: Transaction<Database>, config: Runtime['config'], client: string | undefined): Promise<void> {
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

const MEDIA_TYPES = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' } as const;

/**
 * The images of a render drawn for this request, with those at most `maxBytes` carried inline as
 * data: URLs: the browser shows the preview without asking for it again.
 */
export function withInlineImages(images: ApiImage[], drawn: EncodedImage[] | undefined, maxBytes: number): ApiImage[] {
  if (!drawn || maxBytes <= 0) return images;
  return images.map((image) => {
    const bytes = drawn.find((d) => d.size === image.size && d.format === image.format)?.data;
    return bytes && bytes.length <= maxBytes ? { ...image, dataUrl: `data:${MEDIA_TYPES[image.format]};base64,${bytes.toString('base64')}` } : image;
  });
}

export function apiImages(rt: Runtime, render: RenderRow & { studio_url_token?: string | null }): ApiImage[] {
  // A studio render's images are a client's photo: only ever through its photo's unguessable URLs.
  const urlOf = (key: string) =>
    render.studio_photo_id ? studioFileUrl({ id: render.studio_photo_id, url_token: render.studio_url_token ?? '' }, key) : rt.storage.url(key);
  return render.images.map((i) => ({ size: i.size, format: i.format, url: urlOf(i.key), width: i.width, height: i.height }));
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
    kind: r.studio_photo_id ? ('studio' as const) : ('catalogue' as const),
    private: !!r.studio_photo_id,
    studioPhotoId: r.studio_photo_id,
    options: (r.params as { options?: Record<string, string> } | null)?.options ?? null,
    attempts: r.attempts,
    error: r.error,
    images: apiImages(rt, r),
    requestId: r.request_id,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.duration_ms,
    refinement: apiRefinement(r.details),
  };
}

/** The public part of a GPU render's details (its server's address stays in the admin's view). */
function apiRefinement(details: Record<string, unknown> | null) {
  if (details?.engine !== 'comfyui') return null;
  const d = details as unknown as ComfyRenderDetails;
  const f = d.fidelity;
  return {
    workflow: d.workflow,
    settings: { steps: d.settings.steps, cfg: d.settings.cfg, denoise: d.settings.denoise, seed: d.settings.seed },
    fidelity: { action: f.action, deltaE: f.deltaE, period: f.period, maxDeltaE: f.maxDeltaE, reason: f.reason },
    timings: d.timings,
    serverRetries: d.retries.length,
  };
}

/** What a batch records of its order (History shows it; the replaced API's jobs read it back). */
function batchParams(order: RenderOrder, engine: string): Record<string, unknown> {
  return {
    family: order.family,
    color: order.color,
    swatchUploadId: order.swatchUploadId,
    cuts: order.cuts,
    view: order.view,
    engine,
    ...order.batchParams,
  };
}
