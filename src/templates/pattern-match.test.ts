/**
 * A tailor's eye on a striped or checked coat, where a cutter matches the pattern: the top collar is
 * cut with its centre back on the straight grain, so from behind its stripes run down it and on into
 * the back's, and from the front they meet the lapel's across the gorge seam; a check's bars run on
 * from the chest across the sleeve hanging beside it; and the waistcoat, a garment of its own, is
 * laid out by its own centre front, not as a continuation of the open coat's cloth. Up to b142 the
 * collar's warp ran round the neck: a pinstripe crossed the back of the collar in level lines above
 * the back's upright ones, and broke step with the lapel's at the gorge.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { linearLumAt, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import type { FabricSpec } from '../engines/types.ts';
import { frontProjection, NATIVE_WIDTH } from './geometry.ts';
import { resolveOptions } from './options.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
const REPEAT_MM = 10;
const pinstripe: FabricSpec = {
  hex: '#2B3550',
  design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: REPEAT_MM, heather: 0.05, sheen: 0.2 },
};

/**
 * The stripes crossing a level line at height `y` (body mm) between x0 and x1: the centres (mm across)
 * of the runs where the light stands clearly above its mean over one repeat around it.
 */
function stripesAcross(raw: { width: number; rgb: Uint8Array }, y: number, x0: number, x1: number): number[] {
  const p = frontProjection();
  const k = raw.width / NATIVE_WIDTH;
  const mmPerPx = 1 / (p.pxPerMm * k);
  const row = Math.round(p.project(0, y)[1] * k);
  const [a, b] = [Math.round(p.project(x0, y)[0] * k), Math.round(p.project(x1, y)[0] * k)];
  const lum = Array.from({ length: b - a + 1 }, (_, i) => linearLumAt(raw, a + i, row));
  const half = Math.round(REPEAT_MM / 2 / mmPerPx);
  const centres: number[] = [];
  let run: number[] = [];
  for (let i = half; i < lum.length - half; i++) {
    let mean = 0;
    for (let j = i - half; j <= i + half; j++) mean += lum[j]!;
    mean /= 2 * half + 1;
    if (lum[i]! > mean * 1.15) run.push(i);
    else if (run.length) {
      centres.push(x0 + ((run[0]! + run[run.length - 1]!) / 2) * mmPerPx);
      run = [];
    }
  }
  return centres;
}

/**
 * The phase (mm, within one repeat) of a pattern over the pixels of one panel lying within `reach`
 * px of another, measured across the lines that run along `grainDeg` (a pinstripe's stripes run
 * along the warp; a check's bars across it run along the grain + 90°): the circular mean of their
 * position, weighted by how far each pixel's light stands above its neighbourhood's.
 */
function stripePhase(
  raw: { width: number; height: number; rgb: Uint8Array },
  panel: Uint8Array,
  own: number,
  other: number,
  grainDeg: number,
  pxPerMm: number,
  reach: number,
  repeatMm = REPEAT_MM,
  rows: [number, number] = [0, raw.height],
): { phase: number; n: number } {
  const { width: W, height: H } = raw;
  const period = repeatMm * pxPerMm;
  const [c, s] = [Math.cos((grainDeg * Math.PI) / 180), Math.sin((grainDeg * Math.PI) / 180)];
  let re = 0;
  let im = 0;
  let n = 0;
  for (let y = Math.max(reach, rows[0]); y < Math.min(H - reach, rows[1]); y++)
    for (let x = reach; x < W - reach; x++) {
      if (panel[y * W + x] !== own) continue;
      let near = false;
      for (let dy = -reach; dy <= reach && !near; dy++) for (let dx = -reach; dx <= reach; dx++) if (panel[(y + dy) * W + x + dx] === other) near = true;
      if (!near) continue;
      let mean = 0;
      for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) mean += linearLumAt(raw, x + dx, y + dy);
      const w = Math.max(0, linearLumAt(raw, x, y) - mean / 81);
      const a = (2 * Math.PI * (x * c - y * s)) / period;
      re += w * Math.cos(a);
      im += w * Math.sin(a);
      n++;
    }
  return { phase: ((Math.atan2(im, re) / (2 * Math.PI) + 1) % 1) * repeatMm, n };
}

/** How far apart two phases lie within a repeat (mm). */
function outOfStep(a: number, b: number, repeatMm: number): number {
  const d = Math.abs(a - b);
  return Math.min(d, repeatMm - d);
}

describe('the collar from behind', () => {
  it.each(['single-breasted', 'double-breasted'] as const)('%s: a pinstripe runs down the collar and on into the back, stripe for stripe (HD)', async (cut) => {
    const raw = await engine.renderRaw({ cut, view: 'back', fabric: pinstripe, options: resolveOptions(cut, {}) }, 'hd');
    // Across the collar's fall (below its rolled top, above its edge) and across the back under it.
    const collar = stripesAcross(raw, 1512, -45, 45);
    const back = stripesAcross(raw, 1440, -45, 45);
    const offBy = collar.map((c) => Math.min(...back.map((s) => Math.abs(s - c))));
    console.log(
      `${cut}: ${collar.length} stripes across the collar, ${back.length} across the back; each collar stripe ${offBy.map((d) => d.toFixed(1)).join(' / ')} mm from the back's nearest`,
    );
    // Up to b142: 0 stripes across the collar (they ran along it), 8 across the back.
    expect(back.length).toBeGreaterThanOrEqual(7);
    expect(collar.length).toBeGreaterThanOrEqual(back.length - 1);
    for (const d of offBy) expect(d).toBeLessThan(1.5);
  });
});

describe('the collar from the front', () => {
  it.each(['single-breasted', 'double-breasted', 'three-piece'] as const)(
    "%s: a pinstripe's stripes meet the lapel's across the gorge seam (HD)",
    async (cut) => {
      const options = resolveOptions(cut, {});
      const [raw, maps, tpl] = await Promise.all([
        engine.renderRaw({ cut, view: 'front', fabric: pinstripe, options }, 'hd'),
        engine.shadingMaps(cut, 'front', pinstripe, 'hd', options),
        engine.template(cut, 'front', options),
      ]);
      for (const side of ['left', 'right'] as const) {
        const lapel = tpl.panels.findIndex((p) => p.id === `lapel-${side}`);
        const collar = tpl.panels.findIndex((p) => p.id === `collar-${side}`);
        const grain = tpl.panels[lapel]!.grainAngle;
        const pxPerMm = tpl.panels[lapel]!.pxPerMm * 2;
        // Measured across the lapel's stripes on both sides of the seam: the collar's own, if they run
        // another way, do not add up to a phase there.
        const onLapel = stripePhase(raw, maps.panel, lapel, collar, grain, pxPerMm, 6);
        const onCollar = stripePhase(raw, maps.panel, collar, lapel, grain, pxPerMm, 6);
        const apart = outOfStep(onLapel.phase, onCollar.phase, REPEAT_MM);
        console.log(`${cut} ${side}: stripes ${apart.toFixed(2)} mm out of step across the gorge (${onLapel.n} / ${onCollar.n} px beside it)`);
        // Up to b142 the collar's warp ran along its leaf: 1.2 (single-breasted, left), 4.9
        // (double-breasted, right) and 1.75 mm (three-piece, left) out of step; now under 0.15.
        expect(onLapel.n).toBeGreaterThan(200);
        expect(onCollar.n).toBeGreaterThan(200);
        expect(apart).toBeLessThan(1);
      }
    },
  );
});

describe('the waistcoat', () => {
  it("is a garment of its own: a check's bars on it are not the open coat's run on across the coat's edge (HD)", async () => {
    const repeatMm = 60;
    const glen: FabricSpec = { hex: '#6E6F70', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm } };
    const options = resolveOptions('three-piece', {});
    const [raw, maps, tpl] = await Promise.all([
      engine.renderRaw({ cut: 'three-piece', view: 'front', fabric: glen, options }, 'hd'),
      engine.shadingMaps('three-piece', 'front', glen, 'hd', options),
      engine.template('three-piece', 'front', options),
    ]);
    for (const side of ['left', 'right'] as const) {
      const coat = tpl.panels.findIndex((p) => p.id === `forepart-${side}`);
      const vest = tpl.panels.findIndex((p) => p.id === `waistcoat-${side}`);
      const across = tpl.panels[coat]!.grainAngle + 90;
      const pxPerMm = tpl.panels[coat]!.pxPerMm * 2;
      const onCoat = stripePhase(raw, maps.panel, coat, vest, across, pxPerMm, 6, repeatMm);
      const onVest = stripePhase(raw, maps.panel, vest, coat, across, pxPerMm, 6, repeatMm);
      const apart = outOfStep(onCoat.phase, onVest.phase, repeatMm);
      console.log(`three-piece ${side}: the check's bars ${apart.toFixed(1)} mm out of step across the coat's edge (${onCoat.n} / ${onVest.n} px beside it)`);
      // Up to b143 the waistcoat had the coat's pattern origin: 1.3 mm (left); now 12-13 mm.
      expect(onCoat.n).toBeGreaterThan(200);
      expect(onVest.n).toBeGreaterThan(200);
      expect(apart).toBeGreaterThan(5);
    }
  });
});

describe('the sleeves', () => {
  const p = frontProjection();
  it.each([
    ['single-breasted', 'front', ['left', 'right']],
    ['double-breasted', 'front', ['left', 'right']],
    ['single-breasted', 'three-quarter', ['right']],
  ] as const)("%s: a check's bars meet the forepart's where the sleeve hangs beside the chest (%s, HD)", async (cut, view, sides) => {
    const repeatMm = 60;
    const glen: FabricSpec = { hex: '#6E6F70', design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm } };
    const options = resolveOptions(cut, {});
    const [raw, maps, tpl] = await Promise.all([
      engine.renderRaw({ cut, view, fabric: glen, options }, 'hd'),
      engine.shadingMaps(cut, view, glen, 'hd', options),
      engine.template(cut, view, options),
    ]);
    for (const side of sides) {
      const coat = tpl.panels.findIndex((p) => p.id === `forepart-${side}`);
      const sleeve = tpl.panels.findIndex((p) => p.id === `sleeve-${side}`);
      const across = tpl.panels[coat]!.grainAngle + 90;
      const pxPerMm = tpl.panels[coat]!.pxPerMm * 2;
      // Beside the chest, from the armpit some 120 mm down (below it the arm hangs forward and the
      // drape bends the sleeve's pattern; above it the crown rolls over).
      const rows: [number, number] = [Math.round(p.project(0, 1340)[1] * 2), Math.round(p.project(0, 1220)[1] * 2)];
      const onCoat = stripePhase(raw, maps.panel, coat, sleeve, across, pxPerMm, 24, repeatMm, rows);
      const onSleeve = stripePhase(raw, maps.panel, sleeve, coat, across, pxPerMm, 24, repeatMm, rows);
      const apart = outOfStep(onCoat.phase, onSleeve.phase, repeatMm);
      console.log(
        `${cut} ${view} ${side}: the check's bars ${apart.toFixed(1)} mm out of step across the sleeve's front edge beside the chest (${onCoat.n} / ${onSleeve.n} px beside it)`,
      );
      // Over some 7 mm either side of the edge (nearer it the drape bends the sleeve's pattern as it
      // turns away). Up to b144 18.9 mm from the front, 7.0 on the near arm turned; now 1.0-1.9, 2.8.
      expect(onCoat.n).toBeGreaterThan(300);
      expect(onSleeve.n).toBeGreaterThan(300);
      expect(apart).toBeLessThan(4);
    }
  });
});
