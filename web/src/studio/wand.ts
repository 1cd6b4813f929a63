import { linearToLab, SRGB8_TO_LINEAR } from '../../../src/fabrics/color.ts';
import type { Rect } from './mask.ts';

export interface Region {
  /** 255 where selected, photo-sized. */
  data: Uint8Array;
  bounds: Rect;
  count: number;
}

/**
 * The "magic wand": the connected region (4-neighbours) around (x, y) whose colour is within
 * `tolerance` ΔE (CIE76, in Lab, so a tolerance means the same to the eye in dark navy as in
 * light grey) of the tapped pixel. A scanline fill: each run of a row is checked once.
 */
export function floodRegion(rgba: ArrayLike<number>, width: number, height: number, x: number, y: number, tolerance: number): Region | null {
  const sx = Math.floor(x);
  const sy = Math.floor(y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return null;
  const labAt = (i: number) => {
    const p = i * 4;
    return linearToLab([SRGB8_TO_LINEAR[rgba[p]!]!, SRGB8_TO_LINEAR[rgba[p + 1]!]!, SRGB8_TO_LINEAR[rgba[p + 2]!]!]);
  };
  const seed = labAt(sy * width + sx);
  const limit = tolerance * tolerance;
  // 0 unvisited, 1 rejected, 255 selected. Colours seen are memoised: photos repeat them.
  const data = new Uint8Array(width * height);
  // One byte per possible 24-bit colour (16 MB, zeroed by the engine at once): 1 similar, 2 not.
  const seen = new Uint8Array(1 << 24);
  const similar = (i: number) => {
    const p = i * 4;
    const key = (rgba[p]! << 16) | (rgba[p + 1]! << 8) | rgba[p + 2]!;
    const known = seen[key];
    if (known) return known === 1;
    const lab = labAt(i);
    const dl = lab[0] - seed[0];
    const da = lab[1] - seed[1];
    const db = lab[2] - seed[2];
    const ok = dl * dl + da * da + db * db <= limit;
    seen[key] = ok ? 1 : 2;
    return ok;
  };
  const take = (i: number) => {
    if (data[i]) return false;
    if (similar(i)) {
      data[i] = 255;
      return true;
    }
    data[i] = 1;
    return false;
  };

  let minX = sx;
  let maxX = sx;
  let minY = sy;
  let maxY = sy;
  let count = 0;
  const stack: number[] = [sx, sy];
  while (stack.length) {
    const py = stack.pop()!;
    const px = stack.pop()!;
    const row = py * width;
    if (!take(row + px)) continue;
    // Extend the run left and right.
    let l = px;
    while (l > 0 && take(row + l - 1)) l--;
    let r = px;
    while (r < width - 1 && take(row + r + 1)) r++;
    count += r - l + 1;
    if (l < minX) minX = l;
    if (r > maxX) maxX = r;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
    // Seed the rows above and below: one seed per run of similar pixels.
    for (const ny of [py - 1, py + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let inRun = false;
      for (let nx = l; nx <= r; nx++) {
        const i = nrow + nx;
        const ok = data[i] === 0 ? similar(i) : false;
        if (ok && !inRun) {
          stack.push(nx, ny);
          inRun = true;
        } else if (!ok) inRun = false;
      }
    }
  }
  // Rejected marks were bookkeeping only (they lie at most one pixel outside the region's bounds).
  const x0 = Math.max(0, minX - 1);
  const x1 = Math.min(width - 1, maxX + 1);
  for (let yy = Math.max(0, minY - 1); yy <= Math.min(height - 1, maxY + 1); yy++) {
    for (let i = yy * width + x0, end = yy * width + x1; i <= end; i++) if (data[i] === 1) data[i] = 0;
  }
  return { data, bounds: { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 }, count };
}
