/**
 * Client photo studio benchmarks (issue 15): the cloth applied to a client's photo at 12 MP and at
 * 2048², once the photo and its mask are a template (template preparation is measured apart: it is
 * done once per photo and mask, on the render thread that first renders them); Telea fill of a 10 %
 * hole in 1024²; the suggested mask at 1.5 MP and 12 MP, and its IoU against the true garment masks
 * of four test photos (drawn suits rendered on walls, a head and hands drawn in). Medians. Run alone:
 *   npm run bench studio
 */
import sharp from 'sharp';
import { createComposeEngine } from '../src/engines/compose/index.ts';
import type { FabricSpec } from '../src/engines/types.ts';
import { suggestedMaskPng } from '../src/studio/images.ts';
import { inpaintTelea, loadOpenCv } from '../src/studio/inpaint.ts';
import { loadPhotoTemplate } from '../src/templates/index.ts';
import { iou, makeClientPhoto, maskPng, type PhotoScene } from '../test/studio/fixtures.ts';
import { summary } from './stats.ts';

const cloth: FabricSpec = { hex: '#1C2841', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 12, sheen: 0.2 } };
const SCENES: PhotoScene[] = [
  { cut: 'single-breasted', view: 'front', suit: { hex: '#7A7468', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } } },
  { cut: 'double-breasted', view: 'front', suit: { hex: '#1F2A44', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 12 } }, wall: [[230, 220, 200], [180, 170, 150]] },
  { cut: 'three-piece', view: 'three-quarter', suit: { hex: '#5A5F66', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25 } }, skin: [141, 85, 36] },
  { cut: 'single-breasted', view: 'three-quarter', suit: { hex: '#C8B89A', design: { weave: 'plain', pattern: 'solid', threadMm: 0.25 } }, wall: [[90, 100, 110], [60, 64, 70]] },
];

async function scaled(png: Buffer, w: number, h: number, kernel: 'lanczos3' | 'nearest' = 'lanczos3') {
  return sharp(png).resize(w, h, { fit: 'fill', kernel }).png({ compressionLevel: 1 }).toBuffer();
}

async function applyCloth(photo: Buffer, mask: Buffer, w: number, h: number, runs: number) {
  const t0 = performance.now();
  const cv = await loadPhotoTemplate(photo, mask, { cut: 'studio', view: `b${w}`, width: w, height: h, pxPerMm: h / 1800 });
  const templateMs = performance.now() - t0;
  const engine = createComposeEngine();
  engine.addTemplate(cv);
  const raw: number[] = [];
  const withJpeg: number[] = [];
  const watermark = { text: '', opacity: 0, position: 'bottom-right' as const };
  await engine.renderRaw({ cut: cv.cut, view: cv.view, fabric: cloth, template: cv }, 'full');
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    await engine.renderRaw({ cut: cv.cut, view: cv.view, fabric: cloth, template: cv }, 'full');
    raw.push(performance.now() - t);
    t = performance.now();
    await engine.render({ cut: cv.cut, view: cv.view, fabric: cloth, template: cv, watermark, sizes: ['full'] });
    withJpeg.push(performance.now() - t);
  }
  return { templatePrepMs: Math.round(templateMs), applyClothMs: summary(raw), applyClothAndJpegMs: summary(withJpeg) };
}

export async function benchStudio(runs = 7): Promise<Record<string, unknown>> {
  const base = await makeClientPhoto({ size: 'full' });
  const truthPng = await maskPng(base.truth, base.width, base.height);
  const results: Record<string, unknown> = {};

  // 12 MP (3000 × 4000) and 2048².
  results.twelveMegapixel = await applyCloth(await scaled(base.png, 3000, 4000), await scaled(truthPng, 3000, 4000, 'nearest'), 3000, 4000, runs);
  results.square2048 = await applyCloth(await scaled(base.png, 2048, 2048), await scaled(truthPng, 2048, 2048, 'nearest'), 2048, 2048, runs);

  // Telea, 1024², a 10 % hole (a 324 px square) on a photo.
  await loadOpenCv();
  const square = await sharp(base.png).resize(1024, 1024, { fit: 'cover' }).raw().toBuffer();
  const hole = new Uint8Array(1024 * 1024);
  for (let y = 350; y < 674; y++) for (let x = 350; x < 674; x++) hole[y * 1024 + x] = 1;
  const telea: number[] = [];
  await inpaintTelea({ width: 1024, height: 1024, pixels: square, channels: 3, hole, radius: 3 });
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await inpaintTelea({ width: 1024, height: 1024, pixels: square, channels: 3, hole, radius: 3 });
    telea.push(performance.now() - t);
  }
  results.teleaFill1024Hole10pctMs = summary(telea);

  // The suggested mask: time at 1.5 MP and 12 MP, IoU on four scenes.
  const timeMask = async (w: number, h: number) => {
    const rgb = w === base.width ? base.rgb : new Uint8Array(await sharp(base.png).resize(w, h, { fit: 'fill' }).raw().toBuffer());
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await suggestedMaskPng({ width: w, height: h, rgb }, 256);
      times.push(performance.now() - t);
    }
    return summary(times);
  };
  results.suggestMask1536x1024Ms = await timeMask(base.width, base.height);
  results.suggestMask12MPMs = await timeMask(3000, 4000);
  const ious: Record<string, number> = {};
  for (const scene of SCENES) {
    const p = await makeClientPhoto({ ...scene, size: 'full' });
    const png = await suggestedMaskPng({ width: p.width, height: p.height, rgb: p.rgb }, 256);
    const grey = await sharp(png).greyscale().raw().toBuffer();
    const got = new Uint8Array(grey.length);
    for (let i = 0; i < grey.length; i++) got[i] = grey[i]! > 127 ? 1 : 0;
    ious[`${scene.cut}/${scene.view} ${scene.suit?.hex} ${scene.suit?.design.pattern}`] = Number(iou(got, p.truth).toFixed(3));
  }
  const values = Object.values(ious);
  results.suggestMaskIoU = { scenes: ious, mean: Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(3)) };
  results.targets = { applyCloth12MPMs: 400, applyCloth2048Ms: 150, teleaFill1024Ms: 150, suggestMaskMs: 1000 };
  return results;
}
