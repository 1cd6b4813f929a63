/**
 * The three-quarter view as a tailor reads it: the near sleeve set into the armhole (its head on the
 * shoulder's own curve, no step where the turn stretches the body), the coat whole from the armpit to
 * the hem on the near side (its side and the edge of its back show there, not the background), the
 * far shoulder rounding into the arm, and the vents where the near side's back edge turns away.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { turnedProjection } from './geometry.ts';
import { resolveOptions } from './options.ts';
import { draftCutView } from './suits.ts';
import type { CutViewSource } from './types.ts';

const proj = turnedProjection(34);
const CUTS = ['single-breasted', 'double-breasted', 'three-piece'];

async function silhouette(src: CutViewSource, scale: number): Promise<{ m: Uint8Array; w: number; h: number }> {
  const w = Math.round(src.width * scale);
  const h = Math.round(src.height * scale);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${src.width} ${src.height}"><rect width="${src.width}" height="${src.height}" fill="#000"/>${src.panels.map((p) => `<path d="${p.path}" fill="#fff"/>`).join('')}</svg>`;
  const out = await sharp(Buffer.from(svg)).extractChannel(0).raw().toBuffer();
  return { m: new Uint8Array(out.buffer, out.byteOffset, out.length), w, h };
}

describe('three-quarter: the near sleeve head', () => {
  it('lies on the torso at the shoulder, so its seam and the shoulder project to the same points', () => {
    // The sleeve head's seam from its shoulder point along the crown, and the forepart's shoulder tip under it.
    for (const [x, y] of [
      [-222, 1454],
      [-227, 1453],
      [-232, 1451],
      [-245, 1446],
    ]) {
      const a = proj.project(x, y, 'near-arm');
      const t = proj.project(x, y, 'torso');
      expect(Math.hypot(a[0] - t[0], a[1] - t[1]), `at ${x},${y}`).toBeLessThan(0.5);
    }
  });

  it('turns smoothly from the shoulder into the hanging arm (no step down the armhole seam)', () => {
    // Walk the sleeve's front armhole seam in 1 mm steps: a step shows as one stride far longer than its neighbours.
    let prev = proj.project(-222, 1454, 'near-arm');
    let worst = 0;
    for (let y = 1453; y >= 1100; y--) {
      const x = -222 + ((1454 - y) / 354) * 22;
      const p = proj.project(x, y, 'near-arm');
      worst = Math.max(worst, Math.hypot(p[0] - prev[0], p[1] - prev[1]));
      prev = p;
    }
    expect(worst).toBeLessThan(1.4);
  });
});

describe('three-quarter: the far shoulder', () => {
  it('rounds over into the arm instead of meeting the far horizon in a square corner', () => {
    // The forepart's far shoulder as drafted (neck point to shoulder point), then on down the armhole.
    const q = (t: number): [number, number] => [
      (1 - t) ** 2 * 78 + 2 * (1 - t) * t * 150 + t * t * 232,
      (1 - t) ** 2 * 1500 + 2 * (1 - t) * t * 1483 + t * t * 1451,
    ];
    const pts: Array<[number, number]> = [];
    for (let i = 0; i <= 50; i++) pts.push(q(i / 50));
    for (let y = 1445; y >= 1380; y -= 5) pts.push([232 + ((1451 - y) / 51) * 6, y]);
    const P = pts.map(([x, y]) => proj.project(x, y));
    const dir = (i: number) => (Math.atan2(P[i + 1]![1] - P[i]![1], P[i + 1]![0] - P[i]![0]) * 180) / Math.PI;
    const from = Math.floor(P.length * 0.3);
    const slope = dir(from);
    let start = -1;
    let end = -1;
    for (let i = from; i < P.length - 1; i++) {
      if (start < 0 && Math.abs(dir(i) - slope) > 10) start = i;
      if (end < 0 && Math.abs(dir(i) - 90) < 10) end = i;
    }
    expect(start, 'the outline turns').toBeGreaterThan(0);
    expect(end, 'the outline turns down into the arm').toBeGreaterThan(start);
    // From the shoulder's slope to the arm's vertical over a deltoid's height, not in a few pixels.
    expect(P[end]![1] - P[start]![1]).toBeGreaterThan(20);
  });
});

describe('three-quarter: the near side', () => {
  it.each(CUTS)('%s: the coat is whole from the armpit to the hem, no background under the near arm', async (cut) => {
    const scale = 0.5;
    const { m, w } = await silhouette(draftCutView(cut, 'three-quarter'), scale);
    // Rows from just under the armpit to the jacket's hem (body mm → image rows).
    const [, top] = proj.project(-200, 1300);
    const [, bottom] = proj.project(-200, 800);
    // The sleeve's slanted cuff leaves a corner over the shirt cuff (drawn beneath): skip its rows.
    const [, cuffTop] = proj.project(-200, 860);
    const [, cuffBottom] = proj.project(-200, 830);
    for (let row = Math.ceil(top * scale); row < bottom * scale; row++) {
      if (row >= cuffTop * scale && row <= cuffBottom * scale) continue;
      let x = 0;
      while (x < w / 2 && m[row * w + x]! < 128) x++;
      const holes: number[] = [];
      for (; x < w / 2; x++) if (m[row * w + x]! < 128) holes.push(x);
      expect(holes, `row ${row / scale}`).toEqual([]);
    }
  });

  it('shows the vents on its back edge: a side vent opens at the hem, none is none', async () => {
    const edgeAtHem = (opts: Record<string, string>) => draftCutView('single-breasted', 'three-quarter', resolveOptions('single-breasted', opts));
    const scale = 1;
    const [double, none] = await Promise.all([silhouette(edgeAtHem({ vents: 'double' }), scale), silhouette(edgeAtHem({ vents: 'none' }), scale)]);
    // Just above the hem, a few pixels inside the near edge: open (background) with a side vent, cloth without.
    const [, hemRow] = proj.project(0, 782 + 6);
    const row = Math.round(hemRow);
    const first = (m: Uint8Array) => {
      let x = 0;
      while (m[row * 1024 + x]! < 128) x++;
      return x;
    };
    const run = (m: Uint8Array) => {
      const x0 = first(m);
      let gaps = 0;
      for (let x = x0; x < x0 + 30; x++) if (m[row * 1024 + x]! < 128) gaps++;
      return gaps;
    };
    expect(run(none.m)).toBe(0);
    expect(run(double.m)).toBeGreaterThan(0);
  });
});
