/**
 * The acceptance run for cloth photos, shared by the test (which asserts it) and the bench (which
 * saves its table): procedural cloths of known truth, photographed synthetically as an associate
 * would (tilted, rotated, unevenly lit, noisy, JPEG, other things in the frame), analysed, tiled,
 * and draped on a suit next to the same cloth rendered from its definition.
 */
import sharp from 'sharp';
import type { FabricDesign, FabricSpec } from '../../engines/types.ts';
import { SRGB8_TO_LINEAR, deltaE2000, type Lab } from '../color.ts';
import { makeSwatchTile } from '../swatch.ts';
import { generateFabricTexture } from '../texture.ts';
import { analyzeClothPhoto, type ClothPhotoAnalysis } from './analyze.ts';
import { apply } from './geometry.ts';
import { encodeRectifiedCloth } from './store.ts';
import { photographCloth, type Intruder, type PhoneShot } from './synthetic.ts';
import { loadResampleKernel } from './wasm/resample.ts';

export interface AcceptanceCase {
  name: string;
  spec: FabricSpec;
  /** Pattern repeat the analysis should find, mm (across, along); 0 where none is expected. */
  repeatMm: { x: number; y: number };
  shot: Omit<PhoneShot, 'intruders' | 'width' | 'height' | 'mmPerPx' | 'noise' | 'jpegQuality' | 'seed'>;
  intruders: (mmPerPx: number) => Intruder[];
}

const MM_PER_PX = 0.1;
const other = (hex: string, design: FabricDesign) => generateFabricTexture({ hex, design }, 2 / MM_PER_PX);

export const ACCEPTANCE_CASES: AcceptanceCase[] = [
  {
    name: 'glen check, red overcheck',
    spec: { hex: '#6E6F70', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.28, repeatMm: 54, heather: 0.1, sheen: 0.1, accentHex: '#B0303A' } },
    repeatMm: { x: 54, y: 54 },
    shot: { rotationDeg: 7, tiltDeg: 18, tiltAxisDeg: 20, light: { gx: 0.3, gy: -0.2 } },
    intruders: () => [
      { kind: 'cloth', side: 'right', fraction: 0.15, texture: other('#26304A', { weave: 'twill', pattern: 'solid', threadMm: 0.25 }) },
      { kind: 'floor', side: 'bottom', fraction: 0.18 },
      { kind: 'shoe', cx: 0.2, cy: 0.9, rx: 0.12, ry: 0.06, angleDeg: -15, hex: '#2A1A12' },
    ],
  },
  {
    name: 'chalk stripe',
    spec: { hex: '#2B3350', design: { weave: 'twill', pattern: 'chalkstripe', threadMm: 0.28, repeatMm: 16, heather: 0.12, sheen: 0.1 } },
    repeatMm: { x: 16, y: 0 },
    shot: { rotationDeg: -9, tiltDeg: 12, tiltAxisDeg: 100, light: { gx: -0.25, gy: 0.2 } },
    intruders: () => [
      { kind: 'floor', side: 'left', fraction: 0.22 },
      { kind: 'shoe', cx: 0.12, cy: 0.25, rx: 0.1, ry: 0.07, angleDeg: 70, hex: '#1A1410' },
    ],
  },
  {
    name: 'herringbone',
    spec: { hex: '#6A6B6D', design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.28, heather: 0.15, sheen: 0.05 } },
    repeatMm: { x: 0, y: 0 },
    shot: { rotationDeg: 4, tiltDeg: 20, tiltAxisDeg: -30, light: { gx: 0.2, gy: 0.25 } },
    intruders: () => [
      { kind: 'cloth', side: 'top', fraction: 0.2, texture: other('#5A4838', { weave: 'plain', pattern: 'solid', threadMm: 0.35, heather: 0.3 }) },
      { kind: 'floor', side: 'right', fraction: 0.15 },
    ],
  },
  {
    name: 'houndstooth',
    spec: { hex: '#8A8A86', design: { weave: 'twill', pattern: 'houndstooth', threadMm: 0.28, repeatMm: 9, heather: 0.1 } },
    repeatMm: { x: 9, y: 9 },
    shot: { rotationDeg: -5, tiltDeg: 10, tiltAxisDeg: 150, light: { gx: 0.3, gy: 0 } },
    intruders: () => [
      { kind: 'cloth', side: 'left', fraction: 0.18, texture: other('#3A4156', { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10 }) },
      { kind: 'floor', side: 'bottom', fraction: 0.15 },
      { kind: 'shoe', cx: 0.75, cy: 0.92, rx: 0.13, ry: 0.06, angleDeg: 10, hex: '#3B2416' },
    ],
  },
  {
    name: 'plain twill, navy',
    spec: { hex: '#1C2841', design: { weave: 'twill', pattern: 'solid', threadMm: 0.28, heather: 0.08, sheen: 0.25 } },
    repeatMm: { x: 0, y: 0 },
    shot: { rotationDeg: 10, tiltDeg: 15, tiltAxisDeg: 60, light: { gx: 0.2, gy: -0.3 } },
    intruders: () => [
      { kind: 'floor', side: 'bottom', fraction: 0.28 },
      { kind: 'shoe', cx: 0.55, cy: 0.82, rx: 0.14, ry: 0.07, angleDeg: -5, hex: '#141010' },
    ],
  },
];

export interface AcceptanceRow {
  cloth: string;
  foreignPct: number;
  truthMmPerPx: number;
  mmPerPx: number;
  scaleErrPct: number;
  repeatTruthMm: string;
  repeatMm: string;
  repeatErrPct: number;
  straightnessDeg: number;
  deltaE: number;
  /** Null when the suit was not rendered (opts.suit false). */
  contrastRatio: number | null;
  analysisMs: number;
  analysis: Omit<ClothPhotoAnalysis, 'rectified' | 'toPhoto'>;
}

export interface SuitRenderer {
  renderRaw(req: { cut: string; view: string; fabric: FabricSpec }, size?: 'full'): Promise<{ width: number; height: number; rgb: Uint8Array }>;
  shadingMaps(
    cut: string,
    view: string,
    fabric: FabricSpec,
    size?: 'full',
  ): Promise<{ coverage: Uint8Array; overlay: Uint8Array; mul: Float32Array; add: Float32Array }>;
}

/**
 * Pattern contrast of cloth on a garment: the standard deviation over its mean of the de-shaded
 * luminance (the shading divided out, so folds and light do not count), over fully covered cloth.
 */
export async function suitContrast(engine: SuitRenderer, fabric: FabricSpec): Promise<{ contrast: number; rgb: Uint8Array; width: number; height: number }> {
  const raw = await engine.renderRaw({ cut: 'single-breasted', view: 'front', fabric }, 'full');
  const maps = await engine.shadingMaps('single-breasted', 'front', fabric, 'full');
  let s = 0,
    s2 = 0,
    n = 0;
  for (let i = 0; i < maps.coverage.length; i++) {
    if (maps.coverage[i] !== 255 || maps.overlay[i] || maps.mul[i] < 0.05) continue;
    const L = SRGB8_TO_LINEAR;
    const y = 0.2126729 * L[raw.rgb[i * 3]] + 0.7151522 * L[raw.rgb[i * 3 + 1]] + 0.072175 * L[raw.rgb[i * 3 + 2]];
    const v = (y - maps.add[i]) / maps.mul[i];
    s += v;
    s2 += v * v;
    n++;
  }
  const mean = s / n;
  return { contrast: Math.sqrt(Math.max(0, s2 / n - mean * mean)) / mean, ...raw };
}

/**
 * One cloth, photographed and analysed. The photo is `width` × `height` (default 2000 × 1500, 3 MP) at
 * 0.1 mm per photo px in the middle whatever its size: a 12 MP phone at 30-odd cm sees its cloth so, and
 * a 3 MP photo is the same shot cropped (or from half as far). `suit: false` skips the two suit renders.
 */
export async function runAcceptanceCase(
  c: AcceptanceCase,
  engine: SuitRenderer,
  opts: { width?: number; height?: number; seed?: number; dump?: string; suit?: boolean } = {},
): Promise<AcceptanceRow> {
  const width = opts.width ?? 2000,
    height = opts.height ?? 1500;
  const texture = generateFabricTexture(c.spec, 2 / MM_PER_PX);
  const photo = await photographCloth(texture, {
    ...c.shot,
    width,
    height,
    mmPerPx: MM_PER_PX,
    noise: 2.5,
    jpegQuality: 85,
    seed: opts.seed ?? 7,
    intruders: c.intruders(MM_PER_PX),
  });
  const { data, info } = await sharp(photo.jpeg).raw().toBuffer({ resolveWithObject: true });
  // As the upload path runs it: with the WebAssembly resampling once its module is assembled.
  await loadResampleKernel();
  const t0 = performance.now();
  const a = analyzeClothPhoto(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
  const analysisMs = performance.now() - t0;

  // Truth, through the camera: where rectified px land on the cloth.
  const R = a.rectified;
  const cloth = (X: number, Y: number) => {
    const [x, y] = apply(a.toPhoto, X, Y);
    return photo.clothAt(x, y);
  };
  const c0 = cloth(R.width / 2, R.height / 2),
    cxp = cloth(R.width / 2 + 10, R.height / 2),
    cyp = cloth(R.width / 2, R.height / 2 + 10);
  const truthMmPerPx = (Math.hypot(cxp[0] - c0[0], cxp[1] - c0[1]) + Math.hypot(cyp[0] - c0[0], cyp[1] - c0[1])) / 20;
  // Straightness: over the part the tile is made from (the central 80 % square), how far the
  // rectified rows and columns turn from the cloth's weft and warp.
  let straightnessDeg = 0;
  const side = Math.min(R.width, R.height) * 0.8;
  for (const fy of [0, 0.5, 1])
    for (const fx of [0, 0.5, 1]) {
      const X = (R.width - side) / 2 + fx * side,
        Y = (R.height - side) / 2 + fy * side;
      const p = cloth(X, Y),
        px = cloth(X + 5, Y),
        py = cloth(X, Y + 5);
      const ax = (Math.atan2(px[1] - p[1], px[0] - p[0]) * 180) / Math.PI;
      const ay = (Math.atan2(-(py[0] - p[0]), py[1] - p[1]) * 180) / Math.PI;
      straightnessDeg = Math.max(straightnessDeg, Math.abs(ax), Math.abs(ay));
    }

  const stored = await encodeRectifiedCloth(R);
  const tile = await makeSwatchTile(stored, { widthMm: R.widthMm });
  const procedural = generateFabricTexture(c.spec, 4);
  const deltaE = deltaE2000(tile.lab as Lab, procedural.meanLab);

  const suits =
    opts.suit === false
      ? null
      : { fromPhoto: await suitContrast(engine, { ...c.spec, swatch: tile.tile }), fromDefinition: await suitContrast(engine, c.spec) };
  const contrastRatio = suits && suits.fromPhoto.contrast / suits.fromDefinition.contrast;

  const errs: number[] = [];
  for (const axis of ['x', 'y'] as const) if (c.repeatMm[axis] > 0) errs.push(Math.abs(a.repeatMm[axis] / c.repeatMm[axis] - 1) * 100);
  if (opts.dump) {
    const slug = c.name.replace(/[^a-z]+/gi, '-');
    await sharp(photo.jpeg).resize(1000).png().toFile(`${opts.dump}/${slug}-photo.png`);
    await sharp(R.rgb, { raw: { width: R.width, height: R.height, channels: 3 } })
      .resize(900)
      .png()
      .toFile(`${opts.dump}/${slug}-rectified.png`);
    await sharp(tile.png).toFile(`${opts.dump}/${slug}-tile.png`);
    for (const [k, r] of suits
      ? ([
          ['suit-photo', suits.fromPhoto],
          ['suit-definition', suits.fromDefinition],
        ] as const)
      : []) {
      await sharp(r.rgb, { raw: { width: r.width, height: r.height, channels: 3 } })
        .png()
        .toFile(`${opts.dump}/${slug}-${k}.png`);
    }
  }
  const { rectified: _r, toPhoto: _t, ...analysis } = a;
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    cloth: c.name,
    foreignPct: round((1 - photo.clothFraction) * 100, 1),
    truthMmPerPx: round(truthMmPerPx, 4),
    mmPerPx: round(a.mmPerPx, 4),
    scaleErrPct: round(Math.abs(a.mmPerPx / truthMmPerPx - 1) * 100, 1),
    repeatTruthMm: `${c.repeatMm.x || '–'} × ${c.repeatMm.y || '–'}`,
    repeatMm: `${round(a.repeatMm.x, 1) || '–'} × ${round(a.repeatMm.y, 1) || '–'}`,
    repeatErrPct: errs.length ? round(Math.max(...errs), 1) : 0,
    straightnessDeg: round(straightnessDeg),
    deltaE: round(deltaE),
    contrastRatio: contrastRatio === null ? null : round(contrastRatio),
    analysisMs: Math.round(analysisMs),
    analysis,
  };
}
