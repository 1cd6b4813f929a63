/**
 * Procedural cloth: a seamlessly tileable texture of a fabric spec at a given scale (px per mm).
 *
 * How it is made, and why:
 * 1. The tile is a whole number of weave repeats and pattern repeats, counted in threads; the thread
 *    pitch is nudged so a whole number of threads fills one pattern repeat exactly (pattern.ts). The
 *    tile's pixel size is the tile's millimetres × pxPerMm rounded, and the number of repeats in it is
 *    chosen so that rounding moves the period by < 0.5 %.
 * 2. Each crossing of warp end and weft pick is rendered at `S` samples per thread per axis (or, when
 *    a thread is smaller than ~0.6 px, as the exact average over the crossing). Each sample carries a
 *    colour class (ground / accent / tone) and a relative brightness (yarn relief, heather).
 * 3. The brightness of each class is rescaled so its mean over the tile is exactly its target colour
 *    in linear light (compressing the relief, never clipping, for very light colours). This is the
 *    colour promise: the ground yarns average to the colourway's hex.
 * 4. The samples are box-filtered (area-averaged) down to output pixels in linear light: every pixel is
 *    the true mean of the cloth it covers, so fine stripes cannot alias into moiré and the tile mean
 *    is preserved exactly. Nap (raised fibre) is a small wrap-around blur after that.
 */
import { ByteCache } from '../cache.ts';
import { PATTERNS, WEAVES } from '../contract/enums.ts';
import type { FabricSpec, SwatchTile } from '../engines/types.ts';
import { type Lab, type Rgb, hexToLinear, linearToHex, linearToLab, linearToSrgb8, luminance, meanLinearRgb, SRGB8_TO_LINEAR } from './color.ts';
import { ACCENT, CLASS_COUNT, checkClass, GROUND, TONE, planPattern, resolveFabric, type ResolvedFabric } from './pattern.ts';
import { fnv1a, fnv1aBytes, rand01, randNormal } from './random.ts';
import { areaWeights, blurPeriodic, resamplePeriodic } from './resample.ts';
import { floatShadeTable, weaveMatrix, weaveShadeTable } from './weave.ts';

export interface FabricTexture {
  width: number;
  height: number;
  /** Interleaved sRGB, 3 bytes per pixel, row-major. Tiles seamlessly in both directions. */
  rgb: Uint8Array;
  /** The scale it was made for. */
  pxPerMm: number;
  /**
   * Real size of the tile. width / widthMm differs from pxPerMm by < 0.5 % (pixel rounding); a
   * renderer that wants the pattern exact to the pixel maps mm → px with width / widthMm.
   */
  widthMm: number;
  heightMm: number;
  /** Pattern repeat in texture pixels across (x) and down (y); 0 on an axis without a pattern. */
  repeatPx: { x: number; y: number };
  /**
   * Period of the whole structure (weave and pattern together) in texture pixels: the tile holds a
   * whole number of these. Useful to compare like with like across the tile's seam.
   */
  structurePx: { x: number; y: number };
  /** Mean colour of the whole tile, averaged in linear light. */
  meanLinear: Rgb;
  meanLab: Lab;
  meanHex: string;
  /** Mean relative luminance (Y, linear light, 0..1): what a renderer divides by to get relief. */
  lumaMean: number;
  /** The yarn colours the tile was normalised to. `ground` is the colourway's hex. */
  colors: { ground: string; accent: string | null; tone: string | null };
  /** Per pixel, the fraction covered by ground yarns (only with `{ groundCoverage: true }`). */
  groundCoverage?: Float32Array;
  /** Cache key: same key, same pixels. */
  key: string;
}

export interface TextureOptions {
  /** Also return the ground-yarn coverage map (for measuring the ground colour). */
  groundCoverage?: boolean;
  /**
   * Smallest tile edge in mm (default 48, or 72 for heathered cloth so the mélange does not visibly
   * repeat); a pattern repeat of 40 mm or more is allowed to be the tile on its own.
   */
  minTileMm?: number;
  /**
   * 'box' (default) filters properly. 'point' takes one sample per pixel with no filtering: the
   * naive approach, kept only so tests can show what aliasing looks like.
   */
  filter?: 'box' | 'point';
}

/** Version of the pixel recipe: part of every key, bump when the output changes. */
export const TEXTURE_VERSION = 'fab7';

const MAX_PX_PER_MM = 64;
const MAX_TILE_MM = 256;
const MAX_SAMPLES = 16_000_000;
/** Length of the runs in which a chalk stripe's edge ends show on the face (mm). */
const CHALK_RUN_MM = 1.5;
/** Brightest a yarn sample may be driven to in linear light, so nothing clips. */
const CEILING = 0.995;

export function generateFabricTexture(spec: FabricSpec, pxPerMm: number, opts: TextureOptions = {}): FabricTexture {
  if (!(pxPerMm > 0 && pxPerMm <= MAX_PX_PER_MM)) {
    throw new Error(`pxPerMm must be in (0, ${MAX_PX_PER_MM}], got ${pxPerMm}`);
  }
  const key = textureKey(spec, pxPerMm) + (opts.filter === 'point' ? ':point' : '');
  if (spec.swatch) return drapeSwatch(spec.swatch, pxPerMm, key, spec.hex);
  const fab = resolveFabric(spec);
  return weaveTexture(fab, pxPerMm, key, seedOf(spec), seedOf({ ...spec, hex: '#000000' }), opts);
}

/**
 * One small tile of every weave × pattern, to get the generator compiled for all of them. A process's
 * first tiles cost several times what later ones do while the JIT meets each weave and pattern (the
 * demo catalogue at preview scale: 30 ms a colour cold, 7 ms warm), and a render thread's first taps
 * would pay that. Render threads run this in their background after start; it yields between tiles so
 * a render arriving meanwhile waits for one small tile at most, and `gate` (awaited before each tile)
 * holds it while renders run.
 */
export async function warmTextureGenerator(pxPerMm: number, gate?: () => Promise<void>): Promise<void> {
  for (const weave of WEAVES) {
    for (const pattern of PATTERNS) {
      const design = { weave, pattern, threadMm: 0.25, repeatMm: 12, heather: 0.4, nap: 0.3, sheen: 0.1 };
      await new Promise((resolve) => setImmediate(resolve));
      // A render asked for meanwhile goes first (its own cloth warms the generator too).
      await gate?.();
      generateFabricTexture({ hex: '#6a5a4a', design }, pxPerMm, { minTileMm: 12 });
    }
  }
}

function seedOf(spec: FabricSpec): number {
  return fnv1a(canonicalSpec(spec));
}

function weaveTexture(fab: ResolvedFabric, pxPerMm: number, key: string, seed: number, designSeed: number, opts: TextureOptions): FabricTexture {
  const plan = planPattern(fab.pattern, fab.threadMm, fab.repeatMm, fab.overcheck);
  const t = plan.threadMm;
  const weave = weaveMatrix(fab.weave, t);
  const minTileMm = opts.minTileMm ?? (fab.heather > 0.3 ? 72 : 48);
  const xBase = plan.warpRepeat ? lcm(plan.warpRepeat, weave.ends) : weave.ends;
  const yBase = plan.weftRepeat ? lcm(plan.weftRepeat, weave.picks) : weave.picks;
  const ax = planAxis(xBase, t, pxPerMm, minTileMm);
  const ay = planAxis(yBase, t, pxPerMm, minTileMm);
  const Nx = ax.threads,
    Ny = ay.threads,
    W = ax.px,
    H = ay.px;

  // Samples per thread per axis: ≥ 2 per output pixel (each sample is already the area average of
  // the yarn model over itself), the whole crossing as one sample when a thread is well under a pixel.
  const threadPx = t * pxPerMm;
  let S = threadPx <= 0.6 ? 1 : Math.ceil(2 * threadPx);
  const budget = Math.floor(Math.sqrt(MAX_SAMPLES / (Nx * Ny)));
  S = Math.max(Math.ceil(threadPx), Math.min(S, budget), 1);
  const SW = Nx * S,
    SH = Ny * S;

  const light = { sheen: fab.sheen, nap: fab.nap };
  const table = weaveShadeTable(weave, S, light);
  const tableW = weave.ends * S;
  const warpFloat = floatShadeTable(S, true, light);
  const weftFloat = floatShadeTable(S, false, light);

  // Mélange: each yarn its own tone along its length (yarnTones), each crossing its own fibre mix,
  // and a soft cloud a few mm across — all periodic over the tile because they are indexed by thread
  // within the tile. Mélange is mixed at the fibre, so most of it shows crossing by crossing;
  // yarn-to-yarn variation is kept small or the cloth turns into a faint plaid.
  const sigmaYarn = 0.03 + 0.1 * fab.heather;
  const sigmaCross = 0.02 + 0.3 * fab.heather;
  const cloudAmp = 0.08 * fab.heather + 0.02 * fab.nap;
  const { warpTone, weftTone, cloud } = mottleOf(designSeed, Nx, Ny, t, sigmaYarn, slubMm(fab.heather), cloudAmp);
  const fibreAmp = S > 1 ? 0.25 * fab.nap + 0.1 * fab.heather : 0;

  const shade = new Float32Array(SW * SH);
  const cls = new Uint8Array(SW * SH);
  const sum = new Float64Array(CLASS_COUNT);
  const cnt = new Float64Array(CLASS_COUNT);
  const max = new Float64Array(CLASS_COUNT);

  const warpAcc = plan.warpAccent,
    weftAcc = plan.weftAccent;
  const wr = plan.warpRepeat,
    fr = plan.weftRepeat;
  const check = plan.check;
  const accSeed = seed ^ 0x2545f491;
  // A fractional accent end (a chalk stripe's edge) shows on the face in runs of about CHALK_RUN_MM,
  // a whole number of them down the tile (so it still wraps), each end's out of step with its
  // neighbours': chalk feathering out along the yarn. (A fresh choice every two picks drew a sawtooth
  // edge.)
  const accRun = Ny / Math.max(1, Math.round(Ny / Math.max(2, Math.round(CHALK_RUN_MM / t))));
  const runSeed = seed ^ 0x9e3779b9;
  const runPhase = warpAcc ? Int32Array.from({ length: Nx }, (_, i) => Math.floor(rand01(i, 0, runSeed) * accRun)) : null;
  const crossSeed = seed ^ 0x68e31da4;
  const fibreSeed = seed ^ 0x1b873593;
  const up = weave.up,
    we = weave.ends,
    wp = weave.picks;

  for (let j = 0; j < Ny; j++) {
    const jw = j % wp;
    const pf = weftAcc ? weftAcc[j % fr] : 0;
    for (let i = 0; i < Nx; i++) {
      let c = GROUND;
      let forced = 0; // 1: accent warp end floats on the face; 2: accent weft pick does
      const pw = warpAcc ? warpAcc[i % wr] : 0;
      // Fractional accents (a chalk stripe's edges) come and go in short runs along the yarn.
      if (pw > 0 && (pw >= 1 || rand01(i, Math.floor(((j + runPhase![i]) % Ny) / accRun), accSeed) < pw)) {
        c = ACCENT;
        forced = 1;
      } else if (pf > 0 && (pf >= 1 || rand01(j, i, accSeed) < pf)) {
        c = ACCENT;
        forced = 2;
      } else if (check) {
        c = checkClass(check, i % wr, j % fr);
      }
      const warpOnTop = forced === 1 || (forced === 0 && up[jw * we + (i % we)] === 1);
      // Yarn, crossing and cloud as logs: one exp per crossing.
      const f = Math.exp((warpOnTop ? warpTone[i * Ny + j] : weftTone[j * Nx + i]) + sigmaCross * randNormal(i, j, crossSeed) + cloud[j * Nx + i]);
      const src = forced === 1 ? warpFloat : forced === 2 ? weftFloat : table;
      const srcW = forced ? S : tableW;
      const srcX = forced ? 0 : (i % we) * S;
      const srcY = forced ? 0 : jw * S;
      let s0 = 0,
        m0 = 0;
      for (let sv = 0; sv < S; sv++) {
        const row = (j * S + sv) * SW + i * S;
        const tr = (srcY + sv) * srcW + srcX;
        for (let su = 0; su < S; su++) {
          let v = src[tr + su] * f;
          if (fibreAmp > 0) v *= 1 + fibreAmp * (2 * rand01(row + su, 0, fibreSeed) - 1);
          shade[row + su] = v;
          cls[row + su] = c;
          s0 += v;
          if (v > m0) m0 = v;
        }
      }
      sum[c] += s0;
      cnt[c] += S * S;
      if (m0 > max[c]) max[c] = m0;
    }
  }

  // Per class: linear target × (B + A·shade) has mean exactly the target and never exceeds CEILING.
  const target: Rgb[] = fab.colors.map((h) => (h ? hexToLinear(h) : [0, 0, 0]) as Rgb);
  const A = new Float64Array(CLASS_COUNT),
    B = new Float64Array(CLASS_COUNT);
  for (let c = 0; c < CLASS_COUNT; c++) {
    if (cnt[c] === 0) continue;
    const m = sum[c] / cnt[c];
    const tmax = Math.max(target[c][0], target[c][1], target[c][2]);
    let a = 1;
    if (tmax > 0 && (tmax * max[c]) / m > CEILING) {
      a = tmax >= CEILING ? 0 : Math.max(0, ((CEILING / tmax - 1) * m) / (max[c] - m));
    }
    A[c] = a / m;
    B[c] = 1 - a;
  }
  const tr = new Float64Array(CLASS_COUNT),
    tg = new Float64Array(CLASS_COUNT),
    tb = new Float64Array(CLASS_COUNT);
  for (let c = 0; c < CLASS_COUNT; c++) [tr[c], tg[c], tb[c]] = target[c];

  const NC = opts.groundCoverage ? 4 : 3;
  const out = opts.filter === 'point' ? pointSample(shade, cls, SW, SH, W, H, NC, A, B, tr, tg, tb) : boxFilter(shade, cls, SW, SH, W, H, NC, A, B, tr, tg, tb);

  // Chalk: the stripe yarn's fibres are brushed into the ground, so the stripe (only) is softened.
  if (fab.pattern === 'chalkstripe' && plan.warpAccent && threadPx > 0.35) {
    softenColumns(out, W, H, NC, stripeMask(plan.warpAccent, Nx, W), 1.5 * threadPx, 1.0 * threadPx);
  }
  // Nap: loose fibre blurs the yarn edges.
  const napSigma = fab.nap * 0.45 * threadPx;
  if (napSigma >= 0.3) blurPeriodic(out, W, H, NC, napSigma, napSigma);

  return finish(out, W, H, NC, {
    pxPerMm,
    widthMm: Nx * t,
    heightMm: Ny * t,
    repeatPx: {
      x: plan.warpRepeat ? (plan.warpRepeat * W) / Nx : 0,
      y: plan.weftRepeat ? (plan.weftRepeat * H) / Ny : 0,
    },
    structurePx: { x: (xBase * W) / Nx, y: (yBase * H) / Ny },
    colors: { ground: fab.colors[GROUND]!, accent: fab.colors[ACCENT], tone: fab.colors[TONE] },
    key,
  });
}

/** Per output column, 1 where a (soft) warp stripe lies or is about to, fading to 0 over a thread. */
function stripeMask(warpAccent: Float32Array, Nx: number, W: number): Float32Array {
  const R = warpAccent.length;
  const near = new Float32Array(R);
  for (let i = 0; i < R; i++) {
    if (warpAccent[i] <= 0) continue;
    for (let d = -2; d <= 2; d++) near[(i + d + R) % R] = 1;
  }
  const mask = new Float32Array(W);
  for (let x = 0; x < W; x++) mask[x] = near[Math.floor(((x + 0.5) * Nx) / W) % R];
  const soft = mask.slice();
  for (let x = 0; x < W; x++) soft[x] = (mask[(x - 1 + W) % W] + 2 * mask[x] + mask[(x + 1) % W]) / 4;
  return soft;
}

/** Blend a blurred copy in where `mask` (per column) is set. */
function softenColumns(buf: Float32Array, W: number, H: number, NC: number, mask: Float32Array, sx: number, sy: number): void {
  const blurred = buf.slice();
  blurPeriodic(blurred, W, H, NC, sx, sy);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const m = mask[x];
      if (m === 0) continue;
      const k = (y * W + x) * NC;
      for (let c = 0; c < NC; c++) buf[k + c] += (blurred[k + c] - buf[k + c]) * m;
    }
}

function boxFilter(
  shade: Float32Array,
  cls: Uint8Array,
  SW: number,
  SH: number,
  W: number,
  H: number,
  NC: number,
  A: Float64Array,
  B: Float64Array,
  tr: Float64Array,
  tg: Float64Array,
  tb: Float64Array,
): Float32Array {
  const wx = areaWeights(SW, W),
    wy = areaWeights(SH, H);
  const out = new Float32Array(W * H * NC);
  const rowAcc = new Float32Array(W * NC);
  const rowLen = W * NC;
  for (let y = 0; y < SH; y++) {
    rowAcc.fill(0);
    const base = y * SW;
    for (let x = 0; x < SW; x++) {
      const c = cls[base + x];
      const g = B[c] + A[c] * shade[base + x];
      const r = tr[c] * g,
        gg = tg[c] * g,
        b = tb[c] * g;
      const ia = wx.a[x] * NC,
        w1 = wx.wa[x];
      rowAcc[ia] += r * w1;
      rowAcc[ia + 1] += gg * w1;
      rowAcc[ia + 2] += b * w1;
      if (NC === 4 && c === GROUND) rowAcc[ia + 3] += w1;
      const xb = wx.b[x];
      if (xb >= 0) {
        const ib = xb * NC,
          w2 = wx.wb[x];
        rowAcc[ib] += r * w2;
        rowAcc[ib + 1] += gg * w2;
        rowAcc[ib + 2] += b * w2;
        if (NC === 4 && c === GROUND) rowAcc[ib + 3] += w2;
      }
    }
    const oa = wy.a[y] * rowLen,
      v1 = wy.wa[y];
    for (let k = 0; k < rowLen; k++) out[oa + k] += rowAcc[k] * v1;
    if (wy.b[y] >= 0) {
      const ob = wy.b[y] * rowLen,
        v2 = wy.wb[y];
      for (let k = 0; k < rowLen; k++) out[ob + k] += rowAcc[k] * v2;
    }
  }
  return out;
}

function pointSample(
  shade: Float32Array,
  cls: Uint8Array,
  SW: number,
  SH: number,
  W: number,
  H: number,
  NC: number,
  A: Float64Array,
  B: Float64Array,
  tr: Float64Array,
  tg: Float64Array,
  tb: Float64Array,
): Float32Array {
  const out = new Float32Array(W * H * NC);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(SH - 1, Math.floor(((y + 0.5) * SH) / H));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(SW - 1, Math.floor(((x + 0.5) * SW) / W));
      const k = sy * SW + sx,
        c = cls[k];
      const g = B[c] + A[c] * shade[k];
      const o = (y * W + x) * NC;
      out[o] = tr[c] * g;
      out[o + 1] = tg[c] * g;
      out[o + 2] = tb[c] * g;
      if (NC === 4) out[o + 3] = c === GROUND ? 1 : 0;
    }
  }
  return out;
}

function finish(
  lin: Float32Array,
  W: number,
  H: number,
  NC: number,
  meta: Pick<FabricTexture, 'pxPerMm' | 'widthMm' | 'heightMm' | 'repeatPx' | 'structurePx' | 'colors' | 'key'>,
): FabricTexture {
  const rgb = new Uint8Array(W * H * 3);
  let coverage: Float32Array | undefined;
  if (NC === 4) coverage = new Float32Array(W * H);
  for (let p = 0, q = 0; p < W * H; p++, q += NC) {
    rgb[p * 3] = linearToSrgb8(lin[q]);
    rgb[p * 3 + 1] = linearToSrgb8(lin[q + 1]);
    rgb[p * 3 + 2] = linearToSrgb8(lin[q + 2]);
    if (coverage) coverage[p] = lin[q + 3];
  }
  const meanLin = meanLinearRgb(rgb, W, H);
  return {
    width: W,
    height: H,
    rgb,
    ...meta,
    meanLinear: meanLin,
    meanLab: linearToLab(meanLin),
    meanHex: linearToHex(meanLin),
    lumaMean: luminance(meanLin),
    ...(coverage ? { groundCoverage: coverage } : {}),
  };
}

/** A swatch photo tile laid at the requested scale: area-averaged down, bilinear up, wrap-around. */
function drapeSwatch(tile: SwatchTile, pxPerMm: number, key: string, hex: string): FabricTexture {
  if (!(tile.widthMm > 0) || tile.width < 1 || tile.height < 1) throw new Error('swatch tile has no size');
  const heightMm = (tile.widthMm * tile.height) / tile.width;
  const W = Math.max(1, Math.round(tile.widthMm * pxPerMm));
  const H = Math.max(1, Math.round(heightMm * pxPerMm));
  const src = new Float32Array(tile.width * tile.height * 3);
  for (let k = 0; k < src.length; k++) src[k] = SRGB8_TO_LINEAR[tile.rgb[k]];
  const lin = resamplePeriodic(src, tile.width, tile.height, 3, W, H);
  return finish(lin, W, H, 3, {
    pxPerMm,
    widthMm: tile.widthMm,
    heightMm,
    repeatPx: { x: 0, y: 0 },
    structurePx: { x: W, y: H },
    colors: { ground: hex, accent: null, tone: null },
    key,
  });
}

/**
 * How many threads to put in the tile along one axis: a multiple of `base` (weave and pattern both
 * repeat whole), at least `minTileMm`, with the rounding of the tile to whole pixels moving the
 * repeat by < 0.5 % (the best found up to MAX_TILE_MM otherwise).
 */
function planAxis(base: number, t: number, pxPerMm: number, minTileMm: number): { threads: number; px: number } {
  let best: { threads: number; px: number; err: number } | null = null;
  for (let n = 1; ; n++) {
    const threads = n * base;
    const mm = threads * t;
    if (mm > MAX_TILE_MM && best) break;
    const exact = mm * pxPerMm;
    const px = Math.max(1, Math.round(exact));
    const err = Math.abs(px - exact) / exact;
    const baseMm = base * t;
    const minMm = Math.min(baseMm >= 40 ? Math.min(minTileMm, baseMm) : minTileMm, MAX_TILE_MM);
    if (mm < minMm - 1e-9) continue;
    if (err <= 0.005) return { threads, px };
    if (!best || err < best.err) best = { threads, px, err };
    if (mm > MAX_TILE_MM) break;
  }
  return { threads: best!.threads, px: best!.px };
}

function lcm(a: number, b: number): number {
  const g = (x: number, y: number): number => (y === 0 ? x : g(y, x % y));
  return (a / g(a, b)) * b;
}

interface Mottle {
  warpTone: Float32Array;
  weftTone: Float32Array;
  cloud: Float32Array;
}
/**
 * A worsted's picks against its ends: the share of the ends' yarn-to-yarn tone its picks vary by.
 * A worsted's ends are warped from many packages (its faint warp streaks are real); its picks come
 * one after another off the same few, so they hardly differ pick to pick. Varied alike, the ends'
 * streaks and the picks' bars crossed in a faint plaid, graph paper at HD and in the detail view.
 */
const WORSTED_WEFT_SHARE = 0.3;
/** What the kept mottles may hold (a 72 mm flannel's is 0.5 MB; a huge fine glen check's far more). */
const MOTTLE_BYTES = 16 * 1024 * 1024;
const bytesOf = (m: Mottle) => m.warpTone.byteLength + m.weftTone.byteLength + m.cloud.byteLength;
/** The mottles of the last cloths drawn, by design (not colour) and tile. */
const mottles = new ByteCache<Mottle>({ maxBytes: MOTTLE_BYTES, sizeOf: bytesOf });

/**
 * A cloth's yarn tones and cloud (logs of brightness factors, per crossing). They depend on its
 * design, not its colour: a design's colourways share one mottle, and a tap on another colour of a
 * family does not make it again (it costs about as much as the rest of a preview-scale tile).
 */
function mottleOf(designSeed: number, Nx: number, Ny: number, t: number, sigmaYarn: number, slub: number, cloudAmp: number): Mottle {
  const key = `${designSeed}:${Nx}x${Ny}`;
  const kept = mottles.get(key);
  if (kept) return kept;
  const cloud = fineGrain(Nx, Ny, t, designSeed);
  if (cloudAmp > 0) {
    const broad = makeCloud(Nx, Ny, t, cloudAmp, designSeed);
    for (let p = 0; p < cloud.length; p++) cloud[p] += broad[p];
  }
  const m: Mottle = {
    warpTone: yarnTones(Nx, Ny, t, sigmaYarn, slub, designSeed ^ 0x85ebca6b),
    weftTone: yarnTones(Ny, Nx, t, slub === Infinity ? sigmaYarn * WORSTED_WEFT_SHARE : sigmaYarn, slub, designSeed ^ 0xc2b2ae35),
    cloud,
  };
  // One so large it would push out most others is made again when asked for.
  return bytesOf(m) > MOTTLE_BYTES / 4 ? m : mottles.set(key, m);
}

/**
 * How far along a yarn its tone holds before it turns to another (mm between its knots): a woollen
 * (heathered) yarn's slubs come every few millimetres; a combed worsted's tone holds the length of
 * the tile (a worsted's faint warp streaks are real, and a cloth photo's grain is found by them).
 */
function slubMm(heather: number): number {
  return heather >= 0.3 ? 8 : heather <= 0.1 ? Infinity : 8 / ((heather - 0.1) / 0.2);
}

/**
 * Each of `n` yarns' tone (the log of a brightness factor) at each of the `along` crossings on its
 * way over the tile, indexed yarn × along: a spun yarn runs thicker and thinner, lighter and darker,
 * over several millimetres, not one tone the whole way across the cloth. (A tone per yarn drew a line
 * the tile's full height, and the lines of neighbouring yarns added up to a faint plaid.) Knots every
 * `slub` mm, each yarn's at a phase of its own (knots in step across yarns would draw lines across
 * them), eased between; periodic over the tile.
 */
function yarnTones(n: number, along: number, t: number, sigma: number, slub: number, seed: number): Float32Array {
  const knots = Math.max(1, Math.round((along * t) / slub));
  const gap = along / knots;
  const out = new Float32Array(n * along);
  const k = new Float32Array(knots);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < knots; m++) k[m] = sigma * randNormal(i, m, seed);
    // One knot (a worsted's yarn): its tone holds the whole way.
    if (knots === 1) {
      out.fill(k[0], i * along, (i + 1) * along);
      continue;
    }
    const phase = rand01(i, knots, seed ^ 0x27d4eb2f) * gap;
    for (let j = 0; j < along; j++) {
      const p = (j + 0.5 + phase) / gap;
      const m0 = Math.floor(p);
      const f = p - m0;
      const w = f * f * (3 - 2 * f);
      const a = k[m0 % knots];
      out[i * along + j] = a + (k[(m0 + 1) % knots] - a) * w;
    }
  }
  return out;
}

/**
 * A cloth's fine grain: how much (log of brightness, deviation) and over how far (mm, Gaussian) a
 * crossing's tone runs on into its neighbours'. The fibre blend and the twist of a spun yarn vary
 * over a few crossings, so even a clear-finished worsted is not one tone at a millimetre: a
 * photograph at 1-2 px/mm sees a fine grain without direction. Without it a worsted read at HD as
 * airbrushed colour crossed by its warp streaks: beside the reference photo of a salmon worsted
 * (scaled to the same px/mm), the cloth's variation in 0-1 and 1-2 px bands was 1.25 / 1.59 grey
 * levels against the photo's 2.74 / 2.91. At 0.4 mm it is a fleck at the detail view's 4 px/mm
 * and averages away at preview scale; 0.7 mm at 0.045 mottled the detail view like a heather.
 */
const GRAIN_AMP = 0.035;
const GRAIN_MM = 0.4;

/** The fine grain (see GRAIN_AMP) per crossing (pick × end): white noise blurred over GRAIN_MM, wrapping. */
function fineGrain(Nx: number, Ny: number, t: number, seed: number): Float32Array {
  const { g, rms } = blurredNoise(Nx, Ny, GRAIN_MM / t, GRAIN_MM / t, seed ^ 0x5bd1e995);
  const scale = GRAIN_AMP / rms;
  for (let p = 0; p < g.length; p++) g[p] *= scale;
  return g;
}

/** White noise on a w×h grid blurred (wrapping) by sigmaX, sigmaY cells, and its root mean square (1 if none). */
function blurredNoise(w: number, h: number, sigmaX: number, sigmaY: number, seed: number): { g: Float32Array; rms: number } {
  const g = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g[y * w + x] = randNormal(x, y, seed);
  blurPeriodic(g, w, h, 1, sigmaX, sigmaY);
  let v = 0;
  for (const x of g) v += x * x;
  return { g, rms: Math.sqrt(v / g.length || 1) };
}

/** Cloud grid spacing (mm): finer than the smallest of its blurs, so it shows no lattice. */
const CLOUD_CELL_MM = 1;

/**
 * A soft periodic mottle over the tile, as the log of a brightness factor per crossing (pick × end):
 * white noise on a millimetre grid, blurred (wrapping) at two scales, a fine fleck and a broader
 * cloud, each of unit deviation, weighted 0.45 and 0.65 of `amp` (0.8 `amp` together). Blurred noise
 * has no direction; value noise on a lattice of 7 mm cells (before) drew its cells' edges along warp
 * and weft, and the cloth read as faint squares.
 */
function makeCloud(Nx: number, Ny: number, t: number, amp: number, seed: number): Float32Array {
  const gx = Math.max(4, Math.round((Nx * t) / CLOUD_CELL_MM));
  const gy = Math.max(4, Math.round((Ny * t) / CLOUD_CELL_MM));
  const mmX = (Nx * t) / gx;
  const mmY = (Ny * t) / gy;
  const field = new Float32Array(gx * gy);
  for (const [sigmaMm, weight, salt] of [
    [1.5, 0.45, 0x3c6ef372],
    [4, 0.65, 0x1b873593],
  ] as const) {
    const { g, rms } = blurredNoise(gx, gy, sigmaMm / mmX, sigmaMm / mmY, seed ^ salt);
    const scale = (weight * amp) / rms;
    for (let p = 0; p < g.length; p++) field[p] += g[p] * scale;
  }
  // Bilinear, wrapping, at each crossing's centre.
  const out = new Float32Array(Nx * Ny);
  for (let j = 0; j < Ny; j++) {
    const py = ((j + 0.5) / Ny) * gy - 0.5 + gy;
    const y0 = Math.floor(py);
    const fy = py - y0;
    const ra = (y0 % gy) * gx;
    const rb = ((y0 + 1) % gy) * gx;
    for (let i = 0; i < Nx; i++) {
      const px = ((i + 0.5) / Nx) * gx - 0.5 + gx;
      const x0 = Math.floor(px);
      const fx = px - x0;
      const xa = x0 % gx;
      const xb = (x0 + 1) % gx;
      const top = field[ra + xa] + (field[ra + xb] - field[ra + xa]) * fx;
      const bot = field[rb + xa] + (field[rb + xb] - field[rb + xa]) * fx;
      out[j * Nx + i] = top + (bot - top) * fy;
    }
  }
  return out;
}

const swatchIds = new WeakMap<Uint8Array, number>();

function canonicalSpec(spec: FabricSpec): string {
  const d = spec.design;
  const design: Record<string, unknown> = {};
  for (const k of Object.keys(d).sort()) {
    const v = (d as unknown as Record<string, unknown>)[k];
    if (v !== undefined) design[k] = typeof v === 'string' && k === 'accentHex' ? v.toUpperCase() : v;
  }
  return JSON.stringify({ d: design, h: spec.hex.toUpperCase(), r: spec.repeatMm ?? null });
}

/** Stable key of everything that determines a texture's pixels. */
export function textureKey(spec: FabricSpec, pxPerMm: number): string {
  let s = `${TEXTURE_VERSION}:${fnv1a(canonicalSpec(spec)).toString(36)}:${fnv1a(canonicalSpec(spec), 0x12345).toString(36)}`;
  if (spec.swatch) {
    const sw = spec.swatch;
    let id = swatchIds.get(sw.rgb);
    if (id === undefined) {
      id = fnv1aBytes(sw.rgb);
      swatchIds.set(sw.rgb, id);
    }
    s = `${TEXTURE_VERSION}:swatch:${id.toString(36)}:${sw.width}x${sw.height}:${sw.widthMm}`;
  }
  return `${s}@${Math.round(pxPerMm * 1e4) / 1e4}`;
}

/** Linear-light RGB of a texture (Float32, interleaved), for renderers that mix or shade. */
export function textureLinear(tex: Pick<FabricTexture, 'rgb' | 'width' | 'height'>): Float32Array {
  const out = new Float32Array(tex.width * tex.height * 3);
  for (let k = 0; k < out.length; k++) out[k] = SRGB8_TO_LINEAR[tex.rgb[k]];
  return out;
}

/** Relative luminance (linear Y) per pixel. */
export function textureLuma(tex: Pick<FabricTexture, 'rgb' | 'width' | 'height'>): Float32Array {
  const n = tex.width * tex.height;
  const out = new Float32Array(n);
  const L = SRGB8_TO_LINEAR;
  for (let p = 0; p < n; p++) {
    out[p] = 0.2126729 * L[tex.rgb[p * 3]] + 0.7151522 * L[tex.rgb[p * 3 + 1]] + 0.072175 * L[tex.rgb[p * 3 + 2]];
  }
  return out;
}

export interface TextureCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export interface TextureCache {
  /** The texture for (spec, pxPerMm), generated on a miss. */
  get(spec: FabricSpec, pxPerMm: number): FabricTexture;
  has(spec: FabricSpec, pxPerMm: number): boolean;
  clear(): void;
  stats(): TextureCacheStats;
}

/**
 * An LRU of textures bounded by bytes of pixel data. A texture larger than the whole budget is
 * returned but not kept.
 */
export function createTextureCache(maxBytes: number = 64 * 1024 * 1024, opts: TextureOptions = {}): TextureCache {
  const cache = new ByteCache<FabricTexture>({ maxBytes, sizeOf: (t) => t.rgb.byteLength + (t.groundCoverage?.byteLength ?? 0) + 256 });
  return {
    get: (spec, pxPerMm) => cache.getOrMake(textureKey(spec, pxPerMm), () => generateFabricTexture(spec, pxPerMm, opts)),
    has: (spec, pxPerMm) => cache.has(textureKey(spec, pxPerMm)),
    clear: () => cache.clear(),
    stats: () => cache.stats(),
  };
}
