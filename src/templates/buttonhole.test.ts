/**
 * The boutonnière up close (the detail view, 4 px/mm): a stitched buttonhole is two raised lips of
 * thread with a fine slit between them, not a line drawn on the lapel. Across its middle the slit is
 * dark and narrow, and the lips stand up beside it: the one toward the key light lighter than the
 * lapel around it. A coat's front holes run from the button, which sits in the hole's eye at the end
 * toward the front edge, away from that edge: the slit shows beside the button on that side only.
 * The buttons are sewn on with the same thread, dyed to the cloth: two bars of it between their holes.
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { linearLumAt, TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { resolveOptions } from './options.ts';
import { frontProjection } from './geometry.ts';
import { BUTTON_HOLE_OFFSET, BUTTON_THREAD_WIDTH, detailProjection, LOWER_BUTTON_Y, lapelButtonhole, WAIST_BUTTON_Y } from './suits.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
// A mid-grey plain cloth: the light and shade of the thread read in it, its weave is fine.
const fabric = { hex: '#8A8A8A', design: { weave: 'plain' as const, pattern: 'solid' as const, threadMm: 0.2 } };

/** Linear luminance of an HD front render at a point of the body (mm). */
function hdFrontLum(raw: { width: number; height: number; rgb: Uint8Array }): (x: number, y: number) => number {
  const p = frontProjection();
  return (x, y) => {
    const [px, py] = p.project(x, y);
    return linearLumAt(raw, px * 2, py * 2);
  };
}

/** Mean linear luminance across the hole at `d` mm from its axis (+ to the right of upper → lower), over its middle. */
function profile(raw: { width: number; height: number; rgb: Uint8Array }, a: readonly number[], b: readonly number[], offsets: number[]): number[] {
  const p = detailProjection();
  const [ax, ay] = p.project(a[0]!, a[1]!);
  const [bx, by] = p.project(b[0]!, b[1]!);
  const len = Math.hypot(bx - ax, by - ay);
  const [tx, ty] = [(bx - ax) / len, (by - ay) / len];
  const [nx, ny] = [-ty, tx];
  const lum = (x: number, y: number) => linearLumAt(raw, x, y);
  return offsets.map((d) => {
    let sum = 0;
    let n = 0;
    // The middle half of its length, every pixel along it.
    for (let t = len * 0.25; t <= len * 0.75; t += 1) {
      sum += lum(ax + tx * t + nx * d * p.pxPerMm, ay + ty * t + ny * d * p.pxPerMm);
      n++;
    }
    return sum / n;
  });
}

describe('the boutonnière', () => {
  it.each(['single-breasted', 'double-breasted'])('%s: a fine slit between two raised lips of thread', async (cut) => {
    const options = resolveOptions(cut, { lapel: cut === 'double-breasted' ? 'peak' : 'notch' });
    const hole = lapelButtonhole(cut, options)!;
    const raw = await engine.renderRaw({ cut, view: 'detail', fabric, options }, 'full');
    const step = 0.25;
    const ds = Array.from({ length: 41 }, (_, i) => -5 + i * step);
    const prof = profile(raw, hole[0], hole[1], ds);
    const at = (d: number) => prof[Math.round((d + 5) / step)]!;
    // The lapel beside it, 4-5 mm off either side.
    const ref = (at(-4.5) + at(-4) + at(4) + at(4.5)) / 4;
    const slit = Math.min(...ds.filter((d) => Math.abs(d) <= 0.5).map(at));
    const lip = (s: number) => Math.max(...ds.filter((d) => s * d >= 0.75 && s * d <= 2).map(at));
    // How wide the slit's dark is: the offsets either side of its darkest darker than halfway to the lapel.
    const deepest = prof.indexOf(slit);
    const half = (slit + ref) / 2;
    let [lo, hi] = [deepest, deepest];
    while (lo > 0 && prof[lo - 1]! < half) lo--;
    while (hi < prof.length - 1 && prof[hi + 1]! < half) hi++;
    const dark = (hi - lo + 1) * step;
    console.log(
      `${cut}: slit ${(slit / ref).toFixed(2)}, lips ${(lip(-1) / ref).toFixed(2)} / ${(lip(1) / ref).toFixed(2)} of the lapel, dark ${dark.toFixed(2)} mm; profile ${prof.map((v) => (v / ref).toFixed(2)).join(' ')}`,
    );
    expect(slit / ref).toBeLessThan(0.6);
    // A line drawn 2 mm wide was 2.25 mm dark here.
    expect(dark).toBeLessThanOrEqual(1.25);
    // Both lips stand out of the slit, and one catches the light above the lapel around it.
    for (const s of [-1, 1]) expect((lip(s) - slit) / ref).toBeGreaterThan(0.3);
    expect(Math.max(lip(-1), lip(1)) / ref).toBeGreaterThan(1.04);
  });
});

describe("the coat's front buttonholes", () => {
  // [cut, the button's x (body mm), its rows, the way away from the front edge]
  const cases = [
    ['single-breasted', 0, [LOWER_BUTTON_Y, WAIST_BUTTON_Y], 1],
    ['double-breasted', -62, [WAIST_BUTTON_Y], 1],
  ] as const;
  it.each(cases)('%s: the slit runs on from the button away from the front edge', async (cut, bx, rows, away) => {
    const raw = await engine.renderRaw({ cut, view: 'front', fabric, options: resolveOptions(cut) }, 'hd');
    const k = 2 * frontProjection().pxPerMm;
    const lum = hdFrontLum(raw);
    // 12.5-17 mm from the button's centre, past its rim and short of the single-breasted's front
    // edge (18 mm) on the other side: the darkest across the row's 3 mm, against the cloth 4 mm above and below.
    const slitOn = (y: number, side: number) => {
      let dark = 0;
      let cloth = 0;
      for (let d = 12.5; d <= 17; d += 1 / k) {
        const x = bx + side * d;
        let m = Infinity;
        for (let dy = -1.5; dy <= 1.5; dy += 1 / k) m = Math.min(m, lum(x, y + dy));
        dark += m;
        cloth += (lum(x, y + 4) + lum(x, y - 4)) / 2;
      }
      return dark / cloth;
    };
    for (const y of rows) {
      const [there, edge] = [slitOn(y, away), slitOn(y, -away)];
      console.log(`${cut} at ${y}: ${there.toFixed(2)} away from the edge, ${edge.toFixed(2)} toward it`);
      expect(there).toBeLessThan(0.8);
      expect(edge - there).toBeGreaterThan(0.2);
    }
  });
});

describe("the coat's front buttons", () => {
  // A light cloth on dark horn and a dark cloth on light horn: each bar of thread is the cloth's tone,
  // not the horn's. Up to b112 the holes were empty: the bars' middles were horn, as the disc is.
  const cases = [
    ['cream on dark horn', '#D9CCB0', 'horn-dark'],
    ['navy on light horn', '#1F2A44', 'horn-light'],
  ] as const;
  it.each(cases)('%s: sewn through their holes with thread of the cloth (HD)', async (_name, hex, buttons) => {
    const cloth = { hex, design: { weave: 'plain' as const, pattern: 'solid' as const, threadMm: 0.2 } };
    const raw = await engine.renderRaw({ cut: 'single-breasted', view: 'front', fabric: cloth, options: resolveOptions('single-breasted', { buttons }) }, 'hd');
    const lum = hdFrontLum(raw);
    // The waist button (21 mm): each bar's middle third, the median over its width (its lit crown and
    // shaded sides); the horn at the centre between the bars and beside the holes; the cloth 16 mm
    // above and below it.
    const r = 10.5;
    const hole = r * BUTTON_HOLE_OFFSET;
    const width = r * BUTTON_THREAD_WIDTH;
    const y = WAIST_BUTTON_Y;
    const bar = (dy: number) => {
      const v: number[] = [];
      for (let x = -hole / 3; x <= hole / 3; x += 0.25) for (let d = -0.25; d <= 0.25; d += 0.125) v.push(lum(x, y + dy * hole + d * width));
      return v.sort((a, b) => a - b)[v.length >> 1]!;
    };
    const bars = [bar(1), bar(-1)];
    const horn = [lum(0, y), lum(-hole - 2.2, y), lum(hole + 2.2, y)].sort((a, b) => a - b)[1]!;
    const coat = (lum(0, y + 16) + lum(0, y - 16)) / 2;
    console.log(`${_name}: bars ${bars.map((b) => (b / coat).toFixed(2)).join(' / ')} of the cloth, horn ${(horn / coat).toFixed(2)}`);
    for (const bar of bars) {
      // The cloth's tone, give or take the cord's own light and shade (a lustrous twist on a dark
      // cloth lights up to twice it); the horn's far from it.
      expect(bar / coat).toBeGreaterThan(0.4);
      expect(bar / coat).toBeLessThan(2.5);
      expect(Math.abs(Math.log(bar / horn))).toBeGreaterThan(Math.log(2));
    }
  });
});
