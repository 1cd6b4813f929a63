/**
 * A view's surroundings (RGB on white: backdrop, floor, shirt, tie, shoes and their shadows) drawn
 * with their soft shadows blurred here rather than by librsvg.
 *
 * Why: the surroundings carry some forty soft shadows (a fold of the shirt, the tie's edge, a shoe's
 * contact), each a dark shape under a Gaussian. librsvg gives every filtered element a surface and
 * filter passes of its own: 21 of them were 37 of the 45 ms a tie change took to redraw its patch at
 * preview size (the same patch unfiltered: 8 ms).
 *
 * How: the top-level elements are taken in order. A shadow (one shape, one flat colour, an opacity,
 * a filter that is a single Gaussian blur, nothing else) is drawn as white coverage on a grey tile
 * around its reach, blurred by `svgGaussianBlur` (librsvg's own blur, worked in JS) and laid on in
 * its colour at its opacity. Every other element is drawn by librsvg on its own extent, all of them
 * in one RGBA document (one that uses a filter of its own is drawn alone). Each is laid on by
 * itself, in order, source over, rounded to a byte, as librsvg composites: so the pixels do not
 * depend on which other elements fall on the canvas (a crop drops some).
 *
 * The same body drawn on the whole frame or on a crop of it gives the same pixels in the crop's
 * interior: every tile is on the frame's pixel grid, and near the crop's edge the caller keeps a
 * margin (as it does for librsvg's own blurs).
 */
import { svgGaussianBlur } from './svg-blur.ts';
import { blurOnly, DEFINITION, definitions, extent, filterRegion, num, pathBox, ROTATED_ELLIPSE, topLevel, type SvgRect } from './svg-patch.ts';
import { packTiles, type TileRequest } from './tile-atlas.ts';

/** A canvas of w×h px showing native user units from (vx, vy) at `scale` px per unit. */
export interface Canvas {
  w: number;
  h: number;
  vx: number;
  vy: number;
  scale: number;
}

interface PxRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Shadow {
  kind: 'shadow';
  /** The shape in white, unfiltered, at full opacity. */
  coverage: string;
  colour: [number, number, number];
  opacity: number;
  /** Native units. */
  sigma: number;
  rect: PxRect;
}

/** Any other element, drawn by librsvg. */
interface Paint {
  kind: 'paint';
  text: string;
  rect: PxRect;
  /** Uses a filter of its own (drawn alone: librsvg gives the filter a surface the document's size). */
  filtered: boolean;
}

const SHAPE = /^<(path|ellipse|circle|rect)((?:\s+[\w:-]+="[^"]*")*)\s*\/>$/;
const attr = (attrs: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1];

function hexColour(v: string | undefined): [number, number, number] | undefined {
  if (v === undefined) return [0, 0, 0];
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(v.trim());
  if (!m) return undefined;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** An element read as a soft shadow, or undefined when it is anything else. */
function asShadow(text: string, defs: Map<string, string>): (Omit<Shadow, 'rect' | 'kind'> & { region?: SvgRect }) | undefined {
  const m = SHAPE.exec(text);
  if (!m) return undefined;
  const [, tag, attrs] = m;
  const turned = ROTATED_ELLIPSE.test(text);
  if (/\s(clip-path|mask|style|class|fill-opacity|stroke-opacity|fill-rule|id)=/.test(attrs) || (!turned && /\stransform=/.test(attrs))) return undefined;
  const id = /^url\(#([^)]+)\)$/.exec(attr(attrs, 'filter') ?? '')?.[1];
  const filter = id === undefined ? undefined : defs.get(id);
  if (!filter?.startsWith('<filter')) return undefined;
  const sigma = blurOnly(filter);
  // One Gaussian, the same across and down.
  if (sigma === undefined || !/stdDeviation="[\d.]+"/.test(filter) || (filter.match(/<feGaussianBlur/g) ?? []).length !== 1) return undefined;
  const fill = attr(attrs, 'fill');
  const stroke = attr(attrs, 'stroke');
  const stroked = stroke !== undefined && stroke !== 'none';
  if (stroked && fill !== 'none') return undefined;
  if (!stroked && fill === 'none') return undefined;
  const colour = hexColour(stroked ? stroke : fill);
  if (!colour) return undefined;
  const opacity = Number(attr(attrs, 'opacity') ?? 1);
  if (!(opacity >= 0 && opacity <= 1)) return undefined;
  const rest = attrs.replace(/\s(fill|stroke|opacity|filter)="[^"]*"/g, '');
  const paint = stroked ? ' fill="none" stroke="#fff"' : ' fill="#fff"';
  // A turned ellipse's region turns with it: left unbounded (a contact shadow's tails fade within it).
  const region = turned ? undefined : regionOf(filter, tag, attrs);
  if (region === null) return undefined;
  return { coverage: `<${tag}${rest}${paint}/>`, colour, opacity, sigma, region };
}

/**
 * Where a filter draws, in user units, as librsvg reads it: its region in user units, or by default
 * (objectBoundingBox) a share of the shape's box, its stroke left out (so a thin shadow's tails are
 * cut off square near its line, as librsvg drew them: the surroundings keep the look they were
 * drafted to). Null when it cannot be read.
 */
function regionOf(filter: string, tag: string, attrs: string): SvgRect | null {
  const region = filterRegion(filter);
  if (!region) return null;
  if ('user' in region) return region.user;
  const [fx, fy, fw, fh] = region.share;
  const b = shapeBox(tag, attrs);
  if (!b) return null;
  const bw = b.x1 - b.x0;
  const bh = b.y1 - b.y0;
  return { x0: b.x0 + fx * bw, y0: b.y0 + fy * bh, x1: b.x0 + (fx + fw) * bw, y1: b.y0 + (fy + fh) * bh };
}

/** A shape's box from its geometry alone, its stroke left out. */
function shapeBox(tag: string, attrs: string): SvgRect | undefined {
  const n = (name: string) => num(attrs, name) ?? 0;
  if (tag === 'ellipse' || tag === 'circle') {
    const [rx, ry] = tag === 'circle' ? [n('r'), n('r')] : [n('rx'), n('ry')];
    return { x0: n('cx') - rx, y0: n('cy') - ry, x1: n('cx') + rx, y1: n('cy') + ry };
  }
  if (tag === 'rect') return { x0: n('x'), y0: n('y'), x1: n('x') + n('width'), y1: n('y') + n('height') };
  return pathBox(attr(attrs, 'd'));
}

function pxRect(r: SvgRect | undefined, c: Canvas): PxRect {
  if (!r) return { x0: 0, y0: 0, x1: c.w, y1: c.h };
  return {
    x0: Math.min(c.w, Math.max(0, Math.floor((r.x0 - c.vx) * c.scale))),
    y0: Math.min(c.h, Math.max(0, Math.floor((r.y0 - c.vy) * c.scale))),
    x1: Math.min(c.w, Math.max(0, Math.ceil((r.x1 - c.vx) * c.scale))),
    y1: Math.min(c.h, Math.max(0, Math.ceil((r.y1 - c.vy) * c.scale))),
  };
}

const empty = (r: PxRect) => r.x1 <= r.x0 || r.y1 <= r.y0;

/** The body as layers, in the order they are laid on; undefined when its source cannot be read. */
export function layersOf(body: string, c: Canvas): { defs: string; layers: Array<Shadow | Paint> } | undefined {
  const elements = topLevel(body);
  if (!elements) return undefined;
  const defs = definitions(elements);
  let defsText = '';
  const layers: Array<Shadow | Paint> = [];
  for (const e of elements) {
    if (DEFINITION.has(e.tag)) {
      defsText += e.text;
      continue;
    }
    const rect = pxRect(extent(e, defs), c);
    if (empty(rect)) continue;
    const shadow = asShadow(e.text, defs);
    if (shadow) {
      const { region, ...rest } = shadow;
      // Its tile: where it reaches, within the filter's region (outside it librsvg neither reads nor draws).
      const within = region ? pxRect(region, c) : rect;
      const r = { x0: Math.max(rect.x0, within.x0), y0: Math.max(rect.y0, within.y0), x1: Math.min(rect.x1, within.x1), y1: Math.min(rect.y1, within.y1) };
      if (!empty(r)) layers.push({ kind: 'shadow', ...rest, rect: r });
      continue;
    }
    layers.push({ kind: 'paint', text: e.text, rect, filtered: e.text.includes('filter=') });
  }
  return { defs: defsText, layers };
}

const viewBoxOf = (r: PxRect, c: Canvas) => `${c.vx + r.x0 / c.scale} ${c.vy + r.y0 / c.scale} ${(r.x1 - r.x0) / c.scale} ${(r.y1 - r.y0) / c.scale}`;

/** White over black: the grey channel is then the coverage (over transparency it would read white wherever there is any ink). */
function groundOf(r: PxRect, c: Canvas): string {
  const [x, y, w, h] = viewBoxOf(r, c).split(' ');
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#000"/>`;
}

export interface Rasterisers {
  /** A grey tile (tile-atlas.ts: asked for together, drawn together). */
  grey: (t: TileRequest) => Promise<Uint8Array>;
  /** An SVG document as straight (unpremultiplied) RGBA. */
  rgba: (svg: Buffer) => Promise<Uint8Array>;
}

interface Plane {
  data: Uint8Array;
  /** Row stride (px) and where the element's rectangle starts in the plane. */
  stride: number;
  x: number;
  y: number;
}

/** Every layer drawn: each element's RGBA pixels, each shadow's blurred coverage. */
async function drawLayers(
  body: string,
  c: Canvas,
  raster: Rasterisers,
): Promise<{ layers: Array<Shadow | Paint>; planes: Map<Paint, Plane>; alpha: Map<Shadow, Uint8Array> } | undefined> {
  const read = layersOf(body, c);
  if (!read) return undefined;
  const { defs, layers } = read;
  const shadows = layers.filter((l): l is Shadow => l.kind === 'shadow');
  const paints = layers.filter((l): l is Paint => l.kind === 'paint');
  const alpha = new Map<Shadow, Uint8Array>();
  const coverages = shadows.map((s) =>
    raster.grey({ w: s.rect.x1 - s.rect.x0, h: s.rect.y1 - s.rect.y0, viewBox: viewBoxOf(s.rect, c), body: groundOf(s.rect, c) + s.coverage }).then((cover) => {
      alpha.set(s, svgGaussianBlur(cover, s.rect.x1 - s.rect.x0, s.rect.y1 - s.rect.y0, s.sigma * c.scale));
    }),
  );
  const doc = (w: number, h: number, inner: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${defs}${inner}</svg>`);
  const slot = (s: Paint, x: number, y: number) =>
    `<svg x="${x}" y="${y}" width="${s.rect.x1 - s.rect.x0}" height="${s.rect.y1 - s.rect.y0}" viewBox="${viewBoxOf(s.rect, c)}">${s.text}</svg>`;
  const together = paints.filter((s) => !s.filtered);
  const pack = packTiles(together.map((s) => ({ w: s.rect.x1 - s.rect.x0, h: s.rect.y1 - s.rect.y0 })));
  const planes = new Map<Paint, Plane>();
  const drawn = [
    together.length
      ? raster.rgba(doc(pack.w, pack.h, together.map((s, k) => slot(s, pack.at[k].x, pack.at[k].y)).join(''))).then((data) => {
          together.forEach((s, k) => planes.set(s, { data, stride: pack.w, ...pack.at[k] }));
        })
      : Promise.resolve(),
    ...paints
      .filter((s) => s.filtered)
      .map((s) =>
        raster.rgba(doc(s.rect.x1 - s.rect.x0, s.rect.y1 - s.rect.y0, slot(s, 0, 0))).then((data) => {
          planes.set(s, { data, stride: s.rect.x1 - s.rect.x0, x: 0, y: 0 });
        }),
      ),
  ];
  await Promise.all([...coverages, ...drawn]);
  return { layers, planes, alpha };
}

/**
 * Every layer's pixels in the order they are laid on: `lay(i, r, g, b, t)` for frame pixel i, a
 * colour and its alpha t (0..1) over what is there.
 */
function eachLayer(
  d: NonNullable<Awaited<ReturnType<typeof drawLayers>>>,
  w: number,
  lay: (i: number, r: number, g: number, b: number, t: number) => void,
): void {
  for (const l of d.layers) {
    const { x0, y0, x1, y1 } = l.rect;
    if (l.kind === 'paint') {
      const p = d.planes.get(l)!;
      for (let y = y0; y < y1; y++) {
        let i = ((p.y + y - y0) * p.stride + p.x) * 4;
        for (let x = x0; x < x1; x++, i += 4) if (p.data[i + 3]) lay(y * w + x, p.data[i], p.data[i + 1], p.data[i + 2], p.data[i + 3] / 255);
      }
      continue;
    }
    const a = d.alpha.get(l)!;
    const k = l.opacity / 255;
    const [r, g, b] = l.colour;
    for (let y = y0, i = 0; y < y1; y++) for (let x = x0; x < x1; x++, i++) if (a[i]) lay(y * w + x, r, g, b, a[i] * k);
  }
}

/** The body drawn on the canvas as RGB on white; undefined when its source cannot be read (draw it whole). */
export async function layeredRgb(body: string, c: Canvas, raster: Rasterisers): Promise<Uint8Array | undefined> {
  const d = await drawLayers(body, c, raster);
  if (!d) return undefined;
  const out = new Uint8Array(c.w * c.h * 3).fill(255);
  // Each layer rounded to a byte, as librsvg composites.
  eachLayer(d, c.w, (i, r, g, b, t) => {
    const o = i * 3;
    out[o] = Math.round(out[o] + (r - out[o]) * t);
    out[o + 1] = Math.round(out[o + 1] + (g - out[o + 1]) * t);
    out[o + 2] = Math.round(out[o + 2] + (b - out[o + 2]) * t);
  });
  return out;
}

/**
 * The body drawn on a transparent canvas as straight RGBA (an overlay: buttons and their shadows);
 * undefined when its source cannot be read. Laid on premultiplied, in floats (a mostly transparent
 * canvas rounded layer by layer would lose a faint shadow's colour), then divided out once.
 */
export async function layeredRgba(body: string, c: Canvas, raster: Rasterisers): Promise<Uint8Array | undefined> {
  const d = await drawLayers(body, c, raster);
  if (!d) return undefined;
  // Kept over the layers' extent only: an overlay is a few hundred pixels of buttons in a frame.
  const U = { x0: c.w, y0: c.h, x1: 0, y1: 0 };
  for (const { rect: r } of d.layers) {
    U.x0 = Math.min(U.x0, r.x0);
    U.y0 = Math.min(U.y0, r.y0);
    U.x1 = Math.max(U.x1, r.x1);
    U.y1 = Math.max(U.y1, r.y1);
  }
  const uw = Math.max(0, U.x1 - U.x0);
  const acc = new Float32Array(uw * Math.max(0, U.y1 - U.y0) * 4);
  eachLayer(d, c.w, (i, r, g, b, t) => {
    const o = ((Math.floor(i / c.w) - U.y0) * uw + (i % c.w) - U.x0) * 4;
    const k = 1 - t;
    acc[o] = r * t + acc[o] * k;
    acc[o + 1] = g * t + acc[o + 1] * k;
    acc[o + 2] = b * t + acc[o + 2] * k;
    acc[o + 3] = t + acc[o + 3] * k;
  });
  const out = new Uint8Array(c.w * c.h * 4);
  for (let y = U.y0; y < U.y1; y++) {
    for (let x = U.x0, o = (y - U.y0) * uw * 4, q = (y * c.w + x) * 4; x < U.x1; x++, o += 4, q += 4) {
      const A = acc[o + 3];
      const a8 = Math.round(A * 255);
      if (!a8) continue;
      out[q] = Math.min(255, Math.round(acc[o] / A));
      out[q + 1] = Math.min(255, Math.round(acc[o + 1] / A));
      out[q + 2] = Math.min(255, Math.round(acc[o + 2] / A));
      out[q + 3] = a8;
    }
  }
  return out;
}
