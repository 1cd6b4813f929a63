/**
 * Small grey tiles rasterised together, several to one librsvg document.
 *
 * Why: a style option redraws a dozen or more small tiles (a lapel's panels, its marks, a pocket's
 * flap), most of a few thousand pixels. Each sharp call costs about 1.4 ms whatever its size (a
 * pipeline, a librsvg handle, a surface), so the calls, not the pixels, were the cost: the 17 tiles
 * of a lapel change took 24 ms one by one and 3.6 ms as one document (one thread, medians of 15).
 *
 * Each tile keeps its own nested viewport, placed at whole-pixel offsets: librsvg draws it on the
 * same pixel grid, so a tile's bytes are the same as when it is drawn alone (tile-atlas.test.ts).
 * The nested viewport clips, so no tile's ink reaches its neighbour. A body that names ids (a
 * filter, a gradient) is drawn alone: two tiles could name the same id.
 */

export interface TileRequest {
  /** Pixel size of the tile. */
  w: number;
  h: number;
  /** The tile's viewBox, in the drafting's native units: its aspect is the tile's. */
  viewBox: string;
  /** What is drawn on it (its own background included). */
  body: string;
}

/** Tiles larger than this are drawn alone: the call's cost is then small beside the pixels'. */
export const ATLAS_TILE_MAX_PX = 128 * 1024;
/** An atlas's area: beyond it, another atlas (which the other rasterising thread can draw). */
export const ATLAS_MAX_PX = 512 * 1024;

interface Placed {
  x: number;
  y: number;
}

/** Shelf packing, tallest first, in rows about as wide as the tiles' total area is square. */
export function packTiles(tiles: Array<{ w: number; h: number }>): { w: number; h: number; at: Placed[] } {
  const area = tiles.reduce((a, t) => a + t.w * t.h, 0);
  const width = Math.max(Math.ceil(Math.sqrt(area)), ...tiles.map((t) => t.w));
  const order = tiles.map((_, k) => k).sort((a, b) => tiles[b].h - tiles[a].h);
  const at: Placed[] = new Array(tiles.length);
  let x = 0;
  let y = 0;
  let row = 0;
  for (const k of order) {
    if (x + tiles[k].w > width) {
      y += row;
      x = 0;
      row = 0;
    }
    at[k] = { x, y };
    x += tiles[k].w;
    row = Math.max(row, tiles[k].h);
  }
  return { w: width, h: y + row, at };
}

export function atlasSvg(tiles: TileRequest[], pack = packTiles(tiles)): string {
  const views = tiles.map((t, k) => `<svg x="${pack.at[k].x}" y="${pack.at[k].y}" width="${t.w}" height="${t.h}" viewBox="${t.viewBox}">${t.body}</svg>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pack.w}" height="${pack.h}">${views.join('')}</svg>`;
}

function tileSvg(t: TileRequest): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${t.w}" height="${t.h}" viewBox="${t.viewBox}">${t.body}</svg>`;
}

/** Cuts each tile's rows out of an atlas's grey plane. */
function cut(plane: Uint8Array, pack: { w: number; at: Placed[] }, tiles: TileRequest[]): Uint8Array[] {
  return tiles.map((t, k) => {
    const out = new Uint8Array(t.w * t.h);
    const { x, y } = pack.at[k];
    for (let r = 0; r < t.h; r++) out.set(plane.subarray((y + r) * pack.w + x, (y + r) * pack.w + x + t.w), r * t.w);
    return out;
  });
}

/**
 * A rasteriser of grey tiles that gathers the requests made in one turn of the event loop (the
 * tiles of a draft are asked for together) and draws the small ones in as few documents as fit.
 * `raster` turns an SVG document into its grey plane.
 */
export function tileBatcher(raster: (svg: Buffer) => Promise<Uint8Array>): (t: TileRequest) => Promise<Uint8Array> {
  let pending: Array<{ t: TileRequest; resolve: (d: Uint8Array) => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    let group: typeof batch = [];
    let area = 0;
    const draw = (g: typeof batch) => {
      if (!g.length) return;
      if (g.length === 1) {
        raster(Buffer.from(tileSvg(g[0].t))).then(g[0].resolve, g[0].reject);
        return;
      }
      const tiles = g.map((p) => p.t);
      const pack = packTiles(tiles);
      raster(Buffer.from(atlasSvg(tiles, pack))).then(
        (plane) => {
          const parts = cut(plane, pack, tiles);
          g.forEach((p, k) => p.resolve(parts[k]));
        },
        (e) => {
          for (const p of g) p.reject(e);
        },
      );
    };
    for (const p of batch) {
      const px = p.t.w * p.t.h;
      if (px > ATLAS_TILE_MAX_PX || p.t.body.includes(' id="')) {
        draw([p]);
        continue;
      }
      if (area + px > ATLAS_MAX_PX) {
        draw(group);
        group = [];
        area = 0;
      }
      group.push(p);
      area += px;
    }
    draw(group);
  };
  return (t) =>
    new Promise((resolve, reject) => {
      if (!pending.length) setImmediate(flush);
      pending.push({ t, resolve, reject });
    });
}
