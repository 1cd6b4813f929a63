import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { suggestedMaskPng } from '../../src/studio/images.ts';
import { itWithReference, referencePath } from '../helpers/reference.ts';
import { iou, makeClientPhoto, makeTealWallClient, MASK_SCENES, type PhotoScene, SHOE_SCENES, TIE_SCENES } from './fixtures.ts';

/**
 * The suggested garment mask (colour/edge grab-cut assist) on test photos: drawn suits rendered on
 * walls with a head and hands. It must find the jacket and trousers whatever the suit and wall are —
 * a glen check as grey as the wall behind it, a tan suit the colour of skin before a teal wall — and
 * leave out the face, the hands and the shirt-and-tie V (a grey tie on a grey glen check included),
 * without taking the jacket for a shirt when the shirt is the suit's colour.
 */
async function suggestion(scene: PhotoScene | 'teal-wall') {
  const p = scene === 'teal-wall' ? await makeTealWallClient() : await makeClientPhoto({ ...scene, size: scene.size ?? 'full' });
  const png = await suggestedMaskPng({ width: p.width, height: p.height, rgb: p.rgb }, 256);
  const grey = await sharp(png).greyscale().raw().toBuffer();
  const got = new Uint8Array(grey.length);
  for (let i = 0; i < grey.length; i++) got[i] = grey[i]! > 127 ? 1 : 0;
  return { p, got };
}

/** Sizes of the 4-connected pieces of `value` in the mask (holes: pieces of 0 not touching the frame), largest first. */
function pieces(mask: Uint8Array, w: number, h: number, value: 0 | 1): number[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const sizes: number[] = [];
  for (let s = 0; s < mask.length; s++) {
    if (seen[s] || mask[s] !== value) continue;
    let size = 0;
    let framed = false;
    let sp = 0;
    stack[sp++] = s;
    seen[s] = 1;
    while (sp) {
      const i = stack[--sp]!;
      size++;
      const x = i % w;
      const y = (i - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) framed = true;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && !seen[j] && mask[j] === value) {
          seen[j] = 1;
          stack[sp++] = j;
        }
      }
    }
    if (value === 1 || !framed) sizes.push(size);
  }
  return sizes.sort((a, b) => b - a);
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

/** The suit's upper 45 % (the jacket): how many of its pixels there are, and how many the mask keeps. */
function jacketKept(p: { width: number; height: number; truth: ArrayLike<number> }, got: ArrayLike<number>): { jacket: number; jacketMarked: number } {
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
  return { jacket, jacketMarked };
}

describe('suggested garment mask', () => {
  // Also at half the size (the same 256 px working copy, every edge falling a little differently on
  // it). Until the mask looked for the V by colour alone when its smooth blocks made none, the
  // black-and-white houndstooth's V was lost there: 0.249 of it marked as suit.
  it.each(
    MASK_SCENES.flatMap((s) =>
      (['full', 'preview'] as const).map(
        (size) => [`${s.cut}/${s.view} ${s.suit?.hex} ${s.suit?.design.pattern}${s.tie ? ` ${s.tie} tie` : ''}, ${size} size`, { ...s, size }] as const,
      ),
    ),
  )(
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
      const { jacket, jacketMarked } = jacketKept(p, got);
      console.log(
        `${_name}: IoU ${score.toFixed(3)}; skin marked ${skinMarked} of ${skinCount} px; shirt-and-tie V marked ${(vMarked / vCount).toFixed(3)}; jacket kept ${(jacketMarked / jacket).toFixed(3)}`,
      );
      // At half the size a quarter of the pixels; the outline's doubtful band twice the jacket's share.
      const half = scene.size === 'preview';
      expect(skinCount).toBeGreaterThan(half ? 125 : 500);
      expect(score).toBeGreaterThan(0.9);
      expect(skinMarked / skinCount).toBeLessThan(0.1);
      expect(vCount).toBeGreaterThan(half ? 1250 : 5000);
      if (!scene.shirtLikeSuit) expect(vMarked / vCount).toBeLessThan(0.2);
      // A silver tie on the glen check's grey is followed below the V by its sides alone. Since the
      // lapels lie on the chest (b114), their edges a thin line and no longer a wide shadow, the cloth
      // beside the V steps less and the tie is followed a little further: 0.978 kept before, 0.966 now.
      expect(jacketMarked / jacket).toBeGreaterThan(half || scene.tie === 'silver' ? 0.96 : 0.97);
    },
    60_000,
  );

  // The suggestion must not hinge on which pixels lie where. The suit's colour clusters were grown
  // from pixels at fixed places in the raster: on a houndstooth, whether a black or a white check lay
  // there picked the suit's cluster, and with it how light the cloth may be. The photo and its mirror
  // image disagreed (IoU 0.952, the shirt-and-tie V marked 0.225 against 0.061), and a shirt cuff's
  // lower edge bowed 4 mm tipped it. Plain and other patterned cloths agree with their mirrors to
  // 0.967-0.978 (the mask's own edges).
  it('the houndstooth photo and its mirror image: the same suggestion, mirrored', async () => {
    const p = await makeClientPhoto({ ...MASK_SCENES[8]!, size: 'full' });
    expect(MASK_SCENES[8]!.suit?.design.pattern).toBe('houndstooth');
    const { width: w, height: h } = p;
    const mirrored = new Uint8Array(p.rgb.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mirrored.set(p.rgb.subarray((y * w + w - 1 - x) * 3, (y * w + w - x) * 3), (y * w + x) * 3);
    const mask = async (rgb: Uint8Array) => {
      const grey = await sharp(await suggestedMaskPng({ width: w, height: h, rgb }, 256))
        .greyscale()
        .raw()
        .toBuffer();
      return Uint8Array.from(grey, (v) => (v > 127 ? 1 : 0));
    };
    const a = await mask(p.rgb);
    const m = await mask(mirrored);
    const b = new Uint8Array(a.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b[y * w + x] = m[y * w + w - 1 - x]!;
    const agree = iou(a, b);
    console.log(`houndstooth and its mirror: IoU ${agree.toFixed(4)}`);
    expect(agree).toBeGreaterThan(0.96);
  }, 60_000);

  // A client photographed by a window: the fill is weak, so a light cloth in shade (the far sleeve and
  // leg of a three-quarter pose, between arm and body) is far darker than its lit folds, and its Lab
  // chroma falls with it. Taken for the cloth turning grey, that shade was left out (tan three-quarter:
  // 0.922 of the jacket kept, IoU 0.906; the windowpane front: IoU 0.936; measured with the shade
  // raised to 1.7 on the drawn suits' flat light of build b29; their studio contrast since deepens it
  // by as much, and the photo's light raises it to 1.4 beyond that).
  it.each([
    ['tan three-quarter', MASK_SCENES[3]!],
    ['tan windowpane front', MASK_SCENES[7]!],
  ] as const)(
    '%s under a hard light: the cloth in deep shade kept',
    async (name, scene) => {
      const { p, got } = await suggestion({ ...scene, hardLight: 1.4 });
      const score = iou(got, p.truth);
      const { jacket, jacketMarked } = jacketKept(p, got);
      console.log(`${name} under a hard light: IoU ${score.toFixed(4)}; jacket kept ${(jacketMarked / jacket).toFixed(3)}`);
      expect(score).toBeGreaterThan(0.95);
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

  // A plain suit with a tie of exactly its colour, taken by phone. The tie is not the suit's cloth:
  // re-clothed with it, the client would wear a tie of the new suit's cloth. So a demanding user
  // expects it left out whole, and the jacket around it whole: one piece, no holes, its lapels kept.
  // Also at half the size: the working copy is the same 256 px either way, but every edge falls a
  // little differently on it. Until b99 two of the four came apart there (a forest tie three-quarter:
  // 0.246 of the tie taken for cloth; the navy front: the V lost, 0.862), a pixel here or there.
  it.each(
    TIE_SCENES.flatMap((s) =>
      (['full', 'preview'] as const).map((size) => [`${s.cut}/${s.view} ${s.suit?.hex} with a ${s.tie} tie, by phone, ${size} size`, { ...s, size }] as const),
    ),
  )(
    '%s: the tie left out, the suit one whole piece',
    async (_name, scene) => {
      const { p, got } = await suggestion(scene);
      const score = iou(got, p.truth);
      let tie = 0;
      let tieMarked = 0;
      for (let i = 0; i < got.length; i++) {
        if (!p.tie![i]) continue;
        tie++;
        tieMarked += got[i]!;
      }
      const { jacket, jacketMarked } = jacketKept(p, got);
      const marked = got.reduce((sum, v) => sum + v, 0);
      const parts = pieces(got, p.width, p.height, 1);
      const holes = pieces(got, p.width, p.height, 0);
      console.log(
        `${_name}: IoU ${score.toFixed(4)}; tie marked ${(tieMarked / tie).toFixed(3)} of ${tie} px; jacket kept ${(jacketMarked / jacket).toFixed(3)}; largest piece ${(parts[0]! / marked).toFixed(4)} of the mask; largest hole ${holes[0] ?? 0} px`,
      );
      // At half the size the tie has a quarter of the pixels, and the outline's band of doubtful
      // pixels is twice the share of the jacket (1.2-3.3 % of it missed at full size, 1.6-3.2 % at half).
      // The 3.3 % (the navy three-quarter since b138): a strip of the far sleeve beyond the dark
      // crevice between it and the chest, a work pixel or two wide, left out with the crevice.
      const half = scene.size === 'preview';
      expect(tie).toBeGreaterThan(half ? 750 : 3000);
      expect(tieMarked / tie).toBeLessThan(0.05);
      expect(score).toBeGreaterThan(0.95);
      expect(jacketMarked / jacket).toBeGreaterThan(half ? 0.96 : 0.965);
      expect(parts[0]! / marked).toBeGreaterThan(0.995);
      expect(holes[0] ?? 0).toBeLessThan(0.001 * marked);
    },
    60_000,
  );

  // A charcoal suit over black shoes: both neutral, the shoes far darker. Colour alone took the shoes
  // for the suit (0.995-0.999 of their pixels marked); re-clothed, the client would stand in cloth
  // shoes. Seen three-quarter the far shoe is partly hidden behind the near trouser leg, and only the
  // part of it below the near shoe's top is found (0.38 of the shoes' pixels are still marked).
  it.each(SHOE_SCENES.map((s) => [`${s.cut}/${s.view} ${s.suit?.hex}${s.phone ? ', by phone' : ''}`, s] as const))(
    '%s: the black shoes left out, the trousers kept',
    async (_name, scene) => {
      const { p, got } = await suggestion(scene);
      const score = iou(got, p.truth);
      let shoes = 0;
      let shoesMarked = 0;
      for (let i = 0; i < got.length; i++) {
        if (!p.shoes![i]) continue;
        shoes++;
        shoesMarked += got[i]!;
      }
      console.log(`${_name}: IoU ${score.toFixed(4)}; shoes marked ${(shoesMarked / shoes).toFixed(3)} of ${shoes} px`);
      expect(shoes).toBeGreaterThan(3000);
      expect(shoesMarked / shoes).toBeLessThan(scene.view === 'front' ? 0.05 : 0.5);
      expect(score).toBeGreaterThan(0.97);
    },
    60_000,
  );

  // A silver suit before the blue-grey wall, taken by phone: as light as the wall and barely less
  // blue, its sleeves shaded down towards the wall's colour at their outer edge, with no step over 5
  // units there: the background's flood took a whole sleeve for wall. And its lit folds come within a
  // few units of the white shirt: the margin for sheen above them took the shirt (0.53 of the
  // shirt-and-tie V marked). (The backdrop the drawing encloses between the legs: see below.)
  it('a silver suit before the blue-grey wall, by phone: both sleeves kept, the white shirt left out', async () => {
    const scene: PhotoScene = {
      cut: 'single-breasted',
      view: 'front',
      suit: { hex: '#C0C0C0', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } },
      seed: 33,
      phone: { noise: 4, quality: 80 },
    };
    const { p, got } = await suggestion(scene);
    const score = iou(got, p.truth);
    const { jacket, jacketMarked } = jacketKept(p, got);
    let v = 0;
    let vMarked = 0;
    for (let i = 0; i < got.length; i++) {
      if (!p.shirtV![i]) continue;
      v++;
      vMarked += got[i]!;
    }
    console.log(
      `silver #C0C0C0 before the blue-grey wall, by phone: IoU ${score.toFixed(4)}; jacket kept ${(jacketMarked / jacket).toFixed(3)}; shirt-and-tie V marked ${(vMarked / v).toFixed(3)}`,
    );
    expect(jacketMarked / jacket).toBeGreaterThan(0.97);
    expect(vMarked / v).toBeLessThan(0.3);
    expect(score).toBeGreaterThan(0.92);
  }, 60_000);

  // A light grey suit before the blue-grey wall, by phone, turned: the wall at the suit's lightness,
  // 7 units from it, mostly in hue, crossed at the outline in steps of 3.5-4 on the working copy. The
  // background's flood stepped up to 5 units at a time and walked in over them: with the wall's grain
  // as it falls for seed 42 it took the near half of the jacket, its sleeve with it (IoU 0.666, 0.688
  // of the suit kept; seed 41 kept it). It now steps no further than a smooth wall's own grain allows.
  it.each([41, 42])(
    'a light grey suit before the blue-grey wall of its lightness, by phone, turned (seed %i): the near front and sleeve kept',
    async (seed) => {
      const scene: PhotoScene = {
        cut: 'single-breasted',
        view: 'three-quarter',
        suit: { hex: '#A8A8A8', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } },
        seed,
        phone: { noise: 4, quality: 80 },
      };
      const { p, got } = await suggestion(scene);
      const score = iou(got, p.truth);
      const { jacket, jacketMarked } = jacketKept(p, got);
      console.log(`light grey #A8A8A8 turned, seed ${seed}: IoU ${score.toFixed(4)}; jacket kept ${(jacketMarked / jacket).toFixed(3)}`);
      expect(jacketMarked / jacket).toBeGreaterThan(0.97);
      expect(score).toBeGreaterThan(0.95);
    },
    60_000,
  );

  // Light suits before the blue-grey wall, by phone. The drawing leaves the backdrop between the legs
  // enclosed (the floor's light neutral, met by the floor's shadow and the shoes): the flood from the
  // frame's border never reaches it, and it is as light and neutral as the silver or the light grey,
  // so colour took it for cloth (0.46 of it marked on the silver, 0.30 on the light grey): re-clothed,
  // the new cloth is painted over the floor between the legs. Between the legs: the truth's background
  // whose row has garment on both sides, in the pieces that start below the jacket's middle (the
  // crotch, not the shirt-and-tie V or the gap under an arm). The reference photos are cut at the
  // thighs and show no such gap; their tests below keep the cream's lit lapel and cuff, as white as
  // the wall. (Left: a stone #D6D2CA within 3 ΔE of the floor still takes it, 0.89 marked.)
  it.each([
    ['silver #C0C0C0', '#C0C0C0', 33],
    ['light grey #BDBDBD', '#BDBDBD', 34],
  ] as const)(
    'a %s suit before the blue-grey wall, by phone: the backdrop between the legs left out',
    async (name, hex, seed) => {
      const scene: PhotoScene = {
        cut: 'single-breasted',
        view: 'front',
        suit: { hex, design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, sheen: 0.2 } },
        seed,
        phone: { noise: 4, quality: 80 },
      };
      const { p, got } = await suggestion(scene);
      const { width: w, height: h, truth } = p;
      const between = new Uint8Array(w * h);
      const minRun = 3 * Math.ceil(Math.max(w, h) / 256);
      let top = h;
      let bottom = 0;
      for (let y = 0; y < h; y++) {
        let l = -1;
        let r = -1;
        for (let x = 0; x < w; x++) {
          if (!truth[y * w + x]) continue;
          if (l < 0) l = x;
          r = x;
        }
        if (l < 0) continue;
        top = Math.min(top, y);
        bottom = y;
        // Runs of background at least three of the suggestion's working pixels wide: the fork's
        // narrow top (since b137 the legs part in a taper, 3-16 mm wide over its first 60 mm) is
        // finer than a 256 px mask can draw, and is closed over as any smoothing closes a slit.
        for (let x = l + 1; x < r; ) {
          if (truth[y * w + x]) {
            x++;
            continue;
          }
          let e = x;
          while (e < r && !truth[y * w + e]) e++;
          if (e - x >= minRun) for (let i = x; i < e; i++) between[y * w + i] = 1;
          x = e;
        }
      }
      // Keep the pieces that start below the crotch's height bound (45 % down the suit).
      const seen = new Uint8Array(w * h);
      let legs = 0;
      let legsMarked = 0;
      for (let s = 0; s < w * h; s++) {
        if (!between[s] || seen[s]) continue;
        const piece: number[] = [];
        const stack = [s];
        seen[s] = 1;
        while (stack.length) {
          const i = stack.pop()!;
          piece.push(i);
          const x = i % w;
          for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, i - w, i + w]) {
            if (j >= 0 && j < w * h && between[j] && !seen[j]) {
              seen[j] = 1;
              stack.push(j);
            }
          }
        }
        if (((s / w) | 0) <= top + 0.45 * (bottom - top)) continue;
        legs += piece.length;
        for (const i of piece) legsMarked += got[i]!;
      }
      const score = iou(got, truth);
      const { jacket, jacketMarked } = jacketKept(p, got);
      console.log(
        `${name} before the blue-grey wall, by phone: IoU ${score.toFixed(4)}; between the legs marked ${(legsMarked / legs).toFixed(3)} of ${legs} px; jacket kept ${(jacketMarked / jacket).toFixed(3)}`,
      );
      expect(legs).toBeGreaterThan(10_000);
      expect(legsMarked / legs).toBeLessThan(0.1);
      expect(jacketMarked / jacket).toBeGreaterThan(0.97);
      expect(score).toBeGreaterThan(0.94);
    },
    60_000,
  );

  // The replaced system's photo templates: real photos of a model (no tie), each with its garment
  // mask painted by hand. Both are cut by the frame's bottom edge at the trousers, which run into the
  // border the background is learnt from; and in both a hand lies on the cloth (recto: on the
  // trousers, cruzado: in the pocket), the salmon suit almost the hand's colour.
  const referenceSuggestion = async (name: string) => {
    const { data, info } = await sharp(referencePath(`photo-templates/${name}_reference.jpg`))
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const painted = await sharp(referencePath(`photo-templates/${name}_mask.png`))
      .resize(info.width, info.height, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
    const png = await suggestedMaskPng({ width: info.width, height: info.height, rgb: new Uint8Array(data) }, 256);
    const grey = await sharp(png).greyscale().raw().toBuffer();
    const got = new Uint8Array(grey.length);
    const truth = new Uint8Array(grey.length);
    for (let i = 0; i < grey.length; i++) {
      got[i] = grey[i]! > 127 ? 1 : 0;
      truth[i] = painted[i]! > 127 ? 1 : 0;
    }
    return { width: info.width, height: info.height, rgb: data, got, truth };
  };
  // The cream suit ('cruzado') in shade: strips between the arm and the body, along the sleeve by the
  // hand in the pocket, on the trousers below it. Darker than any lit fold and warmer (yellower) than
  // the near-white cloth, they were taken for something else. The painted cloth's shaded pixels (luma
  // under 0.85 of the painted cloth's median) must be kept, and what is marked outside stays small.
  itWithReference(
    ['photo-templates/cruzado_reference.jpg', 'photo-templates/cruzado_mask.png'],
    "the reference photo 'cruzado' (a cream suit): its cloth in shade kept",
    async () => {
      const { rgb, got, truth } = await referenceSuggestion('cruzado');
      const luma = (i: number) => 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
      const lumas: number[] = [];
      for (let i = 0; i < truth.length; i++) if (truth[i]) lumas.push(luma(i));
      lumas.sort((a, b) => a - b);
      const median = lumas[lumas.length >> 1]!;
      let shaded = 0;
      let shadedMarked = 0;
      let cloth = 0;
      let outside = 0;
      for (let i = 0; i < truth.length; i++) {
        if (!truth[i]) {
          outside += got[i]!;
          continue;
        }
        cloth++;
        if (luma(i) >= 0.85 * median) continue;
        shaded++;
        shadedMarked += got[i]!;
      }
      console.log(
        `cruzado: cloth in shade marked ${(shadedMarked / shaded).toFixed(3)} of ${shaded} px; marked outside the painted cloth ${(outside / cloth).toFixed(4)} of its area`,
      );
      expect(shaded).toBeGreaterThan(10_000);
      expect(shadedMarked / shaded).toBeGreaterThan(0.9);
      expect(outside / cloth).toBeLessThan(0.012);
    },
    60_000,
  );

  for (const name of ['recto', 'cruzado'] as const) {
    itWithReference(
      [`photo-templates/${name}_reference.jpg`, `photo-templates/${name}_mask.png`],
      `the reference photo '${name}' (a real photo): near its hand-painted mask, the trousers down to the frame, not the hands`,
      async () => {
        const { width: w, height: h, rgb, got, truth } = await referenceSuggestion(name);
        const score = iou(got, truth);
        // The trousers: the painted mask's lower 40 % (below the jacket's hem), down to the frame.
        let top = h;
        let bottom = 0;
        for (let i = 0; i < truth.length; i++) {
          if (!truth[i]) continue;
          const y = (i / w) | 0;
          top = Math.min(top, y);
          bottom = y;
        }
        const lower = Math.round(top + 0.6 * (bottom - top));
        let trousers = 0;
        let trousersMarked = 0;
        for (let i = lower * w; i < truth.length; i++) {
          if (!truth[i]) continue;
          trousers++;
          trousersMarked += got[i]!;
        }
        // The hands: in the lower half, outside the painted mask and clear of its outline (8 px, the
        // painter's anti-aliasing and the hand's own shadow on the cloth), warm pixels: red above green
        // above blue, well apart. The wall is white, the shirt's cuffs white or blue, the suit left out.
        const clear = 8;
        let hand = 0;
        let handMarked = 0;
        for (let y = h >> 1; y < h; y++) {
          for (let x = clear; x < w - clear; x++) {
            const i = y * w + x;
            let nearCloth = false;
            for (let d = -clear; d <= clear && !nearCloth; d += 2) {
              if (truth[i + d] || (y + d >= 0 && y + d < h && truth[i + d * w])) nearCloth = true;
            }
            if (nearCloth) continue;
            const r = rgb[i * 3]!;
            const g = rgb[i * 3 + 1]!;
            const b = rgb[i * 3 + 2]!;
            if (!(r > g && g > b && r - b > 40)) continue;
            hand++;
            handMarked += got[i]!;
          }
        }
        console.log(
          `reference photo ${name}: IoU ${score.toFixed(4)} against its painted mask; trousers marked ${(trousersMarked / trousers).toFixed(3)} of ${trousers} px; hand marked ${handMarked} of ${hand} px (${(handMarked / hand).toFixed(3)})`,
        );
        expect(trousers).toBeGreaterThan(50_000);
        expect(hand).toBeGreaterThan(5_000);
        expect(trousersMarked / trousers).toBeGreaterThan(0.92);
        expect(handMarked / hand).toBeLessThan(0.05);
        // Recto's trouser legs turn from the light: 0.965 until a near-neutral cloth's shade was taken
        // where it keeps half its chroma and is not like the wall (0.979).
        expect(score).toBeGreaterThan(0.97);
      },
      60_000,
    );
  }
});
