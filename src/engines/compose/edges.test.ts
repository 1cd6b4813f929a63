/**
 * Where two pieces of cloth meet inside the garment (a lapel over its forepart, a sleeve over the
 * body) and along a lapel's roll, the edge must be anti-aliased at HD like the silhouette: its edge
 * pixels carry both pieces in proportion to coverage, so the edge's position moves smoothly from row
 * to row. A jagged edge (each pixel one piece's) puts it on whole pixels, in steps of two at HD (the
 * full level's pixels doubled).
 *
 * Measured on rendered pixels: per row, the edge's sub-pixel position is the integral across it of
 * the pixel values between the two sides' levels; along 24 rows a straight edge's positions lie on a
 * line, and what is left off it is the stair-stepping. Between two pieces of one cloth the contrast
 * is a few levels of shading (too faint to measure through the weave), so there the HD level is
 * rendered through the render loop with each piece in a flat tone of its own; the roll, beside the
 * shirt, is measured in the real render. Before the pieces were blended on their shared pixels the
 * lapels and a sleeve measured 0.57-0.67 px off their lines, the rolls 0.27-0.34 px; now 0.04-0.07
 * and 0.10-0.13.
 */
import { describe, expect, it } from 'vitest';
import { hdLevel, SHADE_LEVELS, SHADE_ONE, type ViewLevel } from '../../templates/index.ts';
import type { FabricSpec } from '../types.ts';
import { createComposeEngine, type RawImage, type ShadingMaps } from './index.ts';
import { renderCloth } from './render.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import { linearise } from './texture.ts';
import { WasmCloth } from './wasm/cloth.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const plain: FabricSpec = { hex: '#A7ABB3', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } };

/** The level rendered through the render loop with the upper piece `hi` light, every other piece dark, no shading. */
function twoTone(level: ViewLevel, hi: number[], loop: 'js' | WasmCloth): RawImage {
  const shadeQ = new Uint16Array(level.shadeQ.length);
  for (let k = 0; k < shadeQ.length; k++) shadeQ[k] = hi.includes(level.panel[k]) ? Math.round(1.6 * SHADE_ONE) : Math.round(0.4 * SHADE_ONE);
  const flat = { ...level, shadeQ };
  const mul = new Float32Array(SHADE_LEVELS);
  for (let q = 0; q < SHADE_LEVELS; q++) mul[q] = q / SHADE_ONE;
  const tex = linearise(2, 2, new Uint8Array(12).fill(188));
  const finish = { mul, add: new Float32Array(SHADE_LEVELS) };
  let rgb: Uint8Array | undefined;
  if (loop === 'js') renderCloth(flat, tex, finish, (rgb = level.base.slice()));
  else rgb = loop.draw(flat, tex, finish, level.base);
  expect(rgb).toBeDefined();
  return { width: level.width, height: level.height, rgb: rgb! };
}

/** Each pixel's panel: the piece with the larger share of it (the upper one of two when it covers half). */
function panelMap(level: ViewLevel): ShadingMaps {
  const n = level.width * level.height;
  const panel = new Uint8Array(n).fill(255);
  for (let k = 0; k < level.pix.length; k++) {
    const upper = k > 0 && level.pix[k - 1] === level.pix[k];
    if (!upper || level.cov[k] >= 128) panel[level.pix[k]] = level.panel[k];
  }
  return { width: level.width, height: level.height, panel } as ShadingMaps;
}

const luma = (img: RawImage, i: number) => 0.2126 * img.rgb[i * 3] + 0.7152 * img.rgb[i * 3 + 1] + 0.0722 * img.rgb[i * 3 + 2];

/**
 * Stair-stepping of an edge, in HD px: the median over runs of 24 rows of the RMS distance of the
 * edge's sub-pixel positions from their least-squares line. `edgeAt(y)` gives, per row, the pixel
 * where the edge lies (from the panel map) or -1.
 */
function stepping(img: RawImage, edgeAt: (y: number) => number, y0: number, y1: number): { rms: number; rows: number } {
  const R = 6;
  const pos: Array<[number, number] | undefined> = [];
  for (let y = y0; y < y1; y++) {
    const x = edgeAt(y);
    if (x < R || x >= img.width - R) {
      pos.push(undefined);
      continue;
    }
    const at = (dx: number) => luma(img, y * img.width + x + dx);
    const a = (at(-R) + at(-R + 1) + at(-R + 2)) / 3;
    const b = (at(R) + at(R - 1) + at(R - 2)) / 3;
    if (Math.abs(b - a) < 5) {
      pos.push(undefined);
      continue;
    }
    // Where between the sides the values cross over: R − 3 + Σ (v − a)/(b − a) counted from the right.
    let s = 0;
    for (let dx = -R + 3; dx <= R - 3; dx++) s += Math.max(0, Math.min(1, (at(dx) - a) / (b - a)));
    pos.push([y, x + R - 3 - s]);
  }
  const rms: number[] = [];
  let rows = 0;
  for (let k = 0; k + 24 <= pos.length; k += 12) {
    const run = pos.slice(k, k + 24).filter((p): p is [number, number] => !!p);
    if (run.length < 20) continue;
    rows += run.length;
    const n = run.length;
    const my = run.reduce((s, p) => s + p[0], 0) / n;
    const mx = run.reduce((s, p) => s + p[1], 0) / n;
    let sxy = 0;
    let syy = 0;
    for (const [y, x] of run) {
      sxy += (y - my) * (x - mx);
      syy += (y - my) ** 2;
    }
    const slope = sxy / syy;
    // A straight edge: skip runs that bend (the lapel's notch, a pocket's corner).
    let e = 0;
    for (const [y, x] of run) e += (x - mx - slope * (y - my)) ** 2;
    rms.push(Math.sqrt(e / n));
  }
  rms.sort((p, q) => p - q);
  return { rms: rms.length ? rms[rms.length >> 1] : Number.NaN, rows };
}

/** Per row, the first pixel from `from` stepping by `dir` where the panel map turns from `a` to something else among `b`. */
function edgeFinder(maps: ShadingMaps, a: number, b: number[], from: (y: number) => number, dir: 1 | -1) {
  return (y: number) => {
    const w = maps.width;
    let x = from(y);
    let seen = false;
    for (let n = 0; n < 400 && x > 0 && x < w - 1; n++, x += dir) {
      const p = maps.panel[y * w + x];
      if (p === a) seen = true;
      else if (seen && b.includes(p)) return dir === 1 ? x : x + 1;
      else if (seen) return -1;
    }
    return -1;
  };
}

/** Per row, the middle pixel of panel `p`'s first run from the image's centre walking `dir`, or -1. */
function middleOf(maps: ShadingMaps, p: number, dir: 1 | -1) {
  return (y: number) => {
    let first = -1;
    let last = -1;
    for (let x = maps.width >> 1; x > 0 && x < maps.width; x += dir) {
      if (maps.panel[y * maps.width + x] === p) {
        if (first < 0) first = x;
        last = x;
      } else if (first >= 0) break;
    }
    return first < 0 ? -1 : (first + last) >> 1;
  };
}

/** The rows panel `p` spans in the half the image `dir` walks, trimmed by `trim` of its height at each end. */
function rowsOf(maps: ShadingMaps, inside: (y: number) => number, trim: number): [number, number] {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < maps.height; y++) if (inside(y) >= 0) (top = top < 0 ? y : top), (bottom = y);
  return [Math.round(top + trim * (bottom - top)), Math.round(top + (1 - trim) * (bottom - top))];
}

describe('internal edges at HD are anti-aliased', () => {
  it.each([
    // The half of the image the upper piece is in (1: right), and which way its edge over the lower lies.
    ['single-breasted', 'front', 'lapel-left', 'forepart-left', 1, 1],
    ['double-breasted', 'front', 'lapel-right', 'forepart-right', -1, -1],
    ['single-breasted', 'front', 'sleeve-left', 'forepart-left', 1, -1],
    ['single-breasted', 'three-quarter', 'lapel-left', 'forepart-left', 1, 1],
  ] as const)('%s %s: %s over %s, each piece a flat tone', async (cut, view, upper, lower, half, dir) => {
    const cv = await engine.template(cut, view);
    const id = (s: string) => cv.panels.findIndex((p) => p.id === s);
    const [up, low] = [id(upper), id(lower)];
    expect(up).toBeGreaterThanOrEqual(0);
    expect(low).toBeGreaterThanOrEqual(0);
    const level = await hdLevel(cv.levels.full);
    const maps = panelMap(level);
    const inside = middleOf(maps, up, half);
    // Walking from inside the upper piece to the lower one.
    const edge = stepping(twoTone(level, [up], 'js'), edgeFinder(maps, up, [low], inside, dir), ...rowsOf(maps, inside, 0.1));
    // The WebAssembly loop draws the same.
    const wasm = stepping(twoTone(level, [up], await WasmCloth.create()), edgeFinder(maps, up, [low], inside, dir), ...rowsOf(maps, inside, 0.1));
    console.log(`${cut}/${view} ${upper} over ${lower}: ${edge.rms.toFixed(3)} px off a line over ${edge.rows} rows (wasm ${wasm.rms.toFixed(3)})`);
    expect(edge.rows).toBeGreaterThan(120);
    expect(edge.rms).toBeLessThan(0.15);
    expect(Math.abs(wasm.rms - edge.rms)).toBeLessThan(0.02);
  });

  it.each(['single-breasted', 'double-breasted'])('%s front: the lapel roll beside the shirt, in a real render', async (cut) => {
    const img = await engine.renderRaw({ cut, view: 'front', fabric: plain }, 'hd');
    const cv = await engine.template(cut, 'front');
    const level = await hdLevel(cv.levels.full);
    const maps = panelMap(level);
    let rms = 0;
    let rows = 0;
    for (const side of ['left', 'right'] as const) {
      const p = cv.panels.findIndex((q) => q.id === `lapel-${side}`);
      const fore = cv.panels.findIndex((q) => q.id === `forepart-${side}`);
      // The coat's left lapel lies on the image's right: its roll is on its side towards the centre.
      const dir = side === 'left' ? 1 : -1;
      const inside = middleOf(maps, p, dir);
      const roll = stepping(img, edgeFinder(maps, p, [255, fore], inside, dir === 1 ? -1 : 1), ...rowsOf(maps, inside, 0.15));
      console.log(`${cut} lapel-${side} roll: ${roll.rms.toFixed(3)} px off a line over ${roll.rows} rows`);
      rms = Math.max(rms, roll.rms);
      rows += roll.rows;
    }
    expect(rows).toBeGreaterThan(200);
    expect(rms).toBeLessThan(0.2);
  });
});
