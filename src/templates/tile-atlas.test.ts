import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cutViewSource, resolveOptions } from './index.ts';
import { atlasSvg, packTiles, tileBatcher, type TileRequest } from './tile-atlas.ts';

async function grey(svg: Buffer): Promise<Uint8Array> {
  return new Uint8Array(await sharp(svg).extractChannel(0).raw().toBuffer());
}

function alone(t: TileRequest): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${t.w}" height="${t.h}" viewBox="${t.viewBox}">${t.body}</svg>`);
}

/** Tiles as a draft asks for them: each panel's coverage and each mark's stroke, cropped to its box at `scale`. */
function draftedTiles(cut: string, view: string, scale: number): TileRequest[] {
  const src = cutViewSource(cut, view, resolveOptions(cut, { lapel: 'peak', pockets: 'patch' }));
  const bodies = [
    ...src.panels.map((p) => `<path d="${p.path}" fill="#fff"/>`),
    ...src.marks.map((m) =>
      m.fill
        ? `<path d="${m.path}" fill="#fff"/>`
        : `<path d="${m.path}" fill="none" stroke="#fff" stroke-width="${m.width}" stroke-linecap="round" stroke-linejoin="round"${m.dash ? ` stroke-dasharray="${m.dash}"` : ''}/>`,
    ),
  ];
  return bodies.flatMap((body) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const m of body.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
      xs.push(Number(m[1]));
      ys.push(Number(m[2]));
    }
    if (!xs.length) return [];
    const x0 = Math.max(0, Math.floor((Math.min(...xs) - 6) * scale));
    const y0 = Math.max(0, Math.floor((Math.min(...ys) - 6) * scale));
    const x1 = Math.min(Math.round(src.width * scale), Math.ceil((Math.max(...xs) + 6) * scale));
    const y1 = Math.min(Math.round(src.height * scale), Math.ceil((Math.max(...ys) + 6) * scale));
    if (x1 <= x0 || y1 <= y0) return [];
    const [w, h] = [x1 - x0, y1 - y0];
    const [vx, vy, vw, vh] = [x0 / scale, y0 / scale, w / scale, h / scale];
    return [{ w, h, viewBox: `${vx} ${vy} ${vw} ${vh}`, body: `<rect x="${vx}" y="${vy}" width="${vw}" height="${vh}" fill="#000"/>${body}` }];
  });
}

describe('tiles drawn together in one document', () => {
  // The preview's half scale, an uneven scale whose offsets land between the drafting's hundredths, and HD.
  it.each([
    ['front', 0.5],
    ['three-quarter', 0.37],
    ['back', 2],
  ])('gives each tile the bytes it has alone (%s at ×%s)', async (view, scale) => {
    const tiles = draftedTiles('single-breasted', view, scale).filter((t) => t.w * t.h <= 200_000);
    expect(tiles.length).toBeGreaterThan(20);
    const pack = packTiles(tiles);
    // Offsets both across and down the atlas.
    expect(new Set(pack.at.map((p) => p.x)).size).toBeGreaterThan(2);
    expect(new Set(pack.at.map((p) => p.y)).size).toBeGreaterThan(2);
    const atlas = await grey(Buffer.from(atlasSvg(tiles, pack)));
    let differing = 0;
    let inked = 0;
    for (const [k, t] of tiles.entries()) {
      const own = await grey(alone(t));
      const { x, y } = pack.at[k];
      for (let r = 0; r < t.h; r++) {
        for (let c = 0; c < t.w; c++) {
          const v = atlas[(y + r) * pack.w + x + c];
          if (v !== own[r * t.w + c]) differing++;
          if (own[r * t.w + c]) inked++;
        }
      }
    }
    expect(inked).toBeGreaterThan(1000);
    expect(differing).toBe(0);
  });

  it('packs tiles without overlap, inside the atlas', () => {
    const tiles = Array.from({ length: 40 }, (_, k) => ({ w: 5 + ((k * 37) % 90), h: 3 + ((k * 53) % 70) }));
    const pack = packTiles(tiles);
    const used = new Uint8Array(pack.w * pack.h);
    for (const [k, t] of tiles.entries()) {
      const { x, y } = pack.at[k];
      expect(x + t.w).toBeLessThanOrEqual(pack.w);
      expect(y + t.h).toBeLessThanOrEqual(pack.h);
      for (let r = 0; r < t.h; r++) for (let c = 0; c < t.w; c++) used[(y + r) * pack.w + x + c]++;
    }
    expect(Math.max(...used)).toBe(1);
    // Not a strip of wasted canvas: the tiles cover most of it.
    const area = tiles.reduce((a, t) => a + t.w * t.h, 0);
    expect(area / (pack.w * pack.h)).toBeGreaterThan(0.6);
  });

  it('draws the tiles asked for in one turn in one call, each as it is alone; a tile naming ids alone', async () => {
    const tiles = draftedTiles('single-breasted', 'front', 0.5)
      .filter((t) => t.w * t.h < 20_000)
      .slice(0, 12);
    const withIds: TileRequest = {
      w: 40,
      h: 40,
      viewBox: '0 0 80 80',
      body: '<defs><filter id="f"><feGaussianBlur stdDeviation="3"/></filter></defs><rect width="80" height="80"/><circle cx="40" cy="40" r="20" fill="#fff" filter="url(#f)"/>',
    };
    const documents: string[] = [];
    const batch = tileBatcher((svg) => {
      documents.push(svg.toString());
      return grey(svg);
    });
    const got = await Promise.all([...tiles, withIds].map((t) => batch(t)));
    expect(documents.length).toBe(2);
    expect(documents.filter((d) => d.includes('id="f"')).length).toBe(1);
    for (const [k, t] of [...tiles, withIds].entries()) expect(Buffer.compare(Buffer.from(got[k]), Buffer.from(await grey(alone(t))))).toBe(0);
    // A later turn is a new document.
    await batch(tiles[0]);
    expect(documents.length).toBe(3);
  });

  it('fails every tile of a document that cannot be drawn, and goes on drawing', async () => {
    const batch = tileBatcher(async (svg) => {
      if (svg.toString().includes('broken')) throw new Error('unreadable SVG');
      return grey(svg);
    });
    const ok: TileRequest = { w: 10, h: 10, viewBox: '0 0 10 10', body: '<rect width="10" height="10" fill="#fff"/>' };
    const bad: TileRequest = { ...ok, body: `${ok.body}<!-- broken -->` };
    const results = await Promise.allSettled([batch(ok), batch(bad)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const again = await batch(ok);
    expect(again.every((v) => v === 255)).toBe(true);
  });
});
