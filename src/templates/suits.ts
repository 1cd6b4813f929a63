/**
 * The suits we ship, drafted in millimetres on a 1.80 m figure (chest 100 cm, drop 6), ghost-mannequin
 * style. Proportions follow a classic English cut: natural shoulder 46 cm point to point, jacket length
 * to the knuckles, waist button at the natural waist, flap pockets 7 cm below it, sleeves showing 1 cm of
 * shirt cuff, trousers with a slight break.
 */
import {
  draft,
  Draft,
  frontProjection,
  turnedProjection,
  projectedAngle,
  NATIVE_HEIGHT,
  NATIVE_WIDTH,
  type Layer,
  type Projection,
  type Pt,
} from './geometry.ts';
import type { CutViewSource, PanelKind, PanelSpec, ShadeMark } from './types.ts';

export interface SuitStyle {
  closure: 'single' | 'double';
  lapel: 'notch' | 'peak';
  /** Jacket worn open (three-piece shows its waistcoat). */
  open: boolean;
  waistcoat: boolean;
}

export const CUT_STYLES: Record<string, { name: string; style: SuitStyle }> = {
  'single-breasted': {
    name: 'Single-breasted two-button',
    style: { closure: 'single', lapel: 'notch', open: false, waistcoat: false },
  },
  'double-breasted': {
    name: 'Double-breasted six-on-two',
    style: { closure: 'double', lapel: 'peak', open: false, waistcoat: false },
  },
  'three-piece': {
    name: 'Three-piece with waistcoat',
    style: { closure: 'single', lapel: 'notch', open: true, waistcoat: true },
  },
};

export const VIEWS = ['front', 'three-quarter'] as const;

// Key heights on the figure (mm from the floor).
const NECK_Y = 1500;
const SHOULDER_Y = 1455;
const WAIST_BUTTON_Y = 1085;
const LOWER_BUTTON_Y = 985;
const FLAP_TOP_Y = 945;
const HEM_Y = 782;
const CUFF_Y = 842;
const TROUSER_WAIST_Y = 1025;
const TROUSER_HEM_Y = 32;

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
  restsOn?: string;
  profile?: 'cylinder' | 'canvas';
  /** Reflect the grain about this line (a lapel is the forepart turned back over its roll line). */
  mirrorGrainAbout?: [Pt, Pt];
}

interface Mark {
  shape: Draft;
  kind: ShadeMark['kind'];
  width: number;
  strength: number;
  blur: number;
  fill?: boolean;
  /** Drawn only on these kinds of panel (a fly seam must not show through the coat). */
  only?: PanelKind[];
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

/** Forepart for the image's left; its front edge and quarter depend on the closure. */
function forepart(style: SuitStyle, side: SideGeometry, under: boolean): Draft {
  const d = draft()
    .M(-78, NECK_Y)
    // The shoulder ends just under the sleeve crown, so no corner of it peeps out in a turned view.
    .Q(-150, SHOULDER_Y + 28, -222, SHOULDER_Y - 1)
    .through([
      [-227, 1400],
      [-214, 1330],
      [-196, 1286],
    ])
    .through([
      [-180, 1180],
      [-170, 1092],
      [-178, 980],
      [-187, 860],
      [-189, HEM_Y + 4],
    ])
    .Q(-140, HEM_Y - 4, -100, HEM_Y - 5);
  const ex = side.edgeX;
  if (style.closure === 'double' && !under) {
    // Square DB quarters with a small round at the corner.
    d.L(ex + 14, HEM_Y - 5)
      .Q(ex, HEM_Y - 4, ex, HEM_Y + 12)
      .L(ex, side.breakY);
  } else if (style.closure === 'double') {
    // The under forepart reaches well past centre front, hidden beneath the wrap.
    d.L(60, HEM_Y - 5).L(60, side.breakY - 60).L(side.edgeX, side.breakY);
  } else {
    // Single-breasted: open quarters curving away below the lower button.
    const quarterTop = style.open ? side.breakY - 90 : LOWER_BUTTON_Y - 12;
    d.C(ex - 70, HEM_Y - 4, ex - 2, HEM_Y + 60, ex, quarterTop).L(ex, side.breakY);
  }
  d.L(side.rollTop[0], side.rollTop[1]).Q(-80, NECK_Y - 12, -78, NECK_Y).Z();
  return d;
}

interface LapelParts {
  lapel: Draft;
  collar: Draft;
  gorge: Pt;
  notch: Pt;
  point: Pt;
  outerEdge: Pt[];
}

/** Lapel and collar of the image's left side. */
function lapelAndCollar(style: SuitStyle, side: SideGeometry, widthScale = 1): LapelParts {
  const B: Pt = [side.edgeX, side.breakY];
  const T = side.rollTop;
  const G = atY(B, T, 1436);
  const peak = style.lapel === 'peak';
  const P: Pt = peak ? [-190 * widthScale + (1 - widthScale) * 20, 1452] : [-150, 1392];
  const N: Pt = peak ? [-132, 1410] : [-113, 1401];
  // Lapel belly: the outer edge swells a little past the straight line from break to point.
  const mid = lerpPt(B, P, 0.55);
  const bellyOut: Pt = [mid[0] - 9, mid[1] - 4];
  const upper = lerpPt(B, P, 0.85);
  const outerEdge: Pt[] = [B, lerpPt(B, bellyOut, 0.5), bellyOut, [upper[0] - 4, upper[1]], P];
  const lapel = draft()
    .M(B[0], B[1])
    .through(outerEdge.slice(1))
    .L(N[0], N[1])
    .L(G[0], G[1])
    .L(B[0], B[1])
    .Z();
  // Collar: notch gap on a notch lapel; closed under the peak on a peak lapel.
  const CP: Pt = peak ? [N[0] + 4, N[1] + 6] : [N[0] - 11, N[1] + 17];
  const gorgeIn = lerpPt(N, G, 0.12);
  const collar = draft()
    .M(gorgeIn[0], gorgeIn[1])
    .L(CP[0], CP[1])
    .through([
      [CP[0] + 4, CP[1] + 40],
      [-92, 1498],
      [-62, 1526],
    ])
    .L(-46, 1530)
    .through([
      [-50, 1505],
      [T[0] + 4, T[1] + 6],
    ])
    .L(G[0], G[1])
    .Z();
  return { lapel, collar, gorge: G, notch: N, point: P, outerEdge };
}

function sleeve(): Draft {
  return draft()
    .M(-222, SHOULDER_Y + 2)
    // A roped sleeve head: the crown rises a little above the shoulder point and rolls over.
    .C(-238, SHOULDER_Y + 7, -257, SHOULDER_Y - 4, -265, 1416)
    .through([
      [-272, 1340],
      [-281, 1200],
      [-287, 1060],
      [-289, 950],
      [-290, CUFF_Y + 2],
    ])
    .L(-196, CUFF_Y + 8)
    .through([
      [-203, 960],
      [-210, 1070],
      [-209, 1200],
      [-203, 1283],
    ])
    .through([
      [-214, 1345],
      [-226, 1405],
      [-228, SHOULDER_Y],
    ])
    .Z();
}

function trouserLeg(): Draft {
  return draft()
    .M(-182, TROUSER_WAIST_Y)
    .L(2, TROUSER_WAIST_Y)
    .L(2, 850)
    .Q(2, 815, -14, 808)
    .through([
      [-18, 640],
      [-14, 500],
      [-24, 250],
      [-32, TROUSER_HEM_Y + 4],
    ])
    .Q(-106, TROUSER_HEM_Y - 6, -180, TROUSER_HEM_Y + 5)
    .through([
      [-186, 260],
      [-190, 500],
      [-193, 740],
      [-192, 900],
      [-182, TROUSER_WAIST_Y],
    ])
    .Z();
}

/** Where the flap pockets sit across the image-left forepart (mirrored for the other side). */
function flapSpan(style: SuitStyle, left: SideGeometry): [number, number] {
  if (style.closure === 'double') return [-186, -114];
  if (style.open) return [-180, left.edgeX - 24];
  return [-178, -30];
}

function rect(x0: number, y0: number, x1: number, y1: number, layer: Layer = 'torso'): Draft {
  return draft(layer).M(x0, y0).L(x1, y0).L(x1, y1).L(x0, y1).Z();
}

function line(points: Pt[], layer: Layer = 'torso'): Draft {
  const d = draft(layer).M(points[0][0], points[0][1]);
  return points.length > 2 ? d.through(points.slice(1)) : d.L(points[1][0], points[1][1]);
}

/** A flap pocket: slightly tapered flap, rounded front corners. */
function flap(x0: number, x1: number, top: number): Draft {
  const depth = 56;
  return draft()
    .M(x0, top)
    .L(x1, top + 2)
    .L(x1 + 1, top - depth + 10)
    .Q(x1 + 1, top - depth, x1 - 9, top - depth)
    .L(x0 + 9, top - depth - 2)
    .Q(x0 - 1, top - depth - 2, x0 - 1, top - depth + 8)
    .Z();
}

interface Draftset {
  pieces: Piece[];
  marks: Mark[];
  buttons: Button[];
  /** Thread details drawn over the cloth (buttonholes, pick stitching) as SVG-ready drafts. */
  threads: Array<{ shape: Draft; width: number; dash?: string; opacity: number }>;
  sides: { left: SideGeometry; right: SideGeometry };
}

function draftSuit(style: SuitStyle): Draftset {
  const pieces: Piece[] = [];
  const marks: Mark[] = [];
  const buttons: Button[] = [];
  const threads: Draftset['threads'] = [];

  // Sides: "left" = image left = the wearer's right forepart (the under one).
  let left: SideGeometry;
  let right: SideGeometry; // drafted for image-left, mirrored when drawn
  if (style.closure === 'double') {
    left = { edgeX: 95, breakY: WAIST_BUTTON_Y, rollTop: [-72, 1468] };
    right = { edgeX: 95, breakY: WAIST_BUTTON_Y, rollTop: [-72, 1468] };
  } else if (style.open) {
    left = { edgeX: -50, breakY: WAIST_BUTTON_Y - 5, rollTop: [-72, 1468] };
    right = left;
  } else {
    left = { edgeX: 18, breakY: WAIST_BUTTON_Y, rollTop: [-72, 1468] };
    right = left;
  }

  // --- trousers (back-most cloth) ---
  const legL = trouserLeg();
  pieces.push({ id: 'trouser-right', kind: 'trouser', shape: legL, grain: [[-100, 900], [-106, 40]], anchor: [-102, 500], loft: 14, round: 40 });
  pieces.push({ id: 'trouser-left', kind: 'trouser', shape: legL.mirrored(), grain: [[100, 900], [106, 40]], anchor: [102, 500], loft: 14, round: 40 });
  for (const s of [1, -1]) {
    // Pressed crease: a sharp ridge with its shadow side.
    marks.push({ only: ['trouser'], shape: line([[s * -100, 905], [s * -102, 600], [s * -106, 60]]), kind: 'ridge', width: 3, strength: 0.6, blur: 1.5 });
    marks.push({ only: ['trouser'], shape: line([[s * -95, 900], [s * -97, 600], [s * -101, 70]]), kind: 'shadow', width: 5, strength: 0.12, blur: 4 });
    // Knee: soft horizontal drag lines.
    marks.push({ only: ['trouser'], shape: line([[s * -60, 540], [s * -110, 528], [s * -170, 536]]), kind: 'crease', width: 10, strength: 0.35, blur: 9 });
    marks.push({ only: ['trouser'], shape: line([[s * -45, 470], [s * -100, 462], [s * -160, 472]]), kind: 'ridge', width: 12, strength: 0.25, blur: 10 });
    // Break over the shoe.
    marks.push({ only: ['trouser'], shape: line([[s * -40, 110], [s * -115, 92], [s * -200, 112]]), kind: 'crease', width: 8, strength: 0.6, blur: 5 });
    marks.push({ only: ['trouser'], shape: line([[s * -45, 80], [s * -115, 66], [s * -195, 84]]), kind: 'ridge', width: 9, strength: 0.45, blur: 6 });
    // Thigh: a drag toward the crotch.
    marks.push({ only: ['trouser'], shape: line([[s * -30, 790], [s * -80, 700]]), kind: 'crease', width: 8, strength: 0.3, blur: 8 });
    // Inside-leg shadow where the legs meet.
    marks.push({ only: ['trouser'], shape: line([[s * -6, 800], [s * -24, 600], [s * -28, 420], [s * -20, 60]]), kind: 'shadow', width: 16, strength: 0.35, blur: 12 });
  }
  // Waistband seam and fly.
  marks.push({ only: ['trouser'], shape: line([[-180, 985], [180, 985]]), kind: 'seam', width: 1.6, strength: 0.5, blur: 0.6 });
  marks.push({ only: ['trouser'], shape: draft().M(-2, 985).L(-2, 860).Q(-2, 835, 20, 840), kind: 'seam', width: 1.5, strength: 0.35, blur: 0.6 });
  marks.push({ only: ['trouser'], shape: line([[2, 1025], [2, 830]]), kind: 'shadow', width: 3, strength: 0.4, blur: 1.5 });

  // --- waistcoat ---
  if (style.waistcoat) {
    const vest = draft()
      .M(-70, 1470)
      .L(0, 1232)
      .L(0, 990)
      .L(-52, 946)
      .Q(-120, 975, -185, 1000)
      .L(-190, 1300)
      .L(-110, 1470)
      .Z();
    pieces.push({ id: 'waistcoat-right', kind: 'waistcoat', shape: vest, grain: [[0, 1400], [0, 1000]], anchor: [0, 1100], loft: 6, round: 8 });
    pieces.push({ id: 'waistcoat-left', kind: 'waistcoat', shape: vest.mirrored(), grain: [[0, 1400], [0, 1000]], anchor: [0, 1100], loft: 6, round: 8 });
    for (let i = 0; i < 6; i++) buttons.push({ at: [0, 1208 - i * 43], d: 15 });
    for (const s of [1, -1]) {
      // Welt pockets and the waistcoat's lower edge shadow on the trousers.
      marks.push({ only: ['waistcoat'], shape: line([[s * -40, 1030], [s * -105, 1040]]), kind: 'seam', width: 3, strength: 0.55, blur: 0.8 });
      marks.push({ only: ['waistcoat'], shape: line([[s * -40, 1026], [s * -105, 1036]]), kind: 'highlight', width: 2, strength: 0.2, blur: 1 });
      marks.push({ only: ['waistcoat'], shape: line([[s * -4, 990], [s * -52, 942], [s * -120, 968]]), kind: 'shadow', width: 6, strength: 0.5, blur: 5 });
      // Pull lines from the buttons.
      marks.push({ only: ['waistcoat'], shape: line([[s * -6, 1165], [s * -60, 1185]]), kind: 'crease', width: 5, strength: 0.3, blur: 5 });
      marks.push({ only: ['waistcoat'], shape: line([[s * -6, 1080], [s * -60, 1095]]), kind: 'crease', width: 5, strength: 0.3, blur: 5 });
    }
    marks.push({ only: ['waistcoat'], shape: line([[0, 1232], [0, 990]]), kind: 'seam', width: 1.8, strength: 0.55, blur: 0.7 });
  }

  // --- foreparts, back to front: the wearer's right (image left) lies under the left ---
  const fpLeft = forepart(style, left, style.closure === 'double');
  const fpRightDraft = forepart(style, right, false);
  const fpRight = fpRightDraft.mirrored();
  pieces.push({ id: 'forepart-right', kind: 'forepart', shape: fpLeft, grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 8, round: 10 });
  const lcL = lapelAndCollar(style, left);
  const lcR = lapelAndCollar(style, right);
  const underLapelId = 'lapel-right';
  const pushLapel = (id: string, lc: LapelParts, side: SideGeometry, mirror: boolean, restsOn: string) => {
    const B: Pt = [side.edgeX, side.breakY];
    const T = side.rollTop;
    const m = (p: Pt): Pt => (mirror ? [-p[0], p[1]] : p);
    pieces.push({
      id,
      kind: 'lapel',
      shape: mirror ? lc.lapel.mirrored() : lc.lapel,
      grain: [[0, 1400], [0, 1000]],
      anchor: m(lc.gorge),
      loft: 8,
      round: 10,
      mirrorGrainAbout: [m(B), m(T)],
      restsOn,
    });
  };

  if (style.closure === 'double') {
    // The under side first, completely, then the wrap on top of it.
    pushLapel(underLapelId, lcL, left, false, 'forepart-right');
    pieces.push({ id: 'collar-right', kind: 'collar', shape: lcL.collar, grain: [[-60, 1530], [-130, 1420]], anchor: [-60, 1500], loft: 6, round: 5, restsOn: 'forepart-right' });
    pieces.push({ id: 'forepart-left', kind: 'forepart', shape: fpRight, grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 8, round: 10 });
    pushLapel('lapel-left', lcR, right, true, 'forepart-left');
    pieces.push({ id: 'collar-left', kind: 'collar', shape: lcR.collar.mirrored(), grain: [[60, 1530], [130, 1420]], anchor: [60, 1500], loft: 6, round: 5, restsOn: 'forepart-left' });
  } else {
    pushLapel(underLapelId, lcL, left, false, 'forepart-right');
    pieces.push({ id: 'forepart-left', kind: 'forepart', shape: fpRight, grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 8, round: 10 });
    pushLapel('lapel-left', lcR, right, true, 'forepart-left');
    pieces.push({ id: 'collar-right', kind: 'collar', shape: lcL.collar, grain: [[-60, 1530], [-130, 1420]], anchor: [-60, 1500], loft: 6, round: 5, restsOn: 'forepart-right' });
    pieces.push({ id: 'collar-left', kind: 'collar', shape: lcR.collar.mirrored(), grain: [[60, 1530], [130, 1420]], anchor: [60, 1500], loft: 6, round: 5, restsOn: 'forepart-left' });
  }
  // Inside of the back neck, seen through the neck opening.
  pieces.push({
    id: 'collar-back',
    kind: 'inside',
    shape: draft().M(-50, 1530).Q(0, 1546, 50, 1530).L(46, 1514).Q(0, 1524, -46, 1514).Z(),
    grain: [[-50, 1530], [50, 1530]],
    anchor: [0, 1530],
    loft: 2,
    round: 4,
  });

  // Flap pockets and breast welt, pattern-matched to the forepart (same grain and anchor). A flap
  // ends a good inch short of the visible front edge; on a double-breasted it sits beyond the wrap.
  const [flapX0, flapX1] = flapSpan(style, left);
  const flapL = flap(flapX0, flapX1, FLAP_TOP_Y);
  pieces.push({ id: 'flap-right', kind: 'flap', shape: flapL, grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 8, round: 3, restsOn: 'forepart-right' });
  for (const f of [flapL, flapL.mirrored()]) marks.push({ only: ['flap', 'forepart'], shape: f, kind: 'seam', width: 1.4, strength: 0.35, blur: 0.7 });
  pieces.push({ id: 'flap-left', kind: 'flap', shape: flapL.mirrored(), grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 8, round: 3, restsOn: 'forepart-left' });
  const welt = draft().M(96, 1283).L(200, 1296).L(200, 1318).L(96, 1305).Z();
  pieces.push({ id: 'breast-welt', kind: 'welt', shape: welt, grain: [[0, 1400], [0, 900]], anchor: [0, 1100], loft: 3, round: 2, restsOn: 'forepart-left' });

  // Sleeves last: they hang in front of the body.
  const sl = sleeve();
  pieces.push({ id: 'sleeve-right', kind: 'sleeve', shape: sl, grain: [[-240, 1440], [-243, 850]], anchor: [-240, 1440], loft: 60, round: 30 });
  pieces.push({ id: 'sleeve-left', kind: 'sleeve', shape: sl.mirrored(), grain: [[240, 1440], [243, 850]], anchor: [240, 1440], loft: 60, round: 30 });

  // --- shading marks on the jacket ---
  for (const s of [1, -1]) {
    const mx = (p: Pt): Pt => [s * p[0], p[1]];
    const L = (pts: Pt[]) => line(pts.map(mx));
    // A pressed seam: a fine groove the light catches on one side, not an ink line.
    const seam = (pts: Pt[], only: PanelKind[], strength = 1) => {
      marks.push({ only, shape: L(pts), kind: 'crease', width: 2.5, strength: 0.45 * strength, blur: 1.2 });
      marks.push({ only, shape: L(pts), kind: 'seam', width: 1.2, strength: 0.22 * strength, blur: 0.7 });
    };
    // Front dart from the pocket to the chest, and the side-body seam.
    seam([[-98, FLAP_TOP_Y + 2], [-101, 1080], [-104, 1215]], ['forepart'], 0.8);
    seam([[-172, 1262], [-164, 1100], [-166, FLAP_TOP_Y + 2]], ['forepart']);
    // Shoulder seam.
    seam([[-80, NECK_Y - 2], [-150, SHOULDER_Y + 26], [-222, SHOULDER_Y + 3]], ['forepart'], 0.7);
    // Sleeve-head seam and the shadow under the sleeve head.
    seam([[-222, SHOULDER_Y + 2], [-226, 1405], [-214, 1345], [-203, 1283]], ['forepart', 'sleeve'], 1.2);
    marks.push({ only: ['forepart'], shape: L([[-222, 1395], [-206, 1320], [-194, 1270], [-185, 1200]]), kind: 'shadow', width: 10, strength: 0.35, blur: 8 });
    // Under-arm: sleeve shadow cast on the side of the body.
    marks.push({ only: ['forepart'], shape: L([[-196, 1270], [-194, 1100], [-192, 900]]), kind: 'shadow', width: 14, strength: 0.45, blur: 9 });
    // Elbow: creases fanning from the inside of the elbow.
    marks.push({ only: ['sleeve'], shape: L([[-209, 1090], [-240, 1070], [-262, 1072]]), kind: 'crease', width: 7, strength: 0.55, blur: 5 });
    marks.push({ only: ['sleeve'], shape: L([[-208, 1055], [-236, 1040], [-255, 1044]]), kind: 'crease', width: 6, strength: 0.45, blur: 5 });
    marks.push({ only: ['sleeve'], shape: L([[-207, 1020], [-232, 1012]]), kind: 'crease', width: 5, strength: 0.35, blur: 4 });
    marks.push({ only: ['sleeve'], shape: L([[-210, 1072], [-245, 1056], [-266, 1058]]), kind: 'ridge', width: 8, strength: 0.35, blur: 6 });
    // Sleeve: a long soft fall line down the front of the sleeve, and the cuff.
    marks.push({ only: ['sleeve'], shape: L([[-250, 1400], [-262, 1200], [-268, 1000], [-265, 880]]), kind: 'ridge', width: 14, strength: 0.3, blur: 10 });
    marks.push({ only: ['sleeve'], shape: L([[-196, CUFF_Y + 8], [-290, CUFF_Y + 2]]), kind: 'shadow', width: 3, strength: 0.3, blur: 2 });
    // Forepart: chest fullness and a gentle drape line from the shoulder.
    marks.push({ only: ['forepart', 'flap'], shape: L([[-120, 1380], [-125, 1300], [-135, 1200]]), kind: 'ridge', width: 40, strength: 0.25, blur: 25 });
    // Flap: shadow cast under the flap, and the pocket's jet line.
    marks.push({ only: ['forepart', 'flap'], shape: L([[flapX0 + 2, FLAP_TOP_Y - 60], [(flapX0 + flapX1) / 2, FLAP_TOP_Y - 60], [flapX1, FLAP_TOP_Y - 58]]), kind: 'shadow', width: 4, strength: 0.55, blur: 3 });
    marks.push({ only: ['forepart', 'flap'], shape: L([[flapX0, FLAP_TOP_Y + 1], [flapX1, FLAP_TOP_Y + 3]]), kind: 'seam', width: 2.2, strength: 0.7, blur: 0.6 });
    // Jacket hem shadow on the trousers.
    marks.push({ only: ['trouser', 'waistcoat'], shape: L([[-188, HEM_Y - 8], [-100, HEM_Y - 12], [-40, HEM_Y - 10]]), kind: 'shadow', width: 12, strength: 0.5, blur: 7 });
  }
  // Lapel roll: the lapel's edge throws a soft shadow on the forepart; its roll catches the light.
  for (const [lc, mirror] of [[lcL, false], [lcR, true]] as const) {
    const m = (p: Pt): Pt => (mirror ? [-p[0], p[1]] : p);
    const edge = lc.outerEdge.map((p) => m([p[0] - 4, p[1] - 3]));
    marks.push({ only: ['forepart'], shape: line(edge), kind: 'shadow', width: 7, strength: 0.55, blur: 5 });
    const stitch = lc.outerEdge.map((p) => m([p[0] + 5, p[1] + 1]));
    threads.push({ shape: line(stitch), width: 0.9, dash: '1.2 3', opacity: 0.22 });
    // Gorge seam and the notch.
    marks.push({ only: ['forepart', 'lapel', 'collar'], shape: line([m(lc.notch), m(lc.gorge)]), kind: 'seam', width: 1.8, strength: 0.55, blur: 0.6 });
    marks.push({ only: ['forepart', 'lapel', 'collar'], shape: line([m([lc.gorge[0] - 12, lc.gorge[1] + 10]), m([lc.notch[0] - 4, lc.notch[1] + 30])]), kind: 'shadow', width: 8, strength: 0.3, blur: 6 });
  }
  for (const side of [left, right]) {
    const mirror = side === right;
    const m = (p: Pt): Pt => (mirror ? [-p[0], p[1]] : p);
    const B: Pt = [side.edgeX, side.breakY];
    const T = side.rollTop;
    // The roll itself: a rounded ridge just inside the roll line.
    marks.push({ only: ['lapel', 'forepart'], shape: line([m(lerpPt(B, T, 0.2)), m(lerpPt(B, T, 0.95))].map((p) => [p[0] - (mirror ? -6 : 6), p[1]] as Pt)), kind: 'ridge', width: 12, strength: 0.35, blur: 7 });
    marks.push({ only: ['lapel', 'forepart'], shape: line([m(lerpPt(B, T, 0.1)), m(T)]), kind: 'seam', width: 1.2, strength: 0.25, blur: 1 });
  }

  // Closure: buttons, buttonholes, the wrap's shadow.
  if (style.closure === 'double') {
    for (const x of [-62, 62]) for (const y of [LOWER_BUTTON_Y, WAIST_BUTTON_Y]) buttons.push({ at: [x, y], d: 21 });
    for (const x of [-80, 80]) buttons.push({ at: [x, WAIST_BUTTON_Y + 110], d: 21 });
    for (const y of [LOWER_BUTTON_Y, WAIST_BUTTON_Y]) threads.push({ shape: line([[-62, y], [-86, y]]), width: 2.2, opacity: 0.5 });
    marks.push({ only: ['forepart', 'flap'], shape: line([[-97, WAIST_BUTTON_Y + 10], [-97, HEM_Y + 10]]), kind: 'shadow', width: 6, strength: 0.5, blur: 4 });
    // Pull of the fastening toward the far side.
    marks.push({ only: ['forepart', 'flap'], shape: line([[-60, WAIST_BUTTON_Y + 6], [40, 1140], [140, 1175]]), kind: 'crease', width: 8, strength: 0.25, blur: 9 });
    marks.push({ only: ['forepart', 'flap'], shape: line([[-60, WAIST_BUTTON_Y - 6], [40, 1030], [140, 1000]]), kind: 'crease', width: 8, strength: 0.2, blur: 9 });
  } else if (!style.open) {
    for (const y of [LOWER_BUTTON_Y, WAIST_BUTTON_Y]) {
      buttons.push({ at: [0, y], d: 21 });
      threads.push({ shape: line([[0, y], [-14, y]]), width: 2.2, opacity: 0.5 });
    }
    marks.push({ only: ['forepart', 'flap'], shape: line([[-20, WAIST_BUTTON_Y + 20], [-20, LOWER_BUTTON_Y - 12], [10, HEM_Y + 60], [60, HEM_Y]]), kind: 'shadow', width: 6, strength: 0.45, blur: 4 });
    // X-shaped pull lines from the fastened waist button.
    marks.push({ only: ['forepart', 'flap'], shape: line([[-6, WAIST_BUTTON_Y + 8], [-70, 1125], [-140, 1150]]), kind: 'crease', width: 7, strength: 0.25, blur: 8 });
    marks.push({ only: ['forepart', 'flap'], shape: line([[6, WAIST_BUTTON_Y + 8], [70, 1125], [140, 1150]]), kind: 'crease', width: 7, strength: 0.25, blur: 8 });
  } else {
    // Open coat: buttons on the wearer's right, buttonholes on the left.
    for (const y of [LOWER_BUTTON_Y, WAIST_BUTTON_Y]) {
      buttons.push({ at: [-78, y], d: 21 });
      threads.push({ shape: line([[80, y], [62, y]]), width: 2.2, opacity: 0.5 });
    }
    for (const s of [1, -1]) marks.push({ only: ['forepart', 'flap'], shape: line([[s * -60, WAIST_BUTTON_Y], [s * -64, 900], [s * -110, HEM_Y]]), kind: 'shadow', width: 8, strength: 0.5, blur: 6 });
  }
  // Boutonnière on the wearer's left lapel.
  {
    const p = lerpPt([-lcR.point[0], lcR.point[1]], [-lcR.gorge[0], lcR.gorge[1]], 0.45);
    threads.push({ shape: line([[p[0] - 6, p[1] - 28], [p[0] - 16, p[1] - 50]]), width: 2, opacity: 0.45 });
  }
  // Four kissing cuff buttons on the back edge of each sleeve, seen edge-on.
  for (const s of [1, -1]) for (let i = 0; i < 4; i++) buttons.push({ at: [s * -284, CUFF_Y + 38 + i * 15], d: 14, squash: 0.45, layer: s === 1 ? 'near-arm' : 'far-arm' });

  return { pieces, marks, buttons, threads, sides: { left, right } };
}

// ---------------------------------------------------------------------------------------------
// Layout: body millimetres → native pixels, SVG fragments for what is not cloth.

function layerOf(id: string, turned: boolean): Layer {
  if (!turned) return 'torso';
  if (id === 'sleeve-right') return 'near-arm';
  if (id === 'sleeve-left') return 'far-arm';
  return 'torso';
}

function withLayer(d: Draft, layer: Layer): Draft {
  if (d.layer === layer) return d;
  // Re-tag: a mirror with a double flip keeps the geometry and changes the layer.
  return d.mirrored(layer).mirrored(layer);
}

function underlaySvg(style: SuitStyle, proj: Projection): string {
  const P = (x: number, y: number) => proj.project(x, y).map((v) => v.toFixed(1)).join(',');
  const d = (dr: Draft) => dr.toSvg(proj);
  const shirt = draft().M(-80, 1497).L(-50, 1516).L(50, 1516).L(80, 1497).L(125, 1440).L(125, 930).L(-125, 930).L(-125, 1440).Z();
  const band = draft().M(-52, 1516).Q(0, 1528, 52, 1516).L(50, 1490).Q(0, 1482, -50, 1490).Z();
  const leaf = draft().M(-8, 1474).L(-50, 1514).Q(-62, 1470, -76, 1428).Q(-40, 1438, -8, 1474).Z();
  const knot = draft().M(-17, 1486).L(17, 1486).L(12, 1446).L(-12, 1446).Z();
  const blade = draft().M(-12, 1446).L(12, 1446).L(40, 1080).L(0, 1040).L(-40, 1080).Z();
  const shoe = (s: number) =>
    draft()
      .M(s * -58, 6)
      .Q(s * -60, 62, s * -100, 66)
      .L(s * -135, 66)
      .Q(s * -175, 62, s * -176, 6)
      .Q(s * -117, -10, s * -58, 6)
      .Z();
  const cuff = (s: number) => draft(s === 1 ? 'near-arm' : 'far-arm').M(s * -196, CUFF_Y + 12).L(s * -291, CUFF_Y + 6).L(s * -290, CUFF_Y - 14).L(s * -199, CUFF_Y - 8).Z();
  const [fx, fy] = proj.project(0, 0);
  const tieStripes = Array.from({ length: 14 }, (_, i) => {
    const y = 1480 - i * 32;
    return `<path d="M${P(-60, y)} L${P(60, y - 40)}" stroke="#6d5a3a" stroke-width="3" opacity="0.55"/>`;
  }).join('');
  return `
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#efedea"/><stop offset="0.7" stop-color="#e6e3df"/><stop offset="1" stop-color="#d9d5cf"/></linearGradient>
    <radialGradient id="floor" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#000" stop-opacity="0.28"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
    <linearGradient id="shirt" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#dfe3e8"/><stop offset="0.5" stop-color="#f6f7f9"/><stop offset="1" stop-color="#dde1e6"/></linearGradient>
    <linearGradient id="tie" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#2a1d2b"/><stop offset="0.45" stop-color="#4a2f44"/><stop offset="1" stop-color="#24182a"/></linearGradient>
    <linearGradient id="shoe" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3a2a22"/><stop offset="0.5" stop-color="#1d1410"/><stop offset="1" stop-color="#0e0a08"/></linearGradient>
    <filter id="soft"><feGaussianBlur stdDeviation="3"/></filter>
    <filter id="soft8"><feGaussianBlur stdDeviation="8"/></filter>
    <clipPath id="tieclip"><path d="${d(knot)} ${d(blade)}"/></clipPath>
  </defs>
  <rect width="${NATIVE_WIDTH}" height="${NATIVE_HEIGHT}" fill="url(#bg)"/>
  <ellipse cx="${fx}" cy="${fy + 2}" rx="${260 * proj.pxPerMm}" ry="${26 * proj.pxPerMm}" fill="url(#floor)"/>
  <path d="${d(shoe(1))}" fill="url(#shoe)"/><path d="${d(shoe(-1))}" fill="url(#shoe)"/>
  <path d="M${P(-150, 50)} Q${P(-117, 60)} ${P(-84, 50)}" stroke="#8a7466" stroke-width="2" fill="none" opacity="0.6" filter="url(#soft)"/>
  <path d="M${P(150, 50)} Q${P(117, 60)} ${P(84, 50)}" stroke="#8a7466" stroke-width="2" fill="none" opacity="0.6" filter="url(#soft)"/>
  <path d="${d(shirt)}" fill="url(#shirt)"/>
  <path d="${d(band)}" fill="#cfd4da"/>
  <path d="M${P(-8, 1474)} L${P(-8, 1300)} M${P(8, 1474)} L${P(8, 1300)}" stroke="#b9c0c8" stroke-width="1.2"/>
  <g clip-path="url(#tieclip)">
    <path d="${d(knot)} ${d(blade)}" fill="url(#tie)"/>
    ${tieStripes}
  </g>
  <path d="${d(knot)}" fill="none" stroke="#000" stroke-opacity="0.35" stroke-width="1.5"/>
  <path d="M${P(-12, 1446)} L${P(12, 1446)}" stroke="#000" stroke-opacity="0.45" stroke-width="2.5" filter="url(#soft)"/>
  <path d="${d(leaf)}" fill="#f7f8fa" stroke="#c3c9d0" stroke-width="1.4"/>
  <path d="${d(leaf.mirrored())}" fill="#f2f4f6" stroke="#c3c9d0" stroke-width="1.4"/>
  <path d="M${P(-70, 1434)} Q${P(-40, 1444)} ${P(-12, 1472)}" stroke="#9aa3ad" stroke-width="5" fill="none" opacity="0.5" filter="url(#soft)"/>
  <path d="M${P(70, 1434)} Q${P(40, 1444)} ${P(12, 1472)}" stroke="#9aa3ad" stroke-width="5" fill="none" opacity="0.5" filter="url(#soft)"/>
  <path d="${d(cuff(1))}" fill="#f2f4f6" stroke="#c3c9d0" stroke-width="1"/>
  <path d="${d(withLayer(cuff(-1), proj.squeeze(0, 0) < 1 ? 'far-arm' : 'torso'))}" fill="#eef0f3" stroke="#c3c9d0" stroke-width="1"/>
  ${style.waistcoat ? '' : ''}`;
}

function buttonSvg(b: Button, proj: Projection, i: number): string {
  const [cx, cy] = proj.project(b.at[0], b.at[1], b.layer ?? 'torso');
  const squeeze = proj.squeeze(b.at[0], b.at[1], b.layer ?? 'torso');
  const r = (b.d / 2) * proj.pxPerMm;
  const rx = r * (b.squash ?? 1) * squeeze;
  const holes =
    b.squash === undefined
      ? [[-1, -1], [1, -1], [-1, 1], [1, 1]]
          .map(([dx, dy]) => `<circle cx="${(cx + dx * r * 0.22 * squeeze).toFixed(2)}" cy="${(cy + dy * r * 0.22).toFixed(2)}" r="${(r * 0.1).toFixed(2)}" fill="#0b0706"/>`)
          .join('')
      : '';
  return `
  <ellipse cx="${cx.toFixed(2)}" cy="${(cy + r * 0.25).toFixed(2)}" rx="${(rx * 1.05).toFixed(2)}" ry="${(r * 1.05).toFixed(2)}" fill="#000" opacity="0.35" filter="url(#bshadow)"/>
  <ellipse cx="${cx.toFixed(2)}" cy="${cy.toFixed(2)}" rx="${rx.toFixed(2)}" ry="${r.toFixed(2)}" fill="url(#horn${i % 3})"/>
  <ellipse cx="${cx.toFixed(2)}" cy="${cy.toFixed(2)}" rx="${(rx * 0.72).toFixed(2)}" ry="${(r * 0.72).toFixed(2)}" fill="none" stroke="#000" stroke-opacity="0.35" stroke-width="${(r * 0.12).toFixed(2)}"/>
  ${holes}`;
}

function overlaySvg(set: Draftset, proj: Projection): string {
  return `
  <defs>
    <radialGradient id="horn0" cx="0.38" cy="0.32" r="0.75"><stop offset="0" stop-color="#6a4e3a"/><stop offset="0.55" stop-color="#3b2a1f"/><stop offset="1" stop-color="#1d140f"/></radialGradient>
    <radialGradient id="horn1" cx="0.4" cy="0.3" r="0.75"><stop offset="0" stop-color="#62493a"/><stop offset="0.6" stop-color="#35261c"/><stop offset="1" stop-color="#1a120d"/></radialGradient>
    <radialGradient id="horn2" cx="0.36" cy="0.34" r="0.75"><stop offset="0" stop-color="#705341"/><stop offset="0.5" stop-color="#3e2d22"/><stop offset="1" stop-color="#1f1611"/></radialGradient>
    <filter id="bshadow"><feGaussianBlur stdDeviation="1.6"/></filter>
  </defs>
  ${set.buttons.map((b, i) => buttonSvg(b, proj, i)).join('')}`;
}

function markToShade(m: Mark, proj: Projection): ShadeMark {
  return { path: m.shape.toSvg(proj), kind: m.kind, width: m.width, strength: m.strength, blur: m.blur, fill: m.fill, only: m.only };
}

/** The drafted source of one view; rasterised by `build.ts`. */
export function draftCutView(cut: string, view: string): CutViewSource {
  const entry = CUT_STYLES[cut];
  if (!entry) throw new Error(`Unknown cut "${cut}"`);
  if (!(VIEWS as readonly string[]).includes(view)) throw new Error(`Unknown view "${view}" for cut "${cut}"`);
  const turned = view === 'three-quarter';
  const proj = turned ? turnedProjection(28) : frontProjection();
  const set = draftSuit(entry.style);

  // A pocket lies on its own forepart: the wrap of a double-breasted covers the under side's flap.
  for (const [flapId, fpId] of [['flap-right', 'forepart-right'], ['flap-left', 'forepart-left']]) {
    const fi = set.pieces.findIndex((p) => p.id === flapId);
    const [flapPiece] = set.pieces.splice(fi, 1);
    set.pieces.splice(set.pieces.findIndex((p) => p.id === fpId) + 1, 0, flapPiece);
  }
  if (turned) {
    // The far arm hangs behind the torso and the far leg behind the near one.
    const rank = (id: string) => (id === 'sleeve-left' ? 0 : id === 'trouser-left' ? 1 : id === 'trouser-right' ? 2 : 3);
    set.pieces.sort((a, b) => rank(a.id) - rank(b.id));
    set.buttons = set.buttons.filter((b) => b.layer !== 'far-arm');
  }
  const panels: PanelSpec[] = set.pieces.map((p) => {
    const layer = layerOf(p.id, turned);
    const shape = withLayer(p.shape, layer);
    let grainAngle = projectedAngle(proj, p.grain[0], p.grain[1], layer);
    if (p.mirrorGrainAbout) {
      const roll = projectedAngle(proj, p.mirrorGrainAbout[0], p.mirrorGrainAbout[1], layer);
      grainAngle = 2 * roll - grainAngle;
    }
    const [ax, ay] = proj.project(p.anchor[0], p.anchor[1], layer);
    return {
      id: p.id,
      kind: p.kind,
      path: shape.toSvg(proj),
      grainAngle,
      pxPerMm: proj.pxPerMm,
      anchor: [ax, ay],
      loft: p.loft,
      round: p.round,
      squeeze: proj.squeeze(p.anchor[0], p.anchor[1], layer),
      restsOn: p.restsOn,
      profile: p.profile ?? (p.kind === 'sleeve' || p.kind === 'trouser' ? 'cylinder' : 'canvas'),
    };
  });
  // Thread is cloth-matched, so buttonholes and pick stitching are drawn into the shading.
  const marks = [
    ...set.marks.map((m) => markToShade(m, proj)),
    ...set.threads.map((t) => ({ path: t.shape.toSvg(proj), kind: 'seam' as const, width: t.width, strength: t.opacity, blur: 0, dash: t.dash })),
  ];
  return {
    cut,
    view,
    width: NATIVE_WIDTH,
    height: NATIVE_HEIGHT,
    pxPerMm: proj.pxPerMm,
    panels,
    marks,
    underlay: underlaySvg(entry.style, proj),
    overlay: overlaySvg(set, proj),
  };
}
