/**
 * Where two versions of a drafted SVG fragment (a view's underlay or overlay) draw differently, from
 * their source alone: so a style option that changes the tie, the shoes or the buttons re-rasterises
 * only around them instead of the whole frame (librsvg gives every blurred element a canvas-sized
 * surface: a whole underlay costs ~50 ms at preview size, ~400 ms at full size).
 *
 * The fragments are our own drafting's output, so the reading is deliberately narrow: top-level
 * elements are compared as text together with the definitions they use (gradients, clip paths,
 * filters); a changed element's extent is read from its geometry (absolute path commands, ellipses,
 * circles, rects, lines), grown by its stroke and by its filter's region. Anything else (a transform,
 * text, an image, a relative or arc path command) answers "everything", and the caller redraws all.
 */

export interface SvgRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface SvgElement {
  tag: string;
  text: string;
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:"[^"]*"|'[^']*'|[^'">])*?)(\/?)>/g;
/** Elements that draw nothing themselves: referenced by id. */
export const DEFINITION = new Set(['defs', 'linearGradient', 'radialGradient', 'clipPath', 'filter', 'mask', 'pattern', 'symbol', 'marker', 'stop']);

/** Top-level elements of a fragment, each with its whole text (comments and text nodes are skipped). */
export function topLevel(body: string): SvgElement[] | undefined {
  const out: SvgElement[] = [];
  let depth = 0;
  let start = 0;
  let tag = '';
  TAG.lastIndex = 0;
  for (let m = TAG.exec(body); m; m = TAG.exec(body)) {
    const [all, closing, name, , selfClosing] = m;
    if (closing) {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) out.push({ tag, text: body.slice(start, m.index + all.length) });
    } else {
      if (depth === 0) {
        start = m.index;
        tag = name;
      }
      if (selfClosing) {
        if (depth === 0) out.push({ tag, text: all });
      } else depth++;
    }
  }
  return depth === 0 ? out : undefined;
}

/** Every element with an id inside definitions, by id (the text of all of them, should ids repeat). */
export function definitions(elements: SvgElement[]): Map<string, string> {
  const defs = new Map<string, string>();
  for (const e of elements) {
    if (!DEFINITION.has(e.tag)) continue;
    // Each element opening with an id, up to its end (nested tags counted).
    TAG.lastIndex = 0;
    const stack: Array<{ id?: string; start: number }> = [];
    for (let m = TAG.exec(e.text); m; m = TAG.exec(e.text)) {
      const [all, closing, , attrs, selfClosing] = m;
      if (closing) {
        const open = stack.pop();
        if (open?.id) defs.set(open.id, (defs.get(open.id) ?? '') + e.text.slice(open.start, m.index + all.length));
        continue;
      }
      const id = /\sid="([^"]+)"/.exec(attrs)?.[1];
      if (selfClosing) {
        if (id) defs.set(id, (defs.get(id) ?? '') + all);
      } else stack.push({ id, start: m.index });
    }
  }
  return defs;
}

function references(text: string): string[] {
  return [...text.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]);
}

/** An element's text with every definition it uses, followed through definitions that use others. */
function identity(e: SvgElement, defs: Map<string, string>): string {
  const seen = new Set<string>();
  const queue = references(e.text);
  let out = e.text;
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const d = defs.get(id) ?? `<missing ${id}>`;
    out += `\u0000${d}`;
    queue.push(...references(d));
  }
  return out;
}

/** A lone ellipse or circle whose only transform is a rotation: angle, and the pivot when given. */
export const ROTATED_ELLIPSE =
  /^<(?:ellipse|circle)\b(?:\s+[\w:-]+="[^"]*")*?\s+transform="rotate\((-?[\d.]+)(?:[\s,]+(-?[\d.]+)[\s,]+(-?[\d.]+))?\)"(?:\s+[\w:-]+="[^"]*")*\s*\/>$/;

export const num = (attrs: string, name: string): number | undefined => {
  const m = new RegExp(`\\s${name}="(-?[\\d.]+(?:e-?\\d+)?)"`).exec(attrs);
  return m ? Number(m[1]) : undefined;
};

/**
 * The box of a path's points, or undefined when its data is not read: absolute moves, lines,
 * quadratic and cubic curves only (their curves lie within their points), in x,y pairs. A path of
 * no points has an empty (inverted) box.
 */
export function pathBox(d: string | undefined): SvgRect | undefined {
  if (d === undefined || /[^MLQCZ\d\s,.eE-]/.test(d)) return undefined;
  const coords = d.match(/-?[\d.]+(?:e-?\d+)?/g) ?? [];
  const pairs = [...d.matchAll(/(-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)/g)];
  if (pairs.length * 2 !== coords.length) return undefined;
  const r = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (const p of pairs) {
    const [x, y] = [Number(p[1]), Number(p[2])];
    r.x0 = Math.min(r.x0, x);
    r.y0 = Math.min(r.y0, y);
    r.x1 = Math.max(r.x1, x);
    r.y1 = Math.max(r.y1, y);
  }
  return r;
}

/** Extent of an element's ink in user units, or undefined when it cannot be read from its source. */
export function extent(e: SvgElement, defs: Map<string, string>): SvgRect | undefined {
  // One transform is read: an ellipse turned about a point (a shoe's contact shadow, turned with the shoe).
  const turned = ROTATED_ELLIPSE.exec(e.text);
  if ((!turned && /transform=/.test(e.text)) || /<(text|image|use|foreignObject|pattern|mask|marker|svg)\b/.test(e.text)) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const add = (xa: number, ya: number, xb = xa, yb = ya) => {
    x0 = Math.min(x0, xa, xb);
    y0 = Math.min(y0, ya, yb);
    x1 = Math.max(x1, xa, xb);
    y1 = Math.max(y1, ya, yb);
  };
  let stroke = 0;
  // Definitions nested in a group (a cuff's own gradient, clip and blur) are read as the top-level
  // ones are: they draw nothing, and a filter among them grows the extent of what uses it.
  let nested = defs;
  if (/<(defs|filter|clipPath)\b/.test(e.text)) {
    nested = new Map(defs);
    // An id given twice keeps both texts, as `definitions` does (a filter read from two then counts as unknown).
    for (const [id, text] of definitions([{ tag: 'defs', text: e.text }])) nested.set(id, (defs.get(id) ?? '') + text);
  }
  // Open elements (a definition's contents are skipped).
  const open: string[] = [];
  let inDefinition = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(e.text); m; m = TAG.exec(e.text)) {
    const [, closing, tag, attrs, selfClosing] = m;
    if (closing) {
      if (DEFINITION.has(open.pop() ?? '')) inDefinition--;
      continue;
    }
    if (!selfClosing) {
      open.push(tag);
      if (DEFINITION.has(tag)) inDefinition++;
    }
    if (inDefinition || DEFINITION.has(tag)) continue;
    const sw = num(attrs, 'stroke-width');
    if (sw !== undefined) stroke = Math.max(stroke, sw);
    else if (/\sstroke="(?!none)/.test(attrs)) stroke = Math.max(stroke, 1);
    if (tag === 'path') {
      const box = pathBox(/\sd="([^"]*)"/.exec(attrs)?.[1]);
      if (!box) return undefined;
      add(box.x0, box.y0, box.x1, box.y1);
    } else if (tag === 'ellipse' || tag === 'circle') {
      const cx = num(attrs, 'cx') ?? 0;
      const cy = num(attrs, 'cy') ?? 0;
      const rx = tag === 'circle' ? num(attrs, 'r') : num(attrs, 'rx');
      const ry = tag === 'circle' ? rx : num(attrs, 'ry');
      if (rx === undefined || ry === undefined) return undefined;
      if (turned) {
        // Its centre turned about the pivot; its box, that of the ellipse turned by the angle.
        const a = (Number(turned[1]) * Math.PI) / 180;
        const [px, py] = [Number(turned[2] ?? 0), Number(turned[3] ?? 0)];
        const [c, si] = [Math.cos(a), Math.sin(a)];
        const [ox, oy] = [px + (cx - px) * c - (cy - py) * si, py + (cx - px) * si + (cy - py) * c];
        const [hx, hy] = [Math.hypot(rx * c, ry * si), Math.hypot(rx * si, ry * c)];
        add(ox - hx, oy - hy, ox + hx, oy + hy);
      } else add(cx - rx, cy - ry, cx + rx, cy + ry);
    } else if (tag === 'rect') {
      const x = num(attrs, 'x') ?? 0;
      const y = num(attrs, 'y') ?? 0;
      const w = num(attrs, 'width');
      const h = num(attrs, 'height');
      if (w === undefined || h === undefined) return undefined;
      add(x, y, x + w, y + h);
    } else if (tag === 'line') {
      add(num(attrs, 'x1') ?? 0, num(attrs, 'y1') ?? 0, num(attrs, 'x2') ?? 0, num(attrs, 'y2') ?? 0);
    } else if (tag === 'polygon' || tag === 'polyline') {
      const pts = /\spoints="([^"]*)"/.exec(attrs)?.[1]?.match(/-?[\d.]+(?:e-?\d+)?/g);
      if (!pts || pts.length % 2) return undefined;
      for (let i = 0; i < pts.length; i += 2) add(Number(pts[i]), Number(pts[i + 1]));
    } else if (tag !== 'g' && tag !== 'title' && tag !== 'desc') return undefined;
  }
  if (x1 < x0) return { x0: 0, y0: 0, x1: 0, y1: 0 };
  // A miter join reaches at most twice the stroke width beyond the outline (miter limit 4).
  let px = 2 * stroke;
  let py = 2 * stroke;
  // A filter draws within its region: by default 10 % of the element's box beyond it on each side;
  // a region in user units (`filterUnits="userSpaceOnUse"`) is where it draws, whatever the box.
  let clip: SvgRect = { x0: -Infinity, y0: -Infinity, x1: Infinity, y1: Infinity };
  for (const id of references(e.text)) {
    const f = nested.get(id);
    if (!f?.startsWith('<filter')) continue;
    const region = filterRegion(f);
    if (!region) return undefined;
    const sd = blurOnly(f);
    const tail = sd === undefined ? Number.POSITIVE_INFINITY : 4 * sd + 4;
    if ('user' in region) {
      const u = region.user;
      clip = { x0: Math.max(clip.x0, u.x0), y0: Math.max(clip.y0, u.y0), x1: Math.min(clip.x1, u.x1), y1: Math.min(clip.y1, u.y1) };
      px += tail;
      py += tail;
      continue;
    }
    const [fx, fy, fw, fh] = region.share;
    const bw = x1 - x0 + 2 * stroke;
    const bh = y1 - y0 + 2 * stroke;
    // A filter of Gaussian blurs alone draws no further than their tails, whatever its region:
    // librsvg's reach out of a shape measures ≤ 2.5 σ at preview, full and HD scales (4 σ + 4 kept).
    px += Math.min(tail, Math.max(-fx, fx + fw - 1) * bw);
    py += Math.min(tail, Math.max(-fy, fy + fh - 1) * bh);
  }
  const r = {
    x0: Math.max(x0 - px, clip.x0),
    y0: Math.max(y0 - py, clip.y0),
    x1: Math.min(x1 + px, clip.x1),
    y1: Math.min(y1 + py, clip.y1),
  };
  return r.x1 > r.x0 && r.y1 > r.y0 ? r : { x0: 0, y0: 0, x1: 0, y1: 0 };
}

/**
 * A filter's region as its opening tag gives it: in user units (`filterUnits="userSpaceOnUse"`), or
 * as shares [x, y, width, height] of its element's box (percentages; by default 10 % beyond it on
 * each side). Undefined when it cannot be read.
 */
export function filterRegion(filter: string): { user: SvgRect } | { share: [number, number, number, number] } | undefined {
  const open = /^<filter((?:"[^"]*"|[^">])*)>/.exec(filter)?.[1] ?? '';
  if (/\sfilterUnits="userSpaceOnUse"/.test(open)) {
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((name) => num(open, name));
    if (x === undefined || y === undefined || w === undefined || h === undefined) return undefined;
    return { user: { x0: x, y0: y, x1: x + w, y1: y + h } };
  }
  const share = (name: string, fallback: number) => {
    const v = new RegExp(`\\s${name}="(-?[\\d.]+)%"`).exec(open);
    return v ? Number(v[1]) / 100 : new RegExp(`\\s${name}=`).test(open) ? undefined : fallback;
  };
  const shares = [share('x', -0.1), share('y', -0.1), share('width', 1.2), share('height', 1.2)];
  return shares.every((v) => v !== undefined) ? { share: shares as [number, number, number, number] } : undefined;
}

/** The largest standard deviation of a filter made of Gaussian blurs only; undefined for any other filter. */
export function blurOnly(filter: string): number | undefined {
  const rest = filter
    .replace(/^<filter(?:"[^"]*"|[^">])*>/, '')
    .replace(/<\/filter>$/, '')
    .replace(/<feGaussianBlur(?:\s+[\w:-]+="[^"]*")*\s*\/>/g, '');
  if (rest.trim() || !filter.includes('<feGaussianBlur')) return undefined;
  // Only a blur of the element itself: an `in` naming another input could draw something else.
  if (/<feGaussianBlur[^>]*\s(in|result)=/.test(filter)) return undefined;
  return largestBlur(filter);
}

/** The largest Gaussian in a fragment (user units): how far a blurred element's edge is felt. */
export function largestBlur(body: string): number {
  let s = 0;
  for (const m of body.matchAll(/stdDeviation="([\d.]+)(?:[\s,]+([\d.]+))?"/g)) s = Math.max(s, Number(m[1]), Number(m[2] ?? 0));
  return s;
}

/**
 * A fragment read for comparison: its drawing elements, each with its identity (its text and the
 * definitions it uses) and its definitions. Read once per drawing, it is compared with several.
 */
export interface SvgIndex {
  elements: Array<{ e: SvgElement; id: string }>;
  defs: Map<string, string>;
}

/** A fragment's index; undefined when it cannot be read. */
export function indexSvg(body: string): SvgIndex | undefined {
  const all = topLevel(body);
  if (!all) return undefined;
  const defs = definitions(all);
  return { elements: all.filter((e) => !DEFINITION.has(e.tag)).map((e) => ({ e, id: identity(e, defs) })), defs };
}

/**
 * The user-space rectangle outside which the drawings `a` and `b` draw the same pixels; empty when
 * they are the same drawing, undefined when that cannot be told from the source (redraw everything).
 */
export function svgChangeOf(a: SvgIndex, b: SvgIndex): SvgRect | undefined {
  const ia = a.elements;
  // Matched in order (what is painted later covers what is painted earlier): the unmatched of either
  // side are the change.
  const changed: Array<{ e: SvgElement; defs: Map<string, string> }> = [];
  let k = 0;
  for (const x of b.elements) {
    let j = k;
    while (j < ia.length && ia[j].id !== x.id) j++;
    if (j < ia.length) {
      for (; k < j; k++) changed.push({ e: ia[k].e, defs: a.defs });
      k = j + 1;
    } else changed.push({ e: x.e, defs: b.defs });
  }
  for (; k < ia.length; k++) changed.push({ e: ia[k].e, defs: a.defs });
  let r: SvgRect = { x0: 0, y0: 0, x1: 0, y1: 0 };
  for (const { e, defs } of changed) {
    const x = extent(e, defs);
    if (!x) return undefined;
    if (x.x1 <= x.x0 || x.y1 <= x.y0) continue;
    r = r.x1 <= r.x0 ? x : { x0: Math.min(r.x0, x.x0), y0: Math.min(r.y0, x.y0), x1: Math.max(r.x1, x.x1), y1: Math.max(r.y1, x.y1) };
  }
  return r;
}

/**
 * `body` without the top-level elements that draw nothing within `r` (user units): their extent,
 * grown by stroke and filter region, lies wholly outside it. Definitions and elements whose extent
 * cannot be read are kept. Rasterised on a canvas cropped to `r`, it gives the same pixels: librsvg
 * gives every filtered element a surface the canvas's size, whether it draws on it or not.
 */
export function svgWithin(body: string, r: SvgRect): string {
  const elements = topLevel(body);
  if (!elements) return body;
  const defs = definitions(elements);
  let out = '';
  for (const e of elements) {
    if (!DEFINITION.has(e.tag)) {
      const x = extent(e, defs);
      const outside = x && (x.x1 <= x.x0 || x.y1 <= x.y0 || x.x1 <= r.x0 || x.x0 >= r.x1 || x.y1 <= r.y0 || x.y0 >= r.y1);
      if (outside && !definesForOthers(e, body)) continue;
    }
    out += e.text;
  }
  return out;
}

/** Whether an element holds a definition (by id) that something else in `body` uses: it must stay. */
function definesForOthers(e: SvgElement, body: string): boolean {
  for (const m of e.text.matchAll(/\sid="([^"]+)"/g)) {
    const uses = (text: string) => text.split(`url(#${m[1]})`).length + text.split(`href="#${m[1]}"`).length - 2;
    if (uses(body) > uses(e.text)) return true;
  }
  return false;
}
