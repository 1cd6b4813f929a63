/**
 * The cloth runs straight up to a lapel's roll line. Where the lapel ends beside the shirt the cloth
 * ends, not a fold: the fold warp must not read that drop as one (smoothed in, it bent every stripe
 * within a few millimetres of the roll into a hook, plainest in a pinstripe at HD). Measured on the
 * view's texture coordinates: how far the cloth moves per pixel next to the roll against inside the lapel
 * (0.6-0.76 off with the drop smoothed in; about 0.1 now).
 */
import { describe, expect, it } from 'vitest';
import { createComposeEngine } from '../engines/compose/index.ts';
import { TEST_TEMPLATE_CACHE } from '../engines/compose/test-helpers.ts';
import { frontProjection } from './geometry.ts';

const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

describe('lapel roll: the cloth runs straight to the roll line', () => {
  it.each(['single-breasted', 'double-breasted'])('%s front: no warp where the lapel meets the shirt', async (cut) => {
    const cv = await engine.template(cut, 'front');
    const L = cv.levels.full;
    const at = new Int32Array(L.width * L.height).fill(-1);
    for (let k = 0; k < L.pix.length; k++) at[L.pix[k]!] = k;
    const proj = frontProjection();
    const [, yTop] = proj.project(0, 1400);
    const [, yBottom] = proj.project(0, 1240);
    let rows = 0;
    let worst = 0;
    for (const side of ['left', 'right'] as const) {
      const p = cv.panels.findIndex((q) => q.id === `lapel-${side}`);
      expect(p, `lapel-${side}`).toBeGreaterThanOrEqual(0);
      // The coat's left lapel lies on the image's right; from the centre outward, its roll line comes first.
      const inward = side === 'left' ? 1 : -1;
      for (let y = Math.ceil(yTop); y < yBottom; y += 2) {
        // The roll edge: the lapel's last fully covered pixel before the shirt, walking out from the centre.
        let edge = -1;
        for (let x = Math.round(proj.project(0, 0)[0]); x >= 0 && x < L.width; x += inward) {
          const k = at[y * L.width + x]!;
          if (k >= 0 && L.panel[k] === p && L.cov[k] === 255) {
            edge = x;
            break;
          }
        }
        if (edge < 0) continue;
        const uvAt = (x: number) => {
          const k = at[y * L.width + x]!;
          return k >= 0 && L.panel[k] === p ? [L.u[k]!, L.v[k]!] : undefined;
        };
        const a = uvAt(edge + inward * 1);
        const b = uvAt(edge + inward * 7);
        const c = uvAt(edge + inward * 12);
        const d = uvAt(edge + inward * 24);
        if (!a || !b || !c || !d) continue;
        // Cloth per pixel by the roll (1-7 px in) against well inside the lapel (12-24 px in).
        const near = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!) / 6;
        const inside = Math.hypot(d[0]! - c[0]!, d[1]! - c[1]!) / 12;
        worst = Math.max(worst, Math.abs(near / inside - 1));
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(40);
    expect(worst, 'cloth stretched or squeezed by the roll').toBeLessThan(0.2);
  });
});
