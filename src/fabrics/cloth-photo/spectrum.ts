/**
 * The weave seen in a patch's spectrum. A 2/2 twill (and the herringbone, flannel, sharkskin built
 * on it) shows its diagonal wale as the strongest fine peak, at (a + b)/4 or (a − b)/4, where a and b
 * are the thread frequencies across the warp ends and the weft picks. From the wale we predict where
 * the thread peaks must be, and look for them there: found, they give the local thread lattice (a
 * 2×2 Jacobian from photo px to threads) to a fraction of a percent.
 */
import { powerSpectrumReal } from './fft.ts';

export interface ThreadLattice {
  /** Thread frequency across the warp ends (cycles per px), the more horizontal of the two. */
  a: [number, number];
  /** Thread frequency across the weft picks (cycles per px). */
  b: [number, number];
  /** How far the thread peaks stand above the spectrum around them (power ratio). */
  strength: number;
  /** 'threads': both thread peaks seen; 'wale': only the twill's wale, read as a balanced twill. */
  source?: 'threads' | 'wale';
}

export const PATCH = 256;
const LOG2_PATCH = 8;
/** Power ratio over the ring's median that a thread peak (searched over a disc) must reach to be
 * believed rather than noise. */
const THREAD_MIN = 150;

const hann = new Float64Array(PATCH);
for (let i = 0; i < PATCH; i++) hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / PATCH);

const scratch = new Float64Array(PATCH * PATCH);

/**
 * Power spectrum (plus a floor; see `at`) of the luminance of the PATCH² patch at (x0, y0) of an
 * interleaved 8-bit RGB photo `width` px wide: zero mean, Hann-windowed. Read straight from the
 * photo, with no copy of it; written into `out` (every bin) when given.
 */
export function patchSpectrum(rgb: Uint8Array, width: number, x0: number, y0: number, out = new Float64Array(PATCH * PATCH)): Float64Array {
  windowedLuma(rgb, width, x0, y0, scratch);
  powerSpectrumReal(scratch, PATCH, out);
  return out;
}

/** The patch's luminance into `re`, less its mean, Hann-windowed (each pass a function of its own, compiled once). */
function windowedLuma(rgb: Uint8Array, width: number, x0: number, y0: number, re: Float64Array): void {
  const N = PATCH;
  let m = 0;
  for (let y = 0; y < N; y++) {
    let s = ((y0 + y) * width + x0) * 3;
    for (let x = 0, o = y * N; x < N; x++, o++, s += 3) {
      const v = Math.fround(0.299 * rgb[s] + 0.587 * rgb[s + 1] + 0.114 * rgb[s + 2]);
      re[o] = v;
      m += v;
    }
  }
  windowAround(re, m / (N * N));
}

function windowAround(re: Float64Array, m: number): void {
  const N = PATCH;
  for (let y = 0; y < N; y++) {
    const wy = hann[y];
    for (let x = 0, o = y * N; x < N; x++, o++) re[o] = (re[o] - m) * wy * hann[x];
  }
}

// Bins wrap (negative frequencies at the top end); PATCH is a power of two, so & is the modulo.
// A spectrum holds power (plus a floor); peaks are compared on it, and its logarithm taken only
// where a value is used — a few hundred bins of a patch's 65 536.
const WRAP = PATCH - 1;
const at = (p: Float64Array, fx: number, fy: number) => p[((fy & WRAP) << LOG2_PATCH) + (fx & WRAP)];
const logAt = (p: Float64Array, fx: number, fy: number) => Math.log(at(p, fx, fy));

/** Sub-bin peak position by parabolas through the log-power on each axis. */
function refine(p: Float64Array, fx: number, fy: number): [number, number] {
  const c = logAt(p, fx, fy);
  const dx = (() => {
    const l = logAt(p, fx - 1, fy),
      r = logAt(p, fx + 1, fy),
      den = l - 2 * c + r;
    return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
  })();
  const dy = (() => {
    const l = logAt(p, fx, fy - 1),
      r = logAt(p, fx, fy + 1),
      den = l - 2 * c + r;
    return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
  })();
  return [fx + dx, fy + dy];
}

/** Strongest bin within `radius` bins of (fx, fy), and its log-power. */
function localMax(p: Float64Array, fx: number, fy: number, radius: number): [number, number, number] {
  let best = -Infinity,
    bx = 0,
    by = 0;
  const cx = Math.round(fx),
    cy = Math.round(fy);
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      const v = at(p, cx + dx, cy + dy);
      if (v > best) [best, bx, by] = [v, cx + dx, cy + dy];
    }
  return [bx, by, Math.log(best)];
}

/** Median log-power of the ring of radius r (±2 bins): the floor a peak must rise above. */
function ringFloor(p: Float64Array, r: number): number {
  const vals = ringScratch;
  for (let k = 0; k < RING; k++) vals[k] = at(p, Math.round(r * RING_COS[k]), Math.round(r * RING_SIN[k]));
  return Math.log(kthSmallest(vals, RING >> 1));
}

/** The k-th smallest value (0-based) of `a`, which is reordered (Hoare's selection). */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0,
    hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
const RING = 180;
const RING_COS = new Float64Array(RING),
  RING_SIN = new Float64Array(RING);
for (let k = 0; k < RING; k++) {
  RING_COS[k] = Math.cos((k / RING) * Math.PI);
  RING_SIN[k] = Math.sin((k / RING) * Math.PI);
}
const ringScratch = new Float64Array(RING);

/** Where a wale may stand: periods of 5–16 px, within 20° of a diagonal, the upper half-plane. */
const WALE_BINS: Int16Array = (() => {
  const N = PATCH,
    rMin = N / 16,
    rMax = N / 5;
  const bins: number[] = [];
  for (let fy = 0; fy <= rMax; fy++)
    for (let fx = -Math.floor(rMax); fx <= rMax; fx++) {
      const r2 = fx * fx + fy * fy;
      if (r2 < rMin * rMin || r2 > rMax * rMax || (fy === 0 && fx < 0)) continue;
      const ang = Math.abs(((Math.atan2(fy, fx) * 180) / Math.PI) % 90);
      if (ang < 25 || ang > 65) continue;
      bins.push(fx, fy);
    }
  return Int16Array.from(bins);
})();

/**
 * The thread lattice of one patch, or null when the weave is not resolved there. `minPeriod` is the
 * finest thread period (px) believed (below ~2.2 px the photo cannot hold a thread).
 */
export function threadLattice(p: Float64Array, minPeriod = 2.2): ThreadLattice | null {
  const N = PATCH;
  // Wale candidates: local maxima with a period of 5–16 px (threads of 1.8–5.7 px) near a diagonal
  // (stripes and checks put their harmonics on the axes). A check has many harmonics there too, so
  // each candidate is judged by whether thread peaks stand where it predicts them.
  const cands: Array<[number, number, number]> = [];
  for (let i = 0; i < WALE_BINS.length; i += 2) {
    const fx = WALE_BINS[i],
      fy = WALE_BINS[i + 1];
    const v = at(p, fx, fy);
    let isMax = true;
    for (let dy = -1; dy <= 1 && isMax; dy++)
      for (let dx = -1; dx <= 1; dx++)
        if ((dx || dy) && at(p, fx + dx, fy + dy) > v) {
          isMax = false;
          break;
        }
    if (isMax) cands.push([v, fx, fy]);
  }
  cands.sort((a, b) => b[0] - a[0]);
  let best: { score: number; A: [number, number, number]; B: [number, number, number] } | null = null;
  for (const [v, wx, wy] of cands.slice(0, 12)) {
    const wr = Math.hypot(wx, wy);
    const walePeak = Math.log(v) - ringFloor(p, wr);
    if (walePeak < Math.log(4)) continue;
    const [rwx, rwy] = refine(p, wx, wy);
    // Thread peaks: a, b = 2 (w ± w⊥), the two lattice vectors whose sum or difference is 4 w.
    const found: Array<[number, number, number]> = [];
    for (const [cx, cy] of [
      [2 * (rwx - rwy), 2 * (rwy + rwx)],
      [2 * (rwx + rwy), 2 * (rwy - rwx)],
    ]) {
      if (Math.hypot(cx, cy) > N / minPeriod) break;
      const [mx, my, pv] = localMax(p, cx, cy, 3);
      const prominence = pv - ringFloor(p, Math.hypot(cx, cy));
      // A local maximum of noise over the search disc already stands ~e^4 above the ring's median.
      if (prominence < Math.log(THREAD_MIN)) break;
      const [rx, ry] = refine(p, mx, my);
      found.push([rx, ry, prominence]);
    }
    if (found.length < 2) continue;
    const score = Math.min(found[0][2], found[1][2]) + 0.5 * walePeak;
    if (!best || score > best.score) best = { score, A: found[0], B: found[1] };
  }
  if (!best) return null;
  // Orient: a is the more horizontal (pointing +x), b the more vertical (pointing +y).
  let { A, B } = best;
  if (Math.abs(A[0]) < Math.abs(B[0])) [A, B] = [B, A];
  const sgnA = A[0] < 0 ? -1 : 1,
    sgnB = B[1] < 0 ? -1 : 1;
  return {
    a: [(sgnA * A[0]) / N, (sgnA * A[1]) / N],
    b: [(sgnB * B[0]) / N, (sgnB * B[1]) / N],
    strength: Math.exp(Math.min(A[2], B[2])),
    // Every lattice has the same fields (the plane fit reads them all alike: one object shape).
    source: 'threads',
  };
}

/**
 * Peaks of a 2/2 twill's spectrum, as combinations (of a, b) of the thread frequencies: the wale
 * (a ± b)/4, its neighbours one thread over ((a ± b)/4 − a, − b), its second harmonic, and the
 * threads themselves. Right-hand twills show the "+" family, left-hand the "−", a herringbone both.
 * The wale's neighbours (periods ≈ 1.25 threads) survive JPEG better than the threads (1 thread).
 */
const TWILL_PEAKS: Array<[number, number]> = [
  [0.25, 0.25],
  [-0.75, 0.25],
  [0.25, -0.75],
  [0.5, 0.5],
  [0.25, -0.25],
  [-0.75, -0.25],
  [0.25, 0.75],
  [0.5, -0.5],
  [1, 0],
  [0, 1],
];

/**
 * The lattice near a predicted one (from a plane fitted to other patches): every twill peak looked
 * for within a few bins of where the prediction puts it; a and b solved by least squares from
 * those found (at least two independent ones).
 */
export function threadLatticeNear(p: Float64Array, predicted: ThreadLattice, reach = 0.05, minPeriod = 2.1): ThreadLattice | null {
  const N = PATCH;
  const A0 = [predicted.a[0] * N, predicted.a[1] * N],
    B0 = [predicted.b[0] * N, predicted.b[1] * N];
  const found: Array<{ ma: number; mb: number; x: number; y: number; w: number }> = [];
  for (const [ma, mb] of TWILL_PEAKS) {
    const fx = ma * A0[0] + mb * B0[0],
      fy = ma * A0[1] + mb * B0[1];
    const r = Math.hypot(fx, fy);
    if (r > N / minPeriod || r < 8) continue;
    const radius = Math.max(2, Math.round(reach * r));
    const [mx, my, v] = localMax(p, fx, fy, radius);
    const prominence = v - ringFloor(p, r);
    // The larger the disc searched, the higher noise alone reaches.
    const need = Math.log(radius <= 2 ? 30 : radius <= 4 ? 80 : THREAD_MIN);
    if (prominence < need) continue;
    const [rx, ry] = refine(p, mx, my);
    found.push({ ma, mb, x: rx, y: ry, w: prominence - need + 1 });
  }
  if (found.length < 2) return null;
  // Weighted least squares: [ma mb] · [a b]ᵀ = f, for x and y separately.
  let s11 = 0,
    s12 = 0,
    s22 = 0,
    tx1 = 0,
    tx2 = 0,
    ty1 = 0,
    ty2 = 0,
    wsum = 0;
  for (const f of found) {
    s11 += f.w * f.ma * f.ma;
    s12 += f.w * f.ma * f.mb;
    s22 += f.w * f.mb * f.mb;
    tx1 += f.w * f.ma * f.x;
    tx2 += f.w * f.mb * f.x;
    ty1 += f.w * f.ma * f.y;
    ty2 += f.w * f.mb * f.y;
    wsum += f.w;
  }
  const det = s11 * s22 - s12 * s12;
  if (det < 1e-3 * (s11 + s22) ** 2) return null; // all found peaks along one direction
  const ax = (tx1 * s22 - tx2 * s12) / det,
    bx = (s11 * tx2 - s12 * tx1) / det;
  const ay = (ty1 * s22 - ty2 * s12) / det,
    by = (s11 * ty2 - s12 * ty1) / det;
  return { a: [ax / N, ay / N], b: [bx / N, by / N], strength: Math.exp(wsum / found.length) * found.length, source: 'threads' };
}
