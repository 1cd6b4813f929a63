/**
 * Fabric benchmarks: medians of texture generation (figure and swatch scale), cached lookups and
 * swatch-photo tiling. Run alone with:
 *   node --import tsx -e "import('./bench/fabrics.bench.ts').then(m=>m.benchFabrics()).then(console.log)"
 */
import sharp from 'sharp';
import type { FabricSpec } from '../src/engines/types.ts';
import { createTextureCache, generateFabricTexture, makeSwatchTile } from '../src/fabrics/index.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** A fresh colour each call, so nothing is cached anywhere. */
function colourAt(n: number): string {
  const h = (n * 0x9e3779b1) >>> 8;
  return `#${(h & 0xffffff).toString(16).padStart(6, '0').toUpperCase()}`;
}

const FAMILIES: Array<{ name: string; design: FabricSpec['design'] }> = [
  { name: 'twill solid', design: { weave: 'twill', pattern: 'solid', threadMm: 0.25 } },
  { name: 'twill pinstripe', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.25, repeatMm: 12 } },
  { name: 'herringbone solid', design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.25 } },
  { name: 'flannel chalkstripe', design: { weave: 'flannel', pattern: 'chalkstripe', threadMm: 0.3, repeatMm: 16 } },
  { name: 'twill glencheck', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 76 } },
  { name: 'twill houndstooth', design: { weave: 'twill', pattern: 'houndstooth', threadMm: 0.25, repeatMm: 8 } },
];

function timeNewColour(design: FabricSpec['design'], pxPerMm: number, runs: number, salt: number): number[] {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const spec: FabricSpec = { design, hex: colourAt(salt * 1000 + r) };
    const t0 = performance.now();
    generateFabricTexture(spec, pxPerMm);
    times.push(performance.now() - t0);
  }
  return times;
}

export async function benchFabrics(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // The very first texture of a process pays for JIT compilation: reported, not mixed into medians.
  out.texture_first_call_cold_ms = round(timeNewColour(FAMILIES[4].design, 1.2, 1, 998)[0]);
  // Warm every code path (weaves, patterns, both sampling regimes) before measuring.
  for (const f of FAMILIES) for (const px of [1.0, 1.37, 8]) timeNewColour(f.design, px, px > 2 ? 1 : 3, 999);

  const figure: Record<string, number> = {};
  const figure137: Record<string, number> = {};
  const swatch: Record<string, number> = {};
  FAMILIES.forEach((f, k) => {
    figure[f.name] = round(median(timeNewColour(f.design, 1.0, 15, k + 1)));
    figure137[f.name] = round(median(timeNewColour(f.design, 1.37, 15, k + 11)));
    swatch[f.name] = round(median(timeNewColour(f.design, 8, 5, k + 21)));
  });
  out['texture_new_colour_figure_1.0pxmm_median_ms'] = figure;
  out['texture_new_colour_figure_1.37pxmm_median_ms'] = figure137;
  out.texture_new_colour_swatch_8pxmm_median_ms = swatch;
  out.texture_new_colour_figure_worst_median_ms = round(Math.max(...Object.values(figure), ...Object.values(figure137)));

  const cache = createTextureCache(64 * 1024 * 1024);
  const spec: FabricSpec = { design: FAMILIES[1].design, hex: '#0A1D3A' };
  cache.get(spec, 1.2);
  const hits: number[] = [];
  for (let r = 0; r < 2000; r++) {
    const t0 = performance.now();
    cache.get({ design: { ...FAMILIES[1].design }, hex: '#0A1D3A' }, 1.2);
    hits.push(performance.now() - t0);
  }
  out.texture_cached_lookup_median_us = round(median(hits) * 1000, 1);

  // A 2000×1500 "photo": a glen check at 8 px/mm with a lighting ramp, as a phone JPEG.
  const tex = generateFabricTexture({ design: FAMILIES[4].design, hex: '#6B6F78' }, 8);
  const W = 2000,
    H = 1500;
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const g = 0.8 + 0.3 * (x / W) + 0.1 * (y / H);
      const s = ((y % tex.height) * tex.width + (x % tex.width)) * 3;
      const d = (y * W + x) * 3;
      rgb[d] = Math.min(255, tex.rgb[s] * g);
      rgb[d + 1] = Math.min(255, tex.rgb[s + 1] * g);
      rgb[d + 2] = Math.min(255, tex.rgb[s + 2] * g);
    }
  }
  const jpeg = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const tiling: number[] = [];
  let tileInfo = '';
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const res = await makeSwatchTile(jpeg, { widthMm: W / 8 });
    tiling.push(performance.now() - t0);
    tileInfo = `${res.tile.width}×${res.tile.height}, ${round(res.tile.widthMm, 1)} mm`;
  }
  out.swatch_tile_2000x1500_median_ms = round(median(tiling), 1);
  out.swatch_tile_result = tileInfo;
  return out;
}
