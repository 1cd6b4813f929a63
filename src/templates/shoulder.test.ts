/**
 * Where the shoulder meets the sleeve head, as a tailor looks at it on a zoomed (HD) render:
 *
 * - The outline there is anti-aliased like the rest of the silhouette: the sleeve's head runs along
 *   its forepart's shoulder line (the shoulder goes on under the crown), and counting both pieces'
 *   coverage where their outlines coincide doubled the edge's; the HD level, placing the edge from
 *   those coverages, broke it into a comb of hard pixels and holes. Measured on the HD level's union
 *   coverage (the garment's alpha) in a window around each junction: going down a column, or along a
 *   row toward the cloth, the coverage never falls back (a speck or a hole); and the edge crosses each
 *   column through at least one partly covered pixel (no hard step from background to full cloth),
 *   bar the odd column where a straight edge happens to lie on a pixel boundary, never two in a row.
 * - The shoulder seam ends where the sleeve-head (armhole) seam begins, as they are sewn: measured
 *   between the two marks' drafted end points, in mm.
 */
import { describe, expect, it } from 'vitest';
import { polyline } from '../../test/helpers/outline-curvature.ts';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { frontProjection, turnedProjection, type Layer, type Projection } from './geometry.ts';
import { buildDrawnLevels } from './build.ts';
import { hdLevel, loadCutView } from './index.ts';
import { resolveOptions } from './options.ts';
import { ARMHOLE_X, SHOULDER_POINT, draftCutView, shoulderYAt } from './suits.ts';
import type { CutViewSource, ViewLevel } from './types.ts';

/** The level's union coverage per pixel, 0..1 (two pieces on a pixel: the upper over the lower). */
function unionCoverage(level: ViewLevel): Float32Array {
  const out = new Float32Array(level.width * level.height);
  for (let k = 0; k < level.pix.length; k++) {
    const p = level.pix[k];
    const c = level.cov[k] / 255;
    const upper = k > 0 && level.pix[k - 1] === p;
    out[p] = upper ? c + out[p] * (1 - c) : c;
  }
  return out;
}

interface EdgeReport {
  /** Pixels where the coverage falls back going down a column or along a row toward the cloth. */
  reversals: number;
  /** Columns where the edge steps from background straight to full cloth. */
  hard: number;
  /** The longest run of adjacent such columns. */
  hardRun: number;
  /** Columns where the edge was found. */
  columns: number;
}

/**
 * The outline in a window of `half` px around the HD pixel (cx, cy): the cloth lies below it and
 * toward `inward` (+1: the image's right) along each row.
 */
function edgeReport(cov: Float32Array, w: number, cx: number, cy: number, half: number, inward: 1 | -1): EdgeReport {
  const at = (x: number, y: number) => cov[y * w + x];
  let reversals = 0;
  let hard = 0;
  let run = 0;
  let hardRun = 0;
  let columns = 0;
  const x0 = Math.round(cx) - half;
  const x1 = Math.round(cx) + half;
  const y0 = Math.round(cy) - half;
  const y1 = Math.round(cy) + half;
  for (let x = x0; x <= x1; x++) {
    let first = -1;
    for (let y = y0; y <= y1; y++) {
      if (y > y0 && at(x, y) < at(x, y - 1) - 0.1) reversals++;
      if (first < 0 && at(x, y) > 0) first = y;
    }
    if (first <= y0) continue;
    columns++;
    // From background, the first cloth pixel down the column: a hard step when it is full at once.
    const isHard = at(x, first) >= 0.94 && at(x, first - 1) === 0;
    hard += isHard ? 1 : 0;
    run = isHard ? run + 1 : 0;
    hardRun = Math.max(hardRun, run);
  }
  for (let y = y0; y <= y1; y++) {
    for (let x = x0 + 1; x <= x1; x++) {
      const [prev, cur] = inward > 0 ? [at(x - 1, y), at(x, y)] : [at(x, y), at(x - 1, y)];
      if (cur < prev - 0.1) reversals++;
    }
  }
  return { reversals, hard, hardRun, columns };
}

const JUNCTIONS: Array<{ cut: string; view: string; side: 'image-left' | 'image-right'; layer: Layer }> = [
  { cut: 'single-breasted', view: 'front', side: 'image-left', layer: 'torso' },
  { cut: 'single-breasted', view: 'front', side: 'image-right', layer: 'torso' },
  { cut: 'double-breasted', view: 'front', side: 'image-left', layer: 'torso' },
  { cut: 'single-breasted', view: 'three-quarter', side: 'image-left', layer: 'near-arm' },
  { cut: 'three-piece', view: 'three-quarter', side: 'image-left', layer: 'near-arm' },
  { cut: 'single-breasted', view: 'three-quarter', side: 'image-right', layer: 'far-arm' },
];

const projectionOf = (view: string): Projection => (view === 'front' ? frontProjection() : turnedProjection(34));

describe('the shoulder meets the sleeve head', () => {
  it.each(JUNCTIONS.map((j) => [`${j.cut} ${j.view} ${j.side}`, j] as const))(
    '%s: the outline at HD is anti-aliased (no specks, holes or hard steps)',
    async (_name, j) => {
      const cv = await loadCutView(j.cut, j.view, { cacheDir: TEST_TEMPLATE_CACHE });
      const hd = await hdLevel(cv.levels.full);
      const cov = unionCoverage(hd);
      const s = j.side === 'image-left' ? -1 : 1;
      // Where the armhole seam crosses the shoulder line, in HD px.
      const [x, y] = projectionOf(j.view).project(-s * ARMHOLE_X, shoulderYAt(ARMHOLE_X), j.layer);
      const r = edgeReport(cov, hd.width, x * 2, y * 2, 24, j.side === 'image-left' ? 1 : -1);
      console.log(`${j.cut} ${j.view} ${j.side}: ${JSON.stringify(r)}`);
      expect(r.columns).toBeGreaterThan(40);
      expect(r.reversals).toBe(0);
      expect(r.hardRun).toBeLessThanOrEqual(1);
      expect(r.hard).toBeLessThanOrEqual(Math.ceil(r.columns * 0.1));
    },
    60_000,
  );

  it('setting the sleeves into their foreparts changes the outline along the shoulders only (under the arm the pieces still add up)', async () => {
    // The same drafting with the sleeves laid over the body instead (each piece's coverage summed).
    const src = draftCutView('single-breasted', 'front');
    const laid = { ...src, panels: src.panels.map(({ overlap, ...p }) => (overlap?.mode === 'set-into' ? p : { ...p, overlap })) };
    expect(src.panels.filter((p) => p.overlap?.mode === 'set-into').length).toBe(2);
    const [set, over] = await Promise.all([buildDrawnLevels(src), buildDrawnLevels(laid)]);
    const a = unionCoverage(set.full);
    const b = unionCoverage(over.full);
    const proj = frontProjection();
    const armpitRow = proj.project(0, 1420)[1];
    let changed = 0;
    let below = 0;
    for (let i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) < 2 / 255) continue;
      changed++;
      if (Math.floor(i / src.width) > armpitRow) below++;
    }
    console.log(`coverage changed on ${changed} px, ${below} of them below the shoulders`);
    expect(changed).toBeGreaterThan(0);
    expect(below).toBe(0);
  }, 120_000);

  it.each([
    ['single-breasted', 'front'],
    ['double-breasted', 'front'],
    ['three-piece', 'three-quarter'],
    ['single-breasted', 'back'],
  ])('%s %s: the shoulder seam runs into the armhole seam (no gap)', (cut, view) => {
    const src = draftCutView(cut, view);
    const gaps = seamGapsMm(src);
    console.log(`${cut} ${view}: shoulder-to-armhole seam gaps ${gaps.map((g) => g.toFixed(2)).join(', ')} mm`);
    // One junction per shoulder the view shows.
    expect(gaps.length).toBeGreaterThanOrEqual(view === 'three-quarter' ? 1 : 2);
    for (const g of gaps) expect(g).toBeLessThan(0.5);
  });
});

describe('peak lapels stay under the shoulder line', () => {
  // A peak reaches out toward the shoulder. On a natural shoulder's sloping line a wide one came out
  // past the coat's outline, a spike against the background: there must be cloth above its point.
  it.each([
    ['double-breasted', 'classic'],
    ['double-breasted', 'wide'],
    ['single-breasted', 'wide'],
  ] as const)('%s, %s peak: the shoulder runs on above the point', (cut, lapelWidth) => {
    const src = draftCutView(cut, 'front', resolveOptions(cut, { lapel: 'peak', lapelWidth }));
    const mm = frontProjection().pxPerMm;
    const lapel = polyline(src.panels.find((p) => p.id === 'lapel-right')!.path);
    const point = lapel.reduce((a, p) => (p[0] < a[0] ? p : a));
    const above = polyline(src.panels.find((p) => p.id === 'forepart-right')!.path).filter((p) => Math.abs(p[0] - point[0]) < 1.5);
    const clothAboveMm = (point[1] - Math.min(...above.map((p) => p[1]))) / mm;
    console.log(`${cut} ${lapelWidth} peak: ${clothAboveMm.toFixed(1)} mm of cloth above the point`);
    expect(clothAboveMm).toBeGreaterThanOrEqual(4);
  });
});

describe('three-quarter: the near shoulder runs into the sleeve head without a corner', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'])('%s: no sharper turn at the shoulder point than over the crown', (cut) => {
    const proj = turnedProjection(34);
    const src = draftCutView(cut, 'three-quarter');
    const mm = proj.pxPerMm;
    // The near sleeve's top outline as drawn (its path starts on the shoulder line at the armhole seam):
    // over the shoulder point and the crown, down to 1400 mm.
    const yEnd = proj.project(-284, 1400, 'near-arm')[1];
    const all = pathPoints(src.panels.find((p) => p.id === 'sleeve-right')!.path);
    const top = all.slice(
      0,
      all.findIndex((p) => p[1] > yEnd),
    );
    const sp = proj.project(SHOULDER_POINT[0], SHOULDER_POINT[1], 'near-arm');
    const dist = (p: Pt) => Math.hypot(p[0] - sp[0], p[1] - sp[1]) / mm;
    const near = top.filter((p) => dist(p) < 6);
    const crown = top.filter((p) => dist(p) > 15);
    const atShoulder = maxTurnDeg(near, 0.5 * mm);
    const overCrown = maxTurnDeg(crown, 0.5 * mm);
    console.log(`${cut}: turning over 0.5 mm at the shoulder point ${atShoulder.toFixed(2)}°, over the crown ${overCrown.toFixed(2)}°`);
    expect(near.length).toBeGreaterThan(20);
    expect(crown.length).toBeGreaterThan(20);
    // The torso map's slope fell from 1.32 to 0.83 at the body's edge, 4 mm short of the shoulder point,
    // and the projected pieces met there at their handles' secants: 3.0° within half a millimetre, eight
    // times the crown's own 0.38°.
    expect(atShoulder).toBeLessThan(1);
    expect(atShoulder).toBeLessThan(2 * overCrown);
  });
});

type Pt = [number, number];

/** Points along an SVG path as drawn (its M, L and C commands; `n` per curve). */
function pathPoints(d: string, n = 200): Pt[] {
  const pts: Pt[] = [];
  let cur: Pt = [0, 0];
  for (const s of d.match(/[MCLZ][^MCLZ]*/g) ?? []) {
    const v = (s.slice(1).match(/-?\d*\.?\d+(?:e-?\d+)?/gi) ?? []).map(Number);
    if (s[0] === 'M' || s[0] === 'L') {
      cur = [v[0]!, v[1]!];
      pts.push(cur);
    } else if (s[0] === 'C') {
      const q: Pt[] = [cur, [v[0]!, v[1]!], [v[2]!, v[3]!], [v[4]!, v[5]!]];
      for (let i = 1; i <= n; i++) {
        const t = i / n;
        const u = 1 - t;
        const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
        pts.push([0, 1].map((k) => q.reduce((acc, p, j) => acc + w[j]! * p[k]!, 0)) as Pt);
      }
      cur = q[3]!;
    }
  }
  return pts;
}

/** The greatest turning (degrees) of a polyline over any stretch of it `span` px long. */
function maxTurnDeg(pts: Pt[], span: number): number {
  const dir: number[] = [];
  const s: number[] = [0];
  for (let i = 1; i < pts.length; i++) {
    const dx = pts[i]![0] - pts[i - 1]![0];
    const dy = pts[i]![1] - pts[i - 1]![1];
    if (Math.hypot(dx, dy) < 1e-6) continue;
    dir.push(Math.atan2(dy, dx));
    s.push(s[s.length - 1]! + Math.hypot(dx, dy));
  }
  let best = 0;
  let j = 0;
  for (let i = 0; i < dir.length; i++) {
    while (s[i + 1]! - s[j + 1]! > span) j++;
    let t = dir[i]! - dir[j]!;
    while (t > Math.PI) t -= 2 * Math.PI;
    while (t < -Math.PI) t += 2 * Math.PI;
    best = Math.max(best, (Math.abs(t) * 180) / Math.PI);
  }
  return best;
}

/** A path's end points in px (the first M's point, and the last point drawn). */
function ends(d: string): [[number, number], [number, number]] {
  const nums = d.match(/-?\d*\.?\d+(?:e-?\d+)?/gi)!.map(Number);
  return [
    [nums[0], nums[1]],
    [nums[nums.length - 2], nums[nums.length - 1]],
  ];
}

/**
 * Per shoulder: the drawn shoulder seam (the seam mark ending nearest the shoulder point) and the
 * armhole seam (the seam mark drawn on the sleeves as well as the body whose end lies nearest it):
 * the distance between their nearest ends, in mm.
 */
function seamGapsMm(src: CutViewSource): number[] {
  const proj = projectionOf(src.view);
  const seams = src.marks.filter((m) => m.kind === 'seam' && !m.fill && !m.dash && m.blur > 0);
  const gaps: number[] = [];
  const layers: Layer[] = src.view === 'three-quarter' ? ['near-arm'] : ['torso'];
  for (const s of src.view === 'three-quarter' ? [-1] : [-1, 1]) {
    const [px, py] = proj.project(-s * SHOULDER_POINT[0], SHOULDER_POINT[1], layers[0]);
    const near = (m: (typeof seams)[number]) => Math.min(...ends(m.path).map(([x, y]) => Math.hypot(x - px, y - py)));
    const shoulder = seams.filter((m) => m.only && !m.only.includes('sleeve')).sort((a, b) => near(a) - near(b))[0];
    const armhole = seams.filter((m) => m.only?.includes('sleeve') && m.only.includes('forepart')).sort((a, b) => near(a) - near(b))[0];
    expect(shoulder, 'a shoulder seam').toBeDefined();
    expect(armhole, 'an armhole seam').toBeDefined();
    let best = Infinity;
    for (const a of ends(shoulder.path)) for (const b of ends(armhole.path)) best = Math.min(best, Math.hypot(a[0] - b[0], a[1] - b[1]));
    gaps.push(best / src.pxPerMm);
  }
  return gaps;
}
