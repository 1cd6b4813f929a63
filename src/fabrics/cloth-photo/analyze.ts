/**
 * A phone photo of cloth → the cloth, flat, square to its weave, at its real scale.
 *
 * 1. Find the cloth (segment.ts) on a copy reduced to ≤ 500 px: its colour and texture statistics,
 *    pooled over a twentieth of the frame, need no more.
 * 2. Measure the thread lattice in full-resolution patches inside it (spectrum.ts): the 2/2 twill's
 *    wale locates the thread peaks, which give each patch's local photo-px → threads Jacobian.
 * 3. Fit the plane (geometry.ts): one homography whose Jacobian matches every patch's lattice holds
 *    the rotation and the perspective of a tilted shot at once.
 * 4. Scale: threads are a known size in worsted suiting (25–45 ends/cm; `threadMm`, default 0.28 mm,
 *    36 ends/cm). Without a resolved weave, a typical phone framing (≈ 32 cm away, 26 mm-equivalent
 *    lens) — never a fixed width.
 * 5. Cut the largest rectangle of cloth (in cloth coordinates) and resample it from the full-resolution
 *    photo, in linear light, area-averaged where it shrinks.
 * Pure: typed arrays in, typed arrays out; safe to run in a worker thread.
 */
import { LIN_LUT_SIZE, LINEAR_TO_SRGB8_LUT_OVER, SRGB8_TO_LINEAR_F64 } from '../color.ts';
import { type AxisProfiles, axisProfilesSrgb8, periodOf, repeatNearOf } from '../swatch.ts';
import { apply, fitPlane, invert, type LatticeSample, type Mat3 } from './geometry.ts';
import { LINE_EVERY, lineResidual, lineSampleBuffers, straighteningMap, type LineSamples } from './lines.ts';
import { segmentCloth } from './segment.ts';
import { PATCH, patchSpectrum, threadLattice, threadLatticeNear, type ThreadLattice } from './spectrum.ts';
import { type ResampleMemory, resampleMemory } from './wasm/resample.ts';

export interface ClothPhotoOptions {
  /** Thread (end) width in mm assumed for the weave (default 0.28 mm ≈ 36 ends/cm). */
  threadMm?: number;
  /**
   * Longest side of the rectified cloth in px (default 1024: the swatch tile every render drapes is
   * cut at 1024 px whatever it is made from, so more is resampling nobody sees).
   */
  maxSide?: number;
  /** Fallback camera distance in mm when no weave is resolved (default 320). */
  fallbackDistanceMm?: number;
}

export interface ClothBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ClothPhotoAnalysis {
  /** Bounding box (photo px) of the part of the photo used. */
  box: ClothBox;
  /** Its four corners in the photo (top-left, top-right, bottom-right, bottom-left of the cloth). */
  quad: Array<[number, number]>;
  /** Rotation of the weave in the photo, degrees (positive: clockwise as seen). */
  rotationDeg: number;
  /** Tilt of the cloth away from the sensor plane, degrees (for a 26 mm-equivalent lens). */
  tiltDeg: number;
  /** Real size of one rectified px. */
  mmPerPx: number;
  /** Real size of one photo px at the middle of the cloth. */
  photoMmPerPx: number;
  /** Pattern repeat found, mm across (x) and along (y) the cloth; 0 where it shows none. */
  repeatMm: { x: number; y: number };
  /** Threads per cm counted at the assumed thread size (only with scaleSource 'weave'). */
  threadPx: number | null;
  scaleSource: 'weave' | 'framing';
  /** 0..1: how much to trust the scale. */
  confidence: number;
  /** Fraction of the frame found to be the cloth. */
  clothFraction: number;
  /** The cloth, flat and square: interleaved sRGB. */
  rectified: { rgb: Uint8Array; width: number; height: number; widthMm: number };
  /** Rectified px → photo px. */
  toPhoto: Mat3;
  /** How many patches showed a thread lattice, of how many looked at. */
  patches: { used: number; tried: number };
  /** Wall time of each stage, ms (for the bench: where the time goes). */
  stageMs: Record<ClothPhotoStage, number>;
  /** CPU time of each stage, ms: the whole process's (its other threads too), so a bench's figure. */
  stageCpuMs: Record<ClothPhotoStage, number>;
}

/** A patch's place in the photo (its centre, px) and its power spectrum. */
interface PatchSpectrum {
  x: number;
  y: number;
  spectrum: Float64Array;
}

export type ClothPhotoStage = 'segment' | 'lattice' | 'plane' | 'crop' | 'prefilter' | 'straighten' | 'resample' | 'repeat';

export const DEFAULT_THREAD_MM = 0.28;
/**
 * The patches' spectra (16 of 512 KB), kept for the next photo in this thread: fresh, each analysis
 * paid ~4 ms to map and zero them. Only the analysis (synchronous) reads them; none leaves it.
 */
const spectrumPool: Float64Array<ArrayBuffer>[] = [];
/** Shrink (photo px per output px) from which the photo is area-averaged before resampling. */
const PREFILTER_FROM = 1.25;
const FOCAL_RATIO = 0.75;
/**
 * Least variation of an axis's profile (its standard deviation over the mean luminance, in luminance
 * or either colour difference) that is a pattern, and least share of the other axis's. Patterns run
 * 0.17–1.2 (a glen check's lines, a chalk stripe across); solids 0.01–0.02, a chalk stripe along its
 * stripes 0.03–0.04 (its chalk's breaks), 3 % of its variation across.
 */
const MIN_PATTERN_CONTRAST = 0.05;
const MIN_PATTERN_SHARE = 0.15;

export function analyzeClothPhoto(rgb: Uint8Array, width: number, height: number, opts: ClothPhotoOptions = {}): ClothPhotoAnalysis {
  if (!(width >= 64 && height >= 64) || rgb.length < width * height * 3) throw new Error(`expected a ${width}×${height} RGB photo`);
  const threadMm = opts.threadMm ?? DEFAULT_THREAD_MM;
  const maxSide = opts.maxSide ?? 1024;

  const stageMs = {} as Record<ClothPhotoStage, number>;
  const stageCpuMs = {} as Record<ClothPhotoStage, number>;
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let lap = performance.now(),
    cpuLap = cpuNow();
  const done = (stage: ClothPhotoStage) => {
    const now = performance.now(),
      cpu = cpuNow();
    stageMs[stage] = Math.round((now - lap) * 10) / 10;
    stageCpuMs[stage] = Math.round((cpu - cpuLap) * 10) / 10;
    lap = now;
    cpuLap = cpu;
  };

  // 1. The cloth, on a reduced copy.
  const k = Math.max(1, Math.ceil(Math.max(width, height) / 500));
  const small = reduce(rgb, width, height, k);
  const seg = segmentCloth(small.rgb, small.width, small.height);
  const sw = small.width,
    sh = small.height,
    sm = seg.mask;
  const setAt = (qx: number, qy: number) => qx >= 0 && qy >= 0 && qx < sw && qy < sh && sm[qy * sw + qx] === 1;
  const inMask = (x: number, y: number, margin = 0) => {
    const sx = Math.floor(x / k),
      sy = Math.floor(y / k);
    return setAt(sx, sy) && (!margin || (setAt(sx - margin, sy) && setAt(sx + margin, sy) && setAt(sx, sy - margin) && setAt(sx, sy + margin)));
  };
  const { x0: mx0, y0: my0, x1: mx1, y1: my1, sx: mcx, sy: mcy, n: mn } = maskBounds(seg.mask, sw, sh);
  if (!mn) throw new Error('no cloth found in the photo');
  const cx = (mcx / mn + 0.5) * k,
    cy = (mcy / mn + 0.5) * k;

  done('segment');

  // 2. Thread lattices in full-resolution patches inside the cloth. (Full resolution: a thread is
  // 2–4 photo px, so any reduced copy would alias the weave away; 16 patches are 9 % of 12 MP.)
  let samples: LatticeSample[] = [];
  const spectra: PatchSpectrum[] = [];
  const G = 4;
  const half = PATCH / 2;
  const bx0 = mx0 * k,
    bx1 = (mx1 + 1) * k,
    by0 = my0 * k,
    by1 = (my1 + 1) * k;
  let tried = 0;
  for (let gy = 0; gy < G; gy++)
    for (let gx = 0; gx < G; gx++) {
      const px = Math.round(bx0 + ((gx + 0.5) / G) * (bx1 - bx0)),
        py = Math.round(by0 + ((gy + 0.5) / G) * (by1 - by0));
      if (px - half < 0 || py - half < 0 || px + half > width || py + half > height) continue;
      const m = Math.max(1, Math.round(half / k));
      if (
        !inMask(px, py, m) ||
        !inMask(px - half, py - half) ||
        !inMask(px + half - 1, py + half - 1) ||
        !inMask(px - half, py + half - 1) ||
        !inMask(px + half - 1, py - half)
      )
        continue;
      tried++;
      spectrumPool[tried - 1] ??= new Float64Array(PATCH * PATCH);
      const spectrum = patchSpectrum(rgb, width, px - half, py - half, spectrumPool[tried - 1]);
      spectra.push({ x: px, y: py, spectrum });
      const lattice = threadLattice(spectrum);
      if (lattice) samples.push({ x: px, y: py, lattice });
    }

  done('lattice');

  // 3. The plane.
  let H: Mat3; // photo px → cloth units (threads, or framing-derived units)
  let scaleSource: 'weave' | 'framing' = 'weave';
  let good = samples;
  let unitMm = threadMm;
  if (samples.length >= 1) {
    const spread = (qs: LatticeSample[]) =>
      Math.hypot(Math.max(...qs.map((q) => q.x)) - Math.min(...qs.map((q) => q.x)), Math.max(...qs.map((q) => q.y)) - Math.min(...qs.map((q) => q.y)));
    const perspectiveFor = (qs: LatticeSample[]) => qs.length >= 4 && spread(qs) > Math.max(width, height) * 0.2;
    // A patch's own reading can lock onto a check's harmonics: a colour-and-weave check puts peaks
    // at every fraction of the thread lattice, a comb as fine as a few bins, and a wrong tooth reads
    // 10-40 % off. Given the lattice to within a few per cent, the same patch reads it to 0.3 %. So
    // the plane is grown from the strongest patch outwards: each next patch (the nearest to those
    // taken) is looked at where those predict its threads, then again around what it found there.
    // Neighbours differ by a few per cent even on a 20° tilt; the frame's far side by 25 %.
    H = growPlane(samples, spectra, cx, cy, perspectiveFor);
    // Then every patch is looked at again where the plane says its threads are, and the plane refit
    // without the patches that disagree; the reach narrows as the plane gains its perspective.
    const reaches = [0.04, 0.025, 0.025];
    for (let pass = 0; pass < reaches.length; pass++) {
      samples = [];
      for (const sp of spectra) {
        const lattice = threadLatticeNear(sp.spectrum, latticeAt(H, sp.x, sp.y), reaches[pass]);
        if (lattice) samples.push({ x: sp.x, y: sp.y, lattice });
      }
      if (!samples.length) break;
      // Thread peaks give the whole local lattice; a wale alone assumes a square one, which a tilt
      // breaks. Use the wale readings only when too few patches resolve the threads.
      const full = samples.filter((q) => q.lattice.source !== 'wale');
      good = full.length >= 4 && perspectiveFor(full) ? full : samples;
      H = fitPlane(good, cx, cy, perspectiveFor(good));
      for (let round = 0; round < 3 && good.length >= 5; round++) {
        const err = good.map((q) => latticeError(H, q));
        const med = [...err].sort((x, y) => x - y)[err.length >> 1];
        const kept = good.filter((_, i) => err[i] <= Math.max(2.5 * med, 0.02));
        if (kept.length === good.length) break;
        good = kept;
        H = fitPlane(good, cx, cy, perspectiveFor(good));
      }
    }
  } else {
    scaleSource = 'framing';
    const theta = dominantAxisAngle(small.rgb, small.width, small.height, seg.mask);
    const f = FOCAL_RATIO * Math.max(width, height);
    unitMm = (opts.fallbackDistanceMm ?? 320) / f; // one cloth unit = one photo px at the centre
    const c = Math.cos(theta),
      s = Math.sin(theta);
    H = [c, s, -(c * cx + s * cy), -s, c, -(-s * cx + c * cy), 0, 0, 1];
  }
  const Hinv = invert(H);

  // Photo px per cloth unit at the centre.
  const [u0c, v0c] = apply(H, cx, cy);
  const [u1, v1] = apply(H, cx + 1, cy),
    [u2, v2] = apply(H, cx, cy + 1);
  const unitsPerPx = Math.sqrt(Math.abs((u1 - u0c) * (v2 - v0c) - (v1 - v0c) * (u2 - u0c)));
  const pxPerUnit = 1 / unitsPerPx;
  const photoMmPerPx = unitMm * unitsPerPx;

  done('plane');

  // 4. Largest rectangle of cloth in cloth coordinates.
  const corners = [
    [bx0, by0],
    [bx1, by0],
    [bx1, by1],
    [bx0, by1],
  ].map(([x, y]) => apply(H, x, y));
  const uMin = Math.min(...corners.map((c) => c[0])),
    uMax = Math.max(...corners.map((c) => c[0]));
  const vMin = Math.min(...corners.map((c) => c[1])),
    vMax = Math.max(...corners.map((c) => c[1]));
  const GR = 120;
  const occ = occupancy(Hinv, uMin, uMax, vMin, vMax, GR, width, height, sm, sw, sh, k, Math.max(1, seg.blur));
  const cellU = (uMax - uMin) / GR,
    cellV = (vMax - vMin) / GR;
  const rect = largestRectangle(occ, GR, GR, cellU, cellV, 2);
  if (!rect) throw new Error('no cloth found in the photo');
  const ru0 = uMin + rect.x * cellU,
    rv0 = vMin + rect.y * cellV;
  const ru1 = ru0 + rect.w * cellU,
    rv1 = rv0 + rect.h * cellV;

  // 5. Resample: output px per cloth unit close to the photo's own at the centre, capped.
  let outPerUnit = pxPerUnit;
  const longUnits = Math.max(ru1 - ru0, rv1 - rv0);
  if (longUnits * outPerUnit > maxSide) outPerUnit = maxSide / longUnits;
  const W = Math.max(8, Math.round((ru1 - ru0) * outPerUnit)),
    Hh = Math.max(8, Math.round((rv1 - rv0) * outPerUnit));
  // Output px → photo px.
  const S: Mat3 = [1 / outPerUnit, 0, ru0, 0, 1 / outPerUnit, rv0, 0, 0, 1];
  let toPhoto = mul(Hinv, S);
  const quad = [
    [0, 0],
    [W, 0],
    [W, Hh],
    [0, Hh],
  ].map(([x, y]) => apply(toPhoto, x, y));
  const bl = Math.max(0, Math.floor(Math.min(...quad.map((q) => q[0])))),
    bt = Math.max(0, Math.floor(Math.min(...quad.map((q) => q[1]))));
  const br = Math.min(width, Math.ceil(Math.max(...quad.map((q) => q[0])))),
    bb = Math.min(height, Math.ceil(Math.max(...quad.map((q) => q[1]))));
  const box = { left: bl, top: bt, width: br - bl, height: bb - bt };
  const shrink = pxPerUnit / outPerUnit;
  // Anti-aliasing: once an output px spans well over a photo px (a 12 MP photo capped at maxSide
  // shrinks ~2.9×, and its 0.28 mm threads would fall at 1 output px, past Nyquist, as moiré), the
  // photo is area-averaged to the nearest whole factor first. Under 1.25× the bilinear tap's own
  // footprint (2 photo px) already covers an output px.
  const m = shrink < PREFILTER_FROM ? 1 : Math.max(2, Math.round(shrink));
  const source = prefilter(rgb, width, height, box, m, W * Hh * 3);
  done('crop');
  // Stripes and check lines, where the cloth has them, take out what the lattice left. Measured at
  // full output size (on a half-size copy a herringbone's fine diagonals alias and its lines read
  // 10× less straight), but only along the rows and columns the measure reads.
  const lines = lineSampleBuffers(W, Hh);
  cover(source, toPhoto, W, Hh);
  done('prefilter');
  sampleLines(source, toPhoto, lines);
  const residual = lineResidual(lines);
  if (residual.vertical || residual.horizontal) toPhoto = mul(toPhoto, straighteningMap(residual, W, Hh));
  done('straighten');
  cover(source, toPhoto, W, Hh);
  const out = rectify(source, toPhoto, W, Hh);
  done('resample');
  const mmPerPx = unitMm / outPerUnit;

  // Repeat of the pattern, from the rectified cloth (its profiles, summed in linear light).
  const raw = axisProfilesSrgb8(out, W, Hh);
  const profiles = { x: patternOnly(raw.x), y: patternOnly(raw.y) };
  // An axis the cloth hardly varies along has no repeat (a chalk stripe along its stripes, a solid):
  // what periodicity is left there is the light, the heather, the JPEG's blocks.
  const kx = patternContrast(profiles.x, raw.x.luma),
    ky = patternContrast(profiles.y, raw.y.luma);
  const shows = (c: number, other: number) => c >= MIN_PATTERN_CONTRAST && c >= MIN_PATTERN_SHARE * other;
  let rx = shows(kx, ky) ? periodOf(profiles.x) : 0,
    ry = shows(ky, kx) ? periodOf(profiles.y) : 0;
  // A check is woven square more often than not: when one axis shows a repeat the other could only
  // show a fraction of (the cloth is too short that way to hold it twice), test that repeat there.
  if (rx > 1.5 * ry && ry > 0 && rx > Hh / 2) ry = repeatNearOf(profiles.y, rx) || ry;
  else if (ry > 1.5 * rx && rx > 0 && ry > W / 2) rx = repeatNearOf(profiles.x, ry) || rx;
  done('repeat');

  const dirU = apply(Hinv, u0c + 1, v0c);
  const rotationDeg = (Math.atan2(dirU[1] - cy, dirU[0] - cx) * 180) / Math.PI;
  const f = FOCAL_RATIO * Math.max(width, height);
  // In photo coordinates centred on the principal point, w = g·x + g0: tan(tilt) = f |g| / g0.
  const g0 = H[8] + H[6] * (width / 2) + H[7] * (height / 2);
  const tiltDeg = (Math.atan((f * Math.hypot(H[6], H[7])) / Math.abs(g0)) * 180) / Math.PI;

  const confidence = scaleSource === 'framing' ? 0.2 : Math.min(0.9, 0.4 + 0.05 * good.length) * (good.length >= 3 ? 1 : 0.7);
  return {
    box,
    quad: quad.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]),
    rotationDeg,
    tiltDeg,
    mmPerPx,
    photoMmPerPx,
    repeatMm: { x: rx * mmPerPx, y: ry * mmPerPx },
    threadPx: scaleSource === 'weave' ? pxPerUnit : null,
    scaleSource,
    confidence,
    clothFraction: seg.fraction,
    rectified: { rgb: out, width: W, height: Hh, widthMm: W * mmPerPx },
    toPhoto,
    patches: { used: good.length, tried },
    stageMs,
    stageCpuMs,
  };
}

/**
 * An axis's profiles with what is not pattern taken out, for the repeat search. The light across the
 * cloth (a slow curve: a quadratic's worth) made every short lag look like a repeat, so a solid read
 * a "repeat" of 6 px and a chalk stripe one along its stripes. A light blur (5 taps) keeps a repeat
 * that falls between two whole px (186.5 px: a fine line half a px off at 186 and 187) from
 * correlating better at twice its length.
 */
function patternOnly(p: AxisProfiles): AxisProfiles {
  return { luma: detrendBlur(p.luma), rg: detrendBlur(p.rg), yb: detrendBlur(p.yb) };
}

/** How much an axis's pattern profiles vary: the largest standard deviation over the mean luminance. */
function patternContrast(p: AxisProfiles, luma: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < luma.length; i++) mean += luma[i];
  mean /= luma.length;
  if (!(mean > 0)) return 0;
  const sd = (v: Float64Array) => {
    let s2 = 0;
    for (let i = 0; i < v.length; i++) s2 += v[i] * v[i];
    return Math.sqrt(s2 / v.length); // the profiles are detrended: their mean is 0
  };
  return Math.max(sd(p.luma), sd(p.rg), sd(p.yb)) / mean;
}

function detrendBlur(v: Float64Array): Float64Array {
  const n = v.length;
  // Least-squares quadratic in t = −1..1 (Legendre basis: the three fits are independent).
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    n1 = 0,
    n2 = 0;
  const t = (i: number) => (n > 1 ? (2 * i) / (n - 1) - 1 : 0);
  for (let i = 0; i < n; i++) {
    const x = t(i),
      q = 1.5 * x * x - 0.5;
    s0 += v[i];
    s1 += v[i] * x;
    s2 += v[i] * q;
    n1 += x * x;
    n2 += q * q;
  }
  const c0 = s0 / n,
    c1 = n1 ? s1 / n1 : 0,
    c2 = n2 ? s2 / n2 : 0;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = t(i);
    d[i] = v[i] - c0 - c1 * x - c2 * (1.5 * x * x - 0.5);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0,
      w = 0;
    for (let k = -2; k <= 2; k++) {
      const j = i + k;
      if (j < 0 || j >= n) continue;
      const wk = 3 - Math.abs(k);
      s += d[j] * wk;
      w += wk;
    }
    out[i] = s / w;
  }
  return out;
}

/** Bounding box, coordinate sums and count of the set px of a mask (loops out of the long function, so they are compiled on their own). */
function maskBounds(mask: Uint8Array, w: number, h: number) {
  let x0 = w,
    y0 = h,
    x1 = -1,
    y1 = -1,
    sx = 0,
    sy = 0,
    n = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0, p = y * w; x < w; x++, p++)
      if (mask[p]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        sx += x;
        sy += y;
        n++;
      }
  return { x0, y0, x1, y1, sx, sy, n };
}

/**
 * Which cells of a GR × GR grid over the cloth-coordinate box u0..u1 × v0..v1 fall on cloth: inside
 * the photo and inside the mask (reduced k×, sw × sh) with `margin` reduced px of mask on every side.
 */
function occupancy(
  Hinv: Mat3,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
  GR: number,
  width: number,
  height: number,
  mask: Uint8Array,
  sw: number,
  sh: number,
  k: number,
  margin: number,
): Uint8Array {
  const occ = new Uint8Array(GR * GR);
  const set = (qx: number, qy: number) => qx >= 0 && qy >= 0 && qx < sw && qy < sh && mask[qy * sw + qx] === 1;
  for (let j = 0; j < GR; j++)
    for (let i = 0; i < GR; i++) {
      const u = u0 + ((i + 0.5) / GR) * (u1 - u0),
        v = v0 + ((j + 0.5) / GR) * (v1 - v0);
      const d = Hinv[6] * u + Hinv[7] * v + Hinv[8];
      const x = (Hinv[0] * u + Hinv[1] * v + Hinv[2]) / d,
        y = (Hinv[3] * u + Hinv[4] * v + Hinv[5]) / d;
      if (!(x >= 0 && y >= 0 && x < width && y < height)) continue;
      const sx = Math.floor(x / k),
        sy = Math.floor(y / k);
      occ[j * GR + i] = set(sx, sy) && set(sx - margin, sy) && set(sx + margin, sy) && set(sx, sy - margin) && set(sx, sy + margin) ? 1 : 0;
    }
  return occ;
}

function mul(A: Mat3, B: Mat3): Mat3 {
  const o = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) o[r * 3 + c] += A[r * 3 + k] * B[k * 3 + c];
  return o as Mat3;
}

/** The thread lattice a plane predicts at (x, y): the rows of its Jacobian. */
function latticeAt(H: Mat3, x: number, y: number): ThreadLattice {
  const [u, v] = apply(H, x, y);
  const [ux, vx] = apply(H, x + 1, y),
    [uy, vy] = apply(H, x, y + 1);
  return { a: [ux - u, uy - u], b: [vx - v, vy - v], strength: 1, source: 'threads' };
}

/**
 * The first plane, grown patch by patch from a patch's own lattice (see the caller). A patch is
 * taken when its threads are found near the prediction and, looked for again around what was found,
 * found there too. The strongest patch can itself be a wrong tooth of the comb: the three strongest
 * each seed a plane, and the one that takes the most patches is kept.
 */
function growPlane(own: LatticeSample[], spectra: PatchSpectrum[], cx: number, cy: number, perspectiveFor: (qs: LatticeSample[]) => boolean): Mat3 {
  let best: { H: Mat3; taken: number } | null = null;
  for (const seed of [...own].sort((a, b) => b.lattice.strength - a.lattice.strength).slice(0, 3)) {
    const grown = growFrom(seed, spectra, cx, cy, perspectiveFor);
    if (grown && (!best || grown.taken > best.taken)) best = grown;
  }
  return best?.H ?? fitPlane(own, cx, cy, false);
}

function growFrom(
  seed: LatticeSample,
  spectra: PatchSpectrum[],
  cx: number,
  cy: number,
  perspectiveFor: (qs: LatticeSample[]) => boolean,
): { H: Mat3; taken: number } | null {
  const taken: LatticeSample[] = [];
  const left = spectra.filter((sp) => sp.x !== seed.x || sp.y !== seed.y);
  const distance = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);
  const nearestTaken = (sp: { x: number; y: number }) => taken.reduce((a, b) => (distance(b, sp) < distance(a, sp) ? b : a));
  let H: Mat3 | null = null;
  let next: PatchSpectrum | undefined = spectra.find((sp) => sp.x === seed.x && sp.y === seed.y);
  while (next) {
    const predicted = !taken.length ? seed.lattice : H && perspectiveFor(taken) ? latticeAt(H, next.x, next.y) : nearestTaken(next).lattice;
    const rough = threadLatticeNear(next.spectrum, predicted, 0.08);
    const fine = rough && threadLatticeNear(next.spectrum, rough, 0.025);
    if (fine) {
      taken.push({ x: next.x, y: next.y, lattice: fine });
      H = fitPlane(taken, cx, cy, perspectiveFor(taken));
    }
    if (!taken.length || !left.length) break;
    let k = 0;
    for (let i = 1; i < left.length; i++) if (distance(nearestTaken(left[i]), left[i]) < distance(nearestTaken(left[k]), left[k])) k = i;
    next = left.splice(k, 1)[0];
  }
  return H && { H, taken: taken.length };
}

/** Relative mismatch between a patch's lattice and the plane's Jacobian there. */
function latticeError(H: Mat3, q: LatticeSample): number {
  const [u, v] = apply(H, q.x, q.y);
  const [ux, vx] = apply(H, q.x + 1, q.y),
    [uy, vy] = apply(H, q.x, q.y + 1);
  const J = [ux - u, uy - u, vx - v, vy - v];
  const o = [q.lattice.a[0], q.lattice.a[1], q.lattice.b[0], q.lattice.b[1]];
  return Math.hypot(J[0] - o[0], J[1] - o[1], J[2] - o[2], J[3] - o[3]) / Math.hypot(...o);
}

/**
 * A reduced copy for finding the cloth: each output px averages the 2×2 photo px at the middle of
 * its k×k block (enough to tame noise for colour statistics, and 6× cheaper than the full block).
 */
function reduce(rgb: Uint8Array, w: number, h: number, k: number): { rgb: Uint8Array; width: number; height: number } {
  if (k === 1) return { rgb: rgb.subarray(0, w * h * 3), width: w, height: h };
  const W = Math.floor(w / k),
    H = Math.floor(h / k);
  const out = new Uint8Array(W * H * 3);
  const off = Math.max(0, (k >> 1) - 1);
  for (let Y = 0; Y < H; Y++) {
    const r0 = (Y * k + off) * w * 3,
      r1 = r0 + w * 3;
    for (let X = 0; X < W; X++) {
      const c = (X * k + off) * 3,
        o = (Y * W + X) * 3;
      out[o] = (rgb[r0 + c] + rgb[r0 + c + 3] + rgb[r1 + c] + rgb[r1 + c + 3] + 2) >> 2;
      out[o + 1] = (rgb[r0 + c + 1] + rgb[r0 + c + 4] + rgb[r1 + c + 1] + rgb[r1 + c + 4] + 2) >> 2;
      out[o + 2] = (rgb[r0 + c + 2] + rgb[r0 + c + 5] + rgb[r1 + c + 2] + rgb[r1 + c + 5] + 2) >> 2;
    }
  }
  return { rgb: out, width: W, height: H };
}

/**
 * Largest-area rectangle of set cells (aspect ratio in mm at most `maxAspect`), by the histogram
 * method: for each row, heights of set cells above; for each run, the widest span at each height.
 */
function largestRectangle(occ: Uint8Array, w: number, h: number, cellU: number, cellV: number, maxAspect: number) {
  const heights = new Int32Array(w);
  let best: { x: number; y: number; w: number; h: number } | null = null,
    bestArea = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) heights[x] = occ[y * w + x] ? heights[x] + 1 : 0;
    for (let x = 0; x < w; x++) {
      let minH = h + 1;
      for (let x2 = x; x2 < w && heights[x2] > 0; x2++) {
        if (heights[x2] < minH) minH = heights[x2];
        // Wider spans from x only lower the height: none can beat the best once the whole
        // remaining width at this height does not.
        if ((w - x) * cellU * minH * cellV <= bestArea) break;
        const rw = (x2 - x + 1) * cellU;
        // The tallest allowed height at this width.
        const hh = Math.min(minH, Math.floor((rw * maxAspect) / cellV));
        const rwAllowed = Math.min(rw, hh * cellV * maxAspect);
        const area = rwAllowed * hh * cellV;
        if (hh > 0 && area > bestArea) {
          bestArea = area;
          const cols = Math.max(1, Math.floor(rwAllowed / cellU));
          best = { x, y: y - hh + 1, w: cols, h: hh };
        }
      }
    }
  }
  return best;
}

interface Source {
  /** Linear RGB of the box reduced m× (box-averaged), or null to read the photo itself. */
  lin: Float32Array | null;
  /** The WebAssembly resampling, when its module is assembled (`lin` then lives in its memory). */
  k: ResampleMemory | null;
  rgb: Uint8Array;
  width: number;
  height: number;
  ox: number;
  oy: number;
  m: number;
  photoWidth: number;
  photoHeight: number;
  /** Which columns of each reduced row are filled so far: xa[Y] ≤ X < xb[Y]. */
  xa: Int32Array;
  xb: Int32Array;
}

/**
 * What the rectified cloth is sampled from: at m = 1 the photo itself; shrinking m× or more, the
 * box around the cloth area-averaged m× in linear light first, so the weave cannot alias into moiré.
 * Only the part a transform samples is averaged, when it asks for it (`cover`): the box holds the
 * turned, tilted cloth, and a quarter of it or more lies outside the cloth's outline.
 */
function prefilter(rgb: Uint8Array, w: number, h: number, box: ClothBox, m: number, outBytes: number): Source {
  if (m <= 1)
    return { lin: null, k: null, rgb, width: w, height: h, ox: 0, oy: 0, m: 1, photoWidth: w, photoHeight: h, xa: new Int32Array(0), xb: new Int32Array(0) };
  const bw = Math.max(1, Math.floor(box.width / m)),
    bh = Math.max(1, Math.floor(box.height / m));
  const xa = new Int32Array(bh).fill(bw);
  const k = bw >= 2 && bh >= 2 ? resampleMemory(bw, bh, outBytes) : null;
  return {
    lin: k ? k.lin : new Float32Array(bw * bh * 3),
    k,
    rgb,
    width: bw,
    height: bh,
    ox: box.left,
    oy: box.top,
    m,
    photoWidth: w,
    photoHeight: h,
    xa,
    xb: new Int32Array(bh),
  };
}

/**
 * Makes sure every reduced px that bilinear sampling of output px 0..W × 0..H through T (output px
 * → photo px) reads is averaged: row by row, the span of the quad the output maps to (a convex
 * quad: the image of a rectangle under a homography), widened by the taps' reach.
 */
function cover(src: Source, T: Mat3, W: number, H: number): void {
  const lin = src.lin;
  if (!lin) return;
  const m = src.m;
  const cx: number[] = [],
    cy: number[] = [];
  for (const [X, Y] of [
    [0, 0],
    [W, 0],
    [W, H],
    [0, H],
  ]) {
    const [x, y] = apply(T, X, Y);
    cx.push((x - src.ox) / m - 0.5);
    cy.push((y - src.oy) / m - 0.5);
  }
  const top = Math.max(0, Math.floor(Math.min(...cy)) - 1),
    bottom = Math.min(src.height - 1, Math.ceil(Math.max(...cy)) + 1);
  for (let Y = top; Y <= bottom; Y++) {
    // Row Y is read by samples whose y lies in (Y − 1, Y + 1): the quad's x-extent over that band.
    let lo = Infinity,
      hi = -Infinity;
    for (let e = 0; e < 4; e++) {
      const x0 = cx[e],
        y0 = cy[e],
        x1 = cx[(e + 1) & 3],
        y1 = cy[(e + 1) & 3];
      let t0 = 0,
        t1 = 1;
      if (y1 !== y0) {
        const ta = (Y - 1 - y0) / (y1 - y0),
          tb = (Y + 1 - y0) / (y1 - y0);
        t0 = Math.max(0, Math.min(ta, tb));
        t1 = Math.min(1, Math.max(ta, tb));
      } else if (y0 < Y - 1 || y0 > Y + 1) continue;
      if (t0 > t1) continue;
      const xa = x0 + t0 * (x1 - x0),
        xb = x0 + t1 * (x1 - x0);
      lo = Math.min(lo, xa, xb);
      hi = Math.max(hi, xa, xb);
    }
    if (!(lo <= hi)) continue;
    const a = Math.max(0, Math.floor(lo) - 1),
      b = Math.min(src.width, Math.ceil(hi) + 2);
    const ca = src.xa[Y],
      cb = src.xb[Y];
    if (ca >= cb) boxRow(src, Y, a, b);
    else {
      if (a < ca) boxRow(src, Y, a, ca);
      if (b > cb) boxRow(src, Y, cb, b);
    }
    src.xa[Y] = Math.min(a, ca);
    src.xb[Y] = Math.max(b, cb);
  }
}

/** Reduced px X0..X1 of row Y: each the mean, in linear light, of its m × m photo px. */
function boxRow(src: Source, Y: number, X0: number, X1: number): void {
  if (X1 <= X0) return;
  const m = src.m,
    lin = src.lin as Float32Array,
    rgb = src.rgb,
    lut = SRGB8_TO_LINEAR_F64;
  const pw = src.photoWidth,
    ph = src.photoHeight;
  const inv = 1 / (m * m);
  const o0 = (Y * src.width + X0) * 3;
  if (m === 2) {
    const y0 = Math.min(ph - 1, src.oy + 2 * Y),
      y1 = Math.min(ph - 1, y0 + 1);
    let a = (y0 * pw + src.ox + X0 * 2) * 3,
      b = (y1 * pw + src.ox + X0 * 2) * 3;
    for (let X = X0, o = o0; X < X1; X++, a += 6, b += 6, o += 3) {
      lin[o] = 0.25 * (lut[rgb[a]] + lut[rgb[a + 3]] + lut[rgb[b]] + lut[rgb[b + 3]]);
      lin[o + 1] = 0.25 * (lut[rgb[a + 1]] + lut[rgb[a + 4]] + lut[rgb[b + 1]] + lut[rgb[b + 4]]);
      lin[o + 2] = 0.25 * (lut[rgb[a + 2]] + lut[rgb[a + 5]] + lut[rgb[b + 2]] + lut[rgb[b + 5]]);
    }
    return;
  }
  if (m === 3) {
    // A 12 MP photo's cloth, capped at 1024 px: the 9 px summed in one expression, one store each.
    const y0 = Math.min(ph - 1, src.oy + 3 * Y),
      y1 = Math.min(ph - 1, y0 + 1),
      y2 = Math.min(ph - 1, y0 + 2);
    let a = (y0 * pw + src.ox + X0 * 3) * 3,
      b = (y1 * pw + src.ox + X0 * 3) * 3,
      c = (y2 * pw + src.ox + X0 * 3) * 3;
    for (let X = X0, o = o0; X < X1; X++, a += 9, b += 9, c += 9, o += 3) {
      lin[o] =
        inv *
        (lut[rgb[a]] + lut[rgb[a + 3]] + lut[rgb[a + 6]] + lut[rgb[b]] + lut[rgb[b + 3]] + lut[rgb[b + 6]] + lut[rgb[c]] + lut[rgb[c + 3]] + lut[rgb[c + 6]]);
      lin[o + 1] =
        inv *
        (lut[rgb[a + 1]] +
          lut[rgb[a + 4]] +
          lut[rgb[a + 7]] +
          lut[rgb[b + 1]] +
          lut[rgb[b + 4]] +
          lut[rgb[b + 7]] +
          lut[rgb[c + 1]] +
          lut[rgb[c + 4]] +
          lut[rgb[c + 7]]);
      lin[o + 2] =
        inv *
        (lut[rgb[a + 2]] +
          lut[rgb[a + 5]] +
          lut[rgb[a + 8]] +
          lut[rgb[b + 2]] +
          lut[rgb[b + 5]] +
          lut[rgb[b + 8]] +
          lut[rgb[c + 2]] +
          lut[rgb[c + 5]] +
          lut[rgb[c + 8]]);
    }
    return;
  }
  lin.fill(0, o0, o0 + (X1 - X0) * 3);
  for (let dy = 0; dy < m; dy++) {
    const y = Math.min(ph - 1, src.oy + Y * m + dy);
    let s = (y * pw + src.ox + X0 * m) * 3;
    for (let X = X0, o = o0; X < X1; X++, o += 3) {
      let r = 0,
        g = 0,
        b = 0;
      for (let dx = 0; dx < m; dx++, s += 3) {
        r += lut[rgb[s]];
        g += lut[rgb[s + 1]];
        b += lut[rgb[s + 2]];
      }
      lin[o] += r * inv;
      lin[o + 1] += g * inv;
      lin[o + 2] += b * inv;
    }
  }
}

/**
 * Output px X0, X0 + step, … < X1 of row Y, through T (output px → photo px), as 8-bit sRGB at
 * out[o…]: each the bilinear sample, in linear light, of the source. One loop per kind of source,
 * so each stays monomorphic (the photo's bytes through the table, or the prefiltered linear box).
 */
function sampleSpan(src: Source, T: Mat3, Y: number, X0: number, X1: number, step: number, out: Uint8Array, o: number): void {
  const yc = Y + 0.5;
  const nx0 = T[1] * yc + T[2],
    ny0 = T[4] * yc + T[5],
    dn0 = T[7] * yc + T[8];
  const t0 = T[0],
    t3 = T[3],
    t6 = T[6];
  const xMax = src.width - 1.001,
    yMax = src.height - 1.001,
    row = src.width * 3;
  // A bilinear mix of values in 0..1 stays in 0..1 (give or take a rounding): the table needs no
  // clamp, and the one running on past 1.0 takes the rounding.
  const toSrgb = LINEAR_TO_SRGB8_LUT_OVER;
  if (src.lin) {
    const lin = src.lin,
      ox = src.ox,
      oy = src.oy,
      im = 1 / src.m;
    for (let X = X0; X < X1; X += step, o += 3) {
      const xc = X + 0.5;
      const iw = 1 / (t6 * xc + dn0);
      let sx = ((t0 * xc + nx0) * iw - ox) * im - 0.5,
        sy = ((t3 * xc + ny0) * iw - oy) * im - 0.5;
      sx = sx < 0 ? 0 : sx > xMax ? xMax : sx;
      sy = sy < 0 ? 0 : sy > yMax ? yMax : sy;
      const x0 = sx | 0,
        y0 = sy | 0,
        fx = sx - x0,
        fy = sy - y0;
      const a = y0 * row + x0 * 3,
        c = a + row;
      const wa = (1 - fx) * (1 - fy),
        wb = fx * (1 - fy),
        wc = (1 - fx) * fy,
        wd = fx * fy;
      out[o] = toSrgb[((lin[a] * wa + lin[a + 3] * wb + lin[c] * wc + lin[c + 3] * wd) * LIN_LUT_SIZE + 0.5) | 0];
      out[o + 1] = toSrgb[((lin[a + 1] * wa + lin[a + 4] * wb + lin[c + 1] * wc + lin[c + 4] * wd) * LIN_LUT_SIZE + 0.5) | 0];
      out[o + 2] = toSrgb[((lin[a + 2] * wa + lin[a + 5] * wb + lin[c + 2] * wc + lin[c + 5] * wd) * LIN_LUT_SIZE + 0.5) | 0];
    }
  } else {
    const rgb = src.rgb,
      lut = SRGB8_TO_LINEAR_F64;
    for (let X = X0; X < X1; X += step, o += 3) {
      const xc = X + 0.5;
      const iw = 1 / (t6 * xc + dn0);
      let sx = (t0 * xc + nx0) * iw - 0.5,
        sy = (t3 * xc + ny0) * iw - 0.5;
      sx = sx < 0 ? 0 : sx > xMax ? xMax : sx;
      sy = sy < 0 ? 0 : sy > yMax ? yMax : sy;
      const x0 = sx | 0,
        y0 = sy | 0,
        fx = sx - x0,
        fy = sy - y0;
      const a = y0 * row + x0 * 3,
        c = a + row;
      const wa = (1 - fx) * (1 - fy),
        wb = fx * (1 - fy),
        wc = (1 - fx) * fy,
        wd = fx * fy;
      out[o] = toSrgb[((lut[rgb[a]] * wa + lut[rgb[a + 3]] * wb + lut[rgb[c]] * wc + lut[rgb[c + 3]] * wd) * LIN_LUT_SIZE + 0.5) | 0];
      out[o + 1] = toSrgb[((lut[rgb[a + 1]] * wa + lut[rgb[a + 4]] * wb + lut[rgb[c + 1]] * wc + lut[rgb[c + 4]] * wd) * LIN_LUT_SIZE + 0.5) | 0];
      out[o + 2] = toSrgb[((lut[rgb[a + 2]] * wa + lut[rgb[a + 5]] * wb + lut[rgb[c + 2]] * wc + lut[rgb[c + 5]] * wd) * LIN_LUT_SIZE + 0.5) | 0];
    }
  }
}

/**
 * The output is resampled a tile at a time (BLOCK columns × TILE_ROWS rows). Along a rotated or
 * tilted row the photo px sampled climb the photo's rows — a new row, a new memory page, every few
 * px — in an order no prefetcher follows; a tile's photo px are a compact patch, read first row by
 * row (warmTile) so that the resampling finds them in the cache. BLOCK is a multiple of
 * LINE_EVERY, so the sampled columns fall the same in every tile.
 */
const BLOCK = 16 * LINE_EVERY;
const TILE_ROWS = 48;
let warmSink = 0;

/** Reads one byte in every cache line of the photo rows and columns output px X0..X1 × Y0..Y1 sample. */
function warmTile(src: Source, T: Mat3, X0: number, X1: number, Y0: number, Y1: number): void {
  if (src.lin) return;
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  // A homography maps the tile's edges to straight lines: its corners bound it.
  for (let c = 0; c < 4; c++) {
    const X = c & 1 ? X1 : X0,
      Y = c & 2 ? Y1 : Y0;
    const d = T[6] * X + T[7] * Y + T[8];
    const x = (T[0] * X + T[1] * Y + T[2]) / d,
      y = (T[3] * X + T[4] * Y + T[5]) / d;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const rgb = src.rgb,
    row = src.width * 3;
  const ya = Math.max(0, Math.floor(y0) - 1),
    yb = Math.min(src.height - 1, Math.ceil(y1) + 1);
  const xa = Math.max(0, Math.floor(x0) - 1) * 3,
    xb = Math.min(src.width - 1, Math.ceil(x1) + 1) * 3;
  if (!(yb >= ya && xb >= xa)) return;
  let acc = 0;
  for (let y = ya; y <= yb; y++) for (let i = y * row + xa, e = y * row + xb; i <= e; i += 64) acc += rgb[i];
  warmSink = (warmSink + acc) | 0;
}

/** The rectified cloth, W × H, interleaved sRGB. */
function rectify(src: Source, T: Mat3, W: number, H: number): Uint8Array {
  const k = src.k;
  if (k) {
    for (let Y0 = 0; Y0 < H; Y0 += TILE_ROWS)
      for (let X0 = 0; X0 < W; X0 += BLOCK) {
        const X1 = Math.min(W, X0 + BLOCK),
          Y1 = Math.min(H, Y0 + TILE_ROWS);
        for (let Y = Y0; Y < Y1; Y++) k.sample(T, src.ox, src.oy, src.m, Y, X0, X1, 1, k.outAt + (Y * W + X0) * 3);
      }
    return k.heap.slice(k.outAt, k.outAt + W * H * 3);
  }
  const out = new Uint8Array(W * H * 3);
  for (let Y0 = 0; Y0 < H; Y0 += TILE_ROWS)
    for (let X0 = 0; X0 < W; X0 += BLOCK) {
      const X1 = Math.min(W, X0 + BLOCK),
        Y1 = Math.min(H, Y0 + TILE_ROWS);
      warmTile(src, T, X0, X1, Y0, Y1);
      for (let Y = Y0; Y < Y1; Y++) sampleSpan(src, T, Y, X0, X1, 1, out, (Y * W + X0) * 3);
    }
  return out;
}

/**
 * What lineResidual reads of the cloth rectified through T (its luma, as the rectified bytes would
 * give it): every LINE_EVERY-th row whole, and every LINE_EVERY-th px of the other rows — a third
 * of the resampling a whole rectified copy would take.
 */
function sampleLines(src: Source, T: Mat3, lines: LineSamples): void {
  const { w: W, h: H, rows, cols } = lines;
  if (src.k) {
    sampleLinesWasm(src, src.k, T, lines);
    return;
  }
  const buf = new Uint8Array(BLOCK * 3);
  for (let Y0 = 0; Y0 < H; Y0 += TILE_ROWS)
    for (let X0 = 0; X0 < W; X0 += BLOCK) {
      const X1 = Math.min(W, X0 + BLOCK),
        Y1 = Math.min(H, Y0 + TILE_ROWS);
      warmTile(src, T, X0, X1, Y0, Y1);
      for (let Y = Y0; Y < Y1; Y++) {
        if (Y % LINE_EVERY === 0) {
          sampleSpan(src, T, Y, X0, X1, 1, buf, 0);
          const r = (Y / LINE_EVERY) * W;
          for (let X = X0, o = 0; X < X1; X++, o += 3) rows[r + X] = 0.299 * buf[o] + 0.587 * buf[o + 1] + 0.114 * buf[o + 2];
          for (let X = X0; X < X1; X += LINE_EVERY) cols[(X / LINE_EVERY) * H + Y] = rows[r + X];
        } else {
          sampleSpan(src, T, Y, X0, X1, LINE_EVERY, buf, 0);
          for (let X = X0, o = 0; X < X1; X += LINE_EVERY, o += 3) cols[(X / LINE_EVERY) * H + Y] = 0.299 * buf[o] + 0.587 * buf[o + 1] + 0.114 * buf[o + 2];
        }
      }
    }
}

/** sampleLines through the WebAssembly module: the same rows and columns, a row per call. */
function sampleLinesWasm(src: Source, k: ResampleMemory, T: Mat3, lines: LineSamples): void {
  const { w: W, h: H, rows, cols } = lines;
  const heap = k.heap,
    at = k.outAt;
  for (let Y = 0; Y < H; Y++) {
    if (Y % LINE_EVERY === 0) {
      k.sample(T, src.ox, src.oy, src.m, Y, 0, W, 1, at);
      const r = (Y / LINE_EVERY) * W;
      for (let X = 0, o = at; X < W; X++, o += 3) rows[r + X] = 0.299 * heap[o] + 0.587 * heap[o + 1] + 0.114 * heap[o + 2];
      for (let X = 0; X < W; X += LINE_EVERY) cols[(X / LINE_EVERY) * H + Y] = rows[r + X];
    } else {
      k.sample(T, src.ox, src.oy, src.m, Y, 0, W, LINE_EVERY, at);
      for (let X = 0, o = at; X < W; X += LINE_EVERY, o += 3) cols[(X / LINE_EVERY) * H + Y] = 0.299 * heap[o] + 0.587 * heap[o + 1] + 0.114 * heap[o + 2];
    }
  }
}

/**
 * Fallback orientation when no weave is resolved: the dominant edge direction of the cloth (stripes,
 * check lines) modulo 90°, from a histogram of gradient angles weighted by magnitude; radians,
 * the rotation that brings those edges square.
 */
function dominantAxisAngle(rgb: Uint8Array, w: number, h: number, mask: Uint8Array): number {
  const bins = 180;
  const hist = new Float64Array(bins);
  const L = (p: number) => 0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2];
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      if (!mask[p]) continue;
      const gx = L(p + 1) - L(p - 1),
        gy = L(p + w) - L(p - w);
      const mag = gx * gx + gy * gy;
      if (mag < 25) continue;
      // Angle mod 90°, as 4θ on the circle so 0° and 90° are the same bin.
      let a = Math.atan2(gy, gx) * 4;
      a = ((a % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      hist[Math.floor((a / (2 * Math.PI)) * bins) % bins] += Math.sqrt(mag);
    }
  let best = 0;
  for (let i = 1; i < bins; i++) if (hist[i] > hist[best]) best = i;
  let theta = (((best + 0.5) / bins) * 2 * Math.PI) / 4; // [0, 90°)
  if (theta > Math.PI / 4) theta -= Math.PI / 2;
  return theta;
}
