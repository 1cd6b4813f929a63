/**
 * One render thread of the pool (piscina loads it through thread.mjs). Everything CPU-heavy about
 * images happens here, never on an event loop: rendering, encoding, making swatch tiles, loading photo
 * templates. Each thread keeps its own byte-bounded caches (textures in the engine, templates and
 * swatch tiles here); a task that refers to something the thread lacks is answered with `need`, and
 * the service sends it again with the bytes.
 */
import os from 'node:os';
import * as workerThreads from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import sharp from 'sharp';
import { ByteCache } from '../cache.ts';
import type { CutView, Engine, FabricSpec, ImageFormat, OutputSize, SwatchTile, WatermarkSpec } from '../engines/types.ts';
import type { StyleOptions } from '../templates/options.ts';
import type { ComposeEngine } from '../engines/compose/index.ts';
import { clothAlbedo, finishFor } from '../engines/compose/render.ts';
import { applyStamp, stampFor } from '../engines/compose/watermark.ts';
import { garmentMaps, guardFidelity, type FidelityReport, type GuardOptions } from '../engines/comfyui/fidelity.ts';
import { generateFabricTexture, linearToSrgb8 } from '../fabrics/index.ts';
import { rectifyClothUpload, type RectifiedUpload } from '../fabrics/cloth-photo/index.ts';
import { makeSwatchTile, type SwatchTileOptions, type SwatchTileResult } from '../fabrics/index.ts';
import { assessSwatchPhoto } from '../fabrics/index.ts';
import { photoTemplateFrom, preparePhoto, type PhotoFields } from '../templates/photo.ts';
import { inspectImageUpload, UploadRejected, type ImageUploadLimits, type InspectedImage } from '../uploads/validate.ts';
import {
  checkStudioMask,
  fillImage,
  prepareStudioPhoto,
  type MaskCheck,
  type PreparedPhoto,
  type StudioPhotoLimits,
  type StudioRejection,
} from '../studio/images.ts';
import { createThreadEngine } from './engines.ts';
import type { KeyedTexture, TextureCache } from '../engines/compose/texture.ts';
import { adoptDrafted, cutViewAtHand, draftAheadView, draftedView, templateVersion, type CutViewSource } from '../templates/index.ts';
import type { ThreadFabric } from './fabric.ts';
import { isDrawnViewId, ThreadControl, YIELDED } from './thread-control.ts';

export interface ThreadOptions {
  textureCacheBytes: number;
  templateCacheDir?: string;
  templateViews?: { memory: number; disk: number };
  /** Photo templates kept by the render service for all threads (bytes, see RenderServiceOptions). */
  templateCacheBytes: number;
  /** Swatch tiles kept per thread. */
  tileCacheBytes: number;
  clothLoopBytes?: number;
  draftMemoBytes?: number;
  /**
   * Shared with the render service (see ThreadControl): how many renders and other asked-for tasks
   * are out, and whether one of them waits for a thread that background work holds.
   */
  control?: Int32Array;
  /**
   * The background thread's CPU niceness (RenderServiceOptions.backgroundThread): set on this thread
   * alone (Linux keeps a nice value per thread), not on the process.
   */
  nice?: number;
}

export interface ThreadTemplate {
  /** Cache key: cut/view@version. */
  id: string;
  /**
   * The template made once (on whichever thread first needed it) in shared memory, kept by the
   * render service and handed to every thread: none of them copies or rebuilds it.
   */
  prepared?: CutView;
  base?: Uint8Array;
  mask?: Uint8Array;
  /** How the photo becomes a template: its own size and scale for a studio photo (default 1024×1536, 1.35 px/mm). */
  options?: { width?: number; height?: number; pxPerMm?: number };
}

export interface ThreadRenderTask {
  engine: string;
  cut: string;
  view: string;
  template?: ThreadTemplate;
  fabric: ThreadFabric;
  watermark?: WatermarkSpec;
  sizes?: OutputSize[];
  options?: StyleOptions;
  formats?: ImageFormat[];
  /** Progress out ({progress}), abort in ('abort'). Only when the caller listens or may cancel. */
  port?: MessagePort;
  /** Cloth textures other threads made for this fabric (shared memory, not copied). */
  textures?: KeyedTexture[];
  /** The style's drafting, when the thread is to draft the view itself (a cold live preview): not drafted twice. */
  drafted?: { src: CutViewSource; version: string };
}

export interface ThreadImage {
  size: OutputSize;
  format: ImageFormat;
  width: number;
  height: number;
  data: Uint8Array;
}

export type ThreadRenderAnswer =
  /** `made`: cloth textures this thread made meanwhile, for the other threads. */
  | { images: ThreadImage[]; timings: Record<string, number>; made?: KeyedTexture[] }
  | { need: Array<'template' | 'swatch'> }
  /** Errors lose their name crossing threads: an abort is said in so many words. */
  | { aborted: true };

const options = workerData as ThreadOptions;
if (options.nice !== undefined) {
  try {
    os.setPriority(options.nice);
  } catch {
    // Not allowed here (or no such thing on this system): the work is still done, at normal priority.
  }
}

/** This thread's CPU niceness, as the system reports it. */
export function niceness(): number {
  return os.getPriority();
}

const engines = new Map<string, Engine>();
const tiles = new ByteCache<SwatchTile>({ maxBytes: options.tileCacheBytes, sizeOf: (t) => t.rgb.byteLength + 64 });

function engine(name: string): Engine {
  let e = engines.get(name);
  if (!e) {
    e = createThreadEngine(name, {
      textureCacheBytes: options.textureCacheBytes,
      templateCacheDir: options.templateCacheDir,
      templateViews: options.templateViews,
      clothLoopBytes: options.clothLoopBytes,
      draftMemoBytes: options.draftMemoBytes,
    });
    engines.set(name, e);
  }
  return e;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** A stored tile is already seamless: decode it as it is, in sRGB, without tiling it again. */
async function decodeTile(bytes: Uint8Array, widthMm: number): Promise<SwatchTile> {
  const { data, info } = await sharp(asBuffer(bytes)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, widthMm };
}

/**
 * A view of `u` that can be transferred alone. Node ≥ 21 marks buffers that native code allocated
 * (every sharp output) as untransferable, and a pooled Buffer shares its ArrayBuffer: those are
 * copied once here, everything else goes as it is.
 */
function transferable<T extends Uint8Array>(u: T): T {
  const untransferable = workerThreads.isMarkedAsUntransferable?.(u.buffer) ?? false;
  if (!untransferable && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && !(u.buffer instanceof SharedArrayBuffer)) return u;
  const copy = new Uint8Array(u.byteLength);
  copy.set(u);
  return (Buffer.isBuffer(u) ? Buffer.from(copy.buffer) : copy) as T;
}

/** Results go back by transfer, never by copy. */
function moveAll<T extends object>(value: T, buffers: ArrayBufferLike[]): T {
  const list = [...new Set(buffers)];
  return move({
    get [transferableSymbol]() {
      return list;
    },
    get [valueSymbol]() {
      return value;
    },
  } as never) as unknown as T;
}

/**
 * The drawn views this thread was handed, the last few by id. A view's shared memory comes with its
 * first tasks only, later ones name it: each task that carried it made new wrappers over the same
 * ~16 MB, which V8 counts as fresh external memory, and the render thread ran a full collection
 * every few renders. Kept as the object first seen, so what is keyed by it (the WebAssembly cloth
 * loop's copy of the level arrays) is found again. Ids name content (view and drafting version).
 */
const drawnSeen = new LRUCache<string, CutView>({ max: 8 });
function sameDrawnView(id: string, view: CutView | undefined): CutView | undefined {
  if (!isDrawnViewId(id)) return view;
  const kept = drawnSeen.get(id);
  if (kept || !view) return kept;
  drawnSeen.set(id, view);
  return view;
}

/** The template and cloth a task refers to, from this thread's caches or the bytes it carries; or what it lacks. */
async function resources(
  task: Pick<ThreadRenderTask, 'cut' | 'view' | 'template' | 'fabric'>,
): Promise<{ template?: CutView; swatch?: SwatchTile } | { need: Array<'template' | 'swatch'> }> {
  const need: Array<'template' | 'swatch'> = [];
  let template: CutView | undefined;
  if (task.template) {
    // Photo templates are prepared once (prepareTemplate) and kept by the render service, which
    // hands them to every thread; this thread keeps none of its own.
    template = sameDrawnView(task.template.id, task.template.prepared);
    if (!template) need.push('template');
  }
  let swatch: SwatchTile | undefined;
  const sw = task.fabric.swatch;
  if (sw) {
    swatch = tiles.get(sw.id);
    if (!swatch && sw.bytes) {
      swatch = tiles.set(
        sw.id,
        sw.kind === 'photo' ? (await makeSwatchTile(asBuffer(sw.bytes), { widthMm: sw.widthMm })).tile : await decodeTile(sw.bytes, sw.widthMm),
      );
    } else if (!swatch) need.push('swatch');
  }
  return need.length ? { need } : { template, swatch };
}

export async function render(task: ThreadRenderTask): Promise<ThreadRenderAnswer> {
  const found = await resources(task);
  if ('need' in found) {
    task.port?.close();
    return found;
  }
  const { template, swatch } = found;
  if (task.drafted && !template) adoptDrafted(task.cut, task.view, task.options, task.drafted);

  const controller = new AbortController();
  task.port?.on('message', (m) => m === 'abort' && controller.abort());
  const textures = textureCacheOf(task.engine);
  textures?.adopt(task.textures);
  try {
    const result = await engine(task.engine).render({
      cut: task.cut,
      view: task.view,
      template,
      fabric: { design: task.fabric.design, hex: task.fabric.hex, repeatMm: task.fabric.repeatMm, swatch },
      watermark: task.watermark ?? { text: '', opacity: 0, position: 'bottom-right' },
      sizes: task.sizes,
      options: task.options,
      formats: task.formats,
      signal: controller.signal,
      onProgress: task.port ? (progress) => task.port!.postMessage({ progress }) : undefined,
    });
    const images: ThreadImage[] = result.images.map((i) => ({
      size: i.size,
      format: i.format,
      width: i.width,
      height: i.height,
      data: transferable(new Uint8Array(i.data.buffer, i.data.byteOffset, i.data.byteLength)),
    }));
    const made = textures?.takeMade();
    // clothMade: how many cloth textures this render had to generate (0 when it was at hand).
    const timings = made?.length ? { ...result.timings, clothMade: made.length } : result.timings;
    return moveAll(
      { images, timings, ...(made?.length ? { made } : {}) },
      images.map((i) => i.data.buffer),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') return { aborted: true };
    throw error;
  } finally {
    task.port?.close();
  }
}

/** The texture cache of an engine that keeps one (compose), for handing textures between threads. */
function textureCacheOf(name: string): TextureCache | undefined {
  const e = engine(name) as Partial<ComposeEngine>;
  return e.textureCache;
}

export interface PrepareTexturesTask {
  engine: string;
  cut: string;
  view: string;
  options?: StyleOptions;
  sizes: OutputSize[];
  fabric: ThreadFabric;
  textures?: KeyedTexture[];
  /** The view, shared by the render service, when it holds it. */
  template?: CutView;
}

/**
 * A colourway's cloth made ahead, at the scales a shipped view's sizes draw it: the associate is
 * looking at the family and is likely to tap it next. Only for views this thread holds already (a
 * view is never built for this), and never for photographed cloth. Answers what it made.
 */
export async function prepareTextures(task: PrepareTexturesTask): Promise<{ made: KeyedTexture[] }> {
  const compose = engine(task.engine) as Partial<ComposeEngine>;
  if (!compose.textureCache || !compose.template || task.fabric.swatch) return { made: [] };
  compose.textureCache.adopt(task.textures);
  if (!task.template && !(await cutViewAtHand(task.cut, task.view, { cacheDir: options.templateCacheDir, options: task.options }))) return { made: [] };
  const cv = task.template ?? (await compose.template(task.cut, task.view, task.options));
  const spec: FabricSpec = { design: task.fabric.design, hex: task.fabric.hex, repeatMm: task.fabric.repeatMm };
  for (const size of task.sizes) if (size !== 'hd') compose.textureCache.get(spec, cv.levels[size].pxPerMm);
  return { made: compose.textureCache.takeMade() };
}

/** A photographed cloth made seamlessly tileable and measured (~350 ms for a 2000×1500 photo). */
export async function swatchTile(task: { image: Uint8Array; options: SwatchTileOptions }): Promise<SwatchTileResult> {
  const made = await makeSwatchTile(asBuffer(task.image), task.options);
  const result = { ...made, png: transferable(made.png), tile: { ...made.tile, rgb: transferable(made.tile.rgb) } };
  return moveAll(result, [result.png.buffer, result.tile.rgb.buffer]);
}

/** A phone photo of cloth found, straightened and measured from its weave (fabrics/cloth-photo). */
export async function rectifyCloth(task: { image: Uint8Array; options: { maxPixels?: number } }): Promise<RectifiedUpload> {
  const rectified = await rectifyClothUpload(asBuffer(task.image), task.options);
  const result = { ...rectified, data: transferable(rectified.data) };
  return moveAll(result, [result.data.buffer]);
}

/** A photo's mask-independent fields (decoded, luminance blurred, smaller bases), in shared memory. */
export async function preparePhotoTask(task: { base: Uint8Array; options?: { width?: number; height?: number } }): Promise<PhotoFields> {
  return preparePhoto(asBuffer(task.base), task.options);
}

/**
 * A photo template for one mask, in shared memory: from the photo's prepared fields when the service
 * has them, else the photo is prepared here too and handed back for the next mask.
 */
export async function prepareTemplate(task: {
  cut: string;
  view: string;
  mask: Uint8Array;
  photo?: PhotoFields;
  base?: Uint8Array;
  options?: ThreadTemplate['options'];
}): Promise<{ template: CutView; photo: PhotoFields }> {
  const photo = task.photo ?? (await preparePhoto(asBuffer(task.base!), task.options));
  const template = await photoTemplateFrom(photo, asBuffer(task.mask), { cut: task.cut, view: task.view, ...task.options });
  return { template, photo };
}

/** A drawn view (read from the template cache, or built) in shared memory: the render service hands it to every thread. */
export async function prepareDrawn(task: { engine: string; cut: string; view: string; options?: StyleOptions }): Promise<CutView> {
  return (engine(task.engine) as ComposeEngine).template(task.cut, task.view, task.options);
}

/**
 * Starts drafting the presets at preview size in this thread's background (see
 * ComposeEngine.primeDrafts) and answers at once: renders arriving meanwhile are not queued behind it.
 */
export function primeDrafts(task: { engine: string }): { thread: number } {
  const e = engine(task.engine) as ComposeEngine;
  e.primeDrafts(gate(false)).catch(() => undefined);
  return { thread: workerThreads.threadId };
}

/**
 * Where background work waits: at once while nothing asked for is out; paused while a render (or any
 * other task asked for) runs anywhere in the pool, so it has the cores; with `drop`, abandoned
 * (rejects with YIELDED) when a task asked for waits for a thread.
 */
function gate(drop: boolean): () => Promise<void> {
  return async () => {
    const c = options.control;
    if (!c) return;
    for (;;) {
      if (drop && Atomics.load(c, ThreadControl.waiting)) throw new Error(YIELDED);
      if (!Atomics.load(c, ThreadControl.busy)) return;
      await new Promise((r) => setTimeout(r, 4));
    }
  };
}

/**
 * A style's preview drafted ahead of its tap, one option away from the style on screen (see
 * draftAheadView), in shared memory for the render service. A task of its own: it holds this thread
 * while it drafts, pauses while renders run elsewhere, and gives its thread up to a render that
 * would wait for it (answering `yielded`).
 */
export async function draftAhead(task: {
  cut: string;
  view: string;
  from: StyleOptions;
  options: StyleOptions;
}): Promise<{ view: CutView; drafted: ReturnType<typeof draftedView> } | { yielded: true } | { same: true }> {
  // A value this view does not show (vents seen from the front) draws the style on screen.
  if (templateVersion(task.cut, task.view, task.options) === templateVersion(task.cut, task.view, task.from)) return { same: true };
  try {
    const view = await draftAheadView(task.cut, task.view, task.from, task.options, gate(true));
    // Its drafting goes with it: the tap's order then finds the style's version (its cache key)
    // without drafting the style's SVG on the API's event loop.
    return { view, drafted: draftedView(task.cut, task.view, task.options) };
  } catch (error) {
    if (error instanceof Error && error.message === YIELDED) return { yielded: true };
    throw error;
  }
}

/** Loads an engine's templates (`views`, or the ones it wants at hand), from the disk cache when they are there. */
export async function warm(task: { engine: string; views?: Array<{ cut: string; view: string }> }): Promise<void> {
  const e = engine(task.engine) as Engine & { warm?: (views?: Array<{ cut: string; view: string }>) => Promise<void> };
  await e.warm?.(task.views);
  // The warm-up's own cloth is nobody's to share.
  textureCacheOf(task.engine)?.takeMade();
}

/** Refusals cross the thread boundary as data: an Error's class and fields would not survive it. */
export type InspectAnswer = { image: InspectedImage } | { rejected: { code: UploadRejected['code']; message: string } };

/** An uploaded image checked and decoded (a 40 MP photo is seconds of CPU and hundreds of MB). */
export async function inspectUpload(task: { data: Uint8Array; limits: ImageUploadLimits }): Promise<InspectAnswer> {
  try {
    return { image: await inspectImageUpload(asBuffer(task.data), task.limits) };
  } catch (error) {
    if (error instanceof UploadRejected) return { rejected: { code: error.code, message: error.message } };
    throw error;
  }
}

/** Whether a swatch photo is usable (focus, exposure, glare…): null when it is. */
export async function assessPhoto(task: {
  data: Uint8Array;
}): Promise<{ code: string; message: string; problems: Array<{ code: string; message: string }> } | null> {
  const problem = await assessSwatchPhoto(asBuffer(task.data));
  return problem ? { code: problem.code, message: problem.message, problems: problem.problems.map((p) => ({ code: p.code, message: p.message })) } : null;
}

/** What the GPU engine sends to ComfyUI: the compose render (no watermark), the garment mask, the cloth. */
export type RefineInputsAnswer =
  | { init: Uint8Array; mask: Uint8Array; swatch: Uint8Array; width: number; height: number; timings: Record<string, number> }
  | { need: Array<'template' | 'swatch'> };

export async function refineInputs(task: Omit<ThreadRenderTask, 'port'>): Promise<RefineInputsAnswer> {
  const found = await resources(task);
  if ('need' in found) return found;
  const t0 = performance.now();
  const made = await composeForRefine(task, found);
  const [init, mask, swatch] = await Promise.all([
    sharp(made.raw.rgb, { raw: { width: made.raw.width, height: made.raw.height, channels: 3 } })
      .png({ compressionLevel: 2 })
      .toBuffer(),
    sharp(made.maps.coverage, { raw: { width: made.maps.width, height: made.maps.height, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 2 })
      .toBuffer(),
    clothTile(made.spec, made.level.pxPerMm),
  ]);
  const answer = {
    init: transferable(new Uint8Array(init.buffer, init.byteOffset, init.byteLength)),
    mask: transferable(new Uint8Array(mask.buffer, mask.byteOffset, mask.byteLength)),
    swatch: transferable(new Uint8Array(swatch.buffer, swatch.byteOffset, swatch.byteLength)),
    width: made.raw.width,
    height: made.raw.height,
    timings: { compose: Math.round(performance.now() - t0) },
  };
  return moveAll(answer, [answer.init.buffer, answer.mask.buffer, answer.swatch.buffer]);
}

export interface RefineFinishTask extends Omit<ThreadRenderTask, 'port'> {
  /** The image ComfyUI made (PNG or JPEG). */
  refined: Uint8Array;
  guard: GuardOptions;
}

export type RefineFinishAnswer = { images: ThreadImage[]; timings: Record<string, number>; fidelity: FidelityReport } | { need: Array<'template' | 'swatch'> };

/** The fidelity guard, then sizes, watermark and encodings, exactly as a compose render is delivered. */
export async function refineFinish(task: RefineFinishTask): Promise<RefineFinishAnswer> {
  const found = await resources(task);
  if ('need' in found) return found;
  const t0 = performance.now();
  const made = await composeForRefine(task, found);
  const { width, height } = made.raw;
  const refined = await sharp(asBuffer(task.refined)).removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill' }).raw().toBuffer();
  const cloth = generateFabricTexture(made.spec, made.level.pxPerMm).meanLab;
  const guarded = guardFidelity(
    { refined: new Uint8Array(refined.buffer, refined.byteOffset, refined.byteLength), compose: made.raw.rgb },
    made.maps,
    cloth,
    task.guard,
    linearToSrgb8,
  );
  const tGuard = performance.now();
  const sizes = (['hd', 'full', 'preview', 'thumb'] as const).filter((s) => (task.sizes ? task.sizes.includes(s) : s !== 'hd'));
  const formats: ImageFormat[] = ['jpeg', ...(task.formats ?? []).filter((f) => f !== 'jpeg')];
  const wm = task.watermark;
  const images: ThreadImage[] = [];
  for (const size of sizes) {
    // HD from a GPU render is the refinement enlarged: SDXL works at the full size.
    const level = size === 'hd' ? { width: made.cv.levels.full.width * 2, height: made.cv.levels.full.height * 2 } : made.cv.levels[size];
    const rgb =
      size === 'full'
        ? new Uint8Array(guarded.rgb)
        : new Uint8Array(
            await sharp(guarded.rgb, { raw: { width, height, channels: 3 } })
              .resize(level.width, level.height, { fit: 'fill', kernel: 'lanczos3' })
              .raw()
              .toBuffer(),
          );
    if (wm?.text && wm.opacity > 0) applyStamp(rgb, level.width, level.height, await stampFor(wm.text, level.width), wm);
    for (const format of formats) {
      const img = sharp(rgb, { raw: { width: level.width, height: level.height, channels: 3 } });
      const data = await (format === 'jpeg'
        ? img.jpeg({ quality: 86 })
        : format === 'webp'
          ? img.webp({ quality: 82, effort: 2 })
          : img.avif({ quality: 56, effort: 0 })
      ).toBuffer();
      images.push({
        size,
        format,
        width: level.width,
        height: level.height,
        data: transferable(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
      });
    }
  }
  const timings = { guard: Math.round(tGuard - t0), encode: Math.round(performance.now() - tGuard) };
  return moveAll(
    { images, timings, fidelity: guarded.report },
    images.map((i) => i.data.buffer),
  );
}

async function composeForRefine(task: Pick<ThreadRenderTask, 'cut' | 'view' | 'fabric' | 'options'>, found: { template?: CutView; swatch?: SwatchTile }) {
  const compose = engine('compose') as ComposeEngine;
  const cv = found.template ?? (await compose.template(task.cut, task.view, task.options));
  const spec: FabricSpec = { design: task.fabric.design, hex: task.fabric.hex, repeatMm: task.fabric.repeatMm, swatch: found.swatch };
  const raw = await compose.renderRaw({ cut: task.cut, view: task.view, fabric: spec, template: cv, options: task.options }, 'full');
  const level = cv.levels.full;
  const maps = garmentMaps(
    level,
    finishFor(spec.design, level.shadeHist, level.shadeMeasured ? 0 : clothAlbedo(compose.textureCache.get(spec, level.pxPerMm))),
  );
  return { cv, spec, raw, level, maps };
}

/** The cloth, flat, as IP-Adapter sees it: a 512 px square of its texture at the view's scale. */
async function clothTile(spec: FabricSpec, pxPerMm: number): Promise<Buffer> {
  const tex = generateFabricTexture(spec, pxPerMm);
  const tile = await sharp(tex.rgb, { raw: { width: tex.width, height: tex.height, channels: 3 } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 512, height: 512, channels: 3, background: '#000000' } })
    .composite([{ input: tile, tile: true, top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** A client photo for the studio: checked, upright, metadata stripped, with its suggested mask. */
export async function studioPhoto(task: { data: Uint8Array; limits: StudioPhotoLimits }): Promise<PreparedPhoto | StudioRejection> {
  const answer = await prepareStudioPhoto(task.data, task.limits);
  if ('rejected' in answer) return answer;
  const result = { ...answer, data: transferable(answer.data), suggestedMask: transferable(answer.suggestedMask) };
  return moveAll(result, [result.data.buffer, result.suggestedMask.buffer]);
}

/** A painted studio mask checked against its photo's size and normalised (white = garment). */
export async function studioMask(task: {
  data: Uint8Array;
  photo: { width: number; height: number };
  limits: ImageUploadLimits;
}): Promise<MaskCheck | StudioRejection> {
  const answer = await checkStudioMask(task.data, task.photo, task.limits);
  if ('rejected' in answer) return answer;
  const result = { ...answer, png: transferable(answer.png) };
  return moveAll(result, [result.png.buffer]);
}

/** Remove/fill: Telea inpainting of the marked area (OpenCV in WebAssembly, loaded once per thread). */
export async function studioFill(task: {
  image: Uint8Array;
  mask: Uint8Array;
  options: { markedIs: 'white' | 'black'; limits: ImageUploadLimits; radius: number; suggestMaskSide?: number };
}): Promise<Awaited<ReturnType<typeof fillImage>>> {
  const answer = await fillImage(task.image, task.mask, task.options);
  if ('rejected' in answer) return answer;
  const result = { ...answer, png: transferable(answer.png), suggestedMask: answer.suggestedMask ? transferable(answer.suggestedMask) : undefined };
  return moveAll(result, [result.png.buffer, ...(result.suggestedMask ? [result.suggestedMask.buffer] : [])]);
}
