/**
 * Rasterises a drafted view (SVG via sharp/librsvg, which anti-aliases for free) and derives its
 * shading: a height field from the panels' loft and roundness plus drawn folds, lit from the upper
 * left, with ambient occlusion in the crevices, seams and cast shadows multiplied in.
 */
import sharp from 'sharp';
import { blur, blurWhereNeeded, boundingRect, boxRadius as blurReach, type Rect } from './raster-ops.ts';
import { indexSvg, largestBlur, type SvgIndex, svgChangeOf, svgWithin } from './svg-patch.ts';
import { svgGaussianBlur } from './svg-blur.ts';
import { tileBatcher } from './tile-atlas.ts';
import { type Canvas, layeredRgb, layeredRgba } from './underlay-raster.ts';
import { LEVEL_FACTORS, buildLevels, buildLevelsAt, shadeNorm, surroundingsLevel, type NativeFields } from './levels.ts';
import { smooth, TORSO_DEPTH } from './geometry.ts';
import { octaveWeights, reliefRow } from './relief.ts';
import { SHADE_LEVELS, SHADE_ONE, type CutViewSource, type LevelName, type PanelOverlap, type PanelSpec, type ShadeMark, type ViewLevel } from './types.ts';

/** librsvg surfaces are 6 MB each at native size: rasterise a few at a time, not all at once. */
function limiter(max: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
const limit = limiter(2);

/**
 * What a build rasterises and derives per piece (a panel's mask and volume, a mark's tile, a mark
 * layer, the surroundings) is kept by what it was drawn from: a style option changes a few panels and
 * marks of a view (a lapel, its collar and their stitching), so the next build of that view redraws
 * only those, and gives the same pixels. Kept per frame size (a full build does not push out what
 * the preview-size drafts keep); entries are never written to.
 *
 * What goes first when the budget is short, least recently used first within each tier: pieces no
 * kept draft uses (an option tapped away from, a value drafted ahead and not taken); then what only
 * older drafts of a view use; only then the pieces and drafts a view's latest draft is made of. The
 * render threads prime six views: taps on one must not push out another's pieces, which a draft of
 * that view starts from (its pieces are matched by identity: one drawn again is another piece, and
 * the draft redraws everything around it).
 */
interface Memo {
  entries: Map<string, { value: unknown; bytes: number; pins?: string[] }>;
  bytes: number;
  /** How many kept drafts use each key. */
  pinned: Map<string, number>;
  /** How many views' latest drafts use each key, and each view's latest draft. */
  held: Map<string, number>;
  latest: Map<string, string>;
  /** Rasterisations made at this frame size (for tests and tools). */
  rasterised: number;
  /** Of them, the pixels of surroundings (underlays and overlays) drawn: whole frames and patches' canvases. */
  surroundingPx: number;
}
const memos = new Map<string, Memo>();
let memoMaxBytes = 64 * 1024 * 1024;

/** Bytes of rasterised pieces kept between builds in this thread, per frame size (0: none kept). */
export function setDraftMemoBytes(bytes: number): void {
  memoMaxBytes = Math.max(0, bytes);
  for (const m of memos.values()) trimMemo(m);
}

/** Pieces and bytes kept, per frame size (for tests and tools). */
export function draftMemoStats(): Record<
  string,
  { entries: number; bytes: number; pinned: number; rasterised: number; surroundingPx: number; byKind: Record<string, number> }
> {
  return Object.fromEntries(
    [...memos].map(([frame, m]) => {
      const byKind: Record<string, number> = {};
      let pinned = 0;
      for (const [k, e] of m.entries) {
        byKind[k.slice(0, k.indexOf('|'))] = (byKind[k.slice(0, k.indexOf('|'))] ?? 0) + e.bytes;
        if (m.held.has(k)) pinned += e.bytes;
      }
      return [frame, { entries: m.entries.size, bytes: m.bytes, pinned, rasterised: m.rasterised, surroundingPx: m.surroundingPx, byKind }];
    }),
  );
}

function count(counts: Map<string, number>, keys: string[] | undefined, by: 1 | -1): void {
  for (const k of keys ?? []) {
    const n = (counts.get(k) ?? 0) + by;
    if (n > 0) counts.set(k, n);
    else counts.delete(k);
  }
}

/** Keeps `value` under `key` (most recent), `pins` the keys it uses (a draft's pieces, itself included). */
function memoSet(m: Memo, key: string, value: unknown, bytes: number, pins?: string[]): void {
  memoDrop(m, key);
  m.entries.set(key, { value, bytes, pins });
  m.bytes += bytes;
  count(m.pinned, pins, 1);
}

/** Makes the draft `key` its view's latest: what it is made of is kept the longest. */
function memoHold(m: Memo, view: string, key: string): void {
  const was = m.latest.get(view);
  if (was === key) return;
  if (was !== undefined) count(m.held, m.entries.get(was)?.pins, -1);
  m.latest.set(view, key);
  count(m.held, m.entries.get(key)?.pins, 1);
}

function memoDrop(m: Memo, key: string): void {
  const e = m.entries.get(key);
  if (!e) return;
  m.entries.delete(key);
  m.bytes -= e.bytes;
  count(m.pinned, e.pins, -1);
  if (e.pins) {
    for (const [view, k] of m.latest) {
      if (k !== key) continue;
      count(m.held, e.pins, -1);
      m.latest.delete(view);
    }
  }
}

function trimMemo(m: Memo): void {
  if (m.bytes <= memoMaxBytes) return;
  // Deleting while iterating a Map is safe: the walk goes on from the next entry.
  for (const kept of [m.pinned, m.held]) {
    for (const key of m.entries.keys()) {
      if (m.bytes <= memoMaxBytes) return;
      if (!kept.has(key)) memoDrop(m, key);
    }
  }
  while (m.bytes > memoMaxBytes && m.entries.size) memoDrop(m, m.entries.keys().next().value!);
}

function memoOf(frame: string): Memo {
  let m = memos.get(frame);
  if (!m) memos.set(frame, (m = { entries: new Map(), bytes: 0, pinned: new Map(), held: new Map(), latest: new Map(), rasterised: 0, surroundingPx: 0 }));
  return m;
}

function memoHit<T>(m: Memo, key: string): { value: T } | undefined {
  const hit = m.entries.get(key);
  if (!hit) return undefined;
  m.entries.delete(key);
  m.entries.set(key, hit);
  return hit as { value: T };
}

/** A piece of a `frame`-sized build, made once while it is kept; its key added to `used`. */
function memoised<T>(frame: string, key: string, make: () => Promise<T>, sizeOf: (v: T) => number, used?: Set<string>): Promise<T> {
  used?.add(key);
  const m = memoOf(frame);
  const hit = memoHit<Promise<T>>(m, key);
  if (hit) return hit.value;
  const value = make();
  if (memoMaxBytes <= 0) return value;
  const entry = { value: value as unknown, bytes: 0 };
  m.entries.set(key, entry);
  value.then(
    (v) => {
      if (m.entries.get(key) !== entry) return;
      entry.bytes = sizeOf(v) + key.length * 2 + 64;
      m.bytes += entry.bytes;
      trimMemo(m);
    },
    () => {
      if (m.entries.get(key) === entry) memoDrop(m, key);
    },
  );
  return value;
}

/** `memoised` for a value made at once. */
function memoisedNow<T>(frame: string, key: string, make: () => T, sizeOf: (v: T) => number, used?: Set<string>): T {
  used?.add(key);
  const m = memoOf(frame);
  const hit = memoHit<T>(m, key);
  if (hit) return hit.value;
  const value = make();
  if (memoMaxBytes <= 0) return value;
  memoSet(m, key, value, sizeOf(value) + key.length * 2 + 64);
  trimMemo(m);
  return value;
}

/** An SVG drawn in native units (vw×vh) rasterised at w×h. */
function svgDocAt(w: number, h: number, body: string, background?: string, vw = w, vh = h): Buffer {
  const bg = background ? `<rect width="${vw}" height="${vh}" fill="${background}"/>` : '';
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${vw} ${vh}">${bg}${body}</svg>`);
}

async function rasterGrey(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).extractChannel(0).raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Tiles asked for in the same turn share a document (tile-atlas.ts): the same bytes, far fewer calls. */
const greyTile = tileBatcher(rasterGrey);

async function rasterRgb(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

async function rasterRgba(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).ensureAlpha().raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** A raster that is mostly transparent (an overlay: buttons and their thread), as its pixels with any alpha. */
interface SparseRgba {
  /** Frame indices (y·w + x), in raster order. */
  pix: Int32Array;
  rgba: Uint8Array;
}

function sparseOf(data: Uint8Array): SparseRgba {
  let m = 0;
  for (let j = 3; j < data.length; j += 4) if (data[j]) m++;
  const pix = new Int32Array(m);
  const rgba = new Uint8Array(m * 4);
  m = 0;
  for (let j = 0; j * 4 < data.length; j++) {
    if (!data[j * 4 + 3]) continue;
    pix[m] = j;
    rgba.set(data.subarray(j * 4, j * 4 + 4), m * 4);
    m++;
  }
  return { pix, rgba };
}

function denseOf(s: SparseRgba, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 4);
  for (let k = 0; k < s.pix.length; k++) out.set(s.rgba.subarray(k * 4, k * 4 + 4), s.pix[k] * 4);
  return out;
}

/** Surroundings drawn (the memo keeps their pixels), and once compared, their body read and its largest blur. */
interface Drawn {
  key: string;
  body: string;
  read?: { index: SvgIndex | undefined; blur: number };
}
/** A drawing's body read for comparison, once (a drawing found in the memo is never compared). */
const readDrawn = (d: Drawn) => (d.read ??= { index: indexSvg(d.body), blur: largestBlur(d.body) });
/**
 * Per frame, kind and view: the surroundings drawn latest, newest first. A change is drawn from the
 * one it differs from least: drafted ahead, a style's neighbours are drawn one after another, and the
 * latest of them differs from the next one tapped in two options where the style itself differs in one.
 */
const lastDrawn = new Map<string, Drawn[]>();
const RECENT_DRAWN = 4;

/**
 * A view's underlay (RGB on white) or overlay (RGBA, kept sparse: a few hundred pixels of buttons and
 * thread in a frame) at w×h, kept between builds like every piece.
 * When one of the view's recent ones at this size differs only around a few elements (another tie,
 * shoes, buttons), it is copied and only the changed rectangle is rasterised again, on a canvas
 * cropped to it with a margin where blurred elements crossing the crop's edge are not yet exact: the
 * same pixels (librsvg draws a cropped viewBox on the same pixel grid), a fraction of the work.
 */
function underlayRaster(view: string, body: string, vw: number, vh: number, w: number, h: number, used?: Set<string>): Promise<Uint8Array> {
  return surroundingRaster('rgb', view, body, vw, vh, w, h, used) as Promise<Uint8Array>;
}

function overlayRaster(view: string, body: string, vw: number, vh: number, w: number, h: number, used?: Set<string>): Promise<SparseRgba> {
  return surroundingRaster('rgba', view, body, vw, vh, w, h, used) as Promise<SparseRgba>;
}

function surroundingRaster(
  kind: 'rgb' | 'rgba',
  view: string,
  body: string,
  vw: number,
  vh: number,
  w: number,
  h: number,
  used?: Set<string>,
): Promise<Uint8Array | SparseRgba> {
  const frame = `${w}x${h}`;
  const lastId = `${frame}|${kind}|${view}`;
  const key = `${kind}|${vw}x${vh}|${body}`;
  let drawn: Drawn | undefined;
  const made = memoised<Uint8Array | SparseRgba>(
    frame,
    key,
    async () => {
      const m = memoOf(frame);
      drawn = { key, body };
      // The cheapest patch from any recent drawing whose pixels the memo still holds.
      let best: { crop: Crop | undefined; area: number; value: unknown } | undefined;
      for (const was of lastDrawn.get(lastId) ?? []) {
        const kept = was.key !== key ? m.entries.get(was.key) : undefined;
        if (!kept) continue;
        const [a, b] = [readDrawn(was), readDrawn(drawn)];
        const change = a.index && b.index && svgChangeOf(a.index, b.index);
        const plan = change && patchPlan(change, Math.max(a.blur, b.blur), w / vw, w, h);
        if (plan && (!best || plan.area < best.area)) best = { ...plan, value: kept.value };
      }
      m.rasterised++;
      m.surroundingPx += best ? best.area : w * h;
      let data: Uint8Array;
      if (best) {
        const v = (await best.value) as Uint8Array | SparseRgba;
        data = await patchRaster(kind, v instanceof Uint8Array ? v : denseOf(v, w, h), body, best.crop, w / vw, w);
      } else data = await surroundingsOn(kind, body, { w, h, vx: 0, vy: 0, scale: w / vw }, () => svgDocAt(w, h, body, undefined, vw, vh));
      return kind === 'rgba' ? sparseOf(data) : data;
    },
    (a) => (a instanceof Uint8Array ? a.byteLength : a.pix.byteLength + a.rgba.byteLength),
    used,
  );
  // The starting points of the next change of this view: the latest drawn.
  return made.then((data) => {
    const recent = lastDrawn.get(lastId) ?? [];
    const latest = drawn ?? recent.find((d) => d.key === key) ?? { key, body };
    lastDrawn.set(lastId, [latest, ...recent.filter((d) => d.key !== key)].slice(0, RECENT_DRAWN));
    return data;
  });
}

function fullRaster(kind: 'rgb' | 'rgba', svg: Buffer): Promise<Uint8Array> {
  return kind === 'rgb' ? rasterRgb(svg) : rasterRgba(svg);
}

/**
 * Surroundings drawn on a canvas (the underlay as RGB, the overlay as RGBA) with their soft shadows
 * blurred in JS (underlay-raster.ts), or `whole()`, the same body as one document, by librsvg (a body
 * it cannot read).
 */
async function surroundingsOn(kind: 'rgb' | 'rgba', body: string, canvas: Canvas, whole: () => Buffer): Promise<Uint8Array> {
  const raster = { grey: greyTile, rgba: rasterRgba };
  const layered = await (kind === 'rgb' ? layeredRgb : layeredRgba)(body, canvas, raster);
  return layered ?? fullRaster(kind, whole());
}

/** The part of the frame drawn again: `i` must come out exact, `c` is the canvas drawn (i grown by the blurs' reach). */
interface Crop {
  i: Rect;
  c: Rect;
}

/**
 * The crop that draws the change `r` (user units, scale `s` px per unit) again on a w×h frame, and
 * its area; undefined when most of the frame changed (one whole raster is cheaper than a crop and a
 * copy). One canvas spans the whole change: changes far apart (a shirt's front and its cuffs) drawn
 * on crops of their own cost more, each crop reading the whole body again.
 */
function patchPlan(r: Rect, blur: number, s: number, w: number, h: number): { crop: Crop | undefined; area: number } | undefined {
  const i = {
    x0: Math.max(0, Math.floor(r.x0 * s) - 1),
    y0: Math.max(0, Math.floor(r.y0 * s) - 1),
    x1: Math.min(w, Math.ceil(r.x1 * s) + 1),
    y1: Math.min(h, Math.ceil(r.y1 * s) + 1),
  };
  if (i.x1 <= i.x0 || i.y1 <= i.y0) return { crop: undefined, area: 0 };
  const margin = Math.ceil(3 * blur * s) + 2;
  const c = { x0: Math.max(0, i.x0 - margin), y0: Math.max(0, i.y0 - margin), x1: Math.min(w, i.x1 + margin), y1: Math.min(h, i.y1 + margin) };
  const area = (c.x1 - c.x0) * (c.y1 - c.y0);
  return area > 0.6 * w * h ? undefined : { crop: { i, c }, area };
}

/**
 * `last` (a w-wide frame) with `crop` drawn again from `body`: the layers outside it are left out as
 * they are read; librsvg, drawing a body it cannot read whole, is given only what draws on the crop
 * (every filtered element costs it a crop-sized surface).
 */
async function patchRaster(kind: 'rgb' | 'rgba', last: Uint8Array, body: string, crop: Crop | undefined, s: number, w: number): Promise<Uint8Array> {
  const out = new Uint8Array(last);
  if (!crop) return out;
  const { i, c: r } = crop;
  const cw = r.x1 - r.x0;
  const ch = r.y1 - r.y0;
  const drawn = await surroundingsOn(kind, body, { w: cw, h: ch, vx: r.x0 / s, vy: r.y0 / s, scale: s }, () =>
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${cw}" height="${ch}" viewBox="${r.x0 / s} ${r.y0 / s} ${cw / s} ${ch / s}">${svgWithin(body, { x0: r.x0 / s, y0: r.y0 / s, x1: r.x1 / s, y1: r.y1 / s })}</svg>`,
    ),
  );
  const c = kind === 'rgb' ? 3 : 4;
  for (let y = i.y0; y < i.y1; y++) out.set(drawn.subarray(((y - r.y0) * cw + i.x0 - r.x0) * c, ((y - r.y0) * cw + i.x1 - r.x0) * c), (y * w + i.x0) * c);
  return out;
}

/**
 * A mark in white (its coverage), softened by its own Gaussian as librsvg draws it; with `soft`
 * false, left hard (a tile then blurs its coverage the same way itself, see `tileOf`). Its strength is
 * applied when it is composited (see markLayer): drawn at that opacity, a faint mark had only its
 * strength's share of the 8-bit alpha's levels (25 for a 0.1 highlight), and its soft tails fell in
 * steps of a level each, a faint contour line across a leg wherever the tail crossed one.
 */
function markSvg(m: ShadeMark, bounds: Rect | undefined, soft = true): string {
  const filtered = soft && m.blur > 0.3;
  // The blur's region covers all the mark's ink can reach (its stroke, and the Gaussian's tails to
  // 4 σ). A region relative to the mark's box (±20 %) cut the tails of a long, thin mark off square
  // a few px from its line: hard-edged bands where soft folds and shadows were drawn (the coat's hem
  // shadow on the trousers was a 5 px stripe, the knee's fold two thin lines).
  const b = filtered ? bounds : undefined;
  const reach = (m.fill ? 0 : m.width) + 4 * m.blur + 2;
  const region = b
    ? `filterUnits="userSpaceOnUse" x="${b.x0 - reach}" y="${b.y0 - reach}" width="${b.x1 - b.x0 + 2 * reach}" height="${b.y1 - b.y0 + 2 * reach}"`
    : 'x="-20%" y="-20%" width="140%" height="140%"';
  const defs = filtered ? `<defs><filter id="f" ${region}><feGaussianBlur stdDeviation="${m.blur}"/></filter></defs>` : '';
  const filter = filtered ? ' filter="url(#f)"' : '';
  if (m.fill) return `${defs}<path d="${m.path}" fill="#fff"${filter}/>`;
  const dash = m.dash ? ` stroke-dasharray="${m.dash}"` : '';
  return `${defs}<path d="${m.path}" fill="none" stroke="#fff" stroke-width="${m.width}" stroke-linecap="round" stroke-linejoin="round"${dash}${filter}/>`;
}

/** A raster covering only part of the frame: pixel (x, y) of the frame is data[(y − y0)·w + x − x0]. */
interface Tile {
  x0: number;
  y0: number;
  w: number;
  h: number;
  data: Uint8Array;
}

const EMPTY: Rect = { x0: 0, y0: 0, x1: 0, y1: 0 };

function union(a: Rect, b: Rect): Rect {
  if (a.x1 <= a.x0 || a.y1 <= a.y0) return b;
  if (b.x1 <= b.x0 || b.y1 <= b.y0) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function tileAt(t: Tile, x: number, y: number): number {
  const tx = x - t.x0;
  const ty = y - t.y0;
  return tx >= 0 && ty >= 0 && tx < t.w && ty < t.h ? t.data[ty * t.w + tx] : 0;
}

/** Frame rectangle of a tile's non-zero pixels, padded by `pad` and clamped to the frame (w×h). */
function tileBounds(t: Tile, pad: number, w = Infinity, h = Infinity): Rect | undefined {
  const r = boundingRect(t.data, t.w, t.h, 0);
  if (!r) return undefined;
  return { x0: Math.max(0, r.x0 + t.x0 - pad), y0: Math.max(0, r.y0 + t.y0 - pad), x1: Math.min(w, r.x1 + t.x0 + pad), y1: Math.min(h, r.y1 + t.y0 + pad) };
}

/**
 * An SVG fragment (native units, vw×vh) rasterised as grey on the frame's pixel grid (w×h), but only
 * within `box` (native) grown by `pad` px; the whole frame when there is no box.
 */
async function rasterTile(body: string, box: Rect | undefined, pad: number, vw: number, vh: number, w: number, h: number): Promise<Tile> {
  const scale = w / vw;
  const b = box ?? { x0: 0, y0: 0, x1: vw, y1: vh };
  const x0 = Math.max(0, Math.floor(b.x0 * scale) - pad);
  const y0 = Math.max(0, Math.floor(b.y0 * scale) - pad);
  const x1 = Math.min(w, Math.ceil(b.x1 * scale) + pad);
  const y1 = Math.min(h, Math.ceil(b.y1 * scale) + pad);
  if (x1 <= x0 || y1 <= y0) return { x0: 0, y0: 0, w: 0, h: 0, data: new Uint8Array(0) };
  const tw = x1 - x0;
  const th = y1 - y0;
  const [vx, vy, vbw, vbh] = [x0 / scale, y0 / scale, tw / scale, th / scale];
  const ground = `<rect x="${vx}" y="${vy}" width="${vbw}" height="${vbh}" fill="#000"/>`;
  memoOf(`${w}x${h}`).rasterised++;
  return { x0, y0, w: tw, h: th, data: await greyTile({ w: tw, h: th, viewBox: `${vx} ${vy} ${vbw} ${vbh}`, body: ground + body }) };
}

/**
 * `rasterTile`, kept between builds: its pixels depend only on its arguments. Read only.
 * With `blur` (native px), the tile's coverage is then softened as librsvg's feGaussianBlur would
 * soften the body drawn with it (svg-blur.ts: the same bytes, without librsvg's filter passes).
 */
function tileOf(body: string, box: Rect | undefined, pad: number, vw: number, vh: number, w: number, h: number, used?: Set<string>, blur = 0): Promise<Tile> {
  const b = box ? `${box.x0},${box.y0},${box.x1},${box.y1}` : '-';
  return memoised(
    `${w}x${h}`,
    `tile|${vw}x${vh}|${b}|${pad}|${blur}|${body}`,
    async () => {
      const t = await rasterTile(body, box, pad, vw, vh, w, h);
      return blur ? { ...t, data: svgGaussianBlur(t.data, t.w, t.h, (blur * w) / vw) } : t;
    },
    (t) => t.data.byteLength,
    used,
  );
}

/** Bounding box of a drafted path's points (its curves lie within their control points), native px. */
function pathBounds(d: string): Rect | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const m of d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
    const x = Number(m[1]);
    const y = Number(m[2]);
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 >= x0 && y1 >= y0 ? { x0, y0, x1, y1 } : undefined;
}

/** A mark layer: `plane` covers `rect` of the frame (row stride rect.x1 − rect.x0); outside it, the background. */
interface MarkLayer {
  plane: Float32Array;
  rect: Rect;
  /** The memo keys of its marks' tiles (a change of one mark recomposites from the others). */
  keys?: string[];
}

/**
 * Marks painted in `colour` (0..255) over `background`, in order, each softened by its Gaussian.
 * librsvg gives every filtered element a surface the size of the canvas, which made marks cost
 * seconds a view: each mark is rasterised alone on a canvas cropped to its reach (the same pixels,
 * a fraction of the work) and composited here, source-over as librsvg would, on the marks' extent only.
 */
async function markLayer(
  marks: ShadeMark[],
  colour: (m: ShadeMark) => number,
  background: number,
  vw: number,
  vh: number,
  w: number,
  h: number,
): Promise<MarkLayer> {
  const used = new Set<string>();
  const tiles = await Promise.all(
    marks.map((m) => {
      const bb = pathBounds(m.path);
      // How far ink reaches beyond the path's points, native px: half the stroke and the blur's tails.
      const reach = (m.fill ? 0 : m.width / 2) + (m.blur > 0.3 ? 3 * m.blur : 0) + 2;
      const box = bb ? { x0: bb.x0 - reach, y0: bb.y0 - reach, x1: bb.x1 + reach, y1: bb.y1 + reach } : undefined;
      // Blurred here rather than by librsvg when the whole reach lies on the tile (its box is the
      // path's, so nothing the filter would draw falls outside the canvas).
      if (!bb || m.blur <= 0.3) return tileOf(markSvg(m, bb), box, 1, vw, vh, w, h, used);
      return tileOf(markSvg(m, bb, false), box, 1, vw, vh, w, h, used, m.blur);
    }),
  );
  let rect = EMPTY;
  for (const t of tiles) rect = union(rect, { x0: t.x0, y0: t.y0, x1: t.x0 + t.w, y1: t.y0 + t.h });
  const rw = Math.max(0, rect.x1 - rect.x0);
  const out = new Float32Array(rw * Math.max(0, rect.y1 - rect.y0)).fill(background);
  for (let k = 0; k < tiles.length; k++) composite(out, rw, rect, tiles[k], colour(marks[k]), marks[k].strength);
  return { plane: out, rect, keys: [...used] };
}

function composite(out: Float32Array, rw: number, rect: Rect, t: Tile, c: number, opacity: number): void {
  const data = t.data;
  const k = opacity / 255;
  for (let y = 0; y < t.h; y++) {
    const row = (t.y0 + y - rect.y0) * rw + t.x0 - rect.x0;
    const trow = y * t.w;
    for (let x = 0; x < t.w; x++) {
      const a = data[trow + x];
      if (a) out[row + x] += (c - out[row + x]) * (a * k);
    }
  }
}

/** Light from the upper left and in front, as in a studio with a key light at 45°. */
const LIGHT = (() => {
  const l = [-0.45, -0.6, 1.0];
  const n = Math.hypot(l[0], l[1], l[2]);
  return [l[0] / n, l[1] / n, l[2] / n];
})();
const AMBIENT = 0.36;
const WRAP = 0.35;
/**
 * The light on a sleeve's or trouser leg's form: a broad soft source in front and above, wrapping far
 * round (the side boxes of a product shoot). A photo's tubes keep their tone out to the outline (the
 * reference photo's cloth 2-16 mm inside its silhouette: 0.86-0.94 of its median, on either side);
 * lit by the key alone ours fell to 0.4-0.5 on the side away from it, a drawing's shaded cylinder.
 * Their marks (folds, creases, seams) stay under the key, which models them, and so does the body:
 * its chest turns up into the key, and its lapels' and fronts' edges are drawn by it.
 */
const FORM_LIGHT = (() => {
  const l = [-0.12, -0.8, 1.0];
  const n = Math.hypot(l[0], l[1], l[2]);
  return [l[0] / n, l[1] / n, l[2] / n];
})();
const FORM_WRAP = 2;
/**
 * A sleeve's form wraps less of the light round it than a leg's. In the reference photo (rows across
 * the forearm, outer edge to crevice, linear light against the sleeve's brightest) the sleeve on the
 * key's side lies at 0.55 at 10 % of its width, 0.58 at 20 % and 0.75 at 30 %; away from it 0.71 /
 * 0.74 / 0.78: the arm turns away across its outer third. At FORM_WRAP (to b123) ours was 0.76 / 0.90
 * / 0.93 and 0.71 / 0.85 / 0.99, a flat-topped tube with a rounded rim; at 1, 0.69-0.74 / 0.85 /
 * 0.90 and 0.66-0.71 / 0.79-0.82 / 0.93-0.95. Without wrap (0.55-0.60 / 0.69-0.70 / 0.80-0.82) the rim fell to
 * 0.53-0.66 of the garment's median, 2-8 mm inside the silhouette, where the photo's holds 0.87-0.90
 * (at 1: 0.80-0.90). A pressed trouser leg's front is flat, and its form keeps FORM_WRAP.
 */
const SLEEVE_FORM_WRAP = 1;
/**
 * Studio contrast: the diffuse model alone, multiplied into the cloth's linear light, reads as flat
 * clay. A product photo's shade deepens faster than the cosine falls (the key light is soft but the
 * fill is weak), so shade below the flat level is raised to a power and what lies above it gains a
 * little. The finish (`finishFor`) then holds the garment's median shade at the swatch's colour.
 */
export const SHADE_CONTRAST = 1.7;
const HIGHLIGHT_GAIN = 1.15;
/**
 * The crevice beside a hanging arm: the body next to a sleeve's (or a leg's) edge, where the tube
 * stands in front of it, sees less of the soft box. The reference photo shows a dark gap there, in
 * linear light 0.11-0.26 of the body further in, some 11 mm across; ours (to b109) a soft step to
 * 0.44 over 2-3 mm, as if the sleeve were painted on the body. Each body pixel is darkened by how
 * far the tubes' form stands above its own around it (the difference weighted by a blur of
 * TUBE_NEAR_SIGMA native px), by TUBE_OVER per native px. Only the body is darkened: a tube's own
 * rim turning away is no crevice, and where the arm runs under the body (the armhole) nothing stands
 * above it.
 */
const TUBE_OVER = 0.35;
const TUBE_NEAR_SIGMA = 5;
/**
 * Below the elbow the forearm hangs forward and out from the hip, and the gap beside it opens: the
 * reference photo's crevice there is some 11 mm across (ours, to b115, 6-7 mm below half the body's
 * tone). From FOREARM_FROM mm below the underarm, eased in over FOREARM_EASE mm, the crevice is
 * weighed over TUBE_FOREARM_SIGMA native px instead. Under the arm, where it lies against the body,
 * it stays narrow.
 */
const TUBE_FOREARM_SIGMA = 12;
const FOREARM_FROM = 150;
const FOREARM_EASE = 60;
/**
 * The body beside a hanging arm turns away from the light and sees less of the soft box: in the
 * reference photo (rows across the chest, linear light against the middle of the front) it falls to
 * 0.72-0.80 some 16 mm from the crevice, 0.80-0.87 at 32 mm and 0.91-0.95 at 48 mm, on either side.
 * Ours (to b114) kept its full tone right up to the crevice on the side toward the key: the front
 * read as a flat board with sleeves laid on it. The body is darkened by SLEEVE_SHADE times the share
 * of sleeve around it, blurred by SLEEVE_SHADE_SIGMA native px (before the studio contrast). At the
 * waist the photo's front goes on turning away well past the crevice (0.72-0.75 at 36-48 mm against
 * the front 100-120 mm in, on the key's side); at 0.3 over 30 px (to b121) ours was back to 0.97-0.98
 * there, a board again past a narrow shade beside each arm.
 */
const SLEEVE_SHADE = 0.5;
const SLEEVE_SHADE_SIGMA = 64;
/**
 * The sleeves' share around each pixel is kept on a grid this many native px apart (bilinearly
 * read): a blur that wide changes slowly, and kept for the whole frame it is drawn once per view,
 * whatever option changes, and windows read it without growing their reach.
 */
const SLEEVE_GRID = 4;
/** Native px below the underarm over which a sleeve comes to hang free of the body (see sleeveGrid). */
const SLEEVE_FREE = 40;
/**
 * The key light comes from the image's left: the sleeve on that side hides it from the body beside
 * it; the other hides only the weaker fill, and counts this much. At full weight both ways the side
 * away from the key fell to 0.51-0.68 of the body further in (the photo's 0.74-0.80).
 */
const SLEEVE_FILL_SIDE = 0.3;
/**
 * A hanging sleeve's side toward the body faces it, and the body hides the soft box from it. In the
 * reference photo (rows across the forearm, linear light) the sleeve beside the body is in deep
 * shade, darkest away from the key light: on that side the body keeps its tone to a crisp edge and
 * the sleeve lies at 0.12-0.20 of its own face for 12-17 mm, coming up over some 8 mm more; on the
 * key's side its rim falls to half over some 6 mm before the gap. Ours (to b116) kept the sleeve's
 * tone to within 2-3 mm of its edge on both sides. A sleeve pixel is darkened by RIM_SHADE times the
 * body's share around it (blurred by RIM_SIGMA native px), up to RIM_DEEPEST (before the studio
 * contrast), from SLEEVE_FREE below the underarm (above it the sleeve is set into the coat, one
 * surface with the body); on the key's side by RIM_KEY_SIDE of that. Deeper (RIM_SHADE 6, to 0.16-0.19
 * of the face, as the photo) the studio's garment-mask suggestion, shown our three-quarter navy
 * render as a client's photo, left 0.05 of the jacket out (bound 0.04).
 */
const RIM_SHADE = 3;
const RIM_SIGMA = 8;
const RIM_KEY_SIDE = 0.5;
/** The most the body takes from a sleeve's light (before the studio contrast): no black outline at its edge. */
const RIM_DEEPEST = 0.55;
/**
 * Away from the key light the reference photo's body keeps its tone to a crisp edge (0.72-0.83 of the
 * body further in) and the dark lies in the sleeve beside it (RIM_SHADE): there the crevice darkens
 * the body by this share of TUBE_OVER, eased in over CREVICE_EASE mm either side of the frame's middle.
 */
const CREVICE_FAR = 0.3;
const CREVICE_EASE = 40;
/** Depth of a sleeve or leg as a fraction of its half-width (the torso's is `TORSO_DEPTH`). */
const TUBE_DEPTH = 0.85;
/** How far (native px of height) a panel behind the torso sits below the torso's edge. */
const BEHIND_GAP = 4;
/** How far (native px) a panel behind the torso carries its edge heights out over the background. */
const BEHIND_REACH = 5;
/** How much a pressed leg's crease stands out of its tube, as a share of the tube's depth. */
const PRESSED = 0.06;
/** How far either side of the crease (a share of the leg's half-width) the press has folded the cloth. */
const CREASE_REACH = 0.22;
/** A pressed leg's tube is flatter across the front than a round arm: its cross-section's exponent. */
const PRESSED_FLATNESS = 2.6;

/**
 * A pressed leg's height across its run, t from -1 to 1 with the crease at 0. The press leaves the
 * front nearly flat, turning away only toward the side seams, and folds the cloth into a narrow
 * ridge at the crease: a fine line of light and shade, as the crease photographs, not a leg split
 * into a lit half and a dark one (the tent this replaced ran the whole half-width).
 */
function pressedSection(t: number, crease: number): number {
  const a = Math.min(1, Math.abs(t));
  const tube = (1 - a ** PRESSED_FLATNESS) ** (1 / PRESSED_FLATNESS);
  const fold = Math.max(0, 1 - a / CREASE_REACH);
  return (1 - crease) * tube + crease * fold * fold;
}

/** A run's edges (from x to x1 in the row starting at `row`) where the outline's coverage crosses one half. */
function fractionalEdges(plane: Float32Array, row: number, x: number, x1: number, w: number): [number, number] {
  const a = x > 0 && plane[row + x] > plane[row + x - 1] ? x - 0.5 + (0.5 - plane[row + x - 1]) / (plane[row + x] - plane[row + x - 1]) : x;
  const b = x1 + 1 < w && plane[row + x1] > plane[row + x1 + 1] ? x1 + 0.5 + (plane[row + x1] - 0.5) / (plane[row + x1] - plane[row + x1 + 1]) : x1 + 1;
  return [a, b];
}

/** The optional parts of a cross-section (see crossSection). */
interface SectionHow {
  /** A pressed leg's crease (its share of the tube's depth), 0 for a round tube. */
  pressed?: number;
  /** Per row, the run the tube is fitted to when not the row's own (a sleeve head, a cropped arm). */
  extent?: (y: number) => [number, number] | undefined;
  /** Per row, the half-depth at the row's middle instead of depth·r. */
  rowDepth?: (y: number) => number;
  /** Per row, the least run a spanned row covers: the body, which runs on under the sleeves. */
  atLeast?: (y: number) => [number, number] | undefined;
  /** Written, when given: the section where the body runs on under the sleeves draped, elsewhere as the result. */
  full?: Float32Array;
  /** Per row, a set-in sleeve's seam (see headExtent). */
  seam?: SeamRows;
  /**
   * Below the middle row, smooth the rows as if the section ran on past the outline: a coat's hem is
   * a pressed edge cut across the body, not the body turning under. Smoothed into the nothing below
   * it (to b124), the torso's depth rolled over the last 20 mm above the hem into near black, where
   * the reference photo keeps the coat's tone to within 4 mm of its edge. Each row's section is
   * carried down, as wide at least as the row above it (a hem curving up at the sides narrows the
   * rows it crosses, and sections fitted to them fell away at their ends); a tube's only where the
   * hem cuts a row short (TUBE_CUT), not along its taper.
   */
  runOnBelow?: boolean;
  /** Written, when given: each pixel's arc offset (see ARC_STRETCH_MAX). */
  arc?: Float32Array;
}

/**
 * How much a tube's surface may outrun its projection, per pixel across (its stretch √(1 + slope²),
 * capped). A stripe or check on a sleeve or a leg lies on the cloth, not on the picture: seen from in
 * front, the cloth turns away toward the tube's sides and its pattern crowds together there, as a
 * photograph of a striped sleeve shows. Texture coordinates follow the surface round the section (the
 * arc length from the crest, less the projected distance: `arc`). Uncapped, the last pixels before the
 * outline would fold a whole repeat into one and alias; the lens of a camera averages them instead.
 */
const ARC_STRETCH_MAX = 2.2;

/**
 * The arc offset along one tube's run, at pixels k0..k1 of `out` from `row`: the length round the
 * section (half-width r, half-depth mid, centre c; a pressed leg's flatter one, else an ellipse)
 * from its centre to each pixel's centre, less their distance across. Summed pixel by pixel from the
 * centre, each step's stretch taken at its middle.
 */
function arcOffsets(out: Float32Array, row: number, k0: number, k1: number, c: number, r: number, mid: number, pressed: number): void {
  const q = mid / r;
  const cap = ARC_STRETCH_MAX - 1;
  // The section's stretch less one at t (of the half-width from the centre, either side).
  const stretch = (t: number) => {
    const a = Math.min(0.999, Math.abs(t));
    let slope: number;
    // A pressed leg's flatter tube without its crease: the crease's rise in the height field shades
    // the fold's few millimetres; counted here it crowded the stripes across the leg's front.
    if (pressed) {
      const ap = a ** (PRESSED_FLATNESS - 1);
      slope = (1 - pressed) * ap * (1 - ap * a) ** (1 / PRESSED_FLATNESS - 1);
    } else slope = a / Math.sqrt(1 - a * a);
    const g = q * slope;
    return Math.min(cap, Math.sqrt(1 + g * g) - 1);
  };
  for (const dir of [1, -1]) {
    let k = dir > 0 ? Math.max(k0, Math.ceil(c - 0.5)) : Math.min(k1, Math.floor(c - 0.5));
    // From the centre to the first pixel centre that way, then a whole pixel a step.
    let x = c;
    let acc = 0;
    while (dir > 0 ? k <= k1 : k >= k0) {
      const to = k + 0.5;
      acc += stretch(((x + to) / 2 - c) / r) * (to - x);
      x = to;
      out[row + k] = acc;
      k += dir;
    }
  }
}

/**
 * Height of an elliptic cylinder whose width is the mask's in each row: z = depth·r·√(1 − t²), t the
 * distance from the row's centre over its half-width r. `span` takes the row's outer extent (a torso
 * with a gap between its quarters is still one body), otherwise each run is its own tube. Where
 * `rowDepth` gives a row's half-depth (the torso's, from the figure's profile), that is the height at
 * the row's middle instead of depth·r. Rows are then smoothed vertically so the outline's steps do not
 * ripple the light.
 */
function crossSection(
  plane: Float32Array,
  w: number,
  h: number,
  depth: number,
  sigmaY: number,
  span: boolean,
  { pressed = 0, extent, rowDepth, atLeast, full, seam, runOnBelow = false, arc }: SectionHow = {},
): Float32Array {
  const out = new Float32Array(plane.length);
  const under = full && new Float32Array(plane.length);
  const runOn = runOnBelow ? new Float32Array(plane.length) : undefined;
  let carried: [number, number] | undefined;
  // Each row's section (its centre, half-width and half-depth), for running it on below the hem.
  const rows = runOn && { c: new Float32Array(h).fill(Number.NaN), r: new Float32Array(h), mid: new Float32Array(h) };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const known = extent?.(y);
    const deep = rowDepth?.(y);
    let x = 0;
    while (x < w) {
      while (x < w && plane[row + x] < 0.5) x++;
      if (x >= w) break;
      let x1 = x;
      if (span) {
        x1 = w - 1;
        while (x1 > x && plane[row + x1] < 0.5) x1--;
      } else {
        while (x1 + 1 < w && plane[row + x1 + 1] >= 0.5) x1++;
      }
      // The body's true width where the frame cuts it off (a detail view): its cloth is only part of it.
      // A sleeve's or a leg's run is fitted to its edges to a fraction of a pixel, where the
      // outline's coverage crosses one half between pixel centres: whole-pixel edges step by a pixel
      // every few dozen rows down a slanting outline, and each step moved the whole row's tube (faint
      // bands of light across the sleeve or leg). The torso spans its gaps: its outline's extremes
      // are its edges.
      let [a, b] = known ?? (span ? [x, x1 + 1] : fractionalEdges(plane, row, x, x1, w));
      if (runOn) {
        // A tube tapers: only a row cut short at its ends (by the hem) keeps the row above's width.
        const cut = span || (carried && (a - carried[0] > TUBE_CUT * sigmaY || carried[1] - b > TUBE_CUT * sigmaY));
        if (!known && y > h >> 1 && carried && cut) [a, b] = [Math.min(a, carried[0]), Math.max(b, carried[1])];
        carried = [a, b];
      }
      // The body runs on under the sleeves: the row spans at least its width.
      const body = span ? atLeast?.(y) : undefined;
      let [k0, k1] = [x, x1];
      if (body) {
        // The wider of the outline's extreme and the body's side, blended where they cross rather
        // than switched (and so a little wider there): switched, the armhole's darkest beside the
        // seam was 0.39-0.41 of the body by it, blended 0.44-0.47.
        const e = 0.03 * (body[1] - body[0]);
        const softMin = (u: number, v: number) => (u + v) / 2 - Math.sqrt(((u - v) / 2) ** 2 + e * e);
        [a, b] = [softMin(a, body[0]), -softMin(-b, -body[1])];
        [k0, k1] = [Math.max(0, Math.floor(a)), Math.min(w - 1, Math.ceil(b) - 1)];
      }
      // Set into the coat: the tube runs on past the seam (under the body), as deep as the arm's own,
      // and is lowered to the body at the seam, by all of its height there at the seam and none at
      // the arm's outer side (its own: a detail view's frame may cut it off; `known` has it).
      const set = seam?.(y);
      const own = Math.max(1, (b - a) / 2);
      let at = 0;
      let outer = 0;
      if (set) {
        const [va, vb] = fractionalEdges(plane, row, x, x1, w);
        [at, outer] = set.right ? [vb, a] : [va, b];
        if (set.right) b = Math.max(b, vb + set.reach);
        else a = Math.min(a, va - set.reach);
      }
      const c = (a + b) / 2;
      const r = Math.max(1, (b - a) / 2);
      const mid = deep ?? depth * own;
      const ts = (at - c) / r;
      const floor = set ? set.share * mid * Math.sqrt(Math.max(0, 1 - ts * ts)) : 0;
      const across = at - outer || 1;
      if (rows) [rows.c[y], rows.r[y], rows.mid[y]] = [c, r, mid];
      for (let k = k0; k <= k1; k++) {
        const t = (k + 0.5 - c) / r;
        const v = mid * (pressed ? pressedSection(t, pressed) : Math.sqrt(Math.max(0, 1 - t * t)));
        out[row + k] = floor ? Math.max(0, v - floor * Math.min(1, Math.max(0, (k + 0.5 - outer) / across))) : v;
      }
      if (arc) arcOffsets(arc, row, k0, k1, c, r, mid, pressed);
      if (under) {
        if (body) {
          const reach = r * (1 + DRAPE_TAIL);
          for (let k = Math.max(0, Math.floor(c - reach)); k <= Math.min(w - 1, Math.ceil(c + reach)); k++)
            under[row + k] = mid * drapedSection(Math.abs(k + 0.5 - c) / r);
        } else for (let k = k0; k <= k1; k++) under[row + k] = out[row + k];
      }
      x = x1 + 1;
    }
  }
  if (under && full) full.set(blur(under, w, h, 0.3, undefined, sigmaY));
  if (runOn && rows) {
    runOn.set(out);
    // Each column below its last cloth (in the lower half): the section of the last row above it.
    for (let x = 0; x < w; x++) {
      let y = h - 1;
      while (y > h >> 1 && plane[y * w + x] < 0.5) y--;
      if (y <= h >> 1) continue;
      let at = y;
      for (let yy = y + 1; yy < h; yy++) {
        if (!Number.isNaN(rows.c[yy])) at = yy;
        const t = (x + 0.5 - rows.c[at]) / rows.r[at];
        if (Math.abs(t) < 1) runOn[yy * w + x] = rows.mid[at] * Math.sqrt(1 - t * t);
      }
    }
  }
  const smooth = blur(runOn ?? out, w, h, 0.3, undefined, sigmaY);
  // Keep the outline exact: smoothing must not spill height outside the mask.
  for (let i = 0; i < out.length; i++) out[i] = plane[i] > 0 ? smooth[i] : 0;
  if (arc) {
    // Smoothed down the tube as its height is (a row's edges step along a slanting outline), over the
    // tube alone: smoothed into the nothing past a hem, the offsets there shrank and bent every stripe.
    const inTube = new Float32Array(plane.length);
    for (let i = 0; i < plane.length; i++) inTube[i] = plane[i] > 0 ? 1 : 0;
    const along = blur(arc, w, h, 0, undefined, sigmaY);
    const share = blur(inTube, w, h, 0, undefined, sigmaY);
    for (let i = 0; i < arc.length; i++) arc[i] = plane[i] > 0 && share[i] > 1e-3 ? along[i] / share[i] : 0;
  }
  return out;
}
/**
 * A tube's row narrower at an end than the row above by more than this share of the smoothing's
 * sigma is cut short by a hem (a sleeve's taper narrows it by a few hundredths of a pixel a row).
 */
const TUBE_CUT = 0.3;
/** Where (t, of the half-width) a sleeve draped over the body's edge leaves the body's section. */
const DRAPE_FROM = 0.9;
/** The ellipse's height and slope there, and the length (of the half-width) over which the parabola comes down level. */
const DRAPE_V0 = Math.sqrt(1 - DRAPE_FROM * DRAPE_FROM);
const DRAPE_S0 = -DRAPE_FROM / DRAPE_V0;
const DRAPE_LENGTH = (-2 * DRAPE_V0) / DRAPE_S0;
/** How far past the body's edge (of its half-width) the draped sleeve comes down to it. */
const DRAPE_TAIL = DRAPE_FROM + DRAPE_LENGTH - 1;

/**
 * The body's section as a sleeve lying on it sees it: the ellipse up to DRAPE_FROM, then a parabola
 * leaving it with the same slope and coming down to height 0 level, past the body's edge. Laid on the
 * ellipse itself, a sleeve folded along the line where the body's section drops away.
 */
function drapedSection(t: number): number {
  if (t <= DRAPE_FROM) return Math.sqrt(1 - t * t);
  const d = Math.min(DRAPE_LENGTH, t - DRAPE_FROM);
  return Math.max(0, DRAPE_V0 + DRAPE_S0 * d - (DRAPE_S0 / (2 * DRAPE_LENGTH)) * d * d);
}

/** How far down from a sleeve's top (native px at 0.9 px/mm) its head may widen to the arm's width. */
const HEAD_DEPTH = 110;
/** How far a set-in sleeve's tube runs on past the armhole seam, as a share of the arm's width at the underarm. */
const SEAM_REACH = 0.5;
/** Over how many native px above the underarm the sleeve turns from set in to hanging free. */
const SEAM_TAPER = 70;

/** Per row of a tube set into the coat: which side its seam is on, how far the arm runs on past it (px), and how far the row is set in (0..1). */
type SeamRows = (y: number) => { right: boolean; reach: number; share: number } | undefined;

interface SleeveHead {
  extent: (y: number) => [number, number] | undefined;
  seam?: SeamRows;
}

/**
 * A sleeve head's tube, row by row: the arm's own, as wide as the widest row of the head below it,
 * kept against the armhole seam (the end of the row that stays put while the head's outline curves
 * in). Fitted to each row's own run, the head's rows narrowed to nothing toward the point where the
 * seam meets the shoulder, and the shrinking tubes turned away from the light there in a dark wedge:
 * a "V" where the sleeve head's shading met the shoulder's. Below the head, each row is its own tube.
 *
 * Down to the underarm (`armhole`, its row local) the sleeve is set into the coat (`seam`): the arm runs
 * on under the body past the seam, so each row's tube reaches past it (by SEAM_REACH of the arm's
 * width at the underarm), and is lowered to the body at the seam (see `crossSection`). Cut off at the
 * seam, the sleeve fell away along the whole armhole: a groove a third darker over 25-40 mm, the
 * armhole drawn as a bold dark line where a photo shows a fine seam and a small step in tone.
 */
function headExtent(plane: Float32Array, w: number, h: number, z: number, armhole?: { seam: 'left' | 'right'; underarm: number }): SleeveHead | undefined {
  const lo = new Int32Array(h).fill(-1);
  const hi = new Int32Array(h).fill(-1);
  let top = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let a = 0;
    while (a < w && plane[row + a] < 0.5) a++;
    if (a >= w) continue;
    let b = w - 1;
    while (b > a && plane[row + b] < 0.5) b--;
    lo[y] = a;
    hi[y] = b + 1;
    if (top < 0) top = y;
  }
  if (top < 0) return undefined;
  // The widest row of the head.
  let wide = top;
  for (let y = top; y < Math.min(h, top + HEAD_DEPTH * z); y++) if (lo[y] >= 0 && hi[y] - lo[y] > hi[wide] - lo[wide]) wide = y;
  const full = hi[wide] - lo[wide];
  // The seam's end: the one that moves least from the top of the head to its widest row.
  const seamRight = Math.abs(hi[top] - hi[wide]) <= Math.abs(lo[top] - lo[wide]);
  const extent = (y: number): [number, number] | undefined => {
    if (y < top || y >= wide || lo[y] < 0) return undefined;
    return seamRight ? [hi[y] - full, hi[y]] : [lo[y], lo[y] + full];
  };
  const armpit = armhole ? Math.round(armhole.underarm) : -1;
  const under = armpit > top && armpit < h && lo[armpit] >= 0 ? armpit : -1;
  if (!armhole || under < 0) return { extent };
  const right = armhole.seam === 'right';
  const reach = SEAM_REACH * (hi[under] - lo[under]);
  // Set in fully down to SEAM_TAPER above the underarm, then easing out to the free arm below it
  // (eased over 28 mm, the drop to the free arm's tube creased the sleeve across at the underarm).
  return {
    extent,
    seam: (y) => {
      // Not where the frame cuts the row off on the seam's side (the seam is out of frame there).
      if (y < top || y >= under || lo[y] < 0 || plane[right ? y * w + w - 1 : y * w] >= 0.5) return undefined;
      const t = Math.min(1, (under - y) / (SEAM_TAPER * z));
      const share = t * t * (3 - 2 * t);
      return { right, reach: reach * share, share };
    },
  };
}

/**
 * A tube's rows (on its rect, local px) where its cloth runs into the frame's edge: its true sides
 * (`spec.extent`), at `scale`. Other rows keep `inFrame`'s.
 */
function croppedExtent(
  spec: PanelSpec,
  plane: Float32Array,
  rect: Rect,
  w: number,
  scale: number,
  inFrame: ((y: number) => [number, number] | undefined) | undefined,
): ((y: number) => [number, number] | undefined) | undefined {
  const rows = spec.extent;
  if (!rows?.length) return inFrame;
  const rw = rect.x1 - rect.x0;
  const atLeft = rect.x0 === 0;
  const atRight = rect.x1 === w;
  if (!atLeft && !atRight) return inFrame;
  return (y) => {
    const row = y * rw;
    if ((atLeft && plane[row] >= 0.5) || (atRight && plane[row + rw - 1] >= 0.5)) return spanAt(rows, (y + rect.y0 + 0.5) / scale, scale, rect.x0);
    return inFrame?.(y);
  };
}

/** Height of a drawn fold at full strength, in px of the height field. */
const FOLD_HEIGHT_1 = 9;
/** Light falloff from the top of a full-figure frame to its foot (the key light is above). */
const FALLOFF = 0.1;
/** How far down from the sleeve's crown its head rolls over, native px at 0.9 px/mm. */
const CROWN_RADIUS = 30;
/** A lapel's roll line: the radius and depth of its soft round, native px at 0.9 px/mm. */
const SOFT_ROLL_RADIUS = 7;
const SOFT_ROLL_HEIGHT = 6;
/** The rolled lip of a pressed edge: its reach (Gaussian sigma) and depth, native px at 0.9 px/mm. */
const EDGE_ROLL_SIGMA = 1.6;
const EDGE_ROLL_HEIGHT = 3;
/**
 * How far in from its edges canvas-held cloth turns away, as a share of the panel's `round`. The
 * canvas holds a forepart, lapel or flap flat to within a few millimetres of its pressed edge, where
 * the lip turns it over; a dome as wide as `round` (11 mm, the lapel's shaded edge falling off over
 * 19 mm in all) puffed every piece into a cushion bevelled at its edges, the look of a drawing's
 * emboss rather than of pressed cloth.
 */
const CANVAS_TURN = 0.35;
/**
 * Cast shadows: how far a layer's shadow is followed toward the light (px at 0.9 px/mm), the height
 * excess over which it is full (a soft box gives soft shadows), and how dark a full one is.
 */
const SHADOW_REACH = 22;
const SHADOW_SOFT = 3;
const SHADOW_STRENGTH = 0.5;

/**
 * Shadows cast by one panel onto another under the key light, from the height field itself: a pixel
 * is in shade where some other panel's cloth, looking toward the light, stands above the light's ray
 * (a lapel on the chest, a flap on its forepart, the coat's hem on the trousers, a sleeve on the
 * body). The light is soft, so a shadow fades with the distance to what casts it. A panel never
 * shadows itself: its own turning away is the diffuse term's business.
 */
function castShadows(height: Float32Array, panelOf: Uint8Array, coverage: Uint8Array, w: number, h: number, G: Rect, z: number): Float32Array {
  const dark = new Float32Array(w * h);
  const lx = -LIGHT[0];
  const ly = -LIGHT[1];
  const lxy = Math.hypot(lx, ly);
  // Toward the light in the image (up and left), and the light's rise per px travelled.
  const dx = -lx / lxy;
  const dy = -ly / lxy;
  const rise = LIGHT[2] / lxy;
  const step = Math.max(1, z);
  const steps = Math.ceil((SHADOW_REACH * z) / step);
  const offX = new Int32Array(steps);
  const offY = new Int32Array(steps);
  const drop = new Float32Array(steps);
  const fade = new Float32Array(steps);
  for (let s = 0; s < steps; s++) {
    const t = (s + 1) * step;
    offX[s] = Math.round(t * dx);
    offY[s] = Math.round(t * dy);
    drop[s] = t * rise;
    fade[s] = 1 - (s + 1) / (steps + 1);
  }
  const soft = 1 / (SHADOW_SOFT * z);
  for (let y = G.y0; y < G.y1; y++) {
    for (let x = G.x0; x < G.x1; x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      const own = panelOf[i];
      const hp = height[i];
      let best = 0;
      for (let s = 0; s < steps; s++) {
        const qx = x + offX[s];
        const qy = y + offY[s];
        if (qx < 0 || qy < 0) break;
        const q = qy * w + qx;
        const pq = panelOf[q];
        if (pq === 255 || pq === own) continue;
        const ex = (height[q] - hp - drop[s]) * soft;
        if (ex <= 0) continue;
        const d = Math.min(1, ex) * fade[s];
        if (d > best) best = d;
      }
      dark[i] = best;
    }
  }
  return dark;
}

const clipped = new WeakMap<Tile, WeakMap<Tile, Tile>>();
/** A pocket's mask cut to the panel it lies on, as a new tile (one per pair of tiles). */
function clipTile(m: Tile, under: Tile): Tile {
  let byUnder = clipped.get(m);
  if (!byUnder) clipped.set(m, (byUnder = new WeakMap()));
  let t = byUnder.get(under);
  if (!t) byUnder.set(under, (t = clipTileNow(m, under)));
  return t;
}

function clipTileNow(m: Tile, under: Tile): Tile {
  const data = new Uint8Array(m.data);
  for (let y = 0; y < m.h; y++) {
    for (let x = 0; x < m.w; x++) {
      const j = y * m.w + x;
      if (!data[j]) continue;
      const u = tileAt(under, m.x0 + x, m.y0 + y);
      if (data[j] > u) data[j] = u;
    }
  }
  return { ...m, data };
}

/** Frame rectangle of a tile's non-zero pixels (tiles are never written to: found once per tile). */
const boundsOf = new WeakMap<Tile, Rect | null>();
function tileExtent(t: Tile): Rect | undefined {
  let r = boundsOf.get(t);
  if (r === undefined) boundsOf.set(t, (r = tileBounds(t, 0) ?? null));
  return r ?? undefined;
}

/**
 * Where two pieces share a pixel inside the garment (a lapel's edge over its forepart, a sleeve over
 * the body), the upper piece's own coverage there, when it is at least this and at most 255 − this:
 * the render then draws both pieces' cloth, blended by it. Fainter slivers stay one piece's.
 */
const EDGE_MIN_COVER = 3;

/** A panel's `PanelOverlap` with the other panel as its index in the view's panels. */
interface PanelOverlapAt {
  panel: number;
  mode: PanelOverlap['mode'];
}

/** Per panel, the index of the panel it rests on (its volume continues beneath), or -1. */
function restingOn(overlaps: Array<PanelOverlapAt | undefined>): number[] {
  return overlaps.map((o) => (o?.mode === 'rests-on' ? o.panel : -1));
}

/**
 * Union coverage and topmost panel on the window `W` of the frame (planes W-sized, row stride
 * W.x1 − W.x0). Panels are drawn back to front; a panel owns a pixel once it covers at least half of
 * it, so abutting anti-aliased edges hand over cleanly. Also, per pixel, the other piece of an
 * internal edge (`other`, 255: none) and the upper piece's own coverage there (`upper`): the last
 * panel drawn over the pixel and the one that owned it before.
 *
 * A panel resting on another (`overlaps`, 'rests-on': a lapel on its forepart) adds to the union only
 * what it covers beyond that one: where their outlines coincide (a lapel's roll line is its
 * forepart's front edge) the sum would count the same edge twice, and the doubled coverage stepped
 * along the roll with the rows where both edges cross a pixel.
 *
 * A panel set into another ('set-into': a sleeve into its forepart, whose shoulder runs on under the
 * crown) does the same, but only where the two outlines run together, the cloth on the same side of
 * both (their coverages rise the same way): there the doubled edge, on the silhouette, was all but
 * hard, and the HD level, placing the edge from it, broke it into a comb of specks and holes. Where
 * the outlines meet from opposite sides (under the arm, where the sleeve's edge and the body's part
 * and the background shows between them) the coverages add up, as abutting edges' do.
 */
function unionCoverage(
  masks: Tile[],
  W: Rect,
  overlaps?: Array<PanelOverlapAt | undefined>,
): { coverage: Uint8Array; panelOf: Uint8Array; other: Uint8Array; upper: Uint8Array } {
  const ww = W.x1 - W.x0;
  const n = ww * (W.y1 - W.y0);
  const coverage = new Uint8Array(n);
  // While drawing: the last panel over each pixel and its coverage, and who owned the pixel before it.
  const top = new Uint8Array(n).fill(255);
  const upper = new Uint8Array(n);
  const below = new Uint8Array(n).fill(255);
  const covSum = new Uint16Array(n);
  for (let p = 0; p < masks.length; p++) {
    const m = masks[p];
    const data = m.data;
    const ya = Math.max(m.y0, W.y0);
    const yb = Math.min(m.y0 + m.h, W.y1);
    const xa = Math.max(m.x0, W.x0);
    const xb = Math.min(m.x0 + m.w, W.x1);
    const o = overlaps?.[p];
    // The other panel's tile, read in place on the rows it spans (outside it its coverage is 0).
    const under = o ? masks[o.panel] : undefined;
    const udata = under?.data;
    const into = o?.mode === 'set-into';
    const ux0 = under ? Math.max(xa, under.x0) : 0;
    const ux1 = under ? Math.min(xb, under.x0 + under.w) : 0;
    for (let y = ya; y < yb; y++) {
      const row = (y - W.y0) * ww - W.x0;
      const trow = (y - m.y0) * m.w - m.x0;
      const uy = under ? y - under.y0 : -1;
      const urow = under && uy >= 0 && uy < under.h ? uy * under.w - under.x0 : -1;
      for (let x = xa; x < xb; x++) {
        const c = data[trow + x];
        if (!c) continue;
        const i = row + x;
        let add = c;
        // Resting on: less the other's coverage wherever it lies. Set into: only on a pixel on the
        // edges of both (each covering it in part), and only where their slopes agree.
        if (urow >= 0 && x >= ux0 && x < ux1 && (!into || c < 255)) {
          const u = (udata as Uint8Array)[urow + x];
          if (!into) add = Math.max(0, c - u);
          else if (u > 0 && u < 255) {
            const ut = under as Tile;
            const dot =
              (tileAt(m, x + 1, y) - tileAt(m, x - 1, y)) * (tileAt(ut, x + 1, y) - tileAt(ut, x - 1, y)) +
              (tileAt(m, x, y + 1) - tileAt(m, x, y - 1)) * (tileAt(ut, x, y + 1) - tileAt(ut, x, y - 1));
            if (dot > 0) add = Math.max(0, c - u);
          }
        }
        covSum[i] += add;
        const t = top[i];
        if (t !== 255 && (upper[i] >= 128 || below[i] === 255)) below[i] = t;
        top[i] = p;
        upper[i] = c;
      }
    }
  }
  const panelOf = top;
  const other = below;
  for (let i = 0; i < n; i++) {
    coverage[i] = Math.min(covSum[i], 255);
    const t = top[i];
    if (t === 255) continue;
    const b = below[i];
    const c = upper[i];
    const owner = c >= 128 || b === 255 ? t : b;
    // The pixel's other piece, when the upper one covers it only in part.
    other[i] = b !== 255 && c >= EDGE_MIN_COVER && c <= 255 - EDGE_MIN_COVER ? (owner === t ? b : t) : 255;
    panelOf[i] = owner;
  }
  return { coverage, panelOf, other, upper };
}

/** One panel's own volume on its bounding box: `h` its height, `d` the same without the edge roll. */
interface PanelVolume {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  rw: number;
  h: Float32Array;
  d: Float32Array;
  /** A tube's arc offsets (see ARC_STRETCH_MAX); none on canvas-held cloth, which faces the camera, nor behind the torso. */
  a?: Float32Array;
}

function panelVolume(spec: PanelSpec, m: Tile, w: number, h: number, z: number, scale: number, sewn?: Tile): PanelVolume | undefined {
  const rect = tileBounds(m, Math.ceil(spec.round * 2.5), w, h);
  if (!rect) return undefined;
  // Work on the panel's bounding box only: full-frame planes per panel would be 6 MB apiece.
  const rw = rect.x1 - rect.x0;
  const rh = rect.y1 - rect.y0;
  const plane = new Float32Array(rw * rh);
  // The tile holds every non-zero pixel of the rect: copy the overlap, the rest stays 0.
  for (let y = Math.max(rect.y0, m.y0); y < Math.min(rect.y1, m.y0 + m.h); y++) {
    for (let x = Math.max(rect.x0, m.x0); x < Math.min(rect.x1, m.x0 + m.w); x++)
      plane[(y - rect.y0) * rw + x - rect.x0] = m.data[(y - m.y0) * m.w + x - m.x0] / 255;
  }
  const hArr = new Float32Array(rw * rh);
  const dArr = new Float32Array(hArr.length);
  // Not for a far sleeve behind the torso: the strip of it that shows is already foreshortened as a
  // whole by its squeeze (the side of the arm, turned from the camera).
  const aArr = spec.profile !== 'canvas' && !spec.behind ? new Float32Array(hArr.length) : undefined;
  if (spec.profile !== 'canvas') {
    // A sleeve or trouser leg is a tube: its height is the true cross-section of a cylinder as wide
    // as the panel is in each row, not an inflated outline.
    // A far sleeve behind the torso shows no armhole seam: its rows stay their own tubes.
    const head =
      spec.profile === 'cylinder' && !spec.behind
        ? headExtent(plane, rw, rh, z, spec.armhole && { seam: spec.armhole.seam, underarm: spec.armhole.underarm * scale - rect.y0 })
        : undefined;
    const tube = crossSection(plane, rw, rh, TUBE_DEPTH, 3 * z, false, {
      // A sleeve's hem is pressed as the coat's is (see SectionHow.runOnBelow): smoothed into the
      // nothing below it, its last 10 mm rolled over to 0.3 of its tone; the photo's keeps its tone
      // to the edge, with the dark of the sleeve's opening below it.
      runOnBelow: spec.profile === 'cylinder' && !spec.behind,
      pressed: spec.profile === 'pressed' ? PRESSED : 0,
      extent: croppedExtent(spec, plane, rect, w, scale, head?.extent),
      seam: head?.seam,
      arc: aArr,
    });
    // Behind the torso: each row's tube lowered so its top lies a little below the torso's edge
    // (height about 0 there), measured before the crown rounds the head over.
    let sink: Float32Array | undefined;
    if (spec.behind) {
      sink = new Float32Array(rh);
      for (let y = 0; y < rh; y++) {
        let top = 0;
        for (let x = 0, j = y * rw; x < rw; x++, j++) if (tube[j] > top) top = tube[j];
        sink[y] = top + BEHIND_GAP * z;
      }
    }
    // A sleeve head is the top of a rounded cap, not a tube cut off square: down from the crown
    // each column rises as a quarter circle, so the head rolls over toward the shoulder.
    if (spec.profile === 'cylinder') {
      const R = CROWN_RADIUS * z;
      for (let x = 0; x < rw; x++) {
        let y = 0;
        while (y < rh && plane[y * rw + x] < 0.5) y++;
        for (let d = 0; d < R && y + d < rh; d++) {
          const e = 1 - (d + 0.5) / R;
          tube[(y + d) * rw + x] *= Math.sqrt(1 - e * e);
        }
      }
    }
    const lift = spec.behind ? 0 : spec.loft * 0.1;
    for (let j = 0; j < plane.length; j++) {
      if (!plane[j]) continue;
      hArr[j] = tube[j] - (sink ? sink[(j / rw) | 0] : 0) + lift * plane[j];
      dArr[j] = tube[j];
    }
  } else {
    // Sewn to another panel: both are one cloth where they meet, which turns away only at the
    // pair's outer edges.
    let cloth = plane;
    if (sewn) {
      cloth = new Float32Array(plane);
      for (let y = Math.max(rect.y0, sewn.y0); y < Math.min(rect.y1, sewn.y0 + sewn.h); y++)
        for (let x = Math.max(rect.x0, sewn.x0); x < Math.min(rect.x1, sewn.x0 + sewn.w); x++) {
          const j = (y - rect.y0) * rw + x - rect.x0;
          cloth[j] = Math.min(1, cloth[j] + sewn.data[(y - sewn.y0) * sewn.w + x - sewn.x0] / 255);
        }
    }
    canvasVolume(spec, plane, rw, rh, z, hArr, dArr, cloth);
  }
  // Kept on the panel's own pixels only (the margin was room for the blurs; its heights are 0),
  // which halves what a kept volume costs.
  const own = tileBounds(m, 0, w, h)!;
  const ow = own.x1 - own.x0;
  const oh = own.y1 - own.y0;
  if (ow === rw && oh === rh) return { ...rect, rw, h: hArr, d: dArr, ...(aArr ? { a: aArr } : {}) };
  const hOwn = new Float32Array(ow * oh);
  const dOwn = new Float32Array(ow * oh);
  const aOwn = aArr && new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    const from = (y + own.y0 - rect.y0) * rw + own.x0 - rect.x0;
    hOwn.set(hArr.subarray(from, from + ow), y * ow);
    dOwn.set(dArr.subarray(from, from + ow), y * ow);
    aOwn?.set(aArr!.subarray(from, from + ow), y * ow);
  }
  return { ...own, rw: ow, h: hOwn, d: dOwn, ...(aOwn ? { a: aOwn } : {}) };
}

/** Canvas-held cloth: flat, turning away only within its own edges (a step where layers meet). */
function canvasVolume(spec: PanelSpec, plane: Float32Array, rw: number, rh: number, z: number, hArr: Float32Array, dArr: Float32Array, cloth = plane): void {
  const pillow = blur(cloth, rw, rh, spec.round * CANVAS_TURN, undefined, spec.round * 0.2 * CANVAS_TURN);
  // A pressed edge is the cloth folded over itself: within a couple of millimetres of the edge it
  // turns over a tight round (a quarter circle), which catches the key light on edges facing it
  // and falls into shade on the others. Not in the weave's drape: it would tear stripes at hems.
  const rolled = spec.kind !== 'button' && spec.kind !== 'inside' && !spec.sewnFlat;
  const lip = rolled ? blur(cloth, rw, rh, EDGE_ROLL_SIGMA * z) : undefined;
  const lipH = EDGE_ROLL_HEIGHT * z;
  // A roll line is not pressed: the lapel turns over it on a broad round, so it reads as a soft
  // fold instead of a crease. Measured along each row from the panel's edge on that side.
  const softR = SOFT_ROLL_RADIUS * z;
  const softH = SOFT_ROLL_HEIGHT * z;
  const rollEdge = spec.rollEdge;
  const loft = spec.loft;
  for (let y = 0; y < rh; y++) {
    const row = y * rw;
    let xa = 0;
    let xb = rw - 1;
    if (rollEdge) {
      while (xa < rw && plane[row + xa] < 0.5) xa++;
      while (xb > xa && plane[row + xb] < 0.5) xb--;
    }
    for (let x = 0; x < rw; x++) {
      const j = row + x;
      const c = plane[j];
      if (!c) continue;
      const t = Math.min(1, Math.max(0, 2 * pillow[j] - 1));
      const dome = t * (2 - t);
      let roll = 0;
      const dr = rollEdge === 'right' ? xb - x : rollEdge === 'left' ? x - xa : Infinity;
      const dOther = rollEdge === 'right' ? x - xa : xb - x;
      if (dr < softR && dr <= dOther) {
        const e = 1 - (dr + 0.5) / softR;
        roll = softH * (Math.sqrt(Math.max(0, 1 - e * e)) - 1);
      } else if (lip) {
        const e = 1 - Math.min(1, Math.max(0, 2 * lip[j] - 1));
        roll = lipH * (Math.sqrt(Math.max(0, 1 - e * e)) - 1);
      }
      hArr[j] = loft * c * (0.12 + 0.88 * dome) + roll * c;
      dArr[j] = loft * c * 0.88 * dome;
    }
  }
}

/** The torso's depth and cover on its rectangle (rows `x1 − x0` wide). */
interface TorsoVolume {
  rect: Rect;
  cover: Float32Array;
  depth: Float32Array;
  /** The body's height under the sleeves (where the view gives its width, `bodyExtent`): what a sleeve rests on. */
  rest?: Float32Array;
}

/**
 * The torso is an elliptic cylinder fitted row by row to the coat's outline (front edges and cutaway
 * quarters lie inside it, so they stay flat). Computed on its bounding box, with enough empty rows
 * above and below that the vertical smoothing sees the same zeros as on the full frame.
 */
function torsoVolume(
  masks: Tile[],
  inTorso: boolean[],
  w: number,
  h: number,
  z: number,
  scale: number,
  te: CutViewSource['torsoExtent'],
  td: CutViewSource['torsoDepth'],
  be?: CutViewSource['bodyExtent'],
): TorsoVolume | undefined {
  let torsoRect: Rect | undefined;
  for (let p = 0; p < masks.length; p++) {
    // Buttons sit on the body; cuff buttons on a sleeve would widen the torso's rows.
    if (!inTorso[p]) continue;
    const r = tileExtent(masks[p]);
    if (r) torsoRect = torsoRect ? union(torsoRect, r) : r;
  }
  if (!torsoRect) return undefined;
  const padY = 3 * blurReach(6 * z) + 2;
  // Where sleeves rest on the body, room beside it for their drape over its edge.
  const padX = be?.length ? Math.ceil(DRAPE_TAIL * Math.max(...be.map(([, l, r]) => (r - l) / 2)) * scale) + 2 : 0;
  const T = {
    x0: Math.max(0, torsoRect.x0 - padX),
    x1: Math.min(w, torsoRect.x1 + padX),
    y0: Math.max(0, torsoRect.y0 - padY),
    y1: Math.min(h, torsoRect.y1 + padY),
  };
  const tw = T.x1 - T.x0;
  const th = T.y1 - T.y0;
  const local = new Float32Array(tw * th);
  for (let p = 0; p < masks.length; p++) {
    if (!inTorso[p]) continue;
    const m = masks[p];
    const data = m.data;
    for (let y = 0; y < m.h; y++) {
      const row = (m.y0 + y - T.y0) * tw + (m.x0 - T.x0);
      for (let x = 0; x < m.w; x++) {
        const c = data[y * m.w + x];
        if (!c) continue;
        const j = row + x;
        local[j] = Math.min(1, local[j] + c / 255);
      }
    }
  }
  // Where the view knows the body's width (a detail view crops it), the torso is fitted to that.
  const native = (ly: number) => (ly + T.y0 + 0.5) / scale;
  const extent = te?.length ? (ly: number) => spanAt(te, native(ly), scale, T.x0) : undefined;
  const rowDepth = td?.length
    ? (ly: number) => {
        const [[, a], [, b], f] = rowsAround(td, native(ly));
        return (a + (b - a) * f) * scale;
      }
    : undefined;
  const first = be?.[0]?.[0] ?? 0;
  const last = be?.[be.length - 1]?.[0] ?? 0;
  const atLeast = be?.length
    ? (ly: number) => {
        const y = native(ly);
        return y < first || y > last ? undefined : spanAt(be, y, scale, T.x0);
      }
    : undefined;
  const rest = atLeast ? new Float32Array(tw * th) : undefined;
  const depth = crossSection(local, tw, th, TORSO_DEPTH, 6 * z, true, { extent, rowDepth, atLeast, full: rest, runOnBelow: true });
  return { rect: T, cover: local, depth, ...(rest ? { rest } : {}) };
}

/** A span given at native rows ([y, left, right]), at native row y, in pixels at `scale` from column x0. */
function spanAt(rows: Array<[number, number, number]>, y: number, scale: number, x0: number): [number, number] {
  const [[, la, ra], [, lb, rb], f] = rowsAround(rows, y);
  return [(la + (lb - la) * f) * scale - x0, (ra + (rb - ra) * f) * scale - x0];
}

/**
 * For values given at native rows (`rows[k][0]`, increasing), the two entries around row y and y's
 * share of the way from the first to the second: values between them interpolate linearly, and are
 * held past the ends.
 */
function rowsAround<R extends [number, ...number[]]>(rows: R[], y: number): [R, R, number] {
  let k = 0;
  while (k < rows.length - 2 && rows[k + 1][0] < y) k++;
  const a = rows[k];
  const b = rows[k + 1] ?? a;
  return [a, b, b[0] > a[0] ? Math.min(1, Math.max(0, (y - a[0]) / (b[0] - a[0]))) : 0];
}

/**
 * Height field, drape and the tubes' arc offsets: each pixel the volume of its topmost panel, of the panel that one rests on
 * (a lapel on its forepart) and, on canvas-held cloth, of the torso. On an internal edge (`edges`)
 * the pixel holds both pieces, the upper by its own coverage: its height is theirs in those shares.
 * Owned outright by one piece, an edge pixel stepped from one piece's height to the other's along
 * the outline's staircase, and the step's shading (the turn, the cavity beside a raised sleeve)
 * came out as a dotted line, a zip, down every sleeve and side seam.
 */
function heightField(
  height: Float32Array,
  drape: Float32Array,
  panelOf: Uint8Array,
  G: Rect,
  w: number,
  contrib: Array<PanelVolume | undefined>,
  support: number[],
  canvas: Uint8Array,
  torso: TorsoVolume | undefined,
  edges: EdgeShares,
  rests: Uint8Array | undefined,
  tube: Uint8Array,
  arc: Float32Array,
): void {
  const T = torso?.rect ?? EMPTY;
  const tw = T.x1 - T.x0;
  const cover = torso?.cover;
  const depth = torso?.depth;
  const rest = torso?.rest;
  let hv = 0;
  let dv = 0;
  // The piece's own arc offset (a tube's; see ARC_STRETCH_MAX).
  let av = 0;
  // One piece's volume at (x, y) into hv and dv, its own arc offset into av.
  // `inner`: at an internal edge with a sleeve or a trouser leg, the torso keeps its depth and the
  // blend of the two pieces (by coverage) makes the step. Scaled by its coverage there too, a partly
  // covered pixel sank below both pieces: a row of pits along the hem's staircase over the trousers
  // once the coat kept its depth to its edge. (Against the shirt the lapels and the collar's inside
  // keep their coverage's fall: their roll and their light there are the torso's own.)
  const piece = (p: number, x: number, y: number, inT: boolean, inner = false) => {
    hv = 0;
    dv = 0;
    av = 0;
    const c = contrib[p];
    if (c && x >= c.x0 && x < c.x1 && y >= c.y0 && y < c.y1) {
      const j = (y - c.y0) * c.rw + (x - c.x0);
      hv += c.h[j];
      dv += c.d[j];
      if (c.a) av = c.a[j];
    }
    const s = support[p];
    const cs = s >= 0 ? contrib[s] : undefined;
    if (cs && x >= cs.x0 && x < cs.x1 && y >= cs.y0 && y < cs.y1) {
      const j = (y - cs.y0) * cs.rw + (x - cs.x0);
      hv += cs.h[j];
      dv += cs.d[j];
    }
    if (canvas[p] && inT && x >= T.x0 && x < T.x1 && cover && depth) {
      const j = (y - T.y0) * tw + (x - T.x0);
      const t = inner ? depth[j] : depth[j] * Math.min(1, cover[j]);
      hv += t;
      dv += t;
    } else if (rests?.[p] && rest && inT && x >= T.x0 && x < T.x1) {
      const t = rest[(y - T.y0) * tw + (x - T.x0)];
      hv += t;
      dv += t;
    }
  };
  const { other, upper } = edges;
  for (let y = G.y0; y < G.y1; y++) {
    const inT = y >= T.y0 && y < T.y1;
    for (let x = G.x0; x < G.x1; x++) {
      const i = y * w + x;
      const top = panelOf[i];
      if (top === 255) continue;
      const b = other[i];
      const inner = b !== 255 && (tube[top] === 1 || tube[b] === 1);
      piece(top, x, y, inT, inner);
      if (b === 255) {
        height[i] = hv;
        drape[i] = dv;
        arc[i] = av;
        continue;
      }
      const own = ownerShare(upper[i]);
      const h0 = hv;
      const d0 = dv;
      const a0 = av;
      piece(b, x, y, inT, inner);
      height[i] = h0 * own + hv * (1 - own);
      drape[i] = d0 * own + dv * (1 - own);
      arc[i] = a0 * own + av * (1 - own);
    }
  }
}

/** Per pixel the other piece of an internal edge (255: none) and the upper piece's own coverage. */
interface EdgeShares {
  other: Uint8Array;
  upper: Uint8Array;
}

/**
 * The owning piece's share of an internal-edge pixel, from the upper piece's coverage (0..255): that
 * coverage if the upper piece owns it (covers half or more, as `unionCoverage` decides), the rest if not.
 */
function ownerShare(upper: number): number {
  const cu = upper / 255;
  return cu >= 0.5 ? cu : 1 - cu;
}

/** A group of marks and the topmost panels they apply to. */
interface AppliedLayer {
  applies: Uint8Array;
  height?: MarkLayer;
  occlusion?: MarkLayer;
  highlight?: MarkLayer;
}

/** A group's folds into the height field and drape, its seams into occlusion, its highlights. */
function applyLayer(
  layer: AppliedLayer,
  panelOf: Uint8Array,
  edges: EdgeShares,
  G: Rect,
  w: number,
  height: Float32Array,
  drape: Float32Array,
  occlusion: Float32Array,
  highlight: Float32Array,
  foldHeight: number,
): void {
  // `applies` 2 is a panel that takes the group's folds only (see draftPieces).
  const folds = layer.applies.map((v) => +(v !== 0));
  const marks = layer.applies.map((v) => +(v === 1));
  if (layer.height) applyPlane(0, layer.height, folds, panelOf, edges, G, w, height, drape, foldHeight);
  if (layer.occlusion) applyPlane(1, layer.occlusion, marks, panelOf, edges, G, w, occlusion, occlusion, 0);
  if (layer.highlight) applyPlane(2, layer.highlight, marks, panelOf, edges, G, w, highlight, highlight, 0);
}

/**
 * One mark layer over the garment where it applies: 0 folds (into a and b), 1 occlusion, 2 highlight.
 * On an internal edge a mark applies by the shares of the pieces it applies to (see `heightField`):
 * a seam's shadow cut off at one piece's outline stepped with it.
 */
function applyPlane(
  kind: 0 | 1 | 2,
  l: MarkLayer,
  applies: Uint8Array,
  panelOf: Uint8Array,
  edges: EdgeShares,
  G: Rect,
  w: number,
  a: Float32Array,
  b: Float32Array,
  foldHeight: number,
): void {
  const R = l.rect;
  const rw = R.x1 - R.x0;
  const y0 = Math.max(R.y0, G.y0);
  const y1 = Math.min(R.y1, G.y1);
  const x0 = Math.max(R.x0, G.x0);
  const x1 = Math.min(R.x1, G.x1);
  const plane = l.plane;
  const { other, upper } = edges;
  for (let y = y0; y < y1; y++) {
    const lrow = (y - R.y0) * rw - R.x0;
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      const i = row + x;
      const top = panelOf[i];
      if (top === 255) continue;
      const o = other[i];
      let share = applies[top];
      if (o !== 255 && share !== applies[o]) {
        const own = ownerShare(upper[i]);
        share = share ? own : 1 - own;
      }
      if (!share) continue;
      const v = plane[lrow + x];
      if (kind === 0) {
        const f = ((v - 128) / 127) * foldHeight * share;
        a[i] += f;
        b[i] += f;
      } else if (kind === 1) a[i] *= 1 + (v / 255 - 1) * share;
      else a[i] += (v / 255) * share;
    }
  }
}

/**
 * Linear-light shading from the smoothed height field: a large soft box from the upper left (light
 * wraps a little past the terminator), cavities and the body beside a tube darkened, seams, cast
 * shadows and a fall-off toward the floor multiplied in. On sleeves and legs (`tube`, blurred over
 * their edges) the form before the marks (`hv`) is lit by FORM_LIGHT instead, and the marks add what
 * they add under the key; where the tube is a sleeve (`sleeve`, blurred alike) it wraps the light
 * less. Only garment pixels are worked (the rest stays 0).
 */
function shading(
  hs: Float32Array,
  hv: Float32Array,
  tube: Float32Array,
  sleeve: Float32Array,
  clothNear: Float32Array,
  tubeAbove: Float32Array,
  tubeNear: Float32Array,
  sleeveAround: Float32Array,
  cavityRef: Float32Array,
  occlusion: Float32Array,
  shadowed: Float32Array,
  highlight: Float32Array,
  coverage: Uint8Array,
  w: number,
  h: number,
  G: Rect,
  z: number,
  falloffZoom: number,
  farFrom: number,
  farEase: number,
  yOff = 0,
  frameH = h,
): Float32Array {
  const shade = new Float32Array(w * h);
  const [L0, L1, L2] = LIGHT;
  const [F0, F1, F2] = FORM_LIGHT;
  const keyFlat = AMBIENT + (1 - AMBIENT) * ((L2 + WRAP) / (1 + WRAP));
  for (let y = G.y0; y < G.y1; y++) {
    // The key light hangs above the figure: the cloth falls off a little toward the floor.
    const fall = 1 + FALLOFF * (0.5 - (y + yOff + 0.5) / frameH / falloffZoom);
    const up = y > 0 ? w : 0;
    const down = y < h - 1 ? w : 0;
    for (let x = G.x0; x < G.x1; x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      const r = i + (x < w - 1 ? 1 : 0);
      const l = i - (x > 0 ? 1 : 0);
      const gx = (hs[r] - hs[l]) * 0.5;
      const gy = (hs[i + down] - hs[i - up]) * 0.5;
      const key = Math.max(0, ((-gx * L0 - gy * L1 + L2) / Math.sqrt(gx * gx + gy * gy + 1) + WRAP) / (1 + WRAP));
      let s = (AMBIENT + (1 - AMBIENT) * key) / keyFlat;
      const t = tube[i];
      if (t > 0) {
        // A sleeve's or leg's form under the broad light, what its marks add to it under the key.
        const vx = (hv[r] - hv[l]) * 0.5;
        const vy = (hv[i + down] - hv[i - up]) * 0.5;
        const nv = 1 / Math.sqrt(vx * vx + vy * vy + 1);
        const wrap = FORM_WRAP + (SLEEVE_FORM_WRAP - FORM_WRAP) * Math.min(1, sleeve[i] / t);
        const form = Math.max(0, ((-vx * F0 - vy * F1 + F2) * nv + wrap) / (1 + wrap));
        const flat = AMBIENT + (1 - AMBIENT) * ((F2 + wrap) / (1 + wrap));
        const keyOfForm = Math.max(0, ((-vx * L0 - vy * L1 + L2) * nv + WRAP) / (1 + WRAP));
        s += t * ((AMBIENT + (1 - AMBIENT) * Math.max(0, form + key - keyOfForm)) / flat - s);
      }
      const cav = cavityRef[i] - hs[i];
      if (cav > 0) s *= 1 / (1 + (cav / z) * 0.045);
      // The body's share of the cloth here, over an edge between tube and body as the tubes' light is
      // blended. At a tube's outline over the background the cloth's wider blur falls below the
      // tube's: the outline counts as all tube.
      const body = tubeNear[i] > 0 ? 1 - t / clothNear[i] : 0;
      const over = body > 0 ? (tubeAbove[i] - hv[i] * tubeNear[i]) * body : 0;
      if (over > 0) s *= 1 / (1 + (over / z) * TUBE_OVER * (1 + (CREVICE_FAR - 1) * smooth((x - farFrom) / farEase + 0.5)));
      if (sleeveAround[i] > 0) s *= 1 - SLEEVE_SHADE * sleeveAround[i] * (t > 0 ? 1 - t / Math.max(t, clothNear[i]) : 1);
      s *= occlusion[i];
      s *= 1 - SHADOW_STRENGTH * shadowed[i];
      s *= fall;
      s *= 1 + highlight[i] * 0.6;
      shade[i] = s < 1 ? s ** SHADE_CONTRAST : 1 + (s - 1) * HIGHLIGHT_GAIN;
    }
  }
  return shade;
}

/**
 * Light wrap at the silhouette: a sleeve or leg keeps its tone out to where it meets the backdrop.
 * The reference photo's sleeves, 1 to 10 px inside their outline against the 12-18 px further in,
 * hold 1.00-1.05 on the key light's side and 0.97-1.02 away from it: the lit sweep behind the figure
 * lights their turning edges. Ours turned away into a dark line there (0.60-0.70 the first px in,
 * 0.80-0.84 the second, 0.87-0.91 out to the 8th): an inked outline. Within BACKDROP_HOLD native px of
 * the backdrop along its row, a tube's shade is raised toward the shade that far in (never lowered),
 * fully at the outline, easing to none there. Along rows only: a hem meets the backdrop across them
 * and its turn is drawn by its own marks.
 */
const BACKDROP_HOLD = 7;

/**
 * Holds the cloth from the outline pixel `edge` inward (`step` px apart), up to where the cloth ends,
 * to the shade `reach` steps in when that is cloth of a panel `held` marks: the pixels of such panels
 * are raised toward it, fully at the outline.
 */
function holdFrom(shade: Float32Array, coverage: Uint8Array, panelOf: Uint8Array, held: Uint8Array, edge: number, step: number, reach: number): void {
  const heldAt = (i: number) => panelOf[i] !== 255 && held[panelOf[i]] === 1;
  const ref = edge + step * reach;
  if (!heldAt(ref)) return;
  const level = shade[ref];
  for (let d = 0; d < reach; d++) {
    const i = edge + step * d;
    if (!coverage[i]) break;
    if (heldAt(i) && shade[i] < level) shade[i] += (level - shade[i]) * (1 - smooth(d / reach));
  }
}

function holdToOutline(shade: Float32Array, coverage: Uint8Array, panelOf: Uint8Array, tube: Uint8Array, w: number, G: Rect, z: number): void {
  const reach = Math.max(2, Math.round(BACKDROP_HOLD * z));
  for (let y = G.y0; y < G.y1; y++) {
    const row = y * w;
    let x = G.x0;
    while (x < G.x1) {
      while (x < G.x1 && !coverage[row + x]) x++;
      if (x >= G.x1) break;
      let x1 = x;
      while (x1 + 1 < G.x1 && coverage[row + x1 + 1]) x1++;
      // Each end of the run that borders the backdrop (not the window's edge), held from its own side.
      if (x > 0 && x + reach <= x1) holdFrom(shade, coverage, panelOf, tube, row + x, 1, reach);
      if (x1 < w - 1 && x1 - reach >= x) holdFrom(shade, coverage, panelOf, tube, row + x1, -1, reach);
      x = x1 + 1;
    }
  }
}

/**
 * The same down the columns, for the shoulders' tops: cloth of a shoulder (a forepart or a sleeve
 * head) under the backdrop, above the highest underarm (`last`, a window row). The reference photo's
 * shoulders hold 0.91-1.08 of the cloth 12-18 px below over their first few px; ours fell to
 * 0.60-0.65 the first px in, a dark line along each shoulder. Only above the underarm: lower down,
 * cloth under something that is not cloth is cloth under the shirt or tie (the V's foot), whose own
 * shading that is.
 */
function holdShoulderTops(shade: Float32Array, coverage: Uint8Array, panelOf: Uint8Array, P: Pieces, w: number, G: Rect, z: number, last: number): void {
  const reach = Math.max(2, Math.round(BACKDROP_HOLD * z));
  const shoulder = Uint8Array.from(P.src.panels, (p) => (p.kind === 'sleeve' || p.kind === 'forepart' ? 1 : 0));
  const y1 = Math.min(last, G.y1 - reach);
  for (let y = Math.max(1, G.y0); y < y1; y++)
    for (let x = G.x0, edge = y * w + x; x < G.x1; x++, edge++)
      if (coverage[edge] && !coverage[edge - w] && shoulder[panelOf[edge]] === 1) holdFrom(shade, coverage, panelOf, shoulder, edge, w, reach);
}

/** Where each garment pixel samples the cloth from: the gradient of the smoothed drape. */
function foldWarp(warp: Float32Array, coverage: Uint8Array, w: number, h: number, G: Rect, dispX: Float32Array, dispY: Float32Array): void {
  const WARP = 0.6;
  for (let y = Math.max(1, G.y0); y < Math.min(h - 1, G.y1); y++) {
    for (let x = Math.max(1, G.x0); x < Math.min(w - 1, G.x1); x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      dispX[i] = (warp[i + 1] - warp[i - 1]) * 0.5 * WARP;
      dispY[i] = (warp[i + w] - warp[i - w]) * 0.5 * WARP;
    }
  }
}

/** Everything a view's shading fields are computed from, at one frame size (each piece memoised). */
interface Pieces {
  w: number;
  h: number;
  scale: number;
  z: number;
  /** The source with its panels scaled to the frame. */
  src: CutViewSource;
  masks: Tile[];
  contrib: Array<PanelVolume | undefined>;
  /** Per panel, the panel it lies over and how (see `PanelOverlap`), by index; undefined for none. */
  overlaps: Array<PanelOverlapAt | undefined>;
  canvas: Uint8Array;
  /** Per panel, 1 for a sleeve or trouser leg: lit on its form by the broad light (see FORM_LIGHT). */
  tube: Uint8Array;
  /** Per panel, 1 where it rests on the body beneath it (a sleeve, on the torso's `rest`). */
  rests: Uint8Array;
  /** The sleeves' share around each pixel, on a coarse grid (see SLEEVE_SHADE); none without sleeves. */
  sleeves: SleeveGrid | undefined;
  /** The highest underarm's frame row, below which the sleeves hang free of the body (see RIM_SHADE). */
  underarmRow: number | undefined;
  torso: TorsoVolume | undefined;
  layers: AppliedLayer[];
  layerKeys: string[];
  base: Uint8Array;
  overlay: SparseRgba;
  /** The memo keys of every piece used (what a draft made of these pieces keeps from eviction). */
  used: Set<string>;
  /** The garment's bounding box on the frame. */
  G: Rect;
  falloffZoom: number;
}

/** An array as JSON, written once per array (the body's rows of a view are one array for every style). */
const jsons = new WeakMap<object, string>();
function jsonOf(o: object | undefined): string {
  if (!o) return 'null';
  const kept = jsons.get(o);
  if (kept !== undefined) return kept;
  const j = JSON.stringify(o);
  jsons.set(o, j);
  return j;
}

/** A number per object, for keys made of pieces (a memoised piece is the same object while kept). */
const ids = new WeakMap<object, number>();
let nextId = 1;
function idOf(o: object | null | undefined): number {
  if (!o) return 0;
  let i = ids.get(o);
  if (i === undefined) ids.set(o, (i = nextId++));
  return i;
}

/** The pieces of a view at `scale` × its native size: panel masks and volumes, mark layers, surroundings. */
async function draftPieces(source: CutViewSource, scale: number, gate?: () => Promise<void>): Promise<Pieces> {
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale);
  const src: CutViewSource =
    scale === 1
      ? source
      : {
          ...source,
          panels: source.panels.map((p) => ({
            ...p,
            pxPerMm: p.pxPerMm * scale,
            anchor: [p.anchor[0] * scale, p.anchor[1] * scale] as [number, number],
            loft: p.loft * scale,
            round: p.round * scale,
          })),
        };
  const z = (src.zoom ?? 1) * scale;
  const frame = `${w}x${h}`;
  const used = new Set<string>();

  const vw = source.width;
  const vh = source.height;
  // Each panel is rasterised within its own bounding box: full-frame masks would cost a 6 MB surface
  // and a full-frame pass apiece.
  const maskJobs = src.panels.map((p) => tileOf(`<path d="${p.path}" fill="#fff"/>`, pathBounds(p.path), 2, vw, vh, w, h, used));
  // Marks are grouped by the panel kinds they may land on; each group is rasterised into a height
  // layer (ridges light, creases dark on mid-grey), an occlusion layer (seams and shadows on white)
  // and a highlight layer.
  const groups = new Map<string, ShadeMark[]>();
  for (const m of src.marks) {
    const key = `${m.only ? [...m.only].sort().join(',') : '*'}|${m.onPanels ? [...m.onPanels].sort().join(',') : '*'}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(m);
  }
  const layerJobs = [...groups.entries()].map(async ([key, marks]): Promise<AppliedLayer> => {
    const pick = (kinds: ShadeMark['kind'][]) => marks.filter((m) => kinds.includes(m.kind));
    const layer = (tag: string, kinds: ShadeMark['kind'][], colour: (m: ShadeMark) => number, background: number) => {
      const ms = pick(kinds);
      if (!ms.length) return undefined;
      const memoKey = `layer|${tag}|${vw}x${vh}|${JSON.stringify(ms)}`;
      return memoised(
        frame,
        memoKey,
        () => markLayer(ms, colour, background, vw, vh, w, h),
        (l) => l.plane.byteLength,
        used,
      ).then((l) => {
        for (const k of l.keys ?? []) used.add(k);
        return l;
      });
    };
    const [height, occlusion, highlight] = await Promise.all([
      layer('height', ['ridge', 'crease'], (m) => (m.kind === 'ridge' ? 255 : 0), 128),
      layer('occlusion', ['seam', 'shadow'], () => 0, 255),
      layer('highlight', ['highlight'], () => 255, 0),
    ]);
    const [kindKey, panelKey] = key.split('|');
    const kinds = kindKey === '*' ? undefined : new Set(kindKey.split(','));
    const ids = panelKey === '*' ? undefined : new Set(panelKey.split(','));
    // Which topmost panels the layer applies to, as a table (a Set lookup per pixel is slow).
    const applies = new Uint8Array(256);
    for (const [i, p] of src.panels.entries()) applies[i] = (!kinds || kinds.has(p.kind)) && (!ids || ids.has(p.id)) ? 1 : 0;
    // A panel sewn flat onto another follows its folds (2: the folds only, not its seams or shadows).
    // Left out of them, a breast welt sank below the chest's fullness, a groove round a pad.
    for (const [i, p] of src.panels.entries()) {
      const under = p.sewnFlat && p.overlap ? src.panels.findIndex((q) => q.id === p.overlap?.panel) : -1;
      if (!applies[i] && under >= 0 && applies[under] === 1) applies[i] = 2;
    }
    return { applies, height, occlusion, highlight };
  });
  const [masks, layers, base, overlay] = await Promise.all([
    Promise.all(maskJobs),
    Promise.all(layerJobs),
    underlayRaster(`${src.cut}/${src.view}`, src.underlay, vw, vh, w, h, used),
    overlayRaster(`${src.cut}/${src.view}`, src.overlay, vw, vh, w, h, used),
  ]);

  // Pockets are cut into their forepart: never beyond its edges (on a copy: tiles are shared).
  const under = src.panels.map((spec) =>
    (spec.kind === 'flap' || spec.kind === 'welt') && spec.overlap?.mode === 'rests-on' ? src.panels.findIndex((q) => q.id === spec.overlap?.panel) : -1,
  );
  for (let p = 0; p < masks.length; p++) if (under[p] >= 0) masks[p] = clipTile(masks[p], masks[under[p]]);

  let G: Rect | undefined;
  for (const m of masks) {
    const r = tileExtent(m);
    if (r) G = G ? union(G, r) : r;
  }

  // Height field: each panel a soft pillow (cloth turning away at its edges). A pixel sees the volume
  // of its topmost panel plus the panel that one rests on (a lapel on its forepart); cloth hidden
  // beneath (the under forepart of a double-breasted, trousers under the coat) does not show through.
  const byId = new Map(src.panels.map((p, i) => [p.id, i]));
  const contrib: Array<PanelVolume | undefined> = [];
  for (const [p, spec] of src.panels.entries()) {
    // Between panels (a volume drawn from nothing is a few milliseconds): background drafting pauses here.
    if (gate) await gate();
    const clip = under[p] >= 0 ? src.panels[under[p]].path : '';
    const sewn = spec.sewnTo !== undefined ? byId.get(spec.sewnTo) : undefined;
    const key = `volume|${vw}x${vh}|${z}|${JSON.stringify(spec)}|${clip}|${sewn !== undefined ? src.panels[sewn].path : ''}`;
    contrib.push(
      memoisedNow(
        frame,
        key,
        () => panelVolume(spec, masks[p], w, h, z, scale, sewn !== undefined ? masks[sewn] : undefined) ?? null,
        (c) => (c ? c.h.byteLength * (c.a ? 3 : 2) : 0),
        used,
      ) ?? undefined,
    );
  }
  const overlaps = src.panels.map((p): PanelOverlapAt | undefined => {
    const panel = p.overlap ? byId.get(p.overlap.panel) : undefined;
    return p.overlap && panel !== undefined ? { panel, mode: p.overlap.mode } : undefined;
  });

  // The torso: fronts, lapels, collar, pockets and waistcoat are one body volume. It turns away at the
  // side seams, not at a front edge or a cutaway quarter, which the canvas holds flat and crisp.
  const inTorso = src.panels.map((p) => p.profile === 'canvas' && p.kind !== 'button');
  if (gate) await gate();
  const torsoKey = `torso|${z}|${scale}|${masks.map((m, p) => (inTorso[p] ? idOf(m) : '')).join(',')}|${jsonOf(src.torsoExtent)}|${jsonOf(src.torsoDepth)}|${jsonOf(src.bodyExtent)}`;
  const torso =
    memoisedNow(
      frame,
      torsoKey,
      () => torsoVolume(masks, inTorso, w, h, z, scale, src.torsoExtent, src.torsoDepth, src.bodyExtent) ?? null,
      (t) => (t ? t.cover.byteLength * (t.rest ? 4 : 3) : 0),
      used,
    ) ?? undefined;
  const sleeveMasks = masks.flatMap((m, p) => {
    const spec = src.panels[p];
    if (spec.kind !== 'sleeve') return [];
    return [{ m, underarm: spec.armhole ? spec.armhole.underarm * scale : undefined, weight: onKeySide(m, w) ? 1 : SLEEVE_FILL_SIDE }];
  });
  const sleeves =
    memoisedNow(
      frame,
      `sleeves|${z}|${sleeveMasks.map((s) => `${idOf(s.m)}@${s.underarm}*${s.weight}`).join(',')}`,
      () => (sleeveMasks.length ? sleeveGrid(sleeveMasks, w, h, z) : null),
      (g) => (g ? g.share.byteLength : 0),
      used,
    ) ?? undefined;
  const underarms = sleeveMasks.flatMap((s) => (s.underarm === undefined ? [] : [s.underarm]));
  const underarmRow = underarms.length ? Math.min(...underarms) : undefined;
  return {
    w,
    h,
    scale,
    z,
    src,
    masks,
    sleeves,
    underarmRow,
    contrib,
    overlaps,
    canvas: Uint8Array.from(src.panels, (p) => (p.profile === 'canvas' ? 1 : 0)),
    tube: Uint8Array.from(src.panels, (p) => (p.kind === 'sleeve' || p.kind === 'trouser' ? 1 : 0)),
    rests: Uint8Array.from(src.panels, (p) => (p.profile === 'cylinder' && !p.behind ? 1 : 0)),
    torso,
    layers,
    layerKeys: [...groups.keys()],
    base,
    overlay,
    used,
    G: G ?? { x0: 0, y0: 0, x1: 0, y1: 0 },
    falloffZoom: src.zoom && src.zoom > 1.5 ? src.zoom : 1,
  };
}

/** The fields a level is made of, on a window of the frame (planes window-sized). */
interface WindowFields {
  coverage: Uint8Array;
  panelOf: Uint8Array;
  /** Internal edges: the pixel's other piece (255: none) and the upper piece's own coverage. */
  other: Uint8Array;
  upper: Uint8Array;
  shade: Float32Array;
  dispX: Float32Array;
  dispY: Float32Array;
}

function shiftRect<T extends Rect>(r: T, W: Rect): T {
  return { ...r, x0: r.x0 - W.x0, x1: r.x1 - W.x0, y0: r.y0 - W.y0, y1: r.y1 - W.y0 };
}

function intersect(a: Rect, b: Rect): Rect {
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

/**
 * Coverage, topmost panel, shading and fold warp on the window `W` of the frame. Every stage is a
 * local operation (blurs, cast shadows, gradients), so within `W` shrunk by `fieldReach` the values
 * are those of the whole frame's (the margin's are not: blurs clamp at the window's edges). On the
 * whole frame, the reference.
 */
function fieldsOn(P: Pieces, W: Rect): WindowFields {
  const steps = fieldSteps(P, W);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same, awaiting `gate` between its stages (background drafting pauses there while a render runs). */
async function fieldsGated(P: Pieces, W: Rect, gate: (() => Promise<void>) | undefined): Promise<WindowFields> {
  const steps = fieldSteps(P, W);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await gate?.();
  }
}

function* fieldSteps(P: Pieces, W: Rect): Generator<void, WindowFields> {
  const { w, h, z } = P;
  const ww = W.x1 - W.x0;
  const wh = W.y1 - W.y0;
  const n = ww * wh;
  const { coverage, panelOf, other, upper } = unionCoverage(P.masks, W, P.overlaps);
  const G = shiftRect(intersect(P.G, W), W);
  const contrib = P.contrib.map((c) => c && shiftRect(c, W));
  const torso = P.torso && { ...P.torso, rect: shiftRect(P.torso.rect, W) };
  const height = new Float32Array(n);
  // The same without the edge steps: what the weave follows (steps would tear stripes at hems).
  const drape = new Float32Array(n);
  yield;
  const arc = new Float32Array(n);
  heightField(height, drape, panelOf, G, ww, contrib, restingOn(P.overlaps), P.canvas, torso, { other, upper }, P.rests, P.tube, arc);
  yield;
  for (const [p, spec] of P.src.panels.entries()) {
    const c = contrib[p];
    if (spec.behind && c) extendBehind(height, panelOf, ww, wh, p, c, BEHIND_REACH * z);
  }
  // The big blurs only where there is garment (plus their reach): the rest of the frame is zeros.
  const around = (sigma: number) => {
    const p = 3 * blurReach(sigma) + 2;
    const frame = { x0: Math.max(0, P.G.x0 - p), y0: Math.max(0, P.G.y0 - p), x1: Math.min(w, P.G.x1 + p), y1: Math.min(h, P.G.y1 + p) };
    return shiftRect(intersect(frame, W), W);
  };
  // The form before the marks, smoothed: what the broad light models on sleeves and legs.
  const hv = blur(height, ww, wh, 1.2 * z, around(1.2 * z));
  // Which layers apply to a pixel depends on its topmost panel.
  const occlusion = new Float32Array(n).fill(1);
  const highlight = new Float32Array(n);
  const shiftLayer = (l: MarkLayer | undefined) => l && { plane: l.plane, rect: shiftRect(l.rect, W) };
  for (const l of P.layers) {
    const layer = { applies: l.applies, height: shiftLayer(l.height), occlusion: shiftLayer(l.occlusion), highlight: shiftLayer(l.highlight) };
    applyLayer(layer, panelOf, { other, upper }, G, ww, height, drape, occlusion, highlight, FOLD_HEIGHT_1 * z);
  }
  yield;
  const hs = blur(height, ww, wh, 1.2 * z, around(1.2 * z));
  // The penumbra: a soft box's shadows have no hard edge.
  const shadowed = blur(castShadows(height, panelOf, coverage, ww, wh, G, z), ww, wh, 1.5 * z, around(1.5 * z));
  yield;
  const cavityRef = blur(hs, ww, wh, 14 * z, around(14 * z));
  yield;
  // Sleeves and legs, their form (see TUBE_OVER), and the cloth.
  const tubeOf = new Float32Array(n);
  const sleeveOf = new Float32Array(n);
  const tubeForm = new Float32Array(n);
  const clothOf = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = panelOf[i];
    if (p === 255) continue;
    clothOf[i] = 1;
    if (!P.tube[p]) continue;
    tubeOf[i] = 1;
    if (P.src.panels[p].kind === 'sleeve') sleeveOf[i] = 1;
    tubeForm[i] = hv[i];
  }
  // Sleeves and legs blurred over their edges (a hard switch stepped along the outline's staircase:
  // a zip down the sleeve over the forepart); their share and their form around each pixel.
  const tube = blurWhereNeeded(tubeOf, ww, wh, 1.2 * z);
  const sleeve = blurWhereNeeded(sleeveOf, ww, wh, 1.2 * z);
  const tubeNear = blur(tubeOf, ww, wh, TUBE_NEAR_SIGMA * z, around(TUBE_NEAR_SIGMA * z));
  const tubeAbove = blur(tubeForm, ww, wh, TUBE_NEAR_SIGMA * z, around(TUBE_NEAR_SIGMA * z));
  // The frame row from which the crevice beside a forearm widens (see TUBE_FOREARM_SIGMA).
  const forearmRow = P.underarmRow === undefined ? undefined : P.underarmRow + FOREARM_FROM * P.src.pxPerMm * P.scale;
  if (forearmRow !== undefined && W.y1 > forearmRow) {
    const nearLow = blur(tubeOf, ww, wh, TUBE_FOREARM_SIGMA * z, around(TUBE_FOREARM_SIGMA * z));
    const aboveLow = blur(tubeForm, ww, wh, TUBE_FOREARM_SIGMA * z, around(TUBE_FOREARM_SIGMA * z));
    const ease = FOREARM_EASE * P.src.pxPerMm * P.scale;
    for (let y = 0; y < wh; y++) {
      const k = smooth((y + W.y0 - forearmRow) / ease);
      if (k <= 0) continue;
      for (let i = y * ww, end = i + ww; i < end; i++) {
        tubeNear[i] += (nearLow[i] - tubeNear[i]) * k;
        tubeAbove[i] += (aboveLow[i] - tubeAbove[i]) * k;
      }
    }
  }
  const sleeveAround = P.sleeves ? sleevesOn(P.sleeves, W, ww, wh, clothOf) : new Float32Array(n);
  const clothNear = blur(clothOf, ww, wh, 3 * z, around(3 * z));
  if (P.underarmRow !== undefined) sleeveRims(P, W, ww, wh, z, clothOf, tubeOf, panelOf, occlusion);
  const shade = shading(
    hs,
    hv,
    tube,
    sleeve,
    clothNear,
    tubeAbove,
    tubeNear,
    sleeveAround,
    cavityRef,
    occlusion,
    shadowed,
    highlight,
    coverage,
    ww,
    wh,
    G,
    z,
    P.falloffZoom,
    P.w / 2 - W.x0,
    2 * CREVICE_EASE * P.src.pxPerMm * P.scale,
    W.y0,
    h,
  );
  holdToOutline(shade, coverage, panelOf, P.tube, ww, G, z);
  if (P.underarmRow !== undefined) holdShoulderTops(shade, coverage, panelOf, P, ww, G, z, P.underarmRow - W.y0);
  clothRelief(shade, coverage, ww, G, W, P.src.pxPerMm * P.scale);
  // Fold warp: the weave follows the cloth, so stripes bend across folds and compress where a
  // panel turns away (sleeves, trouser legs). The drape is smoothed over cloth alone (normalised by
  // the smoothed cloth mask): where cloth ends beside something that is not cloth (a lapel's roll
  // beside the shirt, over the full depth of the torso) the drop to nothing is not a fold, and
  // smoothed in it bent every stripe there into a hook.
  yield;
  const warp = blur(drape, ww, wh, 3 * z, around(3 * z));
  for (let i = 0; i < n; i++) if (clothNear[i] > 1e-3) warp[i] /= clothNear[i];
  yield;
  const dispX = new Float32Array(n);
  const dispY = new Float32Array(n);
  foldWarp(warp, coverage, ww, wh, G, dispX, dispY);
  // A sleeve's or leg's pattern follows its surface round to its sides (see ARC_STRETCH_MAX): round
  // its section, which is across its grain (the straight grain runs down a sleeve or a leg). Laid
  // across the picture instead, on a sleeve hanging off plumb it would move a check's bars up or down
  // as well, out of step with the forepart's where a cutter matches them.
  const across = P.src.panels.map((p) => [Math.cos((p.grainAngle * Math.PI) / 180), Math.sin((p.grainAngle * Math.PI) / 180)] as const);
  for (let i = 0; i < n; i++) {
    if (!arc[i]) continue;
    const [c, s] = across[panelOf[i]]!;
    dispX[i] += arc[i] * c;
    dispY[i] -= arc[i] * s;
  }
  return { coverage, panelOf, other, upper, shade, dispX, dispY };
}

/**
 * The cloth's mottle under the light (see relief.ts) over every garment pixel, by its place on the
 * frame: a window redrawn around a changed piece gets the same as a whole build.
 */
function clothRelief(shade: Float32Array, coverage: Uint8Array, ww: number, G: Rect, W: Rect, pxPerMm: number): void {
  if (G.x1 <= G.x0) return;
  const weights = octaveWeights(pxPerMm);
  const row = new Float32Array(G.x1 - G.x0);
  for (let y = G.y0; y < G.y1; y++) {
    reliefRow(row, G.x0 + W.x0, y + W.y0 + 0.5, pxPerMm, weights);
    for (let x = G.x0, i = y * ww + x; x < G.x1; x++, i++) if (coverage[i]) shade[i] *= row[x - G.x0];
  }
}

/**
 * A panel behind the torso lies below the background's height 0, so its outline would read as a wall
 * rising to the background, lit along the sleeve's far edge and crown. Its edge heights are carried
 * out a few px over the background beside it (each px the mean of its set neighbours, ring by ring),
 * so the smoothed field sees the sleeve turn away at its outline as a tube does.
 */
function extendBehind(height: Float32Array, panelOf: Uint8Array, w: number, h: number, p: number, r: Rect, reach: number): void {
  const steps = Math.ceil(reach);
  const x0 = Math.max(1, r.x0 - steps);
  const y0 = Math.max(1, r.y0 - steps);
  const x1 = Math.min(w - 1, r.x1 + steps);
  const y1 = Math.min(h - 1, r.y1 + steps);
  if (x1 <= x0 || y1 <= y0) return;
  const rw = x1 - x0;
  // 1: the panel's own px, 2: filled; 0: not yet (background only is ever filled).
  const set = new Uint8Array(rw * (y1 - y0));
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (panelOf[y * w + x] === p) set[(y - y0) * rw + x - x0] = 1;
  const fill: number[] = [];
  for (let s = 0; s < steps; s++) {
    fill.length = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * w + x;
        const j = (y - y0) * rw + x - x0;
        if (set[j] || panelOf[i] !== 255) continue;
        let sum = 0;
        let n = 0;
        if (x > x0 && set[j - 1]) (sum += height[i - 1]), n++;
        if (x < x1 - 1 && set[j + 1]) (sum += height[i + 1]), n++;
        if (y > y0 && set[j - rw]) (sum += height[i - w]), n++;
        if (y < y1 - 1 && set[j + rw]) (sum += height[i + w]), n++;
        if (n) fill.push(i, j, sum / n);
      }
    }
    if (!fill.length) break;
    for (let k = 0; k < fill.length; k += 3) {
      height[fill[k]] = fill[k + 2];
      set[fill[k + 1]] = 2;
    }
  }
}

interface SleeveGrid {
  /** Native px between grid points. */
  step: number;
  gw: number;
  gh: number;
  share: Float32Array;
}

/** Whether a sleeve hangs on the key light's side (the image's left) of a frame `w` px wide. */
const onKeySide = (m: Tile, w: number) => m.x0 + m.w / 2 < w / 2;

/**
 * Darkens (into `occlusion`) each sleeve's side toward the body: see RIM_SHADE. The body's share is
 * blurred on a strip round each sleeve, below the underarm, with the margin its passes reach: over
 * the whole window a blur this wide cost a full-size draft some 70 ms.
 */
function sleeveRims(
  P: Pieces,
  W: Rect,
  ww: number,
  wh: number,
  z: number,
  clothOf: Float32Array,
  tubeOf: Float32Array,
  panelOf: Uint8Array,
  occlusion: Float32Array,
): void {
  const sigma = RIM_SIGMA * z;
  const margin = 3 * blurReach(sigma) + 2;
  const under = P.underarmRow!;
  for (const [p, m] of P.masks.entries()) {
    if (P.src.panels[p]!.kind !== 'sleeve' || !m.w) continue;
    const x0 = Math.max(0, m.x0 - W.x0 - margin);
    const x1 = Math.min(ww, m.x0 + m.w - W.x0 + margin);
    const y0 = Math.max(0, Math.floor(Math.max(m.y0, under) - W.y0 - margin));
    const y1 = Math.min(wh, m.y0 + m.h - W.y0 + margin);
    if (x1 <= x0 || y1 <= y0) continue;
    const sw = x1 - x0;
    const sh = y1 - y0;
    const body = new Float32Array(sw * sh);
    for (let y = 0; y < sh; y++) {
      for (let x = 0, i = (y + y0) * ww + x0; x < sw; x++, i++) if (clothOf[i] && !tubeOf[i]) body[y * sw + x] = 1;
    }
    const near = blurWhereNeeded(body, sw, sh, sigma);
    const k = RIM_SHADE * (onKeySide(m, P.w) ? RIM_KEY_SIDE : 1);
    for (let y = 0; y < sh; y++) {
      const free = smooth((y + y0 + W.y0 - under) / (SLEEVE_FREE * z));
      if (free <= 0) continue;
      for (let x = 0, i = (y + y0) * ww + x0; x < sw; x++, i++) {
        const b = near[y * sw + x];
        if (b > 0 && panelOf[i] === p) occlusion[i] *= 1 - RIM_DEEPEST * Math.min(1, k * free * b);
      }
    }
  }
}

/**
 * The sleeves' coverage averaged into cells of the grid, blurred by SLEEVE_SHADE_SIGMA. Down to the
 * underarm a sleeve is set into the coat, one surface with the body, and hides nothing from it: it
 * counts from there, in full SLEEVE_FREE native px below.
 */
function sleeveGrid(masks: Array<{ m: Tile; underarm?: number; weight: number }>, w: number, h: number, z: number): SleeveGrid {
  const step = Math.max(1, Math.round(SLEEVE_GRID * z));
  const gw = Math.ceil(w / step);
  const gh = Math.ceil(h / step);
  const share = new Float32Array(gw * gh);
  const per = 1 / (255 * step * step);
  for (const { m, underarm, weight } of masks) {
    for (let y = 0; y < m.h; y++) {
      const free = weight * (underarm === undefined ? 1 : smooth((m.y0 + y - underarm) / (SLEEVE_FREE * z)));
      if (free <= 0) continue;
      const row = (((m.y0 + y) / step) | 0) * gw;
      for (let x = 0, j = y * m.w; x < m.w; x++, j++) if (m.data[j]) share[row + (((m.x0 + x) / step) | 0)] += m.data[j] * per * free;
    }
  }
  const sigma = (SLEEVE_SHADE_SIGMA * z) / step;
  return { step, gw, gh, share: blur(share, gw, gh, sigma) };
}

/** The sleeves' share on the window W (cloth pixels only), read bilinearly from the grid. */
function sleevesOn(g: SleeveGrid, W: Rect, ww: number, wh: number, cloth: Float32Array): Float32Array {
  const out = new Float32Array(ww * wh);
  for (let y = 0; y < wh; y++) {
    const gy = Math.min(g.gh - 1, Math.max(0, (y + W.y0 + 0.5) / g.step - 0.5));
    const y0 = Math.max(0, Math.min(g.gh - 2, gy | 0));
    const fy = Math.max(0, gy - y0);
    for (let x = 0, i = y * ww; x < ww; x++, i++) {
      if (!cloth[i]) continue;
      const gx = Math.min(g.gw - 1, Math.max(0, (x + W.x0 + 0.5) / g.step - 0.5));
      const x0 = Math.max(0, Math.min(g.gw - 2, gx | 0));
      const fx = Math.max(0, gx - x0);
      const a = y0 * g.gw + x0;
      const top = g.share[a] + (g.share[a + 1] - g.share[a]) * fx;
      const bottom = g.share[a + g.gw] + (g.share[a + g.gw + 1] - g.share[a + g.gw]) * fx;
      out[i] = top + (bottom - top) * fy;
    }
  }
  return out;
}

/** How far (px) a change of the pieces reaches into the fields: the longest chain of blurs and shadows. */
function fieldReach(z: number): number {
  // The shade a silhouette is held to lies BACKDROP_HOLD further in (see holdToOutline).
  const cavity = 1 + Math.ceil(BEHIND_REACH * z) + 3 * blurReach(1.2 * z) + 3 * blurReach(14 * z) + Math.round(BACKDROP_HOLD * z);
  const shadows = Math.ceil(BEHIND_REACH * z) + 3 * blurReach(1.5 * z) + Math.ceil(SHADOW_REACH * z) + Math.max(1, z) + 1;
  const warp = 1 + 3 * blurReach(3 * z);
  return Math.max(cavity, shadows, warp) + 2;
}

/**
 * Rasterises a view at `scale` × its native size (1 in production; tests that only need the shape of
 * every option combination build at a quarter of the size, sixteen times faster).
 */
export async function rasteriseCutView(source: CutViewSource, scale = 1): Promise<NativeFields> {
  const P = await draftPieces(source, scale);
  return nativeFields(P, fieldsOn(P, { x0: 0, y0: 0, x1: P.w, y1: P.h }));
}

function nativeFields(P: Pieces, f: WindowFields): NativeFields {
  return {
    width: P.w,
    height: P.h,
    pxPerMm: P.src.pxPerMm * P.scale,
    base: P.base,
    overlay: denseOf(P.overlay, P.w, P.h),
    coverage: f.coverage,
    panelOf: f.panelOf,
    edges: { other: f.other, upper: f.upper },
    shade: f.shade,
    dispX: f.dispX,
    dispY: f.dispY,
    panels: P.src.panels,
  };
}

/**
 * A view whose cloth is drawn exactly as `built`'s (same panels and marks) but with other
 * surroundings (shirt, tie, shoes, button colour): only the base and overlay are rasterised again,
 * a few hundred milliseconds instead of a whole build.
 */
export async function restyleLevels(built: Record<LevelName, ViewLevel>, src: CutViewSource): Promise<Record<LevelName, ViewLevel>> {
  const [base, sparse] = await Promise.all([
    underlayRaster(`${src.cut}/${src.view}`, src.underlay, src.width, src.height, src.width, src.height),
    overlayRaster(`${src.cut}/${src.view}`, src.overlay, src.width, src.height, src.width, src.height),
  ]);
  const overlay = denseOf(sparse, src.width, src.height);
  const out = {} as Record<LevelName, ViewLevel>;
  await Promise.all(
    (Object.keys(built) as LevelName[]).map(async (name) => {
      out[name] = { ...built[name], ...(await surroundingsLevel(base, overlay, src.width, src.height, LEVEL_FACTORS[name])) };
    }),
  );
  return out;
}

export async function buildDrawnLevels(src: CutViewSource, scale = 1) {
  return buildLevels(await rasteriseCutView(src, scale));
}

/**
 * A view's preview (512×768) and thumbnail levels drawn at half the native size: the same drafting,
 * shading and grain, rasterised on a quarter of the pixels. Not a downsampled full build (edges are
 * anti-aliased at this size rather than averaged), so it is only used until the full build exists.
 * Only the levels asked for are made (a live preview needs no thumbnail).
 *
 * A style option changes a few pieces of a view (a lapel and its collar, the pockets): the preview is
 * then the last preview drafted of that view with the fields redrawn only around those pieces (see
 * `QuickDraft`), and gives the pixels of a draft from nothing (up to float rounding, see the test).
 */
export async function quickPreviewLevels(
  src: CutViewSource,
  sizes: ReadonlyArray<'preview' | 'thumb'> = ['preview', 'thumb'],
  how: QuickHow = {},
): Promise<Partial<Pick<Record<LevelName, ViewLevel>, 'preview' | 'thumb'>>> {
  await how.gate?.();
  const P = await draftPieces(src, 0.5, how.gate);
  const out: Partial<Pick<Record<LevelName, ViewLevel>, 'preview' | 'thumb'>> = {};
  let fields: WindowFields | undefined;
  if (sizes.includes('preview')) {
    await how.gate?.();
    const made = await quickDraft(P, how.keep ?? true, how.gate, how.anchor);
    out.preview = made.level;
    fields = made.fields;
  }
  if (sizes.includes('thumb')) {
    fields ??= fieldsOn(P, { x0: 0, y0: 0, x1: P.w, y1: P.h });
    out.thumb = (await buildLevelsAt(nativeFields(P, fields), { thumb: LEVEL_FACTORS.preview })).thumb;
  }
  return out;
}

/** How a quick preview is drafted. */
export interface QuickHow {
  /**
   * Kept as a starting point of the next drafts of its view (default). A style drafted ahead of a
   * tap is not: the drafts kept stay those of the styles shown, which the next ones start from.
   */
  keep?: boolean;
  /** Awaited between stages: background drafting pauses there (or is dropped) while a render runs. */
  gate?: () => Promise<void>;
  /**
   * Kept as its view's anchor (the preset, primed at start), beside the last DRAFTS_PER_VIEW drafts:
   * a style several options away from the one on screen is most often near the preset, and its
   * draft then redraws only around what it changes from the preset (from the last styles, it redrew
   * what those changed as well: a trouser hem drafted after a pocket change redrew the coat too).
   */
  anchor?: boolean;
}

/** A preview level's cloth in raster order, its shading not yet normalised over the garment. */
interface QuickCloth {
  pix: Int32Array;
  cov: Uint8Array;
  panel: Uint8Array;
  u: Float32Array;
  v: Float32Array;
  shade: Float32Array;
}

/**
 * A preview drafted of a view, kept (in the draft memory, within its budget) as the starting point of
 * the next: what each of its pieces was (by identity: a memoised piece is the same object while it is
 * kept), where it lay, and the level's cloth.
 */
interface QuickDraft {
  view: string;
  panels: string[];
  panelRects: Array<Rect | undefined>;
  layers: Map<string, LayerSig>;
  torso: TorsoVolume | undefined;
  surroundings: { base: Uint8Array; overlay: SparseRgba; level: Pick<ViewLevel, 'base' | 'overlayPix' | 'overlayRgba'> };
  cloth: QuickCloth;
}

/** Drafts kept per view: the last few (the threads also draft values ahead; the nearest is used), and its anchor. */
const DRAFTS_PER_VIEW = 3;
const ANCHOR = 'anchor';

function overlapSig(P: Pieces, p: number): string {
  const o = P.overlaps[p];
  return o ? `${o.mode}:${P.src.panels[o.panel].id}` : '';
}

function panelSigs(P: Pieces): string[] {
  return P.src.panels.map((s, p) => `${idOf(P.masks[p])}|${idOf(P.contrib[p])}|${P.canvas[p]}|${overlapSig(P, p)}|${s.kind}|${s.id}`);
}

/** A group of marks as drafted: its layers, the panels it applies to, and where it lies. */
interface LayerSig {
  layer: AppliedLayer;
  applies: string;
  rect: Rect;
}

function layerSigs(P: Pieces): Map<string, LayerSig> {
  const out = new Map<string, LayerSig>();
  P.layers.forEach((l, k) => {
    let rect = EMPTY;
    for (const m of [l.height, l.occlusion, l.highlight]) if (m) rect = union(rect, m.rect);
    out.set(P.layerKeys[k], { layer: l, applies: l.applies.join(''), rect });
  });
  return out;
}

/**
 * Bounding box of the pixels where two planes differ, each covering its rectangle (row stride its
 * width) and `background` elsewhere: read in place, nothing spread over the union first.
 */
function planeDiff(ar: Rect, a: Float32Array | undefined, br: Rect, b: Float32Array | undefined, background: number): Rect {
  const R = union(a ? ar : EMPTY, b ? br : EMPTY);
  const W = R.x1 - R.x0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  // Each row of R as either plane gives it (its background outside its rectangle), then compared
  // from both ends: only the span between the first and the last difference goes unread.
  const rowA = new Float32Array(W);
  const rowB = new Float32Array(W);
  const fill = (row: Float32Array, r: Rect, p: Float32Array | undefined, y: number) => {
    if (!p || y < r.y0 || y >= r.y1) return row.fill(background);
    const w = r.x1 - r.x0;
    if (r.x0 > R.x0 || r.x1 < R.x1) row.fill(background);
    row.set(p.subarray((y - r.y0) * w, (y - r.y0 + 1) * w), r.x0 - R.x0);
    return row;
  };
  for (let y = R.y0; y < R.y1; y++) {
    const va = fill(rowA, ar, a, y);
    const vb = fill(rowB, br, b, y);
    let l = 0;
    while (l < W && va[l] === vb[l]) l++;
    if (l === W) continue;
    let r = W - 1;
    while (r > l && va[r] === vb[r]) r--;
    if (l + R.x0 < x0) x0 = l + R.x0;
    if (r + 1 + R.x0 > x1) x1 = r + 1 + R.x0;
    if (y < y0) y0 = y;
    y1 = y + 1;
  }
  return x1 < 0 ? EMPTY : { x0, y0, x1, y1 };
}

/** A torso's heights as drafted (depth × cover), one per pixel of its rectangle; made once per torso (a kept draft's is compared with every new one). */
const torsoHeights = new WeakMap<TorsoVolume, Float32Array>();
function torsoHeight(t: TorsoVolume): Float32Array {
  let v = torsoHeights.get(t);
  if (v) return v;
  v = new Float32Array(t.depth.length);
  for (let j = 0; j < v.length; j++) v[j] = t.depth[j] * Math.min(1, t.cover[j]);
  torsoHeights.set(t, v);
  return v;
}

/** Where two torso volumes give different heights (empty when they agree). */
function torsoDiff(a: TorsoVolume | undefined, b: TorsoVolume | undefined): Rect {
  if (a === b) return EMPTY;
  const heights = planeDiff(a?.rect ?? EMPTY, a && torsoHeight(a), b?.rect ?? EMPTY, b && torsoHeight(b), 0);
  return union(heights, planeDiff(a?.rect ?? EMPTY, a?.rest, b?.rect ?? EMPTY, b?.rest, 0));
}

/** Where two mark layers of one kind differ (`background` where a layer has no marks). */
function layerDiff(a: MarkLayer | undefined, b: MarkLayer | undefined, background: number): Rect {
  if (a === b) return EMPTY;
  return planeDiff(a?.rect ?? EMPTY, a?.plane, b?.rect ?? EMPTY, b?.plane, background);
}

/**
 * What changed between a kept draft and the pieces of a new one: the frame rectangle whose pieces
 * differ, and the old panel indices as new ones (a ticket pocket added shifts the panels after it).
 * Panels are matched in order by what they are; those unmatched on either side are redrawn.
 */
function draftChange(
  d: QuickDraft,
  P: Pieces,
  sigs: string[],
  layers: Map<string, LayerSig>,
  bound = Number.POSITIVE_INFINITY,
): { rect: Rect; remap: Uint8Array } | undefined {
  let rect = EMPTY;
  const remap = new Uint8Array(256).fill(255);
  let k = 0;
  for (let p = 0; p < sigs.length; p++) {
    let j = k;
    while (j < d.panels.length && d.panels[j] !== sigs[p]) j++;
    if (j < d.panels.length) {
      for (; k < j; k++) rect = union(rect, d.panelRects[k] ?? EMPTY);
      remap[j] = p;
      k = j + 1;
    } else rect = union(rect, tileExtent(P.masks[p]) ?? EMPTY);
  }
  for (; k < d.panels.length; k++) rect = union(rect, d.panelRects[k] ?? EMPTY);
  // Not a better start than one found already (the rest only grows the rectangle): the pixel
  // comparisons of layers and torso are skipped.
  if (area(rect) >= bound) return undefined;
  // A group's marks: only where its layers' pixels differ (a group spans the whole coat).
  for (const [key, l] of layers) {
    const o = d.layers.get(key);
    if (!o || (o.applies !== l.applies && !sameApplies(o.layer.applies, l.layer.applies, remap, d.panels.length)))
      rect = union(rect, union(l.rect, o?.rect ?? EMPTY));
    else {
      rect = union(rect, layerDiff(o.layer.height, l.layer.height, 128));
      rect = union(rect, layerDiff(o.layer.occlusion, l.layer.occlusion, 255));
      rect = union(rect, layerDiff(o.layer.highlight, l.layer.highlight, 0));
    }
  }
  for (const [key, o] of d.layers) if (!layers.has(key)) rect = union(rect, o.rect);
  if (area(rect) >= bound) return undefined;
  rect = union(rect, torsoDiff(d.torso, P.torso));
  return area(rect) < bound ? { rect, remap } : undefined;
}

/**
 * Whether a group's marks apply to the same panels in both drafts, panels matched by `remap`: a panel
 * added (a ticket pocket, a turn-up) shifts the indices after it, not where the marks apply. Panels
 * on one side only are redrawn already.
 */
function sameApplies(old: Uint8Array, now: Uint8Array, remap: Uint8Array, oldPanels: number): boolean {
  for (let j = 0; j < oldPanels; j++) if (remap[j] !== 255 && old[j] !== now[remap[j]]) return false;
  return true;
}

function area(r: Rect): number {
  return Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
}

/** The cloth of `f` (fields on the window `W`) within `D`, in raster order. */
function clothWithin(P: Pieces, f: WindowFields, W: Rect, D: Rect): QuickCloth {
  const ww = W.x1 - W.x0;
  let count = 0;
  for (let y = D.y0; y < D.y1; y++) for (let i = (y - W.y0) * ww + D.x0 - W.x0, e = i + D.x1 - D.x0; i < e; i++) if (f.coverage[i]) count++;
  const out: QuickCloth = {
    pix: new Int32Array(count),
    cov: new Uint8Array(count),
    panel: new Uint8Array(count),
    u: new Float32Array(count),
    v: new Float32Array(count),
    shade: new Float32Array(count),
  };
  // Texture coordinates as `levels.ts` makes them (nativeUV, then the level's half-texel shift).
  const nominal = P.src.pxPerMm * P.scale;
  const rot = P.src.panels.map((p) => {
    const t = (p.grainAngle * Math.PI) / 180;
    return { c: Math.cos(t), s: Math.sin(t), k: nominal / p.pxPerMm, sq: p.squeeze ?? 1, ax: p.anchor[0], ay: p.anchor[1] };
  });
  let k = 0;
  for (let y = D.y0; y < D.y1; y++) {
    for (let x = D.x0; x < D.x1; x++) {
      const i = (y - W.y0) * ww + x - W.x0;
      const c = f.coverage[i];
      if (!c) continue;
      const pid = f.panelOf[i];
      const r = rot[pid];
      const qx = x + 0.5 + f.dispX[i] - r.ax;
      const qy = y + 0.5 + f.dispY[i] - r.ay;
      out.pix[k] = y * P.w + x;
      out.cov[k] = c;
      out.panel[k] = pid;
      out.shade[k] = f.shade[i];
      out.u[k] = Math.fround(((qx * r.c - qy * r.s) * r.k) / r.sq) - 0.5;
      out.v[k] = Math.fround((qx * r.s + qy * r.c) * r.k) - 0.5;
      k++;
    }
  }
  return out;
}

/** First index whose pixel is at least `p`. */
function lowerBound(a: Int32Array, p: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < p) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** `old` with its cloth within `D` replaced by `fresh` (which lies within `D`), panels renumbered. */
function spliceCloth(old: QuickCloth, fresh: QuickCloth, D: Rect, w: number, remap: Uint8Array, oldPanels: number): QuickCloth {
  // Most changes keep every panel's index (no pocket added before others): copy the old panels as they are.
  let renumbered = false;
  for (let p = 0; p < oldPanels && !renumbered; p++) renumbered = remap[p] !== p;
  const a = lowerBound(old.pix, D.y0 * w);
  const b = lowerBound(old.pix, D.y1 * w);
  let dropped = 0;
  for (let k = a; k < b; k++) {
    const x = old.pix[k] % w;
    if (x >= D.x0 && x < D.x1) dropped++;
  }
  const n = old.pix.length - dropped + fresh.pix.length;
  const out: QuickCloth = {
    pix: new Int32Array(n),
    cov: new Uint8Array(n),
    panel: new Uint8Array(n),
    u: new Float32Array(n),
    v: new Float32Array(n),
    shade: new Float32Array(n),
  };
  let o = 0;
  const copy = (from: QuickCloth, s: number, e: number, renumber: boolean) => {
    if (e <= s) return;
    out.pix.set(from.pix.subarray(s, e), o);
    out.cov.set(from.cov.subarray(s, e), o);
    out.u.set(from.u.subarray(s, e), o);
    out.v.set(from.v.subarray(s, e), o);
    out.shade.set(from.shade.subarray(s, e), o);
    if (renumber && renumbered) for (let k = s; k < e; k++) out.panel[o + k - s] = remap[from.panel[k]];
    else out.panel.set(from.panel.subarray(s, e), o);
    o += e - s;
  };
  copy(old, 0, a, true);
  let k = a;
  let f = 0;
  for (let y = D.y0; y < D.y1; y++) {
    const row = y * w;
    let e = k;
    while (e < b && old.pix[e] < row + D.x0) e++;
    copy(old, k, e, true);
    k = e;
    while (k < b && old.pix[k] < row + D.x1) k++;
    e = f;
    while (e < fresh.pix.length && fresh.pix[e] < row + w) e++;
    copy(fresh, f, e, false);
    f = e;
    e = k;
    while (e < b && old.pix[e] < row + w) e++;
    copy(old, k, e, true);
    k = e;
  }
  copy(old, b, old.pix.length, true);
  return out;
}

/** The preview level of a cloth: shading normalised over the garment (as `levels.ts` does). */
function clothLevel(P: Pieces, cloth: QuickCloth, s: Pick<ViewLevel, 'base' | 'overlayPix' | 'overlayRgba'>): ViewLevel {
  const count = cloth.pix.length;
  const norm = shadeNorm(cloth.cov, cloth.shade, count);
  const shadeQ = new Uint16Array(count);
  const shadeHist = new Float64Array(SHADE_LEVELS);
  for (let k = 0; k < count; k++) {
    const q = Math.max(0, Math.min(SHADE_LEVELS - 1, Math.round(cloth.shade[k] * norm * SHADE_ONE)));
    shadeQ[k] = q;
    shadeHist[q] += cloth.cov[k] / 255;
  }
  return {
    width: P.w,
    height: P.h,
    pxPerMm: P.src.pxPerMm * P.scale,
    base: s.base,
    pix: cloth.pix,
    cov: cloth.cov,
    panel: cloth.panel,
    u: cloth.u,
    v: cloth.v,
    shadeQ,
    shadeHist,
    overlayPix: s.overlayPix,
    overlayRgba: s.overlayRgba,
  };
}

function draftBytes(d: QuickDraft): number {
  const c = d.cloth;
  return c.pix.byteLength + c.cov.byteLength + c.panel.byteLength + c.u.byteLength + c.v.byteLength + c.shade.byteLength + 4096;
}

/**
 * The preview level of these pieces: from the kept draft of the view whose pieces differ least, the
 * fields recomputed only within reach of what differs; from nothing when none is kept. Also returns
 * the whole frame's fields when it computed them.
 */
async function quickDraft(P: Pieces, keep: boolean, gate?: () => Promise<void>, anchor = false): Promise<{ level: ViewLevel; fields?: WindowFields }> {
  const view = `${P.src.cut}/${P.src.view}`;
  const frame = `${P.w}x${P.h}`;
  const memo = memoOf(frame);
  const prefix = `draft|${view}|`;
  const sigs = panelSigs(P);
  const layers = layerSigs(P);
  let best: { key: string; d: QuickDraft; rect: Rect; remap: Uint8Array } | undefined;
  // The latest drafts first: most often the nearest, so the others' comparisons stop early.
  const kept = [...memo.entries].filter(([key]) => key.startsWith(prefix)).reverse();
  for (const [key, e] of kept) {
    const d = e.value as QuickDraft;
    const c = draftChange(d, P, sigs, layers, best ? area(best.rect) : undefined);
    if (c) best = { key, d, ...c };
  }
  const surroundings =
    best && best.d.surroundings.base === P.base && best.d.surroundings.overlay === P.overlay
      ? best.d.surroundings
      : // At the frame's own size the level's overlay is the kept sparse one (as surroundingsLevel makes it).
        { base: P.base, overlay: P.overlay, level: { base: P.base, overlayPix: P.overlay.pix, overlayRgba: P.overlay.rgba } };
  const frameRect = { x0: 0, y0: 0, x1: P.w, y1: P.h };
  await gate?.();
  let cloth: QuickCloth;
  let fields: WindowFields | undefined;
  if (!best) {
    fields = await fieldsGated(P, frameRect, gate);
    await gate?.();
    cloth = clothWithin(P, fields, frameRect, frameRect);
  } else if (area(best.rect) === 0) {
    const old = best.d.cloth;
    let same = true;
    for (let k = 0; k < best.d.panels.length && same; k++) same = best.remap[k] === k;
    cloth = same ? old : { ...old, panel: old.panel.map((p) => best.remap[p]) };
  } else {
    const R = fieldReach(P.z);
    const grow = (r: Rect, by: number) => intersect({ x0: r.x0 - by, y0: r.y0 - by, x1: r.x1 + by, y1: r.y1 + by }, frameRect);
    const D = grow(best.rect, R);
    const W = grow(D, R);
    cloth = spliceCloth(best.d.cloth, clothWithin(P, await fieldsGated(P, W, gate), W, D), D, P.w, best.remap, best.d.panels.length);
  }
  await gate?.();
  const level = clothLevel(P, cloth, surroundings.level);
  if (keep && memoMaxBytes > 0) {
    const d: QuickDraft = {
      view,
      panels: sigs,
      panelRects: P.masks.map((m) => tileExtent(m)),
      layers,
      torso: P.torso,
      surroundings,
      cloth,
    };
    // The same pieces as the draft started from: keep that one (now most recent) rather than a copy.
    if (best && area(best.rect) === 0 && surroundings === best.d.surroundings && cloth === best.d.cloth && (!anchor || best.key.endsWith(ANCHOR))) {
      memoHit(memo, best.key);
      memoHold(memo, view, best.key);
    } else {
      const key = anchor ? `${prefix}${ANCHOR}` : `${prefix}${nextId++}`;
      // The draft and the pieces it is made of are kept ahead of pieces no draft uses.
      memoSet(memo, key, d, draftBytes(d) + key.length * 2 + 64, [key, ...P.used]);
      memoHold(memo, view, key);
      // The anchor is not one of the last drafts: those are dropped by age, it stays while memory allows.
      const mine = [...memo.entries.keys()].filter((k) => k.startsWith(prefix) && !k.endsWith(ANCHOR));
      for (const k of mine.slice(0, Math.max(0, mine.length - DRAFTS_PER_VIEW))) memoDrop(memo, k);
      trimMemo(memo);
    }
  }
  return { level, fields };
}
