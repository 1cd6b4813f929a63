/**
 * The plane of the cloth: a homography from photo px to cloth coordinates (in threads), fitted to the
 * local thread lattices measured in patches. A homography's Jacobian varies over the photo exactly as
 * a tilted plane's thread spacing and direction do, so the patches' lattices pin down tilt and
 * rotation together; no focal length is needed.
 */
import type { ThreadLattice } from './spectrum.ts';

/** Row-major 3×3. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export function apply(H: Mat3, x: number, y: number): [number, number] {
  const w = H[6] * x + H[7] * y + H[8];
  return [(H[0] * x + H[1] * y + H[2]) / w, (H[3] * x + H[4] * y + H[5]) / w];
}

export function invert(H: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = H;
  const A = e * i - f * h,
    B = -(d * i - f * g),
    C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const inv: Mat3 = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d];
  return inv.map((v) => v / det) as Mat3;
}

export interface LatticeSample {
  x: number;
  y: number;
  lattice: ThreadLattice;
}

/**
 * H (photo px → threads) with H(cx, cy) = (0, 0), least squares over the samples' Jacobians:
 * parameters p = [h11 h12 h21 h22 g1 g2] in coordinates centred on (cx, cy) and scaled by `s`.
 */
export function fitPlane(samples: LatticeSample[], cx: number, cy: number, perspective: boolean): Mat3 {
  const s = 1 / 1000;
  // Observed Jacobians in threads per scaled unit.
  const obs = samples.map((q) => ({
    x: (q.x - cx) * s,
    y: (q.y - cy) * s,
    J: [q.lattice.a[0] / s, q.lattice.a[1] / s, q.lattice.b[0] / s, q.lattice.b[1] / s],
    wt: Math.sqrt(q.lattice.strength),
  }));
  const mean = [0, 0, 0, 0];
  let wsum = 0;
  for (const o of obs) {
    for (let k = 0; k < 4; k++) mean[k] += o.J[k] * o.wt;
    wsum += o.wt;
  }
  const p = Float64Array.of(...mean.map((v) => v / wsum), 0, 0);
  const nPar = perspective ? 6 : 4;
  const scaleJ = Math.hypot(p[0], p[1], p[2], p[3]);
  // Gauss-Newton with numeric derivatives; residuals relative to the lattice's size. The normal
  // equations are summed as each sample's four rows come (no arrays made per sample: this runs a
  // few thousand times a photo, mostly before V8 has compiled it).
  const J0 = new Float64Array(4),
    J1 = new Float64Array(4),
    pk = new Float64Array(6),
    d = new Float64Array(6 * 4),
    row = new Float64Array(6);
  for (let iter = 0; iter < 12; iter++) {
    const M = Array.from({ length: nPar }, () => new Float64Array(nPar));
    const r = new Float64Array(nPar);
    for (const o of obs) {
      planeJacobian(p, o.x, o.y, J0);
      for (let k = 0; k < nPar; k++) {
        const h = k < 4 ? 1e-6 * scaleJ : 1e-6;
        pk.set(p);
        pk[k] += h;
        planeJacobian(pk, o.x, o.y, J1);
        for (let i = 0; i < 4; i++) d[k * 4 + i] = (J1[i] - J0[i]) / h;
      }
      for (let i = 0; i < 4; i++) {
        for (let k = 0; k < nPar; k++) row[k] = d[k * 4 + i] / scaleJ;
        const res = (o.J[i] - J0[i]) / scaleJ;
        for (let a = 0; a < nPar; a++) {
          r[a] += row[a] * res * o.wt;
          for (let b = 0; b < nPar; b++) M[a][b] += row[a] * row[b] * o.wt;
        }
      }
    }
    for (let a = 0; a < nPar; a++) M[a][a] *= 1 + 1e-6;
    const step = solve(M, r);
    if (!step) break;
    let change = 0;
    for (let k = 0; k < nPar; k++) {
      p[k] += step[k];
      change += Math.abs(step[k]) / (k < 4 ? scaleJ : 1);
    }
    if (change < 1e-9) break;
  }
  // Back to photo px: x' = (X − cx) s.
  const [h11, h12, h21, h22, g1, g2] = p;
  return [h11 * s, h12 * s, -(h11 * cx + h12 * cy) * s, h21 * s, h22 * s, -(h21 * cx + h22 * cy) * s, g1 * s, g2 * s, 1 - (g1 * cx + g2 * cy) * s];
}

/**
 * The Jacobian of (u, v) = ((h11 x + h12 y) / w, (h21 x + h22 y) / w), w = 1 + g1 x + g2 y, at (x, y)
 * (centred, scaled coordinates), for p = [h11 h12 h21 h22 g1 g2]: into out, row-major.
 */
function planeJacobian(p: Float64Array, x: number, y: number, out: Float64Array): void {
  const w = 1 + p[4] * x + p[5] * y;
  const u = (p[0] * x + p[1] * y) / w,
    v = (p[2] * x + p[3] * y) / w;
  out[0] = (p[0] - u * p[4]) / w;
  out[1] = (p[1] - u * p[5]) / w;
  out[2] = (p[2] - v * p[4]) / w;
  out[3] = (p[3] - v * p[5]) / w;
}

export function solve(M: ArrayLike<number>[] | Float64Array[], r: ArrayLike<number>): Float64Array | null {
  const n = r.length;
  const A = Array.from({ length: n }, (_, i) => [...Array.from(M[i] as ArrayLike<number>), r[i]]);
  for (let i = 0; i < n; i++) {
    let piv = i;
    for (let k = i + 1; k < n; k++) if (Math.abs(A[k][i]) > Math.abs(A[piv][i])) piv = k;
    if (Math.abs(A[piv][i]) < 1e-15) return null;
    [A[i], A[piv]] = [A[piv], A[i]];
    for (let k = i + 1; k < n; k++) {
      const f = A[k][i] / A[i][i];
      for (let j = i; j <= n; j++) A[k][j] -= f * A[i][j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let acc = A[i][n];
    for (let j = i + 1; j < n; j++) acc -= A[i][j] * x[j];
    x[i] = acc / A[i][i];
  }
  return x;
}
