import { threadId } from 'node:worker_threads';
/**
 * Garment templates shipped with the product. Each view is drafted, rasterised once per process
 * (and optionally cached on disk by version), and rendered many times.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDrawnLevels, quickPreviewLevels, restyleLevels } from './build.ts';
import { CUT_STYLES, VIEWS, draftCutView } from './suits.ts';
import { optionsKey, resolveOptions, type StyleOptions } from './options.ts';
import type { CutView, CutViewSource, LevelName, ViewLevel } from './types.ts';

export type { CutView, CutViewSource, LevelName, ViewLevel, PanelSpec, PanelKind, PanelOverlap } from './types.ts';
export { SHADE_ONE, SHADE_LEVELS } from './types.ts';
export { loadPhotoTemplate, type PhotoTemplateOptions } from './photo.ts';
export { CUT_STYLES, VIEWS, DETAIL_PX_PER_MM } from './suits.ts';
export * from './options.ts';
export { hdLevel } from './levels.ts';
export { setDraftMemoBytes } from './build.ts';

/** Bump when the rasteriser or shading model changes: part of every template version. */
const BUILD_REVISION = 'b155';

export interface ShippedView {
  cut: string;
  name: string;
  view: string;
}

export function shippedViews(): ShippedView[] {
  return Object.entries(CUT_STYLES).flatMap(([cut, e]) => VIEWS.map((view) => ({ cut, name: e.name, view })));
}

/** Drafts are cheap (a millisecond) but asked for on every order: keep the recent ones. */
const sources = new Map<string, { src: CutViewSource; version: string }>();
const MAX_SOURCES = 256;

function drafted(cut: string, view: string, options?: StyleOptions): { src: CutViewSource; version: string } {
  const opts = options ?? resolveOptions(cut);
  const key = `${cut}/${view}/${optionsKey(opts)}`;
  let s = sources.get(key);
  if (!s) {
    const src = draftCutView(cut, view, opts);
    const version = createHash('sha256').update(BUILD_REVISION).update(JSON.stringify(src)).digest('hex').slice(0, 16);
    s = { src, version };
    if (sources.size >= MAX_SOURCES) sources.delete(sources.keys().next().value!);
    sources.set(key, s);
  }
  return s;
}

/** A style's drafting as this thread has it (drafted now if need be), to hand to a render thread. */
export function draftedView(cut: string, view: string, options?: StyleOptions): { src: CutViewSource; version: string } {
  return drafted(cut, view, options);
}

/**
 * A style's drafting made on another thread (the render service's, which drafted it for the order's
 * cache key): kept as this thread's own, so a render thread drafting a cold preview does not draft
 * the style's SVG a second time (the three-quarter view's turned drawing is ~10 ms of it).
 */
export function adoptDrafted(cut: string, view: string, options: StyleOptions | undefined, d: { src: CutViewSource; version: string }): void {
  const key = `${cut}/${view}/${optionsKey(options ?? resolveOptions(cut))}`;
  if (sources.has(key)) return;
  if (sources.size >= MAX_SOURCES) sources.delete(sources.keys().next().value!);
  sources.set(key, d);
}

export function cutViewSource(cut: string, view: string, options?: StyleOptions): CutViewSource {
  return drafted(cut, view, options).src;
}

/** Hash of everything that determines the template's pixels (style options included). */
export function templateVersion(cut: string, view: string, options?: StyleOptions): string {
  return drafted(cut, view, options).version;
}

const ARRAY_FIELDS = ['base', 'pix', 'cov', 'panel', 'u', 'v', 'shadeQ', 'shadeHist', 'overlayPix', 'overlayRgba'] as const;
type ArrayField = (typeof ARRAY_FIELDS)[number];
const CTORS = {
  Uint8Array,
  Int32Array,
  Float32Array,
  Uint16Array,
  Float64Array,
} as const;

function serialise(view: CutView): Buffer {
  const chunks: Buffer[] = [];
  let offset = 0;
  const levels: Record<string, unknown> = {};
  for (const [name, lv] of Object.entries(view.levels)) {
    const arrays: Record<string, [number, number, string]> = {};
    for (const f of ARRAY_FIELDS) {
      const a = lv[f] as ArrayBufferView & { length: number; constructor: { name: string } };
      // Keep every array 8-byte aligned so it can be viewed in place after loading.
      const pad = (8 - (offset % 8)) % 8;
      if (pad) {
        chunks.push(Buffer.alloc(pad));
        offset += pad;
      }
      const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      arrays[f] = [offset, a.length, a.constructor.name];
      chunks.push(b);
      offset += b.length;
    }
    levels[name] = { width: lv.width, height: lv.height, pxPerMm: lv.pxPerMm, arrays };
  }
  const { levels: _l, ...meta } = view;
  const header = Buffer.from(JSON.stringify({ meta, levels }));
  const len = Buffer.alloc(8);
  len.writeUInt32LE(header.length, 0);
  const headPad = Buffer.alloc((8 - ((8 + header.length) % 8)) % 8);
  return Buffer.concat([len, header, headPad, ...chunks]);
}

function deserialise(buf: Buffer): CutView {
  const hlen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'));
  const start = 8 + hlen + ((8 - ((8 + hlen) % 8)) % 8);
  // Copy into fresh, aligned memory (Buffer pools are not 8-byte aligned), shared: the view is read
  // once and handed to every render thread.
  const body = new Uint8Array(new SharedArrayBuffer(Math.max(1, buf.length - start)), 0, buf.length - start);
  body.set(buf.subarray(start));
  const levels = {} as Record<LevelName, ViewLevel>;
  for (const [name, lv] of Object.entries(header.levels) as Array<
    [LevelName, { width: number; height: number; pxPerMm: number; arrays: Record<ArrayField, [number, number, keyof typeof CTORS]> }]
  >) {
    const out: Record<string, unknown> = { width: lv.width, height: lv.height, pxPerMm: lv.pxPerMm };
    for (const f of ARRAY_FIELDS) {
      const [off, length, ctor] = lv.arrays[f];
      out[f] = new (CTORS[ctor] as new (b: ArrayBufferLike, o: number, l: number) => ArrayBufferView)(body.buffer, off, length);
    }
    levels[name] = out as unknown as ViewLevel;
  }
  return { ...header.meta, levels } as CutView;
}

export interface LoadOptions {
  /** Directory for rasterised templates, keyed by version (created when missing). */
  cacheDir?: string;
  /** Style options (the cut's preset when absent). */
  options?: StyleOptions;
  /** Built views kept in memory per process or thread (default 8, ~16 MB each). */
  keep?: number;
  /** Views kept in the cache directory (default 96): the least recently written beyond go. */
  keepOnDisk?: number;
}

/** Built views, least recently used first. */
const loaded = new Map<string, Promise<CutView>>();
/** Which cloth drawing (panels, marks) each loaded view has: views that differ only in trims share it. */
const clothOf = new Map<string, string>();

function clothKey(src: CutViewSource): string {
  return createHash('sha256')
    .update(BUILD_REVISION)
    .update(JSON.stringify({ ...src, underlay: '', overlay: '' }))
    .digest('hex')
    .slice(0, 16);
}
/** Rasterised views kept on disk per cache directory: each is ~16 MB, and option combinations are many. */
const MAX_DISK_VIEWS = 96;

function optionsTag(cut: string, options?: StyleOptions): string {
  return createHash('sha256')
    .update(optionsKey(options ?? resolveOptions(cut)))
    .digest('hex')
    .slice(0, 8);
}

function cacheFile(cacheDir: string, cut: string, view: string, version: string, options?: StyleOptions): string {
  return join(cacheDir, `${cut}.${view}.${optionsTag(cut, options)}.${version}.bin`);
}

async function persist(cv: CutView, cacheDir: string, options?: StyleOptions, maxViews = MAX_DISK_VIEWS): Promise<void> {
  const file = cacheFile(cacheDir, cv.cut, cv.view, cv.version, options);
  try {
    await access(file);
    return;
  } catch {
    // Not there yet.
  }
  try {
    await mkdir(cacheDir, { recursive: true });
    // Render threads of one process share a pid: the temp name must differ per writer.
    const tmp = `${file}.${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, serialise(cv));
    await rename(tmp, file);
    // Older versions of this view and options are dead weight (16 MB each), and so are the least
    // recently written beyond the directory's allowance.
    const prefix = `${cv.cut}.${cv.view}.${optionsTag(cv.cut, options)}.`;
    const files = (await readdir(cacheDir)).filter((f) => f.endsWith('.bin'));
    for (const f of files) {
      if (f.startsWith(prefix) && f !== `${prefix}${cv.version}.bin` && /^[0-9a-f]{16}\.bin$/.test(f.slice(prefix.length))) {
        await unlink(join(cacheDir, f)).catch(() => undefined);
      }
    }
    if (files.length > maxViews) {
      const dated = await Promise.all(files.map(async (f) => ({ f, t: (await stat(join(cacheDir, f)).catch(() => undefined))?.mtimeMs ?? 0 })));
      dated.sort((a, b) => a.t - b.t);
      for (const { f } of dated.slice(0, files.length - maxViews)) await unlink(join(cacheDir, f)).catch(() => undefined);
    }
  } catch {
    // A read-only cache directory only costs the next process a rebuild.
  }
}

/** The view as cached on disk for its current version, or undefined when it is not there. */
export async function readCachedCutView(cacheDir: string, cut: string, view: string, options?: StyleOptions): Promise<CutView | undefined> {
  try {
    return deserialise(await readFile(cacheFile(cacheDir, cut, view, templateVersion(cut, view, options), options)));
  } catch {
    return undefined;
  }
}

/**
 * A built view's arrays moved into shared memory (one copy, once), so the render service can hand the
 * view to every thread. Arrays already shared (a restyle keeps its sibling's cloth) stay as they are.
 */
function shareLevels(levels: Record<LevelName, ViewLevel>): Record<LevelName, ViewLevel> {
  const out = {} as Record<LevelName, ViewLevel>;
  for (const [name, level] of Object.entries(levels) as Array<[LevelName, ViewLevel]>) {
    const copy: Record<string, unknown> = { ...level };
    for (const [k, v] of Object.entries(level)) {
      if (!ArrayBuffer.isView(v) || v.buffer instanceof SharedArrayBuffer) continue;
      const a = v as unknown as { length: number; constructor: new (b: ArrayBufferLike, o: number, l: number) => Uint8Array };
      const bytes = (v as Uint8Array).byteLength;
      const shared = new a.constructor(new SharedArrayBuffer(Math.max(8, bytes)), 0, a.length);
      shared.set(v as unknown as Uint8Array);
      copy[k] = shared;
    }
    out[name] = copy as unknown as ViewLevel;
  }
  return out;
}

async function buildView(cut: string, view: string, opts: LoadOptions): Promise<CutView> {
  const src = cutViewSource(cut, view, opts.options);
  const version = templateVersion(cut, view, opts.options);
  if (opts.cacheDir) {
    const cached = await readCachedCutView(opts.cacheDir, cut, view, opts.options);
    if (cached) return cached;
  }
  // Another shirt, tie, shoes or button colour on a suit already built: redraw only its surroundings.
  const cloth = clothKey(src);
  let sibling: Promise<CutView> | undefined;
  for (const [key, p] of loaded) if (clothOf.get(key) === cloth && !key.endsWith(`/${version}`)) sibling = p;
  const from = sibling ? await sibling.catch(() => undefined) : undefined;
  const levels = shareLevels(from ? await restyleLevels(from.levels, src) : await buildDrawnLevels(src));
  return {
    cut,
    view,
    width: src.width,
    height: src.height,
    version,
    pxPerMm: src.pxPerMm,
    panels: src.panels.map(({ path: _p, ...rest }) => rest),
    levels,
  };
}

/**
 * Whether a view can be had without a full build: in this thread's memory (or being built), in the
 * cache directory, or a restyle of a loaded view with the same cloth (other trims).
 */
export async function cutViewAtHand(cut: string, view: string, opts: LoadOptions = {}): Promise<boolean> {
  const version = templateVersion(cut, view, opts.options);
  if (loaded.has(`${cut}/${view}/${version}`)) return true;
  const cloth = clothKey(cutViewSource(cut, view, opts.options));
  for (const key of loaded.keys()) if (clothOf.get(key) === cloth) return true;
  if (!opts.cacheDir) return false;
  try {
    await access(cacheFile(opts.cacheDir, cut, view, version, opts.options));
    return true;
  } catch {
    return false;
  }
}

/** A view's preview and thumbnail levels only, drawn at half size (a quarter of a full build's work). */
export interface QuickView {
  cut: string;
  view: string;
  version: string;
  levels: Partial<Pick<Record<LevelName, ViewLevel>, 'preview' | 'thumb'>>;
}

type QuickSize = 'preview' | 'thumb';
const quick = new Map<string, Partial<Record<QuickSize, Promise<ViewLevel>>>>();

/**
 * The first preview of a style whose view is not built yet (a shape option just tapped): the levels
 * asked for drawn at half size, in a fraction of the time of a full build, kept for the next taps.
 * The full build happens when a full-size or HD render asks for it.
 */
export async function loadQuickView(
  cut: string,
  view: string,
  options?: StyleOptions,
  sizes: ReadonlyArray<QuickSize> = ['preview', 'thumb'],
): Promise<QuickView> {
  const version = templateVersion(cut, view, options);
  const key = `${cut}/${view}/${version}`;
  const entry = quick.get(key) ?? {};
  quick.delete(key);
  quick.set(key, entry);
  while (quick.size > 12) quick.delete(quick.keys().next().value!);
  const missing = sizes.filter((s) => !entry[s]);
  if (missing.length) {
    const made = quickPreviewLevels(cutViewSource(cut, view, options), missing);
    for (const s of missing) {
      const p = made.then((l) => l[s]!);
      entry[s] = p;
      p.catch(() => entry[s] === p && delete entry[s]);
    }
  }
  const levels = await Promise.all(sizes.map((s) => entry[s]!));
  return { cut, view, version, levels: Object.fromEntries(sizes.map((s, i) => [s, levels[i]])) };
}

/** Whether the quick level `size` of this style is drafted (or being drafted) in this thread. */
export function quickViewAtHand(cut: string, view: string, options: StyleOptions | undefined, size: QuickSize): boolean {
  return !!quick.get(`${cut}/${view}/${templateVersion(cut, view, options)}`)?.[size];
}

/**
 * Drafts these views at preview size once, keeping their rasterised pieces (panels, marks, shading
 * layers) in this thread's memory: a style option changes a few of them, so the first preview of a
 * new option combination then redraws only those.
 */
export async function primeQuickDrafts(views: Array<{ cut: string; view: string }>, gate?: () => Promise<void>): Promise<void> {
  for (const { cut, view } of views) await quickPreviewLevels(cutViewSource(cut, view), ['preview'], { gate, anchor: true });
}

/**
 * Styles drafted ahead from in this thread, latest last: `kept` once their own draft is kept as the
 * others' starting point, `deferred` while only the first style one option away has been drafted.
 */
const aheadBases = new Map<string, 'deferred' | 'kept'>();

/**
 * A style's preview level drafted ahead of its tap (one option away from `from`, the style on
 * screen), in shared memory for the render service to hand to any thread. `from` is drafted and
 * kept before the second style (once per thread): each style then redraws only what its one option
 * changes. Not before the first: that one, the likeliest next tap, drafted from the nearest draft
 * kept, redraws what `from` changed and its own option at once, never more than `from` and it would
 * one after the other. The styles themselves are not kept as starting points, so a round of them
 * drafts every one from `from`.
 */
export async function draftAheadView(cut: string, view: string, from: StyleOptions, options: StyleOptions, gate?: () => Promise<void>): Promise<CutView> {
  const base = `${cut}/${view}/${templateVersion(cut, view, from)}`;
  const state = aheadBases.get(base);
  if (state === 'deferred') {
    await quickPreviewLevels(cutViewSource(cut, view, from), ['preview'], { gate });
    aheadBases.set(base, 'kept');
  } else if (!state) {
    aheadBases.set(base, 'deferred');
    while (aheadBases.size > 4) aheadBases.delete(aheadBases.keys().next().value!);
  }
  const src = cutViewSource(cut, view, options);
  const { preview } = await quickPreviewLevels(src, ['preview'], { keep: false, gate });
  return {
    cut,
    view,
    width: src.width,
    height: src.height,
    // Not the built view's: its levels are drawn at half size, and their shading finishes differ.
    version: `${templateVersion(cut, view, options)}/quick`,
    pxPerMm: src.pxPerMm,
    panels: src.panels.map(({ path: _p, ...rest }) => rest),
    levels: shareLevels({ preview: preview! } as Record<LevelName, ViewLevel>),
  };
}

/** The ready-to-render view; built once per process (concurrent callers share the build). */
export function loadCutView(cut: string, view: string, opts: LoadOptions = {}): Promise<CutView> {
  const key = `${cut}/${view}/${templateVersion(cut, view, opts.options)}`;
  let p = loaded.get(key);
  if (p) {
    // Most recently used last.
    loaded.delete(key);
    loaded.set(key, p);
  } else {
    clothOf.set(key, clothKey(cutViewSource(cut, view, opts.options)));
    p = buildView(cut, view, opts);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
    const keep = Math.max(1, opts.keep ?? 8);
    while (loaded.size > keep) {
      const oldest = loaded.keys().next().value!;
      loaded.delete(oldest);
      clothOf.delete(oldest);
    }
  }
  // Whoever asks with a cache directory gets the view written there (once), even if it was built
  // earlier in this process without one.
  const dir = opts.cacheDir;
  return dir ? p.then(async (cv) => (await persist(cv, dir, opts.options, opts.keepOnDisk), cv)) : p;
}
