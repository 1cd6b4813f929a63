/** Measurements on decoded renders, shared by the compose engine's tests. */
import { resolve } from 'node:path';
import sharp from 'sharp';
import { SRGB8_TO_LINEAR, deltaE2000, linearToLab, linearToSrgb8Exact, luminance, type Lab } from '../../fabrics/index.ts';
import type { ComposeEngine, ShadingMaps } from './index.ts';
import { octaveWeights, reliefRow } from '../../templates/relief.ts';

/**
 * Rasterised templates shared by the test files (and test runs): built once, read back after. Kept in
 * the checkout's own node_modules cache: two checkouts with different drafting never replace each
 * other's templates, `npm ci` starts it afresh, and removing the checkout removes it.
 */
export const TEST_TEMPLATE_CACHE = resolve(import.meta.dirname, '../../../node_modules/.cache/atelier-test-templates');

export interface Decoded {
  px: Uint8Array;
  width: number;
  height: number;
}

export async function decode(data: Buffer | Uint8Array): Promise<Decoded> {
  const { data: px, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { px: new Uint8Array(px.buffer, px.byteOffset, px.length), width: info.width, height: info.height };
}

/**
 * The cloth's colour with the light taken out: over fully covered cloth pixels not under a button,
 * cloth = (rendered − lustre) / shading, averaged in linear light.
 */
export function deshadedMeanLab(img: Decoded, maps: ShadingMaps, accept?: (panel: number) => boolean): Lab {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < maps.coverage.length; i++) {
    if (maps.coverage[i] !== 255 || maps.overlay[i] || maps.mul[i] < 0.05) continue;
    if (accept && !accept(maps.panel[i])) continue;
    const m = maps.mul[i];
    const a = maps.add[i];
    r += (SRGB8_TO_LINEAR[img.px[i * 3]] - a) / m;
    g += (SRGB8_TO_LINEAR[img.px[i * 3 + 1]] - a) / m;
    b += (SRGB8_TO_LINEAR[img.px[i * 3 + 2]] - a) / m;
    n++;
  }
  return linearToLab([r / n, g / n, b / n]);
}

/** Plain mean colour (linear light) over pixels where `mask` is set. */
export function meanLab(img: Decoded, mask: (i: number) => boolean): Lab {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    if (!mask(i)) continue;
    r += SRGB8_TO_LINEAR[img.px[i * 3]];
    g += SRGB8_TO_LINEAR[img.px[i * 3 + 1]];
    b += SRGB8_TO_LINEAR[img.px[i * 3 + 2]];
    n++;
  }
  return linearToLab([r / n, g / n, b / n]);
}

export function luma(img: Decoded): Float32Array {
  const out = new Float32Array(img.width * img.height);
  for (let i = 0; i < out.length; i++)
    out[i] = 0.2126 * SRGB8_TO_LINEAR[img.px[i * 3]] + 0.7152 * SRGB8_TO_LINEAR[img.px[i * 3 + 1]] + 0.0722 * SRGB8_TO_LINEAR[img.px[i * 3 + 2]];
  return out;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, mask: (i: number) => boolean): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!mask(i)) continue;
    sa += a[i];
    sb += b[i];
    n++;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (!mask(i)) continue;
    const da = a[i] - ma;
    const db = b[i] - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

/** Box-downscale an RGB image by an integer factor (averaging in linear light). */
export function downscale(img: Decoded, f: number): Decoded {
  const W = Math.floor(img.width / f);
  const H = Math.floor(img.height / f);
  const px = new Uint8Array(W * H * 3);
  for (let Y = 0; Y < H; Y++)
    for (let X = 0; X < W; X++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += SRGB8_TO_LINEAR[img.px[((Y * f + dy) * img.width + X * f + dx) * 3 + c]];
        s /= f * f;
        px[(Y * W + X) * 3 + c] = linearToSrgb8Exact(s);
      }
  return { px, width: W, height: H };
}

const LAB_CACHE = new Map<number, Lab>();
function labOf(r: number, g: number, b: number): Lab {
  const key = (r << 16) | (g << 8) | b;
  let lab = LAB_CACHE.get(key);
  if (!lab) {
    lab = linearToLab([SRGB8_TO_LINEAR[r], SRGB8_TO_LINEAR[g], SRGB8_TO_LINEAR[b]]);
    if (LAB_CACHE.size < 200_000) LAB_CACHE.set(key, lab);
  }
  return lab;
}

/** Mean CIEDE2000 between two same-sized images (optionally over a mask). */
export function meanDeltaE(a: Decoded, b: Decoded, mask?: (i: number) => boolean): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (mask && !mask(i)) continue;
    s += deltaE2000(labOf(a.px[i * 3], a.px[i * 3 + 1], a.px[i * 3 + 2]), labOf(b.px[i * 3], b.px[i * 3 + 1], b.px[i * 3 + 2]));
    n++;
  }
  return s / n;
}

/** Mean structural similarity of the luminance over 8×8 windows (the standard SSIM constants). */
export function ssim(a: Decoded, b: Decoded): number {
  // On gamma-encoded luma (Y'), as SSIM is usually computed.
  const lumaPrime = (img: Decoded) => {
    const out = new Float32Array(img.width * img.height);
    for (let i = 0; i < out.length; i++) out[i] = (0.299 * img.px[i * 3] + 0.587 * img.px[i * 3 + 1] + 0.114 * img.px[i * 3 + 2]) / 255;
    return out;
  };
  const la = lumaPrime(a);
  const lb = lumaPrime(b);
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  let total = 0;
  let windows = 0;
  for (let y = 0; y + 8 <= a.height; y += 4)
    for (let x = 0; x + 8 <= a.width; x += 4) {
      let ma = 0;
      let mb = 0;
      for (let dy = 0; dy < 8; dy++)
        for (let dx = 0; dx < 8; dx++) {
          const i = (y + dy) * a.width + x + dx;
          ma += la[i];
          mb += lb[i];
        }
      ma /= 64;
      mb /= 64;
      let va = 0;
      let vb = 0;
      let cv = 0;
      for (let dy = 0; dy < 8; dy++)
        for (let dx = 0; dx < 8; dx++) {
          const i = (y + dy) * a.width + x + dx;
          va += (la[i] - ma) ** 2;
          vb += (lb[i] - mb) ** 2;
          cv += (la[i] - ma) * (lb[i] - mb);
        }
      va /= 63;
      vb /= 63;
      cv /= 63;
      total += ((2 * ma * mb + C1) * (2 * cv + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      windows++;
    }
  return total / windows;
}

export { deltaE2000 };

/**
 * Low-pass in linear light (three box passes of radius r ≈ a Gaussian of σ ≈ r): what the eye sees of
 * fine structure at a viewing distance. Used to separate moiré (low-frequency) from interpolation
 * softness (high-frequency).
 */
export function lowPass(img: Decoded, r: number, mask: (i: number) => boolean): Decoded {
  const { width: w, height: h } = img;
  const planes = [0, 1, 2].map((c) => {
    const p = new Float32Array(w * h);
    const m = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++)
      if (mask(i)) {
        p[i] = SRGB8_TO_LINEAR[img.px[i * 3 + c]];
        m[i] = 1;
      }
    return [p, m];
  });
  const box = (src: Float32Array) => {
    const tmp = new Float32Array(src.length);
    const out = new Float32Array(src.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = -r; k <= r; k++) s += src[y * w + Math.min(w - 1, Math.max(0, x + k))];
        tmp[y * w + x] = s;
      }
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = -r; k <= r; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
        out[y * w + x] = s;
      }
    return out;
  };
  const px = new Uint8Array(w * h * 3);
  for (let c = 0; c < 3; c++) {
    let [p, m] = planes[c];
    for (let pass = 0; pass < 3; pass++) {
      p = box(p);
      m = box(m);
    }
    for (let i = 0; i < w * h; i++) {
      // Normalised by the mask so cloth is never mixed with what lies beside it.
      const lin = m[i] > 0 ? p[i] / m[i] : 0;
      px[i * 3 + c] = linearToSrgb8Exact(lin);
    }
  }
  return { px, width: w, height: h };
}

/** Strongest period (px) of a signal among candidates, from its summed power spectrum. */
export function dominantPeriod(rows: Float64Array[], minP: number, maxP: number): number {
  let best = 0;
  let bestP = 0;
  for (let p = minP; p <= maxP; p += 0.005) {
    let power = 0;
    for (const r of rows) {
      let re = 0;
      let im = 0;
      for (let x = 0; x < r.length; x++) {
        const a = (2 * Math.PI * x) / p;
        re += r[x] * Math.cos(a);
        im += r[x] * Math.sin(a);
      }
      power += re * re + im * im;
    }
    if (power > best) {
      best = power;
      bestP = p;
    }
  }
  return bestP;
}

/** The most frequent colour of a set of Lab values (quantised to 1 unit of L, a and b), as the Lab mean of its members. */
export function modeLab(labs: number[][]): number[] {
  const bins = new Map<string, number[][]>();
  for (const l of labs) {
    const key = l.map((v) => Math.round(v)).join(',');
    if (!bins.has(key)) bins.set(key, []);
    bins.get(key)!.push(l);
  }
  const best = [...bins.values()].sort((a, b) => b.length - a.length)[0]!;
  return [0, 1, 2].map((c) => best.reduce((s, l) => s + l[c]!, 0) / best.length);
}

/** Linear-light luminance of the pixel nearest (x, y) of an 8-bit RGB image. */
export function linearLumAt(img: { width: number; rgb: Uint8Array }, x: number, y: number): number {
  const i = (Math.round(y) * img.width + Math.round(x)) * 3;
  return luminance([SRGB8_TO_LINEAR[img.rgb[i]!]!, SRGB8_TO_LINEAR[img.rgb[i + 1]!]!, SRGB8_TO_LINEAR[img.rgb[i + 2]!]!]);
}

/**
 * A drawn template's shading with the cloth's mottle (templates/relief.ts) divided out: the light of
 * the form, its folds, seams and shadows, which the tests of drawn features measure. The mottle is a
 * known function of the point on the cloth, so this is exact up to the shading's quantisation and
 * the finish's slight curve. `pxPerMm` is the full level's (HD draws its own at twice that). Not for
 * photo templates, whose shading is the photo's.
 */
export function withoutMottle(maps: ShadingMaps, pxPerMm: number, size: 'full' | 'hd' = 'full'): ShadingMaps {
  const { width: W, height: H } = maps;
  // HD draws the mottle at its own resolution, at twice the full level's pixels per millimetre.
  const k = size === 'hd' ? 2 : 1;
  const weights = octaveWeights(pxPerMm * k);
  const mul = new Float32Array(maps.mul);
  const relief = new Float32Array(W);
  for (let y = 0; y < H; y++) {
    reliefRow(relief, 0, y + 0.5, pxPerMm * k, weights);
    for (let x = 0; x < W; x++) if (maps.coverage[y * W + x]) mul[y * W + x] /= relief[x]!;
  }
  return { ...maps, mul };
}

/** The rows (y) in which a panel covers more than `minPx` pixels of the shading maps. */
export function panelRows(maps: Pick<ShadingMaps, 'width' | 'height' | 'panel'>, panel: number, minPx: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y < maps.height; y++) {
    let n = 0;
    for (let x = 0; x < maps.width; x++) n += +(maps.panel[y * maps.width + x] === panel);
    if (n > minPx) rows.push(y);
  }
  return rows;
}

/** A pair of pieces by side, and the way each one's outer edge faces in the image (1: its right). */
export const SIDES = [
  ['left', 1],
  ['right', -1],
] as const;

/**
 * A drawn view's shading at `size` (in `style`, else the cut's preset) as its lines are drawn (the
 * cloth's mottle divided out), its template and its pixels per millimetre.
 */
export async function drawnShading(
  engine: ComposeEngine,
  cut: string,
  view: string,
  fabric: Parameters<ComposeEngine['shadingMaps']>[2],
  size: 'full' | 'hd',
  style?: Parameters<ComposeEngine['template']>[2],
): Promise<{ cv: Awaited<ReturnType<ComposeEngine['template']>>; m: ShadingMaps; pxPerMm: number }> {
  const cv = await engine.template(cut, view, style);
  const m = withoutMottle(await engine.shadingMaps(cut, view, fabric, size, style), cv.pxPerMm, size);
  return { cv, m, pxPerMm: (cv.pxPerMm * m.width) / cv.width };
}

/** A panel's outermost pixel (x) in row y toward `dir` (1: the image's right), -1 if none. */
export function outerEdgeX(maps: Pick<ShadingMaps, 'width' | 'panel'>, y: number, panel: number, dir: 1 | -1): number {
  const row = y * maps.width;
  let edge = -1;
  for (let x = 0; x < maps.width; x++) if (maps.panel[row + x] === panel && (dir === 1 || edge < 0)) edge = x;
  return edge;
}
