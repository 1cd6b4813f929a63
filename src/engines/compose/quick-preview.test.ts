/**
 * A shape option tapped for the first time: its live preview must not wait for a full template build.
 * It is drawn from half-size levels, and must look like the preview of the full build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quickViewAtHand, resolveOptions } from '../../templates/index.ts';
import type { FabricSpec } from '../types.ts';
import { createComposeEngine } from './index.ts';
import { decode, meanDeltaE, ssim } from './test-helpers.ts';

const dir = await mkdtemp(join(tmpdir(), 'atelier-quick-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
// Charcoal pinstripe: dark enough that cloth against the pale backdrop is a clean threshold.
const charcoal: FabricSpec = { hex: '#333538', design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 } };
// A combination nothing else in the suite draws, in an empty cache directory: it is not built anywhere.
const watermark = { text: '', opacity: 0, position: 'bottom-right' as const };
const options = resolveOptions('double-breasted', {
  lapel: 'peak',
  lapelWidth: 'wide',
  pockets: 'patch',
  vents: 'single',
  trouserHem: 'turnups',
  tie: 'none',
  shoes: 'brown',
});

describe('first preview of a style not built yet', () => {
  const engine = createComposeEngine({ templateCacheDir: dir });

  it("is drawn from half-size levels, matches the full build's preview, and the full build waits for a full-size render", async () => {
    const first = await engine.render({ cut: 'double-breasted', view: 'front', fabric: charcoal, watermark, sizes: ['preview'], options });
    expect(first.timings.quickTemplate).toBe(1);
    const quick = await decode(first.images[0]!.data);
    expect([quick.width, quick.height]).toEqual([512, 768]);

    // A full-size render builds the view; from then on previews come from it.
    const full = await engine.render({ cut: 'double-breasted', view: 'front', fabric: charcoal, watermark, sizes: ['full'], options });
    expect(full.timings.quickTemplate).toBeUndefined();
    const again = await engine.render({ cut: 'double-breasted', view: 'front', fabric: charcoal, watermark, sizes: ['preview'], options });
    expect(again.timings.quickTemplate).toBeUndefined();
    const built = await decode(again.images[0]!.data);

    // The same suit: colour, folds and silhouette (what differs is how edges were anti-aliased).
    expect(meanDeltaE(quick, built)).toBeLessThan(1.5);
    expect(ssim(quick, built)).toBeGreaterThan(0.9);
    let cloth = 0;
    let disagree = 0;
    for (let i = 0; i < quick.width * quick.height; i++) {
      const dark = (img: typeof quick) => img.px[i * 3]! < 180;
      if (dark(quick) || dark(built)) cloth++;
      if (dark(quick) !== dark(built)) disagree++;
    }
    expect(disagree / cloth).toBeLessThan(0.01);

    // The undercollar inside the neck is plain melton in the quick preview too, as in the built one:
    // few of its pixels stand clearly above the built preview's (3 %, where the two draw its edge
    // and light a little differently; 12 % when the quick preview drew it in the pinstripe).
    const cv = await engine.template('double-breasted', 'front', options);
    const inside = cv.panels.findIndex((p) => p.id === 'collar-back');
    const maps = await engine.shadingMaps('double-breasted', 'front', charcoal, 'preview', options);
    const lum = (img: typeof quick, i: number) => img.px[i * 3]! + img.px[i * 3 + 1]! + img.px[i * 3 + 2]!;
    let neck = 0;
    let stripes = 0;
    for (let i = 0; i < maps.panel.length; i++) {
      if (maps.panel[i] !== inside || maps.coverage[i] !== 255) continue;
      neck++;
      if (lum(quick, i) > lum(built, i) * 1.15 + 6) stripes++;
    }
    expect(neck).toBeGreaterThan(200);
    expect(stripes / neck).toBeLessThan(0.06);
  });

  it('drafts the values likely next ahead: their first preview finds its levels drafted', async () => {
    const next = resolveOptions('double-breasted', { ...options, lapel: 'notch', vents: 'double' });
    expect(quickViewAtHand('double-breasted', 'front', next, 'preview')).toBe(false);
    await engine.draftNext([{ cut: 'double-breasted', view: 'front', options: next }]);
    expect(quickViewAtHand('double-breasted', 'front', next, 'preview')).toBe(true);
    const r = await engine.render({ cut: 'double-breasted', view: 'front', fabric: charcoal, watermark, sizes: ['preview'], options: next });
    expect(r.timings.quickTemplate).toBe(1);
    const img = await decode(r.images[0]!.data);
    expect([img.width, img.height]).toEqual([512, 768]);
  });
});
