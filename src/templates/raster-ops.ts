/** Small image operations on Float32 planes, used once per template load (never per render). */

/** One horizontal + vertical box pass of radius r, within the rectangle [x0,x1)×[y0,y1). */
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
): void {
  const inv = 1 / (2 * r + 1);
  // Horizontal into tmp (edge pixels clamp).
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += src[row + Math.min(x1 - 1, Math.max(x0, x0 + k))];
    // The same running sum in three stretches, so that the long middle one needs no clamping.
    const a = Math.min(x1, x0 + r);
    const b = Math.max(a, x1 - r - 1);
    let x = x0;
    for (; x < a; x++) {
      tmp[row + x] = acc * inv;
      acc += src[row + Math.min(x1 - 1, x + r + 1)] - src[row + Math.max(x0, x - r)];
    }
    for (; x < b; x++) {
      tmp[row + x] = acc * inv;
      acc += src[row + x + r + 1] - src[row + x - r];
    }
    for (; x < x1; x++) {
      tmp[row + x] = acc * inv;
      acc += src[row + Math.min(x1 - 1, x + r + 1)] - src[row + Math.max(x0, x - r)];
    }
  }
  // Vertical into dst, row by row: one running sum per column, so memory is read in order (a
  // column-at-a-time walk strides a whole row per step and is several times slower on large planes).
  // Each column's sum sees the same additions in the same order as a column walk: identical results.
  const invY = 1 / (2 * ry + 1);
  const acc = new Float64Array(x1 - x0);
  for (let k = -ry; k <= ry; k++) {
    const row = Math.min(y1 - 1, Math.max(y0, y0 + k)) * w;
    for (let x = x0; x < x1; x++) acc[x - x0] += tmp[row + x];
  }
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    const add = Math.min(y1 - 1, y + ry + 1) * w;
    const sub = Math.max(y0, y - ry) * w;
    for (let x = x0; x < x1; x++) {
      const a = acc[x - x0];
      dst[row + x] = a * invY;
      acc[x - x0] = a + (tmp[add + x] - tmp[sub + x]);
    }
  }
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function boxRadius(sigma: number): number {
  if (sigma <= 0.3) return 0;
  return Math.max(1, Math.round(Math.sqrt((12 * sigma * sigma) / 3 + 1) / 2 - 0.5));
}

/**
 * Approximate Gaussian blur (three box passes) of a plane, optionally restricted to a rectangle;
 * `sigmaY` makes it anisotropic.
 */
export function blur(src: Float32Array, w: number, h: number, sigma: number, rect?: Rect, sigmaY = sigma): Float32Array {
  const out = new Float32Array(src);
  if (sigma <= 0.3 && sigmaY <= 0.3) return out;
  const r = boxRadius(sigma);
  const ry = boxRadius(sigmaY);
  const R = rect ?? { x0: 0, y0: 0, x1: w, y1: h };
  const tmp = new Float32Array(src.length);
  const a = out;
  const b = new Float32Array(src.length);
  boxPass(a, b, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp);
  boxPass(b, a, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp);
  boxPass(a, b, w, r, ry, R.x0, R.y0, R.x1, R.y1, tmp);
  return b;
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
