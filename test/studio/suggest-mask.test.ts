import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { suggestedMaskPng } from '../../src/studio/images.ts';
import { iou, makeClientPhoto, makeTealWallClient, MASK_SCENES, type PhotoScene } from './fixtures.ts';

/**
 * The suggested garment mask (colour/edge grab-cut assist) on test photos: drawn suits rendered on
 * walls with a head and hands. It must find the jacket and trousers whatever the suit and wall are —
 * a glen check as grey as the wall behind it, a tan suit the colour of skin before a teal wall — and
 * leave out the face, the hands and the shirt-and-tie V (a grey tie on a grey glen check included),
 * without taking the jacket for a shirt when the shirt is the suit's colour.
 */
async function suggestion(scene: PhotoScene | 'teal-wall') {
  const p = scene === 'teal-wall' ? await makeTealWallClient() : await makeClientPhoto({ ...scene, size: 'full' });
  const png = await suggestedMaskPng({ width: p.width, height: p.height, rgb: p.rgb }, 256);
  const grey = await sharp(png).greyscale().raw().toBuffer();
  const got = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i++) got[i] = grey[i]! > 127 ? 1 : 0;
  return { p, got };
}

/** Skin-toned pixels the fixture drew (face and hands), never on the garment. */
function skinPixels(p: Awaited<ReturnType<typeof makeClientPhoto>>, skin: [number, number, number]): Uint8Array {
  const out = new Uint8Array(p.width * p.height);
  for (let i = 0; i < out.length; i++) {
    if (p.truth[i]) continue;
    const r = p.rgb[i * 3]!;
    const g = p.rgb[i * 3 + 1]!;
    const b = p.rgb[i * 3 + 2]!;
    // The fixture shades skin by 0.75..1 of its colour: the same ratios between channels.
    const k = r / skin[0];
    if (k >= 0.7 && k <= 1.01 && Math.abs(g - skin[1] * k) <= 3 && Math.abs(b - skin[2] * k) <= 3) out[i] = 1;
  }
  return out;
}

describe('suggested garment mask', () => {
  it.each(MASK_SCENES.map((s) => [`${s.cut}/${s.view} ${s.suit?.hex} ${s.suit?.design.pattern}${s.tie ? ` ${s.tie} tie` : ''}`, s] as const))(
    '%s: the jacket and trousers (IoU > 0.9), without face or hands',
    async (_name, scene) => {
      const { p, got } = await suggestion(scene);
      const score = iou(got, p.truth);
      const skin = skinPixels(p, scene.skin ?? [224, 172, 140]);
      let skinCount = 0;
      let skinMarked = 0;
      for (let i = 0; i < skin.length; i++) {
        if (!skin[i]) continue;
        skinCount++;
        skinMarked += got[i]!;
      }
      // The shirt-and-tie V (a tie of the suit's own colour included) is left out; the jacket around
      // it is kept, also when the shirt is the suit's colour and no V can be seen.
      let vCount = 0;
      let vMarked = 0;
      for (let i = 0; i < skin.length; i++) {
        if (!p.shirtV![i]) continue;
        vCount++;
        vMarked += got[i]!;
      }
      let top = p.height;
      let bottom = 0;
      for (let i = 0; i < p.truth.length; i++) {
        if (!p.truth[i]) continue;
        const y = (i / p.width) | 0;
        top = Math.min(top, y);
        bottom = y;
      }
      let jacket = 0;
      let jacketMarked = 0;
      for (let i = 0; i < (top + 0.45 * (bottom - top)) * p.width; i++) {
        if (!p.truth[i]) continue;
        jacket++;
        jacketMarked += got[i]!;
      }
      console.log(
        `${_name}: IoU ${score.toFixed(3)}; skin marked ${skinMarked} of ${skinCount} px; shirt-and-tie V marked ${(vMarked / vCount).toFixed(3)}; jacket kept ${(jacketMarked / jacket).toFixed(3)}`,
      );
      expect(skinCount).toBeGreaterThan(500);
      expect(score).toBeGreaterThan(0.9);
      expect(skinMarked / skinCount).toBeLessThan(0.1);
      expect(vCount).toBeGreaterThan(5000);
      if (!scene.shirtLikeSuit) expect(vMarked / vCount).toBeLessThan(0.2);
      expect(jacketMarked / jacket).toBeGreaterThan(0.97);
    },
    60_000,
  );

  it("the e2e's client (a tan windowpane before a teal wall, JPEG, no head): the whole suit", async () => {
    const { p, got } = await suggestion('teal-wall');
    const score = iou(got, p.truth);
    console.log(`tan windowpane before a teal wall (e2e photo): IoU ${score.toFixed(3)}`);
    expect(score).toBeGreaterThan(0.9);
  }, 60_000);
});
