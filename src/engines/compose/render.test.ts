import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LINEAR_TO_SRGB8_LUT, LIN_LUT_SIZE } from '../../fabrics/color.ts';
import type { ViewLevel } from '../../templates/types.ts';
import { createComposeEngine } from './index.ts';
import { finishFor, renderCloth, type Finish } from './render.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import type { LinearTexture } from './texture.ts';
import { LARGEST_IMAGE_BYTES, WasmCloth } from './wasm/cloth.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

/** The render loop's formula written plainly: bilinear tap of the wrapped tile, shade, lustre, table, coverage. */
function reference(level: ViewLevel, tex: LinearTexture, f: Finish, out: Uint8Array): void {
  const W = tex.width + 1;
  for (let k = 0; k < level.pix.length; k++) {
    let x = level.u[k] * tex.sx;
    let y = level.v[k] * tex.sy;
    x -= Math.floor(x / tex.width) * tex.width;
    y -= Math.floor(y / tex.height) * tex.height;
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const o = level.pix[k] * 3;
    for (let c = 0; c < 3; c++) {
      const i = (y0 * W + x0) * 3 + c;
      const d = tex.data;
      const lin =
        (d[i] * (1 - fx) * (1 - fy) + d[i + 3] * fx * (1 - fy) + d[i + W * 3] * (1 - fx) * fy + d[i + W * 3 + 3] * fx * fy) * f.mul[level.shadeQ[k]] +
        f.add[level.shadeQ[k]];
      const code = LINEAR_TO_SRGB8_LUT[Math.min(LIN_LUT_SIZE, Math.round(lin * LIN_LUT_SIZE))];
      const t = level.cov[k] / 255;
      out[o + c] = t === 1 ? code : Math.round(out[o + c] + (code - out[o + c]) * t);
    }
  }
}

function compare(got: Uint8Array, want: Uint8Array) {
  let off = 0;
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d) off++;
    worst = Math.max(worst, d);
  }
  return { worst, share: off / got.length };
}

/** `draw` over the level's base gives the plain formula's pixels. */
function expectPlainFormula(level: ViewLevel, tex: LinearTexture, f: Finish, draw: (out: Uint8Array) => void) {
  const got = level.base.slice();
  draw(got);
  const want = level.base.slice();
  reference(level, tex, f, want);
  const { worst, share } = compare(got, want);
  // Floating-point association may move a value across a table step on a rare pixel; never more.
  expect(worst).toBeLessThanOrEqual(1);
  expect(share).toBeLessThan(1e-3);
  expect(Buffer.from(got).equals(Buffer.from(level.base))).toBe(false);
}

const PINSTRIPE = { hex: '#1A2236', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } } as const;
const GLEN = { hex: '#7D7F80', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 60, heather: 0.06, sheen: 0.15 } } as const;
const MOHAIR = { hex: '#F4EFE2', design: { weave: 'plain', pattern: 'solid', threadMm: 0.25, heather: 0.04, sheen: 1 } } as const;

describe('the WebAssembly cloth loop', () => {
  it.each([
    ['single-breasted', 'front', PINSTRIPE],
    ['single-breasted', 'detail', GLEN],
    ['three-piece', 'three-quarter', MOHAIR],
    ['double-breasted', 'back', PINSTRIPE],
  ] as const)('draws the plain formula on %s %s, every level', async (cut, view, fabric) => {
    const loop = await WasmCloth.create();
    const cv = await engine.template(cut, view);
    for (const level of [cv.levels.full, cv.levels.preview, cv.levels.thumb]) {
      const tex = engine.textureCache.get(fabric, level.pxPerMm);
      const f = finishFor(fabric.design, level.shadeHist);
      expectPlainFormula(level, tex, f, (out) => expect(loop.render(level, tex, f, out)).toBe(true));
    }
  });

  it('keeps drawing right when its memory fills and starts over, and leaves a level too large for it to JavaScript', async () => {
    const front = await engine.template('single-breasted', 'front');
    const back = await engine.template('single-breasted', 'detail');
    const levels = [front.levels.full, back.levels.full];
    const bytes = (l: ViewLevel) => l.pix.length * 15 + 4096;
    // Room for one level at a time: every other render evicts the previous one.
    const loop = await WasmCloth.create(2 * Math.max(...levels.map(bytes)) + 2 * 1024 * 1024);
    for (const round of [0, 1]) {
      for (const [i, level] of levels.entries()) {
        const fabric = i === round ? PINSTRIPE : GLEN;
        const tex = engine.textureCache.get(fabric, level.pxPerMm);
        const f = finishFor(fabric.design, level.shadeHist);
        const got = level.base.slice();
        expect(loop.render(level, tex, f, got)).toBe(true);
        const want = level.base.slice();
        renderCloth(level, tex, f, want);
        expect(compare(got, want).worst).toBeLessThanOrEqual(1);
      }
    }
    const tiny = await WasmCloth.create(1024 * 1024);
    const level = front.levels.full;
    const untouched = level.base.slice();
    expect(tiny.render(level, engine.textureCache.get(PINSTRIPE, level.pxPerMm), finishFor(PINSTRIPE.design, level.shadeHist), untouched)).toBe(false);
    // (Buffer.equals: vitest's deep equality walks 4.7 M elements one by one.)
    expect(Buffer.from(untouched).equals(Buffer.from(level.base))).toBe(true);
  });

  it('writes its memory through once, in steps that wait on a gate, and then draws the same pixels', async () => {
    const region = 48 * 1024 * 1024;
    const loop = await WasmCloth.create(region);
    let paused = true;
    let steps = 0;
    const gate = async () => {
      steps++;
      while (paused) await new Promise((r) => setTimeout(r, 5));
    };
    const done = loop.prefault(gate);
    await new Promise((r) => setTimeout(r, 50));
    // Held at its first step while the gate is shut (a render running elsewhere).
    expect(steps).toBe(1);
    const faults0 = process.resourceUsage().minorPageFault;
    paused = false;
    await done;
    // Every page of the region and of an HD image's scratch above it was faulted in, once, now
    // (counted by the kernel for the whole process: other threads only add to it). Where the kernel
    // backs all anonymous memory with huge pages, a fault brings in 2 MB.
    const thp = await readFile('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').catch(() => '');
    const pages = (region + LARGEST_IMAGE_BYTES) / (thp.includes('[always]') ? 2 * 1024 * 1024 : 4096);
    expect(process.resourceUsage().minorPageFault - faults0).toBeGreaterThan(0.9 * pages);
    // In steps of a megabyte (a few milliseconds each): a render waits for no more than one.
    expect(steps).toBeGreaterThanOrEqual(region / (1024 * 1024));
    const again = steps;
    await loop.prefault(gate);
    expect(steps).toBe(again);

    const cv = await engine.template('single-breasted', 'front');
    for (const level of [cv.levels.preview, cv.levels.full]) {
      const tex = engine.textureCache.get(PINSTRIPE, level.pxPerMm);
      const f = finishFor(PINSTRIPE.design, level.shadeHist);
      const got = loop.draw(level, tex, f, level.base)!;
      const want = level.base.slice();
      renderCloth(level, tex, f, want);
      expect(compare(got, want).worst).toBeLessThanOrEqual(1);
    }
  });

  it('is what the engine renders with, and the JavaScript loop when turned off', async () => {
    const request = { cut: 'single-breasted', view: 'front', fabric: PINSTRIPE };
    const wasm = await engine.renderRaw(request, 'full');
    const js = await createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE, clothLoopBytes: 0 }).renderRaw(request, 'full');
    const { worst, share } = compare(wasm.rgb, js.rgb);
    expect(worst).toBeLessThanOrEqual(1);
    expect(share).toBeLessThan(1e-3);
  });
});

describe('the render loop', () => {
  it.each([
    ['navy pinstripe', { hex: '#1A2236', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } }],
    [
      'cream mohair (bright, lustrous: highlights past white)',
      { hex: '#F4EFE2', design: { weave: 'plain', pattern: 'solid', threadMm: 0.25, heather: 0.04, sheen: 1 } },
    ],
  ] as const)('draws exactly the plain formula: %s', async (_name, fabric) => {
    const cv = await engine.template('single-breasted', 'front');
    for (const level of [cv.levels.full, cv.levels.preview]) {
      const tex = engine.textureCache.get(fabric, level.pxPerMm);
      const f = finishFor(fabric.design, level.shadeHist);
      expectPlainFormula(level, tex, f, (out) => renderCloth(level, tex, f, out));
    }
  });
});

describe('the images a render draws in', () => {
  // Each size's image is drawn in the one the last render of that size left, once its encodes are
  // done: a render must neither see what the last one drew nor draw in an image still being encoded.
  it.each([
    ['the WebAssembly loop', engine],
    ['the JavaScript loop', createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE, clothLoopBytes: 0 })],
  ] as const)('%s: renders in turn and at once give the same bytes as each render alone', async (_name, e) => {
    const job = (hex: string) => ({
      cut: 'single-breasted',
      view: 'front',
      fabric: { ...PINSTRIPE, hex },
      // Stamped on the image in place, as every render for a client is.
      watermark: { text: 'ATELIER · SAMPLE', opacity: 0.6, position: 'bottom-right' as const },
      sizes: ['full', 'preview'] as Array<'full' | 'preview'>,
    });
    // Each image's digest (a failure then prints a few characters, not megabytes).
    const bytes = async (hex: string) => (await e.render(job(hex))).images.map((i) => createHash('sha256').update(i.data).digest('hex'));
    const navy = await bytes('#1A2236');
    const sand = await bytes('#D8C7A3');
    expect(navy[0]).not.toBe(sand[0]);
    // Again after another colour drew in the same images.
    expect(await bytes('#1A2236')).toEqual(navy);
    // Side by side: neither draws in the other's images while those are encoded.
    const [a, b, c] = await Promise.all([bytes('#D8C7A3'), bytes('#1A2236'), bytes('#D8C7A3')]);
    expect(a).toEqual(sand);
    expect(b).toEqual(navy);
    expect(c).toEqual(sand);
  });
});
