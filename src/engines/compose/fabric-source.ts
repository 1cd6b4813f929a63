/**
 * Where the compose engine gets its cloth. Stand-in until src/fabrics lands: a flat ground with
 * box-filtered stripes, enough to exercise colour, grain and scale.
 */
import type { FabricSpec } from '../types.ts';

export interface ClothTile {
  width: number;
  height: number;
  rgb: Uint8Array;
  pxPerMm: number;
}

function parseHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export function generateCloth(spec: FabricSpec, pxPerMm: number): ClothTile {
  const [r, g, b] = parseHex(spec.hex);
  const striped = spec.design.pattern === 'pinstripe' || spec.design.pattern === 'chalkstripe';
  const repeat = spec.repeatMm ?? spec.design.repeatMm ?? 10;
  const width = striped ? Math.max(4, Math.round(repeat * pxPerMm * 8)) : 32;
  const periods = striped ? 8 : 1;
  const period = width / periods;
  const height = 32;
  const rgb = new Uint8Array(width * height * 3);
  const lineMm = spec.design.pattern === 'chalkstripe' ? 1.2 : 0.5;
  const linePx = lineMm * pxPerMm;
  for (let x = 0; x < width; x++) {
    // Coverage of the stripe over this pixel column (box filter: no aliasing at figure scale).
    const ph = x % period;
    const d = Math.min(ph, period - ph);
    const cov = striped ? Math.max(0, Math.min(1, linePx / 2 + 0.5 - d)) : 0;
    for (let y = 0; y < height; y++) {
      const i = (y * width + x) * 3;
      rgb[i] = Math.round(r + (235 - r) * cov * 0.8);
      rgb[i + 1] = Math.round(g + (235 - g) * cov * 0.8);
      rgb[i + 2] = Math.round(b + (235 - b) * cov * 0.8);
    }
  }
  return { width, height, rgb, pxPerMm };
}
