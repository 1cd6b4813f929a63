/** Small image operations on Float32 planes, used once per template load (never per render). */

/**
 * One horizontal + vertical box pass of radius r (ry vertically), within the rectangle [x0,x1)×[y0,y1),
 * edges clamped. Both passes walk memory in raster order (the vertical one keeps a row of running
 * sums), with no per-pixel clamping: a full frame costs a few milliseconds whatever the radius.
 */
function boxPass(
  src: Float32Array,
  dst: Float32Array,
  w: number,
  r: number,
  ry: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  tmp: Float32Array,
  pad: Float64Array,
  acc: Float64Array,
): void {
  const L = x1 - x0;
  const inv = 1 / (2 * r + 1);
  const span = 2 * r + 1;
  if (r === 0) {
    for (let y = y0; y < y1; y++) tmp.set(src.subarray(y * w + x0, y * w + x1), y * w + x0);
  } else if (L > 2 * r + 2) {
    // The running sum over the row with r clamped pixels either side: the same additions, in the same
    // order, as over a padded copy of the row (the `pad` branch below), read from the row itself
    // (the copy was most of the pass). Only the ends see clamped pixels.
    for (let y = y0; y < y1; y++) {
      const row = y * w + x0;
      const first = src[row];
      const last = src[row + L - 1];
      let a = 0;
      for (let j = 0; j < r; j++) a += first;
      for (let j = 0; j <= r; j++) a += src[row + j];
      // x < r: the pixel leaving is clamped to the first.
      for (let x = 0; x < r; x++) {
        tmp[row + x] = a * inv;
        a += src[row + x + r + 1] - first;
      }
      // Neither end clamped.
      const e = L - r - 1;
      for (let x = r; x < e; x++) {
        tmp[row + x] = a * inv;
        a += src[row + x + r + 1] - src[row + x - r];
      }
      // The pixel entering is clamped to the last.
      for (let x = e; x < L; x++) {
        tmp[row + x] = a * inv;
        a += last - src[row + x - r];
      }
    }
  } else
    for (let y = y0; y < y1; y++) {
      const row = y * w + x0;
      // The row with r clamped pixels either side, so the running sum needs no bounds.
      const first = src[row];
      const last = src[row + L - 1];
      for (let j = 0; j < r; j++) pad[j] = first;
      for (let x = 0; x < L; x++) pad[r + x] = src[row + x];
      for (let j = 0; j <= r; j++) pad[r + L + j] = last;
      let a = 0;
      for (let j = 0; j < span; j++) a += pad[j];
      for (let x = 0; x < L; x++) {
        tmp[row + x] = a * inv;
        a += pad[x + span] - pad[x];
      }
    }
  if (ry === 0) {
    for (let y = y0; y < y1; y++) dst.set(tmp.subarray(y * w + x0, y * w + x1), y * w + x0);
    return;
  }
  const invY = 1 / (2 * ry + 1);
  acc.fill(0, 0, L);
  for (let k = -ry; k <= ry; k++) {
    const row = Math.min(y1 - 1, Math.max(y0, y0 + k)) * w + x0;
    for (let x = 0; x < L; x++) acc[x] += tmp[row + x];
  }
  for (let y = y0; y < y1; y++) {
    const out = y * w + x0;
    const add = Math.min(y1 - 1, y + ry + 1) * w + x0;
    const sub = Math.max(y0, y - ry) * w + x0;
    for (let x = 0; x < L; x++) {
      dst[out + x] = acc[x] * invY;
      acc[x] += tmp[add + x] - tmp[sub + x];
    }
  }
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Radius of each of the three box passes that approximate a Gaussian of `sigma` (0: no blur). */
export function boxRadius(sigma: number): number {
  if (sigma <= 0.3) return 0;
  return Math.max(1, Math.round(Math.sqrt((12 * sigma * sigma) / 3 + 1) / 2 - 0.5));
}

/**
 * Approximate Gaussian blur (three box passes) of a plane, optionally restricted to a rectangle (pixels
 * outside it are copied); `sigmaY` makes it anisotropic.
 */
export function blur(src: Float32Array, w: number, h: number, sigma: number, rect?: Rect, sigmaY = sigma): Float32Array {
  const out = new Float32Array(src);
  if (sigma <= 0.3 && sigmaY <= 0.3) return out;
  const r = boxRadius(sigma);
  const ry = boxRadius(sigmaY);
  const R = rect ?? { x0: 0, y0: 0, x1: w, y1: h };
  if (R.x1 <= R.x0 || R.y1 <= R.y0) return out;
  const tmp = new Float32Array(src.length);
  const b = new Float32Array(src);
  const pad = new Float64Array(R.x1 - R.x0 + 2 * r + 2);
  const acc = new Float64Array(R.x1 - R.x0);
  boxPass(out, b, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp, pad, acc);
  boxPass(b, out, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp, pad, acc);
  boxPass(out, b, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp, pad, acc);
  return b;
}

/**
 * `blur`, computed only where the plane is not uniform: tile by tile, each with the margin the three
 * passes reach, and uniform neighbourhoods (a mask's inside and outside) given their blurred value at
 * once. The same numbers as `blur` for planes whose box sums are exact in double precision (so that
 * a running sum has no history: 8-bit masks and photo values over 255 are), as every pixel's value
 * then depends only on its neighbourhood. Much faster on a mask: only its edges are worked.
 */
export function blurWhereNeeded(src: Float32Array, w: number, h: number, sigma: number, tileCells = 16): Float32Array {
  const r = boxRadius(sigma);
  if (r === 0) return new Float32Array(src);
  const margin = 3 * r;
  // Statistics per cell as wide as the margin: a tile's neighbourhood is its cells and one ring more.
  const cell = Math.max(4, margin);
  const tile = cell * tileCells;
  const cw = Math.ceil(w / cell);
  const ch = Math.ceil(h / cell);
  const lo = new Float32Array(cw * ch).fill(Infinity);
  const hi = new Float32Array(cw * ch).fill(-Infinity);
  for (let y = 0; y < h; y++) {
    const crow = ((y / cell) | 0) * cw;
    for (let cx = 0; cx < cw; cx++) {
      let a = lo[crow + cx];
      let b = hi[crow + cx];
      const end = y * w + Math.min(w, (cx + 1) * cell);
      for (let i = y * w + cx * cell; i < end; i++) {
        const v = src[i];
        if (v < a) a = v;
        if (v > b) b = v;
      }
      lo[crow + cx] = a;
      hi[crow + cx] = b;
    }
  }
  const out = new Float32Array(w * h);
  const constants = new Map<number, number>();
  const tw = Math.ceil(w / tile);
  const th = Math.ceil(h / tile);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const x0 = tx * tile;
      const y0 = ty * tile;
      const x1 = Math.min(w, x0 + tile);
      const y1 = Math.min(h, y0 + tile);
      let nlo = Infinity;
      let nhi = -Infinity;
      const cx0 = Math.max(0, x0 / cell - 1);
      const cy0 = Math.max(0, y0 / cell - 1);
      const cx1 = Math.min(cw - 1, Math.ceil(x1 / cell));
      const cy1 = Math.min(ch - 1, Math.ceil(y1 / cell));
      for (let j = cy0; j <= cy1; j++) {
        for (let i = cx0; i <= cx1; i++) {
          if (lo[j * cw + i] < nlo) nlo = lo[j * cw + i];
          if (hi[j * cw + i] > nhi) nhi = hi[j * cw + i];
        }
      }
      if (nlo === nhi) {
        let v = constants.get(nlo);
        if (v === undefined) {
          const k = 2 * margin + 1;
          v = blur(new Float32Array(k * k).fill(nlo), k, k, sigma)[margin * k + margin];
          constants.set(nlo, v);
        }
        if (v !== 0) for (let y = y0; y < y1; y++) out.fill(v, y * w + x0, y * w + x1);
        continue;
      }
      // The tile and its margin (clamped where the plane ends, as `blur` clamps), blurred alone.
      const bx0 = Math.max(0, x0 - margin);
      const by0 = Math.max(0, y0 - margin);
      const bx1 = Math.min(w, x1 + margin);
      const by1 = Math.min(h, y1 + margin);
      const bw = bx1 - bx0;
      const bh = by1 - by0;
      const local = new Float32Array(bw * bh);
      for (let y = by0; y < by1; y++) local.set(src.subarray(y * w + bx0, y * w + bx1), (y - by0) * bw);
      const blurred = blur(local, bw, bh, sigma);
      for (let y = y0; y < y1; y++) out.set(blurred.subarray((y - by0) * bw + (x0 - bx0), (y - by0) * bw + (x1 - bx0)), y * w + x0);
    }
  }
  return out;
}

/** Bounding box of the non-zero pixels, padded and clamped. */
export function boundingRect(mask: Uint8Array, w: number, h: number, pad: number): Rect | undefined {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (mask[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  if (x1 < 0) return undefined;
  return {
    x0: Math.max(0, x0 - pad),
    y0: Math.max(0, y0 - pad),
    x1: Math.min(w, x1 + pad + 1),
    y1: Math.min(h, y1 + pad + 1),
  };
}
