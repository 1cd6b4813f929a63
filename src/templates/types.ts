/**
 * Garment templates: what a view of a cut is made of, before and after rasterisation.
 * Tailoring terms: a Panel is a piece of cloth as cut (forepart, sleeve, lapel, collar, flap...).
 */

export type PanelKind = 'forepart' | 'sleeve' | 'lapel' | 'collar' | 'flap' | 'welt' | 'trouser' | 'waistband' | 'waistcoat' | 'button' | 'inside';

/**
 * How a panel lies over another whose outline it shares in part, so that the shared edge is not
 * counted twice in the garment's coverage:
 * - 'rests-on': it lies on that panel (a lapel or pocket on its forepart): it adds to the coverage
 *   only what it covers beyond that panel, and that panel's volume continues beneath it.
 * - 'set-into': it is set into that panel along an outline they share (a sleeve head over its
 *   forepart's shoulder, which runs on under the crown): it adds only what it covers beyond that
 *   panel, but only where the two outlines run together (both edges rising the same way); where they
 *   meet from opposite sides the coverages add up, as abutting edges' do. The volumes stay each
 *   panel's own.
 */
export interface PanelOverlap {
  /** The other panel's id. */
  panel: string;
  mode: 'rests-on' | 'set-into';
}

/** A piece of cloth as drawn in a view. */
export interface PanelSpec {
  id: string;
  kind: PanelKind;
  /** SVG path data in native pixels. */
  path: string;
  /** Straight-grain direction in degrees clockwise from image vertical (warp yarns). */
  grainAngle: number;
  /** Pixels per millimetre of this panel at native size (foreshortened panels differ). */
  pxPerMm: number;
  /** Native pixel where the cloth's pattern origin lies: stripes are matched across panels from here. */
  anchor: [number, number];
  /** How far the panel stands off the body (px of height field): layers cast soft shadows. */
  loft: number;
  /** Roundness radius in native px: how the cloth turns away at the panel's edges. */
  round: number;
  /**
   * Cross-section: 'cylinder' for sleeves (a tube seen from the side), 'pressed' for trouser legs (a
   * tube pressed to a crease down its middle: two planes meeting at it, rounded at the sides),
   * 'canvas' for fronts held flat by their canvas, turning away only gently at the edges.
   */
  profile?: 'cylinder' | 'pressed' | 'canvas';
  /** Another panel this one lies over and shares edges with (see `PanelOverlap`). */
  overlap?: PanelOverlap;
  /**
   * The side of the image where this panel's edge is a soft fold rather than a pressed edge (a
   * lapel's roll line): there the cloth turns over a broad round instead of a tight lip.
   */
  rollEdge?: 'left' | 'right';
  /**
   * Sewn flat onto the panel beneath (a breast welt): its edges do not roll over into a groove as a
   * pressed edge's do; its marks draw its seams and fold.
   */
  sewnFlat?: boolean;
  /**
   * The panel this one is sewn to along a seam (the back's halves, at the centre back): one cloth
   * over the body there, so the canvas does not turn away along their shared edge as it does at a
   * pressed edge; the seam's own marks draw it. Each half turning away into the seam made it a
   * groove some 7 mm wide, a bold dark line down the back.
   */
  sewnTo?: string;
  /**
   * A tube's true sides by native row where the frame crops it (a detail view's sleeve): [row, left,
   * right], rows increasing, reaching past the frame. Where a row's cloth runs to the frame's edge,
   * its cross-section is fitted to these, not to the part in frame.
   */
  extent?: Array<[number, number, number]>;
  /**
   * A set-in sleeve's armhole seam: the side of the sleeve it is on (toward the body) and the native px
   * row where it ends under the arm. Above that row the arm runs on under the body past the seam, so
   * its tube is not cut off there.
   */
  armhole?: { seam: 'left' | 'right'; underarm: number };
  /** Horizontal pattern squeeze where the body turns away (three-quarter views), 1 = none. */
  squeeze?: number;
  /**
   * Hangs behind the torso (a turned figure's far sleeve): its volume lies below the torso's far edge,
   * so that edge steps down onto it and shades it, instead of the sleeve standing up beside it as a
   * lit wall.
   */
  behind?: boolean;
}

/** A stroke or shape drawn into the shading. */
export interface ShadeMark {
  path: string;
  /** 'ridge' raises the height field (a fold catching light), 'crease' lowers it. */
  kind: 'ridge' | 'crease' | 'seam' | 'shadow' | 'highlight';
  width: number;
  /** 0..1 */
  strength: number;
  /** Gaussian blur in native px. */
  blur: number;
  /** Filled shape rather than a stroke. */
  fill?: boolean;
  /** SVG dash array, for pick stitching. */
  dash?: string;
  /** Drawn only where the topmost panel is of one of these kinds. */
  only?: PanelKind[];
  /** Drawn only where the topmost panel is one of these (by id): one side's marks never show on the other. */
  onPanels?: string[];
}

/** Everything a drawn view is made from, in native pixels; its hash is the template version. */
export interface CutViewSource {
  cut: string;
  view: string;
  width: number;
  height: number;
  /** The view's nominal scale: the texture is generated at this px/mm. */
  pxPerMm: number;
  /** Image px per px of the standard 0.9 px/mm layout (a detail view is zoomed): volumes and blurs scale by it. */
  zoom?: number;
  /**
   * The body's width by image row where the frame crops it (a detail view): [row, left, right] in
   * native px, rows increasing; the torso's volume is fitted to it rather than to the cloth in frame.
   */
  torsoExtent?: Array<[number, number, number]>;
  /**
   * The body's width by image row where it runs on under the sleeves (below the shoulder point, in
   * every view): [row, left, right] in native px, rows increasing; outside these
   * rows, none. Turned, the near side is the body's silhouette and the far side its axis (the far
   * sleeve hangs behind the body, nothing rests on that side).
   * The torso's section in such a row spans at least this width (the armhole seam lies inside it, so
   * the coat does not turn away to nothing there), and a sleeve rests on the body where it lies over it.
   */
  bodyExtent?: Array<[number, number, number]>;
  /**
   * The body's half-depth down its length, by image row: [row, half-depth] in native px, rows
   * increasing. The torso's section in each row is a half ellipse that deep at its middle, across the
   * row's width: the figure's side profile (the upper chest rising from the collar to the chest's
   * fullest point, the waist below it), so the chest turns up into the key light and away under it.
   */
  torsoDepth?: Array<[number, number]>;
  /** Back to front. */
  panels: PanelSpec[];
  marks: ShadeMark[];
  /** SVG fragment beneath the cloth (backdrop, shirt, tie, inside of the coat). */
  underlay: string;
  /** SVG fragment over the cloth (buttons, stitching in thread). */
  overlay: string;
}

/** One resolution of a view, precomputed for a single-pass render. */
export interface ViewLevel {
  width: number;
  height: number;
  /** Nominal px/mm at this level: the fabric texture is generated at this scale. */
  pxPerMm: number;
  /** RGB of everything that is not cloth (backdrop, shirt, tie). */
  base: Uint8Array;
  /** Pixel index of every pixel with cloth, in raster order. */
  pix: Int32Array;
  /** Cloth coverage 0..255 for each entry of `pix` (anti-aliased edges). */
  cov: Uint8Array;
  /** Panel index for each entry of `pix`. */
  panel: Uint8Array;
  /** Texture coordinates in texture pixels (at `pxPerMm`), grain rotation and fold warp applied. */
  u: Float32Array;
  v: Float32Array;
  /** Linear-light shading multiplier, quantised: shade = shadeQ / SHADE_ONE. Garment mean is 1. */
  shadeQ: Uint16Array;
  /** Coverage-weighted histogram of shadeQ over the garment, for renormalising after sheen. */
  shadeHist: Float64Array;
  /** Overlay pixels (buttons, thread): pixel index and straight RGBA. */
  overlayPix: Int32Array;
  overlayRgba: Uint8Array;
  /**
   * The shading was measured on a photograph of a garment in real cloth, and so already holds that
   * cloth's own interreflection: the finish does not fill it again (`interreflected`).
   */
  shadeMeasured?: boolean;
}

/** Shading is stored as fixed point with this value meaning 1.0 (range 0..SHADE_LEVELS/SHADE_ONE). */
export const SHADE_ONE = 1024;
export const SHADE_LEVELS = 4096;

export type LevelName = 'full' | 'preview' | 'thumb';

/** A ready-to-render view of a cut. */
export interface CutView {
  cut: string;
  view: string;
  width: number;
  height: number;
  version: string;
  pxPerMm: number;
  panels: Array<Omit<PanelSpec, 'path'>>;
  levels: Record<LevelName, ViewLevel>;
}
