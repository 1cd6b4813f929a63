/**
 * Shading along an internal edge (a sleeve over the body, the body's side strip beside it) follows
 * the drawn outline, not its pixels: seen at full size a cream mohair's near sleeve showed a dotted
 * "zip" down its inner edge where the outline steps from one pixel column to the next.
 *
 * Measured in the outline's own frame: per row the sub-pixel position of the edge (from the upper
 * piece's coverage), the shading sampled at fixed offsets from it, and the mean second difference of
 * those samples from row to row. A shading field that follows the outline changes smoothly along it;
 * one stepped with the outline's pixels jumps at every step.
 */
import { describe, expect, it } from 'vitest';
import { rasteriseCutView } from './build.ts';
import { cutViewSource } from './index.ts';

async function edgeRoughness(cut: string, view: string, left: string, right: string, ys: [number, number]): Promise<{ rows: number; roughness: number }> {
  const src = cutViewSource(cut, view);
  const f = await rasteriseCutView(src);
  const w = f.width;
  const ids = src.panels.map((p) => p.id);
  const L = ids.indexOf(left);
  const R = ids.indexOf(right);
  expect(L).toBeGreaterThanOrEqual(0);
  expect(R).toBeGreaterThanOrEqual(0);
  const { other, upper } = f.edges!;
  const pairAt = (i: number) => other[i] !== 255 && ((f.panelOf[i] === L && other[i] === R) || (f.panelOf[i] === R && other[i] === L));
  // The later panel is drawn over the earlier: `upper` is its coverage.
  const leftCover = (i: number) => (L > R ? upper[i] : 255 - upper[i]) / 255;
  const edge = new Map<number, number>();
  for (let y = ys[0]; y < ys[1]; y++) {
    let x = 0;
    while (x < w && !pairAt(y * w + x)) x++;
    if (x === w) continue;
    // Where the left piece's cover ends: the edge pixels' share of it past the first of them.
    let e = x;
    for (let k = x; k < x + 3 && pairAt(y * w + k); k++) e += leftCover(y * w + k);
    edge.set(y, e);
  }
  const at = (y: number, x: number) => {
    const x0 = Math.floor(x);
    const t = x - x0;
    return f.shade[y * w + x0] * (1 - t) + f.shade[y * w + x0 + 1] * t;
  };
  let sum = 0;
  let n = 0;
  for (const [y, e] of edge) {
    const up = edge.get(y - 1);
    const down = edge.get(y + 1);
    if (up === undefined || down === undefined) continue;
    for (let d = -2; d <= 2; d++) {
      sum += Math.abs(at(y - 1, up + d) - 2 * at(y, e + d) + at(y + 1, down + d));
      n++;
    }
  }
  return { rows: edge.size, roughness: (sum / n) * 1000 };
}

describe('shading along internal edges', () => {
  it('three-quarter: the near sleeve beside the side strip shows no zip', async () => {
    // Stepped with the outline's pixels (template build b54): 20.6.
    const { rows, roughness } = await edgeRoughness('double-breasted', 'three-quarter', 'sleeve-right', 'side-right', [300, 760]);
    expect(rows).toBeGreaterThan(150);
    expect(roughness).toBeLessThan(13);
  });

  it('front: the sleeve over the forepart follows its outline', async () => {
    // Stepped with the outline's pixels (template build b54): 11.0.
    const { rows, roughness } = await edgeRoughness('single-breasted', 'front', 'sleeve-right', 'forepart-right', [300, 1000]);
    expect(rows).toBeGreaterThan(300);
    expect(roughness).toBeLessThan(8);
  });
});
