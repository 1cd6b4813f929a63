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

const LB = 16, AB = 16, BB = 16, TB = 4;

/** `rgb` is interleaved 8-bit sRGB at the reduced (detection) size. */
export function segmentCloth(rgb: Uint8Array, w: number, h: number): ClothMask {
  const n = w * h;
  const bins = new Uint32Array(n);
  // Fine texture: |Laplacian| of luma, in four log steps.
  const luma = new Float32Array(n);
  for (let p = 0; p < n; p++) luma[p] = 0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
      const L = Math.min(LB - 1, (luma[p] * LB) >> 8);
      const a = Math.min(AB - 1, Math.max(0, Math.floor(((r - g) / 2 + 128) * AB / 256)));
      const bb = Math.min(BB - 1, Math.max(0, Math.floor(((r + g) / 2 - b) / 2 + 128) * BB / 256));
      let lap = 0;
      if (x > 0 && y > 0 && x < w - 1 && y < h - 1) lap = Math.abs(4 * luma[p] - luma[p - 1] - luma[p + 1] - luma[p - w] - luma[p + w]);
      const t = lap < 3 ? 0 : lap < 9 ? 1 : lap < 27 ? 2 : 3;
      bins[p] = ((L * AB + a) * BB + bb) * TB + t;
    }
  // The middle 40 % × 40 % of the frame is taken to be cloth: that is where a person points the phone.
  const hist = new Float64Array(LB * AB * BB * TB);
  const x0 = Math.floor(w * 0.3), x1 = Math.ceil(w * 0.7), y0 = Math.floor(h * 0.3), y1 = Math.ceil(h * 0.7);
  let cnt = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      hist[bins[y * w + x]]++;
      cnt++;
    }
  // Blur the histogram lightly along colour so near-identical shades count (lighting, noise).
  const score = new Float32Array(n);
  for (let p = 0; p < n; p++) score[p] = hist[bins[p]] / cnt;
  // Average over a window about a twentieth of the frame: a pattern's rarer yarn colours (an overcheck)
  // are carried by the common ones around them.
  const r = Math.max(2, Math.round(Math.min(w, h) / 24));
  const smooth = boxBlur(score, w, h, r);
  const ref = new Float32Array((y1 - y0) * (x1 - x0));
  let q = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ref[q++] = smooth[y * w + x];
  ref.sort();
  const threshold = 0.25 * ref[Math.floor(ref.length * 0.1)];
  const mask = new Uint8Array(n);
  for (let p = 0; p < n; p++) mask[p] = smooth[p] >= threshold ? 1 : 0;
  const kept = componentAt(mask, w, h, w >> 1, h >> 1);
  let on = 0;
  for (let p = 0; p < n; p++) on += kept[p];
  return { mask: kept, width: w, height: h, fraction: on / n, blur: r };
}

function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let acc = 0;
    const row = y * w;
    for (let x = -r; x <= r; x++) acc += src[row + Math.min(w - 1, Math.max(0, x))];
    for (let x = 0; x < w; x++) {
      tmp[row + x] = acc / (2 * r + 1);
      acc += src[row + Math.min(w - 1, x + r + 1)] - src[row + Math.max(0, x - r)];
    }
  }
  for (let x = 0; x < w; x++) {
    let acc = 0;
    for (let y = -r; y <= r; y++) acc += tmp[Math.min(h - 1, Math.max(0, y)) * w + x];
    for (let y = 0; y < h; y++) {
      out[y * w + x] = acc / (2 * r + 1);
      acc += tmp[Math.min(h - 1, y + r + 1) * w + x] - tmp[Math.max(0, y - r) * w + x];
    }
  }
  return out;
}

/** The 4-connected component of set pixels containing (sx, sy) (or the nearest set pixel to it). */
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
  const stack = new Int32Array(w * h);
  let top = 0;
  stack[top++] = seed;
  out[seed] = 1;
  while (top) {
    const p = stack[--top];
    const x = p % w, y = (p - x) / w;
    if (x > 0 && mask[p - 1] && !out[p - 1]) { out[p - 1] = 1; stack[top++] = p - 1; }
    if (x < w - 1 && mask[p + 1] && !out[p + 1]) { out[p + 1] = 1; stack[top++] = p + 1; }
    if (y > 0 && mask[p - w] && !out[p - w]) { out[p - w] = 1; stack[top++] = p - w; }
    if (y < h - 1 && mask[p + w] && !out[p + w]) { out[p + w] = 1; stack[top++] = p + w; }
  }
  return out;
}
