/**
 * Photo templates: the reference photos of the system we replace (salmon single-breasted, cream
 * double-breasted), read from ../shared/reference/photo-templates (never copied into the repo).
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, expect, it } from 'vitest';
import { describeWithReference, referencePath } from '../../../test/helpers/reference.ts';
import { hexToLab, labToLch } from '../../fabrics/index.ts';
import { loadPhotoTemplate } from '../../templates/index.ts';
import type { CutView } from '../../templates/types.ts';
import type { FabricSpec } from '../types.ts';
import { createComposeEngine } from './index.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import { decode, deltaE2000, deshadedMeanLab, luma, meanLab, pearson } from './test-helpers.ts';

const dir = referencePath('photo-templates');
const PHOTOS = ['recto', 'cruzado'].flatMap((n) => [`photo-templates/${n}_reference.jpg`, `photo-templates/${n}_mask.png`]);
const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const watermark = { text: 'ATELIER', opacity: 0, position: 'bottom-right' as const };
const solid = (hex: string): FabricSpec => ({ hex, design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } });

const hueDistance = (a: number, b: number) => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

describeWithReference(PHOTOS, 'photo templates', () => {
  const templates: Record<string, CutView> = {};
  const photos: Record<string, Awaited<ReturnType<typeof decode>>> = {};
  beforeAll(async () => {
    for (const name of ['recto', 'cruzado']) {
      const base = await readFile(`${dir}/${name}_reference.jpg`);
      const mask = await readFile(`${dir}/${name}_mask.png`);
      templates[name] = await loadPhotoTemplate(base, mask, { cut: `photo-${name}`, view: 'front' });
      engine.addTemplate(templates[name]);
      const sharp = (await import('sharp')).default;
      photos[name] = await decode(await sharp(base).resize(1024, 1536, { fit: 'cover' }).png().toBuffer());
    }
  });

  it('are registered as views of the engine', () => {
    const v = engine.views().find((x) => x.cut === 'photo-recto');
    expect(v).toMatchObject({ view: 'front', width: 1024, height: 1536 });
  });

  it.each([
    ['recto', '#0A1D3A'],
    ['cruzado', '#343434'],
    ['recto', '#6D0D2B'],
  ])("%s in %s: the photo's own colour vanishes, the cloth's colour is exact", async (name, hex) => {
    const cv = templates[name];
    const res = await engine.render({ cut: cv.cut, view: cv.view, fabric: solid(hex), watermark });
    const img = await decode(res.images.find((i) => i.size === 'full')!.data);
    const maps = await engine.shadingMaps(cv.cut, cv.view, solid(hex));
    const inside = (i: number) => maps.coverage[i] === 255;
    const rendered = meanLab(img, inside);
    const photoColour = meanLab(photos[name], inside);
    const target = hexToLab(hex);
    // The garment now reads as the cloth, not as the photo's salmon or cream: the same hue, or for a
    // neutral grey no tint left at all.
    if (labToLch(target)[1] > 10) expect(hueDistance(labToLch(rendered)[2], labToLch(target)[2])).toBeLessThan(15);
    else expect(labToLch(rendered)[1]).toBeLessThan(3);
    expect(deltaE2000(rendered, target)).toBeLessThan(deltaE2000(rendered, photoColour) / 3);
    expect(deltaE2000(deshadedMeanLab(img, maps), target)).toBeLessThan(2);
  });

  it.each(['recto', 'cruzado'])(
    "%s: the photo's measured shade already holds its light suit's interreflection, and is not filled again for light cloth",
    async (name) => {
      const cv = templates[name];
      for (const size of ['full', 'hd'] as const) {
        const [navy, cream] = [
          await engine.shadingMaps(cv.cut, cv.view, solid('#0A1D3A'), size),
          await engine.shadingMaps(cv.cut, cv.view, solid('#F2F0EB'), size),
        ];
        expect(cream.mul.length).toBe(navy.mul.length);
        let differ = 0;
        for (let i = 0; i < navy.mul.length; i++) if (cream.mul[i] !== navy.mul[i]) differ++;
        expect(differ, size).toBe(0);
      }
    },
  );

  it.each(['recto', 'cruzado'])("%s keeps the photo's folds, light and shadow", async (name) => {
    const cv = templates[name];
    const res = await engine.render({ cut: cv.cut, view: cv.view, fabric: solid('#0A1D3A'), watermark });
    const img = await decode(res.images.find((i) => i.size === 'full')!.data);
    const maps = await engine.shadingMaps(cv.cut, cv.view, solid('#0A1D3A'));
    const r = pearson(luma(img), luma(photos[name]), (i) => maps.coverage[i] === 255);
    expect(r).toBeGreaterThan(0.8);
  });

  it('displaces the pattern along the folds, gently', async () => {
    const base = await readFile(`${dir}/recto_reference.jpg`);
    const mask = await readFile(`${dir}/recto_mask.png`);
    const flat = await loadPhotoTemplate(base, mask, { cut: 'flat', foldWarp: 0 });
    const warped = templates.recto;
    const a = flat.levels.full;
    const b = warped.levels.full;
    expect(a.pix.length).toBe(b.pix.length);
    let sum = 0;
    let max = 0;
    for (let k = 0; k < a.pix.length; k++) {
      const d = Math.hypot(a.u[k] - b.u[k], a.v[k] - b.v[k]);
      sum += d;
      max = Math.max(max, d);
    }
    expect(max).toBeGreaterThan(1);
    expect(sum / a.pix.length).toBeLessThan(3);
  });

  it('keeps everything outside the mask as photographed', async () => {
    const cv = templates.recto;
    const raw = await engine.renderRaw({ cut: cv.cut, view: cv.view, fabric: solid('#0A1D3A') });
    const maps = await engine.shadingMaps(cv.cut, cv.view, solid('#0A1D3A'));
    let diff = 0;
    let n = 0;
    for (let i = 0; i < maps.coverage.length; i++) {
      if (maps.coverage[i]) continue;
      diff += Math.abs(raw.rgb[i * 3] - photos.recto.px[i * 3]);
      n++;
    }
    expect(diff / n).toBeLessThan(1.5);
  });
});
