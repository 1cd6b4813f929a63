/**
 * Radix-2 FFTs over Float64Arrays (separate real and imaginary parts), allocation free per call,
 * for the 256² spectra the cloth-photo analysis takes of its patches. A patch is real, so its
 * spectrum is Hermitian: rows go through the FFT two at a time (one as the real part, one as the
 * imaginary), only the non-negative half of the columns is transformed, contiguously, and the other
 * half of the power spectrum is its mirror — a quarter of the work of a complex 2-D FFT.
 */

const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tablesFor(n: number) {
  let t = twiddles.get(n);
  if (t) return t;
  if (n < 2 || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${n}`);
  const cos = new Float64Array(n / 2),
    sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = -Math.sin((2 * Math.PI * i) / n);
  }
  const bits = Math.log2(n);
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  t = { cos, sin, rev };
  twiddles.set(n, t);
  return t;
}

/** Forward FFT of n samples read with a stride (so columns can be done in place). */
export function fft1(re: Float64Array, im: Float64Array, offset: number, stride: number, n: number): void {
  const { cos, sin, rev } = tablesFor(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = offset + i * stride,
        b = offset + j * stride;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1,
      step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const c = cos[k * step],
          s = sin[k * step];
        const a = offset + (start + k) * stride,
          b = a + half * stride;
        const xr = re[b] * c - im[b] * s,
          xi = re[b] * s + im[b] * c;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** Forward 2-D FFT of an n×n complex image, row-major, in place. */
export function fft2(re: Float64Array, im: Float64Array, n: number): void {
  for (let y = 0; y < n; y++) fft1(re, im, y * n, 1, n);
  for (let x = 0; x < n; x++) fft1(re, im, x, n, n);
}

/**
 * The same forward FFT for contiguous samples, two radix-2 stages per pass over the data (each
 * group of four points goes through both in registers): half the loads and stores.
 */
export function fftContiguous(re: Float64Array, im: Float64Array, offset: number, n: number): void {
  const { rev } = tablesFor(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = offset + i,
        b = offset + j;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  butterflies(re, im, offset, n);
}

/**
 * The butterflies of fftContiguous, for samples already in bit-reversed order (powerSpectrumReal
 * writes them so as it copies them in, and saves the reordering pass).
 */
function butterflies(re: Float64Array, im: Float64Array, offset: number, n: number): void {
  const { cos, sin } = tablesFor(n);
  let s = 1; // half-size of the first stage of the pair
  if (n >= 4) {
    // The first pair of stages has only the trivial twiddles (1 and −i): sums and differences.
    for (let a = offset, end = offset + n; a < end; a += 4) {
      const b = a + 1,
        c = a + 2,
        d = a + 3;
      const a1r = re[a] + re[b],
        a1i = im[a] + im[b],
        b1r = re[a] - re[b],
        b1i = im[a] - im[b];
      const c1r = re[c] + re[d],
        c1i = im[c] + im[d],
        d1r = re[c] - re[d],
        d1i = im[c] - im[d];
      re[a] = a1r + c1r;
      im[a] = a1i + c1i;
      re[c] = a1r - c1r;
      im[c] = a1i - c1i;
      re[b] = b1r + d1i;
      im[b] = b1i - d1r;
      re[d] = b1r - d1i;
      im[d] = b1i + d1r;
    }
    s = 4;
  }
  for (; 4 * s <= n; s *= 4) {
    const step2 = n / (2 * s),
      step4 = n / (4 * s);
    for (let start = 0; start < n; start += 4 * s) {
      for (let k = 0; k < s; k++) {
        const a = offset + start + k,
          b = a + s,
          c = b + s,
          d = c + s;
        // Stage of size 2s: (a, b) and (c, d), twiddle w_2s^k.
        const c2 = cos[k * step2],
          s2 = sin[k * step2];
        const br = re[b] * c2 - im[b] * s2,
          bi = re[b] * s2 + im[b] * c2;
        const dr = re[d] * c2 - im[d] * s2,
          di = re[d] * s2 + im[d] * c2;
        const a1r = re[a] + br,
          a1i = im[a] + bi,
          b1r = re[a] - br,
          b1i = im[a] - bi;
        const c1r = re[c] + dr,
          c1i = im[c] + di,
          d1r = re[c] - dr,
          d1i = im[c] - di;
        // Stage of size 4s: (a, c) with w_4s^k, (b, d) with w_4s^(k+s) = −i·w_4s^k.
        const c4 = cos[k * step4],
          s4 = sin[k * step4];
        const xr = c1r * c4 - c1i * s4,
          xi = c1r * s4 + c1i * c4;
        const yr = d1r * c4 - d1i * s4,
          yi = d1r * s4 + d1i * c4;
        re[a] = a1r + xr;
        im[a] = a1i + xi;
        re[c] = a1r - xr;
        im[c] = a1i - xi;
        // −i·(yr + i·yi) = yi − i·yr
        re[b] = b1r + yi;
        im[b] = b1i - yr;
        re[d] = b1r - yi;
        im[d] = b1i + yr;
      }
    }
  }
  // n an odd power of two: one radix-2 stage is left.
  if (s < n) {
    const step = n / (2 * s);
    for (let start = 0; start < n; start += 2 * s)
      for (let k = 0; k < s; k++) {
        const a = offset + start + k,
          b = a + s;
        const c = cos[k * step],
          sn = sin[k * step];
        const xr = re[b] * c - im[b] * sn,
          xi = re[b] * sn + im[b] * c;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
  }
}

const scratch = new Map<number, { rowRe: Float64Array; rowIm: Float64Array; colRe: Float64Array; colIm: Float64Array }>();

/**
 * floor + |F|² of the 2-D spectrum of a real n×n image (row-major), written row-major into `out`
 * (bin (fx, fy) at fy·n + fx, negative frequencies wrapped, as fft2 lays them out). The floor keeps
 * its logarithm finite.
 */
export function powerSpectrumReal(src: Float64Array, n: number, out: Float64Array, floor = 1e-9): void {
  tablesFor(n);
  const half = n >> 1,
    cols = half + 1;
  let s = scratch.get(n);
  if (!s) {
    s = { rowRe: new Float64Array(n), rowIm: new Float64Array(n), colRe: new Float64Array(cols * n), colIm: new Float64Array(cols * n) };
    scratch.set(n, s);
  }
  const { rowRe, rowIm, colRe, colIm } = s;
  const { rev } = tablesFor(n);
  // Rows two at a time: z = a + i·b, then A(k) = (Z(k) + Z*(n−k))/2, B(k) = (Z(k) − Z*(n−k))/2i.
  // Stored column-major (column k holds every row's bin k), so the column pass is contiguous. Both
  // passes take their samples in bit-reversed order: each row is copied in so, and each row's bins
  // go to its bit-reversed place down the columns (the same numbers as reordering after).
  for (let y = 0; y < n; y += 2) {
    const r0 = y * n,
      r1 = r0 + n;
    for (let x = 0; x < n; x++) {
      const j = rev[x];
      rowRe[j] = src[r0 + x];
      rowIm[j] = src[r1 + x];
    }
    butterflies(rowRe, rowIm, 0, n);
    const ya = rev[y],
      yb = rev[y + 1];
    for (let k = 0; k < cols; k++) {
      const nk = (n - k) & (n - 1);
      const zr = rowRe[k],
        zi = rowIm[k],
        wr = rowRe[nk],
        wi = rowIm[nk];
      const c = k * n;
      colRe[c + ya] = 0.5 * (zr + wr);
      colIm[c + ya] = 0.5 * (zi - wi);
      colRe[c + yb] = 0.5 * (zi + wi);
      colIm[c + yb] = -0.5 * (zr - wr);
    }
  }
  for (let k = 0; k < cols; k++) butterflies(colRe, colIm, k * n, n);
  // Row by row of the output (its writes in order; the reads stride down the columns).
  for (let fy = 0; fy < n; fy++) {
    const row = fy * n;
    for (let k = 0, c = fy; k < cols; k++, c += n) {
      const re = colRe[c],
        im = colIm[c];
      out[row + k] = floor + re * re + im * im;
    }
  }
  // F(−fx, −fy) = F*(fx, fy): the other half is the mirror.
  for (let fy = 0; fy < n; fy++) {
    const row = fy * n,
      mirror = ((n - fy) & (n - 1)) * n;
    for (let fx = cols; fx < n; fx++) out[row + fx] = out[mirror + n - fx];
  }
}
