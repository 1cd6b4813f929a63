/**
 * Rasterises a drafted view (SVG via sharp/librsvg, which anti-aliases for free) and derives its
 * shading: a height field from the panels' loft and roundness plus drawn folds, lit from the upper
 * left, with ambient occlusion in the crevices, seams and cast shadows multiplied in.
 */
import sharp from 'sharp';
import { blur, boundingRect } from './raster-ops.ts';
import { LEVEL_FACTORS, buildLevels, surroundingsLevel, type NativeFields } from './levels.ts';
import type { CutViewSource, LevelName, ShadeMark, ViewLevel } from './types.ts';

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

/** An SVG drawn in native units (vw×vh) rasterised at w×h. */
function svgDocAt(w: number, h: number, body: string, background?: string, vw = w, vh = h): Buffer {
  const bg = background ? `<rect width="${vw}" height="${vh}" fill="${background}"/>` : '';
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${vw} ${vh}">${bg}${body}</svg>`);
}

async function rasterGrey(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).extractChannel(0).raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

async function rasterRgb(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

async function rasterRgba(svg: Buffer): Promise<Uint8Array> {
  const out = await limit(() => sharp(svg).ensureAlpha().raw().toBuffer());
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function blurFilters(marks: ShadeMark[]): { defs: string; id: (b: number) => string } {
  const values = [...new Set(marks.map((m) => m.blur))];
  const id = (b: number) => `b${String(b).replace('.', '_')}`;
  const defs = values.map((b) => `<filter id="${id(b)}" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${b}"/></filter>`).join('');
  return { defs: `<defs>${defs}</defs>`, id };
}

function markSvg(m: ShadeMark, color: string, id: (b: number) => string): string {
  const filter = m.blur > 0.3 ? ` filter="url(#${id(m.blur)})"` : '';
  if (m.fill) return `<path d="${m.path}" fill="${color}" fill-opacity="${m.strength}"${filter}/>`;
  const dash = m.dash ? ` stroke-dasharray="${m.dash}"` : '';
  return `<path d="${m.path}" fill="none" stroke="${color}" stroke-opacity="${m.strength}" stroke-width="${m.width}" stroke-linecap="round" stroke-linejoin="round"${dash}${filter}/>`;
}

/** Light from the upper left and in front, as in a studio with a key light at 45°. */
const LIGHT = (() => {
  const l = [-0.45, -0.6, 1.0];
  const n = Math.hypot(l[0], l[1], l[2]);
  return [l[0] / n, l[1] / n, l[2] / n];
})();
const AMBIENT = 0.36;
const WRAP = 0.35;
/** The torso's depth and the width over which it turns away at the sides, in native px. */
/** Depth of the torso and of a sleeve or leg as a fraction of their half-width (a chest is flatter than an arm). */
const TORSO_DEPTH = 0.5;
const TUBE_DEPTH = 0.85;

/**
 * Height of an elliptic cylinder whose width is the mask's in each row: z = depth·r·√(1 − t²), t the
 * distance from the row's centre over its half-width r. `span` takes the row's outer extent (a torso
 * with a gap between its quarters is still one body), otherwise each run is its own tube. Rows are
 * then smoothed vertically so the outline's steps do not ripple the light.
 */
function crossSection(plane: Float32Array, w: number, h: number, depth: number, sigmaY: number, span: boolean): Float32Array {
  const out = new Float32Array(plane.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
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
      const c = (x + x1 + 1) / 2;
      const r = Math.max(1, (x1 + 1 - x) / 2);
      for (let k = x; k <= x1; k++) {
        const t = (k + 0.5 - c) / r;
        out[row + k] = depth * r * Math.sqrt(Math.max(0, 1 - t * t));
      }
      x = x1 + 1;
    }
  }
  const smooth = blur(out, w, h, 0.3, undefined, sigmaY);
  // Keep the outline exact: smoothing must not spill height outside the mask.
  for (let i = 0; i < out.length; i++) out[i] = plane[i] > 0 ? smooth[i] : 0;
  return out;
}
/** Height of a drawn fold at full strength, in px of the height field. */
const FOLD_HEIGHT_1 = 9;

/**
 * Rasterises a view at `scale` × its native size (1 in production; tests that only need the shape of
 * every option combination build at a quarter of the size, sixteen times faster).
 */
export async function rasteriseCutView(source: CutViewSource, scale = 1): Promise<NativeFields> {
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale);
  const src: CutViewSource =
    scale === 1
      ? source
      : {
          ...source,
          panels: source.panels.map((p) => ({ ...p, pxPerMm: p.pxPerMm * scale, anchor: [p.anchor[0] * scale, p.anchor[1] * scale] as [number, number], loft: p.loft * scale, round: p.round * scale })),
        };
  const svgDoc = (ww: number, hh: number, body: string, background?: string) => svgDocAt(ww, hh, body, background, source.width, source.height);
  const n = w * h;
  const z = (src.zoom ?? 1) * scale;
  const FOLD_HEIGHT = FOLD_HEIGHT_1 * z;
  const filters = blurFilters(src.marks);

  const maskJobs = src.panels.map((p) => rasterGrey(svgDoc(w, h, `<path d="${p.path}" fill="#fff"/>`, '#000')));
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
  const layerJobs = [...groups.entries()].map(async ([key, marks]) => {
    const pick = (kinds: ShadeMark['kind'][], color: (m: ShadeMark) => string) =>
      filters.defs +
      marks
        .filter((m) => kinds.includes(m.kind))
        .map((m) => markSvg(m, color(m), filters.id))
        .join('');
    const has = (kinds: ShadeMark['kind'][]) => marks.some((m) => kinds.includes(m.kind));
    const [height, occlusion, highlight] = await Promise.all([
      has(['ridge', 'crease']) ? rasterGrey(svgDoc(w, h, pick(['ridge', 'crease'], (m) => (m.kind === 'ridge' ? '#fff' : '#000')), '#808080')) : undefined,
      has(['seam', 'shadow']) ? rasterGrey(svgDoc(w, h, pick(['seam', 'shadow'], () => '#000'), '#fff')) : undefined,
      has(['highlight']) ? rasterGrey(svgDoc(w, h, pick(['highlight'], () => '#fff'), '#000')) : undefined,
    ]);
    const [kindKey, panelKey] = key.split('|');
    const kinds = kindKey === '*' ? undefined : new Set(kindKey.split(','));
    const ids = panelKey === '*' ? undefined : new Set(panelKey.split(','));
    const panels = ids ? new Set(src.panels.flatMap((p, i) => (ids.has(p.id) ? [i] : []))) : undefined;
    return { kinds, panels, height, occlusion, highlight };
  });
  const [masks, layers, base, overlay] = await Promise.all([
    Promise.all(maskJobs),
    Promise.all(layerJobs),
    rasterRgb(svgDoc(w, h, src.underlay)),
    rasterRgba(svgDoc(w, h, src.overlay)),
  ]);

  // Pockets are cut into their forepart: never beyond its edges.
  for (let p = 0; p < masks.length; p++) {
    const spec = src.panels[p];
    if ((spec.kind !== 'flap' && spec.kind !== 'welt') || !spec.restsOn) continue;
    const s = src.panels.findIndex((q) => q.id === spec.restsOn);
    if (s < 0) continue;
    const m = masks[p];
    const under = masks[s];
    for (let i = 0; i < n; i++) if (m[i] > under[i]) m[i] = under[i];
  }

  // Union coverage and topmost panel. Panels are drawn back to front; a panel owns a pixel once it
  // covers at least half of it, so abutting anti-aliased edges hand over cleanly.
  const coverage = new Uint8Array(n);
  const panelOf = new Uint8Array(n).fill(255);
  const covSum = new Uint16Array(n);
  for (let p = 0; p < masks.length; p++) {
    const m = masks[p];
    for (let i = 0; i < n; i++) {
      const c = m[i];
      if (!c) continue;
      covSum[i] += c;
      if (c >= 128 || panelOf[i] === 255) panelOf[i] = p;
    }
  }
  for (let i = 0; i < n; i++) coverage[i] = covSum[i] > 255 ? 255 : covSum[i];

  // Height field: each panel a soft pillow (cloth turning away at its edges). A pixel sees the volume
  // of its topmost panel plus the panel that one rests on (a lapel on its forepart); cloth hidden
  // beneath (the under forepart of a double-breasted, trousers under the coat) does not show through.
  const byId = new Map(src.panels.map((p, i) => [p.id, i]));
  const contrib: Array<{ rect: { x0: number; y0: number; x1: number; y1: number }; h: Float32Array; d: Float32Array } | undefined> = [];
  for (let p = 0; p < masks.length; p++) {
    const spec = src.panels[p];
    const m = masks[p];
    const rect = boundingRect(m, w, h, Math.ceil(spec.round * 2.5));
    if (!rect) {
      contrib.push(undefined);
      continue;
    }
    // Work on the panel's bounding box only: full-frame planes per panel would be 6 MB apiece.
    const rw = rect.x1 - rect.x0;
    const rh = rect.y1 - rect.y0;
    const plane = new Float32Array(rw * rh);
    for (let y = 0; y < rh; y++) for (let x = 0; x < rw; x++) plane[y * rw + x] = m[(y + rect.y0) * w + x + rect.x0] / 255;
    const hArr = new Float32Array(rw * rh);
    const dArr = new Float32Array(hArr.length);
    if (spec.profile !== 'canvas') {
      // A sleeve or trouser leg is a tube: its height is the true cross-section of a cylinder as wide
      // as the panel is in each row, not an inflated outline.
      const tube = crossSection(plane, rw, rh, TUBE_DEPTH, 3 * z, false);
      for (let j = 0; j < plane.length; j++) {
        if (!plane[j]) continue;
        hArr[j] = tube[j] + spec.loft * 0.1 * plane[j];
        dArr[j] = tube[j];
      }
    } else {
      // Canvas-held cloth: flat, turning away only within its own edges (a step where layers meet).
      const pillow = blur(plane, rw, rh, spec.round, undefined, spec.round * 0.2);
      for (let j = 0; j < plane.length; j++) {
        if (!plane[j]) continue;
        const t = Math.min(1, Math.max(0, 2 * pillow[j] - 1));
        const dome = t * (2 - t);
        hArr[j] = spec.loft * plane[j] * (0.12 + 0.88 * dome);
        dArr[j] = spec.loft * plane[j] * 0.88 * dome;
      }
    }
    contrib.push({ rect, h: hArr, d: dArr });
  }
  const sample = (p: number, x: number, y: number, which: 'h' | 'd') => {
    const c = contrib[p];
    if (!c || x < c.rect.x0 || x >= c.rect.x1 || y < c.rect.y0 || y >= c.rect.y1) return 0;
    return c[which][(y - c.rect.y0) * (c.rect.x1 - c.rect.x0) + (x - c.rect.x0)];
  };
  const support = src.panels.map((p) => (p.restsOn !== undefined ? (byId.get(p.restsOn) ?? -1) : -1));

  // The torso: fronts, lapels, collar, pockets and waistcoat are one body volume. It turns away at the
  // side seams, not at a front edge or a cutaway quarter, which the canvas holds flat and crisp.
  const canvas = src.panels.map((p) => p.profile === 'canvas');
  const torso = new Float32Array(n);
  for (let p = 0; p < masks.length; p++) {
    // Buttons sit on the body; cuff buttons on a sleeve would widen the torso's rows.
    if (!canvas[p] || src.panels[p].kind === 'button') continue;
    const m = masks[p];
    for (let i = 0; i < n; i++) if (m[i]) torso[i] = Math.min(1, torso[i] + m[i] / 255);
  }
  // The torso is an elliptic cylinder fitted row by row to the coat's outline (front edges and
  // cutaway quarters lie inside it, so they stay flat).
  const torsoMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) torsoMask[i] = torso[i] > 0 ? 1 : 0;
  const torsoDepth = crossSection(torso, w, h, TORSO_DEPTH, 6 * z, true);
  const height = new Float32Array(n);
  // The same without the edge steps: what the weave follows (steps would tear stripes at hems).
  const drape = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const top = panelOf[i];
      if (top === 255) continue;
      let hv = sample(top, x, y, 'h');
      let dv = sample(top, x, y, 'd');
      const s = support[top];
      if (s >= 0) {
        hv += sample(s, x, y, 'h');
        dv += sample(s, x, y, 'd');
      }
      if (canvas[top]) {
        hv += torsoDepth[i] * Math.min(1, torso[i]);
        dv += torsoDepth[i] * Math.min(1, torso[i]);
      }
      height[i] = hv;
      drape[i] = dv;
    }
  }
  // Which layers apply to a pixel depends on the kind of its topmost panel.
  const kindOf = src.panels.map((p) => p.kind);
  const occlusion = new Float32Array(n).fill(1);
  const highlight = new Float32Array(n);
  for (const layer of layers) {
    for (let i = 0; i < n; i++) {
      const top = panelOf[i];
      if (top === 255) continue;
      if (layer.kinds && !layer.kinds.has(kindOf[top])) continue;
      if (layer.panels && !layer.panels.has(top)) continue;
      if (layer.height) {
        const f = ((layer.height[i] - 128) / 127) * FOLD_HEIGHT;
        height[i] += f;
        drape[i] += f;
      }
      if (layer.occlusion) occlusion[i] *= layer.occlusion[i] / 255;
      if (layer.highlight) highlight[i] += layer.highlight[i] / 255;
    }
  }
  const hs = blur(height, w, h, 1.2 * z);
  const cavityRef = blur(hs, w, h, 14 * z);

  const shade = new Float32Array(n);
  const flat = AMBIENT + (1 - AMBIENT) * ((LIGHT[2] + WRAP) / (1 + WRAP));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      const gx = (hs[i + (x < w - 1 ? 1 : 0)] - hs[i - (x > 0 ? 1 : 0)]) * 0.5;
      const gy = (hs[i + (y < h - 1 ? w : 0)] - hs[i - (y > 0 ? w : 0)]) * 0.5;
      const nl = 1 / Math.sqrt(gx * gx + gy * gy + 1);
      const ndl = (-gx * LIGHT[0] - gy * LIGHT[1] + LIGHT[2]) * nl;
      // A large soft box: light wraps a little past the terminator instead of cutting off.
      let s = (AMBIENT + (1 - AMBIENT) * Math.max(0, (ndl + WRAP) / (1 + WRAP))) / flat;
      const cav = cavityRef[i] - hs[i];
      if (cav > 0) s *= 1 / (1 + (cav / z) * 0.045);
      s *= occlusion[i];
      s *= 1 + highlight[i] * 0.6;
      shade[i] = s;
    }
  }

  // Fold warp: the weave follows the cloth, so stripes bend across folds and compress where a
  // panel turns away (sleeves, trouser legs).
  const warp = blur(drape, w, h, 3 * z);
  const dispX = new Float32Array(n);
  const dispY = new Float32Array(n);
  const WARP = 0.6;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (!coverage[i]) continue;
      dispX[i] = (warp[i + 1] - warp[i - 1]) * 0.5 * WARP;
      dispY[i] = (warp[i + w] - warp[i - w]) * 0.5 * WARP;
    }
  }

  return {
    width: w,
    height: h,
    pxPerMm: src.pxPerMm * scale,
    base,
    overlay,
    coverage,
    panelOf,
    shade,
    dispX,
    dispY,
    panels: src.panels,
  };
}

/**
 * A view whose cloth is drawn exactly as `built`'s (same panels and marks) but with other
 * surroundings (shirt, tie, shoes, button colour): only the base and overlay are rasterised again,
 * a few hundred milliseconds instead of a whole build.
 */
export async function restyleLevels(built: Record<LevelName, ViewLevel>, src: CutViewSource): Promise<Record<LevelName, ViewLevel>> {
  const [base, overlay] = await Promise.all([rasterRgb(svgDocAt(src.width, src.height, src.underlay)), rasterRgba(svgDocAt(src.width, src.height, src.overlay))]);
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
