/**
 * The compose engine: exact cloth on drawn (or photographed) garments, on the CPU, in milliseconds.
 * A render is: cached texture → one loop per output size over precomputed template arrays → overlays
 * → watermark → one encode per output.
 */
import sharp from 'sharp';
import {
  cutViewAtHand,
  cutViewSource,
  hdLevel,
  loadCutView,
  loadQuickView,
  primeQuickDrafts,
  quickViewAtHand,
  setDraftMemoBytes,
  shippedViews,
  templateVersion,
  SHADE_ONE,
  type StyleOptions,
} from '../../templates/index.ts';
import type { CutView, LevelName, ViewLevel } from '../../templates/types.ts';
import { warmTextureGenerator } from '../../fabrics/index.ts';
import type { CutViewInfo, EncodedImage, Engine, FabricDesign, FabricSpec, ImageFormat, OutputSize, RenderRequest, RenderResult } from '../types.ts';
import { clothAlbedo, finishFor, plainEntries, plainPanels, renderCloth, renderOverlay, renderPlain, type Finish } from './render.ts';
import { TextureCache, type LinearTexture } from './texture.ts';
import { WasmCloth } from './wasm/cloth.ts';
import { applyStamp, stampFor } from './watermark.ts';

/**
 * Bump when output pixels change for the same template and cloth (2: the colour module's linear→sRGB
 * table; 3: HD edges placed from the full level's partly covered pixels, photo templates' too; 4: light
 * cloth's shade filled by interreflection; 5: procedural cloth's mélange in slubs and a cloud without a
 * lattice, chalk stripes feathered, TEXTURE_VERSION fab3; 6: the teeth of a houndstooth and of a glen check's
 * houndstooth blocks stepped thread by thread, fab4; 7: a glen check's hairlines woven 2-and-2 thread by
 * thread, fab5; 8: a worsted's picks nearly one tone, fab6; 9: procedural cloth's fine grain, fab7; 10: a
 * drawn garment's mottle drawn at HD's own resolution; 11: the undercollar inside the back of the neck
 * drawn in plain melton, not the cloth's pattern; 12: buttons matching the cloth dyed to its colour, not
 * patterned with it).
 */
export const COMPOSE_ENGINE_VERSION = 'compose-12';

export interface ComposeEngineOptions {
  /** Bytes of linearised textures kept in memory (default 96 MB). */
  textureCacheBytes?: number;
  /** Directory for rasterised templates; without it templates are built in memory once per process. */
  templateCacheDir?: string;
  /** Drawn templates kept in memory and on disk (defaults 8 and 96). */
  templateViews?: { memory: number; disk: number };
  /** JPEG quality (default 86). */
  jpegQuality?: number;
  /** JPEG quality of the detail view at full size (default 95, with full-resolution chroma). See `encode`. */
  zoomJpegQuality?: number;
  /** Memory of the WebAssembly cloth loop (levels and tiles kept there; default 128 MB); 0 = the JavaScript loop. */
  clothLoopBytes?: number;
  /** Rasterised template pieces kept between builds, per frame size (default 64 MB; see primeDrafts). */
  draftMemoBytes?: number;
}

export interface RawImage {
  width: number;
  height: number;
  /** Interleaved sRGB. */
  rgb: Uint8Array;
}

/** Per-pixel shading as applied for a fabric: rendered linear = cloth × mul + add (for tests and tools). */
export interface ShadingMaps {
  width: number;
  height: number;
  /** 0..255 cloth coverage per pixel (of both pieces where two meet inside the garment). */
  coverage: Uint8Array;
  mul: Float32Array;
  add: Float32Array;
  /** Panel index per pixel (255: no cloth); where two pieces meet, the one with the larger share. */
  panel: Uint8Array;
  /** Opacity of buttons and other overlays drawn over the cloth. */
  overlay: Uint8Array;
}

export interface ComposeEngine extends Engine {
  readonly name: 'compose';
  /** Adds a view (a photo template, an admin's upload) that `render` can then address by cut/view. */
  addTemplate(view: CutView): void;
  /** The template for a cut/view with its style options (built on first use). */
  template(cut: string, view: string, options?: StyleOptions): Promise<CutView>;
  /** Render one size to raw RGB without encoding or watermark (tests, contact sheet). */
  renderRaw(request: Pick<RenderRequest, 'cut' | 'view' | 'fabric' | 'template' | 'options'>, size?: OutputSize): Promise<RawImage>;
  /** The shading a fabric receives at one size. */
  shadingMaps(cut: string, view: string, fabric: FabricSpec, size?: OutputSize, options?: StyleOptions): Promise<ShadingMaps>;
  /**
   * Drafts each preset's front and three-quarter at preview size once in this thread, so that the
   * first preview of a new style option redraws only what the option changes; then, on a thread that
   * has rendered, writes the cloth loop's memory once (see WasmCloth.prefault). False when done before.
   * `gate` is awaited between steps (the render threads pause there while a render runs).
   */
  primeDrafts(gate?: () => Promise<void>): Promise<boolean>;
  /**
   * Drafts these styles' previews ahead, one after another, in this thread's memory (the values an
   * associate is likely to tap next). A newer list replaces the rest of an older one; views already
   * at hand are skipped. Resolves when the list is done or replaced.
   */
  draftNext(list: Array<{ cut: string; view: string; options: StyleOptions }>): Promise<void>;
  /**
   * Warm start: loads `views` (built and written to the template cache when missing), or else the
   * views asked for first (each preset's front and three-quarter), into this thread's memory.
   */
  warm(views?: Array<{ cut: string; view: string }>): Promise<void>;
  readonly textureCache: TextureCache;
}

/** Drawn views it loads itself; photo views and swatch tiles from the render service. */
export const COMPOSE_NEEDS = { template: true, swatchTile: true, paintedMask: false } as const;

export const OUTPUT_SIZES: Record<LevelName, 'full' | 'preview' | 'thumb'> = { full: 'full', preview: 'preview', thumb: 'thumb' };

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error('Render aborted');
  e.name = 'AbortError';
  return e;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * One output encoded. JPEG: baseline libjpeg-turbo (mozjpeg's trellis costs ten times the time for
 * 15 % fewer bytes). Huffman tables are optimised for the sizes that are stored and downloaded (full,
 * HD); a live preview or thumbnail skips that pass: the same pixels (it is lossless), half the encode
 * time, ~25 % more bytes on an image of a few tens of kB.
 *
 * `zoom`: the detail view at full size, made to show the weave. At its 4 px/mm a dark cloth's weave
 * is a level or two of 8 bits from pixel to pixel, with a period of three or four pixels, and quality
 * 86 with halved chroma quantises a third or more of it away: the cloth reads as a blur. At 95 with
 * full chroma it keeps all of it, for some three times the bytes (~75 kB → ~260 kB). Optimised
 * Huffman tables would save 8 % of those bytes and double the encode's time, so it goes without.
 * Elsewhere the default loses little: at 8 px/mm (the detail view's HD) the same weave keeps 91 %;
 * at figure scale the weave is below the pixel and what shows (heather, pattern) keeps 96 %.
 */
async function encode(raw: RawImage, size: OutputSize, format: ImageFormat, quality: number, zoom: boolean): Promise<Buffer> {
  const img = sharp(raw.rgb, { raw: { width: raw.width, height: raw.height, channels: 3 } });
  if (format === 'jpeg') {
    return img
      .jpeg({ quality, mozjpeg: false, chromaSubsampling: zoom ? '4:4:4' : '4:2:0', optimiseCoding: !zoom && (size === 'full' || size === 'hd') })
      .toBuffer();
  }
  // WebP and AVIF at the quality that keeps as much of a zoomed weave as the JPEG does (of a dark
  // birdseye's exact weave: JPEG 95 keeps 64 %, WebP 95 68 %, AVIF 85 61 %; their usual 91 and 65 kept
  // 23 % and 30 %). Both halve chroma regardless; the weave is in the luma. WebP zoomed takes libwebp's
  // photo preset: with the default one, how much of the weave q95 kept swung with the picture's
  // content (68 % of it, then 46 % and 102 kB instead of 139 once the sleeve beside the chest was
  // shaded as a tube); the photo preset kept 67 % and 68 % of the two, at 138 and 143 kB.
  if (format === 'webp') return img.webp(zoom ? { quality, effort: 2, preset: 'photo' } : { quality: quality - 4, effort: 2 }).toBuffer();
  return img.avif({ quality: zoom ? quality - 10 : quality - 30, effort: 0 }).toBuffer();
}

export function createComposeEngine(options: ComposeEngineOptions = {}): ComposeEngine {
  const textures = new TextureCache(options.textureCacheBytes ?? 96 * 1024 * 1024);
  const extra = new Map<string, CutView>();
  const finishes = new Map<string, Finish>();
  const quality = options.jpegQuality ?? 86;
  const zoomQuality = options.zoomJpegQuality ?? 95;
  const clothLoopBytes = options.clothLoopBytes ?? 128 * 1024 * 1024;
  if (options.draftMemoBytes !== undefined) setDraftMemoBytes(options.draftMemoBytes);
  let primed: Promise<boolean> | undefined;
  let nextList = 0;
  // The WebAssembly loop where the platform has SIMD (every Node this project supports); else JavaScript's.
  let wasmLoop: Promise<WasmCloth | undefined> | undefined;
  const clothLoop = () => {
    wasmLoop ??= clothLoopBytes > 0 ? WasmCloth.create(clothLoopBytes).catch(() => undefined) : Promise.resolve(undefined);
    return wasmLoop;
  };

  async function template(cut: string, view: string, styleOptions?: StyleOptions): Promise<CutView> {
    const custom = extra.get(`${cut}/${view}`);
    if (custom) return custom;
    return loadCutView(cut, view, {
      cacheDir: options.templateCacheDir,
      options: styleOptions,
      keep: options.templateViews?.memory,
      keepOnDisk: options.templateViews?.disk,
    });
  }

  // HD levels are made from the full level on first use (~60 MB each): only the latest few are kept.
  const hdLevels = new Map<string, Promise<ViewLevel>>();
  async function levelOf(cv: CutView, size: OutputSize): Promise<ViewLevel> {
    if (size !== 'hd') return cv.levels[size];
    const key = `${cv.cut}/${cv.view}/${cv.version}`;
    let p = hdLevels.get(key);
    if (!p) {
      p = hdLevel(cv.levels.full);
      hdLevels.set(key, p);
      p.catch(() => hdLevels.delete(key));
      while (hdLevels.size > 2) hdLevels.delete(hdLevels.keys().next().value!);
    }
    return p;
  }

  function finish(
    cv: Pick<CutView, 'cut' | 'view' | 'version'> & { quick?: boolean },
    size: OutputSize,
    design: FabricDesign,
    level: ViewLevel,
    tex: LinearTexture,
  ): Finish {
    const albedo = level.shadeMeasured ? 0 : clothAlbedo(tex);
    const key = `${cv.cut}/${cv.view}/${cv.version}${cv.quick ? '/quick' : ''}/${size}/${design.sheen ?? ''}/${design.nap ?? ''}/${albedo}`;
    let f = finishes.get(key);
    if (!f) {
      f = finishFor(design, level.shadeHist, albedo);
      if (finishes.size > 256) finishes.clear();
      finishes.set(key, f);
    }
    return f;
  }

  /**
   * Images drawn by `render`, taken again by the next render of the same size once encoded. A new
   * image per render is memory outside V8's heap, which it counts towards its next full collection:
   * an HD render's 19 MB image set one off every two or three HD renders, 62-85 ms paused inside the
   * image's allocation where the drawing takes 26 ms. One free image is kept per size.
   */
  const freeImages = new Map<number, Uint8Array>();
  function takeImage(bytes: number): Uint8Array {
    const kept = freeImages.get(bytes);
    if (!kept) return new Uint8Array(bytes);
    freeImages.delete(bytes);
    return kept;
  }

  // Per level, its entries on plain panels (see `plainPanels`), found once.
  const plain = new WeakMap<ViewLevel, Int32Array>();
  function plainOf(level: ViewLevel, panels: CutView['panels']): Int32Array {
    let entries = plain.get(level);
    if (!entries) {
      entries = plainEntries(level, plainPanels(panels));
      plain.set(level, entries);
    }
    return entries;
  }

  /** Draws the level in `rgb` (as large as the level's base). */
  function renderLevel(
    cv: Pick<CutView, 'cut' | 'view' | 'version' | 'panels'> & { quick?: boolean },
    size: OutputSize,
    level: ViewLevel,
    tex: LinearTexture,
    design: FabricDesign,
    loop: WasmCloth | undefined,
    rgb: Uint8Array,
  ): RawImage {
    const f = finish(cv, size, design, level, tex);
    if (!loop?.drawInto(level, tex, f, level.base, rgb)) {
      rgb.set(level.base);
      renderCloth(level, tex, f, rgb);
    }
    renderPlain(level, plainOf(level, cv.panels), tex, f, rgb);
    renderOverlay(level, rgb);
    return { width: level.width, height: level.height, rgb };
  }

  /**
   * A preview or thumbnail of a drawn view that is not built yet (a shape option just tapped) is drawn
   * from half-size levels, a quarter of a full build's work; anything larger builds the view.
   */
  async function quickLevels(request: RenderRequest, sizes: OutputSize[]): Promise<{ version: string; levels: ViewLevel[] } | undefined> {
    if (request.template || extra.has(`${request.cut}/${request.view}`)) return undefined;
    if (!sizes.length || !sizes.every((s) => s === 'preview' || s === 'thumb')) return undefined;
    if (await cutViewAtHand(request.cut, request.view, { cacheDir: options.templateCacheDir, options: request.options })) return undefined;
    const q = await loadQuickView(request.cut, request.view, request.options, sizes as Array<'preview' | 'thumb'>);
    return { version: q.version, levels: sizes.map((s) => q.levels[s as 'preview' | 'thumb']!) };
  }

  const engine: ComposeEngine = {
    name: 'compose',
    version: COMPOSE_ENGINE_VERSION,
    runsOn: 'thread',
    needs: COMPOSE_NEEDS,
    textureCache: textures,

    views(): CutViewInfo[] {
      const shipped = shippedViews().map(({ cut, view }) => ({ cut, view, width: 1024, height: 1536, version: templateVersion(cut, view) }));
      const custom = [...extra.values()].map((v) => ({ cut: v.cut, view: v.view, width: v.width, height: v.height, version: v.version }));
      return [...shipped, ...custom];
    },

    addTemplate(view: CutView) {
      extra.set(`${view.cut}/${view.view}`, view);
    },

    template,

    async warm(views) {
      if (views) {
        // The render service's first step: each view built and written to the template cache,
        // unless it is there already (a restart then reads nothing it will not keep).
        for (const { cut, view } of views) {
          if (!(await cutViewAtHand(cut, view, { cacheDir: options.templateCacheDir }))) await template(cut, view);
        }
        return;
      }
      // Each thread: the views asked for first (each preset's front and three-quarter) in memory, and
      // one small render so the first client's render finds the render loop compiled, the texture
      // generator and the encoder started.
      const list = shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter');
      await Promise.all(list.map(({ cut, view }) => template(cut, view)));
      if (list[0]) {
        const fabric = { hex: '#808080', design: { weave: 'twill' as const, pattern: 'pinstripe' as const, threadMm: 0.22, repeatMm: 10 } };
        await engine.render({ cut: list[0].cut, view: list[0].view, fabric, sizes: ['thumb'], watermark: { text: '', opacity: 0, position: 'bottom-right' } });
      }
    },

    primeDrafts(gate) {
      if (primed) return primed.then(() => false);
      // The cloth generator first (a colour tap is the commonest change), then the presets' drafts.
      const views = shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter');
      primed = (views[0] ? template(views[0].cut, views[0].view) : Promise.resolve(undefined))
        .then((cv) => warmTextureGenerator(cv?.levels.preview.pxPerMm ?? 0.45, gate))
        .then(() => primeQuickDrafts(views, gate))
        // A thread that renders (its cloth loop made by its warm-up render) writes the loop's memory
        // once now, rather than on the first render of every new style (see WasmCloth.prefault).
        .then(async () => (await wasmLoop)?.prefault(gate))
        .then(() => true);
      primed.catch(() => (primed = undefined));
      return primed;
    },

    async draftNext(list) {
      const mine = ++nextList;
      for (const { cut, view, options: o } of list) {
        if (mine !== nextList) return;
        if (quickViewAtHand(cut, view, o, 'preview')) continue;
        if (await cutViewAtHand(cut, view, { cacheDir: options.templateCacheDir, options: o })) continue;
        await loadQuickView(cut, view, o, ['preview']).catch(() => undefined);
      }
    },

    async renderRaw(request, size = 'full') {
      const cv = request.template ?? (await template(request.cut, request.view, request.options));
      const level = await levelOf(cv, size);
      const tex = textures.get(request.fabric, level.pxPerMm);
      return renderLevel(cv, size, level, tex, request.fabric.design, await clothLoop(), new Uint8Array(level.base.length));
    },

    async shadingMaps(cut, view, fabric, size = 'full', styleOptions) {
      const cv = await template(cut, view, styleOptions);
      const level = await levelOf(cv, size);
      const f = finish(cv, size, fabric.design, level, textures.get(fabric, level.pxPerMm));
      const n = level.width * level.height;
      const maps: ShadingMaps = {
        width: level.width,
        height: level.height,
        coverage: new Uint8Array(n),
        mul: new Float32Array(n),
        add: new Float32Array(n),
        panel: new Uint8Array(n).fill(255),
        overlay: new Uint8Array(n),
      };
      for (let k = 0; k < level.overlayPix.length; k++) maps.overlay[level.overlayPix[k]] = level.overlayRgba[k * 4 + 3];
      for (let k = 0; k < level.pix.length; k++) {
        const p = level.pix[k];
        const c = level.cov[k];
        if (k > 0 && level.pix[k - 1] === p) {
          // The upper piece of an internal edge: the pixel's coverage is both pieces', its shading
          // and panel the larger share's.
          maps.coverage[p] = Math.round(c + maps.coverage[p] * (1 - c / 255));
          if (c < 128) continue;
        } else maps.coverage[p] = c;
        maps.mul[p] = f.mul[level.shadeQ[k]];
        maps.add[p] = f.add[level.shadeQ[k]];
        maps.panel[p] = level.panel[k];
      }
      return maps;
    },

    async render(request: RenderRequest): Promise<RenderResult> {
      const timings: Record<string, number> = {};
      const t0 = performance.now();
      let t = t0;
      const lap = (name: string) => {
        const now = performance.now();
        timings[name] = Math.round((now - t) * 100) / 100;
        t = now;
      };
      const { signal, onProgress } = request;
      checkAbort(signal);
      onProgress?.(0);
      const sizes: OutputSize[] = (['hd', 'full', 'preview', 'thumb'] as const).filter((s) => (request.sizes ? request.sizes.includes(s) : s !== 'hd'));
      const quick = await quickLevels(request, sizes);
      const cv = quick
        ? {
            cut: request.cut,
            view: request.view,
            version: quick.version,
            quick: true,
            panels: cutViewSource(request.cut, request.view, request.options).panels,
          }
        : (request.template ?? (await template(request.cut, request.view, request.options)));
      const levels = quick ? quick.levels : await Promise.all(sizes.map((s) => levelOf(cv as CutView, s)));
      if (quick) timings.quickTemplate = 1;
      lap('template');
      checkAbort(signal);

      const texs = levels.map((l) => textures.get(request.fabric, l.pxPerMm));
      const loop = await clothLoop();
      lap('texture');
      onProgress?.(0.15);
      checkAbort(signal);

      const wm = request.watermark;
      const stamps = wm?.text && wm.opacity > 0 ? await Promise.all(levels.map((l) => stampFor(wm.text, l.width))) : undefined;
      const formats: ImageFormat[] = ['jpeg', ...(request.formats ?? []).filter((f) => f !== 'jpeg')];
      const jobs: Array<Promise<EncodedImage>> = [];
      const drawn: Uint8Array[] = [];
      let encodeStart = 0;
      for (let i = 0; i < sizes.length; i++) {
        const size = sizes[i];
        const raw = renderLevel(cv, size, levels[i], texs[i], request.fabric.design, loop, takeImage(levels[i].base.length));
        drawn.push(raw.rgb);
        if (stamps) applyStamp(raw.rgb, raw.width, raw.height, stamps[i], wm);
        lap(`render_${size}`);
        if (!encodeStart) encodeStart = performance.now();
        // Encodes run on libuv threads while the next size renders on this one.
        const zoom = size === 'full' && request.view === 'detail';
        for (const format of formats) {
          const q = zoom ? zoomQuality : quality;
          jobs.push(encode(raw, size, format, q, zoom).then((data) => ({ size, format, width: raw.width, height: raw.height, data })));
        }
        onProgress?.(0.15 + (0.75 * (i + 1)) / sizes.length);
        checkAbort(signal);
      }
      const images = await Promise.all(jobs);
      // Every encode of them is done (after a failure some may still read theirs: those are dropped).
      for (const rgb of drawn) freeImages.set(rgb.length, rgb);
      timings.encode = Math.round((performance.now() - encodeStart) * 100) / 100;
      checkAbort(signal);
      timings.total = Math.round((performance.now() - t0) * 100) / 100;
      onProgress?.(1);
      return { images, timings };
    },
  };
  return engine;
}

export { SHADE_ONE };
