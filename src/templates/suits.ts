/**
 * The suits we ship, drafted in millimetres on a 1.80 m figure (chest 100 cm, drop 6), ghost-mannequin
 * style. Proportions follow a classic English cut: natural shoulder 46 cm point to point, jacket length
 * to the knuckles, waist button at the natural waist, flap pockets 7 cm below it, sleeves showing 1 cm of
 * shirt cuff, trousers with a slight break.
 */
import { LRUCache } from 'lru-cache';
import {
  type Cubic,
  cubicAt,
  draft,
  type Draft,
  sampleCatmullRom,
  splitCubic,
  frontProjection,
  torsoHalfDepth,
  torsoHalfWidth,
  turnedProjection,
  projectedAngle,
  NATIVE_HEIGHT,
  NATIVE_WIDTH,
  SHOULDER_POINT,
  SHOULDER_Y,
  type Layer,
  type Projection,
  type Pt,
} from './geometry.ts';
import type { CutViewSource, PanelKind, PanelOverlap, PanelSpec, ShadeMark } from './types.ts';
import { CUT_PRESETS, resolveOptions, type StyleOptions } from './options.ts';
import { TOOTH_CELL_PX, TOOTH_TILE_PX, toothTileUri } from './trim-tooth.ts';

export interface SuitStyle {
  /** Every style option resolved (the cut's preset with the client's choices over it). */
  o: StyleOptions;
  /** Jacket worn open (the three-piece shows its waistcoat). */
  open: boolean;
}

/** The cuts we ship: presets of the style options. */
export const CUT_STYLES: Record<string, { name: string; style: SuitStyle }> = Object.fromEntries(
  Object.entries(CUT_PRESETS).map(([cut, p]) => [cut, { name: p.name, style: { o: p.defaults, open: p.open } }]),
);

export { SHOULDER_POINT };

export const VIEWS = ['front', 'three-quarter', 'back', 'detail'] as const;
export type ViewName = (typeof VIEWS)[number];

// Key heights on the figure (mm from the floor).
const NECK_Y = 1500;
/** The forepart's neck point (the image's left), where the shoulder line starts. */
const NECK_POINT: Pt = [-78, NECK_Y];
/** The wearer's left shoulder point: in a turned view, where the far sleeve's crown comes out past the shoulder. */
export const FAR_SHOULDER_POINT: Pt = [232, SHOULDER_Y - 6];
const TOP_BUTTON_Y = 1185;
export const WAIST_BUTTON_Y = 1085;
export const LOWER_BUTTON_Y = 985;
const FLAP_TOP_Y = 945;
/**
 * The coat's hem at the front edge: half the height from the neck to the floor, the classic length that
 * covers the seat, 56 mm below the fork and 90 mm below the sleeves' cuffs (about the knuckles, as
 * in the reference photo). At 782 (up to b102) it was 26 mm below the fork and 60 mm below the
 * cuffs: beside the photo a short, square jacket.
 */
export const HEM_Y = 752;
const CUFF_Y = 842;
/** How far the middle of a shirt cuff's lower edge bows down below its ends (mm): the near half of its round opening, seen from above the wrist. */
const CUFF_SAG = 4;
const TROUSER_WAIST_Y = 1025;
/**
 * Where the inseams part: the thighs hang together from the seat to 40 mm below the coat's hem (the
 * fork's rounded top, 12 mm above this), and part there. Up to b115 the gap rose to 826 mm, 74 mm above
 * the hem: a tongue of backdrop under the open quarters, where the reference photo shows the
 * trousers, in shade. From the fork the legs part in a taper, 10 mm apart 16 mm down and widening
 * steadily to 34 mm by the knee: up to b136 they parted in a round arch as wide as the gap below it
 * (28 mm) and hung parallel to the knee, two tubes with a keyhole of backdrop between them.
 */
const FORK_Y = 694;
/** Each leg's inside edge from where the legs part down to the shin (image-left leg). */
const INSEAM: Pt[] = [
  [-5, FORK_Y],
  [-11, 600],
  [-17, 500],
  [-25, 250],
];
const TROUSER_HEM_Y = 32;
const TURNUP_MM = 42;

interface Piece {
  id: string;
  kind: PanelSpec['kind'];
  shape: Draft;
  /** Straight grain as a body-space segment (projected to get the angle). */
  grain: [Pt, Pt];
  /** Pattern origin in body mm. */
  anchor: Pt;
  loft: number;
  round: number;
  /** Another panel this one lies over, sharing edges with it (a lapel on its forepart, a sleeve head set into it). */
  overlap?: PanelOverlap;
  profile?: 'cylinder' | 'pressed' | 'canvas';
  /** The image side where the panel's edge is a soft roll (a lapel's roll line), not a pressed edge. */
  rollEdge?: 'left' | 'right';
  /** Sewn flat onto the panel beneath (see `PanelSpec.sewnFlat`). */
  sewnFlat?: boolean;
  /** The panel this one is sewn to along a seam (see `PanelSpec.sewnTo`). */
  sewnTo?: string;
  /** Reflect the grain about this line (a lapel is the forepart turned back over its roll line). */
  mirrorGrainAbout?: [Pt, Pt];
}

/** A piece lying on another (a lapel or pocket on its forepart). */
const restingOn = (panel: string): PanelOverlap => ({ panel, mode: 'rests-on' });
/** A piece set into another along an outline they share (a sleeve head into its forepart's shoulder). */
const setInto = (panel: string): PanelOverlap => ({ panel, mode: 'set-into' });

interface Mark {
  shape: Draft;
  kind: ShadeMark['kind'];
  width: number;
  strength: number;
  blur: number;
  fill?: boolean;
  dash?: string;
  /** Drawn only on these kinds of panel (a fly seam must not show through the coat). */
  only?: PanelKind[];
  /** Drawn only on these panels (the under lapel's edge must not show through the wrap). */
  onPanels?: string[];
  /** A trouser mark's leg (the image-left one is 'right'): in a turned view it moves with that leg. */
  leg?: 'right' | 'left';
}

interface Button {
  at: Pt;
  /** Diameter in mm. */
  d: number;
  layer?: Layer;
  /** Seen edge-on on the sleeve: horizontal squash. */
  squash?: number;
}

/** One side of the coat, drafted for the image's left (the wearer's right) and mirrored for the other. */
interface SideGeometry {
  /** Front edge x at the break (positive = past centre front). */
  edgeX: number;
  breakY: number;
  /** Top of the roll line, under the collar. */
  rollTop: Pt;
}

function lerpPt(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** Point on segment a→b at height y. */
function atY(a: Pt, b: Pt, y: number): Pt {
  const t = (y - a[1]) / (b[1] - a[1]);
  return lerpPt(a, b, t);
}

const isDouble = (o: StyleOptions) => o.fastening.startsWith('db');

/**
 * A single-breasted forepart's quarter (image left): from the hem's end up to the front edge below the
 * lowest button. It leaves the button running out some 15° from the plumb, so the fronts part in a
 * narrow V from the button and round off into the hem, as the reference photo's do (42 and 80 mm
 * apart 132 and 184 mm below its lowest button). Held plumb for 100 mm below it (to b116), the fronts
 * stayed shut down the skirt and then parted in a round arch.
 */
function singleQuarter(style: SuitStyle, side: SideGeometry): Cubic {
  const ex = side.edgeX;
  const quarterTop = style.open ? side.breakY - 90 : style.o.fastening === 'sb1' ? side.breakY - 8 : Math.min(side.breakY, LOWER_BUTTON_Y) - 12;
  return [
    [-100, HEM_Y - 5],
    [ex - 70, HEM_Y - 4],
    [ex - 32, quarterTop - 120],
    [ex, quarterTop],
  ];
}

/** The front edge's x at height y on a quarter (image left), y within the quarter's height. */
function quarterEdgeX(q: Cubic, y: number): number {
  return cubicAt(q, cubicTAtY(q, y), 0);
}

/**
 * The forepart's side from under the arm to the hem. From the waist the skirt flares over the hip,
 * some 28 mm out to the hem, so the forearm hanging out over it (SLEEVE_INNER) has cloth beneath it
 * down to the cuff.
 */
const FOREPART_SIDE: Pt[] = [
  [-180, 1180],
  [-170, 1092],
  [-181, 980],
  [-195, 860],
  [-198, HEM_Y + 4],
];

/** Forepart for the image's left; its front edge and quarter depend on the closure. */
function forepart(style: SuitStyle, side: SideGeometry, under: boolean): Draft {
  const d = draft()
    .M(NECK_POINT[0], NECK_POINT[1])
    // The shoulder runs on under the sleeve crown, so no gap opens between sleeve and body.
    .Q(SHOULDER_LINE[1][0], SHOULDER_LINE[1][1], SHOULDER_POINT[0], SHOULDER_POINT[1])
    .through([
      [-238, 1400],
      [-222, 1330],
      [-200, 1286],
    ])
    .through(FOREPART_SIDE)
    .Q(-140, HEM_Y - 4, -100, HEM_Y - 5);
  const ex = side.edgeX;
  if (isDouble(style.o) && !under) {
    // Square DB quarters with a small round at the corner.
    d.L(ex + 14, HEM_Y - 5)
      .Q(ex, HEM_Y - 4, ex, HEM_Y + 12)
      .L(ex, side.breakY);
  } else if (isDouble(style.o)) {
    // The under forepart reaches well past centre front, hidden beneath the wrap.
    d.L(60, HEM_Y - 5)
      .L(60, side.breakY - 60)
      .L(side.edgeX, side.breakY);
  } else {
    // Single-breasted: open quarters curving away below the lowest button.
    const [, c1, c2, top] = singleQuarter(style, side);
    d.C(c1[0], c1[1], c2[0], c2[1], top[0], top[1]).L(ex, side.breakY);
  }
  // The neck: under the collar, along its inner edge (the collar's roll line, as the lapel's is the
  // front edge's), round to the neck point. Ended at the neck seam beneath the collar (up to b84),
  // the forepart's edge turned away in the middle of the collar, and its shading drew that edge
  // through the collar's fall: an oval leaf on each side of the gorge.
  const [start, ...roll] = collarRoll(side.rollTop);
  d.L(side.rollTop[0], side.rollTop[1]).L(start[0], start[1]).through(roll).L(NECK_POINT[0], NECK_POINT[1]).Z();
  return d;
}

/**
 * The collar's inner edge (its roll against the shirt), from just above the lapel's roll line to the
 * back of the neck: drawn by the collar (or a shawl's lapel) from the neck down, by the forepart
 * beneath it from the roll up, one curve (a Catmull-Rom spline is the same either way along).
 */
function collarRoll(rollTop: Pt): Pt[] {
  return [
    [rollTop[0] + 4, rollTop[1] + 6],
    [-50, 1505],
    [-46, 1530],
  ];
}

/**
 * Where the collar's top (a shawl's too) runs on into the back of the neck (image-left side). A
 * shawl's stood 2 mm above it (up to b121): a nick at each side of the neck at HD.
 */
const COLLAR_TOP: Pt = [-62, 1526];

interface LapelParts {
  lapel: Draft;
  /** Undefined for a shawl: the lapel is its own collar. */
  collar?: Draft;
  gorge: Pt;
  notch: Pt;
  point: Pt;
  outerEdge: Pt[];
}

const LAPEL_WIDTH = { slim: 0.78, classic: 1, wide: 1.2 } as const;

/**
 * Pick stitching along a lapel's edge, as a hand sews it: each stitch a small dimple 1.0-1.6 mm long,
 * 3.0-4.3 mm apart, no two alike (a fixed '1.2 3' dash read as a machine's dotted line). Like every
 * drafted line measure, in px at 0.9 px/mm (scaled to the view's own). A deterministic sequence of 31
 * stitches, some 15 cm before it repeats: longer than any run along one edge the eye takes in at once.
 */
export const HAND_PICK_STITCH = Array.from({ length: 31 }, (_, i) => {
  // Golden-ratio steps through [0, 1): evenly spread, never periodic within the sequence.
  const u = (i * 0.618034 + 0.31) % 1;
  const v = (i * 0.381966 + 0.77) % 1;
  return `${(0.9 + 0.5 * v).toFixed(2)} ${(2.7 + 1.2 * u).toFixed(2)}`;
}).join(' ');

/**
 * How far (mm) a peak lapel's point stays below the shoulder line. A peak reaches out toward the
 * shoulder; on a natural shoulder's sloping line a wide one came out past it as a spike against the
 * background.
 */
const PEAK_CLEAR = 9;

/** The lapel's point `P`, slid back down its own edge from the break `B` until it lies PEAK_CLEAR below the shoulder line. */
function underShoulder(B: Pt, P: Pt): Pt {
  const over = (p: Pt) => p[1] - (shoulderYAt(Math.min(SHOULDER_LINE[0][0], Math.max(SHOULDER_POINT[0], p[0]))) - PEAK_CLEAR);
  if (over(P) <= 0) return P;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const m = (lo + hi) / 2;
    if (over(lerpPt(B, P, m)) > 0) hi = m;
    else lo = m;
  }
  return lerpPt(B, P, lo);
}

/** Lapel and collar of the image's left side. */
function lapelAndCollar(style: SuitStyle, side: SideGeometry): LapelParts {
  const B: Pt = [side.edgeX, side.breakY];
  const T = side.rollTop;
  const G = atY(B, T, 1436);
  const ws = LAPEL_WIDTH[style.o.lapelWidth];
  // Width is measured square from the roll line: scale each point's distance from it.
  const widen = (p: Pt): Pt => {
    const r = atY(B, T, p[1]);
    return [r[0] + (p[0] - r[0]) * ws, p[1]];
  };
  if (style.o.lapel === 'shawl') {
    // One rolled piece from the break round the neck: no notch, no gorge.
    const outerEdge: Pt[] = [B, widen(lerpPt(B, [-150, 1330], 0.5)), widen([-150, 1340]), widen([-128, 1440]), [-96, 1500], COLLAR_TOP];
    const lapel = draft().M(B[0], B[1]).through(outerEdge.slice(1)).L(-46, 1530).through(collarRoll(T).reverse().slice(1)).L(B[0], B[1]).Z();
    return { lapel, gorge: [T[0], T[1]], notch: outerEdge[3], point: outerEdge[3], outerEdge };
  }
  const peak = style.o.lapel === 'peak';
  const P: Pt = peak ? underShoulder(B, widen([-190, 1452])) : widen([-150, 1392]);
  const N: Pt = widen(peak ? [-132, 1410] : [-113, 1401]);
  // Lapel belly: the outer edge swells a little past the straight line from break to point.
  const mid = lerpPt(B, P, 0.55);
  const bellyOut: Pt = [mid[0] - 9, mid[1] - 4];
  const upper = lerpPt(B, P, 0.85);
  const outerEdge: Pt[] = [B, lerpPt(B, bellyOut, 0.5), bellyOut, [upper[0] - 4, upper[1]], P];
  const lapel = draft().M(B[0], B[1]).through(outerEdge.slice(1)).L(N[0], N[1]).L(G[0], G[1]).L(B[0], B[1]).Z();
  // Collar: notch gap on a notch lapel; closed under the peak on a peak lapel.
  const CP: Pt = peak ? [N[0] + 4, N[1] + 6] : [N[0] - 11, N[1] + 17];
  const gorgeIn = lerpPt(N, G, 0.12);
  const collar = draft()
    .M(gorgeIn[0], gorgeIn[1])
    .L(CP[0], CP[1])
    .through([[CP[0] + 4, CP[1] + 40], [-92, 1498], COLLAR_TOP])
    .L(-46, 1530)
    .through(collarRoll(T).reverse().slice(1))
    .L(G[0], G[1])
    .Z();
  return { lapel, collar, gorge: G, notch: N, point: P, outerEdge };
}

/**
 * The shoulder line's control point: 12 mm above the chord from the neck point to the shoulder point,
 * where the trapezius rounds the line up. With the natural shoulder's steeper chord, a control point
 * on or below it left the line turning up at its end, and the crown jutted out past it; under 10 mm
 * the three-quarter view's far shoulder went hollow.
 */
const SHOULDER_CTRL: Pt = (() => {
  const [[nx, ny], [sx, sy]] = [NECK_POINT, SHOULDER_POINT];
  const x = -150;
  return [x, ny + ((sy - ny) * (x - nx)) / (sx - nx) + 12];
})();

/** The forepart's (and back's) shoulder line, neck point to shoulder point, as a quadratic. */
export const SHOULDER_LINE: [Pt, Pt, Pt] = [NECK_POINT, SHOULDER_CTRL, SHOULDER_POINT];
/** Where the armhole seam crosses the shoulder line (mm across). */
export const ARMHOLE_X = -222;

/** The parameter t at which the shoulder line's x is `x` (between the neck and shoulder points). */
function shoulderT(x: number): number {
  const [a, b, c] = SHOULDER_LINE;
  // x(t) = a + 2t(b - a) + t²(a - 2b + c).
  const qa = a[0] - 2 * b[0] + c[0];
  const qb = 2 * (b[0] - a[0]);
  const qc = a[0] - x;
  const root = Math.sqrt(qb * qb - 4 * qa * qc);
  return Math.abs(qa) < 1e-9 ? -qc / qb : [(-qb + root) / (2 * qa), (-qb - root) / (2 * qa)].find((r) => r >= 0 && r <= 1)!;
}

/** The shoulder line's point at parameter t. */
function shoulderAt(t: number): Pt {
  const [a, b, c] = SHOULDER_LINE;
  return lerpPt(lerpPt(a, b, t), lerpPt(b, c, t), t);
}

/** The shoulder line's height (mm) at x, x between the shoulder point's and the neck point's (image-left side). */
export function shoulderYAt(x: number): number {
  return shoulderAt(shoulderT(x))[1];
}

/** The shoulder line from the armhole seam to the shoulder point, as a cubic lying exactly on it. */
function shoulderTail(): Cubic {
  const [, b, c] = SHOULDER_LINE;
  const t = shoulderT(ARMHOLE_X);
  const s = shoulderAt(t);
  const k = lerpPt(b, c, t);
  return [s, lerpPt(s, k, 2 / 3), lerpPt(c, k, 2 / 3), c];
}

/**
 * The sleeve's front edge, shoulder to cuff: the front armhole seam (the sleeve head set into the
 * coat), then the inside of the arm hanging against the body: it lies on the forepart's side down
 * past the waist, where the elbow hangs. Below the elbow the forearm comes forward and out, the hand
 * beside the hip: the edge leaves the waist's line and runs out some 26 mm to the cuff, over the
 * skirt (which flares out under it), while the outer edge stays nearly plumb. With both edges
 * converging alike (up to b95) the sleeve hung down the coat's side as a straight tube. Hung clear
 * of the body (as drafted up to b49) the sleeve was 78-88 mm across, a stick beside a 40 cm chest,
 * and left a wedge of background at the waist that a real coat on a form does not show; a sleeve
 * seen from the front is some 10-11 cm across at the bicep.
 */
const SLEEVE_INNER: Pt[] = [shoulderTail()[0], [-223, 1405], [-202, 1345], [-178, 1283], [-176, 1200], [-168, 1090], [-180, 960], [-194, CUFF_Y + 8]];

/**
 * The sleeve's outer edge, cuff up to where the crown turns into it: a natural shoulder, the crown
 * rolling over the deltoid only some 36 mm past the shoulder point (43 mm, up to b101, read beside the
 * reference photo as a padded, roped head, the sleeve wider at the deltoid than a slim arm), the
 * arm's outline going on out a little to the bicep and coming in below the elbow as the forearm
 * hangs forward. The cuff is some three quarters of the bicep's width, as a suit sleeve is cut
 * (about 14 cm and 19 cm laid flat); at seven eighths the arm read as a tube.
 */
const SLEEVE_OUTER: Pt[] = [
  [-266, CUFF_Y + 2],
  [-271, 960],
  [-275, 1080],
  [-279, 1200],
  [-277.5, 1290],
  [-268, 1370],
];
/** Where the sleeve's crown, rolling out from the shoulder point, meets the arm's outer edge. */
export const CROWN_EDGE: Pt = SLEEVE_OUTER[SLEEVE_OUTER.length - 1]!;

/**
 * The sleeve the marks on it were placed against (its edges as drafted up to b49): armPt carries
 * each such point to the same place across the sleeve as it is now drafted, so the elbow's folds, the
 * cuff, its buttons and the shadows beside the arm follow the sleeve's edges.
 */
const MARKED_SLEEVE_INNER: Pt[] = [shoulderTail()[0], [-226, 1405], [-212, 1345], [-196, 1283], [-197, 1200], [-201, 1070], [-203.5, 960], [-206, CUFF_Y + 8]];
const MARKED_SLEEVE_OUTER: Pt[] = [
  [-268, CUFF_Y + 2],
  [-273.5, 960],
  [-278.5, 1080],
  [-283, 1200],
  [-283.6, 1290],
  [-284, 1370],
];

/** x of a polyline at height y (linear between its points, clamped past its ends). */
export function polyX(pts: Pt[], y: number): number {
  const s = [...pts].sort((a, b) => a[1] - b[1]);
  if (y <= s[0][1]) return s[0][0];
  for (let i = 1; i < s.length; i++) if (y <= s[i][1]) return s[i - 1][0] + ((s[i][0] - s[i - 1][0]) * (y - s[i - 1][1])) / (s[i][1] - s[i - 1][1]);
  return s[s.length - 1][0];
}

/** A point placed on the marked sleeve (the image-left one), at the same share of the way across the sleeve as drafted. */
function armPt([x, y]: Pt): Pt {
  const mi = polyX(MARKED_SLEEVE_INNER, y);
  const u = (x - mi) / (polyX(MARKED_SLEEVE_OUTER, y) - mi);
  const ni = polyX(SLEEVE_INNER, y);
  return [ni + u * (polyX(SLEEVE_OUTER, y) - ni), y];
}

/** armPt for the image-right sleeve (x mirrored). */
const farArmPt = ([x, y]: Pt): Pt => [-armPt([-x, y])[0], y];

/** Curvature (1/mm) of the shoulder line at the shoulder point, where the sleeve's crown takes it over. */
function shoulderEndCurvature(): number {
  const [a, b, c] = SHOULDER_LINE;
  // B'(1) = 2(c − b), B'' = 2(a − 2b + c); signed: positive turning counter-clockwise (y up).
  const d1: Pt = [2 * (c[0] - b[0]), 2 * (c[1] - b[1])];
  const d2: Pt = [2 * (a[0] - 2 * b[0] + c[0]), 2 * (a[1] - 2 * b[1] + c[1])];
  return (d1[0] * d2[1] - d1[1] * d2[0]) / Math.hypot(d1[0], d1[1]) ** 3;
}

/** Pieces the sleeve's crown is drawn in (cubics through points of the curve, exact tangents). */
const CROWN_SEGMENTS = 6;

/**
 * The sleeve's crown from the shoulder point round over the deltoid to the arm's outer edge, as a
 * curve whose curvature changes smoothly along it: it starts with the shoulder line's own (nearly
 * straight) curvature, swells to the round of the deltoid and eases back to the straight arm. A
 * cubic joined only by tangent (the crown before) jumped from the shoulder's near-straight line to a
 * 10 cm radius at once: a step in curvature the eye reads as a corner on the silhouette, the mark of
 * a drawn outline. Arc length is solved so the crown lands on the arm's outer edge (x = `edgeX`).
 * Returns the cubic segments, each [c1, c2, end].
 */
function sleeveCrown(sp: Pt, dir: Pt, edgeX: number, endDir: Pt): Array<[Pt, Pt, Pt]> {
  const th0 = Math.atan2(dir[1], dir[0]);
  const th1 = Math.atan2(endDir[1], endDir[0]);
  const k0 = shoulderEndCurvature();
  const N = CROWN_SEGMENTS * 40;
  // Curvature over t ∈ [0, 1]: the shoulder's fading out (smoothstep) plus a bump 30t²(1 − t)² (its
  // integral 1) sized so the whole crown turns θ1 − θ0; 0 at the end, as the straight arm.
  const walk = (L: number) => {
    const A = (th1 - th0) / L - k0 / 2;
    const pts: Array<[number, number, number]> = [[sp[0], sp[1], th0]];
    let [x, y, th] = [sp[0], sp[1], th0];
    const ds = L / N;
    for (let i = 0; i < N; i++) {
      const t = (i + 0.5) / N;
      const k = k0 * (1 - t * t * (3 - 2 * t)) + A * 30 * t * t * (1 - t) ** 2;
      const mid = th + (k * ds) / 2;
      x += Math.cos(mid) * ds;
      y += Math.sin(mid) * ds;
      th += k * ds;
      pts.push([x, y, th]);
    }
    return pts;
  };
  let lo = 10;
  let hi = 400;
  for (let i = 0; i < 50; i++) {
    const m = (lo + hi) / 2;
    if (walk(m)[N][0] > edgeX) lo = m;
    else hi = m;
  }
  const L = (lo + hi) / 2;
  const pts = walk(L);
  const out: Array<[Pt, Pt, Pt]> = [];
  const h = L / CROWN_SEGMENTS / 3;
  for (let s = 0; s < CROWN_SEGMENTS; s++) {
    const a = pts[(s * N) / CROWN_SEGMENTS];
    const b = pts[((s + 1) * N) / CROWN_SEGMENTS];
    out.push([
      [a[0] + Math.cos(a[2]) * h, a[1] + Math.sin(a[2]) * h],
      [b[0] - Math.cos(b[2]) * h, b[1] - Math.sin(b[2]) * h],
      [b[0], b[1]],
    ]);
  }
  return out;
}

function sleeve(): Draft {
  const inner = [...SLEEVE_INNER].reverse();
  const tail = shoulderTail();
  // The head carries the shoulder's slope and curvature on past the shoulder point (no step in
  // either) and rolls round over the deltoid into the arm.
  const [sp, k] = [tail[3], tail[2]];
  const len = Math.hypot(sp[0] - k[0], sp[1] - k[1]);
  const dir: Pt = [(sp[0] - k[0]) / len, (sp[1] - k[1]) / len];
  const top = SLEEVE_OUTER[SLEEVE_OUTER.length - 1]!;
  const outerDown = [...SLEEVE_OUTER].reverse();
  const d = draft().M(tail[0][0], tail[0][1]).C(tail[1][0], tail[1][1], tail[2][0], tail[2][1], sp[0], sp[1]);
  // Ends heading down the arm's outer edge, toward its next point (where the French curve below starts).
  for (const [c1, c2, e] of sleeveCrown(sp, dir, top[0], [outerDown[1][0] - top[0], outerDown[1][1] - top[1]])) d.C(c1[0], c1[1], c2[0], c2[1], e[0], e[1]);
  return d.through(outerDown.slice(1)).L(inner[0][0], inner[0][1]).through(inner.slice(1, 5)).through(inner.slice(5)).Z();
}

/**
 * Both sleeves, seen from the front or the back alike: they hang over the body, so they go last. Each
 * head is set into its side's body panel (`body`-right or -left), whose shoulder runs on under it.
 */
function pushSleeves(pieces: Piece[], body: 'forepart' | 'back'): void {
  const sl = sleeve();
  for (const side of [-1, 1] as const) {
    pieces.push({
      id: side < 0 ? 'sleeve-right' : 'sleeve-left',
      kind: 'sleeve',
      shape: side < 0 ? sl : sl.mirrored(),
      grain: [
        [side * 240, 1440],
        [side * 243, 850],
      ],
      anchor: [side * 240, 1440],
      loft: 60,
      round: 30,
      overlap: setInto(`${body}-${side < 0 ? 'right' : 'left'}`),
    });
  }
}

/** Where a cubic whose ends straddle height y crosses it (bisection on t). */
function cubicTAtY(q: Cubic, y: number): number {
  return cubicTAt(q, y, 1);
}

/** Where a cubic whose ends straddle `v` along one axis (0: x, 1: y) crosses it (bisection on t). */
function cubicTAt(q: Cubic, v: number, axis: 0 | 1): number {
  const at = (t: number) => cubicAt(q, t, axis);
  let lo = 0;
  let hi = 1;
  const rising = at(1) > at(0);
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    if (at(mid) < v === rising) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A corner's round: the cubic from `p`, leaving along the direction its line arrived in (`from`,
 * the point before it), to `q`, arriving along the direction its line leaves in (toward `to`),
 * its handles 0.55 of the way to where the two lines would meet (a quarter circle's, for a square
 * corner cut back equally on both sides).
 */
function roundCorner(from: Pt, p: Pt, q: Pt, to: Pt, size: number): Cubic {
  const unit = (a: Pt, b: Pt): Pt => {
    const l = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [(b[0] - a[0]) / l, (b[1] - a[1]) / l];
  };
  const [ix, iy] = unit(from, p);
  const [ox, oy] = unit(q, to);
  const k = 0.55 * size;
  return [p, [p[0] + ix * k, p[1] + iy * k], [q[0] - ox * k, q[1] - oy * k], q];
}

/**
 * A French curve through the points as Draft.through draws it, with a hook to redraw one segment as
 * several cubics: a plain hem's break bulges the leg just above it without moving the rest of the line.
 */
function curveThrough(d: Draft, from: Pt, points: Pt[], redraw?: (i: number, seg: Cubic) => Cubic[]): Draft {
  const all: Pt[] = [from, ...points];
  for (let i = 1; i < all.length; i++) {
    const p0 = all[Math.max(0, i - 2)];
    const p1 = all[i - 1];
    const p2 = all[i];
    const p3 = all[Math.min(all.length - 1, i + 1)];
    const seg: Cubic = [p1, [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6], [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6], p2];
    for (const [, c1, c2, e] of redraw ? redraw(i, seg) : [seg]) d.C(c1[0], c1[1], c2[0], c2[1], e[0], e[1]);
  }
  return d;
}

/** Height below which a plain hem's break reshapes the leg (the turn-up option changes nothing above). */
const BREAK_TOP_Y = 122;
/** How far (mm) a plain hem's break sweeps the leg outward at its fullest, and how much it settles back at the hem. */
const BREAK_SWAY = 6;
const BREAK_SETTLE = 0.35;
/**
 * The outer edge sweeps half as far: in the turned view it lies near the hip's silhouette, where the
 * turn stretches every millimetre across, and a full sweep bent it as sharply as the old kink.
 */
const OUTER_SWAY = 0.5;

/**
 * The break's outward sweep at height y: nothing at BREAK_TOP_Y, where it starts with neither slope nor
 * curvature (no corner in the edge, however close one looks), easing out and settling a little at the hem.
 */
function breakSway(y: number): number {
  const u = Math.min(1, Math.max(0, (BREAK_TOP_Y - y) / (BREAK_TOP_Y - TROUSER_HEM_Y - 4)));
  return BREAK_SWAY * u * u * u * (10 - 15 * u + 6 * u * u) * (1 - BREAK_SETTLE * u * u);
}

/**
 * A leg edge below the break redrawn as the pressed line swept outward by breakSway: Hermite cubics
 * through samples of the swept line, so the sweep starts tangent to the line above and bends over the
 * whole break. (One cubic pulled out by a control point bent within a few millimetres and read as a
 * kink in the leg's edge.)
 */
function swept(seg: Cubic, amount: number, pieces = 6): Cubic[] {
  const xAt = (y: number) => cubicAt(seg, cubicTAtY(seg, y), 0) - amount * breakSway(y);
  const slope = (y: number) => (xAt(y + 0.05) - xAt(y - 0.05)) / 0.1;
  const y0 = seg[0][1];
  const y1 = seg[3][1];
  const out: Cubic[] = [];
  for (let i = 0; i < pieces; i++) {
    const a = y0 + ((y1 - y0) * i) / pieces;
    const b = y0 + ((y1 - y0) * (i + 1)) / pieces;
    const h = (b - a) / 3;
    // The ends are exact (slopes taken just inside them), so neighbouring curves still meet.
    const sa = slope(i === 0 ? a + Math.sign(b - a) * 0.05 : a);
    const sb = slope(i === pieces - 1 ? b - Math.sign(b - a) * 0.05 : b);
    const xa = i === 0 ? seg[0][0] - amount * breakSway(a) : xAt(a);
    const xb = i === pieces - 1 ? seg[3][0] - amount * breakSway(b) : xAt(b);
    out.push([
      [xa, a],
      [xa + sa * h, a + h],
      [xb - sb * h, b - h],
      [xb, b],
    ]);
  }
  return out;
}

/**
 * Seen from the front, a plain hem rests on the instep: its front lifts over the shoe in a
 * low arch, INSTEP_LIFT mm at the crease above its corners, so the toe and the foot of the vamp show
 * below it, as in a product photo. A turn-up hangs straight, cut TURNUP_LIFT mm shorter in front than
 * behind. From behind the hem hangs to the heel as before.
 */
export const INSTEP_LIFT = 24;
/**
 * Turned, the same arch over the shoe's instep, lower: foreshortened, the full lift rose within a few
 * centimetres of the leg's inner corner and hung it in a point. (Hung straight, as drafted up to b89,
 * the leg ended in a level cut above the shoe, as if cropped.)
 */
export const TURNED_INSTEP_LIFT = 12;
export const TURNUP_LIFT = 18;

/** How far a plain hem arches over the instep in a view: from the front, turned, and not from behind. */
function hemArch(view: ViewName): number {
  return view === 'front' ? INSTEP_LIFT : view === 'three-quarter' ? TURNED_INSTEP_LIFT : 0;
}
/** How far along the hem (mm) each corner's level start reaches before the arch rises. */
const HEM_CORNER = 12;
/**
 * From the front, how far (mm) back from each corner of a plain hem its line turns round it. Met at a
 * corner, the break's outward sweep and the arch's rise left each side of each hem hanging in a point.
 */
const HEM_ROUND = 8;

/**
 * The front of a plain hem from its inner corner `a` to its outer corner `b`: it leaves each corner
 * level, so the corner is square and softly rounded (the fold of the hem resting on the shoe), then
 * rises over the instep to a flat crown. Leaving the corner straight up, the arch met the leg's edge
 * at a sharp angle and each corner hung down in a point.
 */
function instepArch(a: Pt, b: Pt, lift: number, fold: HemFold = NO_FOLD): Cubic[] {
  const m: Pt = [(a[0] + b[0]) / 2, Math.max(a[1], b[1]) + lift];
  const dir = Math.sign(b[0] - a[0]);
  const a1: Pt = [a[0] + dir * fold.inner, a[1]];
  const b1: Pt = [b[0] - dir * fold.outer, b[1]];
  const level = (p: Pt, q: Pt): Cubic => [p, lerpPt(p, q, 1 / 3), lerpPt(p, q, 2 / 3), q];
  return [
    ...(fold.inner ? [level(a, a1)] : []),
    [a1, [a1[0] + dir * HEM_CORNER, a1[1]], [m[0] - dir * 30, m[1]], m],
    [m, [m[0] + dir * 30, m[1]], [b1[0] - dir * HEM_CORNER, b1[1]], b1],
    ...(fold.outer ? [level(b1, b)] : []),
  ];
}

/**
 * How far (mm) the hem stays level in from each corner before its arch begins. Turned, each leg's
 * image-right side (the near leg's inner corner, the far leg's outer one) turns away round the leg:
 * at the hem its last 9 mm lie past the horizon (74 mm half-width, horizon 65 mm from the axis) and
 * the next 15 mm show at under half their width. Where the arch began at the drafted corner, the
 * outline showed the hem already rising steeply there, and the corner hung in a point (1.6–2.2 mm of
 * cloth 1 mm above it, against 6–7 from the front). Level over those 24 mm, the corner rests square.
 */
interface HemFold {
  inner: number;
  outer: number;
}
const NO_FOLD: HemFold = { inner: 0, outer: 0 };
const TURNED_HEM_FOLD = 24;
/** Leg s's level runs (s = 1 the image-left leg, drafted; -1 the other, mirrored): turned, its image-right side's. */
function hemFold(turned: boolean, s: number): HemFold {
  if (!turned) return NO_FOLD;
  return s > 0 ? { inner: TURNED_HEM_FOLD, outer: 0 } : { inner: 0, outer: TURNED_HEM_FOLD };
}

/**
 * The hem's bottom edge of the image-left leg (body mm, inner corner to outer) as its contact shadow
 * follows it: seen from the front (`instep`), or with a plain hem arching `arch` mm over the instep,
 * level over `fold` (mirrored, the other leg's: see hemFold).
 */
export function hemLine(o: StyleOptions, instep: boolean, arch = instep ? INSTEP_LIFT : 0, fold: HemFold = NO_FOLD): Pt[] {
  if (instep && o.trouserHem === 'turnups')
    return [
      [-34, TROUSER_HEM_Y + TURNUP_LIFT + 2],
      [-180, TROUSER_HEM_Y + TURNUP_LIFT + 3],
    ];
  if (!arch || o.trouserHem === 'turnups')
    return [
      [-34, TROUSER_HEM_Y + 2],
      [-180, TROUSER_HEM_Y + 3],
    ];
  const pts: Pt[] = [];
  for (const c of instepArch([-34, TROUSER_HEM_Y + 4], [-180, TROUSER_HEM_Y + 5], arch, fold))
    for (let k = pts.length ? 1 : 0; k <= 6; k++) {
      pts.push([cubicAt(c, k / 6, 0), cubicAt(c, k / 6, 1)]);
    }
  return pts;
}

function trouserLeg(o: StyleOptions, instep: boolean, arch: number, fold: HemFold = NO_FOLD): Draft {
  // Pleats ask for room through the thigh; turn-ups hang straight and square at the hem.
  const full = o.trouserFront === 'pleated' ? 7 : 0;
  // A plain hem breaks over the shoe: the fold sweeps the bottom of the leg out a little.
  const plain = o.trouserHem !== 'turnups';
  // A turn-up seen from the front is cut off higher: the same leg, ended TURNUP_LIFT mm up.
  const cutY = !plain && instep ? TROUSER_HEM_Y + 4 + TURNUP_LIFT : undefined;
  const d = draft()
    .M(-171 - full * 0.15, TROUSER_WAIST_Y)
    .L(2, TROUSER_WAIST_Y)
    // The fork: the inside leg rises into a narrow rounded top, leaving it along the inseam's own
    // line. Met at a corner (the crotch's curve arriving across, the inseam leaving down) the gap
    // between the legs ended in a spike between two cusps.
    .L(2, FORK_Y + 12)
    .C(-1.5, FORK_Y + 12, -4.6, FORK_Y + 5.6, -5, FORK_Y);
  // From the front a plain hem's corners are rounded (HEM_ROUND): its line turns round the fold.
  const rounded = plain && instep && arch > 0 ? HEM_ROUND : 0;
  // The front of a plain hem rests on the instep: it arches up over the shoe between its corners.
  const arc =
    plain && arch > 0
      ? instepArch([-32 - breakSway(TROUSER_HEM_Y + 4), TROUSER_HEM_Y + 4], [-180 - OUTER_SWAY * breakSway(TROUSER_HEM_Y + 5), TROUSER_HEM_Y + 5], arch, fold)
      : [];
  if (rounded) {
    // Cut back along the hem from each corner (the inner one's x falls toward the outer: dir -1).
    const first = arc[0]!;
    const last = arc[arc.length - 1]!;
    arc[0] = splitCubic(first, cubicTAt(first, first[0][0] - rounded, 0))[1];
    arc[arc.length - 1] = splitCubic(last, cubicTAt(last, last[3][0] + rounded, 0))[0];
  }
  curveThrough(d, INSEAM[0]!, [...INSEAM.slice(1), [-32, TROUSER_HEM_Y + 4]], (i, seg) => {
    if (i !== 4) return [seg];
    // Split with or without the break, so that the line above it is drawn from the same curves.
    const [upper, lower] = splitCubic(seg, cubicTAtY(seg, BREAK_TOP_Y));
    if (cutY !== undefined) return [upper, splitCubic(lower, cubicTAtY(lower, cutY))[0]];
    if (!plain) return [upper, lower];
    const pieces = swept(lower, 1);
    if (!rounded) return [upper, ...pieces];
    // The inside edge stops short of the corner and turns onto the hem.
    const end = pieces.pop()!;
    const cut = splitCubic(end, cubicTAtY(end, end[3][1] + rounded))[0];
    const onHem = arc[0]!;
    return [upper, ...pieces, cut, roundCorner(cut[2], cut[3], onHem[0], onHem[1], rounded)];
  });
  // The outer edge's first curve, from the hem up, as curveThrough draws it (for a turn-up cut higher).
  const outerFrom: Pt = [-180, TROUSER_HEM_Y + 5];
  // The leg narrows all the way from the seat to the hem, by the knee already (a leg cut straight to
  // the knee and tapered only below it read as a tube).
  const outerPts: Pt[] = [
    [-183.5, 260],
    [-185.5 - full * 0.4, 500],
    [-192 - full, 720],
    // Above the coat's hem the hip stays inside the coat (-187 mm at 860): wider, the trousers
    // showed as a strip of cloth with its own edge between coat and sleeve.
    [-183 - full * 0.15, 900],
    [-171 - full * 0.15, TROUSER_WAIST_Y],
  ];
  let outerCut: Cubic | undefined;
  if (cutY !== undefined) {
    const [p1, p2, p3] = [outerFrom, outerPts[0]!, outerPts[1]!];
    const seg: Cubic = [p1, [p1[0] + (p2[0] - p1[0]) / 6, p1[1] + (p2[1] - p1[1]) / 6], [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6], p2];
    const lower = splitCubic(seg, cubicTAtY(seg, BREAK_TOP_Y))[0];
    outerCut = splitCubic(lower, cubicTAtY(lower, cutY))[1];
    d.L(outerCut[0][0], outerCut[0][1]);
  } else if (!plain) d.L(-180, TROUSER_HEM_Y + 5);
  else if (arch > 0) for (const [, c1, c2, e] of arc) d.C(c1[0], c1[1], c2[0], c2[1], e[0], e[1]);
  // From behind, the hem sits on the heel, lifted a little at the crease.
  else
    d.Q(-106 - breakSway(TROUSER_HEM_Y + 7) * (1 + OUTER_SWAY) * 0.5, TROUSER_HEM_Y + 10, -180 - OUTER_SWAY * breakSway(TROUSER_HEM_Y + 5), TROUSER_HEM_Y + 5);
  curveThrough(d, outerFrom, outerPts, (i, seg) => {
    if (i !== 1) return [seg];
    const [lower, upper] = splitCubic(seg, cubicTAtY(seg, BREAK_TOP_Y));
    if (outerCut) return [outerCut, upper];
    if (!plain) return [lower, upper];
    const pieces = swept(lower, OUTER_SWAY);
    if (!rounded) return [...pieces, upper];
    // The outer edge leaves the hem's round rather than its corner.
    const start = pieces.shift()!;
    const cut = splitCubic(start, cubicTAtY(start, start[0][1] + rounded))[1];
    const offHem = arc[arc.length - 1]!;
    return [roundCorner(offHem[2], offHem[3], cut[0], cut[1], rounded), cut, ...pieces, upper];
  });
  return d.Z();
}

/**
 * Points along the French curve through `points` (the curve `through` draws), `per` to a segment, each
 * with its unit normal: the tangent (from its neighbours) turned a quarter anticlockwise.
 */
function normalsAlong(points: Pt[], per: number): Array<{ p: Pt; n: Pt }> {
  const pts = sampleCatmullRom(points, per);
  return pts.map((p, i) => {
    const a = pts[Math.max(0, i - 1)]!;
    const b = pts[Math.min(pts.length - 1, i + 1)]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return { p, n: [-(b[1] - a[1]) / len, (b[0] - a[0]) / len] };
  });
}

/**
 * The curve through a right-hand lapel's outer edge (x < 0, the lapel on its centre side) moved `by`
 * mm out along its normal, as a polyline fine enough to draw through.
 */
function outwardOf(points: Pt[], by: number): Pt[] {
  return normalsAlong(points, 6).map(({ p, n }) => {
    const out = n[0] > 0 ? -by : by;
    return [p[0] + n[0] * out, p[1] + n[1] * out];
  });
}

function line(points: Pt[], layer: Layer = 'torso'): Draft {
  const d = draft(layer).M(points[0][0], points[0][1]);
  return points.length > 2 ? d.through(points.slice(1)) : d.L(points[1][0], points[1][1]);
}

/**
 * A drag fold that dies out into the cloth at both ends: the outline of a stroke along the French
 * curve through `points`, `width` mm across at its middle and narrowing to nothing at either end, to
 * be filled. Drawn as a stroke of even width, each of the back's short drag lines ended in a round
 * pit whose end wall turned from the key light: a dark dot at its outer end, read as a stain.
 */
function fold(points: Pt[], width: number, layer: Layer = 'torso'): Draft {
  const pts = normalsAlong(points, 12);
  const along = [0];
  for (let i = 1; i < pts.length; i++) along.push(along[i - 1] + Math.hypot(pts[i].p[0] - pts[i - 1].p[0], pts[i].p[1] - pts[i - 1].p[1]));
  const total = along[along.length - 1];
  const side = (sign: 1 | -1): Pt[] =>
    pts.map(({ p, n }, i) => {
      const half = sign * (width / 2) * Math.sin((Math.PI * along[i]) / total) ** 0.75;
      return [p[0] + n[0] * half, p[1] + n[1] * half];
    });
  const left = side(1);
  const right = side(-1).reverse();
  const d = draft(layer).M(left[0][0], left[0][1]);
  for (const [x, y] of [...left.slice(1), ...right.slice(1)]) d.L(x, y);
  return d.Z();
}

/** A flap pocket: slightly tapered flap, rounded front corners. */
function flap(x0: number, x1: number, top: number, depth = 56): Draft {
  return draft()
    .M(x0, top)
    .L(x1, top + 2)
    .L(x1 + 1, top - depth + 10)
    .Q(x1 + 1, top - depth, x1 - 9, top - depth)
    .L(x0 + 9, top - depth - 2)
    .Q(x0 - 1, top - depth - 2, x0 - 1, top - depth + 8)
    .Z();
}

/** A patch pocket's depth from its mouth: its bottom some 3 cm above the hem beside it, as a tailor sets it. */
const PATCH_DEPTH = 160;
/** Least cloth between a patch pocket and the front edge: it is sewn on the forepart, never run off it. */
const PATCH_EDGE_CLEAR = 12;

/** How far up a patch pocket's side its rounded lower corner begins. */
const PATCH_CORNER_RISE = 22;
/** How far along its bottom the rounded corner ends. */
const PATCH_CORNER_RUN = 20;
/** The pocket's sides flare out this much towards its bottom, as a sewn-on bag sits. */
const PATCH_FLARE = 2;

/** A patch pocket: a bag of cloth sewn on, its lower corners rounded. */
function patch(x0: number, x1: number, top: number, depth = PATCH_DEPTH): Draft {
  const bottom = top - depth;
  return draft()
    .M(x0, top)
    .L(x1, top + PATCH_FLARE)
    .L(x1 + PATCH_FLARE, bottom + PATCH_CORNER_RISE)
    .Q(x1 + PATCH_FLARE, bottom, x1 - PATCH_CORNER_RUN, bottom)
    .L(x0 + PATCH_CORNER_RUN, bottom - PATCH_FLARE)
    .Q(x0 - PATCH_FLARE, bottom - PATCH_FLARE, x0 - PATCH_FLARE, bottom + PATCH_CORNER_RUN)
    .Z();
}

/**
 * The inner side of a patch pocket from x0 to at most x1 under `top` that keeps PATCH_EDGE_CLEAR
 * inside a single-breasted quarter: where the quarter curves away below it, the pocket is made
 * narrower rather than left to run under the edge (with its corner cut off by it).
 */
function patchInnerX(x0: number, x1: number, top: number, quarter: Cubic | undefined): number {
  if (!quarter) return x1;
  const edgeAt = (y: number) => (y >= quarter[3][1] ? quarter[3][0] : quarterEdgeX(quarter, Math.max(y, quarter[0][1])));
  const clear = (x: number) => {
    // The pocket's inner side and its rounded lower corner (patch(): straight, then a quadratic).
    const bottom = top - PATCH_DEPTH;
    const sideX = x + PATCH_FLARE;
    const cornerTop = bottom + PATCH_CORNER_RISE;
    for (let i = 0; i <= 16; i++) {
      const t = i / 16;
      const side: Pt = [x + PATCH_FLARE * t, top + PATCH_FLARE - (top + PATCH_FLARE - cornerTop) * t];
      const u = 1 - t;
      const corner: Pt = [u * u * sideX + 2 * u * t * sideX + t * t * (x - PATCH_CORNER_RUN), u * u * cornerTop + 2 * u * t * bottom + t * t * bottom];
      if (side[0] > edgeAt(side[1]) - PATCH_EDGE_CLEAR || corner[0] > edgeAt(corner[1]) - PATCH_EDGE_CLEAR) return false;
    }
    return true;
  };
  let x = x1;
  while (x > x0 + 80 && !clear(x)) x--;
  return x;
}

interface Draftset {
  pieces: Piece[];
  marks: Mark[];
  buttons: Button[];
  /** Thread details drawn over the cloth (buttonholes, pick stitching) as SVG-ready drafts. */
  threads: Array<{ shape: Draft; width: number; dash?: string; opacity: number; onPanels?: string[] }>;
}

/** The boutonnière on the wearer's left lapel, its upper end first (body mm); none on a shawl. */
function boutonniereOf(style: SuitStyle): [Pt, Pt] | undefined {
  if (style.o.lapel === 'shawl') return undefined;
  const lc = lapelAndCollar(style, sidesFor(style).right);
  const p = lerpPt([-lc.point[0], lc.point[1]], [-lc.gorge[0], lc.gorge[1]], 0.45);
  return [
    [p[0] - 6, p[1] - 28],
    [p[0] - 16, p[1] - 50],
  ];
}

/** A cut's style: its options (its preset's when absent) and whether its coat is worn open. */
function styleOf(cut: string, options?: StyleOptions): SuitStyle {
  const entry = CUT_STYLES[cut];
  if (!entry) throw new Error(`Unknown cut "${cut}"`);
  return { o: options ?? resolveOptions(cut), open: entry.style.open };
}

/** A cut's boutonnière in a style (body mm, upper end first), for tests that look at it. */
export function lapelButtonhole(cut: string, options?: StyleOptions): [Pt, Pt] | undefined {
  return boutonniereOf(styleOf(cut, options));
}

/**
 * A hand-worked buttonhole from `a` to `b` (body mm): two lips of purl stitches, each a raised cord
 * of thread, either side of a fine cut slit. Each lip is lit on its flank toward the key light (the
 * upper left) and shaded on the other, where it stands over the cloth or the slit. Drawn as one dark
 * line, it read up close as a pen stroke on the lapel; as ridges in the height field, the field's
 * smoothing spread each lip over a few millimetres of the lapel.
 */
function buttonhole(set: Draftset, a: Pt, b: Pt, onPanels?: string[], keyhole = false): void {
  const B = BUTTONHOLE;
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const n: Pt = [-(b[1] - a[1]) / len, (b[0] - a[0]) / len];
  // The key light's side, in body mm (x to the image's right, y up).
  const toLight = Math.sign(-n[0] + n[1]) || 1;
  const along = (p: Pt, d: number): Pt => [p[0] + n[0] * d, p[1] + n[1] * d];
  const lineAt = (d: number) => line([along(a, d), along(b, d)]);
  for (const s of [1, -1]) {
    const lip = s * B.lipMm;
    // Toward the light from the lip's crown, and away from it.
    const lit = lip + toLight * B.flankMm;
    const shaded = lip - toLight * B.flankMm;
    set.marks.push({ shape: lineAt(lit), kind: 'highlight', width: B.flankWidth, strength: B.litStrength, blur: B.blur, onPanels });
    set.marks.push({ shape: lineAt(shaded), kind: 'seam', width: B.flankWidth, strength: B.shadeStrength, blur: B.blur, onPanels });
  }
  set.threads.push({ shape: lineAt(0), width: B.slitWidth, opacity: B.slitOpacity, onPanels });
  // The purl stitches: fine grooves across each lip between its wraps of thread.
  const stitches = draft();
  for (let t = B.stitchMm / 2; t < len; t += B.stitchMm) {
    const p = lerpPt(a, b, t / len);
    for (const s of [1, -1]) {
      const [x0, y0] = along(p, s * B.slitMm);
      const [x1, y1] = along(p, s * (B.lipMm * 2 - B.slitMm));
      stitches.M(x0, y0).L(x1, y1);
    }
  }
  set.threads.push({ shape: stitches, width: B.stitchWidth, opacity: B.stitchOpacity, onPanels });
  if (keyhole) {
    // A coat's front holes end in a round eye at `a` for the button's shank.
    const eye = draft();
    for (let i = 0; i < 16; i++) {
      const t = (i / 16) * 2 * Math.PI;
      const p: Pt = [a[0] + Math.cos(t) * B.eyeMm, a[1] + Math.sin(t) * B.eyeMm];
      if (i) eye.L(p[0], p[1]);
      else eye.M(p[0], p[1]);
    }
    set.marks.push({ shape: eye.Z(), kind: 'seam', fill: true, width: 0, strength: B.slitOpacity, blur: B.blur, onPanels });
    // Its far end is closed by a bar tack, a few stitches across both lips: lit toward the key light
    // (the upper left), its other side a fine shade on the cloth.
    const [tx, ty] = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    const barAt = (dt: number) => {
      const c: Pt = [b[0] + tx * dt, b[1] + ty * dt];
      return line([along(c, -B.lipMm * 2), along(c, B.lipMm * 2)]);
    };
    const barToLight = Math.sign(-tx + ty) || 1;
    set.marks.push({ shape: barAt(barToLight * B.flankMm * 0.5), kind: 'highlight', width: B.flankWidth, strength: B.litStrength, blur: B.blur, onPanels });
    set.marks.push({ shape: barAt(-barToLight * B.flankMm), kind: 'seam', width: B.flankWidth, strength: B.shadeStrength, blur: B.blur, onPanels });
  }
}

/** Buttonhole sizes in body mm (length, offsets) and standard layout units (widths, blurs: native px at 0.9 px/mm). */
const BUTTONHOLE = {
  lengthMm: 24,
  eyeMm: 1.2,
  lipMm: 1,
  slitMm: 0.3,
  stitchMm: 0.8,
  stitchWidth: 0.22,
  stitchOpacity: 0.3,
  flankMm: 0.5,
  flankWidth: 0.5,
  litStrength: 0.45,
  shadeStrength: 0.2,
  blur: 0.2,
  slitWidth: 0.45,
  slitOpacity: 0.6,
};

/** Front-edge geometry of each side for a fastening. */
function sidesFor(style: SuitStyle): { left: SideGeometry; right: SideGeometry } {
  const o = style.o;
  const rollTop: Pt = [-72, 1468];
  if (isDouble(o)) {
    const s = { edgeX: 95, breakY: WAIST_BUTTON_Y, rollTop };
    return { left: s, right: s };
  }
  if (style.open) {
    const s = { edgeX: -50, breakY: WAIST_BUTTON_Y - 5, rollTop };
    return { left: s, right: s };
  }
  // A three-button coat rolls to its top button, two to the waist button; a one-button coat rolls a
  // little lower still and is cut away from its button.
  const breakY = o.fastening === 'sb3' ? TOP_BUTTON_Y : o.fastening === 'sb1' ? WAIST_BUTTON_Y - 20 : WAIST_BUTTON_Y;
  const s = { edgeX: 18, breakY, rollTop };
  return { left: s, right: s };
}

/** The fold where the cloth hangs from the knee cap (s = 1 left leg, -1 right): a crease and its shadow follow it. */
function kneeFoldPts(s: number, back = false): Pt[] {
  // From behind it runs on across the leg and dies out where the leg turns away at either side: ended
  // 45 mm inside them, it showed only on the leg's lit outer facet, a dark dot beside the crease.
  const pts: Pt[] = [...(back ? [[s * -28, 560] as Pt] : []), [s * -62, 548], [s * -110, 530], [s * -152, 530], ...(back ? [[s * -180, 536] as Pt] : [])];
  // The legs do not stand alike: the weight rests a little more on the wearer's right leg, and the
  // left one (the image's right from the front, its left from behind) eases at the knee, its fold
  // KNEE_EASE mm lower and sloping down toward the inside leg. Drawn mirror images, the pair stood
  // as a drawing does (as the elbows did, see jacketMarks).
  return easedLeg(s, back) ? pts.map(([x, y]): Pt => [x, y - KNEE_EASE + (Math.abs(x) - 110) * 0.06]) : pts;
}
const KNEE_EASE = 14;
/** Whether leg s (1 the image's left, -1 its right) is the wearer's left, the one eased at the knee. */
const easedLeg = (s: number, back: boolean) => (back ? s === 1 : s === -1);
/** How much higher (mm) the break's folds ride on the leg eased at the knee. */
const BREAK_EASE = 8;
/** The knee's fold as drawn from the front: one broad stroke. */
function kneeFold(s: number): Draft {
  return line(kneeFoldPts(s));
}

function trousers(set: Draftset, o: StyleOptions, back: boolean, instep = false, arch = instep ? INSTEP_LIFT : 0, turned = false): void {
  const { pieces, marks } = set;
  // From the front the hem rests on the instep (INSTEP_LIFT), turned a plain one too (`arch`, lower);
  // from behind it hangs as drafted.
  const up = instep && o.trouserHem === 'turnups' ? TURNUP_LIFT : 0;
  const legL = trouserLeg(o, instep, arch, hemFold(turned, 1));
  // Turned, the two legs differ: each one's image-right side folds away (see TURNED_HEM_FOLD).
  const legR = turned ? trouserLeg(o, instep, arch, hemFold(turned, -1)) : legL;
  pieces.push({
    id: 'trouser-right',
    kind: 'trouser',
    shape: legL,
    grain: [
      [-100, 900],
      [-106, 40],
    ],
    anchor: [-102, 500],
    loft: 14,
    round: 40,
  });
  pieces.push({
    id: 'trouser-left',
    kind: 'trouser',
    shape: legR.mirrored(),
    grain: [
      [100, 900],
      [106, 40],
    ],
    anchor: [102, 500],
    loft: 14,
    round: 40,
  });
  if (o.trouserHem === 'turnups') {
    const band = draft()
      .M(-34, TROUSER_HEM_Y + up + TURNUP_MM + 2)
      .L(-183, TROUSER_HEM_Y + up + TURNUP_MM + 2)
      .L(-182, TROUSER_HEM_Y + up + 2)
      .L(-31, TROUSER_HEM_Y + up + 2)
      .Z();
    pieces.push({
      id: 'turnup-right',
      kind: 'trouser',
      shape: band,
      grain: [
        [-100, 900],
        [-106, 40],
      ],
      anchor: [-102, 500],
      loft: 4,
      round: 6,
      overlap: restingOn('trouser-right'),
    });
    pieces.push({
      id: 'turnup-left',
      kind: 'trouser',
      shape: band.mirrored(),
      grain: [
        [100, 900],
        [106, 40],
      ],
      anchor: [102, 500],
      loft: 4,
      round: 6,
      overlap: restingOn('trouser-left'),
    });
  }
  for (const s of [1, -1]) {
    const from = marks.length;
    // Pressed crease: a fine ridge, the fold's two faces meeting at it. The reference photo's crease
    // is a step in tone (1.05 of the leg on its lit face, 0.96-0.98 beyond) with no groove; a steeper
    // ridge and a shadow line beside it (to b119) dug a groove down to 0.63-0.70 of the leg, 4 mm wide:
    // a line drawn down each leg.
    marks.push({
      only: ['trouser'],
      shape: line([
        [s * -100, 905],
        [s * -102, 600],
        // Into a plain hem's break the crease is lost in the fold.
        [s * -106, o.trouserHem === 'turnups' ? 60 + up : 96],
      ]),
      kind: 'ridge',
      width: 3,
      strength: 0.15,
      blur: 1.5,
    });
    // Knee: the cloth drapes from the knee cap; shallow drag lines just above and below it, the
    // upper ones pulled a little toward the inside leg (behind the knee from the back).
    marks.push({
      only: ['trouser'],
      ...(back ? { shape: fold(kneeFoldPts(s, true), 8), fill: true, width: 0 } : { shape: kneeFold(s), width: 26 }),
      kind: 'crease',
      strength: back ? 0.4 : 0.22,
      blur: back ? 7 : 16,
    });
    // From the front a pressed leg hangs smooth over the knee: one broad, shallow fold; from behind,
    // where the knee bends, drag lines above and below it as well.
    if (back) {
      marks.push({
        only: ['trouser'],
        shape: fold(
          [
            [s * -26, 604],
            [s * -58, 592],
            [s * -105, 574],
            [s * -140, 576],
            [s * -178, 582],
          ],
          6,
        ),
        kind: 'crease',
        width: 0,
        strength: 0.3,
        blur: 6,
        fill: true,
      });
    }
    const shin: Pt[] = [
      [s * -55, 478],
      [s * -102, 464],
      [s * -150, 470],
    ];
    const shinAcross: Pt[] = [[s * -26, 488], ...shin, [s * -180, 476]];
    marks.push({
      only: ['trouser'],
      ...(back ? { shape: fold(shinAcross, 14), fill: true, width: 0 } : { shape: line(shin), width: 30 }),
      kind: 'ridge',
      strength: back ? 0.25 : 0.18,
      blur: back ? 10 : 16,
    });
    if (back) {
      // Under the knee's bend, a drag line and its shade (shadows all paint one colour, so the shade
      // may go in here, out of the occlusion layer's drawing order).
      const bend = fold(
        [
          [s * -28, 520],
          [s * -60, 510],
          [s * -102, 498],
          [s * -138, 502],
          [s * -176, 508],
        ],
        6,
      );
      marks.push({ only: ['trouser'], shape: bend, kind: 'crease', width: 0, strength: 0.15, blur: 6, fill: true });
      marks.push({ only: ['trouser'], shape: bend, kind: 'shadow', width: 0, strength: 0.08, blur: 5, fill: true });
    }
    if (o.trouserHem === 'turnups') {
      // A turn-up hangs straight: one soft break above it, and the band's fold and its shadow.
      marks.push({
        only: ['trouser'],
        shape: line([
          [s * -40, 130 + up],
          [s * -108, 114 + up],
          [s * -190, 128 + up],
        ]),
        kind: 'crease',
        width: 8,
        strength: 0.55,
        blur: 5,
      });
      marks.push({
        only: ['trouser'],
        shape: line([
          [s * -42, 104 + up],
          [s * -108, 92 + up],
          [s * -186, 104 + up],
        ]),
        kind: 'ridge',
        width: 10,
        strength: 0.45,
        blur: 6,
      });
      marks.push({
        only: ['trouser'],
        shape: line([
          [s * -33, TROUSER_HEM_Y + up + TURNUP_MM + 1],
          [s * -183, TROUSER_HEM_Y + up + TURNUP_MM + 1],
        ]),
        kind: 'seam',
        width: 2,
        strength: 0.55,
        blur: 0.8,
      });
      marks.push({
        only: ['trouser'],
        shape: line([
          [s * -33, TROUSER_HEM_Y + up + TURNUP_MM - 3],
          [s * -183, TROUSER_HEM_Y + up + TURNUP_MM - 3],
        ]),
        kind: 'shadow',
        width: 5,
        strength: 0.35,
        blur: 3,
      });
    } else {
      // Break over the shoe: the hem rests on the vamp, so the leg folds once across its front,
      // deepest at the crease. The fold's crown catches the light, its underside and the valley above
      // it fall into shade, and the hem's lip is lit where it sits on the shoe.
      // Over the instep the fold rides up with the hem's arch.
      const lift = arch * 0.75;
      // The leg eased at the knee (see kneeFoldPts) stands a little shorter over the same hem, so
      // more cloth gathers above the shoe: its folds ride BREAK_EASE mm higher, deeper, and slope down
      // toward the inside leg as its knee's fold does. Alike on both legs (up to b101) the breaks
      // were one stamp printed twice.
      const eased = easedLeg(s, back);
      const across = (y0: number, dip: number, y = y0 + lift): Pt[] =>
        (
          [
            [s * -36, y + dip * 0.9],
            [s * -70, y + dip * 0.35],
            [s * -106, y],
            [s * -150, y + dip * 0.45],
            [s * -186, y + dip * 0.85],
          ] as Pt[]
        ).map(([x, yy]): Pt => (eased ? [x, yy + BREAK_EASE + (Math.abs(x) - 106) * 0.08] : [x, yy]));
      // From behind the hem hangs longer and only slackens over the heel: the same fold, softer.
      const b = (back ? 0.45 : 1) * (eased ? 1.2 : 1);
      // Soft-edged: a fold's crown rounds over, so neither its light nor its shade ends on a line. Each
      // fold is deepest over the instep and dies out toward the side seams (drawn as even bands
      // from seam to seam up to b126, the break read as ripples ruled across the leg).
      const band = (y0: number, dip: number, width: number) => ({ shape: fold(across(y0, dip), 1.25 * width), fill: true, width: 0 });
      marks.push({ only: ['trouser'], ...band(90, 22, 16), kind: 'crease', strength: 0.7 * b, blur: 8 });
      marks.push({ only: ['trouser'], ...band(90, 22, 9), kind: 'shadow', strength: 0.3 * b, blur: 5 });
      marks.push({ only: ['trouser'], ...band(64, 18, 22), kind: 'ridge', strength: 0.6 * b, blur: 10 });
      if (!back) marks.push({ only: ['trouser'], ...band(68, 18, 10), kind: 'highlight', strength: 0.14, blur: 8 });
      marks.push({ only: ['trouser'], ...band(50, 14, 10), kind: 'shadow', strength: 0.24 * b, blur: 7 });
      marks.push({ only: ['trouser'], ...band(134, 14, 8), kind: 'crease', strength: 0.4 * b, blur: 6 });
      marks.push({ only: ['trouser'], ...band(134, 14, 8), kind: 'shadow', strength: 0.12 * b, blur: 6 });
      marks.push({ only: ['trouser'], ...band(112, 16, 12), kind: 'ridge', strength: 0.3 * b, blur: 6 });
      marks.push({
        only: ['trouser'],
        shape: arch
          ? line(hemLine(o, instep, arch, hemFold(turned, s)).map(([x, y]) => [s * x, y + 4] as Pt))
          : line([
              [s * -34, TROUSER_HEM_Y + 8],
              [s * -106, TROUSER_HEM_Y + 2],
              [s * -182, TROUSER_HEM_Y + 9],
            ]),
        kind: 'shadow',
        width: 6,
        strength: 0.4,
        blur: 2.5,
      });
    }
    // The pressed crease itself is in the leg's height (a narrow ridge, see build.ts). No shade is
    // drawn over the leg's half beyond it: a hard-edged one there split each leg into a light half
    // and a dark one. What falls into shade is the inside of the leg, where the other leg keeps the
    // studio's light from it: soft, deepest at the inseam.
    const creaseX = (y: number) => s * (-100 - ((905 - y) / 845) * 6);
    marks.push({
      only: ['trouser'],
      shape: line([...INSEAM.map(([x, y]): Pt => [s * x, y]), [s * -32, 150]]),
      kind: 'shadow',
      width: 24,
      strength: 0.3,
      blur: 14,
    });
    marks.push({
      only: ['trouser'],
      shape: line([
        [creaseX(900) - 5, 900],
        [creaseX(600) - 5, 600],
        [creaseX(150) - 5, 150],
      ]),
      kind: 'highlight',
      width: 10,
      strength: 0.1,
      blur: 5,
    });
    // The knee: soft folds in shade where the cloth hangs from the knee cap.
    marks.push({
      only: ['trouser'],
      ...(back ? { shape: fold(kneeFoldPts(s, true), 9), fill: true, width: 0 } : { shape: kneeFold(s), width: 22 }),
      kind: 'shadow',
      strength: back ? 0.16 : 0.07,
      blur: back ? 6 : 12,
    });
    const shinLight: Pt[] = [
      [s * -55, 480],
      [s * -102, 467],
      [s * -150, 473],
    ];
    const shinLightAcross: Pt[] = [[s * -26, 490], ...shinLight, [s * -180, 479]];
    marks.push({
      only: ['trouser'],
      ...(back ? { shape: fold(shinLightAcross, 10), fill: true, width: 0 } : { shape: line(shinLight), width: 24 }),
      kind: 'highlight',
      strength: back ? 0.08 : 0.06,
      blur: back ? 6 : 12,
    });
    if (back) {
      // Below the seat: drag lines from the inside leg up toward the hip, where the coat's hem ends.
      for (const [y, st] of [
        [740, 0.35],
        [690, 0.22],
      ] as const) {
        const drag: Pt[] = [
          [s * -24, y + 30],
          [s * -70, y + 4],
          [s * -130, y],
        ];
        marks.push({ only: ['trouser'], shape: fold(drag, 9), kind: 'crease', width: 0, strength: st, blur: 7, fill: true });
        marks.push({ only: ['trouser'], shape: fold(drag, 8), kind: 'shadow', width: 0, strength: st * 0.3, blur: 6, fill: true });
      }
    }
    // Thigh: a drag toward the crotch.
    marks.push({
      only: ['trouser'],
      shape: line([
        [s * -30, 790],
        [s * -80, 700],
      ]),
      kind: 'crease',
      width: 8,
      strength: 0.3,
      blur: 8,
    });
    // Inside-leg shadow where the legs meet.
    marks.push({
      only: ['trouser'],
      shape: line([
        [s * -6, 800],
        [s * -24, 600],
        [s * -28, 420],
        [s * -20, 60],
      ]),
      kind: 'shadow',
      width: 16,
      strength: 0.35,
      blur: 12,
    });
    if (o.trouserFront === 'pleated' && !back) {
      // Forward pleats: folds from the waistband that open toward the thigh and fade out.
      for (const [x, len] of [
        [-100, 170],
        [-62, 120],
      ] as const) {
        marks.push({
          only: ['trouser'],
          shape: line([
            [s * x, TROUSER_WAIST_Y - 40],
            [s * (x - 2), TROUSER_WAIST_Y - 40 - len],
          ]),
          kind: 'crease',
          width: 4,
          strength: 0.55,
          blur: 2.5,
        });
        marks.push({
          only: ['trouser'],
          shape: line([
            [s * (x - 6), TROUSER_WAIST_Y - 40],
            [s * (x - 9), TROUSER_WAIST_Y - 40 - len * 0.8],
          ]),
          kind: 'ridge',
          width: 7,
          strength: 0.45,
          blur: 4,
        });
      }
    }
    for (const m of marks.slice(from)) m.leg = s === 1 ? 'right' : 'left';
  }
  // Waistband seam and fly (or the centre back seam).
  marks.push({
    only: ['trouser'],
    shape: line([
      [-180, 985],
      [180, 985],
    ]),
    kind: 'seam',
    width: 1.6,
    strength: 0.5,
    blur: 0.6,
  });
  // The fly and the shadow down the near leg's edge at centre front go with the near leg.
  if (!back)
    marks.push({
      only: ['trouser'],
      shape: draft().M(-2, 985).L(-2, 860).Q(-2, 835, 20, 840),
      kind: 'seam',
      width: 1.5,
      strength: 0.35,
      blur: 0.6,
      leg: 'right',
    });
  marks.push({
    only: ['trouser'],
    shape: line([
      [2, 1025],
      [2, 830],
    ]),
    kind: 'shadow',
    width: 3,
    strength: 0.4,
    blur: 1.5,
    leg: 'right',
  });
}

function waistcoat(set: Draftset, o: StyleOptions): void {
  if (o.waistcoat === 'none') return;
  const { pieces, marks, buttons } = set;
  const db = o.waistcoat === 'db';
  // Its sides lie inside the coat's (the coat is suppressed to -170 mm at the waist): a waistcoat
  // wider than the coat peeked out between coat and sleeve as a second, doubled side edge.
  // A DB waistcoat wraps past centre front with a straight hem; an SB one closes on centre with points.
  const vest = db
    ? draft().M(-70, 1470).L(-8, 1300).L(42, 1230).L(42, 990).L(-160, 998).L(-158, 1100).L(-172, 1300).L(-110, 1470).Z()
    : draft().M(-70, 1470).L(0, 1232).L(0, 990).L(-52, 946).Q(-115, 972, -160, 994).L(-158, 1100).L(-172, 1300).L(-110, 1470).Z();
  // A garment of its own, cut from the same cloth as the coat and laid out by its own centre front:
  // a check's bars fall where its cutter placed them, not where the coat's do. With the coat's
  // pattern origin (up to b143) the checks ran on unbroken from the open coat's fronts onto it, and
  // in a check the coat's front edge all but vanished.
  const origin: Pt = [0, 1232];
  pieces.push({
    id: 'waistcoat-right',
    kind: 'waistcoat',
    shape: vest,
    grain: [
      [0, 1400],
      [0, 1000],
    ],
    anchor: origin,
    loft: 6,
    round: 8,
  });
  pieces.push({
    id: 'waistcoat-left',
    kind: 'waistcoat',
    shape: vest.mirrored(),
    grain: [
      [0, 1400],
      [0, 1000],
    ],
    anchor: origin,
    loft: 6,
    round: 8,
  });
  if (db) {
    for (const x of [-28, 28]) for (const y of [1195, 1125, 1055]) buttons.push({ at: [x, y], d: 14 });
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [-42, 1230],
        [-42, 992],
      ]),
      kind: 'shadow',
      width: 5,
      strength: 0.45,
      blur: 3,
    });
  } else {
    for (let i = 0; i < 6; i++) buttons.push({ at: [0, 1208 - i * 43], d: 15 });
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [0, 1232],
        [0, 990],
      ]),
      kind: 'seam',
      width: 1.8,
      strength: 0.55,
      blur: 0.7,
    });
  }
  for (const s of [1, -1]) {
    // Welt pockets and the waistcoat's lower edge shadow on the trousers.
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [s * -40, 1030],
        [s * -105, 1040],
      ]),
      kind: 'seam',
      width: 3,
      strength: 0.55,
      blur: 0.8,
    });
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [s * -40, 1026],
        [s * -105, 1036],
      ]),
      kind: 'highlight',
      width: 2,
      strength: 0.2,
      blur: 1,
    });
    marks.push({
      only: ['trouser'],
      shape: line(
        db
          ? [
              [s * -4, 990],
              [s * -120, 994],
            ]
          : [
              [s * -4, 990],
              [s * -52, 942],
              [s * -120, 968],
            ],
      ),
      kind: 'shadow',
      width: 8,
      strength: 0.5,
      blur: 5,
    });
    // Pull lines from the buttons.
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [s * -6, 1165],
        [s * -60, 1185],
      ]),
      kind: 'crease',
      width: 5,
      strength: 0.3,
      blur: 5,
    });
    marks.push({
      only: ['waistcoat'],
      shape: line([
        [s * -6, 1080],
        [s * -60, 1095],
      ]),
      kind: 'crease',
      width: 5,
      strength: 0.3,
      blur: 5,
    });
  }
}

/** Pockets of one forepart (image-left geometry, mirrored for the other side). */
function pockets(set: Draftset, style: SuitStyle, side: SideGeometry, fpId: string, mirror: boolean, ticket: boolean): void {
  const o = style.o;
  const mm = (d: Draft) => (mirror ? d.mirrored() : d);
  const mx = (p: Pt): Pt => (mirror ? [-p[0], p[1]] : p);
  const sfx = mirror ? 'left' : 'right';
  // Pockets end a good inch short of the visible front edge; on a double-breasted beyond the wrap. A
  // single-breasted's run out under the arm: its quarters part from the lowest button.
  const [x0, x1] = isDouble(o) ? [-186, -114] : style.open ? [-180, side.edgeX - 24] : [-186, -40];
  const grain: [Pt, Pt] = [
    [0, 1400],
    [0, 900],
  ];
  const only: PanelKind[] = ['forepart', 'flap'];
  const onPanels = [fpId, `pocket-${sfx}`, `ticket-${sfx}`];
  if (o.pockets === 'flap') {
    const f = flap(x0, x1, FLAP_TOP_Y);
    // A flap is three layers of pressed cloth, some 3 mm proud of the forepart: its edge a fine line,
    // and under the soft box only a thin soft shadow below it (standing 9 mm proud, with a drawn
    // shadow 4 mm wide at 55 %, it cast the drop shadow of a shelf).
    set.pieces.push({ id: `pocket-${sfx}`, kind: 'flap', shape: mm(f), grain, anchor: [0, 1100], loft: 2, round: 3, overlap: restingOn(fpId) });
    set.marks.push({ only, onPanels, shape: mm(f), kind: 'seam', width: 1, strength: 0.25, blur: 0.6 });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [x0 + 2, FLAP_TOP_Y - 60],
          [(x0 + x1) / 2, FLAP_TOP_Y - 60],
          [x1, FLAP_TOP_Y - 58],
        ]),
      ),
      kind: 'shadow',
      width: 1,
      strength: 0.15,
      blur: 1,
    });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [x0, FLAP_TOP_Y + 1],
          [x1, FLAP_TOP_Y + 3],
        ]),
      ),
      kind: 'seam',
      width: 2.2,
      strength: 0.7,
      blur: 0.6,
    });
  } else if (o.pockets === 'jetted') {
    // Two narrow jets either side of the mouth: a dark line with lit lips.
    const w = draft()
      .M(x0, FLAP_TOP_Y - 2)
      .L(x1, FLAP_TOP_Y)
      .L(x1, FLAP_TOP_Y - 10)
      .L(x0, FLAP_TOP_Y - 12)
      .Z();
    set.pieces.push({ id: `pocket-${sfx}`, kind: 'welt', shape: mm(w), grain, anchor: [0, 1100], loft: 2, round: 2, overlap: restingOn(fpId) });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [x0, FLAP_TOP_Y - 6],
          [x1, FLAP_TOP_Y - 4],
        ]),
      ),
      kind: 'seam',
      width: 2,
      strength: 0.8,
      blur: 0.5,
    });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [x0, FLAP_TOP_Y - 13],
          [x1, FLAP_TOP_Y - 11],
        ]),
      ),
      kind: 'shadow',
      width: 3,
      strength: 0.3,
      blur: 2,
    });
  } else {
    const inner = patchInnerX(x0 + 4, x1 + 6, FLAP_TOP_Y + 20, isDouble(o) ? undefined : singleQuarter(style, side));
    const p = patch(x0 + 4, inner, FLAP_TOP_Y + 20);
    // A flat layer of cloth with a slightly turned edge, like the flap (6 px proud on a 6 px round,
    // with a drawn shadow 6 mm wide at 55 %, it puffed into a cushion): its edge casts a thin soft
    // shadow on the forepart; its own edge is topstitched; the mouth gapes a little.
    set.pieces.push({ id: `pocket-${sfx}`, kind: 'flap', shape: mm(p), grain, anchor: [0, 1100], loft: 2, round: 3, overlap: restingOn(fpId) });
    set.marks.push({ only, onPanels, shape: mm(patch(x0 + 5, inner + 1, FLAP_TOP_Y + 18)), kind: 'shadow', width: 1.5, strength: 0.2, blur: 1 });
    // The topstitching 6 mm in from the pocket's every edge.
    set.threads.push({ shape: mm(patch(x0 + 10, inner - 6, FLAP_TOP_Y + 14, PATCH_DEPTH - 12)), width: 0.9, dash: '1.6 2.6', opacity: 0.3, onPanels });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [x0 + 6, FLAP_TOP_Y + 17],
          [inner - 2, FLAP_TOP_Y + 19],
        ]),
      ),
      kind: 'shadow',
      width: 4,
      strength: 0.5,
      blur: 1.5,
    });
    set.threads.push({
      shape: mm(
        line([
          [x0 + 8, FLAP_TOP_Y + 10],
          [inner - 4, FLAP_TOP_Y + 12],
        ]),
      ),
      width: 0.9,
      dash: '1.6 2.6',
      opacity: 0.35,
      onPanels,
    });
  }
  if (ticket) {
    const tx0 = x0 + 6;
    const tx1 = x0 + 6 + Math.min(115, (x1 - x0) * 0.7);
    const top = FLAP_TOP_Y + 62;
    const f =
      o.pockets === 'flap'
        ? flap(tx0, tx1, top, 42)
        : draft()
            .M(tx0, top - 2)
            .L(tx1, top)
            .L(tx1, top - 9)
            .L(tx0, top - 11)
            .Z();
    set.pieces.push({
      id: `ticket-${sfx}`,
      kind: o.pockets === 'flap' ? 'flap' : 'welt',
      shape: mm(f),
      grain,
      anchor: [0, 1100],
      loft: o.pockets === 'flap' ? 7 : 2,
      round: 3,
      overlap: restingOn(fpId),
    });
    set.marks.push({
      only,
      onPanels,
      shape: mm(
        line([
          [tx0 + 2, top - (o.pockets === 'flap' ? 46 : 14)],
          [tx1, top - (o.pockets === 'flap' ? 44 : 12)],
        ]),
      ),
      kind: 'shadow',
      width: 4,
      strength: 0.5,
      blur: 3,
    });
  }
  void mx;
}

/** The breast welt (mm): where it starts at most, where it ends, its shortest, its bottom edge's start and rise, its depth. */
const WELT_START_X = 104;
const WELT_END_X = 170;
const WELT_MIN = 45;
const WELT_Y = 1283;
const WELT_RISE = 0.125;
const WELT_DEPTH = 22;
/** The breast welt's bottom edge at `x` (body mm), for tests that look at it. */
export function breastWeltBottom(x: number): number {
  return WELT_Y + (x - WELT_START_X) * WELT_RISE;
}
export { WELT_DEPTH as BREAST_WELT_DEPTH, WELT_END_X as BREAST_WELT_END_X };
/**
 * How far the welt stands off the chest and how its edges turn (native px at 0.9 px/mm): a pressed
 * band three cloths thick. At 3 and 2 it shaded as a quilted pad, casting a shadow 5 mm wide.
 */
const WELT_LOFT = 0.6;
const WELT_ROUND = 0.8;
/** The height of the welt's top at its start, where the lapel's edge is judged. */
const WELT_TOP_Y = WELT_Y + WELT_DEPTH + 4;

function draftSuit(style: SuitStyle, front: boolean, turned = false): Draftset {
  const o = style.o;
  const set: Draftset = { pieces: [], marks: [], buttons: [], threads: [] };
  const { pieces, marks, buttons, threads } = set;
  const { left, right } = sidesFor(style);
  const double = isDouble(o);

  trousers(set, o, false, front, hemArch(front ? 'front' : turned ? 'three-quarter' : 'detail'), turned);
  waistcoat(set, o);

  // Inside of the back neck, seen through the neck opening: the inner face of the coat's collar, the
  // same collar as the fronts'. It lies under them, so its top runs on from theirs round the back of
  // the neck (laid over them, up to b121, it stood 3 mm above their ends). Its folded top edge (the
  // collar's roll) catches a line of light; below it the face is lit through the neck as the shirt's
  // band before it is, falling into shade only where it meets that band; its image-left wall faces
  // away from the key light and stays darker than the right one. Shaded as a deep hollow (up to b121)
  // it was a dark band across the neck that read as a hanger's.
  const neck = draft().M(COLLAR_TOP[0], COLLAR_TOP[1]).Q(0, 1559, -COLLAR_TOP[0], COLLAR_TOP[1]).L(50, 1506).L(47, 1510).Q(0, 1522, -47, 1510).L(-50, 1506).Z();
  marks.push({ only: ['inside'], shape: neck, kind: 'shadow', width: 0, strength: 0.15, blur: 2, fill: true });
  marks.push({
    only: ['inside'],
    shape: draft().M(-44, 1526).Q(0, 1542, 44, 1526).L(40, 1513).Q(0, 1524, -40, 1513).Z(),
    kind: 'crease',
    width: 0,
    strength: 0.4,
    blur: 4,
    fill: true,
  });
  marks.push({
    only: ['inside'],
    shape: draft().M(-56, 1534).L(-18, 1548).L(-16, 1510).L(-50, 1506).Z(),
    kind: 'shadow',
    width: 0,
    strength: 0.4,
    blur: 6,
    fill: true,
  });
  marks.push({ only: ['inside'], shape: draft().M(-48, 1527).Q(0, 1548, 48, 1527), kind: 'highlight', width: 2.6, strength: 0.6, blur: 0.9 });
  marks.push({ only: ['inside'], shape: draft().M(-48, 1526).Q(0, 1546, 48, 1526), kind: 'ridge', width: 5, strength: 0.6, blur: 1.5 });
  marks.push({ only: ['inside'], shape: draft().M(-47, 1512).Q(0, 1524, 47, 1512), kind: 'shadow', width: 6, strength: 0.5, blur: 2.5 });
  pieces.push({
    id: 'collar-back',
    kind: 'inside',
    shape: neck,
    grain: [
      [-50, 1530],
      [50, 1530],
    ],
    anchor: [0, 1530],
    loft: 2,
    round: 4,
  });

  // --- foreparts, back to front: the wearer's right (image left) lies under the left. Each side is
  // forepart, then its pockets, then its lapel and collar, so nothing of one side floats over another.
  const lcL = lapelAndCollar(style, left);
  const lcR = lapelAndCollar(style, right);
  const sideOf = (id: 'right' | 'left') => {
    const mirror = id === 'left';
    const geo = mirror ? right : left;
    const lc = mirror ? lcR : lcL;
    const fpId = `forepart-${id}`;
    const fp = forepart(style, geo, !mirror && double);
    pieces.push({
      id: fpId,
      kind: 'forepart',
      shape: mirror ? fp.mirrored() : fp,
      grain: [
        [0, 1400],
        [0, 900],
      ],
      anchor: [0, 1100],
      loft: 8,
      round: 10,
    });
    pockets(set, style, geo, fpId, mirror, !mirror && o.ticketPocket === 'yes');
    if (mirror && o.breastPocket === 'yes') {
      // Breast welt on the wearer's left, tilted up toward the arm (1 in 8), on the chest between the
      // lapel and the sleeve as a tailor sets it: its end some 11-19 mm of chest short of the sleeve,
      // its start 6 mm clear of the lapel's edge where the lapel allows a welt of 45 mm or more. Until
      // b87 it ran from 100 to 196 mm across, 12 mm under the sleeve (its end vanished into the
      // armhole) and its first 8-30 mm under the lapel (single-breasted, three-piece, wide peak).
      const lapelEdge = -polyX(sampleCatmullRom(lc.outerEdge, 16), WELT_TOP_Y);
      const x0 = Math.min(WELT_END_X - WELT_MIN, Math.max(WELT_START_X, lapelEdge + 6));
      const y0 = WELT_Y + (x0 - WELT_START_X) * WELT_RISE;
      const y1 = WELT_Y + (WELT_END_X - WELT_START_X) * WELT_RISE;
      const welt = draft()
        .M(x0, y0)
        .L(WELT_END_X, y1)
        .L(WELT_END_X, y1 + WELT_DEPTH)
        .L(x0, y0 + WELT_DEPTH)
        .Z();
      pieces.push({
        id: 'breast-welt',
        kind: 'welt',
        shape: welt,
        grain: [
          [0, 1400],
          [0, 900],
        ],
        anchor: [0, 1100],
        loft: WELT_LOFT,
        round: WELT_ROUND,
        overlap: restingOn(fpId),
        sewnFlat: true,
      });
      // Sewn down along its bottom edge and its ends: fine seams there, and no shadow on the chest
      // below. Its top is a pressed fold over the pocket's mouth: a fine dark line, the fold just
      // under it catching the light.
      const onPanels = [fpId, 'breast-welt'];
      const seam = (a: Pt, b: Pt, strength: number) => marks.push({ onPanels, shape: line([a, b]), kind: 'seam', width: 0.9, strength, blur: 0.3 });
      seam([x0 + 0.5, y0 + 0.3], [WELT_END_X - 0.5, y1 + 0.3], 0.25);
      seam([x0 + 0.3, y0 + 0.5], [x0 + 0.3, y0 + WELT_DEPTH - 0.5], 0.15);
      seam([WELT_END_X - 0.3, y1 + 0.5], [WELT_END_X - 0.3, y1 + WELT_DEPTH - 0.5], 0.15);
      seam([x0 + 0.5, y0 + WELT_DEPTH - 0.2], [WELT_END_X - 0.5, y1 + WELT_DEPTH - 0.2], 0.2);
      marks.push({
        onPanels: ['breast-welt'],
        shape: line([
          [x0 + 1, y0 + WELT_DEPTH - 1.2],
          [WELT_END_X - 1, y1 + WELT_DEPTH - 1.2],
        ]),
        kind: 'highlight',
        width: 1,
        strength: 0.15,
        blur: 0.5,
      });
    }
    const B: Pt = [geo.edgeX, geo.breakY];
    const m = (p: Pt): Pt => (mirror ? [-p[0], p[1]] : p);
    pieces.push({
      id: `lapel-${id}`,
      kind: 'lapel',
      shape: mirror ? lc.lapel.mirrored() : lc.lapel,
      grain: [
        [0, 1400],
        [0, 1000],
      ],
      anchor: m(lc.gorge),
      // Lofted 8 (up to b112), the field's smoothing ran the step down onto the chest as a slope in
      // shade 10-15 mm wide beside the lapel; lofted 4 and rounded within 10 mm (up to b133), its face
      // fell into a band of shade 3-5 mm in from its edge, one of a rail's two lines.
      loft: 3,
      round: 5,
      mirrorGrainAbout: [m(B), m(geo.rollTop)],
      overlap: restingOn(fpId),
      rollEdge: mirror ? 'left' : 'right',
    });
    if (lc.collar) {
      pieces.push({
        id: `collar-${id}`,
        kind: 'collar',
        shape: mirror ? lc.collar.mirrored() : lc.collar,
        // Its stripes meet the lapel's across the gorge seam, as a cutter lays them: the lapel's
        // grain and pattern origin (up to b142 its warp ran along the leaf, a few degrees off the
        // lapel's, and out of step with it at the seam).
        grain: [
          [0, 1400],
          [0, 1000],
        ],
        mirrorGrainAbout: [m(B), m(geo.rollTop)],
        anchor: m(lc.gorge),
        // It lies on the chest as the lapel does: lofted 6 and rounded within 5 mm (up to b134), its
        // step ran down onto the chest as a soft halo of shade round the leaf, a pillow. Lofted 3, the
        // studio's suggested mask of a navy suit with a navy tie (three-quarter, by phone) left out
        // more of the jacket than its test allows.
        loft: 4,
        round: 3,
        overlap: restingOn(fpId),
      });
    }
    // This side's lapel: it lies on the chest, three pressed layers proud, so its edge throws a thin
    // line of shade on its own forepart (and the breast welt beside it), as in the reference photo;
    // 7 mm wide and blurred by 5 (up to b112) it stood off the chest like a board. Pick stitching; gorge.
    const own = [fpId, `lapel-${id}`, `collar-${id}`, `pocket-${id}`];
    // Its shade lies along the edge, 1.6 mm out from it all the way: drawn through the edge's points
    // moved 4 mm out and 3 down (up to b133), it lay 4-5 mm clear of the edge where the edge runs
    // down, a stripe of lit chest between it and the lapel's own shaded edge: a rail, not an edge.
    const edge = outwardOf(lc.outerEdge, 1.6).map(m);
    marks.push({ onPanels: mirror ? [fpId, 'breast-welt'] : [fpId], shape: line(edge), kind: 'shadow', width: 1.8, strength: 0.3, blur: 1.2 });
    // Each pick a dimple some 0.6 mm across: seen up close, a row of them; from a step away, hardly
    // there (1 mm at 0.22, up to b121, drew a dotted line along the lapel at full size).
    threads.push({ shape: line(lc.outerEdge.map((p) => m([p[0] + 5, p[1] + 1]))), width: 0.6, dash: HAND_PICK_STITCH, opacity: 0.16, onPanels: own });
    // A pressed lapel edge is cloth folded over itself: its rounded lip catches the key light as a
    // fine bright line. On the lapel turned away from the light the lip falls into shade instead:
    // lit there too, more faintly (up to b133), it drew a light line between two dark ones.
    marks.push({
      onPanels: [`lapel-${id}`],
      shape: line(lc.outerEdge.map((p) => m([p[0] + 1.6, p[1] + 0.4]))),
      kind: mirror ? 'shadow' : 'highlight',
      width: 1.8,
      strength: mirror ? 0.12 : 0.24,
      blur: 0.8,
    });
    if (lc.collar) {
      marks.push({ onPanels: own, shape: line([m(lc.notch), m(lc.gorge)]), kind: 'seam', width: 1.8, strength: 0.55, blur: 0.6 });
      marks.push({
        onPanels: own,
        shape: line([m([lc.gorge[0] - 12, lc.gorge[1] + 10]), m([lc.notch[0] - 4, lc.notch[1] + 30])]),
        kind: 'shadow',
        width: 8,
        strength: 0.3,
        blur: 6,
      });
    }
    // The roll: a rounded ridge just inside the roll line.
    const T = geo.rollTop;
    marks.push({
      onPanels: own,
      shape: line([m(lerpPt(B, T, 0.2)), m(lerpPt(B, T, 0.95))].map((p) => [p[0] - (mirror ? -6 : 6), p[1]] as Pt)),
      kind: 'ridge',
      width: 12,
      strength: 0.35,
      blur: 7,
    });
  };
  sideOf('right');
  sideOf('left');

  // Sleeves last: they hang in front of the body.
  pushSleeves(pieces, 'forepart');

  jacketMarks(set, style, false, turned);

  // Closure: buttons, buttonholes, the wrap's shadow and the pull of the fastening.
  if (double) {
    const rows = o.fastening === 'db6x2' ? [LOWER_BUTTON_Y, WAIST_BUTTON_Y] : [LOWER_BUTTON_Y, WAIST_BUTTON_Y];
    for (const x of [-62, 62]) for (const y of rows) buttons.push({ at: [x, y], d: 21 });
    if (o.fastening === 'db6x2') for (const x of [-80, 80]) buttons.push({ at: [x, WAIST_BUTTON_Y + 110], d: 21 });
    const holes = o.fastening === 'db6x2' ? rows : [WAIST_BUTTON_Y];
    // Buttoned, each button sits in its hole's eye, at the end toward the front edge: the slit runs
    // on from it away from the edge, past the button (drawn the other way, a stub showed on the edge's side).
    for (const y of holes) buttonhole(set, [-62, y], [-62 + BUTTONHOLE.lengthMm, y], ['forepart-left'], true);
    marks.push({
      onPanels: ['forepart-right', 'pocket-right', 'ticket-right'],
      shape: line([
        [-97, WAIST_BUTTON_Y + 10],
        [-97, HEM_Y + 10],
      ]),
      kind: 'shadow',
      width: 6,
      strength: 0.5,
      blur: 4,
    });
    marks.push({
      only: ['forepart', 'flap'],
      shape: line([
        [-60, WAIST_BUTTON_Y + 6],
        [40, 1140],
        [140, 1175],
      ]),
      kind: 'crease',
      width: 8,
      strength: 0.25,
      blur: 9,
    });
    marks.push({
      only: ['forepart', 'flap'],
      shape: line([
        [-60, WAIST_BUTTON_Y - 6],
        [40, 1030],
        [140, 1000],
      ]),
      kind: 'crease',
      width: 8,
      strength: 0.2,
      blur: 9,
    });
  } else if (!style.open) {
    const ys =
      o.fastening === 'sb1' ? [WAIST_BUTTON_Y - 20] : o.fastening === 'sb2' ? [LOWER_BUTTON_Y, WAIST_BUTTON_Y] : [LOWER_BUTTON_Y, WAIST_BUTTON_Y, TOP_BUTTON_Y];
    for (const y of ys) {
      buttons.push({ at: [0, y], d: 21 });
      buttonhole(set, [0, y], [BUTTONHOLE.lengthMm, y], ['forepart-left'], true);
    }
    const low = Math.min(...ys);
    marks.push({
      only: ['forepart', 'flap'],
      shape: line([
        [-20, left.breakY + 20],
        [-20, low - 12],
        [10, HEM_Y + 60],
        [60, HEM_Y],
      ]),
      kind: 'shadow',
      width: 6,
      strength: 0.45,
      blur: 4,
    });
    // X-shaped pull lines from the fastened waist button.
    marks.push({
      only: ['forepart', 'flap'],
      shape: line([
        [-6, WAIST_BUTTON_Y + 8],
        [-70, 1125],
        [-140, 1150],
      ]),
      kind: 'crease',
      width: 7,
      strength: 0.25,
      blur: 8,
    });
    marks.push({
      only: ['forepart', 'flap'],
      shape: line([
        [6, WAIST_BUTTON_Y + 8],
        [70, 1125],
        [140, 1150],
      ]),
      kind: 'crease',
      width: 7,
      strength: 0.25,
      blur: 8,
    });
  } else {
    // Open coat: buttons on the wearer's right, buttonholes on the left.
    const ys =
      o.fastening === 'sb1' ? [WAIST_BUTTON_Y] : o.fastening === 'sb2' ? [LOWER_BUTTON_Y, WAIST_BUTTON_Y] : [LOWER_BUTTON_Y, WAIST_BUTTON_Y, TOP_BUTTON_Y - 40];
    for (const y of ys) {
      buttons.push({ at: [-78, y], d: 21 });
      buttonhole(set, [62, y], [62 + BUTTONHOLE.lengthMm, y], ['forepart-left'], true);
    }
    // Each front edge casts a soft shadow on the waistcoat and trousers beneath it. Drawn on the
    // coat itself a centimetre inside the edge, it read as a second, doubled front edge.
    for (const s of [1, -1])
      marks.push({
        only: ['waistcoat', 'trouser'],
        shape: line([
          [s * -68, 1462],
          [s * -45, WAIST_BUTTON_Y],
          [s * -45, 990],
          [s * -54, 880],
          [s * -84, 800],
          [s * -104, HEM_Y - 8],
        ]),
        kind: 'shadow',
        width: 9,
        strength: 0.5,
        blur: 5,
      });
  }
  const hole = boutonniereOf(style);
  if (hole) buttonhole(set, hole[0], hole[1], ['lapel-left']);
  cuffButtons(set);
  return set;
}

/**
 * Four kissing cuff buttons on each sleeve's vent, which lies round the back of the forearm from its
 * outer side. From the front they show edge-on, a sliver at the sleeve's outline (as the reference
 * photo's do, a third of their width); from behind the vent faces half toward the camera, so they
 * stand inside the outline, seen at a slant. Up to b151 both views drew them alike, ovals of 0.45 of
 * their width on the outline.
 */
function cuffButtons(set: Draftset, back = false): void {
  for (const s of [1, -1])
    for (let i = 0; i < 4; i++)
      set.buttons.push({
        at: [s * armPt([back ? CUFF_BUTTONS_BACK_X : CUFF_BUTTONS_FRONT_X, CUFF_Y + 38 + i * 15])[0], CUFF_Y + 38 + i * 15],
        d: 14,
        squash: back ? 0.6 : 0.32,
        layer: s === 1 ? 'near-arm' : 'far-arm',
      });
}
/**
 * Where the cuff buttons' centres stand across the hanging arm, before `armPt` carries them with it
 * (the sleeve's outline at the cuff projects to -268 mm): from the front on the outline, a sliver
 * standing on the edge; from behind 8 mm inside it, the vent some 35° round from the arm's outer side
 * toward the camera.
 */
const CUFF_BUTTONS_FRONT_X = -270.5;
const CUFF_BUTTONS_BACK_X = -264;

/** Seams, drape and sleeve folds of the jacket body, front or back. */
function jacketMarks(set: Draftset, style: SuitStyle, back: boolean, turned = false): void {
  const { marks } = set;
  const body: PanelKind[] = ['forepart'];
  for (const s of [1, -1]) {
    const mx = (p: Pt): Pt => [s * p[0], p[1]];
    const L = (pts: Pt[]) => line(pts.map(mx));
    // Marks on a sleeve move with that arm when the figure turns (the near arm swings forward).
    const arm: Layer = s === 1 ? 'near-arm' : 'far-arm';
    const A = (pts: Pt[]) => line(pts.map(armPt).map(mx), arm);
    // A pressed seam: the allowances pressed open beneath lift the cloth in a slight ridge either
    // side of a fine line, the light catching one side; not a groove (a 2.5 mm crease under a dark
    // line read as a cut in the cloth, 20 % deep over 7 mm).
    const seam = (pts: Pt[], only: PanelKind[], strength = 1, layer: Layer = 'torso') => {
      marks.push({ only, shape: line(pts.map(mx), layer), kind: 'ridge', width: 7, strength: 0.12 * strength, blur: 2 });
      marks.push({ only, shape: line(pts.map(mx), layer), kind: 'crease', width: 0.8, strength: 0.1 * strength, blur: 0.5 });
      marks.push({ only, shape: line(pts.map(mx), layer), kind: 'seam', width: 0.8, strength: 0.12 * strength, blur: 0.5 });
    };
    if (back) {
      // The shoulder blade's fullness. (The side-back seams are draftBack's: a second seam drawn
      // here ran beside them, 12 mm apart.)
      marks.push({
        only: body,
        shape: L([
          [-90, 1420],
          [-100, 1330],
        ]),
        kind: 'ridge',
        width: 60,
        strength: 0.3,
        blur: 30,
      });
      marks.push({
        only: body,
        shape: L([
          [-70, 1180],
          [-80, 1060],
        ]),
        kind: 'crease',
        width: 30,
        strength: 0.3,
        blur: 20,
      });
      // The sleeve's back seam, where its under and top sleeves are joined: from behind the armhole
      // it swings out along the back of the arm and runs into the vent above the cuff buttons.
      seam(
        (
          [
            [-226, 1330],
            [-236, 1200],
            [-247, 1060],
            [-256, 960],
            [CUFF_BUTTONS_BACK_X + 4, CUFF_Y + 84],
          ] as Pt[]
        ).map(armPt),
        ['sleeve'],
        1,
        arm,
      );
    } else {
      // Front dart from the pocket to the chest, and the side-body seam. The dart lies where the body
      // turns away toward the arm, in shade, where the studio's contrast deepens every line: drawn at
      // 0.8 as it was when the body there was lit (to b121), it measured 10 % deep there, not 7 %.
      seam(
        [
          [-98, FLAP_TOP_Y + 2],
          [-101, 1080],
          [-104, 1215],
        ],
        body,
        0.6,
      );
      seam(
        [
          [-172, 1262],
          [-164, 1100],
          [-166, FLAP_TOP_Y + 2],
        ],
        body,
      );
      // Forepart: chest fullness and a gentle drape line from the shoulder.
      // The canvas rolls the chest forward: a broad swell over the chest, turning away toward the
      // armhole and falling into the hollow under it.
      marks.push({
        only: ['forepart', 'flap'],
        shape: L([
          [-120, 1380],
          [-125, 1300],
          [-135, 1200],
        ]),
        kind: 'ridge',
        width: 46,
        strength: 0.55,
        blur: 22,
      });
      marks.push({
        only: ['forepart'],
        shape: L([
          [-176, 1250],
          [-168, 1160],
        ]),
        kind: 'crease',
        width: 16,
        strength: 0.3,
        blur: 12,
      });
      // Jacket hem shadow on the trousers: the coat's own edge casts a tight contact shadow (see
      // castShadows); this is only the soft light it keeps from the cloth just below. At 0.5 (up
      // to b103) the trousers lay at 0.56-0.64 of their lit shade for 20 mm under the hem, a dark
      // band the reference photo does not show (a line at its hem, then 0.98 within a few mm).
      marks.push({
        only: ['trouser', 'waistcoat'],
        shape: L([
          [-188, HEM_Y - 8],
          [-100, HEM_Y - 12],
          [-40, HEM_Y - 10],
        ]),
        kind: 'shadow',
        width: 12,
        strength: 0.15,
        blur: 7,
      });
    }
    // Shoulder seam, ending where the sleeve-head seam begins (the armhole seam's top on the shoulder
    // line), as they are sewn: it stopped 3 mm short of it, a gap that read as an unsewn corner.
    seam([[-80, NECK_Y - 2], [-150, shoulderYAt(-150)], SLEEVE_INNER[0]], body, 0.7);
    // Sleeve-head seam and the shadow under the sleeve head. Seen from the front or back that shadow
    // lies beside the sleeve's edge (carried across with it); in a turned view the near arm swings
    // forward off the torso, and carried across it lay on the open forepart as a smudge. It begins
    // where the sleeve leaves the body, some 13 cm below the shoulder: above, the head is sewn into
    // the armhole, cloth running on into cloth, and a shadow there (from 6 cm below the shoulder, up
    // to b83) creased the top of the armhole into a dark groove and a pale wedge at the shoulder
    // point: the sleeve read as a puffed tube pushed under the shoulder.
    const beside = (p: Pt): Pt => (turned ? p : armPt(p));
    seam(SLEEVE_INNER.slice(0, 4), [...body, 'sleeve'], 1.2, arm);
    marks.push({
      only: body,
      shape: L(
        (
          [
            [-206, 1320],
            [-194, 1270],
            [-185, 1200],
          ] as Pt[]
        ).map(beside),
      ),
      kind: 'shadow',
      width: 10,
      strength: 0.2,
      blur: 8,
    });
    // Down the side below the armpit the sleeve's own height casts its shadow on the body. A drawn
    // shadow there as well (strength 0.45, 14 mm wide, up to b98), with the one under the sleeve
    // head above at 0.35, laid a band half as dark as the body and some 25 mm wide down the coat's
    // side beside each sleeve, where the photo templates show a fine dark line at the sleeve's edge
    // and the body a tenth darker beside it.
    // Elbow: creases fanning from the inside of the elbow (its point from behind).
    // The two arms do not hang alike: the far one (s = -1) is bent a little less, so its fan sits some
    // 14 mm higher and tilts up toward the outer edge. Drawn mirror images, the pair read as drawn.
    const elbow = (pts: Pt[]) => A(s === 1 ? pts : pts.map(([x, y]): Pt => [x, y + 14 - (x + 205) * 0.1]));
    // The arm hangs slightly bent, so the inside of the elbow gathers in a fan of short folds that
    // die out before the sleeve's outer edge: each a crease with the lit ridge just above it.
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-205, 1094],
        [-236, 1074],
        [-254, 1072],
      ]),
      kind: 'crease',
      width: 7,
      strength: back ? 0.25 : 0.42,
      blur: 5,
    });
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-206, 1058],
        [-232, 1043],
        [-246, 1042],
      ]),
      kind: 'crease',
      width: 6,
      strength: back ? 0.2 : 0.34,
      blur: 5,
    });
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-206, 1022],
        [-226, 1014],
      ]),
      kind: 'crease',
      width: 5,
      strength: 0.25,
      blur: 4,
    });
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-206, 1128],
        [-230, 1115],
        [-242, 1114],
      ]),
      kind: 'crease',
      width: 5,
      strength: back ? 0.15 : 0.22,
      blur: 5,
    });
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-207, 1076],
        [-240, 1059],
        [-258, 1058],
      ]),
      kind: 'ridge',
      width: 8,
      strength: 0.32,
      blur: 6,
    });
    marks.push({
      only: ['sleeve'],
      shape: elbow([
        [-207, 1039],
        [-232, 1028],
        [-244, 1028],
      ]),
      kind: 'ridge',
      width: 7,
      strength: 0.25,
      blur: 6,
    });
    // Sleeve: a long soft fall line down the sleeve, and the cuff.
    marks.push({
      only: ['sleeve'],
      shape: A([
        [-250, 1400],
        [-262, 1200],
        [-263, 1000],
        [-258, 880],
      ]),
      kind: 'ridge',
      width: 14,
      strength: 0.3,
      blur: 10,
    });
    marks.push({
      only: ['sleeve'],
      shape: A([
        [-206, CUFF_Y + 8],
        [-268, CUFF_Y + 2],
      ]),
      kind: 'shadow',
      width: 3,
      strength: 0.3,
      blur: 2,
    });
    // (The hem's turn-under is its pressed edge's lip. A shadow drawn along it, 5 mm wide and
    // blurred 3, to b124, darkened a band some 8 mm deep above the edge, where the reference photo
    // shows one line.)
  }
  void style;
}

/** The line of the back's fold of ease (image-right side; mirrored for the other), armhole to waist. */
export const BACK_EASE_FOLD: readonly Pt[] = [
  [150, 1318],
  [128, 1250],
  [118, 1170],
];

/**
 * The back's own form over the torso's rows: the coat lies over two shoulder blades, rounded bumps
 * either side of the spine, lit along their tops and shaded under their lower edges; below, the ease
 * cut across the blades falls in a long soft fold down each side toward the waist. The torso's section
 * alone is the same across each row, so the back was one even surface from seam to seam, as a cut-out
 * is. The cloth bridges the spine between the blades: a valley drafted there (a broad crease) darkened
 * the centre seam's top into a groove.
 */
function backForm(set: Draftset): void {
  const only: PanelKind[] = ['forepart'];
  for (const s of [1, -1]) {
    set.marks.push({ only, shape: ellipse(s * 86, 1362, 66, 58), kind: 'ridge', width: 0, strength: 0.85, blur: 18, fill: true });
    const drape = fold(
      BACK_EASE_FOLD.map(([x, y]) => [s * x, y] as Pt),
      22,
    );
    set.marks.push({ only, shape: drape, kind: 'ridge', width: 0, strength: 0.55, blur: 8, fill: true });
  }
}

/** The coat from behind: back panels with the centre seam, vents, collar, sleeves, trousers. */
function draftBack(style: SuitStyle): Draftset {
  const o = style.o;
  const set: Draftset = { pieces: [], marks: [], buttons: [], threads: [] };
  const { pieces, marks } = set;
  trousers(set, o, true);
  const half = draft()
    .M(0, 1510)
    .Q(-40, 1508, -80, NECK_Y)
    .Q(SHOULDER_LINE[1][0], SHOULDER_LINE[1][1], SHOULDER_POINT[0], SHOULDER_POINT[1])
    .through([
      [-238, 1400],
      [-222, 1330],
      [-200, 1286],
    ])
    .through([
      [-180, 1180],
      [-172, 1092],
      [-183, 980],
      [-196, 860],
      [-199, HEM_Y + 2],
    ])
    .L(0, HEM_Y - 2)
    .Z();
  pieces.push({
    id: 'back-right',
    kind: 'forepart',
    shape: half,
    grain: [
      [0, 1400],
      [0, 900],
    ],
    anchor: [0, 1100],
    loft: 8,
    round: 10,
    sewnTo: 'back-left',
  });
  pieces.push({
    id: 'back-left',
    kind: 'forepart',
    shape: half.mirrored(),
    grain: [
      [0, 1400],
      [0, 900],
    ],
    anchor: [0, 1100],
    loft: 8,
    round: 10,
    sewnTo: 'back-right',
  });
  // The collar from behind: its fall turned down over the stand. The roll along its top is a soft
  // rounded fold that catches the light, nearly level across the back of the neck, its ends sweep
  // down round the neck onto the shoulders, and its lower edge lies on the back, below the neck seam,
  // lowest at the centre back as the neckline is, with a shadow under it. (Domed across the top and
  // bowed up along its lower edge, as up to b61, it stood on the shoulders like a neck without a head.)
  const collar = draft().M(-112, 1489).C(-97, 1495, -88, 1530, -60, 1538).Q(0, 1544, 60, 1538).C(88, 1530, 97, 1495, 112, 1489).Q(0, 1474, -112, 1489).Z();
  // The top collar is cut with its centre back on the straight grain, and a cutter lays it so that
  // its stripes run on from the back's: the back's grain and pattern origin, so a stripe or a check
  // crosses the collar's edge unbroken. (With its warp run round the neck, up to b142, a pinstripe
  // crossed the back of the collar in level lines.)
  pieces.push({
    id: 'collar-back',
    kind: 'collar',
    shape: collar,
    grain: [
      [0, 1400],
      [0, 900],
    ],
    anchor: [0, 1100],
    loft: 6,
    round: 5,
  });
  // The roll: a broad rounded ridge just under the top edge, lit along its crown; below it the fall
  // curls under toward its edge, and its ends turn forward round the neck, away from the light.
  const crown = (dy: number) =>
    draft()
      .M(-90, 1507 + dy)
      .C(-82, 1524 + dy, -72, 1530 + dy, -50, 1534 + dy)
      .Q(0, 1541 + dy, 50, 1534 + dy)
      .C(72, 1530 + dy, 82, 1524 + dy, 90, 1507 + dy);
  marks.push({ only: ['collar'], shape: crown(-1), kind: 'ridge', width: 14, strength: 0.9, blur: 4 });
  marks.push({ only: ['collar'], shape: crown(1), kind: 'highlight', width: 5, strength: 0.55, blur: 2 });
  marks.push({
    only: ['collar'],
    shape: draft().M(-100, 1490).C(-94, 1508, -82, 1520, -50, 1524).Q(0, 1530, 50, 1524).C(82, 1520, 94, 1508, 100, 1490).Z(),
    kind: 'shadow',
    width: 0,
    strength: 0.22,
    blur: 5,
    fill: true,
  });
  marks.push({ only: ['collar'], shape: draft().M(-106, 1493).Q(0, 1478, 106, 1493), kind: 'shadow', width: 6, strength: 0.35, blur: 2.5 });
  for (const [x, k] of [
    [-1, 0.32],
    [1, 0.2],
  ] as const)
    marks.push({
      only: ['collar'],
      shape: draft()
        .M(x * 100, 1492)
        .L(x * 86, 1522)
        .L(x * 74, 1500)
        .Z(),
      kind: 'shadow',
      width: 0,
      strength: k,
      blur: 6,
      fill: true,
    });
  marks.push({ only: ['forepart'], shape: draft().M(-110, 1487).Q(0, 1470, 110, 1487), kind: 'shadow', width: 9, strength: 0.5, blur: 4 });
  marks.push({ only: ['forepart'], shape: draft().M(-108, 1488).Q(0, 1472, 108, 1488), kind: 'seam', width: 1.6, strength: 0.45, blur: 0.6 });
  pushSleeves(pieces, 'back');
  jacketMarks(set, style, true);
  backForm(set);
  // Centre back seam, down to the vent or the hem: pressed open, a shallow groove and a fine line
  // (a deeper groove read as a line drawn down the back, beside the photo's hairline darts).
  const ventTop = HEM_Y + 235;
  const seamEnd = o.vents === 'single' ? ventTop : HEM_Y;
  marks.push({
    only: ['forepart'],
    shape: line([
      [0, 1492],
      [0, 1300],
      [0, seamEnd],
    ]),
    kind: 'crease',
    width: 1.8,
    strength: 0.25,
    blur: 1.2,
  });
  marks.push({
    only: ['forepart'],
    shape: line([
      [0, 1492],
      [0, seamEnd],
    ]),
    kind: 'seam',
    width: 1.3,
    strength: 0.3,
    blur: 0.7,
  });
  // Side-back seams: from the armhole's back, in at the waist, out over the hip into the vent (or the
  // hem). Without them a double vent is a cut in a plain panel, which is how it read before.
  for (const s of [1, -1]) {
    // Drawn to the vent's top whatever the vents, so that the choice changes nothing above it.
    // It leaves the armhole under the sleeve and runs 15-20 mm inside the sleeve's edge, where the
    // sleeve hangs against the back: drawn for a narrower sleeve, it came out from under this one in
    // a crescent and its vent hung against the cuff.
    const above = line([
      [s * -200, 1330],
      [s * -178, 1282],
      [s * -163, 1200],
      [s * -153, 1120],
      [s * -151, 1080],
      [s * -152, 1040],
      [s * -155, ventTop],
    ]);
    const below = line([
      [s * -155, ventTop],
      [s * -157, HEM_Y],
    ]);
    for (const shape of o.vents === 'double' ? [above] : [above, below]) {
      marks.push({ only: ['forepart'], shape, kind: 'crease', width: 3, strength: 0.4, blur: 1.4 });
      marks.push({ only: ['forepart'], shape, kind: 'seam', width: 1.3, strength: 0.3, blur: 0.7 });
    }
  }
  const vent = (x: number, dir: number) => {
    // The overlapping edge stands proud of the underlap: a lit ridge, a fine dark line and the
    // shadow it casts, opening a little toward the hem; its top bar is stitched across.
    marks.push({
      only: ['forepart'],
      shape: line([
        [x, ventTop],
        [x + dir * 3, HEM_Y],
      ]),
      kind: 'seam',
      width: 1.8,
      strength: 0.55,
      blur: 0.8,
    });
    marks.push({
      only: ['forepart'],
      shape: draft()
        .M(x + dir * 1, ventTop - 6)
        .L(x + dir * 9, HEM_Y)
        .L(x + dir * 2, HEM_Y)
        .Z(),
      kind: 'shadow',
      width: 0,
      strength: 0.75,
      blur: 2.5,
      fill: true,
    });
    // The vent hangs a little open at the hem: a dark slit, closing a few centimetres up.
    marks.push({
      only: ['forepart'],
      shape: draft()
        .M(x + dir * 1, HEM_Y + 70)
        .L(x + dir * 6, HEM_Y - 2)
        .L(x - dir * 2, HEM_Y - 2)
        .Z(),
      kind: 'shadow',
      width: 0,
      strength: 0.85,
      blur: 1.2,
      fill: true,
    });
    marks.push({
      only: ['forepart'],
      shape: line([
        [x - dir * 4, ventTop - 6],
        [x - dir * 5, HEM_Y + 2],
      ]),
      kind: 'ridge',
      width: 8,
      strength: 0.8,
      blur: 3,
    });
    marks.push({
      only: ['forepart'],
      shape: line([
        [x - dir * 22, ventTop + 4],
        [x, ventTop],
      ]),
      kind: 'seam',
      width: 1.4,
      strength: 0.5,
      blur: 0.6,
    });
  };
  if (o.vents === 'single') vent(0, 1);
  else if (o.vents === 'double') for (const s of [1, -1]) vent(s * -155, s);
  // Hem shadow on the trousers.
  marks.push({
    only: ['trouser'],
    shape: line([
      [-188, HEM_Y - 8],
      [0, HEM_Y - 14],
      [188, HEM_Y - 8],
    ]),
    kind: 'shadow',
    width: 12,
    strength: 0.5,
    blur: 7,
  });
  cuffButtons(set, true);
  return set;
}

/**
 * A double vent seen from the front three-quarter: the notch where the back skirt parts from the
 * side's at the hem, by the near outline (its corners on the hem and its apex 12 mm up).
 */
function ventNotch(nearEdgeX: (y: number) => number): [Pt, Pt, Pt] {
  const hem = HEM_Y + 3;
  const xv = nearEdgeX(hem) + 4;
  return [
    [xv - 1.5, hem],
    [xv, hem + 12],
    [xv + 2, hem],
  ];
}

/**
 * A turned coat's near side: the side body under the arm and the edge of the back, which the front
 * draft's side seam stops short of. Drawn beneath the near forepart out to the torso's near
 * silhouette, so the coat is whole from armpit to hem instead of showing the background through a
 * wedge under the arm. The vents open at its back edge, which is where a tailor sees them in a
 * three-quarter view.
 */
function turnedNearSide(set: Draftset, style: SuitStyle, nearEdgeX: (y: number) => number): void {
  const o = style.o;
  const inner = -160;
  const top = 1380;
  const hem = HEM_Y + 3;
  const outer: Pt[] = [];
  for (let y = top; y > HEM_Y + 40; y -= 30) outer.push([nearEdgeX(y), y]);
  // Where the vents show. A double vent lies round the back, on the side-back seams: from the front
  // three-quarter only its opening shows, edge-on at the outline, the back skirt hanging a touch proud
  // of the side's and parted from it at the hem. (Drawn 12 mm inside the outline with its edge marks,
  // the vent cut a thin strip off the side that hung below the sleeve's cuff like a separate piece.)
  // A centre vent is round the back, seen only as the skirt's back corner lifting where the vent parts it.
  const xHem = nearEdgeX(hem);
  const shape = draft().M(inner, top).L(outer[0][0], top);
  if (o.vents === 'single') shape.through([...outer.slice(1), [xHem, hem + 16]]).L(xHem + 5, hem);
  else if (o.vents === 'double') {
    const [a, apex, c] = ventNotch(nearEdgeX);
    shape
      .through([...outer.slice(1), [xHem - 1.5, hem]])
      .L(a[0], a[1])
      .L(apex[0], apex[1])
      .L(c[0], c[1]);
  } else shape.through([...outer.slice(1), [xHem, hem]]);
  shape.L(inner, hem - 2).Z();
  const at = set.pieces.findIndex((p) => p.id === 'forepart-right');
  set.pieces.splice(Math.max(0, at), 0, {
    id: 'side-right',
    kind: 'forepart',
    shape,
    grain: [
      [-190, 1300],
      [-190, 900],
    ],
    anchor: [-190, 1100],
    loft: 8,
    round: 10,
  });
  const { marks } = set;
  // The side seam where the forepart meets it (the forepart's edge casts a faint line on it).
  marks.push({
    onPanels: ['side-right'],
    shape: line([[-200, 1286], ...FOREPART_SIDE]),
    kind: 'shadow',
    width: 5,
    strength: 0.3,
    blur: 4,
  });
  // The strip of the side between the hanging sleeve and the forepart lies in the arm's shadow, down
  // to the cuff: lit like the open cloth, with an edge on either side, it read as a channel cut
  // between two outlines rather than the side of the body receding under the arm.
  marks.push({
    onPanels: ['side-right'],
    shape: line(
      (
        [
          [-204, 1290],
          [-202, 1180],
          [-202, 1000],
          [-204, CUFF_Y + 24],
        ] as Pt[]
      ).map(armPt),
    ),
    kind: 'shadow',
    width: 34,
    strength: 0.45,
    blur: 9,
  });
  // The arm shades the forepart beside it too, fading over a centimetre or so: lit right up to the
  // sleeve's edge, the forepart met the sleeve's shaded underside in one step (1.2 against 0.2).
  marks.push({
    onPanels: ['forepart-right', 'pocket-right', 'ticket-right'],
    shape: line(SLEEVE_INNER.slice(2), 'near-arm'),
    kind: 'shadow',
    width: 24,
    strength: 0.4,
    blur: 8,
  });
  // Below the sleeve the shirt cuff hangs clear of the coat's skirt (drawn over it, see overlaySvg)
  // and throws a soft shadow down onto it: without one the cuff looked pasted on the cloth.
  marks.push({
    onPanels: ['side-right', 'forepart-right', 'pocket-right', 'ticket-right'],
    shape: line(
      (
        [
          [-264, CUFF_Y - 17],
          [-236, CUFF_Y - 15 - 2 * CUFF_SAG],
          [-205, CUFF_Y - 11],
        ] as Pt[]
      ).map(armPt),
      'near-arm',
    ),
    kind: 'shadow',
    width: 8,
    strength: 0.45,
    blur: 3.5,
  });
  const on = ['side-right'];
  if (o.vents === 'single') {
    // The lifted corner throws a short shadow up the back edge, about as far as the vent is parted
    // (60 mm long, up to b102, it read as the edge of a strip parted off the side).
    marks.push({
      onPanels: on,
      shape: line([
        [xHem + 4, hem + 48],
        [xHem + 3, hem + 14],
      ]),
      kind: 'shadow',
      width: 5,
      strength: 0.5,
      blur: 3,
    });
  }
  if (o.vents === 'double') {
    // The side skirt's edge at the opening, a little in shadow where the back skirt overlaps it.
    marks.push({
      onPanels: on,
      shape: line([
        [xHem + 5, hem + 34],
        [xHem + 5, hem + 10],
        [xHem + 6, hem + 1],
      ]),
      kind: 'shadow',
      width: 3,
      strength: 0.35,
      blur: 2,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Layout: body millimetres → native pixels, SVG fragments for what is not cloth.

/** Detail view: chest, lapel and breast pocket of the wearer's left at 4 px/mm. */
export const DETAIL_PX_PER_MM = 4;
const DETAIL_ORIGIN: Pt = [-40, 1445];

export function detailProjection(): Projection {
  const k = DETAIL_PX_PER_MM;
  return {
    pxPerMm: k,
    project: (x, y) => [(x - DETAIL_ORIGIN[0]) * k, (DETAIL_ORIGIN[1] - y) * k],
    squeeze: () => 1,
  };
}

/** The body's sides by image row in the detail view, which crops them off. */
function detailTorsoExtent(): Array<[number, number, number]> {
  const proj = detailProjection();
  const out: Array<[number, number, number]> = [];
  for (let row = 0; row <= NATIVE_HEIGHT; row += 16) {
    const y = DETAIL_ORIGIN[1] - row / DETAIL_PX_PER_MM;
    const hw = torsoHalfWidth(y);
    out.push([row, Math.round(proj.project(-hw, y)[0]), Math.round(proj.project(hw, y)[0])]);
  }
  return out;
}

/**
 * The body's sides by image row, every 2 mm from just below the shoulder point to the coat's hem:
 * under the sleeves it runs on past the armhole seam, which lies up to 46 mm inside it at the armpit.
 */
function bodyExtentRows(proj: Projection): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let y = SHOULDER_Y - 10; y >= HEM_Y; y -= 2) {
    const hw = torsoHalfWidth(y);
    const [l, r] = proj.bodySides?.(y) ?? [proj.project(-hw, y)[0], proj.project(hw, y)[0]];
    // Turned, only the near sleeve lies in front of the body; the far one hangs behind it, where the
    // coat's own outline is the silhouette. Carried on to the far silhouette, the body stood up past
    // the coat's far edge, which then ended on a step that shadowed the far sleeve (its mean shade
    // 0.55 → 0.49): on that side the rows reach only the axis, which the coat spans past.
    const far = proj.bodySides ? (l + r) / 2 : r;
    out.push([Math.round(proj.project(0, y)[1] * 10) / 10, Math.round(l * 10) / 10, Math.round(far * 10) / 10]);
  }
  return out;
}

/** The body's depth profile by image row (every 10 mm of height, over the coat's length). */
function torsoDepthRows(proj: Projection, side: 'front' | 'back'): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let y = 1560; y >= 700; y -= 10) out.push([Math.round(proj.project(0, y)[1] * 10) / 10, Math.round(torsoHalfDepth(y, side) * proj.pxPerMm * 100) / 100]);
  return out;
}

/**
 * The body's rows of a view, the same for every style: made once, and the same array each time, so
 * that what is keyed on them (the torso's volume in build.ts) is keyed once per array.
 */
const rowsOfViews = new Map<string, unknown>();
function viewRows<T>(what: string, view: ViewName, make: () => T): T {
  const key = `${what}|${view}`;
  if (!rowsOfViews.has(key)) rowsOfViews.set(key, make());
  return rowsOfViews.get(key) as T;
}

function projectionFor(view: ViewName): Projection {
  if (view === 'three-quarter') return turnedProjection(34);
  if (view === 'detail') return detailProjection();
  return frontProjection();
}

function layerOf(id: string, turned: boolean): Layer {
  if (!turned) return 'torso';
  if (id === 'sleeve-right') return 'near-arm';
  if (id === 'sleeve-left') return 'far-arm';
  if (id.startsWith('trouser') || id.startsWith('turnup')) return id.endsWith('-right') ? 'near-leg' : 'far-leg';
  return 'torso';
}

function withLayer(d: Draft, layer: Layer): Draft {
  if (d.layer === layer) return d;
  // Re-tag: a mirror with a double flip keeps the geometry and changes the layer.
  return d.mirrored(layer).mirrored(layer);
}

/** A shirt button's mother-of-pearl, whatever the shirt's colour. */
const PEARL = '#f4f3ef';
const SHIRTS = {
  white: ['#dfe3e8', '#f6f7f9', '#dde1e6', '#cfd4da', '#f7f8fa', '#f2f4f6', '#c3c9d0'],
  'light-blue': ['#b9cbe0', '#d8e4f1', '#b4c6dc', '#a9bcd3', '#dce7f3', '#d3e0ee', '#9fb3cb'],
} as const;
const TIES = {
  burgundy: ['#2a1d2b', '#4a2f44', '#24182a', '#6d5a3a'],
  navy: ['#141c33', '#27355e', '#10172b', '#8a93b0'],
  silver: ['#8e9297', '#c4c7cb', '#7f8388', '#6a6e73'],
  forest: ['#14281e', '#2a4a37', '#10211a', '#8a7a4a'],
} as const;
/**
 * The image-left shirt collar leaf's topstitching (body mm): from under the band down its outer edge
 * to the point, and back along its lower edge to the knot (a quadratic each: start, control, corner,
 * control, end), some 4.5 mm in from the edges.
 */
export const SHIRT_COLLAR_STITCH: readonly Pt[] = [
  [-46, 1509],
  [-57.5, 1470],
  [-70, 1432.5],
  [-39, 1443],
  [-13, 1472.5],
];
/**
 * A tieless shirt's open neck (body mm): the image-left leaf's front corner, where the band's end
 * parts from the other's, and the foot of the opening, where the fronts meet above the first button.
 */
const SHIRT_OPEN_NECK = { corner: [-30, 1488] as Pt, foot: 1418 };
/**
 * Where the collar band's button sits when it is left undone (mm): on the wearer's right end of the
 * band (image left), under the collar leaf's lower edge, midway between it and the opening's edge.
 * Its buttonhole runs across the band's other end, mirrored.
 */
export const SHIRT_BAND_BUTTON = { x: -32, y: 1466 } as const;
/** The open collar leaf's topstitching, as SHIRT_COLLAR_STITCH for the closed one. */
const SHIRT_OPEN_COLLAR_STITCH: readonly Pt[] = [
  [-46, 1509],
  [-57.5, 1470],
  [-70, 1432.5],
  [-46, 1446.5],
  [-34.5, 1481.5],
];
/** How far above a shirt cuff's lower edge its topstitching runs (mm). */
export const CUFF_STITCH_MM = 5;
/** A poplin shirt's grain (mm across a yarn's irregularity) and its depth of shade (0..1). */
const SHIRT_GRAIN_MM = 0.7;
const SHIRT_GRAIN_DEPTH = 0.05;
/**
 * What a camera sees of a trim's cloth where its yarns are finer than the pixels: the cloth is never a
 * flat fill, its light wanders a little from yarn to yarn and over a few millimetres (the poplin's
 * slubs, the silk's ribs and interlining). Its coarsest features (mm) and its depth of shade (0..1):
 * a silk's sheen breaks up more, and over larger features, than a poplin's matte face.
 */
const SHIRT_TOOTH = { mm: 1.25, depth: 0.04 };
const TIE_TOOTH = { mm: 2.5, depth: 0.075 };
/** A repp silk's rib spacing (mm). */
const TIE_RIB_MM = 0.8;
/** The fewest pixels a trim's fine texture (the tie's rib, the shirt's grain) is drawn across. */
const FINE_MIN_PX = 2.5;
/** A tied four-in-hand's outline, body mm: half-widths at its top and bottom, and their heights. */
export const TIE_KNOT = { top: 27, bottom: 15, topY: 1490, bottomY: 1440 };

/** The colour each shirt and tie is chosen by: the colour of its lit parts (its shaded parts are darker). */
export const TRIM_LIT = {
  shirt: Object.fromEntries(Object.entries(SHIRTS).map(([id, c]) => [id, c[1]])) as Record<keyof typeof SHIRTS, string>,
  tie: Object.fromEntries(Object.entries(TIES).map(([id, c]) => [id, c[1]])) as Record<keyof typeof TIES, string>,
};
/**
 * Polished calf Oxfords. `upper` is the chosen colour, the colour of the leather where the light is
 * full (form is shade over it, the shine light over it); the sole's edge and the laces are darker, and
 * the stacked heel between (from behind it is most of what shows: a brown shoe's must still read brown).
 */
const SHOES = {
  black: { upper: '#1e1916', sole: '#120e0c', heel: '#17120f' },
  brown: { upper: '#6e4226', sole: '#2c1a0f', heel: '#553119' },
} as const;
/** The colour each pair of shoes is chosen by. */
export const SHOE_COLOUR = Object.fromEntries(Object.entries(SHOES).map(([id, c]) => [id, c.upper])) as Record<keyof typeof SHOES, string>;
/**
 * Where each shoe stands across the body (mm; s = 1 the image-left shoe): its heel's centre from
 * behind, and about where its toe comes out from the front, turned out from under the leg's centre.
 */
export const SHOE_CX = 117;

/** A quarter ellipse drawn as a cubic: its handles this share of the radii long. */
const QUARTER_ARC_HANDLE = 0.5523;

/**
 * An ellipse in body mm as four cubics, so that it follows the projection like every other draft;
 * appended to `into` when given (several in one piece).
 */
function ellipse(cx: number, cy: number, rx: number, ry: number, into: Draft = draft()): Draft {
  const c = QUARTER_ARC_HANDLE;
  return into
    .M(cx - rx, cy)
    .C(cx - rx, cy + ry * c, cx - rx * c, cy + ry, cx, cy + ry)
    .C(cx + rx * c, cy + ry, cx + rx, cy + ry * c, cx + rx, cy)
    .C(cx + rx, cy - ry * c, cx + rx * c, cy - ry, cx, cy - ry)
    .C(cx - rx * c, cy - ry, cx - rx, cy - ry * c, cx - rx, cy)
    .Z();
}

/**
 * A pair of Oxfords as a ghost-mannequin photo shows them under the trouser hems (only what lies below
 * the hem is ever seen). From the front and turned, each is one solid last (see shoeSolid): from the
 * front turned out a little and seen from a little above, its toe box standing up its sides under the
 * hem, the cap seam over it, the welt round the toe and the shine a spot on the cap toward the key
 * light (up to b126 a dome on a flat brim, which read as a bowler hat); turned, the toes point toward
 * the image's right. From behind: the heel counter with its back seam and a soft highlight, the stacked
 * heel under it. Each shoe sits in a tight, dark contact shadow.
 */
function shoesSvg(o: StyleOptions, proj: Projection, view: ViewName): string {
  const c = SHOES[o.shoes];
  const mm = proj.pxPerMm;
  const d = (dr: Draft) => dr.toSvg(proj);
  const px = (v: number) => (v * mm).toFixed(2);
  const fill = (dr: Draft, colour: string, opacity = 1, blur = '') =>
    `<path d="${d(dr)}" fill="${colour}"${opacity < 1 ? ` opacity="${opacity}"` : ''}${blur ? ` filter="url(#${blur})"` : ''}/>`;
  const line = (dr: Draft, width: number, colour: string, opacity: number, blur = '') =>
    `<path d="${d(dr)}" stroke="${colour}" stroke-width="${px(width)}" fill="none" opacity="${opacity}" stroke-linecap="round"${blur ? ` filter="url(#${blur})"` : ''}/>`;
  const defs = `
  <defs>
    <filter id="shoeM" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${px(1.3)}"/></filter>
    <filter id="shoeL" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${px(3.2)}"/></filter>
    <filter id="shoeW" x="-200%" y="-30%" width="500%" height="160%"><feGaussianBlur stdDeviation="${px(2.4)}"/></filter>
    <linearGradient id="shoeSide" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.4"/><stop offset="0.16" stop-color="#000" stop-opacity="0.1"/><stop offset="0.3" stop-color="#000" stop-opacity="0"/><stop offset="0.62" stop-color="#000" stop-opacity="0"/><stop offset="0.84" stop-color="#000" stop-opacity="0.22"/><stop offset="1" stop-color="#000" stop-opacity="0.6"/></linearGradient>
    <linearGradient id="soleEdge" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.55" stop-color="#000" stop-opacity="0.25"/><stop offset="1" stop-color="#000" stop-opacity="0.7"/></linearGradient>
  </defs>`;
  const fromBehind = (s: number) => {
    const cx = -s * SHOE_CX;
    // Contact: the sole shuts the light out where it meets the floor, darkest right under it.
    const contact = fill(ellipse(cx, 0.6, 38, 2.6), '#000', 0.55, 'shoeM') + fill(ellipse(cx, 0.3, 30, 1.2), '#000', 0.5);
    /** A straight line across the heel at height y, `half` to either side of its centre. */
    const across = (y: number, half: number, width: number, colour: string, opacity: number) =>
      line(
        draft()
          .M(cx - half, y)
          .L(cx + half, y),
        width,
        colour,
        opacity,
      );
    // Heel: stacked leather, its top-lift darker, a faint line between the lifts; the sole's rear
    // edge over it, the welt's edge lit; the counter's rounded cup above with its back seam.
    const heel = draft()
      .M(cx - 36, 21.5)
      .L(cx + 36, 21.5)
      .L(cx + 34, 0.5)
      .Q(cx, -1, cx - 34, 0.5)
      .Z();
    const sole = draft()
      .M(cx - 38.5, 25)
      .Q(cx, 26.5, cx + 38.5, 25)
      .L(cx + 37, 21)
      .Q(cx, 20.5, cx - 37, 21)
      .Z();
    const counter = draft()
      .M(cx - 38, 24.5)
      .C(cx - 41, 40, cx - 41, 56, cx - 34, 72)
      .L(cx + 34, 72)
      .C(cx + 41, 56, cx + 41, 40, cx + 38, 24.5)
      .Q(cx, 27, cx - 38, 24.5)
      .Z();
    return [
      contact,
      fill(heel, c.heel),
      fill(heel, 'url(#shoeSide)'),
      fill(
        draft()
          .M(cx - 34.6, 5)
          .L(cx + 34.6, 5)
          .L(cx + 34, 0.5)
          .Q(cx, -1, cx - 34, 0.5)
          .Z(),
        '#000',
        0.45,
      ),
      across(11, 35, 0.5, '#000', 0.25),
      across(21, 35.5, 0.7, '#fff', 0.14),
      fill(sole, c.sole),
      fill(sole, 'url(#soleEdge)'),
      fill(counter, c.upper),
      fill(counter, 'url(#shoeSide)'),
      // The counter turns under into the heel seat: a band of shade just above the sole.
      line(
        draft()
          .M(cx - 37, 27.3)
          .Q(cx, 29.8, cx + 37, 27.3),
        2.2,
        '#000',
        0.3,
        'shoeM',
      ),
      line(
        draft()
          .M(cx - 38, 25.3)
          .Q(cx, 27.8, cx + 38, 25.3),
        0.8,
        '#fff',
        0.18,
      ),
      // The counter's round catches the key light in a soft vertical streak left of the back seam.
      fill(ellipse(cx - 16, 40, 8, 14), '#fff', 0.16, 'shoeL'),
      fill(ellipse(cx - 18, 36, 2.6, 8), '#fff', 0.36, 'shoeM'),
      line(draft().M(cx, 27).L(cx, 72), 0.9, '#000', 0.5),
      line(
        draft()
          .M(cx - 1.4, 27)
          .L(cx - 1.4, 72),
        0.5,
        '#fff',
        0.12,
      ),
    ].join('');
  };
  // Turned, each shoe is drawn as what it is, a last seen from three-quarter; the far one first, the
  // near one over it.
  if (view === 'three-quarter') return `${defs}${turnedShoe(c, proj, -1)}${turnedShoe(c, proj, 1)}`;
  if (view === 'front') return `${defs}${frontShoe(c, proj, 1)}${frontShoe(c, proj, -1)}`;
  return `${defs}${fromBehind(1)}${fromBehind(-1)}`;
}

/**
 * An Oxford on a turned figure, built as a solid and projected: the last's plan (heel to toe along u,
 * across v), the sole's top and bottom heights along it, the upper's height over them. The foot points
 * where the body faces, so turned by φ its length runs toward the image's right and toward the camera;
 * the camera, a little above the feet, sees nearer points a little lower (TOE_DROP per mm of depth). The
 * upper is swept ring by ring along the last, and its outline is the union of the hulls of short runs
 * of rings (the vamp dips between ankle and toe box); the sole and heel are each one hull. What shows is
 * then a shoe in near-profile: the toe reaching out past the hem toward the turn, the near side of the
 * last, the heel block with the waist of the sole lifting off the floor between it and the ball. The
 * front's shoes are the same solid turned out a few degrees (see frontShoe).
 */
const SHOE_LEN = 290;
/** Heel to ankle (the leg's axis) along the foot, mm. */
const SHOE_ANKLE_U = 88;
const TOE_DROP = 0.12;
/**
 * From the front the camera looks down on the feet more steeply (some 17°: from waist height 3.3 m
 * off). At 0.18 (to b138), with the toe's spring lifting its tip, the toe's round drew no arc and its
 * lower edge ran level across three quarters of the shoe: a box.
 */
const FRONT_TOE_DROP = 0.3;
/** Where the toe's round starts, at the ball's widest (mm along the last), and its half-width there. */
const TOE_FROM = 205;
const BALL_HALF = 50;
/**
 * The last's half-width (mm) along its length. From the ball forward the toe is a quarter ellipse
 * (29 mm round at its tip): eased through points (to b138: 45, 35, 23 and 12 mm at 240, 265, 280 and
 * 287), it closed its last 12 mm over 3 mm of length, and seen from above the tip stood out of the
 * round as a point.
 */
function lastHalf(u: number): number {
  if (u >= TOE_FROM) {
    const t = Math.min(1, (u - TOE_FROM) / (SHOE_LEN - TOE_FROM));
    return BALL_HALF * Math.sqrt(1 - t * t);
  }
  const pts: Array<[number, number]> = [
    [0, 0],
    [6, 19],
    [22, 27],
    [60, 32],
    [110, 36],
    [170, 48],
    [TOE_FROM, BALL_HALF],
  ];
  return interp(pts, u);
}
/** The sole's top (the upper's bottom) and the upper's crown above the floor, mm, along the last. */
const soleTop = (u: number) => 12 + 17 * smoothstep((185 - u) / 95) + 4 * smoothstep((u - 240) / 50);
const soleBottom = (u: number) =>
  u <= 78 ? 0 : u < 185 ? (soleTop(u) - 5) * Math.sin((Math.PI * (u - 78)) / 214) ** 0.7 * (1 - smoothstep((u - 150) / 35)) : 9 * smoothstep((u - 235) / 55);
const upperTop = (u: number) =>
  interp(
    [
      [0, 55],
      [30, 76],
      [95, 104],
      [150, 82],
      [195, 64],
      [228, 56],
      [250, 51],
      [265, 46],
      [277, 39],
      [285, 31],
      [289, 24],
      [SHOE_LEN, 18],
    ],
    u,
  );
/**
 * A smooth curve through the points that never overshoots them (monotone cubic, Fritsch-Carlson).
 * Eased point to point, the last's profile came to a standstill at every point: its top ran down
 * to the toe in shallow steps, and their hull drew the vamp as one straight slope, a wedge.
 */
function interp(pts: Array<[number, number]>, u: number): number {
  if (u <= pts[0]![0]) return pts[0]![1];
  const n = pts.length;
  if (u >= pts[n - 1]![0]) return pts[n - 1]![1];
  let i = 1;
  while (u > pts[i]![0]) i++;
  const slope = (k: number) => (pts[k + 1]![1] - pts[k]![1]) / (pts[k + 1]![0] - pts[k]![0]);
  // The tangent at a point: zero at a peak or trough (no overshoot), else the harmonic mean of the
  // slopes either side; one-sided at the ends.
  const tangent = (k: number) => {
    if (k === 0) return slope(0);
    if (k === n - 1) return slope(n - 2);
    const a = slope(k - 1);
    const b = slope(k);
    return a * b <= 0 ? 0 : (2 * a * b) / (a + b);
  };
  const [u0, v0] = pts[i - 1]!;
  const [u1, v1] = pts[i]!;
  const h = u1 - u0;
  const t = (u - u0) / h;
  const t2 = t * t;
  const t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * v0 + (t3 - 2 * t2 + t) * h * tangent(i - 1) + (-2 * t3 + 3 * t2) * v1 + (t3 - t2) * h * tangent(i);
}
function smoothstep(t: number): number {
  return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
}
function hull(points: Array<[number, number]>): Array<[number, number]> {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Array<[number, number]> = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** The trouser leg's centre at the hem (image px) in a view: where the shoe's ankle stands. */
function legHemCentre(proj: Projection, s: number): number {
  return (proj.project(-s * 180, TROUSER_HEM_Y + 4)[0] + proj.project(-s * 32, TROUSER_HEM_Y + 4)[0]) / 2;
}

function turnedShoe(c: (typeof SHOES)[keyof typeof SHOES], proj: Projection, s: number): string {
  const phi = (34 * Math.PI) / 180;
  // The far foot stands a stride's width deeper: a little higher in the image.
  return shoeSolid(c, proj, { s, phi, back: s === 1 ? 0 : 2 * SHOE_CX * Math.sin(phi), sink: 1, drop: TOE_DROP, front: false });
}

/** How far (degrees) each front shoe is turned out, toes apart, as a foot stands. */
const FRONT_TURN_OUT = 7;
/**
 * A front shoe, the same solid turned out (FRONT_TURN_OUT): seen from a little above, its toe comes
 * toward the camera under the hem, the vamp's top foreshortened above it.
 */
function frontShoe(c: (typeof SHOES)[keyof typeof SHOES], proj: Projection, s: number): string {
  return shoeSolid(c, proj, { s, phi: (-s * FRONT_TURN_OUT * Math.PI) / 180, back: 0, sink: null, drop: FRONT_TOE_DROP, front: true });
}

/**
 * The solid last, drawn: `phi` its turn (the toe toward the image's right when positive), `back` how
 * much deeper it stands than the near foot (mm), `drop` how much lower a point nearer the camera is
 * drawn (mm per mm), `sink` how far under the floor line its toe's tip is drawn (mm; null: the sole's
 * lowest point in the image 1 mm under it), `front` whether it is seen from the front.
 */
function shoeSolid(
  c: (typeof SHOES)[keyof typeof SHOES],
  proj: Projection,
  { s, phi, back, sink, drop, front }: { s: number; phi: number; back: number; sink: number | null; drop: number; front: boolean },
): string {
  const mm = proj.pxPerMm;
  const sin = Math.sin(phi);
  const cos = Math.cos(phi);
  const ax = legHemCentre(proj, s);
  const floor = proj.project(0, 0)[1];
  const toeDepth = (SHOE_LEN - SHOE_ANKLE_U) * cos;
  const depthOf = (u: number, v: number) => (u - SHOE_ANKLE_U) * cos - v * sin - back;
  // The sole's lowest point in the image on the floor line (1 mm under it), when not given.
  const rise = sink ?? Math.min(...Array.from({ length: 60 }, (_, i) => (SHOE_LEN * i) / 59).map((u) => soleBottom(u) - (depthOf(u, 0) - toeDepth) * drop)) + 1;
  /** Foot point (u along, v across toward the far side, z up) to image px. */
  const P = (u: number, v: number, z: number): [number, number] => {
    const du = u - SHOE_ANKLE_U;
    return [ax + (du * sin + v * cos) * mm, floor - (z - (depthOf(u, v) - toeDepth) * drop - rise) * mm];
  };
  const f = (n: number) => n.toFixed(2);
  const poly = (pts: Array<[number, number]>) => `M${pts.map(([x, y]) => `${f(x)},${f(y)}`).join(' L')} Z`;
  const open = (pts: Array<[number, number]>) => `M${pts.map(([x, y]) => `${f(x)},${f(y)}`).join(' L')}`;
  const path = (d: string, fill: string, opacity = 1, blur = '') =>
    `<path d="${d}" fill="${fill}"${opacity < 1 ? ` opacity="${opacity}"` : ''}${blur ? ` filter="url(#${blur})"` : ''}/>`;
  const stroke = (d: string, width: number, colour: string, opacity: number, blur = '') =>
    `<path d="${d}" stroke="${colour}" stroke-width="${f(width * mm)}" fill="none" opacity="${opacity}" stroke-linecap="round" stroke-linejoin="round"${blur ? ` filter="url(#${blur})"` : ''}/>`;
  const us = (from: number, to: number, n: number) => Array.from({ length: n + 1 }, (_, i) => from + ((to - from) * i) / n);
  // The upper: rings across the last from the sole's top over the crown.
  /**
   * The upper's section at u, at θ round it (0 its near side at the sole, π/2 the crown, π the far
   * side), `drop` mm below its surface. Across the last the upper stands up its sides and rounds over
   * the crown; toward the toe its section rounds more (toward half an ellipse), or the toe's far wall
   * showed as a square end.
   */
  const section = (u: number, th: number, drop = 0) => {
    const z0 = soleTop(u);
    const e = 0.45 + 0.3 * smoothstep((u - 190) / 70);
    return P(u, -lastHalf(u) * Math.cos(th), z0 + (upperTop(u) - z0) * Math.sin(th) ** e - drop);
  };
  const rings = us(0, SHOE_LEN, 48).map((u) => Array.from({ length: 13 }, (_, k) => section(u, (Math.PI * k) / 12)));
  // The upper's outline is the union of hulls of short runs of rings, not one hull of them all: seen
  // this low, the vamp dips between the ankle and the toe box, and one hull bridged that dip with a
  // straight slope from the collar to the toe (a wedge). Filled as one path, the pieces join without
  // seams. Four ring steps to a piece (some 24 mm of the last) keep the dip in a quarter of the text
  // of one piece per step.
  const upperD = Array.from({ length: Math.ceil((rings.length - 1) / 4) }, (_, i) => poly(hull(rings.slice(4 * i, 4 * i + 5).flat()))).join(' ');
  // The sole: its edge stands out 3 mm past the upper (the welt), from the heel breast to the toe.
  // The welt follows the last's plan 3 mm out along its normal, so it rounds the toe as the last
  // does; widened across only (to b138), it ended in a flat front 6 mm wide past the tip, and
  // sampled every 6 mm its hull drew the toe's round as facets.
  const solePts: Array<[number, number]> = [];
  const planStep = 0.5;
  for (const u of [...us(150, 240, 15), ...us(242, SHOE_LEN, 24)]) {
    const half = lastHalf(u);
    const slope = (lastHalf(Math.min(SHOE_LEN, u + planStep)) - lastHalf(Math.max(0, u - planStep))) / (2 * planStep);
    const n = Math.hypot(1, slope);
    // The plan's outward normal at (u, half): (-slope, 1) / n; at the tip itself straight ahead.
    const [du, dv] = u >= SHOE_LEN ? [1, 0] : [-slope / n, 1 / n];
    // The edge is rounded, not cut square: 3 mm out at mid-height, a bevel back to 1 mm at its
    // bottom and top (`off` mm out, `up` of the way from the sole's bottom to its top).
    for (const [off, up] of [
      [3, 0.5],
      [1, 0],
      [1, 1],
    ] as const) {
      const su = u + du * off;
      const z0 = soleBottom(su);
      const z = z0 + (soleTop(Math.min(su, SHOE_LEN)) - z0) * up;
      for (const v of [-1, 1]) solePts.push(P(su, v * (half + dv * off), z));
    }
  }
  // The heel block narrows to its top piece on the floor: its back 6 mm in, its sides 2 mm (a
  // block cut square stood behind the leg as a dark box).
  const heelPts: Array<[number, number]> = [];
  for (const u of us(-2, 78, 12)) {
    const w = lastHalf(Math.max(0, u)) + 2;
    const uf = u + 6 * (1 - smoothstep(u / 30));
    const wf = lastHalf(Math.max(0, uf));
    for (const k of [-1, 0, 1]) heelPts.push(P(uf, k * wf, 0), P(u, k * w, soleTop(u)));
  }
  // Where the heel's round back turns from view (its leftmost point in the image): just inside it,
  // the back faces the key light.
  const backX = (u: number) => P(u, -(lastHalf(u) + 2), 0)[0];
  let uBack = 0;
  for (const u of us(0, 40, 40)) if (backX(u) < backX(uBack)) uBack = u;
  // Some 5 mm in from that edge, round the turn toward the near side.
  let uLit = uBack;
  while (uLit < 60 && backX(uLit) < backX(uBack) + 5 * mm) uLit += 0.5;
  const heelLit = us(0, 1, 6).map((t) => {
    const z = 3 + (soleTop(uLit) - 5) * t;
    return P(uLit + 6 * (1 - t) * (1 - smoothstep(uLit / 30)), -(lastHalf(uLit) + 1.5), z);
  });
  // The waist of the sole: a strip along the near side from the heel breast to the ball, its bottom
  // lifting off the floor.
  const shank: Array<[number, number]> = [];
  const su = us(74, 190, 16);
  for (const u of su) shank.push(P(u, -(lastHalf(u) + 2), soleTop(u)));
  for (const u of [...su].reverse()) shank.push(P(u, -(lastHalf(u) + 2), Math.min(soleTop(u), soleBottom(u))));
  const soleOutline = hull(solePts);
  const heelOutline = hull(heelPts);
  // The near edge of the welt round the toe, the cap seam over the toe, and the crown's ridge.
  const weltSide = (side: number, from: number) =>
    us(from, SHOE_LEN, 30).map((u) => {
      const w = lastHalf(u);
      // Turned, the near side's line bends in round the toe's tip; from the front it keeps to the
      // plan's edge, which rounds the tip on its own (bent in there too, it met its mirror at the tip
      // in a point).
      const th = !front && u > 250 ? ((u - 250) / 40) * (Math.PI / 2) : 0;
      return P(u, side * w * Math.cos(th), soleTop(u) + 0.5);
    });
  // From the front the welt shows round the whole toe, both sides up to where the hem hides them.
  const welt = front ? [...weltSide(-1, 150), ...weltSide(1, 150).reverse()] : weltSide(-1, 60);
  const seam = us(0, front ? 1 : 0.62, front ? 24 : 14).map((t) => {
    const u = 238;
    const th = Math.PI * t;
    const w = lastHalf(u);
    const z0 = soleTop(u);
    return P(u - 8 * Math.sin(th), -w * Math.cos(th), z0 + 2 + (upperTop(u) - z0 - 2) * Math.sin(th) ** 0.45);
  });
  const ridge = us(200, 282, 10).map((u) => P(u, -lastHalf(u) * 0.38, upperTop(u) - 2));
  const side = us(150, 280, 10).map((u) => P(u, -lastHalf(u) * 0.92, soleTop(u) + (upperTop(u) - soleTop(u)) * 0.45));
  const heelSide = us(8, 70, 6).map((u) => P(u, -lastHalf(u) * 0.9, soleTop(u) + 20));
  const [cx, cy] = P(SHOE_ANKLE_U + 40, 0, 0);
  const [tx, ty] = P(258, -10, 34);
  const tag = `${front ? 'F' : '3q'}${s}`;
  const dome = `shoeDome${tag}`;
  const edge = `shoeEdge${tag}`;
  const heelEdge = `shoeHeel${tag}`;
  const contact = [P(-5, 0, 0), P(SHOE_LEN + 5, 0, 0)];
  return [
    // From the front the toe box's sides turn from the light within a shorter reach: lit as broadly as
    // turned, black leather there came out as light as a charcoal suit's darkest folds.
    `<defs><radialGradient id="${dome}" gradientUnits="userSpaceOnUse" cx="${f(tx)}" cy="${f(ty)}" r="${f((front ? 58 : 70) * mm)}"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.45" stop-color="#000" stop-opacity="0.05"/><stop offset="0.8" stop-color="#000" stop-opacity="0.3"/><stop offset="1" stop-color="#000" stop-opacity="0.5"/></radialGradient>`,
    // The sole's edge: the welt's top catches a little light, the edge falls into shade toward the floor.
    `<linearGradient id="${edge}" gradientUnits="userSpaceOnUse" x1="0" y1="${f(P(240, 0, soleTop(240) + 1)[1])}" x2="0" y2="${f(P(240, 0, 0)[1])}"><stop offset="0" stop-color="#fff" stop-opacity="0.07"/><stop offset="0.35" stop-color="#000" stop-opacity="0.1"/><stop offset="1" stop-color="#000" stop-opacity="0.55"/></linearGradient>`,
    `<linearGradient id="${heelEdge}" gradientUnits="userSpaceOnUse" x1="0" y1="${f(P(40, 0, soleTop(40))[1])}" x2="0" y2="${f(P(40, 0, 0)[1])}"><stop offset="0" stop-color="#fff" stop-opacity="0.06"/><stop offset="0.4" stop-color="#000" stop-opacity="0.12"/><stop offset="1" stop-color="#000" stop-opacity="0.5"/></linearGradient></defs>`,
    // Contact: a dark line under the heel and the ball, softer along the lifted waist.
    front
      ? path(poly(hull(us(150, SHOE_LEN, 14).flatMap((u) => [P(u, -(lastHalf(u) + 5), 0), P(u, lastHalf(u) + 5, 0)]))), '#000', 0.45, 'shoeL')
      : `<ellipse cx="${f(cx)}" cy="${f(cy + 0.5 * mm)}" rx="${f(Math.hypot(contact[1]![0] - contact[0]![0], contact[1]![1] - contact[0]![1]) / 2 + 4 * mm)}" ry="${f(9 * mm)}" transform="rotate(${f((Math.atan2(contact[1]![1] - contact[0]![1], contact[1]![0] - contact[0]![0]) * 180) / Math.PI)} ${f(cx)} ${f(cy)})" fill="#000" opacity="0.4" filter="url(#shoeL)"/>`,
    path(poly(hull([P(-2, -20, 0), P(-2, 20, 0), P(76, -34, 0), P(76, 34, 0)])), '#000', 0.55, 'shoeM'),
    path(poly(hull([P(175, -48, 0), P(175, 48, 0), P(250, -44, 0), P(250, 44, 0)])), '#000', 0.55, 'shoeM'),
    path(poly(heelOutline), c.heel),
    path(poly(heelOutline), `url(#${heelEdge})`),
    // A strip, not a stroke: a filter's region is a share of its shape's box, and a line's box has no width.
    path(
      poly([
        ...heelLit.map(([x, y]) => [x - 2.5 * mm, y] as [number, number]),
        ...[...heelLit].reverse().map(([x, y]) => [x + 2.5 * mm, y] as [number, number]),
      ]),
      '#fff',
      0.22,
      'shoeW',
    ),
    stroke(open(us(0, 76, 8).map((u) => P(u, -(lastHalf(u) + 2), 8))), 0.5, '#000', 0.3),
    path(poly(shank), c.sole),
    path(poly(soleOutline), c.sole),
    path(poly(soleOutline), `url(#${edge})`),
    path(upperD, c.upper),
    path(upperD, `url(#${dome})`),
    // The side of the last turns down onto the welt: a band of shade along it, the welt's edge lit.
    stroke(open(welt.map(([x, y]) => [x, y - 2.2 * mm] as [number, number])), 3, '#000', 0.35, 'shoeM'),
    // (From the front a lit welt all round the toe drew a pale rim between sole and upper.)
    stroke(open(welt), 0.8, '#fff', front ? 0.07 : 0.18),
    stroke(open(seam), 0.8, '#000', 0.6),
    stroke(open(seam.map(([x, y]) => [x - 1.1 * mm, y] as [number, number])), 0.6, '#fff', 0.1),
    // Shine: a soft sheen along the toe's crown toward the light, a bright streak in it, a rim of light
    // down the near side and a soft streak on the heel counter's round.
    stroke(open(ridge), 9, '#fff', 0.1, 'shoeL'),
    // (From the front the crown runs toward the camera and its streak, foreshortened, stood up from
    // a bright spot on the cap: a cartoon's glint. There the light lies across the cap instead.)
    front ? '' : stroke(open(ridge.slice(2, 8)), 3, '#fff', 0.32, 'shoeM'),
    front ? '' : stroke(open(ridge.slice(3, 7)), 1.1, '#fff', 0.55),
    // (From the front the near side's rim runs down across the toe to its tip: a scratch, not a rim.)
    front ? '' : stroke(open(side), 2.2, '#fff', 0.12, 'shoeM'),
    stroke(open(heelSide), 6, '#fff', 0.14, 'shoeL'),
    // From the front the key light's reflection lies across the cap's upper round as a soft band
    // (up to b135 a spot, 4 by 2 mm, with a crisp core: a glint drawn on).
    ...(front ? capSheen() : []),
  ].join('');
  /** Across the cap's upper round: its section 24 mm back from the tip, a millimetre in. */
  function capSheen(): string[] {
    const across = (th0: number, th1: number) => us(th0, th1, 10).map((th) => section(262, th, 1));
    return [
      stroke(open(across(0.3 * Math.PI, 0.72 * Math.PI)), 7, '#fff', 0.14, 'shoeL'),
      stroke(open(across(0.36 * Math.PI, 0.6 * Math.PI)), 2.4, '#fff', 0.36, 'shoeM'),
    ];
  }
}

/**
 * A shirt cuff below its sleeve's hem (s = 1 the near arm, -1 the far one), as a band round the wrist:
 * lit where it turns toward the key light (upper left), turning away into shade at either side,
 * darkest on the side away from the light, and in the shadow of the sleeve's hem along its top. Its
 * lower edge is the near half of its round opening (see CUFF_SAG). Filled flat and outlined all
 * round, it read as a white card.
 */
function shirtCuffSvg(o: StyleOptions, proj: Projection, view: ViewName, s: 1 | -1): string {
  const sh = SHIRTS[o.shirt];
  const k = proj.pxPerMm / 0.9;
  const layer: Layer = s === 1 ? 'near-arm' : 'far-arm';
  // The far arm's cuff, seen past the body in a turned view, is as narrow as a wrist under the sleeve
  // (a cuff as wide as the sleeve poked out past its edge).
  const turnedFar = view === 'three-quarter' && s === -1;
  const at = turnedFar ? ([x, y]: Pt): Pt => [-farArmPt([-x, y])[0], y] : armPt;
  const inset = turnedFar ? [5, 3] : [0, 0];
  const pt = ([x, y]: Pt): Pt => [s * at([x, y])[0], y];
  const [ti, to] = [pt([-206 - inset[0], CUFF_Y + 12]), pt([-269 + inset[1], CUFF_Y + 6])];
  const [li, lo] = [pt([-208 - inset[0], CUFF_Y - 8]), pt([-267 + inset[1], CUFF_Y - 14])];
  const sag: Pt = [(lo[0] + li[0]) / 2, (lo[1] + li[1]) / 2 - 2 * CUFF_SAG];
  const shape = draft(layer).M(ti[0], ti[1]).L(to[0], to[1]).L(lo[0], lo[1]).Q(sag[0], sag[1], li[0], li[1]).Z().toSvg(proj);
  const lower = draft(layer).M(lo[0], lo[1]).Q(sag[0], sag[1], li[0], li[1]).toSvg(proj);
  const xs = [ti, to, lo, li].map(([x, y]) => proj.project(x, y, layer)[0]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // The hem's shadow: a soft band along the cuff's top, where the sleeve covers it.
  const [a, b] = [proj.project(ti[0], ti[1] - 6, layer), proj.project(to[0], to[1] - 6, layer)];
  const f = (v: number) => v.toFixed(1);
  const id = s === 1 ? 'cuffNear' : 'cuffFar';
  const fill = s === 1 ? sh[5] : view === 'three-quarter' ? sh[3] : sh[4];
  return `
  <defs><linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="${f(x0)}" y1="0" x2="${f(x1)}" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.2"/><stop offset="0.28" stop-color="#000" stop-opacity="0"/><stop offset="0.55" stop-color="#000" stop-opacity="0.04"/><stop offset="1" stop-color="#000" stop-opacity="0.34"/></linearGradient><clipPath id="${id}C"><path d="${shape}"/></clipPath><filter id="${id}S" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${(3 * k).toFixed(1)}"/></filter></defs>
  <path d="${shape}" fill="${fill}"/><path d="${shape}" fill="url(#${id})"/>
  <g clip-path="url(#${id}C)"><path d="M${f(a[0])},${f(a[1])} L${f(b[0])},${f(b[1])}" stroke="#000" stroke-width="${(7 * k).toFixed(2)}" stroke-linecap="round" opacity="0.3" filter="url(#${id}S)"/></g>
  <path d="${lower}" stroke="${sh[6]}" stroke-width="${(0.7 * k).toFixed(2)}" fill="none" opacity="0.7"/>
  ${shirtStitch(
    draft(layer)
      .M(lo[0], lo[1] + CUFF_STITCH_MM)
      .Q(sag[0], sag[1] + CUFF_STITCH_MM, li[0], li[1] + CUFF_STITCH_MM)
      .toSvg(proj),
    k,
  )}`;
}

/**
 * A trim cloth's tooth over `path` (see SHIRT_TOOTH): shade only, never lighter than the cloth's
 * chosen colour, the tile of noise of trim-tooth.ts (the toothImage symbol, with the shirt's defs) at the size
 * that makes its coarse cells the trim's features in mm, at the trim's depth. In user units of the
 * view, so it keeps its size in mm at every output size. Each trim's pattern is its own (a pattern
 * inheriting another's tile through href and patternTransform cost librsvg 60 ms a use). Nothing
 * where the view draws the trims' own grain and rib (see showsTooth).
 */
function trimTooth(id: string, path: string, tooth: { mm: number; depth: number }, proj: Projection): string {
  if (!showsTooth(proj)) return '';
  const side = ((TOOTH_TILE_PX / TOOTH_CELL_PX) * tooth.mm * proj.pxPerMm).toFixed(3);
  return `<defs><pattern id="${id}" patternUnits="userSpaceOnUse" x="0" y="0" width="${side}" height="${side}"><use href="#toothImage" width="${side}" height="${side}"/></pattern></defs><path d="${path}" fill="url(#${id})" fill-opacity="${tooth.depth}"/>`;
}

/** Whether a view's trims show their tooth: where their grain and rib are finer than FINE_MIN_PX (see SHIRT_TOOTH). */
const showsTooth = (proj: Projection) => proj.pxPerMm * SHIRT_GRAIN_MM < FINE_MIN_PX;

/** The tile of noise every trim's tooth draws, once per drawing (none where no trim shows its tooth). */
function toothImage(proj: Projection): string {
  if (!showsTooth(proj)) return '';
  return `<symbol id="toothImage" viewBox="0 0 ${TOOTH_TILE_PX} ${TOOTH_TILE_PX}"><image width="${TOOTH_TILE_PX}" height="${TOOTH_TILE_PX}" href="${toothTileUri()}"/></symbol>`;
}

/**
 * A shirt's topstitching (collar leaves, cuffs): thread of the shirt's colour, seen by the fine shade
 * where each stitch draws the cloth in. Some 7 stitches to the cm, the thread diving into the cloth
 * between them for a fraction of a mm, so it reads as a fine line with a rhythm in it (1.8 mm dashes
 * 0.9 mm apart, up to b121, read at HD as a dashed line drawn on the cuff).
 */
function shirtStitch(path: string, k: number): string {
  return `<path d="${path}" stroke="#000" stroke-width="${(0.6 * k).toFixed(2)}" stroke-dasharray="${(1.2 * k).toFixed(2)} ${(0.35 * k).toFixed(2)}" fill="none" opacity="0.14"/>`;
}

/**
 * The near cuff of a turned view, over the garment: only below the near sleeve's hem, so that the
 * sleeve still covers its top as it does the underlay's.
 */
function nearCuffOverSvg(o: StyleOptions, proj: Projection): string {
  const [ox, oy] = proj.project(SLEEVE_OUTER[0]![0], SLEEVE_OUTER[0]![1], 'near-arm');
  const [ix, iy] = proj.project(SLEEVE_INNER[SLEEVE_INNER.length - 1]![0], SLEEVE_INNER[SLEEVE_INNER.length - 1]![1], 'near-arm');
  // Below the hem's line, carried on 40 px past either end.
  const [dx, dy] = [(ix - ox) / Math.hypot(ix - ox, iy - oy), (iy - oy) / Math.hypot(ix - ox, iy - oy)];
  const [ax, ay, bx, by] = [ox - 40 * dx, oy - 40 * dy, ix + 40 * dx, iy + 40 * dy];
  const f = (v: number) => v.toFixed(2);
  return `<defs><clipPath id="belowNearHem"><path d="M${f(ax)},${f(ay)} L${f(bx)},${f(by)} L${f(bx)},${f(by + 200)} L${f(ax)},${f(ay + 200)} Z"/></clipPath></defs>
  <g clip-path="url(#belowNearHem)">${shirtCuffSvg(o, proj, 'three-quarter', 1)}</g>`;
}

function underlaySvg(style: SuitStyle, proj: Projection, view: ViewName): string {
  const o = style.o;
  const P = (x: number, y: number) =>
    proj
      .project(x, y)
      .map((v) => v.toFixed(1))
      .join(',');
  const d = (dr: Draft) => dr.toSvg(proj);
  const k = proj.pxPerMm / 0.9;
  const sh = SHIRTS[o.shirt];
  const [fx, fy] = proj.project(0, 0);
  const defs = `
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f1efec"/><stop offset="0.72" stop-color="#e8e5e1"/><stop offset="1" stop-color="#dcd8d2"/></linearGradient>
    <radialGradient id="floor" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.3"/><stop offset="0.6" stop-color="#000" stop-opacity="0.1"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
    <linearGradient id="shirt" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="${sh[0]}"/><stop offset="0.5" stop-color="${sh[1]}"/><stop offset="1" stop-color="${sh[2]}"/></linearGradient>
    <filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${(3 * k).toFixed(1)}"/></filter>
    <filter id="soft8" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${(8 * k).toFixed(1)}"/></filter>
    ${toothImage(proj)}
  </defs>
  <rect width="${NATIVE_WIDTH}" height="${NATIVE_HEIGHT}" fill="url(#bg)"/>`;
  // A soft contact shadow where the figure stands, and a wider, fainter one around it.
  const floor = `
  <ellipse cx="${fx}" cy="${fy + 2}" rx="${320 * proj.pxPerMm}" ry="${34 * proj.pxPerMm}" fill="url(#floor)" opacity="0.7"/>
  <ellipse cx="${fx}" cy="${fy + 1}" rx="${210 * proj.pxPerMm}" ry="${14 * proj.pxPerMm}" fill="#000" opacity="0.35" filter="url(#soft8)"/>
  ${shoesSvg(o, proj, view)}
  ${[1, -1]
    .map(
      (s) =>
        `<path d="M${hemLine(o, view === 'front', hemArch(view), hemFold(view === 'three-quarter', s))
          .map(([x, y]) => P(s * x, y))
          .join(' L')}" stroke="#000" stroke-width="${(10 * k).toFixed(1)}" fill="none" opacity="0.45" filter="url(#soft)"/>`,
    )
    .join('')}`;
  // In a turned view the near arm hangs in front of the coat's skirt: its cuff is drawn over the
  // garment (see overlaySvg), not under it, where the skirt cut it off at the coat's front edge.
  const cuffs = `${view === 'three-quarter' ? '' : shirtCuffSvg(o, proj, view, 1)}${shirtCuffSvg(o, proj, view, -1)}`;
  // Through a parted vent one sees into the coat, in shade: the background showed through it as a
  // light slit in the coat's side.
  const near = proj.nearEdgeX;
  const ventInside =
    view === 'three-quarter' && o.vents === 'double' && near
      ? (() => {
          const [a, apex, c] = ventNotch(near);
          return `<path d="M${P(a[0] - 2, a[1])} L${P(apex[0], apex[1] + 3)} L${P(c[0] + 2, c[1])} Z" fill="#16140f" opacity="0.85"/>`;
        })()
      : '';
  // The shirt, its collar and the tie are filled with their chosen colour, which is the colour of
  // their lit parts; form is only ever shade laid over it (black at an opacity), never a lighter or
  // tinted fill, so a white shirt stays that white and a navy tie that navy wherever the light is full.
  const lit = sh[1];
  const shade = (path: string, opacity: number, blur = '', extra = '') =>
    `<path d="${path}" fill="#000" opacity="${opacity}"${blur ? ` filter="url(#${blur})"` : ''}${extra}/>`;
  const stroke = (path: string, width: number, opacity: number, blur = 'soft', colour = '#000') =>
    `<path d="${path}" stroke="${colour}" stroke-width="${(width * k).toFixed(2)}" fill="none" opacity="${opacity}"${blur ? ` filter="url(#${blur})"` : ''} stroke-linecap="round"/>`;
  if (view === 'back') {
    // From behind only the shirt collar shows above the coat's: an even 10-13 mm band following the
    // coat collar's top round the neck, down to where its ends sweep forward, darkening into the coat
    // collar's shadow, its fold turning away from the eye in a soft shade inside its top edge. Up to
    // b121 it was a dome over ±60 mm with a line drawn round it: a hump at the centre (12 mm), none
    // of it at the sides, the line's ends hooked out onto the backdrop.
    const topEdge = () => draft().M(-92, 1512).C(-82, 1540, -70, 1549, -50, 1552).Q(0, 1557, 50, 1552).C(70, 1549, 82, 1540, 92, 1512);
    const top = topEdge();
    const band = topEdge().L(54, 1500).Q(0, 1514, -54, 1500).Z();
    return `${defs}${floor}
  <defs><linearGradient id="bandBack" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.3" stop-color="#000" stop-opacity="0.04"/><stop offset="0.55" stop-color="#000" stop-opacity="0.22"/></linearGradient><clipPath id="bandBackClip"><path d="${d(band)}"/></clipPath></defs>
  <path d="${d(band)}" fill="${sh[1]}"/>${trimTooth('bandTooth', d(band), SHIRT_TOOTH, proj)}<path d="${d(band)}" fill="url(#bandBack)"/>
  <g clip-path="url(#bandBackClip)"><path d="${d(top.translated(0, 1))}" stroke="#000" stroke-width="${(3 * k).toFixed(2)}" fill="none" opacity="0.2" filter="url(#soft)"/><path d="${d(top)}" stroke="#000" stroke-width="${(1.6 * k).toFixed(2)}" fill="none" opacity="0.16"/></g>${cuffs}`;
  }
  const shirt = draft().M(-80, 1497).L(-50, 1516).L(50, 1516).L(80, 1497).L(125, 1440).L(125, 930).L(-125, 930).L(-125, 1440).Z();
  // The back of the collar band, seen from the front between the collar points: its inside face, in
  // the shade of the neck, with the band's folded top edge catching a line of light.
  const band = draft().M(-52, 1516).Q(0, 1528, 52, 1516).L(50, 1490).Q(0, 1482, -50, 1490).Z();
  // Worn without a tie the collar button is left undone: the band's two ends part, and each leaf's
  // front corner stands off the other's, its lower edge turned up toward it (the point stays where
  // the coat's collar holds it). Drawn closed, a tieless collar read as buttoned for a tie that is not
  // there, the empty notch under the points where its knot would be.
  const open = o.tie === 'none';
  const [inner, lowerControl] = open
    ? ([SHIRT_OPEN_NECK.corner, [-48, 1442]] as Pt[])
    : ([
        [-8, 1474],
        [-40, 1438],
      ] as Pt[]);
  const leaf = draft().M(inner[0], inner[1]).L(-50, 1514).Q(-62, 1470, -76, 1428).Q(lowerControl[0], lowerControl[1], inner[0], inner[1]).Z();
  // The collar leaf's folded lower edge: the cloth's thickness seen where it turns under.
  const leafEdge = draft().M(-76, 1428).Q(lowerControl[0], lowerControl[1], inner[0], inner[1]);
  // Its topstitching, some 4.5 mm in from its outer and lower edges (see shirtStitch).
  const [t0, t1, t2, t3, t4] = open ? SHIRT_OPEN_COLLAR_STITCH : SHIRT_COLLAR_STITCH;
  const leafStitch = draft().M(t0[0], t0[1]).Q(t1[0], t1[1], t2[0], t2[1]).Q(t3[0], t3[1], t4[0], t4[1]);
  // A four-in-hand knot as it is tied in a 8 cm tie: some 54 mm across its top, its corners under the collar
  // points, 30 mm where the blade leaves it, 50 mm tall (a 36 mm knot read as a skinny tie's).
  const kt = TIE_KNOT;
  // Each side of the knot bows out a little past its top corner, halfway down.
  const bow: Pt = [kt.top + 3, (kt.topY + kt.bottomY) / 2 - 2];
  const knotSide = (s: number) =>
    draft()
      .M(s * kt.top, kt.topY)
      .Q(s * bow[0], bow[1], s * kt.bottom, kt.bottomY);
  const knot = draft()
    .M(-kt.top, kt.topY)
    .Q(-bow[0], bow[1], -kt.bottom, kt.bottomY)
    .Q(0, kt.bottomY - 4, kt.bottom, kt.bottomY)
    .Q(bow[0], bow[1], kt.top, kt.topY)
    .Q(0, kt.topY + 4, -kt.top, kt.topY)
    .Z();
  // Wound the same way round as the knot: the two are filled as one path, and where they overlap,
  // opposite windings cancelled (the shirt showed through in a light line under the knot).
  const blade = draft().M(-kt.bottom, kt.bottomY).L(-40, 1080).L(0, 1040).L(40, 1080).L(kt.bottom, kt.bottomY).Z();
  // The placket's edge shadows are straight up and down seen from the front: a filter region taken
  // from their box (zero wide) drew nothing at all (up to b85 the front and detail views showed no
  // shadow beside the placket). Their region is the placket's surroundings, in user units.
  const placketBox = [
    [-40, 980],
    [40, 980],
    [-40, 1490],
    [40, 1490],
  ].map(([x, y]) => proj.project(x, y));
  const [px0, py0] = [Math.min(...placketBox.map((p) => p[0])), Math.min(...placketBox.map((p) => p[1]))];
  const [px1, py1] = [Math.max(...placketBox.map((p) => p[0])), Math.max(...placketBox.map((p) => p[1]))];
  const gradients = `
  <defs>
    <filter id="soft2" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${(1.4 * k).toFixed(2)}"/></filter>
    <filter id="placketSoft" filterUnits="userSpaceOnUse" x="${px0.toFixed(1)}" y="${py0.toFixed(1)}" width="${(px1 - px0).toFixed(1)}" height="${(py1 - py0).toFixed(1)}"><feGaussianBlur stdDeviation="${(1.4 * k).toFixed(2)}"/></filter>
    <filter id="soft5" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${(5 * k).toFixed(2)}"/></filter>
    <linearGradient id="shirtForm" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.1"/><stop offset="0.3" stop-color="#000" stop-opacity="0"/><stop offset="0.62" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.16"/></linearGradient>
    <linearGradient id="bandInside" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000" stop-opacity="0.06"/><stop offset="0.25" stop-color="#000" stop-opacity="0.2"/><stop offset="1" stop-color="#000" stop-opacity="0.34"/></linearGradient>
    <linearGradient id="pearlForm" x1="0.2" y1="0.1" x2="0.8" y2="0.9"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.6" stop-color="#000" stop-opacity="0.03"/><stop offset="1" stop-color="#000" stop-opacity="0.2"/></linearGradient>
    <linearGradient id="leafL" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.12"/><stop offset="0.45" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.03"/></linearGradient>
    <linearGradient id="leafR" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.05"/><stop offset="0.55" stop-color="#000" stop-opacity="0.07"/><stop offset="1" stop-color="#000" stop-opacity="0.2"/></linearGradient>
  </defs>`;
  // Shirt: lit where it faces the light, turning into shade toward the coat's fronts (more on the
  // side away from the key light); a few soft folds where its fullness is gathered into the trousers;
  // the placket stands a little proud of the front, its edge a fine shadow.
  const shirtFolds = [
    [
      [-34, 1400],
      [-50, 1250],
      [-56, 1100],
    ],
    [
      [-70, 1330],
      [-88, 1180],
      [-92, 1040],
    ],
    [
      [38, 1390],
      [54, 1240],
      [60, 1100],
    ],
    [
      [76, 1320],
      [92, 1170],
      [96, 1040],
    ],
  ] as Pt[][];
  // Open at the neck, the placket starts where its fronts meet at the foot of the opening.
  const placket = (s: number) =>
    line([
      [s * 17, open ? SHIRT_OPEN_NECK.foot - 4 : 1470],
      [s * 17, 1000],
    ]);
  // Up close (the detail view) a poplin is not a flat white: its yarns' irregularity shows as a fine
  // grain of shade, drawn out along the weft's ribs. Finer than the pixels elsewhere, left out there.
  // Its region in percent, which svg-patch reads (bare fractions it does not), so the element has a
  // bound and a redraw elsewhere can leave it out.
  const grain = showsTooth(proj)
    ? trimTooth('shirtTooth', d(shirt), SHIRT_TOOTH, proj)
    : `<filter id="shirtGrain" x="0%" y="0%" width="100%" height="100%"><feTurbulence type="fractalNoise" baseFrequency="${(0.35 / (SHIRT_GRAIN_MM * proj.pxPerMm)).toFixed(3)} ${(1 / (SHIRT_GRAIN_MM * proj.pxPerMm)).toFixed(3)}" numOctaves="2" seed="7"/><feColorMatrix type="matrix" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  ${-SHIRT_GRAIN_DEPTH * 2} 0 0 0 ${SHIRT_GRAIN_DEPTH}"/><feComposite operator="in" in2="SourceAlpha"/></filter><path d="${d(shirt)}" fill="#000" filter="url(#shirtGrain)"/>`;
  // No tie: through the open neck one sees into the shirt, the inside of its back under the band, in
  // the neck's shade, deepest where the fronts meet at its foot. Each front's folded edge along the
  // opening is lit on its rim and casts a soft shadow inward, toward the side away from the key light.
  // Drawn before the band, which covers its top: laid over the band's foot, the two shades made a
  // dark bar across the opening.
  const neckOpening = (() => {
    if (!open) return '';
    const { corner, foot } = SHIRT_OPEN_NECK;
    const top = corner[1] + 6;
    // The fronts roll back a little as they part: each side of the opening bows outward.
    const bowX = corner[0] * 0.8;
    const bowY = (corner[1] + foot) / 2 - 4;
    const opening = draft().M(corner[0], top).Q(bowX, bowY, 0, foot).Q(-bowX, bowY, -corner[0], top).Z();
    const side = (s: 1 | -1) =>
      draft()
        .M(s * corner[0], top)
        .Q(s * bowX, bowY, 0, foot);
    return `
  <defs>
    <linearGradient id="neckInside" gradientUnits="userSpaceOnUse" x1="0" y1="${proj.project(0, corner[1])[1].toFixed(1)}" x2="0" y2="${proj.project(0, foot)[1].toFixed(1)}"><stop offset="0" stop-color="#000" stop-opacity="0.34"/><stop offset="0.3" stop-color="#000" stop-opacity="0.22"/><stop offset="0.75" stop-color="#000" stop-opacity="0.27"/><stop offset="1" stop-color="#000" stop-opacity="0.38"/></linearGradient>
    <clipPath id="neckclip"><path d="${d(opening)}"/></clipPath>
  </defs>
  <path d="${d(opening)}" fill="url(#neckInside)"/>
  <g clip-path="url(#neckclip)">${stroke(d(side(-1).translated(2.5, -1)), 9, 0.32, 'soft')}${stroke(d(side(1).translated(-1, -1)), 6, 0.2, 'soft')}</g>
  ${stroke(d(side(-1)), 0.9, 0.9, '', '#fff')}
  ${stroke(d(side(1)), 0.8, 0.35, '', sh[6])}`;
  })();
  // Where the band's inside meets the shirt's back. Between a tie's knot and the collar points only
  // its ends show; through an open neck the whole of it, a soft crease rather than a drawn bar.
  const bandFoot = `M${P(-50, 1491)} Q${P(0, 1483)} ${P(50, 1491)}`;
  const shirtSvg = `
  <path d="${d(shirt)}" fill="${lit}"/>
  ${grain}
  <path d="${d(shirt)}" fill="url(#shirtForm)"/>
  ${shirtFolds.map((f, i) => stroke(d(line(f)), 10, i % 2 ? 0.07 : 0.1, 'soft5')).join('')}
  ${stroke(d(placket(1).translated(1.5, 0)), 2.2, 0.2, 'placketSoft')}
  ${stroke(d(placket(-1).translated(-1, 0)), 1.4, 0.1, 'placketSoft')}
  ${stroke(d(placket(1).translated(-3, 0)), 0.6, 0.22, '', sh[6])}
  ${stroke(d(placket(-1).translated(3, 0)), 0.6, 0.18, '', sh[6])}
  ${neckOpening}
  <path d="${d(band)}" fill="${lit}"/>
  <path d="${d(band)}" fill="url(#bandInside)"/>
  ${stroke(`M${P(-52, 1515)} Q${P(0, 1527)} ${P(52, 1515)}`, 1.6, 0.25, '')}
  ${open ? stroke(bandFoot, 6, 0.2, 'soft') : stroke(bandFoot, 4, 0.3, 'soft2')}`;
  let tie = '';
  if (o.tie !== 'none') {
    const tc = TIES[o.tie];
    // A tie is cut on the bias: its stripes cross the blade at 45°, in the English way from the
    // wearer's left shoulder toward the right hip (they had crossed at 18°, the other way).
    // Each stripe is drawn only across the box of the part it lies on (4 mm over, for its ends): they
    // are clipped to the tie anyway, and a stripe reaching far past it made a tie change redraw a
    // patch of the underlay twice the tie's height. `dir` 1 rises to the right ("/"), -1 falls.
    const stripe = (y: number, dir: 1 | -1, x0: number, x1: number, y0: number, y1: number) => {
      // The line through (0, y − 60) at 45°: height y − 60 + dir·x.
      const a = Math.max(x0 - 4, dir > 0 ? y0 - 4 - (y - 60) : y - 60 - (y1 + 4));
      const b = Math.min(x1 + 4, dir > 0 ? y1 + 4 - (y - 60) : y - 60 - (y0 - 4));
      if (a >= b) return '';
      return `<path d="M${P(a, y - 60 + dir * a)} L${P(b, y - 60 + dir * b)}" stroke="${tc[3]}" stroke-width="${3 * k}" opacity="0.45"/>`;
    };
    const stripes = Array.from({ length: 20 }, (_, i) => stripe(1600 - i * 32, 1, -40, 40, 1040, kt.bottomY)).join('');
    // The knot's face is the wide end wrapped across the neck: turned a quarter, its stripes run the
    // other diagonal from the blade's. The same stripes on knot and blade read as printed.
    const knotStripes = Array.from({ length: 4 }, (_, i) => stripe(kt.bottomY + 14 + i * 32, -1, -bow[0], bow[0], kt.bottomY - 4, kt.topY)).join('');
    // Up close the silk's rib shows: a repp's weft cords, crossing its warp stripes at right angles
    // (cut on the bias, the other diagonal). Each groove is a soft line of shade, a dark core in a
    // fainter band. Left out where a rib would be under FINE_MIN_PX: finer than the pixels, its lines
    // would beat against them in moiré rather than average away.
    const ribs = (dir: 1 | -1, x0: number, x1: number, y0: number, y1: number) => {
      if (proj.pxPerMm * TIE_RIB_MM < FINE_MIN_PX) return '';
      const step = TIE_RIB_MM * Math.SQRT2;
      const path: string[] = [];
      // Lines y = c + dir·x over the box, every rib along the box's other diagonal.
      const [c0, c1] = dir > 0 ? [y0 - x1, y1 - x0] : [y0 + x0, y1 + x1];
      for (let c = c0 + step / 2; c < c1; c += step) {
        const a = Math.max(x0, dir > 0 ? y0 - c : c - y1);
        const b = Math.min(x1, dir > 0 ? y1 - c : c - y0);
        if (a < b) path.push(`M${P(a, c + dir * a)}L${P(b, c + dir * b)}`);
      }
      const grooves = path.join('');
      return `<path d="${grooves}" stroke="#000" stroke-width="${(TIE_RIB_MM * 0.55 * proj.pxPerMm).toFixed(2)}" fill="none" opacity="0.1"/><path d="${grooves}" stroke="#000" stroke-width="${(TIE_RIB_MM * 0.25 * proj.pxPerMm).toFixed(2)}" fill="none" opacity="0.12"/>`;
    };
    // Where its rib is finer than the pixels, what shows of it is the silk's tooth, over knot and blade.
    const tooth = proj.pxPerMm * TIE_RIB_MM < FINE_MIN_PX ? trimTooth('tieTooth', `${d(knot)} ${d(blade)}`, TIE_TOOTH, proj) : '';
    // Where the fronts cross, the blade runs into the coat's shade.
    const { left: sideT } = sidesFor(style);
    const under = sideT.breakY;
    tie = `
  <defs>
    <radialGradient id="knotForm" cx="0.36" cy="0.34" r="0.78"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="0.45" stop-color="#000" stop-opacity="0.06"/><stop offset="1" stop-color="#000" stop-opacity="0.5"/></radialGradient>
    <linearGradient id="bladeForm" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.22"/><stop offset="0.16" stop-color="#000" stop-opacity="0.04"/><stop offset="0.3" stop-color="#000" stop-opacity="0"/><stop offset="0.49" stop-color="#000" stop-opacity="0"/><stop offset="0.52" stop-color="#000" stop-opacity="0.16"/><stop offset="0.8" stop-color="#000" stop-opacity="0.2"/><stop offset="1" stop-color="#000" stop-opacity="0.38"/></linearGradient>
    <linearGradient id="bladeUnder" gradientUnits="userSpaceOnUse" x1="0" y1="${proj.project(0, under + 110)[1].toFixed(1)}" x2="0" y2="${proj.project(0, under)[1].toFixed(1)}"><stop offset="0" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.42"/></linearGradient>
    <clipPath id="knotclip"><path d="${d(knot)}"/></clipPath>
    <clipPath id="bladeclip"><path d="${d(blade)}"/></clipPath>
  </defs>
  ${shade(d(blade.translated(4, -4)), 0.28, 'soft')}
  ${shade(d(knot.translated(3, -4)), 0.3, 'soft')}
  <path d="${d(knot)} ${d(blade)}" fill="${tc[1]}"/>
  <g clip-path="url(#knotclip)">${knotStripes}${ribs(1, -bow[0], bow[0], kt.bottomY - 4, kt.topY)}</g>
  <g clip-path="url(#bladeclip)">${stripes}${ribs(-1, -40, 40, 1040, kt.bottomY)}
    <path d="${d(blade)}" fill="url(#bladeForm)"/>
    <path d="${d(blade)}" fill="url(#bladeUnder)"/>
    ${stroke(`M${P(2, kt.bottomY)} L${P(1, 1040)}`, 2, 0.14, 'soft2')}
    <path d="M${P(-kt.top, kt.bottomY + 3)} Q${P(0, kt.bottomY - 5)} ${P(kt.top, kt.bottomY + 3)}" stroke="#000" stroke-width="${(9 * k).toFixed(2)}" fill="none" opacity="0.4" filter="url(#soft)"/>
    ${shade(
      d(
        draft()
          .M(-4.5, kt.bottomY)
          .Q(-2, kt.bottomY - 20, 0, kt.bottomY - 40)
          .Q(2.2, kt.bottomY - 20, 5.5, kt.bottomY)
          .Z(),
      ),
      0.55,
      'soft2',
    )}
  </g>
  ${tooth}
  <path d="${d(knot)}" fill="url(#knotForm)"/>
  ${stroke(`M${P(-kt.bottom - 5, kt.bottomY + 6)} Q${P(-2, (kt.topY + kt.bottomY) / 2)} ${P(kt.top - 5, kt.topY - 4)}`, 2.6, 0.3, 'soft2')}
  ${stroke(d(knotSide(-1)), 1.6, 0.35, 'soft2')}
  ${stroke(d(knotSide(1)), 2.6, 0.45, 'soft2')}`;
  } else {
    // A pearl disc, 9 mm, sewn through four holes: its rim turns into shade on the side away from
    // the key light, its dished middle a little darker than the rim, the holes in shade.
    // Outlined in the shirt's shade colour (up to b121) it read as a ring drawn on the placket.
    const pearl = ([x, y]: Pt) => {
      const [bx, by] = proj.project(x, y);
      const mm = proj.pxPerMm;
      const r = 4.5 * mm;
      const c = (dx: number, dy: number, rr: number, rest: string) =>
        `<circle cx="${(bx + dx).toFixed(2)}" cy="${(by + dy).toFixed(2)}" r="${rr.toFixed(2)}" ${rest}/>`;
      return [
        c(0, r * 0.3, r, 'fill="#000" opacity="0.22" filter="url(#soft2)"'),
        c(0, 0, r, `fill="${PEARL}"`),
        c(0, 0, r, 'fill="url(#pearlForm)"'),
        c(0, 0, r * 0.68, `fill="none" stroke="#000" stroke-opacity="0.07" stroke-width="${(r * 0.22).toFixed(2)}"`),
        ...[-1, 1].flatMap((dx) => [-1, 1].map((dy) => c(dx * 1.2 * mm, dy * 1.2 * mm, 0.6 * mm, 'fill="#000" opacity="0.3"'))),
      ].join('');
    };
    // The collar band left undone: its two ends show under the collar leaves where the collar parts,
    // the button on the wearer's right, the buttonhole across the left (without them, up to b140, the
    // open neck read as a V cut in a shirt front). The buttonhole is a slit between two lips of close stitching
    // in the shirt's own thread, a fine line of shade round them; its far end runs under the leaf.
    const { x: bandX, y: bandY } = SHIRT_BAND_BUTTON;
    const holeFrom = -bandX - 5;
    const holeTo = -bandX + 8;
    const lips = draft()
      .M(holeFrom, bandY + 1.3)
      .L(holeTo, bandY + 1.3)
      .L(holeTo, bandY - 1.3)
      .L(holeFrom, bandY - 1.3)
      .Z();
    const bandHole = `
  <path d="${d(lips)}" fill="none" stroke="#000" stroke-width="${(0.5 * k).toFixed(2)}" opacity="0.24" stroke-linejoin="round"/>
  ${stroke(`M${P(holeFrom + 0.8, bandY - 0.2)} L${P(holeTo, bandY - 0.2)}`, 1.6, 0.14, 'soft2')}
  ${stroke(`M${P(holeFrom + 0.6, bandY)} L${P(holeTo, bandY)}`, 0.45, 0.55, '')}`;
    // No tie: the placket runs down from the open neck (see neckOpening) with its buttons.
    tie = `
  ${[1395, 1320, 1245, 1170].map((y) => pearl([0, y])).join('')}
  ${pearl([bandX, bandY])}${bandHole}`;
  }
  // Collar points: each leaf throws a soft shadow down onto the shirt and tie, shows its folded
  // thickness along its lower edge, and turns a little away from the light toward the coat.
  const leafSvg = (l: Draft, edge: Draft, form: string, stitch: Draft) => `
  ${shade(d(l.translated(3, -6)), 0.32, 'soft')}
  ${shade(d(l.translated(1, -2)), 0.22, 'soft2')}
  <path d="${d(l)}" fill="${lit}"/>
  <path d="${d(l)}" fill="url(#${form})"/>
  ${shirtStitch(d(stitch), k)}
  ${stroke(d(edge.translated(0, -0.6)), 1.8, 0.32, '', sh[6])}
  ${stroke(d(edge), 0.7, 0.5, '', '#fff')}`;
  // The coat's fronts stand off the shirt: the image-left front, toward the key light, throws a soft
  // shadow across the shirt and tie beside its roll line; the other side only darkens its crevice.
  const { left: sideL } = sidesFor(style);
  const roll = (s: 1 | -1, dx: number, dy: number) =>
    draft()
      .M(s * (sideL.rollTop[0] + dx) - 0, sideL.rollTop[1] + 30 + dy)
      .L(s * (sideL.rollTop[0] + dx), sideL.rollTop[1] + dy)
      .L(s * (sideL.edgeX + dx), sideL.breakY + 40 + dy);
  const coatShadow = `
  <path d="${d(roll(1, 7, -5))}" stroke="#0b1020" stroke-width="${14 * k}" fill="none" opacity="0.3" filter="url(#soft)" stroke-linejoin="round"/>
  <path d="${d(roll(-1, 3, -2))}" stroke="#0b1020" stroke-width="${6 * k}" fill="none" opacity="0.16" filter="url(#soft)" stroke-linejoin="round"/>`;
  return `${defs}${gradients}${floor}
  ${shirtSvg}
  ${tie}
  ${leafSvg(leaf, leafEdge, 'leafL', leafStitch)}
  ${leafSvg(leaf.mirrored(), leafEdge.mirrored(), 'leafR', leafStitch.mirrored())}
  ${trimTooth('leafTooth', `${d(leaf)} ${d(leaf.mirrored())}`, SHIRT_TOOTH, proj)}
  ${coatShadow}
  ${cuffs}${ventInside}`;
}

/** A button's holes: their centres this share of its radius off its centre, across and down. */
export const BUTTON_HOLE_OFFSET = 0.22;
/** The thread's bars between the holes, this share of the button's radius wide (a hole is 0.2). */
export const BUTTON_THREAD_WIDTH = 0.17;

const HORN = {
  'horn-dark': [
    ['#6a4e3a', '#3b2a1f', '#1d140f'],
    ['#62493a', '#35261c', '#1a120d'],
    ['#705341', '#3e2d22', '#1f1611'],
  ],
  'horn-light': [
    ['#c9a57a', '#9a744c', '#6b4a2c'],
    ['#d2b089', '#a27d55', '#704f31'],
    ['#c29e72', '#936d46', '#654528'],
  ],
} as const;

/**
 * Which of the three horn grains a button gets: from where it sits, so that a button added or taken
 * away elsewhere (another fastening) leaves every other button's grain as it was.
 */
function hornGrain(b: Button): number {
  const h = Math.imul(Math.round(b.at[0] * 4) | 0, 73856093) ^ Math.imul(Math.round(b.at[1] * 4) | 0, 19349663);
  return (h >>> 0) % 3;
}

/**
 * A coat's button: a horn disc on a drop shadow, sewn through its four holes with two bars of thread
 * along the pull of the buttonhole. The thread is the buttonhole's, dyed to the cloth: each bar is a
 * hole in the disc so the cloth beneath shows through, and only the cord's round (a lit crown, shaded
 * sides, the holes' shade where it dives in) is drawn here. Sleeve buttons, seen edge-on, show no holes.
 *
 * The bars are cut by the even-odd rule, not a mask, and every path is absolute lines and cubics: an
 * option change redraws only around what changed when svg-patch can read its extent. A mask, an arc
 * or an H command makes it redraw the whole overlay (and librsvg renders a mask on a surface the size
 * of the canvas): drawn so, the sewn buttons doubled librsvg's time on an option change's first
 * preview, or more.
 */
function buttonSvg(b: Button, proj: Projection, matching: boolean): string {
  const [cx, cy] = proj.project(b.at[0], b.at[1], b.layer ?? 'torso');
  const squeeze = proj.squeeze(b.at[0], b.at[1], b.layer ?? 'torso');
  const r = (b.d / 2) * proj.pxPerMm;
  const rx = r * (b.squash ?? 1) * squeeze;
  const f = (v: number) => v.toFixed(2);
  const P = (x: number, y: number) => `${f(x)},${f(y)}`;
  const sewn = b.squash === undefined;
  const hx = r * BUTTON_HOLE_OFFSET * squeeze;
  const hy = r * BUTTON_HOLE_OFFSET;
  const tw = r * BUTTON_THREAD_WIDTH;
  const t = tw / 2;
  const k = QUARTER_ARC_HANDLE;
  const ellipsePath = (x: number, y: number, ex: number, ey: number) =>
    `M${P(x + ex, y)}C${P(x + ex, y + ey * k)} ${P(x + ex * k, y + ey)} ${P(x, y + ey)}C${P(x - ex * k, y + ey)} ${P(x - ex, y + ey * k)} ${P(x - ex, y)}` +
    `C${P(x - ex, y - ey * k)} ${P(x - ex * k, y - ey)} ${P(x, y - ey)}C${P(x + ex * k, y - ey)} ${P(x + ex, y - ey * k)} ${P(x + ex, y)}Z`;
  // Each bar's outline, hole centre to hole centre, with round ends.
  const bars = sewn
    ? [-1, 1]
        .map((dy) => {
          const y = cy + dy * hy;
          const [left, right] = [cx - hx, cx + hx];
          return (
            `M${P(left, y - t)}L${P(right, y - t)}C${P(right + t * k, y - t)} ${P(right + t, y - t * k)} ${P(right + t, y)}C${P(right + t, y + t * k)} ${P(right + t * k, y + t)} ${P(right, y + t)}` +
            `L${P(left, y + t)}C${P(left - t * k, y + t)} ${P(left - t, y + t * k)} ${P(left - t, y)}C${P(left - t, y - t * k)} ${P(left - t * k, y - t)} ${P(left, y - t)}Z`
          );
        })
        .join('')
    : '';
  // The cord's round: its long edges turn away into shade, its crown catches the light, and a few
  // passes of thread lie side by side along it; shade where it dives into each hole.
  const along = (off: number) => [-1, 1].map((dy) => `M${P(cx - hx, cy + dy * hy + off)}L${P(cx + hx, cy + dy * hy + off)}`).join('');
  const line = (off: number, colour: string, opacity: number, width: number) =>
    `<path d="${along(off)}" stroke="${colour}" stroke-opacity="${opacity}" stroke-width="${f(width)}" fill="none"/>`;
  const thread = sewn
    ? `${line(-tw * 0.4, '#000', 0.28, tw * 0.2)}${line(tw * 0.38, '#000', 0.4, tw * 0.24)}${line(-tw * 0.12, '#fff', 0.06, tw * 0.22)}${line(tw * 0.14, '#000', 0.14, tw * 0.08)}
  ${[-1, 1].flatMap((dy) => [-1, 1].map((dx) => `<circle cx="${f(cx + dx * (hx + tw * 0.2))}" cy="${f(cy + dy * hy)}" r="${f(tw * 0.38)}" fill="#000" opacity="0.35"/>`)).join('')}`
    : '';
  // Matching buttons are cloth-coloured (drawn as cloth beneath): here only their sheen and rim. The
  // drop shadow shows only past the disc: its middle is left out, so the thread is not in its shade.
  const shadow = matching
    ? ''
    : `<path d="${ellipsePath(cx, cy + r * 0.25, rx * 1.05, r * 1.05)}${sewn ? ellipsePath(cx, cy, rx * 0.85, r * 0.85) : ''}" fill-rule="evenodd" fill="#000" opacity="0.35" filter="url(#bshadow)"/>`;
  const face = `<path d="${ellipsePath(cx, cy, rx, r)}${bars}" fill-rule="evenodd" fill="url(#${matching ? 'sheen' : `horn${hornGrain(b)}`})"/>`;
  return `${shadow}
  ${face}
  <ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx * 0.72)}" ry="${f(r * 0.72)}" fill="none" stroke="#000" stroke-opacity="${matching ? 0.28 : 0.35}" stroke-width="${f(r * 0.12)}"/>
  ${thread}`;
}

function overlaySvg(set: Draftset, proj: Projection, o: StyleOptions, view: ViewName): string {
  const matching = o.buttons === 'matching';
  const horn = HORN[o.buttons === 'matching' ? 'horn-dark' : o.buttons];
  return `
  <defs>
    ${horn.map((c, i) => `<radialGradient id="horn${i}" cx="0.38" cy="0.32" r="0.75"><stop offset="0" stop-color="${c[0]}"/><stop offset="0.55" stop-color="${c[1]}"/><stop offset="1" stop-color="${c[2]}"/></radialGradient>`).join('')}
    <radialGradient id="sheen" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.22"/><stop offset="0.5" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.25"/></radialGradient>
    <filter id="bshadow"><feGaussianBlur stdDeviation="${((1.6 * proj.pxPerMm) / 0.9).toFixed(2)}"/></filter>
  </defs>
  ${view === 'three-quarter' ? nearCuffOverSvg(o, proj) : ''}
  ${set.buttons.map((b) => buttonSvg(b, proj, matching)).join('')}`;
}

/**
 * Matching buttons are panels of their own, one per body volume, domed by the shading like any panel;
 * the engine draws them plain in the cloth's colour (corozo dyed to it), without its weave or pattern.
 */
function matchingButtonPieces(set: Draftset): void {
  const byLayer = new Map<Layer, Button[]>();
  for (const b of set.buttons) {
    const l = b.layer ?? 'torso';
    if (!byLayer.has(l)) byLayer.set(l, []);
    byLayer.get(l)!.push(b);
  }
  for (const [layer, bs] of byLayer) {
    const d = draft(layer);
    for (const b of bs) ellipse(b.at[0], b.at[1], (b.d / 2) * (b.squash ?? 1), b.d / 2, d);
    set.pieces.push({
      id: `buttons-${layer}`,
      kind: 'button',
      shape: d,
      grain: [
        [0, 1400],
        [0, 900],
      ],
      anchor: [0, 1100],
      loft: 4,
      round: 4,
    });
  }
}

/**
 * The far sleeve of a turned figure, past the torso's far side: the outer half of the arm, turned from
 * the key light, so a shade deeper than the near sleeve (the crevice where the body passes in front of
 * it comes from its volume lying behind the torso's: PanelSpec.behind); its forearm seam runs down the
 * strip, and the crook of the elbow gathers a couple of folds there. Its cuff buttons sit round the
 * back of the arm, out of view.
 */
function farSleeve(set: Draftset): void {
  const only: PanelKind[] = ['sleeve'];
  const onPanels = ['sleeve-left'];
  const far = (pts: Pt[]) => line(pts.map(farArmPt), 'far-arm');
  // No flat shade laid over the whole sleeve: since the sleeves hang against the body (b50) the strip
  // that shows is the arm's outer side alone, already a shade deeper than the near sleeve from its
  // own turn and the torso's occlusion (0.61 of the near sleeve's shade; a flat 0.06 took it to 0.55).
  // The forearm seam: pressed, a fine groove the light catches on its inner side.
  const seam: Pt[] = [
    [259, 1300],
    [262, 1190],
    [265, 1085],
    [264, 970],
    [261, CUFF_Y + 6],
  ];
  set.marks.push({ only, onPanels, shape: far(seam), kind: 'crease', width: 2.5, strength: 0.5, blur: 1.2 });
  set.marks.push({ only, onPanels, shape: far(seam), kind: 'seam', width: 1.2, strength: 0.25, blur: 0.7 });
  // Elbow: the arm hangs slightly bent, so the front of the elbow gathers short folds running out
  // from the seam and dying before the outer edge, each a crease with its lit ridge above.
  const folds: Array<[Pt[], number]> = [
    [
      [
        [252, 1102],
        [268, 1092],
        [284, 1089],
      ],
      0.6,
    ],
    [
      [
        [254, 1058],
        [270, 1050],
        [282, 1049],
      ],
      0.45,
    ],
  ];
  for (const [pts, strength] of folds) {
    set.marks.push({ only, onPanels, shape: far(pts), kind: 'crease', width: 6, strength, blur: 4.5 });
    set.marks.push({ only, onPanels, shape: far(pts.map(([x, y]) => [x, y + 9] as Pt)), kind: 'ridge', width: 7, strength: strength * 0.75, blur: 5 });
  }
}

/**
 * Moves `to`'s pattern origin so its cloth at image point `at` is the cloth `from` has there (the
 * same phase of stripe or check), as a cutter matches stripes where a sleeve meets the shoulder.
 */
function matchPatternAt(from: PanelSpec, to: PanelSpec, at: readonly [number, number]): [number, number] {
  const rad = (a: number) => (a * Math.PI) / 180;
  const [cf, sf] = [Math.cos(rad(from.grainAngle)), Math.sin(rad(from.grainAngle))];
  const [ct, st] = [Math.cos(rad(to.grainAngle)), Math.sin(rad(to.grainAngle))];
  // Texture coordinates as levels.ts makes them, per mm of cloth (both panels are at the view's scale).
  const qx = at[0] - from.anchor[0];
  const qy = at[1] - from.anchor[1];
  const u = ((qx * cf - qy * sf) / (from.squeeze ?? 1)) * (to.pxPerMm / from.pxPerMm);
  const v = (qx * sf + qy * cf) * (to.pxPerMm / from.pxPerMm);
  const a = u * (to.squeeze ?? 1);
  return [at[0] - (a * ct + v * st), at[1] - (-a * st + v * ct)];
}

/** Mean horizontal foreshortening along a drafted path (1 in a front view). */
function meanSqueeze(d: Draft, proj: Projection): number {
  const pts = d.points();
  if (!pts.length) return 1;
  let s = 0;
  for (const [x, y] of pts) s += proj.squeeze(x, y, d.layer);
  return s / pts.length;
}

function foreshortenFade(sq: number): number {
  if (sq >= 0.999) return 1;
  const t = Math.min(1, Math.max(0, (sq - 0.3) / 0.45));
  return t * t * (3 - 2 * t);
}

/**
 * How much of a stroked line's width a turned view keeps, along a drafted path: the surface
 * foreshortens across (by its squeeze), so a line seen running down the turn (a side seam) narrows
 * with it, while one running across the turn (a welt's edge, a hem) only shortens, its width (up the
 * body) kept. Per piece of the path, √((n_x·squeeze)² + n_y²) for the piece's unit normal n, averaged
 * by length. A point alone (no length) takes the squeeze itself.
 */
function widthSqueeze(d: Draft, proj: Projection): number {
  let sum = 0;
  let len = 0;
  for (const run of d.subpaths())
    for (let i = 1; i < run.length; i++) {
      const [ax, ay] = run[i - 1]!;
      const [bx, by] = run[i]!;
      const l = Math.hypot(bx - ax, by - ay);
      if (l < 1e-6) continue;
      const sq = proj.squeeze((ax + bx) / 2, (ay + by) / 2, d.layer);
      const nx = (by - ay) / l;
      const ny = (bx - ax) / l;
      sum += l * Math.hypot(nx * sq, ny);
      len += l;
    }
  return len > 0 ? sum / len : meanSqueeze(d, proj);
}

function markToShade(m: Mark, proj: Projection, k: number): ShadeMark {
  // Where the body turns away a seam or fold is seen edge-on: it narrows with the surface, and its
  // light and shade merge into the turning cloth until, past the horizon, it is hidden altogether.
  // A stroked line running across the turn is not seen edge-on (see widthSqueeze); a filled shape's
  // own outline carries its foreshortening.
  const sq = m.fill ? meanSqueeze(m.shape, proj) : widthSqueeze(m.shape, proj);
  const fade = foreshortenFade(sq);
  return {
    path: m.shape.toSvg(proj),
    kind: m.kind,
    width: m.width * k * (m.fill ? 1 : Math.max(0.4, Math.min(1, sq))),
    strength: m.strength * fade,
    blur: m.blur * k,
    fill: m.fill,
    only: m.only,
    onPanels: m.onPanels,
    dash: m.dash,
  };
}

/**
 * A detail view's sleeve rows (Draft.rowSpans), by the sleeve's drawn outline: the sleeve is the same
 * in every style, and its rows were half the drafting of each style's detail view (~3 of 6 ms).
 */
const detailSleeveRows = new LRUCache<string, Array<[number, number, number]>>({ max: 8 });
function sleeveRows(shape: Draft, path: string, proj: Projection): Array<[number, number, number]> {
  let rows = detailSleeveRows.get(path);
  if (!rows) {
    rows = shape.rowSpans(proj, NATIVE_HEIGHT, 8);
    detailSleeveRows.set(path, rows);
  }
  return rows;
}

/** The drafted source of one view with these style options (the cut's preset when none are given). */
export function draftCutView(cut: string, view: string, options?: StyleOptions): CutViewSource {
  const style = styleOf(cut, options);
  if (!(VIEWS as readonly string[]).includes(view)) throw new Error(`Unknown view "${view}" for cut "${cut}"`);
  const v = view as ViewName;
  const turned = v === 'three-quarter';
  const proj = projectionFor(v);
  // Widths, blurs and volumes are drafted for the standard 0.9 px/mm layout.
  const k = proj.pxPerMm / 0.9;
  const set = v === 'back' ? draftBack(style) : draftSuit(style, v === 'front', turned);
  if (style.o.buttons === 'matching') matchingButtonPieces(set);

  if (turned && proj.nearEdgeX) turnedNearSide(set, style, proj.nearEdgeX);
  if (turned) {
    // The far arm hangs behind the torso and the far leg behind the near one.
    const rank = (id: string) =>
      id === 'sleeve-left'
        ? 0
        : id.endsWith('-left') && (id.startsWith('trouser') || id.startsWith('turnup'))
          ? 1
          : id.startsWith('trouser') || id.startsWith('turnup')
            ? 2
            : 3;
    set.pieces.sort((a, b) => rank(a.id) - rank(b.id));
    set.buttons = set.buttons.filter((b) => b.layer !== 'far-arm');
    set.pieces = set.pieces.filter((p) => p.id !== 'buttons-far-arm');
    // The trousers' own folds and seams part with the legs (the coat's shadows on them stay on the coat).
    set.marks = set.marks.map((m) => (m.leg ? { ...m, shape: withLayer(m.shape, m.leg === 'right' ? 'near-leg' : 'far-leg') } : m));
    farSleeve(set);
  }
  const panels: PanelSpec[] = set.pieces.map((p) => {
    const layer = p.id === 'buttons-near-arm' ? 'near-arm' : layerOf(p.id, turned);
    const shape = withLayer(p.shape, layer);
    let grainAngle = projectedAngle(proj, p.grain[0], p.grain[1], layer);
    if (p.mirrorGrainAbout) {
      const roll = projectedAngle(proj, p.mirrorGrainAbout[0], p.mirrorGrainAbout[1], layer);
      grainAngle = 2 * roll - grainAngle;
    }
    const [ax, ay] = proj.project(p.anchor[0], p.anchor[1], layer);
    const path = shape.toSvg(proj);
    return {
      id: p.id,
      kind: p.kind,
      path,
      grainAngle,
      pxPerMm: proj.pxPerMm,
      anchor: [ax, ay],
      loft: p.loft * k,
      round: p.round * k,
      squeeze: proj.squeeze(p.anchor[0], p.anchor[1], layer),
      ...(p.overlap ? { overlap: p.overlap } : {}),
      ...(turned && p.id === 'sleeve-left' ? { behind: true } : {}),
      ...(p.rollEdge ? { rollEdge: p.rollEdge } : {}),
      ...(p.sewnFlat ? { sewnFlat: true } : {}),
      ...(p.sewnTo ? { sewnTo: p.sewnTo } : {}),
      // The detail view crops the sleeve to a strip beside the chest: fitted to that strip, its tube
      // was a rod 2-3 cm across, dark down the frame's edge.
      ...(v === 'detail' && p.kind === 'sleeve' ? { extent: sleeveRows(shape, path, proj) } : {}),
      // A sleeve's armhole seam faces the body and ends under the arm, at the sleeve's first point
      // hanging free of it.
      ...(p.id === 'sleeve-right' || p.id === 'sleeve-left'
        ? {
            armhole: {
              seam: p.id === 'sleeve-right' ? ('right' as const) : ('left' as const),
              underarm: proj.project((p.id === 'sleeve-right' ? 1 : -1) * SLEEVE_INNER[3]![0], SLEEVE_INNER[3]![1], layer)[1],
            },
          }
        : {}),
      profile: p.profile ?? (p.kind === 'sleeve' ? 'cylinder' : p.kind === 'trouser' ? 'pressed' : 'canvas'),
    };
  });
  if (v !== 'back') {
    // A cutter matches a check's bars across the front of the sleeve and the forepart at chest
    // level, where the sleeve hangs beside it (up to b144 they were 19 mm out of step in a 60 mm
    // glen check, 7 mm on the near arm turned: the sleeve read as cut from another length of cloth).
    // Turned, the far sleeve hangs behind the body: its stripes run on from the far shoulder over
    // its head, matched at the shoulder point.
    const [x, y] = SLEEVE_INNER[2]!;
    const matchAt: Array<['right' | 'left', [number, number]]> = turned
      ? [
          ['right', proj.project(x, y, 'near-arm')],
          ['left', proj.project(FAR_SHOULDER_POINT[0], FAR_SHOULDER_POINT[1])],
        ]
      : [
          ['right', proj.project(x, y)],
          ['left', proj.project(-x, y)],
        ];
    for (const [side, at] of matchAt) {
      const fore = panels.find((p) => p.id === `forepart-${side}`);
      const sl = panels.find((p) => p.id === `sleeve-${side}`);
      if (fore && sl) sl.anchor = matchPatternAt(fore, sl, at);
    }
  }
  // Thread is cloth-matched, so buttonholes and pick stitching are drawn into the shading.
  const marks = [
    ...set.marks.map((m) => markToShade(m, proj, k)),
    ...set.threads.map((t) => ({
      path: t.shape.toSvg(proj),
      kind: 'seam' as const,
      width: t.width * k,
      strength: t.opacity * foreshortenFade(widthSqueeze(t.shape, proj)),
      blur: 0,
      dash: t.dash
        ?.split(' ')
        .map((x) => String(Number(x) * k))
        .join(' '),
      onPanels: t.onPanels,
    })),
  ];
  return {
    cut,
    view,
    width: NATIVE_WIDTH,
    height: NATIVE_HEIGHT,
    pxPerMm: proj.pxPerMm,
    zoom: k,
    panels,
    marks,
    ...(v === 'detail' ? { torsoExtent: viewRows('torsoExtent', v, detailTorsoExtent) } : {}),
    bodyExtent: viewRows('bodyExtent', v, () => bodyExtentRows(proj)),
    torsoDepth: viewRows('torsoDepth', v, () => torsoDepthRows(proj, v === 'back' ? 'back' : 'front')),
    underlay: underlaySvg(style, proj, v),
    overlay: overlaySvg(set, proj, style.o, v),
  };
}
