/**
 * Patterns as warp and weft colour sequences: which yarn of a repeat is ground, stripe (accent) or
 * check tone, and how their colours derive from the colourway's ground.
 */
import type { FabricDesign, FabricSpec, PatternKind, WeaveKind } from '../engines/types.ts';
import { formatHex, hexToLab, labToHex, labToLch, lchToLab, parseHex } from './color.ts';

/** Colour classes of yarn: each is normalised to its own target colour. */
export const GROUND = 0;
export const ACCENT = 1;
export const TONE = 2;
export const CLASS_COUNT = 3;

/** Pattern repeats a cloth merchant would expect when the family gives none. */
export const DEFAULT_REPEAT_MM: Record<PatternKind, number> = {
  solid: 0,
  pinstripe: 10,
  chalkstripe: 16,
  glencheck: 76,
  houndstooth: 8,
  windowpane: 60,
};

/**
 * The weave-and-colour layout of one pattern repeat, in threads. Threads are all the same pitch
 * (`threadMm`), which is nudged from the family's yarn width so a whole number of them fills exactly
 * one repeat: that is what makes the repeat land at exactly repeatMm.
 */
export interface PatternPlan {
  pattern: PatternKind;
  threadMm: number;
  /** Effective repeat in mm (0 when the cloth has no pattern repeat on that axis). */
  repeatMm: number;
  /** Threads per pattern repeat across (warp ends) and down (weft picks); 0 = no pattern on that axis. */
  warpRepeat: number;
  weftRepeat: number;
  /**
   * Per end of the repeat: probability that this end is an accent yarn brought to the face at a
   * crossing. 1 for crisp pin/window lines; fractional at a chalk stripe's fuzzy edges.
   */
  warpAccent: Float32Array | null;
  weftAccent: Float32Array | null;
  /**
   * Colour-and-weave checks (houndstooth, glen check) are laid out in units of `unit` threads: the
   * colour of a crossing follows a 2/2 twill on the unit grid (in the 4-and-4 figure, that twill
   * enlarged thread by thread: see `threadTwillUnits`), between the unit's warp class and weft
   * class. This is how the classic 4-and-4 / 2-and-2 orders produce their figures, scaled so the
   * figure fits the requested repeat.
   */
  check: {
    unit: number;
    warpClass: Uint8Array;
    weftClass: Uint8Array;
    /**
     * Where both the end's and the pick's unit are below this, in the 4-and-4 figure, the twill is
     * enlarged thread by thread (a 2u/2u twill over the u-fold colour order), as a large houndstooth
     * is woven: each tooth's edge steps a thread a pick, a diagonal. On the unit grid it stepped a
     * whole unit at once, square, and read as pixel art. Past it (a glen check's 2-and-2 section) the
     * cloth is woven thread by thread, not enlarged: the loom's 2/2 twill, the section's ends and
     * picks 2-and-2 by thread, as a Glen Urquhart's hairlines are (see `checkClass`). Enlarged to
     * units they turned into small teeth, another cloth.
     */
    threadTwillUnits: number;
  } | null;
}

/**
 * The colour class (GROUND, TONE…) that shows at the crossing of end `i` and pick `j` of a
 * colour-and-weave check (both taken within the repeat).
 */
export function checkClass(check: NonNullable<PatternPlan['check']>, i: number, j: number): number {
  const { unit, threadTwillUnits: T } = check;
  const ui = Math.floor(i / unit),
    uj = Math.floor(j / unit);
  if (ui < T && uj < T) return (i + j) % (4 * unit) < 2 * unit ? check.warpClass[ui] : check.weftClass[uj];
  const warp = ui < T ? check.warpClass[ui] : (i - T * unit) % 4 < 2 ? GROUND : TONE;
  const weft = uj < T ? check.weftClass[uj] : (j - T * unit) % 4 < 2 ? GROUND : TONE;
  return ((i + j) & 3) < 2 ? warp : weft;
}

const GLEN_UNITS = 96; // 4-and-4 × 6 then 2-and-2 × 12: a Glen Urquhart order
const HOUNDSTOOTH_UNITS = 8; // 4-and-4

export function planPattern(pattern: PatternKind, threadMm: number, repeatMm: number, overcheck: boolean): PatternPlan {
  const base: PatternPlan = {
    pattern,
    threadMm,
    repeatMm: 0,
    warpRepeat: 0,
    weftRepeat: 0,
    warpAccent: null,
    weftAccent: null,
    check: null,
  };
  if (pattern === 'solid') return base;
  const natural = repeatMm / threadMm;
  const lineThreads = (mm: number, t: number) => Math.max(1, Math.round(mm / t));
  switch (pattern) {
    case 'pinstripe': {
      const R = Math.max(4, Math.round(natural));
      const t = repeatMm / R;
      const acc = new Float32Array(R);
      // A pinstripe is a single fine yarn (or a pair) of ≈0.3 mm.
      const w = Math.min(lineThreads(0.3, t), R >> 1);
      // Lines sit mid-repeat, so a tile's edge (where renderers often start) runs through ground.
      const at = (R - w) >> 1;
      for (let i = 0; i < w; i++) acc[at + i] = 1;
      return { ...base, threadMm: t, repeatMm, warpRepeat: R, warpAccent: acc };
    }
    case 'chalkstripe': {
      const R = Math.max(8, Math.round(natural));
      const t = repeatMm / R;
      const acc = new Float32Array(R);
      // A soft core of ≈0.9 mm whose fibres thin out over ≈0.7 mm either side: chalk on cloth.
      const core = Math.min(lineThreads(0.9, t), R >> 2);
      const fade = Math.min(lineThreads(0.7, t), R >> 3);
      const centre = R / 2;
      for (let i = 0; i < R; i++) {
        const d = Math.abs(i + 0.5 - centre) - core / 2; // distance outside the core, in threads
        acc[i] = d <= 0 ? 0.92 : Math.max(0, 0.75 * (1 - d / (fade + 0.5)));
      }
      return { ...base, threadMm: t, repeatMm, warpRepeat: R, warpAccent: acc };
    }
    case 'windowpane': {
      const R = Math.max(8, Math.round(natural));
      const t = repeatMm / R;
      const w = Math.min(lineThreads(0.5, t), R >> 2);
      const acc = new Float32Array(R);
      const at = (R - w) >> 1;
      for (let i = 0; i < w; i++) acc[at + i] = 1;
      return { ...base, threadMm: t, repeatMm, warpRepeat: R, weftRepeat: R, warpAccent: acc, weftAccent: acc.slice() };
    }
    case 'houndstooth': {
      const unit = Math.max(1, Math.round(natural / HOUNDSTOOTH_UNITS));
      const R = unit * HOUNDSTOOTH_UNITS;
      const cls = new Uint8Array(HOUNDSTOOTH_UNITS);
      for (let u = 0; u < HOUNDSTOOTH_UNITS; u++) cls[u] = u < 4 ? GROUND : ACCENT;
      return {
        ...base,
        threadMm: repeatMm / R,
        repeatMm,
        warpRepeat: R,
        weftRepeat: R,
        check: { unit, warpClass: cls, weftClass: cls.slice(), threadTwillUnits: HOUNDSTOOTH_UNITS },
      };
    }
    case 'glencheck': {
      const unit = Math.max(1, Math.round(natural / GLEN_UNITS));
      const R = unit * GLEN_UNITS;
      const t = repeatMm / R;
      const cls = new Uint8Array(GLEN_UNITS);
      for (let u = 0; u < GLEN_UNITS; u++) {
        cls[u] = u < GLEN_UNITS / 2 ? (u % 8 < 4 ? GROUND : TONE) : u % 4 < 2 ? GROUND : TONE;
      }
      let warpAccent: Float32Array | null = null;
      let weftAccent: Float32Array | null = null;
      if (overcheck) {
        // The overcheck runs through the middle of the 2-and-2 (hairline) section, as on the
        // classic Prince of Wales check.
        const w = Math.max(1, Math.min(lineThreads(0.5, t), unit * 2));
        const at = Math.round(GLEN_UNITS * 0.75 * unit - w / 2);
        warpAccent = new Float32Array(R);
        for (let i = 0; i < w; i++) warpAccent[at + i] = 1;
        weftAccent = warpAccent.slice();
      }
      return {
        ...base,
        threadMm: t,
        repeatMm,
        warpRepeat: R,
        weftRepeat: R,
        warpAccent,
        weftAccent,
        check: { unit, warpClass: cls, weftClass: cls.slice(), threadTwillUnits: GLEN_UNITS / 2 },
      };
    }
    default: {
      const never: never = pattern;
      throw new Error(`Unknown pattern ${String(never)}`);
    }
  }
}

/** A family design with every optional field decided, and its colours. */
export interface ResolvedFabric {
  weave: WeaveKind;
  pattern: PatternKind;
  threadMm: number;
  repeatMm: number;
  heather: number;
  nap: number;
  sheen: number;
  /** Target colour per class (GROUND, ACCENT, TONE); absent when the pattern does not use it. */
  colors: [string, string | null, string | null];
  overcheck: boolean;
}

const WEAVE_DEFAULTS: Record<WeaveKind, { heather: number; nap: number; sheen: number }> = {
  plain: { heather: 0.06, nap: 0, sheen: 0.12 },
  twill: { heather: 0.06, nap: 0, sheen: 0.15 },
  herringbone: { heather: 0.1, nap: 0, sheen: 0.12 },
  hopsack: { heather: 0.1, nap: 0, sheen: 0.1 },
  sharkskin: { heather: 0.04, nap: 0, sheen: 0.25 },
  birdseye: { heather: 0.05, nap: 0, sheen: 0.15 },
  flannel: { heather: 0.5, nap: 0.75, sheen: 0 },
  satin: { heather: 0.03, nap: 0, sheen: 0.6 },
};

const clampUnit = (v: number) => Math.max(0, Math.min(1, v));

export function resolveFabric(spec: FabricSpec): ResolvedFabric {
  const d: FabricDesign = spec.design;
  if (!(d.threadMm > 0 && d.threadMm < 10)) throw new Error(`threadMm must be a positive width in mm, got ${d.threadMm}`);
  const defaults = WEAVE_DEFAULTS[d.weave];
  if (!defaults) throw new Error(`Unknown weave ${JSON.stringify(d.weave)}`);
  if (!(d.pattern in DEFAULT_REPEAT_MM)) throw new Error(`Unknown pattern ${JSON.stringify(d.pattern)}`);
  const repeatMm = spec.repeatMm ?? d.repeatMm ?? DEFAULT_REPEAT_MM[d.pattern];
  if (d.pattern !== 'solid' && !(repeatMm > 0)) throw new Error(`repeatMm must be positive, got ${repeatMm}`);
  const ground = formatHex(parseHex(spec.hex)); // validates and normalises the hex
  const accent = d.accentHex ? formatHex(parseHex(d.accentHex)) : null;
  let colors: [string, string | null, string | null] = [ground, null, null];
  let overcheck = false;
  switch (d.pattern) {
    case 'solid':
      break;
    case 'glencheck':
      // For a glen check the accent yarn is the overcheck (a coloured line over the check); the
      // check itself alternates the ground with a tone derived from it.
      colors = [ground, accent, deriveAccent(ground, 'glencheck')];
      overcheck = accent !== null;
      break;
    default:
      colors = [ground, accent ?? deriveAccent(ground, d.pattern), null];
  }
  return {
    weave: d.weave,
    pattern: d.pattern,
    threadMm: d.threadMm,
    repeatMm: d.pattern === 'solid' ? 0 : repeatMm,
    heather: clampUnit(d.heather ?? defaults.heather),
    nap: clampUnit(d.nap ?? defaults.nap),
    sheen: clampUnit(d.sheen ?? defaults.sheen),
    colors,
    overcheck,
  };
}

/**
 * The stripe or check yarn a mill would put with this ground when the family names none:
 * light on dark cloth, dark on light cloth, greyed towards neutral so it reads as yarn, not paint.
 */
export function deriveAccent(groundHex: string, pattern: PatternKind): string {
  const [L, C, h] = labToLch(hexToLab(groundHex));
  const dark = L < 58;
  let L2: number, C2: number;
  let h2 = h;
  switch (pattern) {
    case 'pinstripe':
      L2 = dark ? Math.min(90, Math.max(L + 48, 72)) : Math.max(12, L - 45);
      C2 = C * 0.3;
      break;
    case 'chalkstripe':
      // Chalk: a soft off-white (or a soft grey on pale cloth), barely coloured, a touch warm.
      L2 = dark ? Math.min(86, Math.max(L + 42, 68)) : Math.max(20, L - 35);
      C2 = Math.min(C * 0.2, 6);
      break;
    case 'windowpane':
      L2 = dark ? Math.min(85, L + 32) : Math.max(15, L - 30);
      C2 = C * 0.6;
      break;
    case 'houndstooth':
      // The classic is two-tone high contrast: ground against an ecru or a near-black.
      L2 = dark ? Math.min(90, Math.max(L + 55, 80)) : Math.max(10, Math.min(L - 55, 25));
      C2 = Math.min(C * 0.25, 8);
      break;
    case 'glencheck':
      L2 = dark ? Math.min(88, L + 30) : Math.max(10, L - 30);
      C2 = C * 0.55;
      break;
    default:
      L2 = L;
      C2 = C;
  }
  if (C2 < 1.5) {
    // Near-neutral accents lean slightly warm, like undyed wool.
    const lab = lchToLab(L2, C2, h2);
    return labToHex([lab[0], lab[1] + 0.6, lab[2] + 2.5]);
  }
  h2 = h;
  return labToHex(lchToLab(L2, C2, h2));
}
