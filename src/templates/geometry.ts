/**
 * Drafting geometry: garments are drawn in millimetres on the body (x from centre front, positive
 * toward the image's right; y up from the floor), the way a pattern cutter thinks, and only turned into
 * pixels when a view is laid out. A `Projection` does that last step, so the same draft gives a front
 * view and a turned (three-quarter) view.
 */

export type Pt = readonly [number, number];

/** Maps body millimetres to native image pixels. */
export interface Projection {
  readonly pxPerMm: number;
  /** Body point (mm) to image point (px). */
  project(x: number, y: number, layer?: Layer): [number, number];
  /** Horizontal foreshortening at a body point: 1 in a front view, < 1 where the body turns away. */
  squeeze(x: number, y: number, layer?: Layer): number;
  /**
   * A turned view only: the drafted x (mm, negative) that lands on the torso's near silhouette at
   * height y. The front draft's side seam lies well inside it: the side and a little of the back
   * show there, so whatever is drawn out to here is what a turned figure shows on its near side.
   */
  nearEdgeX?(y: number): number;
  /**
   * A turned view only: image x (px) of the torso's two silhouettes at height y, near and far (a
   * front view's are its sides, `project(±torsoHalfWidth(y), y)`).
   */
  bodySides?(y: number): [number, number];
  /**
   * The map bends straight lines (a turned body): a drawn segment is cut into short pieces before it
   * is projected, so that an edge drafted straight (a lapel's roll line, a front edge) follows the
   * body's round instead of cutting across it as the straight line between its projected ends.
   */
  curved?: boolean;
}

/** Under a curved projection: how far (px) a projected piece's middle may stray from the body's line, and how many halvings at most. */
const CURVED_TOLERANCE_PX = 0.25;
const CURVED_DEPTH = 6;

/**
 * Which body volume a point belongs to: arms swing independently of the torso when the figure turns,
 * and each trouser leg (near-leg, far-leg: the image-left and image-right leg) parts from the crotch on
 * its own, under the coat's skirt. A leg's layer holds for the whole piece, centre front included.
 */
export type Layer = 'torso' | 'near-arm' | 'far-arm' | 'near-leg' | 'far-leg';

export const NATIVE_WIDTH = 1024;
export const NATIVE_HEIGHT = 1536;
/** 1536 px ≈ 1.7 m of figure: a man of 1.80 m seen from the floor to just above the collar. */
export const PX_PER_MM = 0.9;

/**
 * The shoulder point's height (mm from the floor), where the shoulder line meets the sleeve's crown:
 * a natural shoulder, its point 72 mm below the neck point over 154 mm across (a 25° slope). At 1455
 * (up to b99) the line sloped 18°: square, a padded coat on a linebacker. The turned view's heights
 * about the shoulder are set from it.
 */
export const SHOULDER_Y = 1432;
/** The wearer's right shoulder point (the image's left, mm), where the shoulder line meets the sleeve's crown. */
export const SHOULDER_POINT: Pt = [-232, SHOULDER_Y - 4];
/** Image row of the floor line. */
const FLOOR_PX = 1515;

export function frontProjection(): Projection {
  return {
    pxPerMm: PX_PER_MM,
    project: (x, y) => [NATIVE_WIDTH / 2 + x * PX_PER_MM, FLOOR_PX - y * PX_PER_MM],
    squeeze: () => 1,
  };
}

/**
 * A figure turned by `turnDeg` so it faces toward the image's right: the image-left half comes toward
 * the camera, the far half recedes. The torso is an elliptic cylinder whose width follows the figure
 * (chest, waist, hips): a front-surface point at x lies at depth z = d·√(1 − (x/a)²) and projects to
 * x·cos φ + z·sin φ. Past the far horizon the surface turns away and is hidden: those points fold onto
 * the silhouette, which therefore follows the body's curve instead of a straight edge. Arms are separate
 * cylinders; the far arm hangs behind the torso and shows only past its silhouette, its head
 * carrying the far shoulder's line on over the crown.
 */
/** Hermite ease from 0 to 1 over t in [0, 1]. */
export const smooth = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/** Half-width of the torso (mm) by height (smooth: a kink here would show as a kink in the outline). */
export function torsoHalfWidth(y: number): number {
  // The drafted side seams: the body's sides, where the surface turns from front to back.
  const chest = 228;
  const waist = 182;
  const hips = 194;
  if (y > 1090) return waist + (chest - waist) * smooth((y - 1090) / 200);
  if (y > 900) return hips + (waist - hips) * smooth((y - 900) / 190);
  return hips;
}

/** Depth of the torso's section as a fraction of its half-width (a chest is flatter than an arm). */
export const TORSO_DEPTH = 0.5;

/**
 * The body's half-depth (mm, the centre line's distance before the mid-plane) by height, down its
 * front and down its back: the side profile of the figure under the coat. From the collar the front
 * rises over the upper chest to its fullest point, so that band turns up into the key light; below
 * the chest the coat hangs nearly straight, receding a centimetre to the waist button. The back is
 * fullest over the shoulder blades, in at the small of the back and out again over the seat. Only
 * the fronts' and backs' section ever had a depth; with one depth ratio for every row, the chest was
 * as deep as the waist relative to its width, and the front of a coat lit as a flat board. Below the
 * seat the front's skirt falls in toward the thighs: kept at the hips' depth to the hem, the coat
 * stood 20 mm off the trousers there and cast a band of shadow some 10 mm deep under its hem.
 */
const FRONT_PROFILE: Array<[number, number]> = [
  [1480, 56],
  [1290, 124],
  [1090, 100],
  [950, 106],
  [760, 90],
];
const BACK_PROFILE: Array<[number, number]> = [
  [1480, 70],
  [1350, 112],
  [1100, 100],
  [930, 108],
];

/**
 * The torso's half-depth (mm) at height y, front or back: its profile eased between the profile's
 * points (a kink would show as a line of light). It is the body's, whatever the coat's outline does
 * at that height: scaled by the width of the cloth in each row (as up to b60), the back fell 15 mm
 * in depth over the 60 mm below the shoulder blades where the sleeves leave the body and the back
 * narrows under them, and that slope lit as a dark band across the back.
 */
export function torsoHalfDepth(y: number, side: 'front' | 'back'): number {
  const p = side === 'front' ? FRONT_PROFILE : BACK_PROFILE;
  if (y >= p[0][0]) return p[0][1];
  if (y <= p[p.length - 1][0]) return p[p.length - 1][1];
  let k = 0;
  while (y < p[k + 1][0]) k++;
  const [ya, a] = p[k];
  const [yb, b] = p[k + 1];
  return a + (b - a) * smooth((ya - y) / (ya - yb));
}

/**
 * How round the near shoulder turns into the side of a turned torso (see cylinderX), from 65 mm below
 * the shoulder point up: the near shoulder slopes on into the sleeve head instead of running out flat
 * to a square corner.
 */
const NEAR_SHOULDER_ROUND = 0.35;

/**
 * Past the near side's rounded edge (x < −a) the torso map ran on at x·cos φ, while just inside the edge
 * the rounded section still came toward the camera at a finite slope: the map's slope fell from
 * cos φ + z′·sin φ (1.32 at the shoulder) to cos φ (0.83) at x = −a, and the shoulder line, which
 * crosses it 4 mm short of the shoulder point, turned there at once by some 9°: a corner where the
 * shoulder meets the sleeve head. Past the edge the section's slope now eases out over NEAR_EDGE_EASE
 * mm (see cylinderX): the map's slope is continuous, and the turn is spread over the crown's first
 * centimetre or so, which rounds the same way. At 12 mm the natural shoulder's steeper line (b101) still
 * turned fast enough that the crown's curvature stepped.
 */
const NEAR_EDGE_EASE = 16;

/**
 * The far shoulder of a turned figure (mm): its line runs from the neck point out to the shoulder
 * point, where the far arm hangs from at the body's mid-depth (depth 0). On the torso's elliptic
 * section the depth held up across the shoulder and then dropped away over its last centimetres (an
 * ellipse's edge is vertical), so the shoulder's far end folded onto the horizon in a step three rows
 * deep and the sleeve head, which starts at mid-depth, came out below it: a notch in the shoulder line.
 * Near the top (FAR_SHOULDER_FROM_Y up to FAR_SHOULDER_Y) the depth out from the neck point instead
 * falls away early and eases out to 0 at the shoulder point with the arm's own slope (see
 * farShoulderDepth): the shoulder is foreshortened evenly, steepening only outward, and the sleeve
 * crown carries its line on.
 */
const FAR_NECK_X = 78;
const FAR_SHOULDER_X = 232;
const FAR_SHOULDER_FROM_Y = SHOULDER_Y - 50;
const FAR_SHOULDER_Y = SHOULDER_Y - 10;

/**
 * The far shoulder's depth at x (FAR_NECK_X ≤ x), given the section's depth `z0` and slope `g0` (dz/dx,
 * ≤ 0) at the neck point: leaves the neck point as the section does (no crease there), falls away most
 * in the first third and eases out to 0 with slope 0 at the shoulder point; 0 beyond. Its slope is
 * g0(1 − u) + B·u(1 − u)², u from the neck point (0) to the shoulder point (1), B set so it reaches 0.
 */
function farShoulderDepth(x: number, z0: number, g0: number): number {
  const L = FAR_SHOULDER_X - FAR_NECK_X;
  const u = Math.min(1, (x - FAR_NECK_X) / L);
  const B = 12 * (-z0 / L - g0 / 2);
  return z0 + L * (g0 * (u - (u * u) / 2) + B * ((u * u) / 2 - (2 * u * u * u) / 3 + (u * u * u * u) / 4));
}

/** Heights (mm) between which a turned near sleeve goes from lying on the torso to hanging free. */
const SHOULDER_TOP = SHOULDER_Y - 15;
const NEAR_HEAD_FREE = 1300;

/**
 * The far arm of a turned figure (mm). It hangs at the body's mid-depth like the near one, so about half
 * of it shows past the torso's far outline: the outer, shaded side of the sleeve. From the armpit down
 * it sits FAR_ARM_TUCK behind that, which keeps its inner edge behind the torso where the waist narrows
 * (a few millimetres of background there read as a sliver, not as air under the arm). Its head is not
 * tucked: the sleeve crown carries the shoulder's line on and rolls over into the arm. Below the elbow
 * the forearm comes forward a little (FAR_FOREARM_LEAN), as the near one does, never so far that its
 * inner edge clears the hip.
 */
const FAR_ARM_TUCK = 9;
const FAR_FOREARM_LEAN = 11;
/** Heights (mm) between which the far sleeve goes from its head on the shoulder to the tucked arm. */
const FAR_HEAD_TOP = SHOULDER_Y - 15;
const FAR_ARMPIT = 1300;
/** Elbow and cuff heights (mm) over which the far forearm comes forward. */
const ELBOW_Y = 1080;
const FOREARM_LEN = 220;

/** The far arm's horizontal offset (mm, image) at height y, over x·cos φ. */
function farArmShift(y: number): number {
  return -FAR_ARM_TUCK * smooth((FAR_HEAD_TOP - y) / (FAR_HEAD_TOP - FAR_ARMPIT)) + FAR_FOREARM_LEAN * smooth((ELBOW_Y - y) / FOREARM_LEN);
}

/**
 * The legs in a turned view (mm): each leg's axis across the body and how far forward of the body's
 * mid-depth it stands (the hip's front surface there is ~100 mm forward; a leg's ~65 mm more than its
 * axis), its half-depth over its half-width. Everything drawn on the torso layer below LEGS_JOIN_Y is
 * trousers (the coat's hem is at 782 mm): from LEGS_FREE_Y down it follows the legs, between the two the
 * hip cylinder hands over to them under the coat's skirt.
 */
const LEG_AXIS_X = 104;
const LEG_AXIS_Z = 32;
const LEG_DEPTH = 0.78;
const LEGS_FREE_Y = 690;
const LEGS_JOIN_Y = 790;
/**
 * The trousers' own map (the leg layers) below the crotch. Seen turned, the legs meet at the fork and
 * the near one hides the top of the far one: its inside thigh, fuller toward the crotch than the
 * straight pressed leg, carries its inner outline out over the far leg (LEG_THIGH_FULL mm at the top,
 * nothing from LEG_THIGH_FREE_Y down), and the far leg's inside runs behind it. So the gap between the
 * legs opens only above the knee and widens toward the hems. The inside of each leg hands over from the
 * hip cylinder to its own leg between CROTCH_JOIN_Y (the fork) and CROTCH_FREE_Y (under the coat's hem);
 * the outside keeps the torso's hand-over, so the legs' outer outlines are the torso layer's. Taken as
 * one map (the leg chosen by the side of centre front) the fork tore open where the two pieces cross it.
 */
const LEG_THIGH_FULL = 40;
const LEG_THIGH_TOP_Y = 800;
const LEG_THIGH_FREE_Y = 540;
const CROTCH_FREE_Y = 790;
const CROTCH_JOIN_Y = 850;
/** How much of the inside of leg s (-1 the near one) a drafted x is: 1 from its inside leg seam in, 0 from its crease out. */
function legInnerness(x: number, s: number): number {
  return smooth((110 - s * x) / 96);
}

/** Half the drafted trouser leg's width by height (hem 74 mm, knee 88, thigh 90). */
function legHalfWidth(y: number): number {
  return 74 + 16 * smooth((y - 30) / 620);
}

export function turnedProjection(turnDeg: number): Projection {
  const phi = (turnDeg * Math.PI) / 180;
  const cos = Math.cos(phi);
  const sin = Math.sin(phi);
  const halfWidth = torsoHalfWidth;
  const depthRatio = 0.6;
  // Horizon of the far side: the x where the projected surface stops advancing.
  const horizon = (a: number, y = 1000) => {
    const d = a * depthRatio * shoulderBack(y);
    const th = Math.atan2(a * cos, d * sin);
    return { x: a * Math.sin(th), X: Math.hypot(a * cos, d * sin) };
  };
  // The chest stands forward of the shoulders: the top of the shoulder and the neck point lie about
  // mid-depth of the body, not on the chest's front surface. Without this the near shoulder of a
  // turned figure came out far too long and flat (a shelf) and the far one too short.
  const shoulderBack = (y: number) => 1 - 0.8 * smooth((y - (SHOULDER_Y - 125)) / 170);
  /** An elliptic cylinder of half-width a and half-depth d about x = 0, turned: image x of a front point. */
  const cylinderX = (x: number, a: number, d: number, round = 0) => {
    const th = Math.atan2(a * cos, d * sin);
    const hx = a * Math.sin(th);
    if (x >= hx) return Math.hypot(a * cos, d * sin) + (x - hx) * 0.04;
    const t = Math.max(-1, x / a);
    // On the near side a rounded edge (round > 0) turns into the side at a finite slope: an ellipse's
    // edge is vertical there, and projected it spread the last few millimetres of the shoulder into a shelf.
    const z =
      x < 0 && round > 0
        ? (d * (Math.sqrt(1 - t * t + round * round) - round)) / (Math.sqrt(1 + round * round) - round)
        : d * Math.sqrt(Math.max(0, 1 - t * t));
    // The near side beyond the body's width (a sleeve seam drawn on the torso) keeps on turning; with a
    // rounded edge its depth eases out from the edge's slope over NEAR_EDGE_EASE mm (no kink at −a).
    let extra = 0;
    if (x < -a) {
      extra = (x + a) * cos;
      if (round > 0) {
        const slope = (d / a / (round * (Math.sqrt(1 + round * round) - round))) * (round / NEAR_SHOULDER_ROUND) ** 2;
        const v = Math.min(1, (-a - x) / NEAR_EDGE_EASE);
        extra -= sin * slope * (NEAR_EDGE_EASE / 3) * (1 - (1 - v) ** 3);
      }
    }
    return Math.max(-a, x) * cos + z * sin + extra;
  };
  const bodyX = (x: number, y: number) => {
    const a = halfWidth(y);
    const d = a * depthRatio * shoulderBack(y);
    const X = cylinderX(x, a, d, NEAR_SHOULDER_ROUND * smooth((y - (SHOULDER_Y - 65)) / 50));
    const w = x > FAR_NECK_X ? smooth((y - FAR_SHOULDER_FROM_Y) / (FAR_SHOULDER_Y - FAR_SHOULDER_FROM_Y)) : 0;
    if (w === 0) return X;
    // The far shoulder (see FAR_NECK_X): from the section's depth and slope at the neck point.
    const t0 = FAR_NECK_X / a;
    const r0 = Math.sqrt(1 - t0 * t0);
    const z = farShoulderDepth(x, d * r0, (-d * t0) / (a * r0));
    return (1 - w) * X + w * (x * cos + z * sin);
  };
  // Below the coat each leg is its own cylinder about its own axis, turned like the body: the far leg
  // as wide as the near one, each crease (the front of its leg) moved toward the far side. Taken as
  // one hip-wide cylinder the far leg came out half the near one's width, squeezed against the horizon.
  // The leg's front, as drafted, runs from its near edge (the front view's outline) to its far one. Turned,
  // the far half keeps its true place on the cylinder (folding onto the far outline past it) while the
  // near half is spread round to the near outline, which lies on the back of the leg: the drafted near
  // edge lands on the turned leg's outline and every point between moves smoothly (a front-half map put
  // that edge inside the outline, at a point where the map's slope jumps from infinite to cos φ, and a
  // hem's break sweeping across it showed as a kink).
  const legCylinderX = (x: number, a: number, d: number) => {
    const th = Math.atan2(a * cos, d * sin);
    const edge = Math.hypot(a * cos, d * sin);
    const u = x / a;
    if (u <= -1) return -edge + (x + a) * 0.04;
    if (u >= Math.sin(th)) return edge + (x - a * Math.sin(th)) * 0.04;
    const k = Math.PI - th - 1;
    const t = u >= 0 ? Math.asin(u) : u + k * u * u * u;
    return a * Math.sin(t) * cos + d * Math.cos(t) * sin;
  };
  const legX = (x: number, y: number, s = x < 0 ? -1 : 1) => {
    const c = s * LEG_AXIS_X;
    const r = legHalfWidth(y);
    return c * cos + LEG_AXIS_Z * sin + legCylinderX(x - c, r, r * LEG_DEPTH);
  };
  const torsoX = (x: number, y: number) => {
    if (y >= LEGS_JOIN_Y) return bodyX(x, y);
    if (y <= LEGS_FREE_Y) return legX(x, y);
    const w = smooth((y - LEGS_FREE_Y) / (LEGS_JOIN_Y - LEGS_FREE_Y));
    return w * bodyX(x, y) + (1 - w) * legX(x, y);
  };
  // The trousers: the torso's map, but for the inside of each leg from the fork down (see LEG_THIGH_FULL).
  // s is the leg (-1 the near one), whichever side of centre front the point lies.
  const legsX = (x: number, y: number, s: number) => {
    if (y >= Math.max(LEGS_JOIN_Y, CROTCH_JOIN_Y)) return bodyX(x, y);
    const q = legInnerness(x, s);
    const wOuter = smooth((y - LEGS_FREE_Y) / (LEGS_JOIN_Y - LEGS_FREE_Y));
    const wInner = smooth((y - CROTCH_FREE_Y) / (CROTCH_JOIN_Y - CROTCH_FREE_Y));
    const w = (1 - q) * wOuter + q * wInner;
    const full = LEG_THIGH_FULL * smooth((y - LEG_THIGH_FREE_Y) / (LEG_THIGH_TOP_Y - LEG_THIGH_FREE_Y));
    return w * bodyX(x, y) + (1 - w) * (legX(x, y, s) - s * full * q);
  };
  // Where the near sleeve's head must sit: on the torso's shoulder point.
  const nearArmAt = torsoX(SHOULDER_POINT[0], SHOULDER_POINT[1]) - SHOULDER_POINT[0] * cos;
  // Centre the figure: the middle of its silhouette at the waist on the image centre.
  const mid = (torsoX(-halfWidth(1000), 1000) + horizon(halfWidth(1000)).X) / 2;
  const cx = NATIVE_WIDTH / 2 - mid * PX_PER_MM;
  return {
    pxPerMm: PX_PER_MM,
    project: (x, y, layer = 'torso') => {
      let X: number;
      if (layer === 'torso') X = torsoX(x, y);
      else if (layer === 'near-leg' || layer === 'far-leg') X = legsX(x, y, layer === 'near-leg' ? -1 : 1);
      // The near arm swings forward with the turn; the far one hangs behind the body's far side.
      // It hangs from the shoulder point, so it meets the shoulder there and leans forward below it.
      else if (layer === 'near-arm') {
        const hanging = x * cos + nearArmAt + 22 * smooth((SHOULDER_Y - y) / 320);
        // The sleeve head is set into the armhole: down to the armpit it lies on the torso and turns
        // with it, so its seam meets the shoulder on the body's own curve. Squeezed evenly instead,
        // it stepped off the shoulder, which the turn stretches toward the near edge.
        const w = smooth((y - NEAR_HEAD_FREE) / (SHOULDER_TOP - NEAR_HEAD_FREE));
        X = w * torsoX(x, y) + (1 - w) * hanging;
      }
      // The far arm hangs at mid-depth too: the torso's far side hides its inner half.
      else X = x * cos + farArmShift(y);
      return [cx + X * PX_PER_MM, FLOOR_PX - y * PX_PER_MM];
    },
    // Beyond the body's width the torso map is x·cos φ, so the near horizon's drafted x is its image x / cos φ.
    nearEdgeX: (y) => -horizon(halfWidth(y), y).X / cos,
    // The turned cylinder's outline lies as far each side of its axis.
    bodySides: (y) => {
      const X = horizon(halfWidth(y), y).X * PX_PER_MM;
      return [cx - X, cx + X];
    },
    curved: true,
    squeeze: (x, y, layer = 'torso') => {
      const e = 0.5;
      if (layer === 'near-leg' || layer === 'far-leg') {
        const s = layer === 'near-leg' ? -1 : 1;
        return Math.max(0.15, (legsX(x + e, y, s) - legsX(x - e, y, s)) / (2 * e));
      }
      if (layer !== 'torso') return cos;
      return Math.max(0.15, (torsoX(x + e, y) - torsoX(x - e, y)) / (2 * e));
    },
  };
}

/**
 * The Catmull-Rom curve through `points` (a cutter's French curve) as cubic Bézier segments
 * [start, control, control, end], one per pair of neighbouring points; the ends are clamped.
 */
export function catmullRom(points: Pt[]): Array<[Pt, Pt, Pt, Pt]> {
  const out: Array<[Pt, Pt, Pt, Pt]> = [];
  for (let i = 1; i < points.length; i++) {
    const p0 = points[Math.max(0, i - 2)];
    const p1 = points[i - 1];
    const p2 = points[i];
    const p3 = points[Math.min(points.length - 1, i + 1)];
    out.push([p1, [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6], [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6], p2]);
  }
  return out;
}

/** Points along the same curve, `per` steps to each segment (the first point included once). */
export function sampleCatmullRom(points: Pt[], per: number): Pt[] {
  const out: Pt[] = [];
  for (const [k, [p1, c1, c2, p2]] of catmullRom(points).entries()) {
    for (let j = k === 0 ? 0 : 1; j <= per; j++) {
      const t = j / per;
      const u = 1 - t;
      out.push([
        u * u * u * p1[0] + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p2[0],
        u * u * u * p1[1] + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p2[1],
      ]);
    }
  }
  return out;
}

/** A path drafted in body millimetres; rendered to SVG `d` through a projection. */
export class Draft {
  private readonly cmds: Array<{ op: 'M' | 'L' | 'C' | 'Q' | 'Z'; pts: Pt[] }> = [];
  constructor(readonly layer: Layer = 'torso') {}

  M(x: number, y: number): this {
    this.cmds.push({ op: 'M', pts: [[x, y]] });
    return this;
  }
  L(x: number, y: number): this {
    this.cmds.push({ op: 'L', pts: [[x, y]] });
    return this;
  }
  Q(cx: number, cy: number, x: number, y: number): this {
    this.cmds.push({
      op: 'Q',
      pts: [
        [cx, cy],
        [x, y],
      ],
    });
    return this;
  }
  C(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): this {
    this.cmds.push({
      op: 'C',
      pts: [
        [c1x, c1y],
        [c2x, c2y],
        [x, y],
      ],
    });
    return this;
  }
  /** A smooth curve through the points (Catmull-Rom, as a cutter's French curve would give). */
  through(points: Pt[]): this {
    const last = this.lastPoint();
    const all: Pt[] = last ? [last, ...points] : points;
    for (const [, c1, c2, p2] of catmullRom(all).slice(last ? 0 : 1)) this.C(c1[0], c1[1], c2[0], c2[1], p2[0], p2[1]);
    return this;
  }
  Z(): this {
    this.cmds.push({ op: 'Z', pts: [] });
    return this;
  }

  /** Every end point of the path (control points excluded). */
  points(): Pt[] {
    return this.cmds.filter((c) => c.pts.length).map((c) => c.pts[c.pts.length - 1]);
  }

  /** The end points of each subpath (each M starts one; Z closes it back to its start). */
  subpaths(): Pt[][] {
    const out: Pt[][] = [];
    for (const c of this.cmds) {
      if (c.op === 'M' || !out.length) out.push([]);
      const run = out[out.length - 1]!;
      if (c.op === 'Z') {
        if (run.length) run.push(run[0]!);
      } else run.push(c.pts[c.pts.length - 1]!);
    }
    return out.filter((r) => r.length);
  }

  private lastPoint(): Pt | undefined {
    for (let i = this.cmds.length - 1; i >= 0; i--) {
      const c = this.cmds[i];
      if (c.pts.length) return c.pts[c.pts.length - 1];
    }
    return undefined;
  }

  /**
   * The projected outline's left and right extremes on native rows 0, `step`, 2·`step`… up to
   * `height` ([row, left, right]; rows it does not reach are left out), wherever the frame puts them:
   * past its edges too. Each piece is cut into `per` straight steps (a sleeve's curves are gentle at
   * 16).
   */
  rowSpans(proj: Projection, height: number, step: number, per = 16): Array<[number, number, number]> {
    const pts: Array<[number, number]> = [];
    let at: Pt | undefined;
    let start: Pt | undefined;
    for (const c of this.cmds) {
      if (c.op === 'Z') {
        if (start) pts.push(proj.project(start[0], start[1], this.layer));
        at = start;
        continue;
      }
      if (c.op === 'M' || !at) {
        at = start = c.pts[c.pts.length - 1]!;
        pts.push(proj.project(at[0], at[1], this.layer));
        continue;
      }
      const q = asCubic(c.op, at, c.pts);
      for (let j = 1; j <= per; j++) pts.push(proj.project(cubicAt(q, j / per, 0), cubicAt(q, j / per, 1), this.layer));
      at = q[3];
    }
    const out: Array<[number, number, number]> = [];
    for (let row = 0; row <= height; row += step) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 1; i < pts.length; i++) {
        const [ax, ay] = pts[i - 1]!;
        const [bx, by] = pts[i]!;
        if (ay <= row === by <= row) continue;
        const x = ax + ((row - ay) / (by - ay)) * (bx - ax);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      if (hi > lo) out.push([row, Math.round(lo * 10) / 10, Math.round(hi * 10) / 10]);
    }
    return out;
  }

  /** The same draft reflected about centre front (the other side of the garment). */
  mirrored(layer?: Layer): Draft {
    const d = new Draft(layer ?? this.layer);
    for (const c of this.cmds) d.cmds.push({ op: c.op, pts: c.pts.map(([x, y]) => [-x, y] as Pt) });
    return d;
  }

  /** Shifted copy (buttons, pockets placed relative to a reference). */
  translated(dx: number, dy: number): Draft {
    const d = new Draft(this.layer);
    for (const c of this.cmds) d.cmds.push({ op: c.op, pts: c.pts.map(([x, y]) => [x + dx, y + dy] as Pt) });
    return d;
  }

  toSvg(proj: Projection): string {
    const f = (p: Pt) => {
      const [X, Y] = proj.project(p[0], p[1], this.layer);
      return `${X.toFixed(2)},${Y.toFixed(2)}`;
    };
    if (!proj.curved) return this.cmds.map((c) => (c.op === 'Z' ? 'Z' : c.op + c.pts.map(f).join(' '))).join(' ');
    const out: string[] = [];
    let at: Pt | undefined;
    let start: Pt | undefined;
    for (const c of this.cmds) {
      if (c.op === 'Z') {
        out.push('Z');
        at = start;
        continue;
      }
      if (c.op === 'M' || !at) {
        at = start = c.pts[c.pts.length - 1]!;
        out.push(`M${f(at)}`);
        continue;
      }
      const p0: Pt = at;
      // Lines and quadratics as cubics, so that every piece is cut the same way.
      const cubic = asCubic(c.op, p0, c.pts);
      at = cubic[3];
      const P0 = proj.project(p0[0], p0[1], this.layer);
      const P3 = proj.project(cubic[3][0], cubic[3][1], this.layer);
      cutCurved(proj, this.layer, cubic, P0, P3, 0, c.op === 'L', out);
    }
    return out.join(' ');
  }
}

/** A path command from `p0` as a cubic (a line or a quadratic exactly). */
function asCubic(op: 'M' | 'L' | 'C' | 'Q' | 'Z', p0: Pt, pts: Pt[]): Cubic {
  if (op === 'L') return [p0, lerp(p0, pts[0]!, 1 / 3), lerp(p0, pts[0]!, 2 / 3), pts[0]!];
  if (op === 'Q') return [p0, lerp(p0, pts[0]!, 2 / 3), lerp(pts[1]!, pts[0]!, 2 / 3), pts[1]!];
  return [p0, pts[0]!, pts[1]!, pts[2]!];
}

/**
 * A projected piece's handle at its end `p` (projected `P`) toward control point `c`: along the map's
 * derivative at p, taken on the piece's own side of p, so the piece leaves p in the projected
 * direction of the drafted curve. Projected as a point, the handle gave the map's secant over the
 * handle's length instead, and where two pieces the draft joins smoothly (a sleeve head carrying the
 * shoulder's line on) meet on a bend of the map, their secants differ: a corner in the outline.
 */
function handle(proj: Projection, layer: Layer, p: Pt, c: Pt, P: [number, number]): [number, number] {
  const e = 1e-3;
  const Q = proj.project(p[0] + (c[0] - p[0]) * e, p[1] + (c[1] - p[1]) * e, layer);
  return [P[0] + (Q[0] - P[0]) / e, P[1] + (Q[1] - P[1]) / e];
}

function fmt(P: [number, number]): string {
  return `${P[0].toFixed(2)},${P[1].toFixed(2)}`;
}

/**
 * A drafted cubic under a curved projection, halved until the projected piece's middle lies within
 * a quarter pixel of the body point it stands for: pieces only where the map bends (across the body),
 * none where it is straight (the far arm's map, a seam running down the body). Each piece is written
 * to `out` (a line's as a line to its end) from the points its test projected (a piece's ends are its
 * parent's ends and middle), a curve's handles along the map's derivative at its ends (see `handle`).
 */
function cutCurved(proj: Projection, layer: Layer, q: Cubic, P0: [number, number], P3: [number, number], depth: number, line: boolean, out: string[]): void {
  const P1 = line ? proj.project(q[1][0], q[1][1], layer) : handle(proj, layer, q[0], q[1], P0);
  const P2 = line ? proj.project(q[2][0], q[2][1], layer) : handle(proj, layer, q[3], q[2], P3);
  if (depth < CURVED_DEPTH) {
    const [h0, h1] = splitCubic(q, 1 / 2);
    const mid = proj.project(h1[0][0], h1[0][1], layer);
    const mx = (P0[0] + 3 * P1[0] + 3 * P2[0] + P3[0]) / 8;
    const my = (P0[1] + 3 * P1[1] + 3 * P2[1] + P3[1]) / 8;
    if (Math.hypot(mx - mid[0], my - mid[1]) > CURVED_TOLERANCE_PX) {
      cutCurved(proj, layer, h0, P0, mid, depth + 1, line, out);
      cutCurved(proj, layer, h1, mid, P3, depth + 1, line, out);
      return;
    }
  }
  out.push(line ? `L${fmt(P3)}` : `C${fmt(P1)} ${fmt(P2)} ${fmt(P3)}`);
}

function lerp(a: Pt, b: Pt, t: number): Pt {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

export type Cubic = [Pt, Pt, Pt, Pt];

/** Coordinate j (0 = x, 1 = y) of a cubic at parameter t. */
export function cubicAt(q: Cubic, t: number, j: 0 | 1): number {
  const u = 1 - t;
  return u * u * u * q[0][j] + 3 * u * u * t * q[1][j] + 3 * u * t * t * q[2][j] + t * t * t * q[3][j];
}

/** A cubic split at t (de Casteljau): the two halves trace the same curve. */
export function splitCubic([p0, c1, c2, p3]: Cubic, t: number): [Cubic, Cubic] {
  const a = lerp(p0, c1, t);
  const b = lerp(c1, c2, t);
  const c = lerp(c2, p3, t);
  const ab = lerp(a, b, t);
  const bc = lerp(b, c, t);
  const m = lerp(ab, bc, t);
  return [
    [p0, a, ab, m],
    [m, bc, c, p3],
  ];
}

export function draft(layer: Layer = 'torso'): Draft {
  return new Draft(layer);
}

/** Angle (degrees, clockwise from image vertical) of a line between two body points once projected. */
export function projectedAngle(proj: Projection, a: Pt, b: Pt, layer: Layer = 'torso'): number {
  const [ax, ay] = proj.project(a[0], a[1], layer);
  const [bx, by] = proj.project(b[0], b[1], layer);
  // Image y grows downward; measure from "down" so a vertical warp is 0°.
  return (Math.atan2(bx - ax, by - ay) * 180) / Math.PI;
}
