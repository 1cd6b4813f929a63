/**
 * Photo templates work their cloth fields out over the garment's bounding box only (a client's 12 MP
 * photo would otherwise cost seconds), and a new mask on a prepared photo in one pass over the garment:
 * the template must be the one made over the whole image, pass by pass, wherever the garment is — in
 * the middle, against an edge, in a corner — every array identical but the texture coordinates, which
 * may differ by float rounding only (the fold smoothing inside the garment comes from the photo's
 * blurred luminance, made once per photo).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadPhotoTemplate, photoTemplateAtScale, photoTemplateFrom, preparePhoto, referencePhotoTemplate } from './photo.ts';
import { blur, blurWhereNeeded } from './raster-ops.ts';
import type { ViewLevel } from './types.ts';

const W = 622;
const H = 481;

/** A photo with light and folds, and a mask made of the given ellipses (cx, cy, rx, ry). */
async function scene(blobs: Array<[number, number, number, number]>) {
  const rgb = Buffer.alloc(W * H * 3);
  const grey = Buffer.alloc(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const fold = 0.75 + 0.25 * Math.sin(x / 9 + Math.sin(y / 23) * 2) * Math.cos(y / 17);
      rgb[i * 3] = Math.round(200 * fold);
      rgb[i * 3 + 1] = Math.round(170 * fold);
      rgb[i * 3 + 2] = Math.round(150 * fold + (x % 7));
      for (const [cx, cy, rx, ry] of blobs) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) grey[i] = 255;
    }
  }
  const photo = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .png()
    .toBuffer();
  const mask = await sharp(grey, { raw: { width: W, height: H, channels: 1 } })
    .png()
    .toBuffer();
  return { photo, mask };
}

/** Equal arrays; texture coordinates within `uvTolerance` texels (0: identical). */
function expectSameLevel(a: ViewLevel, b: ViewLevel, uvTolerance = 0) {
  expect([a.width, a.height, a.pxPerMm]).toEqual([b.width, b.height, b.pxPerMm]);
  for (const key of ['pix', 'cov', 'panel', 'u', 'v', 'shadeQ', 'shadeHist', 'base'] as const) {
    const x = a[key];
    const y = b[key];
    expect(x.length, key).toBe(y.length);
    const tolerance = key === 'u' || key === 'v' ? uvTolerance : 0;
    let differ = 0;
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      if (d > tolerance) differ++;
      if (d > worst) worst = d;
    }
    expect(differ, `${key}: elements that differ (worst by ${worst})`).toBe(0);
  }
}

describe('photo templates over the garment only', () => {
  it.each([
    ['in the middle', [[311, 240, 120, 150]]],
    [
      'against the right and bottom edges, and a second piece in the top-left corner',
      [
        [590, 430, 90, 120],
        [30, 20, 45, 40],
      ],
    ],
    ['a thin sliver one pixel from the left edge', [[1.5, 240, 3, 200]]],
  ] as Array<[string, Array<[number, number, number, number]>]>)('are the whole image’s template, the garment %s', async (_name, blobs) => {
    const { photo, mask } = await scene(blobs);
    const opts = { cut: 'c', view: 'v', width: W, height: H, pxPerMm: 0.8, foldWarp: 30 };
    const windowed = await referencePhotoTemplate(photo, mask, opts);
    const whole = await referencePhotoTemplate(photo, mask, { ...opts, fieldsOver: 'whole' });
    const onePass = await loadPhotoTemplate(photo, mask, opts);
    expect(windowed.levels.full.pix.length).toBeGreaterThan(1000);
    expect(windowed.panels).toEqual(whole.panels);
    expect(onePass.panels).toEqual(whole.panels);
    for (const level of ['full', 'preview', 'thumb'] as const) {
      expectSameLevel(windowed.levels[level], whole.levels[level]);
      expectSameLevel(onePass.levels[level], whole.levels[level], 1e-3);
    }
  });

  it('a prepared photo takes mask after mask: each template is the one made from scratch, in shared memory', async () => {
    const { photo, mask: first } = await scene([[311, 240, 120, 150]]);
    const { mask: second } = await scene([
      [200, 300, 90, 60],
      [600, 20, 40, 40],
    ]);
    const opts = { cut: 'c', view: 'v', width: W, height: H, pxPerMm: 0.8 };
    // A brush's soft edge, as a canvas paints it: grey levels across the border.
    const soft = await sharp(second).blur(2.5).png().toBuffer();
    // As the studio stores a mask: a one-channel greyscale PNG (decoded straight to its bytes).
    const greyPng = await sharp(await sharp(soft).extractChannel(0).raw().toBuffer(), { raw: { width: W, height: H, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect([greyPng[25], (await sharp(greyPng).metadata()).channels]).toEqual([0, 1]);
    const prepared = await preparePhoto(photo, opts);
    expect(prepared.rgb.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const mask of [first, second, soft, greyPng, first]) {
      const cv = await photoTemplateFrom(prepared, mask, opts);
      const ref = await referencePhotoTemplate(photo, mask, { ...opts, fieldsOver: 'whole' });
      expect(cv.panels).toEqual(ref.panels);
      for (const level of ['full', 'preview', 'thumb'] as const) {
        expectSameLevel(cv.levels[level], ref.levels[level], 1e-3);
        expect(cv.levels[level].u.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    }
    await expect(photoTemplateFrom(prepared, first, { ...opts, width: W + 1 })).rejects.toThrow(/another size/);
  });

  it('one mask prepared at one scale is the template at any other: same arrays, only the weave scale differs', async () => {
    const { photo, mask } = await scene([[311, 240, 120, 150]]);
    const prepared = await preparePhoto(photo, { width: W, height: H });
    const atOne = await photoTemplateFrom(prepared, mask, { cut: 'c', view: 'v', width: W, height: H, pxPerMm: 0.8 });
    const direct = await photoTemplateFrom(prepared, mask, { cut: 'c', view: 'v', width: W, height: H, pxPerMm: 2.3 });
    const rescaled = photoTemplateAtScale(atOne, 2.3);
    expect(rescaled.pxPerMm).toBe(2.3);
    expect(rescaled.panels).toEqual(direct.panels);
    expect(rescaled.version).not.toBe(atOne.version);
    for (const level of ['full', 'preview', 'thumb'] as const) {
      expectSameLevel(rescaled.levels[level], direct.levels[level]);
      // Shared, not copied.
      expect(rescaled.levels[level].u).toBe(atOne.levels[level].u);
    }
    expect(atOne.pxPerMm).toBe(0.8);
  });

  it('an empty mask is a template without cloth', async () => {
    const { photo, mask } = await scene([]);
    const cv = await loadPhotoTemplate(photo, mask, { width: W, height: H });
    expect(cv.levels.full.pix.length).toBe(0);
    expect(cv.levels.thumb.pix.length).toBe(0);
  });
});

describe('blurring a mask only where it is not uniform', () => {
  it.each([0.8, 3])('gives exactly the full blur (sigma %s), hard and anti-aliased edges, blobs at the borders', (sigma) => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    for (let t = 0; t < 4; t++) {
      const w = 300 + Math.floor(rnd() * 400);
      const h = 200 + Math.floor(rnd() * 400);
      const m = new Float32Array(w * h);
      for (let b = 0; b < 5; b++) {
        const cx = rnd() * w;
        const cy = rnd() * h;
        const rx = 20 + rnd() * 150;
        const ry = 20 + rnd() * 150;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
            // Odd rounds: 8-bit anti-aliased edges, as a painted PNG mask has.
            if (d <= 1) m[y * w + x] = t % 2 ? Math.round(Math.min(1, (1 - d) * 8) * 255) / 255 : 1;
          }
        }
      }
      const a = blur(m, w, h, sigma);
      const b = blurWhereNeeded(m, w, h, sigma);
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
      expect(differ).toBe(0);
    }
  });
});
