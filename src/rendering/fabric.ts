/**
 * Fabric resolution, written once: a family, a colour, a photographed swatch or a colour's stored
 * tile become a FabricDescriptor (what determines the cloth's pixels, without pixels, hashed into the
 * render cache key), and a descriptor becomes what a render thread needs (ThreadFabric).
 */
import type { FabricColorRow, FabricFamilyRow, SwatchUploadRow } from '../db/schema.ts';
import type { FabricDesign } from '../engines/types.ts';

/** What determines a render's fabric, without pixels: hashed into the cache key. */
export interface FabricDescriptor {
  design: FabricDesign;
  hex: string;
  repeatMm?: number;
  swatch?: { uploadId: string; key: string; sha256: string; widthMm: number };
  /** A colour whose cloth is a photographed swatch, already made into a tile by the admin console. */
  tile?: { key: string; widthMm: number };
}

/** Console previews may try a design, hex or repeat before it is saved. */
export interface FabricOverrides {
  design?: FabricDesign;
  hex?: string;
  repeatMm?: number;
  /** `null`: the procedural cloth even when the colour has a swatch tile. */
  tile?: null;
}

export function fabricDescriptor(
  family: Pick<FabricFamilyRow, 'design'>,
  color: Pick<FabricColorRow, 'hex' | 'repeat_mm' | 'swatch_key' | 'swatch_width_mm'> | undefined,
  swatch: Pick<SwatchUploadRow, 'id' | 'storage_key' | 'sha256' | 'width_mm' | 'mean_hex'> | undefined,
  overrides: FabricOverrides = {},
): FabricDescriptor {
  const repeat = overrides.repeatMm ?? (color?.repeat_mm != null ? Number(color.repeat_mm) : undefined);
  return {
    design: overrides.design ?? (family.design as FabricDesign),
    hex: overrides.hex ?? color?.hex ?? swatch?.mean_hex ?? '#808080',
    repeatMm: repeat,
    swatch: swatch ? { uploadId: swatch.id, key: swatch.storage_key, sha256: swatch.sha256, widthMm: Number(swatch.width_mm) } : undefined,
    // Tile keys name their content (hash and width), so the key itself identifies the pixels.
    tile: !swatch && overrides.tile !== null && color?.swatch_key ? { key: color.swatch_key, widthMm: Number(color.swatch_width_mm ?? 60) } : undefined,
  };
}

/** The cloth as a render thread receives it: the swatch by reference, its bytes only when asked for. */
export interface ThreadFabric {
  design: FabricDesign;
  hex: string;
  repeatMm?: number;
  swatch?: {
    /** The thread's cache key for the tile. */
    id: string;
    /** 'photo': a photographed cloth still to be made seamless; 'tile': an already seamless tile. */
    kind: 'photo' | 'tile';
    storageKey: string;
    widthMm: number;
    /** The encoded image, sent only when the thread does not hold the tile yet. */
    bytes?: Uint8Array;
  };
}

export function threadFabric(d: FabricDescriptor): ThreadFabric {
  const fabric: ThreadFabric = { design: d.design, hex: d.hex, repeatMm: d.repeatMm };
  if (d.swatch) fabric.swatch = { id: `photo:${d.swatch.sha256}:${d.swatch.widthMm}`, kind: 'photo', storageKey: d.swatch.key, widthMm: d.swatch.widthMm };
  else if (d.tile) fabric.swatch = { id: `tile:${d.tile.key}:${d.tile.widthMm}`, kind: 'tile', storageKey: d.tile.key, widthMm: d.tile.widthMm };
  return fabric;
}
