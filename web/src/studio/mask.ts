/**
 * The garment mask of a client photo, at the photo's full resolution: one byte a pixel, 255 inside
 * (white = garment, or white = fill in "remove object"), 0 outside, as the server reads the PNG. Pure
 * functions that change a mask in place and say which rectangle changed (for undo and for redrawing
 * only what moved).
 */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const ON = 255;
export const OFF = 0;

export function createMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

/** A mask from RGBA pixels (a decoded PNG): a pixel is in when it is brighter than mid-grey. */
export function maskFromRgba(rgba: ArrayLike<number>, width: number, height: number): Mask {
  const mask = createMask(width, height);
  for (let i = 0, p = 0; i < mask.data.length; i++, p += 4) {
    // Luma of the pixel, weighted by its alpha: a transparent PNG pixel is outside.
    const luma = (rgba[p]! * 54 + rgba[p + 1]! * 183 + rgba[p + 2]! * 19) >> 8;
    mask.data[i] = (luma * rgba[p + 3]!) / 255 >= 128 ? ON : OFF;
  }
  return mask;
}

/** Opaque black and white RGBA, the PNG the server reads. */
export function maskToRgba(mask: Mask): Uint8ClampedArray {
  const out = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0, p = 0; i < mask.data.length; i++, p += 4) {
    const v = mask.data[i]!;
    out[p] = v;
    out[p + 1] = v;
    out[p + 2] = v;
    out[p + 3] = 255;
  }
  return out;
}

export const fullRect = (mask: Mask): Rect => ({ x: 0, y: 0, w: mask.width, h: mask.height });

export function unionRect(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** A filled disc of radius `r` (image pixels) centred on (cx, cy); pixels whose centre lies inside. */
export function stampDisc(mask: Mask, cx: number, cy: number, r: number, value: number): Rect | null {
  const { width, height, data } = mask;
  const radius = Math.max(0.5, r);
  const y0 = Math.max(0, Math.ceil(cy - radius - 0.5));
  const y1 = Math.min(height - 1, Math.floor(cy + radius - 0.5));
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    const half = Math.sqrt(radius * radius - dy * dy);
    const x0 = Math.max(0, Math.ceil(cx - half - 0.5));
    const x1 = Math.min(width - 1, Math.floor(cx + half - 0.5));
    if (x1 < x0) continue;
    data.fill(value, y * width + x0, y * width + x1 + 1);
    if (x0 < minX) minX = x0;
    if (x1 > maxX) maxX = x1;
    if (y < minY) minY = y;
    maxY = y;
  }
  return maxX < minX ? null : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}

/**
 * A brush stroke from one pointer sample to the next: discs close enough together that a fast
 * finger leaves a solid line, not beads.
 */
export function stampSegment(mask: Mask, x0: number, y0: number, x1: number, y1: number, r: number, value: number): Rect | null {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const step = Math.max(0.5, r / 4);
  const n = Math.max(1, Math.ceil(length / step));
  let changed: Rect | null = null;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    changed = unionRect(changed, stampDisc(mask, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r, value));
  }
  return changed;
}

/** Sets every pixel of `region` (255 = in) to `value`. */
export function applyRegion(mask: Mask, region: Uint8Array, bounds: Rect, value: number): Rect {
  const { width, data } = mask;
  for (let y = bounds.y; y < bounds.y + bounds.h; y++) {
    for (let i = y * width + bounds.x, end = i + bounds.w; i < end; i++) if (region[i]) data[i] = value;
  }
  return bounds;
}

export function invertMask(mask: Mask): Rect {
  const { data } = mask;
  for (let i = 0; i < data.length; i++) data[i] = data[i] ? OFF : ON;
  return fullRect(mask);
}

export function clearMask(mask: Mask): Rect {
  mask.data.fill(OFF);
  return fullRect(mask);
}

/** The share of the photo inside the mask, 0..1. */
export function coverage(mask: Mask): number {
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) n++;
  return n / mask.data.length;
}

/**
 * A suggested outline this small found no garment (a suit the wall's very colour: the assist's flood
 * takes it for wall and leaves a few specks): the associate is told to paint, not to correct it.
 * A suit standing in the frame covers a fifth of it and more; a cropped detail, more still.
 */
const MIN_SUGGESTED_COVERAGE = 0.01;

/** Whether a suggested outline found a garment at all (see MIN_SUGGESTED_COVERAGE). */
export function foundGarment(mask: Mask): boolean {
  return coverage(mask) >= MIN_SUGGESTED_COVERAGE;
}

/** Copies the pixels of `rect` out of a mask-sized buffer. */
export function readRect(data: Uint8Array, width: number, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.w * rect.h);
  for (let row = 0; row < rect.h; row++) {
    const from = (rect.y + row) * width + rect.x;
    out.set(data.subarray(from, from + rect.w), row * rect.w);
  }
  return out;
}

export function writeRect(data: Uint8Array, width: number, rect: Rect, pixels: Uint8Array): void {
  for (let row = 0; row < rect.h; row++) data.set(pixels.subarray(row * rect.w, (row + 1) * rect.w), (rect.y + row) * width + rect.x);
}
