/**
 * The fidelity guard of the GPU engine: a diffusion model asked to make the compose render photoreal
 * may also repaint the cloth. After refinement we measure what matters to a tailor, on the garment
 * only: its de-shaded mean colour against the cloth's (CIEDE2000), and the pattern's period against
 * the compose render's. Within bounds the refinement stands; past the colour bound its chroma is
 * replaced by the compose render's (light and folds from the refinement, colour and pattern from
 * compose); past the fallback bound, or with the pattern's period changed, the compose image is kept.
 */
import { deltaE2000, linearToLab, SRGB8_TO_LINEAR, type Lab } from '../../fabrics/color.ts';
import type { ViewLevel } from '../../templates/types.ts';
import type { Finish } from '../compose/render.ts';

/** Per pixel of a level: cloth coverage (0..255), and the shading the cloth received there. */
export interface GarmentMaps {
  width: number;
  height: number;
  coverage: Uint8Array;
  mul: Float32Array;
  add: Float32Array;
}

export function garmentMaps(level: ViewLevel, finish: Finish): GarmentMaps {
  const n = level.width * level.height;
  const maps: GarmentMaps = { width: level.width, height: level.height, coverage: new Uint8Array(n), mul: new Float32Array(n), add: new Float32Array(n) };
  for (let k = 0; k < level.pix.length; k++) {
    const p = level.pix[k]!;
    maps.coverage[p] = level.cov[k]!;
    maps.mul[p] = finish.mul[level.shadeQ[k]!]!;
    maps.add[p] = finish.add[level.shadeQ[k]!]!;
  }
  // Buttons and thread drawn over the cloth are not cloth.
  for (let k = 0; k < level.overlayPix.length; k++) if (level.overlayRgba[k * 4 + 3]! > 0) maps.coverage[level.overlayPix[k]!] = 0;
  return maps;
}

/** The garment's mean colour with the template's shading divided out: the cloth as the image shows it. */
export function deshadedMeanLab(rgb: Uint8Array, maps: GarmentMaps): Lab {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < maps.coverage.length; i++) {
    const m = maps.mul[i]!;
    if (maps.coverage[i] !== 255 || m < 0.05) continue;
    const a = maps.add[i]!;
    r += (SRGB8_TO_LINEAR[rgb[i * 3]!]! - a) / m;
    g += (SRGB8_TO_LINEAR[rgb[i * 3 + 1]!]! - a) / m;
    b += (SRGB8_TO_LINEAR[rgb[i * 3 + 2]!]! - a) / m;
    n++;
  }
  return n ? linearToLab([r / n, g / n, b / n]) : [0, 0, 0];
}

/**
 * The pattern's autocorrelation profile: for each lag (pixels) along rows and columns, how much the
 * garment's fine luminance detail resembles itself that far away. Stripes and checks make peaks at
 * their period; folds and light do not count (a small high-pass removes them first). Both images are
 * measured the same way, so their profiles compare like with like.
 */
export function patternProfile(rgb: Uint8Array, maps: GarmentMaps, maxLag = 48): Float64Array {
  const { width, height, coverage } = maps;
  const n = width * height;
  const lum = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    lum[i] = 0.2126 * SRGB8_TO_LINEAR[rgb[i * 3]!]! + 0.7152 * SRGB8_TO_LINEAR[rgb[i * 3 + 1]!]! + 0.0722 * SRGB8_TO_LINEAR[rgb[i * 3 + 2]!]!;
  }
  const detail = highPass(lum, width, height, 3);
  const corr = new Float64Array(maxLag + 1);
  const count = new Float64Array(maxLag + 1);
  let energy = 0;
  let energyN = 0;
  // Every 4th row and 2nd column: a few hundred thousand samples are plenty, and keep it ~0.2 s.
  for (let y = 0; y < height; y += 4) {
    const row = y * width;
    for (let x = 0; x < width; x += 2) {
      const i = row + x;
      if (coverage[i] !== 255) continue;
      const d = detail[i]!;
      energy += d * d;
      energyN++;
      for (let lag = 1; lag <= maxLag; lag++) {
        if (x + lag < width && coverage[i + lag] === 255) {
          corr[lag] += d * detail[i + lag]!;
          count[lag]++;
        }
        if (y + lag < height && coverage[i + lag * width] === 255) {
          corr[lag] += d * detail[i + lag * width]!;
          count[lag]++;
        }
      }
    }
  }
  const r = new Float64Array(maxLag + 1);
  if (!energyN || energy / energyN < 1e-9) return r;
  const variance = energy / energyN;
  for (let lag = 1; lag <= maxLag; lag++) r[lag] = count[lag] ? corr[lag]! / count[lag]! / variance : 0;
  return r;
}

/**
 * The lag of the profile's most prominent peak (the pattern's period in pixels), or null without a
 * clear one (a solid). Prominence is the peak's height over its neighbourhood's mean: every profile
 * falls off with distance, so on raw heights a small bump at a short lag (grain, a pressed edge)
 * would beat the pattern's true repeat further out.
 */
export function dominantPeriod(r: Float64Array): number | null {
  let best = 0;
  let bestLag = 0;
  for (let lag = 3; lag < r.length - 1; lag++) {
    if (!(r[lag]! > r[lag - 1]! && r[lag]! >= r[lag + 1]! && r[lag]! > 0.15)) continue;
    let sum = 0;
    let n = 0;
    for (let k = Math.max(1, lag - 3); k <= Math.min(r.length - 1, lag + 3); k++, n++) sum += r[k]!;
    const prominence = r[lag]! - sum / n;
    if (prominence > best) {
      best = prominence;
      bestLag = lag;
    }
  }
  return bestLag || null;
}

/**
 * How alike two patterns are (-1..1): the Pearson correlation of their profiles' peaks, i.e. each
 * profile minus its own local trend (the steady fall-off with distance that every cloth shows). The
 * same stripes or checks at the same period score near 1 even blurred; a changed period scores low.
 */
export function profileSimilarity(a: Float64Array, b: Float64Array): number {
  const peaks = (r: Float64Array) => {
    const out: number[] = [];
    for (let lag = 4; lag < r.length - 3; lag++) {
      let m = 0;
      for (let k = -3; k <= 3; k++) m += r[lag + k]!;
      out.push(r[lag]! - m / 7);
    }
    return out;
  };
  const pa = peaks(a);
  const pb = peaks(b);
  const n = pa.length;
  const ma = pa.reduce((s, v) => s + v, 0) / n;
  const mb = pb.reduce((s, v) => s + v, 0) / n;
  let cov = 0,
    va = 0,
    vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (pa[i]! - ma) * (pb[i]! - mb);
    va += (pa[i]! - ma) ** 2;
    vb += (pb[i]! - mb) ** 2;
  }
  return va > 1e-12 && vb > 1e-12 ? cov / Math.sqrt(va * vb) : va <= 1e-12 && vb <= 1e-12 ? 1 : 0;
}

function highPass(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  // Separable box blur with running sums, then value minus blur.
  const tmp = new Float32Array(values.length);
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    let sum = 0;
    let cnt = 0;
    const row = y * width;
    for (let x = -radius; x < width; x++) {
      const add = x + radius;
      if (add < width) {
        sum += values[row + add]!;
        cnt++;
      }
      const drop = x - radius - 1;
      if (drop >= 0) {
        sum -= values[row + drop]!;
        cnt--;
      }
      if (x >= 0) tmp[row + x] = sum / cnt;
    }
  }
  for (let x = 0; x < width; x++) {
    let sum = 0;
    let cnt = 0;
    for (let y = -radius; y < height; y++) {
      const add = y + radius;
      if (add < height) {
        sum += tmp[add * width + x]!;
        cnt++;
      }
      const drop = y - radius - 1;
      if (drop >= 0) {
        sum -= tmp[drop * width + x]!;
        cnt--;
      }
      if (y >= 0) out[y * width + x] = values[y * width + x]! - sum / cnt;
    }
  }
  return out;
}

/**
 * Luminance from the refinement, colour from compose, on the garment only (in linear light): each
 * cloth pixel becomes the compose pixel scaled to the refined pixel's luminance, faded in by coverage.
 */
export function blendComposeChroma(refined: Uint8Array, compose: Uint8Array, maps: GarmentMaps, linearToSrgb8: (v: number) => number): Uint8Array {
  const out = new Uint8Array(refined);
  const lut = SRGB8_TO_LINEAR;
  for (let i = 0; i < maps.coverage.length; i++) {
    const c = maps.coverage[i]!;
    if (!c) continue;
    const o = i * 3;
    const rr = lut[refined[o]!]!,
      rg = lut[refined[o + 1]!]!,
      rb = lut[refined[o + 2]!]!;
    const cr = lut[compose[o]!]!,
      cg = lut[compose[o + 1]!]!,
      cb = lut[compose[o + 2]!]!;
    const yr = 0.2126 * rr + 0.7152 * rg + 0.0722 * rb;
    const yc = 0.2126 * cr + 0.7152 * cg + 0.0722 * cb;
    const k = yc > 1e-5 ? yr / yc : 1;
    const w = c / 255;
    out[o] = linearToSrgb8(rr * (1 - w) + Math.min(1, cr * k) * w);
    out[o + 1] = linearToSrgb8(rg * (1 - w) + Math.min(1, cg * k) * w);
    out[o + 2] = linearToSrgb8(rb * (1 - w) + Math.min(1, cb * k) * w);
  }
  return out;
}

export type FidelityAction = 'refined' | 'blended' | 'compose' | 'measured';

export interface FidelityReport {
  /** What was delivered: the refinement as is, its chroma replaced by compose's, or the compose image. */
  action: FidelityAction;
  /** ΔE2000 of the garment's de-shaded mean colour against the cloth: refinement, compose, delivered. */
  deltaE: { refined: number; compose: number; delivered: number };
  /** Pattern period in pixels (null: no clear repeat): compose, refinement; and how alike their patterns are (0..1). */
  period: { compose: number | null; refined: number | null; similarity: number };
  maxDeltaE: number;
  fallbackDeltaE: number;
  reason: string | null;
}

export interface GuardOptions {
  maxDeltaE: number;
  fallbackDeltaE: number;
  patternTolerance: number;
  /** Only measure, never correct (the generate workflow, kept as the replaced system made it). */
  measureOnly?: boolean;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export function guardFidelity(
  images: { refined: Uint8Array; compose: Uint8Array },
  maps: GarmentMaps,
  cloth: Lab,
  options: GuardOptions,
  linearToSrgb8: (v: number) => number,
): { rgb: Uint8Array; report: FidelityReport } {
  const dRefined = deltaE2000(deshadedMeanLab(images.refined, maps), cloth);
  const dCompose = deltaE2000(deshadedMeanLab(images.compose, maps), cloth);
  const profileCompose = patternProfile(images.compose, maps);
  const profileRefined = patternProfile(images.refined, maps);
  const pCompose = dominantPeriod(profileCompose);
  const pRefined = dominantPeriod(profileRefined);
  const similarity = round2(profileSimilarity(profileCompose, profileRefined));
  // A solid has no pattern to lose; otherwise the refinement's pattern must still look like compose's.
  const patternKept = pCompose === null || similarity >= 1 - options.patternTolerance;
  const base = { maxDeltaE: options.maxDeltaE, fallbackDeltaE: options.fallbackDeltaE, period: { compose: pCompose, refined: pRefined, similarity } };
  const report = (action: FidelityAction, delivered: number, reason: string | null): FidelityReport => ({
    ...base,
    action,
    deltaE: { refined: round2(dRefined), compose: round2(dCompose), delivered: round2(delivered) },
    reason,
  });
  if (options.measureOnly) return { rgb: images.refined, report: report('measured', dRefined, null) };
  const patternReason = `the pattern changed (similarity ${similarity}; period compose ${pCompose ?? 'none'} px, refined ${pRefined ?? 'none'} px)`;
  if (!patternKept) return { rgb: images.compose, report: report('compose', dCompose, patternReason) };
  if (dRefined <= options.maxDeltaE) return { rgb: images.refined, report: report('refined', dRefined, null) };
  if (dRefined > options.fallbackDeltaE) {
    return { rgb: images.compose, report: report('compose', dCompose, `the colour drifted ΔE ${round2(dRefined)} (more than ${options.fallbackDeltaE})`) };
  }
  const blended = blendComposeChroma(images.refined, images.compose, maps, linearToSrgb8);
  const dBlended = deltaE2000(deshadedMeanLab(blended, maps), cloth);
  if (dBlended <= options.maxDeltaE) {
    return { rgb: blended, report: report('blended', dBlended, `the colour drifted ΔE ${round2(dRefined)}; the compose render's colour was blended back`) };
  }
  return { rgb: images.compose, report: report('compose', dCompose, `the colour drifted ΔE ${round2(dRefined)} and blending left ΔE ${round2(dBlended)}`) };
}
