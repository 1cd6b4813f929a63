import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { deltaE2000, linearToSrgb8, meanLab, SRGB8_TO_LINEAR } from './color.ts';
import { assessSwatchPhoto, generateFabricTexture, inspectSwatchPhoto, makeSwatchTile, type FabricTexture } from './index.ts';
import { lumaOf, seamSteps, stepProfile } from './testing.ts';

const PX_PER_MM = 8;
const W = 1200,
  H = 900; // 150 × 112.5 mm of cloth

/**
 * A "phone photo" of cloth: the texture tiled over W×H at 8 px/mm, lit unevenly (a ramp of ±15 %
 * left to right and ±7.5 % top to bottom, applied in linear light, averaging 1 over the frame) and
 * saved as a JPEG.
 */
async function photograph(tex: FabricTexture, quality = 90): Promise<Buffer> {
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const g = 1 + 0.3 * ((x + 0.5) / W - 0.5) + 0.15 * ((y + 0.5) / H - 0.5);
      const s = ((y % tex.height) * tex.width + (x % tex.width)) * 3;
      const d = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) rgb[d + c] = linearToSrgb8(SRGB8_TO_LINEAR[tex.rgb[s + c]] * g);
    }
  }
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/** Mean linear luminance of a column band [x0, x1). */
function bandLuma(rgb: Uint8Array, w: number, h: number, x0: number, x1: number): number {
  const l = lumaOf(rgb, w, h);
  let s = 0;
  for (let y = 0; y < h; y++) for (let x = x0; x < x1; x++) s += l[y * w + x];
  return s / (h * (x1 - x0));
}

/** Variance of the Laplacian of linear luminance over a column band: how crisp the weave is there. */
function bandCrispness(rgb: Uint8Array, w: number, h: number, x0: number, x1: number): number {
  const l = lumaOf(rgb, w, h);
  let s = 0,
    s2 = 0,
    n = 0;
  for (let y = 1; y < h - 1; y++)
    for (let x = Math.max(1, x0); x < Math.min(w - 1, x1); x++) {
      const k = y * w + x;
      const v = l[k - 1] + l[k + 1] + l[k - w] + l[k + w] - 4 * l[k];
      s += v;
      s2 += v * v;
      n++;
    }
  return s2 / n - (s / n) ** 2;
}

/**
 * Wrap-around continuity: the step across the seam (luminance, linear light, averaged along it) is
 * no larger than the interior ones — within mean + 4 SD of all interior steps, or of the steps at the
 * same phase of the pattern repeat when the tile holds whole repeats.
 */
function seamIsContinuous(rgb: Uint8Array, w: number, h: number, periodPx: { x: number; y: number }) {
  const luma = lumaOf(rgb, w, h);
  return (['x', 'y'] as const).map((axis) => {
    const { seam, all, samePhase } = seamSteps(stepProfile(luma, w, h, axis), periodPx[axis]);
    const ok = seam <= all.mean + 4 * all.sd + 0.002 || (samePhase !== null && seam <= samePhase.mean + 4 * samePhase.sd + 0.15 * samePhase.mean + 0.002);
    return { axis, ok, seam, interior: all.mean };
  });
}

/**
 * Periodicity across the seam, for patterned cloth of known repeat p: the mean |column x − column
 * x−p| for the columns whose partner lies across the seam (x < p, compared wrapping around), against
 * the same for columns whose partner is inside the tile. A seamless tile of whole repeats continues
 * the cloth across its edge, so the two agree (within 25 % + 0.003 in linear light); a crop that does
 * not wrap shows a pattern jump and a light step there.
 */
function seamPeriodicity(rgb: Uint8Array, w: number, h: number, p: number, axis: 'x' | 'y'): { across: number; inside: number } {
  const l = lumaOf(rgb, w, h);
  const n = axis === 'x' ? w : h,
    m = axis === 'x' ? h : w;
  const at = (i: number, k: number) => (axis === 'x' ? l[k * w + i] : l[i * w + k]);
  let across = 0,
    inside = 0,
    na = 0,
    ni = 0;
  for (let i = 0; i < n; i++) {
    const j = (i - p + n) % n;
    let e = 0;
    for (let k = 0; k < m; k++) e += Math.abs(at(i, k) - at(j, k));
    if (i < p) (across += e / m), na++;
    else (inside += e / m), ni++;
  }
  return { across: across / na, inside: inside / ni };
}

describe('makeSwatchTile on a photographed glen check', () => {
  let cloth: FabricTexture;
  let photo: Buffer;
  let result: Awaited<ReturnType<typeof makeSwatchTile>>;

  beforeAll(async () => {
    cloth = generateFabricTexture(
      { design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 20, accentHex: '#2C4A8C' }, hex: '#6B6F78' },
      PX_PER_MM,
    );
    photo = await photograph(cloth);
    result = await makeSwatchTile(photo, { widthMm: W / PX_PER_MM });
  });

  it('keeps the real scale: tile mm per px and the check repeat (160 px) within 1 %', () => {
    const { tile, repeatPx } = result;
    expect(tile.rgb.length).toBe(tile.width * tile.height * 3);
    expect(Math.abs(tile.width / tile.widthMm / PX_PER_MM - 1)).toBeLessThan(0.01);
    expect(Math.abs(repeatPx.x / 160 - 1)).toBeLessThan(0.01);
    expect(Math.abs(repeatPx.y / 160 - 1)).toBeLessThan(0.01);
    // Whole repeats, so the check continues across the seam.
    expect(Math.abs(tile.width / repeatPx.x - Math.round(tile.width / repeatPx.x))).toBeLessThan(0.05);
  });

  it('is seamless: the wrap-around step is no larger than the interior ones, and the check continues across the seam (a plain crop does not)', async () => {
    const { tile, repeatPx } = result;
    for (const r of seamIsContinuous(tile.rgb, tile.width, tile.height, repeatPx)) expect(r.ok, `${r.axis}: ${r.seam} vs ${r.interior}`).toBe(true);
    for (const axis of ['x', 'y'] as const) {
      const s = seamPeriodicity(tile.rgb, tile.width, tile.height, 160, axis);
      expect(s.across, `tile ${axis}`).toBeLessThanOrEqual(1.25 * s.inside + 0.003);
    }
    // The same measure on a plain centre crop of the photo (uneven light, partial repeats) finds the seam.
    const side = 517;
    const { data } = await sharp(photo).extract({ left: 300, top: 200, width: side, height: side }).raw().toBuffer({ resolveWithObject: true });
    for (const axis of ['x', 'y'] as const) {
      const s = seamPeriodicity(new Uint8Array(data), side, side, 160, axis);
      expect(s.across, `naive crop ${axis}`).toBeGreaterThan(2 * s.inside);
    }
  });

  it('measures the mean colour of the cloth within ΔE2000 < 2 despite the lighting and the JPEG', () => {
    expect(deltaE2000(result.lab, cloth.meanLab)).toBeLessThan(2);
    expect(deltaE2000(meanLab(result.tile.rgb, result.tile.width, result.tile.height), result.lab)).toBeLessThan(0.01);
    expect(result.meanHex).toMatch(/^#[0-9A-F]{6}$/);
  });

  it('removes the lighting gradient: the first and last repeats match within 2 % (the photo differed by > 10 %)', async () => {
    const { tile, repeatPx } = result;
    const p = Math.round(repeatPx.x);
    const left = bandLuma(tile.rgb, tile.width, tile.height, 0, p);
    const right = bandLuma(tile.rgb, tile.width, tile.height, tile.width - p, tile.width);
    expect(Math.abs(left / right - 1)).toBeLessThan(0.02);
    const { data, info } = await sharp(photo).raw().toBuffer({ resolveWithObject: true });
    const pl = bandLuma(new Uint8Array(data), info.width, info.height, 160, 320);
    const pr = bandLuma(new Uint8Array(data), info.width, info.height, 880, 1040);
    expect(pr / pl - 1).toBeGreaterThan(0.1);
  });

  it('does not smear the pattern: the blended border bands stay as crisp as the untouched centre (≥ 75 %)', () => {
    const { tile } = result;
    const w = tile.width,
      band = Math.round(w * 0.1);
    const centre = bandCrispness(tile.rgb, w, tile.height, (w >> 1) - band, (w >> 1) + band);
    const edge = (bandCrispness(tile.rgb, w, tile.height, 0, band) + bandCrispness(tile.rgb, w, tile.height, w - band, w)) / 2;
    expect(edge / centre).toBeGreaterThan(0.75);
  });

  it('writes the tile as a PNG that decodes to the same pixels', async () => {
    const { data, info } = await sharp(result.png).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(result.tile.width);
    expect(Buffer.from(data).equals(Buffer.from(result.tile.rgb))).toBe(true);
  });

  it('honours an explicit crop', async () => {
    const r = await makeSwatchTile(photo, { widthMm: W / PX_PER_MM, crop: { left: 100, top: 100, width: 500, height: 400 } });
    expect(r.tile.width).toBeLessThanOrEqual(500);
    expect(r.tile.height).toBeLessThanOrEqual(400);
    expect(Math.abs(r.tile.width / r.tile.widthMm / PX_PER_MM - 1)).toBeLessThan(0.01);
    await expect(makeSwatchTile(photo, { widthMm: 150, crop: { left: 1000, top: 0, width: 500, height: 400 } })).rejects.toThrow(/does not fit/);
    await expect(makeSwatchTile(photo, { widthMm: 0 })).rejects.toThrow(/widthMm/);
  });
});

describe('makeSwatchTile on a plain (unpatterned) flannel', () => {
  it('finds no repeat, tiles seamlessly and keeps the colour', async () => {
    const cloth = generateFabricTexture({ design: { weave: 'flannel', pattern: 'solid', threadMm: 0.3 }, hex: '#5A5E66' }, PX_PER_MM);
    const r = await makeSwatchTile(await photograph(cloth), { widthMm: W / PX_PER_MM, maxSide: 512 });
    expect(Math.max(r.tile.width, r.tile.height)).toBeLessThanOrEqual(512);
    for (const s of seamIsContinuous(r.tile.rgb, r.tile.width, r.tile.height, r.repeatPx)) expect(s.ok, s.axis).toBe(true);
    expect(deltaE2000(r.lab, cloth.meanLab)).toBeLessThan(2);
  });
});

describe('assessSwatchPhoto', () => {
  let photo: Buffer;
  beforeAll(async () => {
    const cloth = generateFabricTexture({ design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 20 }, hex: '#6B6F78' }, PX_PER_MM);
    photo = await photograph(cloth);
  });

  it('accepts a sharp photo of a good size', async () => {
    expect(await assessSwatchPhoto(photo)).toBeNull();
    const report = await inspectSwatchPhoto(photo);
    expect(report.width).toBe(W);
    expect(report.sharpness).toBeGreaterThan(2000);
  });

  it('says when a photo is out of focus', async () => {
    const blurred = await sharp(photo).blur(3).jpeg({ quality: 90 }).toBuffer();
    const problem = await assessSwatchPhoto(blurred);
    expect(problem?.code).toBe('blurred');
    expect(problem?.message).toMatch(/out of focus/);
    // The threshold is the caller's to set.
    expect(await assessSwatchPhoto(blurred, { minSharpness: 1 })).toBeNull();
  });

  it('says when a photo is too small, and lists every problem', async () => {
    const tiny = await sharp(photo).resize(200, 150).blur(6).jpeg().toBuffer();
    const problem = await assessSwatchPhoto(tiny);
    expect(problem?.code).toBe('too_small');
    expect(problem?.message).toMatch(/200 × 150/);
    expect(problem?.problems.map((p) => p.code)).toEqual(['too_small', 'blurred']);
    expect(await assessSwatchPhoto(tiny, { minSide: 100, minSharpness: 1 })).toBeNull();
  });

  it('rejects something that is not an image', async () => {
    await expect(assessSwatchPhoto(Buffer.from('not a picture'))).rejects.toThrow();
  });
});
