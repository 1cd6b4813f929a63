/**
 * The tooth of a trim's cloth (shirt, tie) where its yarns are finer than the pixels: a tile of
 * smooth noise that repeats without a seam, drawn into the surroundings as a pattern of shade.
 *
 * Why an image: librsvg computes an feTurbulence anew wherever it is drawn. On a 1024×1536 drawing
 * a pattern tile of it cost some 6 ms for each trim filled with it, a filter over the trim itself
 * 50 ms; the same tile as a small PNG drawn through a symbol costs about half a millisecond a trim.
 */
import { crc32, deflateSync } from 'node:zlib';

/** The tile's side (px) and the lattice of its coarser octave (px per cell; the finer is half). */
export const TOOTH_TILE_PX = 128;
export const TOOTH_CELL_PX = 4;

/** A lattice value in 0..1, the same for every (i, j) modulo the period: a hash, so no table to keep. */
function lattice(i: number, j: number, period: number, seed: number): number {
  const x = ((i % period) + period) % period;
  const y = ((j % period) + period) % period;
  let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(seed, 2246822519);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967295;
}

/** Value noise at (x, y) px on cells of `cell` px, smoothly interpolated, periodic over the tile. */
function valueNoise(x: number, y: number, cell: number, seed: number): number {
  const period = TOOTH_TILE_PX / cell;
  const [u, v] = [x / cell, y / cell];
  const [i, j] = [Math.floor(u), Math.floor(v)];
  const s = (t: number) => t * t * (3 - 2 * t);
  const [fx, fy] = [s(u - i), s(v - j)];
  const a = lattice(i, j, period, seed) * (1 - fx) + lattice(i + 1, j, period, seed) * fx;
  const b = lattice(i, j + 1, period, seed) * (1 - fx) + lattice(i + 1, j + 1, period, seed) * fx;
  return a * (1 - fy) + b * fy;
}

/**
 * The tile's alpha (0..255), row by row: shade where two octaves of noise fall below their middle,
 * none above it, so about half the cloth keeps its lit colour; at full strength where the noise is
 * lowest (the trim's depth of shade is its opacity).
 */
export function toothAlpha(seed: number): Uint8Array {
  const n = TOOTH_TILE_PX;
  const out = new Uint8Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      // Sampled at pixel centres; the octaves weighted 2:1, as a fractal noise's are.
      const v = (2 * valueNoise(x + 0.5, y + 0.5, TOOTH_CELL_PX, seed) + valueNoise(x + 0.5, y + 0.5, TOOTH_CELL_PX / 2, seed + 1)) / 3;
      // Value noise of two octaves spreads over some ±0.3 about its middle: that is full shade.
      out[y * n + x] = Math.round(255 * Math.min(1, Math.max(0, (0.5 - v) / 0.3)));
    }
  return out;
}

/** A PNG (black, 8-bit grey and alpha) of an alpha plane n×n. */
export function blackWithAlphaPng(alpha: Uint8Array, n: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(n, 0);
  header.writeUInt32BE(n, 4);
  header.set([8, 4, 0, 0, 0], 8);
  // Each row: filter type 0, then (grey 0, alpha) per pixel.
  const raw = Buffer.alloc(n * (1 + 2 * n));
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) raw[y * (1 + 2 * n) + 1 + 2 * x + 1] = alpha[y * n + x]!;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let tile: string | undefined;
/** The tile as a data URI, made once per process. */
export function toothTileUri(): string {
  tile ??= `data:image/png;base64,${blackWithAlphaPng(toothAlpha(7), TOOTH_TILE_PX).toString('base64')}`;
  return tile;
}
