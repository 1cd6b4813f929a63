import { describe, expect, it } from 'vitest';
import type { FabricSpec, PatternKind, WeaveKind } from '../engines/types.ts';
import { deltaE2000, hexToLab, meanLab } from './color.ts';
import {
  createTextureCache,
  generateFabricTexture,
  profilePeriod,
  textureKey,
  textureLinear,
  textureLuma,
  warmTextureGenerator,
  type FabricTexture,
} from './index.ts';
import { planPattern } from './pattern.ts';
import { resamplePeriodic } from './resample.ts';
import { axisPowerRatio, lumaOf, meanProfile, powerAt, repeatProfile, seamSteps, stepProfile } from './testing.ts';

const WEAVES: WeaveKind[] = ['plain', 'twill', 'herringbone', 'hopsack', 'sharkskin', 'birdseye', 'flannel', 'satin'];
const PATTERNS: PatternKind[] = ['solid', 'pinstripe', 'chalkstripe', 'glencheck', 'houndstooth', 'windowpane'];
const COLOURS = ['#0A1D3A', '#343434', '#C19A6B', '#6D0D2B', '#F2F0EB', '#111111']; // navy charcoal camel burgundy near-white near-black
const REPEAT_MM: Record<PatternKind, number> = { solid: 0, pinstripe: 10, chalkstripe: 16, glencheck: 76, houndstooth: 8, windowpane: 60 };

const spec = (weave: WeaveKind, pattern: PatternKind, hex: string, extra: Partial<FabricSpec['design']> = {}): FabricSpec => ({
  design: { weave, pattern, threadMm: 0.25, ...(pattern === 'solid' ? {} : { repeatMm: REPEAT_MM[pattern] }), ...extra },
  hex,
});

/**
 * ΔE2000 between the hex and the mean (linear light) of the pixels made only of ground yarn — for a
 * solid, the whole tile. The colour promise is about the ground: stripes and check tones are extra.
 */
function groundDeltaE(tex: FabricTexture, hex: string, pattern: PatternKind): { de: number; pixels: number } {
  if (pattern === 'solid') return { de: deltaE2000(meanLab(tex.rgb, tex.width, tex.height), hexToLab(hex)), pixels: tex.width * tex.height };
  const cov = tex.groundCoverage!;
  const w = new Float32Array(cov.length);
  let pixels = 0;
  for (let p = 0; p < cov.length; p++) if (cov[p] > 0.999) (w[p] = 1), pixels++;
  return { de: deltaE2000(meanLab(tex.rgb, tex.width, tex.height, { weights: w }), hexToLab(hex)), pixels };
}

/**
 * Seamless: the luminance step across the wrap-around (last column → first, last row → first) is no
 * larger than the interior ones. With heather every step is a random draw, so "no larger" means: within
 * mean + 4 SD of all interior steps, or of the steps at the same phase of the weave-and-pattern
 * structure (+15 % of their mean, as there are few of those). A tile that holds only one or two
 * repeats has too few same-phase steps and may have a pattern edge on its seam; there the seam must
 * not exceed the largest interior step by more than 5 %. All + 0.002 in linear light for 8-bit rounding. A break in weave or
 * pattern at the seam stands far outside these bounds.
 */
function expectSeamless(tex: FabricTexture, label: string): void {
  const luma = lumaOf(tex.rgb, tex.width, tex.height);
  for (const axis of ['x', 'y'] as const) {
    const steps = stepProfile(luma, tex.width, tex.height, axis);
    const { seam, all, samePhase } = seamSteps(steps, tex.structurePx[axis]);
    const ok =
      seam <= all.mean + 4 * all.sd + 0.002 ||
      (samePhase !== null && seam <= samePhase.mean + 4 * samePhase.sd + 0.15 * samePhase.mean + 0.002) ||
      (samePhase === null && seam <= 1.05 * all.max + 0.002);
    expect(ok, `${label} seam ${axis}: ${seam.toFixed(4)} vs interior mean ${all.mean.toFixed(4)} sd ${all.sd.toFixed(4)} max ${all.max.toFixed(4)}`).toBe(
      true,
    );
  }
}

/**
 * The repeat as measured in the pixels: the lag of the strongest autocorrelation of the row/column
 * mean profile within ±40 % of the expected period (the profile is repeated ×3 so the correlation sees
 * whole periods); then checked against repeatMm × pxPerMm.
 */
function measuredPeriod(tex: FabricTexture, axis: 'x' | 'y', expectedPx: number): number {
  const prof = meanProfile(lumaOf(tex.rgb, tex.width, tex.height), tex.width, tex.height, axis);
  const times = Math.max(3, Math.ceil((3 * expectedPx) / prof.length));
  return profilePeriod(repeatProfile(prof, times), 0.6 * expectedPx, 1.4 * expectedPx);
}

function expectPeriod(tex: FabricTexture, pattern: PatternKind, repeatMm: number, pxPerMm: number, label: string): void {
  const axes: Array<'x' | 'y'> = pattern === 'pinstripe' || pattern === 'chalkstripe' ? ['x'] : ['x', 'y'];
  const expected = repeatMm * pxPerMm;
  for (const axis of axes) {
    const got = measuredPeriod(tex, axis, expected);
    expect(Math.abs(got - expected) / expected, `${label} period ${axis}: ${got.toFixed(2)} px vs ${expected.toFixed(2)} px`).toBeLessThan(0.03);
  }
}

describe('every weave × pattern', () => {
  let colourTurn = 0;
  for (const weave of WEAVES) {
    for (const pattern of PATTERNS) {
      it(`${weave} × ${pattern}: seamless, ground within ΔE2000 < 2, repeat within 3 % (1.0, 1.37 and 8 px/mm)`, () => {
        // Figure scale, all six colours.
        for (const hex of COLOURS) {
          const tex = generateFabricTexture(spec(weave, pattern, hex), 1.37, { groundCoverage: true });
          const label = `${weave}/${pattern}/${hex}@1.37`;
          expect(tex.rgb.length).toBe(tex.width * tex.height * 3);
          const g = groundDeltaE(tex, hex, pattern);
          expect(g.pixels, `${label} has pure ground pixels`).toBeGreaterThan(20);
          expect(g.de, label).toBeLessThan(2);
          expectSeamless(tex, label);
          if (pattern !== 'solid' && hex === COLOURS[0]) expectPeriod(tex, pattern, REPEAT_MM[pattern], 1.37, label);
        }
        // 1 px/mm.
        const one = generateFabricTexture(spec(weave, pattern, '#343434'), 1.0, { groundCoverage: true });
        expectSeamless(one, `${weave}/${pattern}@1`);
        expect(groundDeltaE(one, '#343434', pattern).de).toBeLessThan(2);
        if (pattern !== 'solid') expectPeriod(one, pattern, REPEAT_MM[pattern], 1.0, `${weave}/${pattern}@1`);
        // Swatch scale, one colour per combination in turn.
        const hex = COLOURS[colourTurn++ % COLOURS.length];
        const sw = generateFabricTexture(spec(weave, pattern, hex), 8, { groundCoverage: true });
        const label = `${weave}/${pattern}/${hex}@8`;
        expect(groundDeltaE(sw, hex, pattern).de, label).toBeLessThan(2);
        expectSeamless(sw, label);
        if (pattern !== 'solid') expectPeriod(sw, pattern, REPEAT_MM[pattern], 8, label);
      });
    }
  }
});

describe('filtering', () => {
  // 0.3 mm white pinstripe every 6.35 mm on mid grey: at 1 px/mm the stripe is under a third of a
  // pixel and its period is not a whole number of pixels — the textbook moiré case.
  const aa: FabricSpec = {
    design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.3, repeatMm: 6.35, heather: 0, accentHex: '#FFFFFF' },
    hex: '#808080',
  };
  const opts = { minTileMm: 127 }; // 20 repeats = 127 px at 1 px/mm, 508 px at 4 px/mm: same cloth

  function rmsLinear(a: Float32Array, b: Float32Array): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return Math.sqrt(s / a.length);
  }
  /** Power below the stripe's fundamental (bins 1..k-1 of the column profile) over power at it. */
  function lowFrequencyRatio(lin: Float32Array, w: number, h: number, k: number): number {
    const luma = new Float64Array(w * h);
    for (let p = 0; p < w * h; p++) luma[p] = 0.2126729 * lin[p * 3] + 0.7151522 * lin[p * 3 + 1] + 0.072175 * lin[p * 3 + 2];
    const prof = meanProfile(luma, w, h, 'x');
    let low = 0;
    for (let m = 1; m < k; m++) low += powerAt(prof, m);
    return low / powerAt(prof, k);
  }

  it('fine pinstripe at 1 px/mm matches a 4× supersampled, box-downsampled reference: RMS error in linear light < 2 % of full scale, low-frequency (moiré) power < 5 % of the stripe fundamental', () => {
    const tex = generateFabricTexture(aa, 1, opts);
    const ref4 = generateFabricTexture(aa, 4, opts);
    expect(ref4.width).toBe(4 * tex.width);
    expect(ref4.height).toBe(4 * tex.height);
    // Reference: the same cloth rendered at 4 px/mm, then each 4×4 block averaged in linear light.
    const ref = resamplePeriodic(textureLinear(ref4), ref4.width, ref4.height, 3, tex.width, tex.height);
    const lin = textureLinear(tex);
    const k = Math.round(tex.width / tex.repeatPx.x);
    expect(k).toBe(20);
    expect(rmsLinear(lin, ref)).toBeLessThan(0.02);
    // Moiré shows as energy at frequencies below the stripe's own: beats between stripe and pixels.
    expect(lowFrequencyRatio(lin, tex.width, tex.height, k)).toBeLessThan(0.05);

    // The metric has teeth: the same cloth point-sampled (no filtering) fails both, by far.
    const naive = generateFabricTexture(aa, 1, { ...opts, filter: 'point' });
    const nlin = textureLinear(naive);
    expect(rmsLinear(nlin, ref)).toBeGreaterThan(0.05);
    expect(lowFrequencyRatio(nlin, naive.width, naive.height, k)).toBeGreaterThan(0.5);
  });

  it('keeps the stripe visible but unaliased at 1.37 px/mm (low-frequency power < 5 % of the fundamental)', () => {
    const tex = generateFabricTexture({ ...aa, repeatMm: 6 }, 1.37);
    const lin = textureLinear(tex);
    const k = Math.round(tex.width / tex.repeatPx.x);
    expect(lowFrequencyRatio(lin, tex.width, tex.height, k)).toBeLessThan(0.05);
    // And the stripe has not been filtered away: its fundamental carries real contrast.
    const prof = meanProfile(lumaOf(tex.rgb, tex.width, tex.height), tex.width, tex.height, 'x');
    expect(Math.sqrt(powerAt(prof, k))).toBeGreaterThan(0.005);
  });

  it('shows thread structure at swatch scale and smooths it away at figure scale', () => {
    const s = spec('twill', 'solid', '#8A8D91');
    const contrast = (tex: FabricTexture) => {
      const l = textureLuma(tex);
      let m = 0,
        v = 0;
      for (const x of l) m += x;
      m /= l.length;
      for (const x of l) v += (x - m) ** 2;
      return Math.sqrt(v / l.length) / m;
    };
    expect(contrast(generateFabricTexture(s, 8))).toBeGreaterThan(0.08);
    expect(contrast(generateFabricTexture(s, 1))).toBeLessThan(0.06);
  });
});

describe('mélange', () => {
  // A heathered flannel (the demo's winter flannel) and a heathered plain weave, at the scales the
  // figure is drawn (preview 0.45, full 0.9 px/mm) and zoomed (2 px/mm).
  const HEATHERED: FabricSpec[] = [
    { hex: '#A3A5A8', design: { weave: 'flannel', pattern: 'solid', threadMm: 0.35, heather: 0.45, nap: 0.7, sheen: 0 } },
    { hex: '#5A4A3A', design: { weave: 'plain', pattern: 'solid', threadMm: 0.3, heather: 0.5, sheen: 0.05 } },
  ];
  it('mottles without direction: no yarn keeps one tone the length of the tile (spectral power on the axes within 2.5× of the power off them)', () => {
    // A tone per yarn the whole way across (fab1) put 5-10× the power on the axes: a faint plaid of
    // lines, with squares from the cloud's 7 mm lattice. Slubs every few mm leave 1.1-1.7.
    for (const s of HEATHERED)
      for (const pxPerMm of [0.45, 0.9, 2]) {
        const tex = generateFabricTexture(s, pxPerMm);
        expect(axisPowerRatio(lumaOf(tex.rgb, tex.width, tex.height), tex.width, tex.height), `${s.design.weave} at ${pxPerMm} px/mm`).toBeLessThan(2.5);
      }
  });

  it('still shows its mélange at figure scale (relative luminance contrast)', () => {
    for (const s of HEATHERED) {
      const l = textureLuma(generateFabricTexture(s, 0.9));
      const m = l.reduce((a, v) => a + v, 0) / l.length;
      const sd = Math.sqrt(l.reduce((a, v) => a + (v - m) ** 2, 0) / l.length);
      expect(sd / m, s.design.weave).toBeGreaterThan(0.03);
    }
  });
});

describe('worsted', () => {
  const WORSTEDS = [
    { hex: '#C07A6C', design: { weave: 'twill', pattern: 'solid', threadMm: 0.3 } },
    { hex: '#1C2841', design: { weave: 'twill', pattern: 'solid', threadMm: 0.22 } },
    { hex: '#5C5E62', design: { weave: 'plain', pattern: 'solid', threadMm: 0.25 } },
  ] as FabricSpec[];
  const sd = (v: Float64Array) => {
    const m = v.reduce((a, x) => a + x, 0) / v.length;
    return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / v.length);
  };

  it("shows no bars across: the spread of its rows' mean luminance well under its columns'", () => {
    // Picks varied as much as ends (up to fab5) crossed the ends' streaks in a faint plaid, graph
    // paper at HD and in the detail view: rows 0.73-1.01 of the columns (0.76-0.97 with the fine
    // grain). With picks off the same few packages, 0.30-0.39 (fab6); the fine grain, which has no
    // direction, adds alike to both: 0.45-0.62 (fab7).
    for (const s of WORSTEDS)
      for (const pxPerMm of [0.9, 1.87]) {
        const tex = generateFabricTexture(s, pxPerMm);
        const l = lumaOf(tex.rgb, tex.width, tex.height);
        const cols = sd(meanProfile(l, tex.width, tex.height, 'x'));
        const rows = sd(meanProfile(l, tex.width, tex.height, 'y'));
        expect(cols, `${s.design.weave} ${s.hex} at ${pxPerMm} px/mm: streaks`).toBeGreaterThan(0);
        expect(rows / cols, `${s.design.weave} ${s.hex} at ${pxPerMm} px/mm`).toBeLessThan(0.7);
      }
  });

  it("has a fine grain its warp streaks do not rule: power on the streaks' axis within 7× of the power off the axes", () => {
    // Without the fine grain (fab6) a worsted was airbrushed colour ruled by its warp streaks, 9-22×
    // the off-axis power: at HD a brushed, ribbed look beside a photo's grain. Now 1.5-5.5×, and
    // still over 1 (the streaks are real).
    for (const s of WORSTEDS)
      for (const pxPerMm of [0.9, 1.87]) {
        const tex = generateFabricTexture(s, pxPerMm);
        const ratio = axisPowerRatio(lumaOf(tex.rgb, tex.width, tex.height), tex.width, tex.height, 'columns');
        expect(ratio, `${s.design.weave} ${s.hex} at ${pxPerMm} px/mm`).toBeLessThan(7);
        expect(ratio, `${s.design.weave} ${s.hex} at ${pxPerMm} px/mm`).toBeGreaterThan(1);
      }
  });
});

describe('chalk stripe', () => {
  it('feathers at its edges, as chalk on cloth, rather than a sawtooth (row-to-row steps down the edge under 4.5 % of its contrast at 4 px/mm)', () => {
    // Edge ends chosen afresh every two picks (fab2) stepped 6 % of the stripe's contrast from one row
    // to the next; runs of 1.5 mm, softened, step 3.6 %.
    for (const hex of ['#232A40', '#5C5E62', '#4A3A30', '#E8E4DA']) {
      const tex = generateFabricTexture(
        { hex, design: { weave: 'flannel', pattern: 'chalkstripe', threadMm: 0.35, repeatMm: 16, heather: 0.35, nap: 0.6, sheen: 0 } },
        4,
      );
      const { width: w, height: h } = tex;
      const l = lumaOf(tex.rgb, w, h);
      const profile = meanProfile(l, w, h, 'x');
      const sorted = [...profile].sort((a, b) => a - b);
      const ground = sorted[sorted.length >> 1];
      const core = Math.abs(sorted[w - 1] - ground) > Math.abs(sorted[0] - ground) ? sorted[w - 1] : sorted[0];
      let steps = 0;
      let n = 0;
      for (let x = 0; x < w; x++) {
        const across = (profile[x] - ground) / (core - ground);
        if (across < 0.25 || across > 0.75) continue;
        for (let y = 0; y < h; y++) {
          steps += Math.abs(l[((y + 1) % h) * w + x] - l[y * w + x]);
          n++;
        }
      }
      expect(n / h, `${hex}: edge columns`).toBeGreaterThan(8);
      expect(steps / n / Math.abs(core - ground), hex).toBeLessThan(0.045);
    }
  });
});

describe('colours', () => {
  it('derives a light, desaturated chalk from a dark ground and a darker one from a light ground', () => {
    const dark = generateFabricTexture(spec('flannel', 'chalkstripe', '#0A1D3A'), 1);
    const [Lg, ag, bg] = hexToLab('#0A1D3A');
    const [La, aa, ba] = hexToLab(dark.colors.accent!);
    expect(La).toBeGreaterThan(Lg + 35);
    expect(Math.hypot(aa, ba)).toBeLessThan(Math.hypot(ag, bg) * 0.5);
    const light = generateFabricTexture(spec('twill', 'chalkstripe', '#F2F0EB'), 1);
    expect(hexToLab(light.colors.accent!)[0]).toBeLessThan(hexToLab('#F2F0EB')[0] - 20);
  });

  it('uses accentHex for stripes, and for a glen check as the overcheck over a derived tone', () => {
    const pin = generateFabricTexture(spec('twill', 'pinstripe', '#0A1D3A', { accentHex: '#b22222' }), 1);
    expect(pin.colors.accent).toBe('#B22222');
    const glen = generateFabricTexture(spec('twill', 'glencheck', '#343434', { accentHex: '#1F4E9A' }), 1, { groundCoverage: true });
    expect(glen.colors.accent).toBe('#1F4E9A');
    expect(glen.colors.tone).not.toBeNull();
    expect(hexToLab(glen.colors.tone!)[0]).toBeGreaterThan(hexToLab('#343434')[0] + 15);
    const plain = generateFabricTexture(spec('twill', 'glencheck', '#343434'), 1);
    expect(plain.colors.accent).toBeNull();
    // The overcheck is there: the blue yarn pulls the tile's mean towards blue.
    expect(glen.meanLab[2]).toBeLessThan(plain.meanLab[2] - 0.5);
  });

  it('keeps a solid mean exact even for pure white and pure black', () => {
    for (const hex of ['#FFFFFF', '#000000', '#FF0000']) {
      for (const weave of ['satin', 'flannel', 'sharkskin'] as const) {
        const tex = generateFabricTexture(spec(weave, 'solid', hex), 2);
        expect(deltaE2000(tex.meanLab, hexToLab(hex)), `${weave} ${hex}`).toBeLessThan(1);
      }
    }
  });
});

describe('scale and tiling', () => {
  it('reports a tile whose pixel size matches its mm size at pxPerMm within 0.5 %', () => {
    for (const px of [0.8, 1, 1.37, 2.5, 8]) {
      const tex = generateFabricTexture(spec('herringbone', 'pinstripe', '#343434'), px);
      expect(Math.abs(tex.width / tex.widthMm / px - 1)).toBeLessThan(0.005);
      expect(Math.abs(tex.height / tex.heightMm / px - 1)).toBeLessThan(0.005);
      expect(Math.abs(tex.repeatPx.x / (10 * px) - 1)).toBeLessThan(0.005);
    }
  });

  it('is deterministic: the same spec gives the same pixels and key; another colour another key', () => {
    const a = generateFabricTexture(spec('flannel', 'glencheck', '#6D0D2B'), 1.2);
    const b = generateFabricTexture(spec('flannel', 'glencheck', '#6d0d2b'), 1.2);
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
    expect(a.key).toBe(b.key);
    expect(textureKey(spec('flannel', 'glencheck', '#6D0D2C'), 1.2)).not.toBe(a.key);
    expect(textureKey(spec('flannel', 'glencheck', '#6D0D2B'), 1.25)).not.toBe(a.key);
  });

  it('honours a colour’s own repeatMm over the family’s', () => {
    const tex = generateFabricTexture({ ...spec('twill', 'windowpane', '#343434'), repeatMm: 45 }, 2);
    expect(tex.repeatPx.x).toBeCloseTo(90, 0);
    expectPeriod(tex, 'windowpane', 45, 2, 'override');
  });

  it('drapes an uploaded swatch tile at the requested scale, seamlessly', () => {
    const src = generateFabricTexture(spec('twill', 'houndstooth', '#343434'), 8);
    const swatch = { rgb: src.rgb, width: src.width, height: src.height, widthMm: src.widthMm };
    const tex = generateFabricTexture({ ...spec('twill', 'solid', '#343434'), swatch }, 1.5);
    expect(tex.width).toBe(Math.round(src.widthMm * 1.5));
    expect(deltaE2000(tex.meanLab, src.meanLab)).toBeLessThan(0.5);
    expectSeamless(tex, 'draped swatch');
  });

  it('rejects nonsense', () => {
    expect(() => generateFabricTexture(spec('twill', 'solid', '#343434'), 0)).toThrow(/pxPerMm/);
    expect(() => generateFabricTexture(spec('twill', 'solid', 'navy'), 1)).toThrow(/Not a colour/);
    expect(() => generateFabricTexture(spec('twill', 'solid', '#343434', { threadMm: 0 }), 1)).toThrow(/threadMm/);
  });
});

describe('colour-and-weave checks', () => {
  // An 8 mm houndstooth in 0.25 mm yarn is its 4-and-4 order enlarged four times (32 ends a repeat);
  // a 76 mm glen check's 4-and-4 section is enlarged so too. Woven as such, in a twill enlarged as
  // much, each tooth's edge steps a thread a pick, a diagonal; drawn as a 2/2 twill on the units, it
  // stepped a unit at once, square: pixel art. (The glen check's 2-and-2 hairlines are not enlarged:
  // see the next test.)
  /** A check woven at 8 px/mm: its plan, and whether the crossing of end i and pick j shows ground. */
  function wovenCheck(pattern: 'houndstooth' | 'glencheck') {
    const tex = generateFabricTexture(spec('twill', pattern, '#343434'), 8, { groundCoverage: true });
    const plan = planPattern(pattern, 0.25, REPEAT_MM[pattern], false);
    const { unit, threadTwillUnits } = plan.check!;
    expect(unit, 'threads a unit').toBeGreaterThan(1);
    const R = plan.warpRepeat;
    const tp = tex.repeatPx.x / R;
    const ground = (i: number, j: number) => tex.groundCoverage![Math.floor((j + 0.5) * tp) * tex.width + Math.floor((i + 0.5) * tp)]! > 0.5;
    return { unit, threadTwillUnits, R, ground };
  }

  it.each(['houndstooth', 'glencheck'] as const)('%s: the teeth step thread by thread, not in whole units', (pattern) => {
    const { unit, threadTwillUnits, ground } = wovenCheck(pattern);
    // Where, over the ends and picks of the 4-and-4 figure, the colour changes from one end to the
    // next, and how many of those places lie inside a unit rather than between two.
    const ends = threadTwillUnits * unit;
    const edges = new Set<number>();
    for (let j = 0; j < ends; j++) for (let i = 0; i + 1 < ends; i++) if (ground(i, j) !== ground(i + 1, j)) edges.add(i);
    const inside = [...edges].filter((i) => (i + 1) % unit !== 0).length;
    console.log(`${pattern}, ${ends} ends of 4-and-4 at ${unit} a unit: edges after ${edges.size} distinct ends, ${inside} inside a unit`);
    // On the unit grid none could.
    expect(inside / edges.size).toBeGreaterThan(0.5);
  });

  // A Glen Urquhart's 2-and-2 section is 2-and-2 by thread in a 2/2 twill: fine hairlines, every
  // row's colours repeating every 4 threads. Laid out 2-and-2 by unit (3 threads) it was a coarse
  // figure of square 0.75 mm steps repeating every 12 threads, which read as a second houndstooth.
  it('glen check: the 2-and-2 section is woven thread by thread, its colours repeating every 4 threads', () => {
    const { unit, threadTwillUnits, R, ground } = wovenCheck('glencheck');
    // Over the 2-and-2 section by the 2-and-2 section: how often a crossing matches the one 4 threads
    // on (75 % on the unit grid), and how much of it is ground.
    const from = threadTwillUnits * unit;
    let same4 = 0;
    let grounds = 0;
    let n = 0;
    for (let j = from; j < R; j += 3)
      for (let i = from; i + 4 < R; i++) {
        n++;
        if (ground(i, j) === ground(i + 4, j)) same4++;
        if (ground(i, j)) grounds++;
      }
    console.log(`glen check 2-and-2 section: ${((100 * same4) / n).toFixed(1)} % alike 4 threads on; ${((100 * grounds) / n).toFixed(1)} % ground`);
    expect(same4 / n).toBeGreaterThan(0.95);
    expect(grounds / n).toBeGreaterThan(0.3);
    expect(grounds / n).toBeLessThan(0.7);
  });
});

describe('createTextureCache', () => {
  it('returns the same texture for the same spec and evicts least-recently-used beyond its byte budget', () => {
    const probe = generateFabricTexture(spec('twill', 'solid', '#111111'), 1);
    const per = probe.rgb.byteLength + 256;
    const cache = createTextureCache(per * 2 + 10);
    const a = cache.get(spec('twill', 'solid', '#111111'), 1);
    expect(cache.get(spec('twill', 'solid', '#111111'), 1)).toBe(a);
    cache.get(spec('twill', 'solid', '#222222'), 1);
    cache.get(spec('twill', 'solid', '#111111'), 1); // touch: #111111 is now the most recent
    cache.get(spec('twill', 'solid', '#333333'), 1); // evicts #222222
    expect(cache.has(spec('twill', 'solid', '#111111'), 1)).toBe(true);
    expect(cache.has(spec('twill', 'solid', '#222222'), 1)).toBe(false);
    const st = cache.stats();
    expect(st.entries).toBe(2);
    expect(st.bytes).toBeLessThanOrEqual(st.maxBytes);
    expect(st.hits).toBe(2);
    expect(st.evictions).toBe(1);
  });

  it('serves a cached texture in well under a millisecond', () => {
    const cache = createTextureCache(16 << 20);
    const s = spec('herringbone', 'glencheck', '#0A1D3A');
    cache.get(s, 1.2);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) cache.get({ ...s, design: { ...s.design } }, 1.2);
    expect((performance.now() - t0) / 100).toBeLessThan(1);
  });
});

describe('warming the generator', () => {
  it('draws a tile of every weave × pattern without holding the thread: other work runs between tiles', async () => {
    let between = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      between++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await warmTextureGenerator(0.45);
    done = true;
    // One turn of the event loop per tile at least: 8 weaves × 6 patterns.
    expect(between).toBeGreaterThanOrEqual(WEAVES.length * PATTERNS.length - 1);
  });
});
