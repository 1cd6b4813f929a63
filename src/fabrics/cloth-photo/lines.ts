/**
 * The last straightening: stripes, check lines and the threads themselves should run exactly along
 * the rectified cloth's columns and rows. Where they do not, their angles across the cloth say what
 * is left over — a turn, a shear, and the convergence of a tilt the thread lattice under-read
 * (parallel stripes meeting at a vanishing point). Each band's angle is the one along which its
 * projection profile is sharpest (as document deskewing does), so lopsided figures (houndstooth
 * teeth, twill diagonals) do not bias it; a band with no lines gives nothing.
 */
import type { Mat3 } from './geometry.ts';

export interface LineResidual {
  /** Turn of the vertical / horizontal lines at the centre (radians). */
  rv: number;
  rh: number;
  /** Change of that turn per unit of x (vertical lines) and of y (horizontal), in half-widths. */
  gv: number;
  gh: number;
  /** Which families of lines were seen. */
  vertical: boolean;
  horizontal: boolean;
}

const STEP = 0.005; // radians between trial angles (≈ 0.29°), refined by a parabola
const SPAN = 7; // trials each way: ±2°
/** Every LINE_EVERY-th row (and column) is read: lines run across many, so that is plenty. */
export const LINE_EVERY = 6;

/**
 * The luminance the residual reads, and only that: every LINE_EVERY-th row of the rectified cloth
 * (`rows`, row j is row j·LINE_EVERY, w long) and every LINE_EVERY-th column (`cols`, column i is
 * column i·LINE_EVERY, h long, contiguous).
 */
export interface LineSamples {
  rows: Float32Array;
  cols: Float32Array;
  w: number;
  h: number;
}

export function lineSampleBuffers(w: number, h: number): LineSamples {
  return { rows: new Float32Array(Math.ceil(h / LINE_EVERY) * w), cols: new Float32Array(Math.ceil(w / LINE_EVERY) * h), w, h };
}

/**
 * Running sums down the sampled rows: row j of the result is the sum of rows 0..j−1 of `lines`
 * (nRows rows, w long). Rows that a trial angle shifts alike are then summed in one subtraction.
 */
function rowSums(lines: Float32Array, w: number, nRows: number): Float64Array {
  const P = new Float64Array((nRows + 1) * w);
  for (let j = 0; j < nRows; j++) {
    const a = j * w,
      b = a + w;
    for (let x = 0; x < w; x++) P[b + x] = P[a + x] + lines[a + x];
  }
  return P;
}

/**
 * The angle (radians; positive: x grows with y) at which the columns of a band line up best: the
 * column-mean profile is sharpest (largest variance) when summed along the lines. `P` holds the
 * running sums (rowSums) of the sampled rows (row j at y = j·LINE_EVERY of an image `len` tall),
 * each `w` long; the band is x0..x1. Returns null when the profile is no sharper along the best
 * angle than across the trials (no lines there).
 */
function bandAngle(P: Float64Array, w: number, x0: number, x1: number, len: number): number | null {
  const prof = new Float64Array(w + 2 * 64);
  const cnt = new Float64Array(w + 2 * 64 + 1);
  const vars: number[] = [];
  const yc = len / 2;
  const need = (len / LINE_EVERY) * 0.9;
  const nRows = Math.ceil(len / LINE_EVERY);
  for (let t = -SPAN; t <= SPAN; t++) {
    const tn = Math.tan(t * STEP);
    prof.fill(0);
    cnt.fill(0);
    // Each row moves by round(shift): x + base for every x of it (the fraction is the same along
    // it). Consecutive rows moved alike are one run, added at once from the running sums.
    const baseOf = (j: number) => Math.round(x0 - tn * (j * LINE_EVERY - yc)) - x0 + 64;
    for (let ja = 0; ja < nRows; ) {
      const base = baseOf(ja);
      let jb = ja + 1;
      while (jb < nRows && baseOf(jb) === base) jb++;
      const A = ja * w,
        B = jb * w;
      for (let x = x0; x < x1; x++) prof[x + base] += P[B + x] - P[A + x];
      // The run covers x0 + base .. x1 + base, once per row: counted as steps, summed below.
      cnt[x0 + base] += jb - ja;
      cnt[x1 + base] -= jb - ja;
      ja = jb;
    }
    let s = 0,
      s2 = 0,
      n = 0,
      c = 0;
    for (let i = 0; i < prof.length; i++) {
      c += cnt[i];
      if (c < need) continue;
      const v = prof[i] / c;
      s += v;
      s2 += v * v;
      n++;
    }
    vars.push(n ? s2 / n - (s / n) ** 2 : 0);
  }
  let best = 0;
  for (let i = 1; i < vars.length; i++) if (vars[i] > vars[best]) best = i;
  const lo = Math.min(...vars);
  if (!(vars[best] > 1.15 * lo) || best === 0 || best === vars.length - 1) return null;
  const a = vars[best - 1],
    b = vars[best],
    c = vars[best + 1];
  const den = a - 2 * b + c;
  const off = den < 0 ? (0.5 * (a - c)) / den : 0;
  return (best - SPAN + off) * STEP;
}

/** The residual turn of the lines of the rectified cloth, from its sampled luminance. */
export function lineResidual(samples: LineSamples): LineResidual {
  const { rows, cols, w, h } = samples;
  const half = Math.max(w, h) / 2;
  const rowP = rowSums(rows, w, Math.ceil(h / LINE_EVERY)),
    colP = rowSums(cols, h, Math.ceil(w / LINE_EVERY));
  // Vertical lines: three column bands; the angle is how far x moves per y (a turn of the line).
  // Horizontal lines are read the same way from the columns (the transposed cloth).
  const v: Array<[number, number]> = [],
    hz: Array<[number, number]> = [];
  for (let b = 0; b < 3; b++) {
    const x0 = Math.floor((b * w) / 3),
      x1 = Math.floor(((b + 1) * w) / 3);
    const a = bandAngle(rowP, w, x0, x1, h);
    if (a !== null) v.push([((x0 + x1) / 2 - w / 2) / half, a]);
    const y0 = Math.floor((b * h) / 3),
      y1 = Math.floor(((b + 1) * h) / 3);
    const ah = bandAngle(colP, h, y0, y1, w);
    if (ah !== null) hz.push([((y0 + y1) / 2 - h / 2) / half, ah]);
  }
  const fit = (pts: Array<[number, number]>) => {
    if (pts.length < 3) return null;
    const n = pts.length,
      sx = pts.reduce((s, p) => s + p[0], 0),
      sy = pts.reduce((s, p) => s + p[1], 0);
    const sxx = pts.reduce((s, p) => s + p[0] * p[0], 0),
      sxy = pts.reduce((s, p) => s + p[0] * p[1], 0);
    const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return { at0: (sy - slope * sx) / n, slope };
  };
  const fv = fit(v),
    fh = fit(hz);
  // A vertical line whose x grows with y is turned by −angle in the convention of straighteningMap.
  return { rv: fv ? -fv.at0 : 0, gv: fv ? -fv.slope : 0, rh: fh ? fh.at0 : 0, gh: fh ? fh.slope : 0, vertical: !!fv, horizontal: !!fh };
}

/**
 * The map from straightened px to the current rectified px that undoes a residual: lines turned by
 * rv + gv·x (vertical) and rh + gh·y (horizontal) in coordinates centred on the image.
 */
export function straighteningMap(r: LineResidual, w: number, h: number): Mat3 {
  const half = Math.max(w, h) / 2,
    cx = w / 2,
    cy = h / 2;
  // Only what was seen is corrected; a family not seen borrows the other's turn (a pure rotation).
  const rv = r.vertical ? r.rv : r.rh,
    rh = r.horizontal ? r.rh : r.rv;
  const g2 = r.vertical ? r.gv : 0,
    g1 = r.horizontal ? -r.gh : 0;
  // In centred, half-width units: x = (u − rv v)/(1 + g1 u + g2 v), y = (rh u + v)/(…).
  const D: Mat3 = [1, -rv, 0, rh, 1, 0, g1, g2, 1];
  const N: Mat3 = [1 / half, 0, -cx / half, 0, 1 / half, -cy / half, 0, 0, 1];
  const Ninv: Mat3 = [half, 0, cx, 0, half, cy, 0, 0, 1];
  return mul3(Ninv, mul3(D, N));
}

export function mul3(A: Mat3, B: Mat3): Mat3 {
  const o = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) o[r * 3 + c] += A[r * 3 + k] * B[k * 3 + c];
  return o as Mat3;
}
