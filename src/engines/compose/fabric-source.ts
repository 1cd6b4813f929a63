/**
 * Where the compose engine gets its cloth: the fabrics module's procedural weaves and draped swatches.
 * Kept behind this seam so the renderer only sees a tile and its true scale.
 */
import { generateFabricTexture, textureKey } from '../../fabrics/index.ts';
import type { FabricSpec } from '../types.ts';

export interface ClothTile {
  width: number;
  height: number;
  /** Interleaved sRGB, seamlessly tileable. */
  rgb: Uint8Array;
  pxPerMm: number;
  /** Real size of the tile: width / widthMm is the exact scale (pixel rounding moves it < 0.5 %). */
  widthMm: number;
  heightMm: number;
}

export function generateCloth(spec: FabricSpec, pxPerMm: number): ClothTile {
  return generateFabricTexture(spec, pxPerMm);
}

export function clothKey(spec: FabricSpec, pxPerMm: number): string {
  return textureKey(spec, pxPerMm);
}
