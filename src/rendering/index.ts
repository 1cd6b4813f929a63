/**
 * The render service: the one way any caller (the queue's render task, the live preview, the
 * console's previews, the CLI, the bench, the coming studio and GPU engines) turns a cut/view and a
 * cloth into images. It resolves what the engine needs (templates loaded once per version, swatch
 * tiles made once), renders and encodes on a piscina worker-thread pool (buffers are transferred, not
 * copied), and stores the results when asked. The pool is made on first use, so commands that never
 * render (migrate, seed) start no threads.
 */
import { createHash } from 'node:crypto';
import * as workerThreads from 'node:worker_threads';
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { StoredImage } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { EncodedImage, EngineInfo, ImageFormat, OutputSize, RenderResult, WatermarkSpec } from '../engines/types.ts';
import { draftAheadOrder, tapOption, STYLE_OPTION_IDS, STYLE_OPTIONS, optionsKey, resolveOptions, type StyleOptions } from '../templates/options.ts';
import type { SwatchTileOptions, SwatchTileResult } from '../fabrics/index.ts';
import type { RectifiedUpload } from '../fabrics/cloth-photo/index.ts';
import type { Storage } from '../storage/types.ts';
import { ENGINE_ENTRIES } from './engines.ts';
import { threadFabric, type FabricDescriptor, type ThreadFabric } from './fabric.ts';
import type { ClothPhotoOptions } from '../fabrics/cloth-photo/analyze.ts';
import { UploadRejected, type ImageUploadLimits, type InspectedImage } from '../uploads/validate.ts';
import type { InspectAnswer, RefineFinishAnswer, RefineInputsAnswer, ThreadOptions, ThreadRenderAnswer, ThreadRenderTask, ThreadTemplate } from './thread.ts';
import { isDrawnViewId, ThreadControl } from './thread-control.ts';
import type { KeyedTexture } from '../engines/compose/texture.ts';
import type { ComfyuiConfig } from '../config.ts';
import { createComfyEngine, type ComfyEngine } from '../engines/comfyui/engine.ts';
import type { WorkflowSettings } from '../engines/comfyui/workflows.ts';
import { ByteCache, type ByteCacheStats } from '../cache.ts';
import type { CutView } from '../templates/types.ts';
import { adoptDrafted, cutViewAtHand, draftedView, shippedViews, templateVersion } from '../templates/index.ts';
import { photoFieldsBytes, photoTemplateAtScale, type PhotoFields } from '../templates/photo.ts';
import type { FillResult, MaskCheck, PreparedPhoto, StudioPhotoLimits, StudioRejection } from '../studio/images.ts';

export interface FillOptions {
  markedIs: 'white' | 'black';
  limits: ImageUploadLimits;
  radius: number;
  /** Also compute a suggested garment mask of the result, on a working copy this long. */
  suggestMaskSide?: number;
}
export type FillAnswer = FillResult & { suggestedMask?: Uint8Array; sha256: string };

/** A refusal made on a render thread, as the HTTP error it becomes. */
function studioRefusal(answer: StudioRejection): AppError {
  return new AppError(answer.rejected.status, answer.rejected.code, answer.rejected.message);
}
type Prepared = CutView | PhotoFields;

/** Bytes a prepared template holds (its levels' arrays). */
export function cutViewBytes(cv: CutView): number {
  let n = 1024;
  for (const level of Object.values(cv.levels)) {
    for (const v of Object.values(level)) if (ArrayBuffer.isView(v)) n += v.byteLength;
  }
  return n;
}

const asBuf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export { fabricDescriptor, type FabricDescriptor, type FabricOverrides } from './fabric.ts';

export interface RenderServiceOptions {
  /** Render threads (each renders one image at a time). */
  threads: number;
  /** Linearised cloth textures kept per thread. */
  textureCacheBytes: number;
  /** Rasterised shipped templates on disk (built once, read by every thread and process). */
  templateCacheDir?: string;
  /** Drawn templates kept in memory per thread and on disk (defaults 8 and 96). */
  templateViews?: { memory: number; disk: number };
  /** Prepared templates (photo, studio, drawn) kept in shared memory for all threads (default 256 MB). */
  templateCacheBytes?: number;
  /** The WebAssembly cloth loop's resident memory per thread (default 128 MB; 0 = the JavaScript loop). */
  clothLoopBytes?: number;
  /** Rasterised template pieces kept per thread and frame size between builds (default 64 MB). */
  draftMemoBytes?: number;
  /**
   * Once warm, every thread drafts the presets' front and three-quarter at preview size in the
   * background, so the first preview of a style option redraws only what the option changes.
   */
  draftAhead?: boolean;
  /**
   * With draftAhead: previews of the styles one option away from the one on screen, drafted ahead
   * in the pool's idle time and kept for every thread (default 96 MB, shared memory).
   */
  draftAheadBytes?: number;
  /** How long the pool has been without renders before drafting ahead starts (default 250 ms). */
  draftAheadQuietMs?: number;
  /**
   * Work done ahead of any tap (styles drafted ahead, the catalogue's cloth made ahead) runs on one
   * thread of its own, beside the render threads, at this CPU niceness (default 19, the lowest
   * priority; `false` runs it on the render threads, between renders, as before). On the render
   * threads such work shares the cores with a tap's render and leaves its garbage to that thread's
   * collector: the first render there after drafting a style paid tens of ms of collection.
   */
  backgroundThread?: { nice: number } | false;
  /** Swatch tiles kept per thread (default 64 MB). */
  tileCacheBytes?: number;
  /** Cloth textures the threads made, kept to hand to the other threads (default 32 MB, shared memory). */
  sharedTextureBytes?: number;
  /** Tasks waiting for a thread before new ones are refused with RenderPoolBusyError (default 64). */
  maxQueue?: number;
  /**
   * Uploaded photos decoded and measured at once (default threads - 1, at least 1, so a render
   * thread stays free for previews); beyond it uploads are refused with RenderPoolBusyError.
   */
  maxUploadDecodes?: number;
  /** Uploads waiting for a decode slot before more are refused (default 4). */
  maxUploadsWaiting?: number;
  /** Where swatch photos, tiles and photo templates are read from (not needed for procedural cloth). */
  storage?: Pick<Storage, 'get' | 'put'>;
  logger?: Logger;
  /** The GPU engine's servers and settings; without them `comfyui` renders are refused. */
  comfyui?: ComfyuiConfig;
}

/** Where a cut/view's template comes from. */
export type TemplateSource =
  /** One the engine ships (drawn): it loads it itself. */
  | { kind: 'shipped' }
  /** An admin's photo view in storage; `version` changes whenever its photo or mask does. */
  | {
      kind: 'stored';
      version: string;
      baseKey: string;
      maskKey: string;
      options?: PhotoTemplateSize;
      /**
       * Version of photo and mask alone (a studio render's): templates that differ only in scale then
       * share one preparation, and a mask prepared ahead (prepareMask) under it is found.
       */
      maskVersion?: string;
    }
  /** Photo and mask in hand: an unsaved template, a client's photo with a painted mask. */
  | { kind: 'bytes'; base: Uint8Array; mask: Uint8Array; options?: PhotoTemplateSize };

/** A studio photo is its own template at its own size and scale (default: 1024×1536 at 1.35 px/mm). */
export interface PhotoTemplateSize {
  width?: number;
  height?: number;
  pxPerMm?: number;
}

export interface RenderJob {
  /** Default 'compose'. */
  engine?: string;
  cut: string;
  view: string;
  template?: TemplateSource;
  fabric: FabricDescriptor;
  /** None when absent. */
  watermark?: WatermarkSpec;
  /** Default full, preview and thumb; 'hd' (2048×3072) only when asked for. */
  sizes?: OutputSize[];
  /** Style options of a drawn cut (resolved); its preset when absent. */
  options?: StyleOptions;
  /** Beside the JPEG, which is always made. */
  formats?: ImageFormat[];
  onProgress?: (progress: number) => void;
  signal?: AbortSignal;
  /** The comfyui engine's per-request settings (workflow, steps, cfg, denoise, seed). */
  comfyui?: Partial<WorkflowSettings>;
  /** A preview prepared ahead of a likely tap, not on screen: the styles drafted ahead stay those of the one on screen. */
  ahead?: boolean;
}

export interface RenderService {
  /** The engines this process knows, by name (what they are and draw; rendering goes through `render`). */
  readonly engines: ReadonlyMap<string, EngineInfo>;
  /** The GPU engine (its servers, workflows and settings), when COMFYUI_URLS is configured. */
  readonly comfyui?: ComfyEngine;
  render(job: RenderJob): Promise<RenderResult>;
  /** Writes a render's images under `keyPrefix/<size>.<ext>`; returns what the renders table keeps. */
  store(images: EncodedImage[], keyPrefix: string, options?: { sync?: boolean }): Promise<StoredImage[]>;
  /**
   * A studio photo prepared ahead of its first mask (decoded, its luminance blurred, its smaller
   * bases made) into the shared template cache: called when the photo is uploaded, so that "mask sent
   * → cloth applied" then costs only the mask's own pass. `bytes` spares reading the photo back.
   */
  preparePhoto(photo: { baseKey: string; width: number; height: number; bytes?: Uint8Array }): Promise<void>;
  /**
   * A studio mask's template made ahead, while the associate is still painting, into the shared
   * template cache under its `maskVersion`: a render of that photo and mask then finds it made (or
   * waits for this same preparation, never making it twice). Only the latest mask of a `slot` (a
   * photo) is kept: a newer one skips an older one not started yet and drops an older one made.
   * Answers when it is made, skipped or failed (true: made or found made).
   */
  prepareMask(mask: PreparedMaskSource): Promise<boolean>;
  /** Forgets a slot's masks made ahead (its photo was deleted): one waiting is skipped, the one kept dropped. */
  forgetMasks(slot: string): void;
  /**
   * Photo templates and prepared photos held for all threads; `templatesMade`: photo templates begun
   * since start; `masksPreparing`: photos whose mask sent ahead is being prepared or waits its turn;
   * `viewsCarried`: render tasks that carried a drawn view's shared memory (its first one per
   * thread, and a resend to a thread that lacked it).
   */
  preparedStats(): ByteCacheStats & { templatesMade: number; masksPreparing: number; viewsCarried: number };
  /** makeSwatchTile on a render thread (a photo is hundreds of milliseconds of CPU). */
  swatchTile(image: Uint8Array, options: SwatchTileOptions): Promise<SwatchTileResult>;
  /**
   * Work on uploaded photos, on the threads and bounded (maxUploadDecodes at once, else
   * RenderPoolBusyError): a 40 MP photo costs seconds of CPU and hundreds of MB to decode.
   */
  readonly uploads: {
    /** inspectImageUpload (size, type, header, full decode); rejects with its UploadRejected. */
    inspect(data: Uint8Array, limits: ImageUploadLimits): Promise<InspectedImage>;
    /** assessSwatchPhoto: the first problem that makes the photo unusable, or null. */
    assess(data: Uint8Array): Promise<{ code: string; message: string; problems: Array<{ code: string; message: string }> } | null>;
    /** rectifyClothUpload: the cloth found, straightened and measured. */
    rectify(data: Uint8Array, options: ClothPhotoOptions & { maxPixels?: number }): Promise<RectifiedUpload>;
    /** makeSwatchTile of an uploaded photo. */
    tile(data: Uint8Array, options: SwatchTileOptions): Promise<SwatchTileResult>;
    /** A client photo for the studio: checked, upright, metadata stripped, with its suggested mask. */
    studioPhoto(data: Uint8Array, limits: StudioPhotoLimits): Promise<PreparedPhoto>;
    /** A painted studio mask checked against its photo (white = garment), as a 0/255 PNG. */
    studioMask(data: Uint8Array, photo: { width: number; height: number }, limits: ImageUploadLimits): Promise<MaskCheck>;
    /** Telea inpainting of the marked area (OpenCV in WebAssembly). */
    fill(image: Uint8Array, mask: Uint8Array, options: FillOptions): Promise<FillAnswer>;
  };
  /** A phone photo uploaded with no width: the cloth found, straightened and measured (= uploads.rectify). */
  rectifyCloth(image: Uint8Array, options?: { maxPixels?: number }): Promise<RectifiedUpload>;
  /**
   * Starts the threads and has every shipped template built (or read from the template cache), the
   * first-asked ones loaded in each thread. Called again, it answers the same promise.
   */
  warm(): Promise<void>;
  /**
   * Makes the cloth of these colourways ahead, one at a time and only on an idle thread, at the scales
   * a cut/view's sizes draw it (a family is on screen: its other colours are likely next). Skips what
   * is made or being made already; photographed cloth and views not built yet are left alone.
   */
  prepareCloth(view: { cut: string; view: string; options?: StyleOptions; sizes: OutputSize[] }, fabrics: FabricDescriptor[]): Promise<void>;
  /** `background`: the thread of work done ahead, once started (its CPU niceness: 0 where it could not be lowered). */
  stats(): { threads: number; queued: number; utilization: number; background?: { nice: number } };
  /**
   * Previews drafted ahead: `made` since start, `used` by renders (`joined`: of those, renders that
   * waited for their style's draft, begun before they came), `yielded` to renders, what is kept
   * (`entries`, `bytes`), `pending`, the styles of the current plan not drafted yet, and `drafting`,
   * how many are being drafted now.
   */
  draftAheadStats(): { made: number; used: number; joined: number; yielded: number; entries: number; bytes: number; pending: number; drafting: number };
  /** Whether this style's live preview is drafted ahead (its render draws no template). */
  draftedAhead(cut: string, view: string, options?: StyleOptions): boolean;
  /** Whether this style's live preview is being drafted ahead now (its render waits for that draft). */
  draftingAhead(cut: string, view: string, options?: StyleOptions): boolean;
  /**
   * A style is on screen without a render (its live preview was in the cache): the styles one option
   * away from it are drafted ahead, as after a render of it. `options`: the choices over the preset.
   */
  styleOnScreen(cut: string, view: string, options?: Record<string, string>): void;
  close(): Promise<void>;
}

/** A studio mask to prepare ahead: the stored photo, the checked mask's bytes, at the photo's size. */
export interface PreparedMaskSource {
  /** Only the latest mask of a slot is kept (a studio photo's id). */
  slot: string;
  cut: string;
  view: string;
  baseKey: string;
  maskVersion: string;
  mask: Uint8Array;
  width: number;
  height: number;
}

/** The pool's queue is full: answered 503 with Retry-After. */
export class RenderPoolBusyError extends AppError {
  constructor() {
    super(503, 'busy', 'The server is busy rendering images; try again in a moment', undefined, { 'retry-after': '2' });
    this.name = 'RenderPoolBusyError';
  }
}

const CONTENT_TYPES = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' } as const;
const EXTENSIONS = { jpeg: 'jpg', webp: 'webp', avif: 'avif' } as const;

function abortError(): Error {
  const e = new Error('Render aborted');
  e.name = 'AbortError';
  return e;
}

/** A view of `u` whose ArrayBuffer can be transferred without taking anything else with it. */
function ownBuffer(u: Uint8Array): Uint8Array {
  // Node ≥ 21 refuses to transfer buffers native code allocated (sharp's outputs): copy those too.
  const untransferable = workerThreads.isMarkedAsUntransferable?.(u.buffer) ?? false;
  if (!untransferable && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && !(u.buffer instanceof SharedArrayBuffer)) return u;
  return new Uint8Array(u);
}

export function createRenderService(options: RenderServiceOptions): RenderService {
  const engines = new Map<string, EngineInfo>();
  for (const entry of Object.values(ENGINE_ENTRIES)) {
    engines.set(entry.name, {
      name: entry.name,
      version: entry.version,
      runsOn: entry.runsOn,
      needs: entry.needs,
      views: entry.views,
      templateVersion: entry.templateVersion,
    });
  }
  const threads = Math.max(1, options.threads);
  let pool: Piscina | undefined;
  let closed = false;
  let warming: Promise<void> | undefined;

  // Renders and other tasks asked for that are out, and whether one waits behind background work
  // (ThreadControl): the threads' background work reads it to pause or give its thread up.
  const control = new Int32Array(new SharedArrayBuffer(8));
  const threadOptions: ThreadOptions = {
    control,
    textureCacheBytes: options.textureCacheBytes,
    templateCacheDir: options.templateCacheDir,
    templateViews: options.templateViews,
    templateCacheBytes: options.templateCacheBytes ?? 256 * 1024 * 1024,
    tileCacheBytes: options.tileCacheBytes ?? 64 * 1024 * 1024,
    clothLoopBytes: options.clothLoopBytes,
    draftMemoBytes: options.draftMemoBytes,
  };
  const background = options.backgroundThread === undefined ? { nice: 19 } : options.backgroundThread;
  /**
   * Work done ahead of the taps (styles drafted, cloth made) runs on a thread of its own at low CPU
   * priority; without it, on the render threads between renders, where it must step aside by itself:
   * wait for an idle thread, say when a render waits behind it, and be waited for when it makes the
   * cloth a render needs.
   */
  const aheadOnRenderThreads = background === false;
  let backgroundPool: Piscina | undefined;
  /** What the background thread reported when it started (stats only). */
  let backgroundNice: number | undefined;
  function newPool(size: number, extra: { maxQueue?: number; nice?: number } = {}): Piscina {
    return new Piscina({
      filename: fileURLToPath(new URL('./thread.mjs', import.meta.url)),
      minThreads: size,
      maxThreads: size,
      idleTimeout: 60_000,
      ...(extra.maxQueue === undefined ? {} : { maxQueue: extra.maxQueue }),
      // An idle thread keeps running its event loop (the default blocks it until the next task): what
      // a thread drafts ahead in its background goes on between renders.
      atomics: 'async',
      workerData: (extra.nice === undefined ? threadOptions : { ...threadOptions, nice: extra.nice }) satisfies ThreadOptions,
    });
  }
  /** The thread of work done ahead (see RenderServiceOptions.backgroundThread), or the render pool. */
  function aheadPool(): Piscina {
    if (!background) return piscina();
    if (closed) throw new Error('the render service is closed');
    if (!backgroundPool) {
      backgroundPool = newPool(1, { nice: background.nice });
      backgroundPool.run({}, { name: 'niceness' }).then(
        (nice: number) => (backgroundNice = nice),
        (err) => options.logger?.debug({ err }, 'the background thread did not say its priority'),
      );
    }
    return backgroundPool;
  }
  function piscina(): Piscina {
    if (closed) throw new Error('the render service is closed');
    pool ??= newPool(threads, { maxQueue: options.maxQueue ?? 64 });
    return pool;
  }

  /**
   * Every thread starts drafting the presets at preview size in its background (the task answers at
   * once). Tasks sent together go to distinct idle threads; a thread missed is asked again.
   */
  async function primeAhead(): Promise<void> {
    const asked = new Set<number>();
    for (let round = 0; round < 3 && asked.size < threads && !closed; round++) {
      const answers = await Promise.all(
        Array.from({ length: threads }, () =>
          run<{ thread: number }>({ engine: 'compose' }, 'primeDrafts').catch((err) => options.logger?.debug({ err }, 'drafting ahead failed')),
        ),
      );
      for (const a of answers) if (a) asked.add(a.thread);
    }
    // The thread that drafts ahead starts from the presets' drafts too: without them its first style
    // of each cut and view is drafted from nothing (seconds at its priority), and the taps meanwhile miss.
    if (background && !closed)
      await (aheadPool().run({ engine: 'compose' }, { name: 'primeDrafts' }) as Promise<unknown>).catch((err) =>
        options.logger?.debug({ err }, 'the background thread did not start drafting the presets'),
      );
  }

  /** Tasks handed to the pool and not answered yet (running or waiting for a thread). */
  let tasksOut = 0;
  /** Of those, the ones asked for (not background work), and the background tasks that hold a thread. */
  let askedOut = 0;
  let aheadOut = 0;
  /** When the last task asked for was answered. */
  let askedAt = 0;
  function signalThreads() {
    Atomics.store(control, ThreadControl.busy, askedOut);
    // Work ahead on a thread of its own never holds one a render could use.
    Atomics.store(control, ThreadControl.waiting, aheadOnRenderThreads && askedOut + aheadOut > threads ? 1 : 0);
  }
  async function counted<T>(work: Promise<T>, ahead = false): Promise<T> {
    tasksOut++;
    if (!ahead) {
      askedOut++;
      signalThreads();
    }
    try {
      return await work;
    } finally {
      tasksOut--;
      if (!ahead) {
        askedOut--;
        askedAt = performance.now();
        signalThreads();
      }
    }
  }

  /** The style last previewed per cut: what an associate changed is what they are likely to change again. */
  const lastStyle = new Map<string, StyleOptions>();
  /**
   * Preview levels of the styles one option away from the one on screen, drafted ahead in the pool's
   * idle time (shared memory, any thread renders from them). Bounded in bytes; a new style on screen
   * replaces the plan, and what the old one drafted goes first when memory is short.
   */
  const aheadBytes = options.draftAheadBytes ?? 96 * 1024 * 1024;
  const ahead = new ByteCache<CutView>({ maxBytes: aheadBytes, sizeOf: cutViewBytes });
  // By options, not by drafting version: that would draft every style on this event loop.
  const aheadId = (cut: string, view: string, o: StyleOptions) => `ahead:${cut}/${view}/${optionsKey(o)}`;
  type AheadPlan = { key: string; from: StyleOptions; list: Array<{ cut: string; view: string; options: StyleOptions; id: string }>; bytes: number };
  let plan: AheadPlan | undefined;
  let draining = false;
  /** How long a render waited for its style's draft, begun ahead of it (by job: told in its timings). */
  const aheadWaits = new WeakMap<RenderJob, number>();
  /** The style being drafted ahead now: a tap for it waits for this draft rather than drafting it again. */
  let draftingNow: { id: string; view: Promise<CutView | undefined> } | undefined;
  const aheadCounts = { made: 0, used: 0, yielded: 0, joined: 0 };

  /**
   * The style on screen (a live preview just drawn): every style one option away from it is drafted
   * ahead, in draftAheadOrder.
   */
  function planAhead(job: Pick<RenderJob, 'cut' | 'view' | 'options'>): void {
    if (!options.draftAhead) return;
    const from = job.options ?? resolveOptions(job.cut);
    const before = lastStyle.get(job.cut);
    lastStyle.set(job.cut, from);
    const key = aheadId(job.cut, job.view, from);
    if (plan?.key === key) return;
    const changed = STYLE_OPTION_IDS.filter((id) => before && before[id] !== from[id]);
    const preset = resolveOptions(job.cut);
    const presetId = aheadId(job.cut, job.view, preset);
    const presetAtHand = !!sharedDrawn({ cut: job.cut, view: job.view });
    const list: AheadPlan['list'] = [];
    const seen = new Set([key]);
    for (const id of draftAheadOrder(changed)) {
      for (const value of STYLE_OPTIONS[id] as readonly string[]) {
        if (value === from[id]) continue;
        try {
          // As the panel takes the tap: an option the value rules out moves too (see tapOption).
          const o = resolveOptions(job.cut, tapOption(from, preset, id, value).full);
          const vid = aheadId(job.cut, job.view, o);
          // The preset, its whole view at hand, needs no draft to be previewed at once. (Only the preset
          // is looked up: another style's version would be drafted on this event loop to find its id.)
          if (seen.has(vid) || (vid === presetId && presetAtHand)) continue;
          seen.add(vid);
          list.push({ cut: job.cut, view: job.view, options: o, id: vid });
        } catch {
          // Not offered with the rest of this style (a shawl collar double-breasted).
        }
      }
    }
    plan = { key, from, list, bytes: 0 };
    void drainAhead();
  }

  /**
   * One style of the plan at a time, on a thread, once the pool has been quiet for
   * DRAFT_AHEAD_QUIET_MS: the other threads stay free for renders, the drafting pauses while one
   * runs and gives its thread up when one would wait for it.
   */
  async function drainAhead(): Promise<void> {
    if (draining) return;
    draining = true;
    const quietMs = options.draftAheadQuietMs ?? 250;
    try {
      while (plan && !closed) {
        const p = plan;
        const next = p.list.find((v) => !ahead.has(v.id));
        // Done, or its share of the memory used (what it made stays; it is not drafted again).
        if (!next || p.bytes >= aheadBytes * 0.8) break;
        while (!closed && (askedOut > 0 || performance.now() - askedAt < quietMs)) await new Promise((r) => setTimeout(r, 10));
        if (closed || plan !== p) continue;
        aheadOut++;
        signalThreads();
        try {
          const asked = counted(
            aheadPool().run({ cut: next.cut, view: next.view, from: p.from, options: next.options }, { name: 'draftAhead' }) as Promise<
              { view: CutView; drafted: ReturnType<typeof draftedView> } | { yielded: true } | { same: true }
            >,
            true,
          );
          draftingNow = {
            id: next.id,
            view: asked.then(
              (a) => ('view' in a ? a.view : undefined),
              () => undefined,
            ),
          };
          const answer = await asked;
          if ('view' in answer) {
            adoptDrafted(next.cut, next.view, next.options, answer.drafted);
            ahead.set(next.id, answer.view);
            p.bytes += cutViewBytes(answer.view);
            aheadCounts.made++;
          } else if ('same' in answer) {
            // A value this view does not show (vents from the front): it draws the style on screen,
            // whose preview, when it was drafted ahead, serves this style's tap too.
            p.list.splice(p.list.indexOf(next), 1);
            const shown = ahead.get(aheadId(next.cut, next.view, p.from));
            if (shown) ahead.set(next.id, shown);
          } else aheadCounts.yielded++;
        } catch (err) {
          options.logger?.debug({ err }, 'drafting ahead failed');
          p.list.splice(p.list.indexOf(next), 1);
        } finally {
          draftingNow = undefined;
          aheadOut--;
          signalThreads();
        }
      }
    } finally {
      draining = false;
    }
  }

  async function run<T>(task: unknown, name: string, transferList: TransferListItem[] = []): Promise<T> {
    try {
      return (await counted(piscina().run(task, { name, transferList: transferList as never }))) as T;
    } catch (error) {
      if (error instanceof Error && /queue is at limit/i.test(error.message)) throw new RenderPoolBusyError();
      throw error;
    }
  }

  function storage() {
    if (!options.storage) throw new Error('this render needs stored files, and the render service was made without storage');
    return options.storage;
  }

  /**
   * Photo templates and the photos they are made from, prepared once in shared memory and handed to
   * every thread (a 12 MP photo's fields are ~100 MB, its template ~80 MB: one copy, not one per
   * thread). One byte budget for both.
   */
  const prepared = new ByteCache<Prepared>({
    maxBytes: options.templateCacheBytes ?? 256 * 1024 * 1024,
    sizeOf: (p) => ('levels' in p ? cutViewBytes(p) : photoFieldsBytes(p)),
  });

  /** Where a photo's prepared fields are kept: the photo (by storage key or bytes) at one size. */
  function photoKey(t: Exclude<TemplateSource, { kind: 'shipped' }>): string {
    const size = `${t.options?.width ?? ''}x${t.options?.height ?? ''}`;
    if (t.kind === 'stored') return `photo:${t.baseKey}:${size}`;
    return `photo:bytes:${createHash('sha256').update(t.base).digest('hex').slice(0, 32)}:${size}`;
  }

  function photoBytes(t: Exclude<TemplateSource, { kind: 'shipped' }>): Promise<Uint8Array> {
    return t.kind === 'stored' ? storage().get(t.baseKey).then(ownBuffer) : Promise.resolve(t.base);
  }

  function preparePhotoOf(t: Exclude<TemplateSource, { kind: 'shipped' }>, bytes?: Uint8Array): Promise<PhotoFields> {
    return prepared.getOrMakeAsync(photoKey(t), async () =>
      run<PhotoFields>({ base: bytes ?? (await photoBytes(t)), options: { width: t.options?.width, height: t.options?.height } }, 'preparePhotoTask'),
    ) as Promise<PhotoFields>;
  }

  /** A drawn view in the shared cache, read or built on one thread the first time. */
  function drawnView(engineName: string, cut: string, view: string, styleOptions?: StyleOptions): Promise<{ id: string; cv: CutView }> {
    const id = `drawn:${engineName}:${cut}/${view}/${templateVersion(cut, view, styleOptions)}`;
    return prepared
      .getOrMakeAsync(id, () => run<CutView>({ engine: engineName, cut, view, options: styleOptions }, 'prepareDrawn'))
      .then((cv) => ({ id, cv: cv as CutView }));
  }

  /**
   * A drawn view for a compose render, shared by every thread: from the shared cache, or read or built
   * once for it. A preview of a view that is neither there nor on disk (a shape option just tapped) is
   * left to the thread, which draws it at half size without building the view.
   */
  async function drawnFor(job: RenderJob, engineName: string): Promise<ThreadTemplate | undefined> {
    if (engineName !== 'compose' || (job.template && job.template.kind !== 'shipped')) return undefined;
    const id = `drawn:${engineName}:${job.cut}/${job.view}/${templateVersion(job.cut, job.view, job.options)}`;
    if (prepared.has(id)) return { id, prepared: prepared.get(id) as CutView };
    // A live preview of a style drafted ahead: no drafting on the way.
    const drafted = job.sizes?.length && job.sizes.every((s) => s === 'preview') ? aheadId(job.cut, job.view, job.options ?? resolveOptions(job.cut)) : '';
    if (drafted && ahead.has(drafted)) {
      aheadCounts.used++;
      return { id: drafted, prepared: ahead.get(drafted) };
    }
    // Being drafted ahead right now (tapped before the draft was done): what is left of that draft is
    // sooner than a draft from the start, and no thread drafts the same style twice.
    if (drafted && draftingNow?.id === drafted) {
      const t0 = performance.now();
      const view = await draftingNow.view;
      if (view) {
        aheadCounts.used++;
        aheadCounts.joined++;
        aheadWaits.set(job, performance.now() - t0);
        return { id: drafted, prepared: view };
      }
    }
    const previewOnly = !!job.sizes?.length && job.sizes.every((s) => s === 'preview' || s === 'thumb');
    if (previewOnly && !(await cutViewAtHand(job.cut, job.view, { cacheDir: options.templateCacheDir, options: job.options }))) return undefined;
    const { cv } = await drawnView(engineName, job.cut, job.view, job.options);
    return { id, prepared: cv };
  }

  /** A drawn view the shared cache holds already (nothing is read or built for it). */
  function sharedDrawn(view: { cut: string; view: string; options?: StyleOptions }): CutView | undefined {
    const id = `drawn:compose:${view.cut}/${view.view}/${templateVersion(view.cut, view.view, view.options)}`;
    return prepared.has(id) ? (prepared.get(id) as CutView) : undefined;
  }

  let templatesMade = 0;

  /** Where a photo-and-mask template made at any scale is kept (see photoTemplateAtScale). */
  const maskTemplateId = (cut: string, view: string, maskVersion: string, width?: number, height?: number) =>
    `${cut}/${view}@mask:${maskVersion}:${width ?? ''}x${height ?? ''}`;

  function makeMaskTemplate(id: string, cut: string, view: string, t: Exclude<TemplateSource, { kind: 'shipped' }>, mask: () => Promise<Uint8Array>) {
    return prepared.getOrMakeAsync(id, async () => {
      // Counted when begun, not when the photo is read: a mask sent ahead is "being made" from the moment it is answered.
      templatesMade++;
      const [maskBytes, photo] = await Promise.all([mask(), preparePhotoOf(t)]);
      const made = await run<{ template: CutView }>(
        { cut, view, mask: maskBytes, photo, options: { width: t.options?.width, height: t.options?.height } },
        'prepareTemplate',
      );
      return made.template;
    }) as Promise<CutView>;
  }

  async function templateFor(job: RenderJob): Promise<ThreadTemplate | undefined> {
    const t = job.template;
    if (!t || t.kind === 'shipped') return undefined;
    if (t.kind === 'stored' && t.maskVersion && t.options?.pxPerMm) {
      const made = await makeMaskTemplate(maskTemplateId(job.cut, job.view, t.maskVersion, t.options.width, t.options.height), job.cut, job.view, t, () =>
        storage().get(t.maskKey).then(ownBuffer),
      );
      const id = `${job.cut}/${job.view}@${t.version}:${t.options.width ?? ''}x${t.options.height ?? ''}@${t.options.pxPerMm}`;
      return { id, prepared: photoTemplateAtScale(made, t.options.pxPerMm), options: t.options };
    }
    const size = t.options ? `:${t.options.width ?? ''}x${t.options.height ?? ''}@${t.options.pxPerMm ?? ''}` : '';
    const id =
      t.kind === 'stored'
        ? `${job.cut}/${job.view}@${t.version}${size}`
        : `${job.cut}/${job.view}@bytes:${createHash('sha256').update(t.base).update(t.mask).digest('hex').slice(0, 32)}${size}`;
    const cv = (await prepared.getOrMakeAsync(id, async () => {
      templatesMade++;
      const [mask, photo] = await Promise.all([t.kind === 'stored' ? storage().get(t.maskKey).then(ownBuffer) : Promise.resolve(t.mask), preparePhotoOf(t)]);
      const made = await run<{ template: CutView }>({ cut: job.cut, view: job.view, mask, photo, options: t.options }, 'prepareTemplate');
      return made.template;
    })) as CutView;
    return { id, prepared: cv, options: t.options };
  }

  /**
   * Cloth textures the threads made, by fabric (shared memory): every render of that fabric carries
   * them, so a colour's cloth is generated once per process rather than once per thread.
   */
  const sharedTextures = new ByteCache<KeyedTexture[]>({
    maxBytes: options.sharedTextureBytes ?? 32 * 1024 * 1024,
    sizeOf: (list) => list.reduce((n, t) => n + t.texture.bytes, 64),
  });
  const fabricKey = (f: ThreadFabric) => (f.swatch ? undefined : JSON.stringify([f.design, f.hex.toUpperCase(), f.repeatMm ?? null]));
  function keepTextures(key: string | undefined, made: KeyedTexture[] | undefined) {
    if (!key || !made?.length) return;
    const known = sharedTextures.get(key) ?? [];
    const fresh = made.filter((m) => !known.some((k) => k.key === m.key));
    // A fabric is drawn at a few scales (each view's sizes); the newest few are kept.
    if (fresh.length) sharedTextures.set(key, [...known, ...fresh].slice(-8));
  }
  /** Versions of cold styles whose drafting went to a thread already. */
  const draftsSent = new Set<string>();
  /** Render tasks that named each drawn view so far (the newest 256 views). */
  const viewsSent = new LRUCache<string, number>({ max: 256 });
  /** Render tasks that carried a drawn view's shared memory (stats). */
  let viewsCarried = 0;
  /** Cloth being made ahead, by fabric: a render of it waits for that rather than making it again. */
  const preparing = new Map<string, Promise<unknown>>();
  const prepareQueue: Array<{ key: string; task: object; done: () => void }> = [];
  /** Fabric × view × sizes made ahead lately: not asked for again. */
  const clothPrepared = new ByteCache<true>({ maxBytes: 4096 * 64, sizeOf: () => 64 });
  let prepareRunning = false;
  async function drainPrepareQueue() {
    if (prepareRunning) return;
    prepareRunning = true;
    try {
      for (let next = prepareQueue.shift(); next && !closed; next = prepareQueue.shift()) {
        // On the render threads: only on a thread nothing else is using, and never on the last thread
        // the renders asked for could use: on two cores a tap's render would otherwise share its core
        // with cloth for taps that may never come. (On the background thread, its low priority does that.)
        while (aheadOnRenderThreads && (tasksOut >= threads || askedOut >= Math.max(1, threads - 1)) && !closed) await new Promise((r) => setTimeout(r, 5));
        if (closed) {
          next.done();
          break;
        }
        const { key, task } = next;
        const input = { ...task, textures: sharedTextures.get(key) };
        const made = !aheadOnRenderThreads
          ? counted(aheadPool().run(input, { name: 'prepareTextures' }) as Promise<{ made: KeyedTexture[] }>, true)
          : run<{ made: KeyedTexture[] }>(input, 'prepareTextures');
        const done = made.then((answer) => keepTextures(key, answer.made)).catch((err) => options.logger?.debug({ err }, 'cloth could not be made ahead'));
        preparing.set(key, done);
        await done;
        preparing.delete(key);
        next.done();
      }
    } finally {
      prepareRunning = false;
      // Closed meanwhile: nothing left will be made.
      for (const left of prepareQueue.splice(0)) left.done();
    }
  }

  // Made (and its workflow files checked) at start: a broken workflow stops the process, not a render.
  const comfyui = options.comfyui ? createComfyEngine(options.comfyui, options.logger) : undefined;

  /** A task about a cut/view and a cloth on a render thread, sending the template or swatch bytes if it lacks them. */
  async function threadTask<T extends object>(name: string, job: RenderJob, extra: Record<string, unknown> = {}): Promise<Exclude<T, { need: unknown }>> {
    const fabric = threadFabric(job.fabric);
    const template = await templateFor(job);
    for (let round = 0; round < 2; round++) {
      const task = {
        engine: 'compose',
        cut: job.cut,
        view: job.view,
        template,
        fabric,
        watermark: job.watermark,
        sizes: job.sizes,
        formats: job.formats,
        options: job.options,
        ...extra,
      };
      const answer = await run<T | { need: Array<'template' | 'swatch'> }>(task, name);
      if (!('need' in answer)) return answer as Exclude<T, { need: unknown }>;
      if (answer.need.includes('template')) throw new Error('a render thread was not given its template');
      if (answer.need.includes('swatch') && fabric.swatch)
        fabric.swatch = { ...fabric.swatch, bytes: ownBuffer(await storage().get(fabric.swatch.storageKey)) };
    }
    throw new Error('a render thread kept asking for the same template or swatch');
  }

  async function renderRemote(job: RenderJob): Promise<RenderResult> {
    if (!comfyui) throw new Error('the comfyui engine is not configured here (set COMFYUI_URLS)');
    const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    const result = await comfyui.render(
      {
        inputs: () => threadTask<RefineInputsAnswer>('refineInputs', job),
        finish: async (refined, guard) => {
          const answer = await threadTask<RefineFinishAnswer>('refineFinish', job, { refined: ownBuffer(refined), guard });
          return { ...answer, images: answer.images.map((i) => ({ ...i, data: asBuffer(i.data) })) };
        },
      },
      { settings: job.comfyui, onProgress: job.onProgress, signal: job.signal },
    );
    return { images: result.images, timings: result.timings, details: result.details as unknown as Record<string, unknown> };
  }

  async function render(job: RenderJob): Promise<RenderResult> {
    const engineName = job.engine ?? 'compose';
    const entry = ENGINE_ENTRIES[engineName];
    if (!entry) throw new Error(`unknown engine ${engineName}`);
    if (entry.runsOn === 'remote') return renderRemote(job);
    if (entry.runsOn !== 'thread') throw new Error(`engine ${engineName} does not run on render threads`);
    if (job.signal?.aborted) throw abortError();
    const fabric = threadFabric(job.fabric);
    const clothKey = fabricKey(fabric);
    if (clothKey) {
      // Its cloth is being made ahead right now on a render thread: that is sooner than making it again.
      // Not on the background thread: at its priority, on busy cores, that could take any time.
      const inFlight = preparing.get(clothKey);
      if (inFlight && aheadOnRenderThreads) await inFlight;
      // Still waiting to be made ahead: this render makes it now instead.
      const queued = prepareQueue.findIndex((p) => p.key === clothKey);
      if (queued >= 0) prepareQueue.splice(queued, 1)[0]!.done();
    }
    const template = (await templateFor(job)) ?? (await drawnFor(job, engineName));
    // A drawn style the thread drafts itself (a cold live preview): its drafting, made here already for
    // its version, goes with the first such render only; the next colours of that style would copy the
    // same ~100 kB again to a thread that keeps it (one that lacks it drafts it, as before).
    let drafted: ReturnType<typeof draftedView> | undefined;
    if (!template && engineName === 'compose' && (!job.template || job.template.kind === 'shipped') && job.options) {
      const d = draftedView(job.cut, job.view, job.options);
      if (!draftsSent.has(d.version)) {
        if (draftsSent.size >= 256) draftsSent.delete(draftsSent.values().next().value!);
        draftsSent.add(d.version);
        drafted = d;
      }
    }
    // A drawn view's shared memory goes with its first renders only, one per thread (a burst of them
    // queues behind those on every thread); later ones name it, and a thread that lacks it asks (see
    // sameDrawnView in thread.ts).
    const sharedView = !!template?.prepared && isDrawnViewId(template.id);
    let withView = true;
    if (template && sharedView) {
      const sent = viewsSent.get(template.id) ?? 0;
      withView = sent < threads;
      viewsSent.set(template.id, sent + 1);
    }
    // At most twice: the second time with the bytes a thread said it lacks.
    for (let round = 0; round < 2; round++) {
      const transfer: TransferListItem[] = [];
      let port: MessageChannel | undefined;
      if (job.onProgress || job.signal) {
        port = new MessageChannel();
        transfer.push(port.port2);
        port.port1.on('message', (m: { progress?: number }) => m.progress !== undefined && job.onProgress?.(m.progress));
      }
      const onAbort = () => port?.port1.postMessage('abort');
      job.signal?.addEventListener('abort', onAbort, { once: true });
      if (withView && sharedView) viewsCarried++;
      const task: ThreadRenderTask = {
        engine: engineName,
        cut: job.cut,
        view: job.view,
        template: template && !withView ? { id: template.id } : template,
        fabric,
        watermark: job.watermark,
        sizes: job.sizes,
        options: job.options,
        formats: job.formats,
        port: port?.port2,
        textures: clothKey ? sharedTextures.get(clothKey) : undefined,
        ...(drafted ? { drafted } : {}),
      };
      // Bytes in hand (an unsaved template) are cloned, not moved: the caller may still use them.
      let answer: ThreadRenderAnswer;
      try {
        answer = await run<ThreadRenderAnswer>(task, 'render', transfer);
      } finally {
        job.signal?.removeEventListener('abort', onAbort);
        port?.port1.close();
      }
      if ('aborted' in answer) throw abortError();
      if ('images' in answer) {
        keepTextures(clothKey, answer.made);
        const shipped = engineName === 'compose' && (!job.template || job.template.kind === 'shipped');
        // After the answer has gone: the plan is not the caller's to wait for.
        if (shipped && !job.ahead && job.sizes?.length === 1 && job.sizes[0] === 'preview') setImmediate(() => planAhead(job));
        const images: EncodedImage[] = answer.images.map((i) => ({ ...i, data: Buffer.from(i.data.buffer, i.data.byteOffset, i.data.byteLength) }));
        // draftedAhead: the template was a preview drafted ahead of this request.
        if (!template?.id.startsWith('ahead:')) return { images, timings: answer.timings };
        // aheadWait: how long it waited for the style's draft, begun ahead of it and not done yet.
        const waitedMs = aheadWaits.get(job);
        const timings: Record<string, number> = { ...answer.timings, draftedAhead: 1 };
        if (waitedMs !== undefined) timings.aheadWait = Math.round(waitedMs * 10) / 10;
        return { images, timings };
      }
      if (answer.need.includes('template')) {
        if (withView) throw new Error('a render thread was not given its template');
        withView = true;
      }
      if (answer.need.includes('swatch') && fabric.swatch)
        fabric.swatch = { ...fabric.swatch, bytes: ownBuffer(await storage().get(fabric.swatch.storageKey)) };
    }
    throw new Error('a render thread kept asking for the same template or swatch');
  }

  /**
   * Masks made ahead, by slot (photo): the one being made and the latest asked for. One at a time per
   * slot; one asked for while another is made waits, and is replaced by any newer one meanwhile.
   */
  const maskSlots = new Map<
    string,
    {
      running?: { id: string; done: Promise<boolean> };
      next?: { source: PreparedMaskSource; done: (ok: boolean) => void };
      kept?: string;
      /** The mask last asked for: the photo's latest, whatever is being made. */
      wanted?: string;
    }
  >();
  async function prepareMask(source: PreparedMaskSource): Promise<boolean> {
    const id = maskTemplateId(source.cut, source.view, source.maskVersion, source.width, source.height);
    let slot = maskSlots.get(source.slot);
    if (!slot) {
      // Bounded: photos long idle are forgotten (their templates stay in the cache's own bounds).
      for (const [name, idle] of maskSlots) {
        if (maskSlots.size < 512) break;
        if (!idle.running && !idle.next) maskSlots.delete(name);
      }
      slot = {};
      maskSlots.set(source.slot, slot);
    }
    slot.wanted = id;
    // Any mask waiting its turn is superseded, by this one or by the kept or running one asked again
    // (an edit undone): skipped.
    slot.next?.done(false);
    slot.next = undefined;
    if (slot.kept === id && prepared.has(id)) return true;
    // Being made: the same preparation is answered.
    if (slot.running?.id === id) return slot.running.done;
    const mine = new Promise<boolean>((done) => {
      slot.next = { source, done };
    });
    if (!slot.running) void drainMaskSlot(source.slot, slot);
    return mine;
  }
  async function drainMaskSlot(name: string, slot: NonNullable<ReturnType<typeof maskSlots.get>>) {
    while (slot.next && !closed) {
      const { source, done } = slot.next;
      slot.next = undefined;
      const id = maskTemplateId(source.cut, source.view, source.maskVersion, source.width, source.height);
      let finished!: (ok: boolean) => void;
      slot.running = { id, done: new Promise<boolean>((r) => (finished = r)) };
      const t = { kind: 'stored' as const, version: '', baseKey: source.baseKey, maskKey: '', options: { width: source.width, height: source.height } };
      let ok = false;
      try {
        await makeMaskTemplate(id, source.cut, source.view, t, async () => ownBuffer(source.mask));
        if (slot.wanted !== id) {
          // Another mask was asked for while this one was made (the kept one again, after an undo):
          // that one stays the photo's latest, and this one is not kept beside it.
          if (slot.kept !== id) prepared.delete(id);
        } else {
          ok = true;
          // Only the latest mask of a photo is kept: the one it replaces goes (a render holding it keeps its own reference).
          if (slot.kept && slot.kept !== id) prepared.delete(slot.kept);
          slot.kept = id;
        }
        // Its photo was deleted meanwhile: not kept either.
        if (maskSlots.get(name) !== slot) prepared.delete(id);
      } catch (err) {
        options.logger?.debug({ err, slot: name }, 'studio mask not prepared ahead');
      } finally {
        slot.running = undefined;
        finished(ok);
        done(ok);
      }
    }
    slot.next?.done(false);
    slot.next = undefined;
    // Nothing more is asked of it: forgotten unless it holds the kept template.
    if ((!slot.kept || !prepared.has(slot.kept)) && maskSlots.get(name) === slot) maskSlots.delete(name);
  }

  const maxUploads = Math.max(1, options.maxUploadDecodes ?? threads - 1);
  const maxUploadWaiting = options.maxUploadsWaiting ?? 4;
  let uploadsRunning = 0;
  const uploadWaiters: Array<() => void> = [];
  async function uploadTask<T>(work: () => Promise<T>): Promise<T> {
    if (uploadsRunning >= maxUploads) {
      if (uploadWaiters.length >= maxUploadWaiting) throw new RenderPoolBusyError();
      await new Promise<void>((resolve) => uploadWaiters.push(resolve));
    } else uploadsRunning++;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = uploadWaiters.shift();
      if (next) next();
      else uploadsRunning--;
    }
  }
  function rectify(image: Uint8Array, rectifyOptions: ClothPhotoOptions & { maxPixels?: number }): Promise<RectifiedUpload> {
    return uploadTask(async () => {
      const r = await run<RectifiedUpload>({ image, options: rectifyOptions }, 'rectifyCloth');
      return { ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
    });
  }
  async function swatchTile(image: Uint8Array, tileOptions: SwatchTileOptions): Promise<SwatchTileResult> {
    const r = await run<SwatchTileResult>({ image, options: tileOptions }, 'swatchTile');
    return { ...r, png: Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength) };
  }

  return {
    engines,
    comfyui,
    render,
    preparePhoto: async (photo) => {
      await preparePhotoOf(
        { kind: 'stored', version: '', baseKey: photo.baseKey, maskKey: '', options: { width: photo.width, height: photo.height } },
        photo.bytes,
      );
    },
    prepareMask,
    forgetMasks(name) {
      const slot = maskSlots.get(name);
      if (!slot) return;
      slot.next?.done(false);
      slot.next = undefined;
      if (slot.kept) prepared.delete(slot.kept);
      slot.kept = undefined;
      slot.wanted = undefined;
      maskSlots.delete(name);
    },
    preparedStats: () => ({
      ...prepared.stats(),
      templatesMade,
      masksPreparing: [...maskSlots.values()].filter((s) => s.running || s.next).length,
      viewsCarried,
    }),
    uploads: {
      inspect: (data, limits) =>
        uploadTask(async () => {
          const answer = await run<InspectAnswer>({ data, limits }, 'inspectUpload');
          if ('rejected' in answer) throw new UploadRejected(answer.rejected.code, answer.rejected.message);
          return answer.image;
        }),
      assess: (data) => uploadTask(() => run({ data }, 'assessPhoto')),
      rectify,
      tile: (data, tileOptions) => uploadTask(() => swatchTile(data, tileOptions)),
      studioPhoto: (data, limits) =>
        uploadTask(async () => {
          const answer = await run<PreparedPhoto | StudioRejection>({ data, limits }, 'studioPhoto');
          if ('rejected' in answer) throw studioRefusal(answer);
          return { ...answer, data: asBuf(answer.data), suggestedMask: asBuf(answer.suggestedMask) };
        }),
      studioMask: (data, photo, limits) =>
        uploadTask(async () => {
          const answer = await run<MaskCheck | StudioRejection>({ data, photo, limits }, 'studioMask');
          if ('rejected' in answer) throw studioRefusal(answer);
          return { ...answer, png: asBuf(answer.png) };
        }),
      fill: (image, mask, fillOptions) =>
        uploadTask(async () => {
          const answer = await run<FillAnswer | StudioRejection>({ image, mask, options: fillOptions }, 'studioFill');
          if ('rejected' in answer) throw studioRefusal(answer);
          return { ...answer, png: asBuf(answer.png), suggestedMask: answer.suggestedMask ? asBuf(answer.suggestedMask) : undefined };
        }),
    },
    async store(images, keyPrefix, storeOptions) {
      const stored: StoredImage[] = [];
      await Promise.all(
        images.map(async (image) => {
          const key = `${keyPrefix}/${image.size}.${EXTENSIONS[image.format]}`;
          await storage().put(key, image.data, CONTENT_TYPES[image.format], storeOptions);
          stored.push({ size: image.size, format: image.format, key, width: image.width, height: image.height, bytes: image.data.length });
        }),
      );
      const order = ['hd', 'full', 'preview', 'thumb'];
      return stored.sort((a, b) => order.indexOf(a.size) - order.indexOf(b.size) || a.format.localeCompare(b.format));
    },
    swatchTile,
    rectifyCloth: (image, clothOptions = {}) => rectify(image, clothOptions),
    warm() {
      warming ??= (async () => {
        const p = piscina();
        const threaded = [...engines.values()].filter((e) => e.runsOn === 'thread');
        // Every shipped view built once (and written to the template cache), spread over the threads:
        // a thread that finds one on disk just reads it. Without a cache directory each thread must
        // build its own, so this step would only be done twice.
        if (options.templateCacheDir) {
          // As many in flight as there are threads: the pool's queue stays free for renders.
          const todo = threaded.flatMap((e) => e.views().map(({ cut, view }) => ({ engine: e.name, views: [{ cut, view }] })));
          await Promise.all(
            Array.from({ length: threads }, async () => {
              for (let task = todo.shift(); task; task = todo.shift()) await counted(p.run(task, { name: 'warm' }));
            }),
          );
        }
        // Then the views asked for first (each preset's front and three-quarter) into the shared
        // cache, once for all threads, and one small render per thread so that the first client's
        // render finds the render loop compiled, the texture generator and the encoder started.
        const first = shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter');
        const views: Array<{ id: string; cv: CutView }> = [];
        const queue = [...first];
        await Promise.all(
          Array.from({ length: threads }, async () => {
            for (let v = queue.shift(); v; v = queue.shift()) views[first.indexOf(v)] = await drawnView('compose', v.cut, v.view);
          }),
        );
        if (views[0]) {
          const fabric = threadFabric({ hex: '#808080', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10 } });
          const task = (i: number): ThreadRenderTask => ({
            engine: 'compose',
            cut: first[i]!.cut,
            view: first[i]!.view,
            template: { id: views[i]!.id, prepared: views[i]!.cv },
            fabric,
            sizes: ['thumb'],
          });
          await Promise.all(Array.from({ length: threads }, (_, i) => counted(p.run(task(i % views.length), { name: 'render' }))));
        }
        if (options.draftAhead) void primeAhead();
      })();
      warming.catch(() => (warming = undefined));
      return warming;
    },
    async prepareCloth(view, fabrics) {
      if (closed) return;
      const waits: Array<Promise<unknown>> = [];
      for (const descriptor of fabrics) {
        const fabric = threadFabric(descriptor);
        const key = fabricKey(fabric);
        if (!key) continue;
        const mark = `${key}@${view.cut}/${view.view}/${JSON.stringify(view.options ?? null)}/${view.sizes.join(',')}`;
        const pending = preparing.get(key);
        if (pending) waits.push(pending);
        if (clothPrepared.has(mark) || pending || prepareQueue.some((p) => p.key === key)) continue;
        clothPrepared.set(mark, true);
        waits.push(
          new Promise<void>((done) =>
            prepareQueue.push({
              key,
              done,
              // The shared view when the service holds it: the thread then needs no copy of its own.
              task: { engine: 'compose', cut: view.cut, view: view.view, options: view.options, sizes: view.sizes, fabric, template: sharedDrawn(view) },
            }),
          ),
        );
      }
      void drainPrepareQueue();
      await Promise.all(waits);
    },
    draftAheadStats() {
      const kept = ahead.stats();
      const pending = plan ? plan.list.filter((v) => !ahead.has(v.id)).length : 0;
      return { ...aheadCounts, entries: kept.entries, bytes: kept.bytes, pending, drafting: aheadOut };
    },
    draftedAhead(cut, view, styleOptions) {
      return ahead.has(aheadId(cut, view, styleOptions ?? resolveOptions(cut)));
    },
    styleOnScreen(cut, view, chosen) {
      if (!options.draftAhead || closed || !shippedViews().some((v) => v.cut === cut && v.view === view)) return;
      let styleOptions: StyleOptions;
      try {
        styleOptions = resolveOptions(cut, chosen ?? {});
      } catch {
        return;
      }
      planAhead({ cut, view, options: styleOptions });
    },
    draftingAhead(cut, view, styleOptions) {
      return draftingNow?.id === aheadId(cut, view, styleOptions ?? resolveOptions(cut));
    },
    stats() {
      const ahead = backgroundNice === undefined ? {} : { background: { nice: backgroundNice } };
      if (!pool) return { threads: 0, queued: 0, utilization: 0, ...ahead };
      return { threads: pool.threads.length, queued: pool.queueSize, utilization: pool.utilization, ...ahead };
    },
    async close() {
      closed = true;
      await Promise.all([pool?.destroy(), backgroundPool?.destroy()]);
    },
  };
}
