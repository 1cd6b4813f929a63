/**
 * Which part of the photo is the cloth the associate meant: the region around the middle of the
 * frame whose colours and fine texture belong to the same distribution as the middle's. Other
 * cloths, the floor and shoes have colours (or a texture) the middle lacks, so they score low and
 * are cut off; the connected region holding the centre is kept.
 */

export interface ClothMask {
  /** 1 = cloth, at the reduced size. */
  mask: Uint8Array;
  width: number;
  height: number;
  /** Fraction of the reduced frame that is cloth. */
  fraction: number;
  /** How far (reduced px) the mask's edge may stray past the cloth's: the scoring window's radius. */
  blur: number;
}

const LB = 16,
  AB = 16,
  BB = 16,
  TB = 4;

/** `rgb` is interleaved 8-bit sRGB at the reduced (detection) size. */
export function segmentCloth(rgb: Uint8Array, w: number, h: number): ClothMask {
  const n = w * h;
  // Each pass is a function of its own: V8 compiles a loop when it grows hot, and a long function
  // of many loops is compiled and thrown away again at each next loop (each is new to it).
  const bins = colourTextureBins(rgb, w, h);
  // The middle 40 % × 40 % of the frame is taken to be cloth: that is where a person points the phone.
  const x0 = Math.floor(w * 0.3),
    x1 = Math.ceil(w * 0.7),
    y0 = Math.floor(h * 0.3),
    y1 = Math.ceil(h * 0.7);
  const score = middleLikeness(bins, w, x0, x1, y0, y1);
  // Average over a window about a twentieth of the frame: a pattern's rarer yarn colours (an overcheck)
  // are carried by the common ones around them.
  const r = Math.max(2, Math.round(Math.min(w, h) / 24));
  const smooth = boxBlur(score, w, h, r);
  const ref = new Float32Array((y1 - y0) * (x1 - x0));
  for (let y = y0, q = 0; y < y1; y++, q += x1 - x0) ref.set(smooth.subarray(y * w + x0, y * w + x1), q);
  const threshold = 0.25 * kthSmallest(ref, Math.floor(ref.length * 0.1));
  const mask = atLeast(smooth, threshold);
  const kept = componentAt(mask, w, h, w >> 1, h >> 1);
  let on = 0;
  for (let p = 0; p < n; p++) on += kept[p];
  return { mask: kept, width: w, height: h, fraction: on / n, blur: r };
}

/**
 * Each px's bin: lightness in 16 steps, red−green in 16, and yellow−blue in quarter steps of 16
 * (clamped at 15) that share the texture step's two low bits — the packing the thresholds were
 * tuned with, kept exactly: (((L·16 + a)·16 + yb/16)·4 + t) truncated. Texture is the |Laplacian|
 * of luma, in four log steps.
 */
function colourTextureBins(rgb: Uint8Array, w: number, h: number): Uint32Array {
  const n = w * h;
  const bins = new Uint32Array(n);
  const luma = lumaOf(rgb, n);
  for (let y = 0; y < h; y++)
    for (let x = 0, p = y * w; x < w; x++, p++) {
      const r = rgb[p * 3],
        g = rgb[p * 3 + 1],
        b = rgb[p * 3 + 2];
      const L = Math.min(LB - 1, (luma[p] * LB) >> 8);
      const a = (r - g + 256) >> 5;
      const yb = Math.min(60, (((r + g - 2 * b) >> 2) + 128) >> 2);
      let lap = 0;
      if (x > 0 && y > 0 && x < w - 1 && y < h - 1) lap = Math.abs(4 * luma[p] - luma[p - 1] - luma[p + 1] - luma[p - w] - luma[p + w]);
      const t = lap < 3 ? 0 : lap < 9 ? 1 : lap < 27 ? 2 : 3;
      bins[p] = (L * AB + a) * BB * TB + yb + t;
    }
  return bins;
}

function lumaOf(rgb: Uint8Array, n: number): Float32Array {
  const luma = new Float32Array(n);
  for (let p = 0, s = 0; p < n; p++, s += 3) luma[p] = 0.299 * rgb[s] + 0.587 * rgb[s + 1] + 0.114 * rgb[s + 2];
  return luma;
}

/** How common each px's bin is in the middle box x0..x1 × y0..y1 (the fraction of it in that bin). */
function middleLikeness(bins: Uint32Array, w: number, x0: number, x1: number, y0: number, y1: number): Float32Array {
  const hist = new Float64Array(LB * AB * BB * TB);
  let cnt = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      hist[bins[y * w + x]]++;
      cnt++;
    }
  const n = bins.length;
  const score = new Float32Array(n);
  for (let p = 0; p < n; p++) score[p] = hist[bins[p]] / cnt;
  return score;
}

function atLeast(v: Float32Array, threshold: number): Uint8Array {
  const mask = new Uint8Array(v.length);
  for (let p = 0; p < v.length; p++) mask[p] = v[p] >= threshold ? 1 : 0;
  return mask;
}

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h),
    out = new Float32Array(w * h);
  boxRows(src, tmp, w, h, r);
  boxColumns(tmp, out, w, h, r);
  return out;
}

function boxRows(src: Float32Array, tmp: Float32Array, w: number, h: number, r: number): void {
  for (let y = 0; y < h; y++) {
    let acc = 0;
    const row = y * w;
    for (let x = -r; x <= r; x++) acc += src[row + Math.min(w - 1, Math.max(0, x))];
    for (let x = 0; x < w; x++) {
      tmp[row + x] = acc / (2 * r + 1);
      acc += src[row + Math.min(w - 1, x + r + 1)] - src[row + Math.max(0, x - r)];
    }
  }
}

function boxColumns(tmp: Float32Array, out: Float32Array, w: number, h: number, r: number): void {
  for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let y = -r; y <= r; y++) acc += tmp[Math.min(h - 1, Math.max(0, y)) * w + x];
    for (let y = 0; y < h; y++) {
      out[y * w + x] = acc / (2 * r + 1);
      acc += tmp[Math.min(h - 1, y + r + 1) * w + x] - tmp[Math.max(0, y - r) * w + x];
    }
  }
}

/** The k-th smallest value (0-based) of `a`, which is reordered (Hoare's selection). */
function kthSmallest(a: Float32Array, k: number): number {
  let lo = 0,
    hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps already-ordered runs from the quadratic case.
    const mid = (lo + hi) >> 1;
    const x = a[lo],
      y = a[mid],
      z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
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

/**
 * The 4-connected component of set pixels containing (sx, sy) (or the nearest set pixel to it), by
 * scanline fill: each run of a row is filled at once, and seeds the runs touching it above and below.
 */
function componentAt(mask: Uint8Array, w: number, h: number, sx: number, sy: number): Uint8Array {
  const out = new Uint8Array(w * h);
  let seed = sy * w + sx;
  if (!mask[seed]) {
    let best = Infinity;
    for (let p = 0; p < w * h; p++)
      if (mask[p]) {
        const d = ((p % w) - sx) ** 2 + (Math.floor(p / w) - sy) ** 2;
        if (d < best) [best, seed] = [d, p];
      }
    if (best === Infinity) return out;
  }
  // A px is pushed at most once from the row above and once from below.
  const stack = new Int32Array(2 * w * h + 2);
  let top = 0;
  stack[top++] = seed;
  while (top) {
    const p = stack[--top];
    if (out[p]) continue;
    const y = (p / w) | 0,
      row = y * w;
    let l = p,
      r = p;
    while (l > row && mask[l - 1] && !out[l - 1]) l--;
    while (r < row + w - 1 && mask[r + 1] && !out[r + 1]) r++;
    out.fill(1, l, r + 1);
    // One seed per run of unfilled set px in the rows above and below, over l..r.
    for (const q0 of [y > 0 ? l - w : -1, y < h - 1 ? l + w : -1]) {
      if (q0 < 0) continue;
      let inRun = false;
      for (let q = q0; q <= q0 + (r - l); q++) {
        const open = mask[q] === 1 && !out[q];
        if (open && !inRun) stack[top++] = q;
        inRun = open;
      }
    }
  }
  return out;
}
