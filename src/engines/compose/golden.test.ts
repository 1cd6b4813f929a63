/**
 * Golden renders: a few cuts × cloths stored as small PNGs under test/golden/, compared with a
 * perceptual tolerance (mean CIEDE2000 < 1.0 and luma SSIM > 0.95 at 128×192). Rewrite them after an
 * intended change with UPDATE_GOLDEN=1 (and look at them before committing).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { FabricDesign } from '../types.ts';
import { createComposeEngine } from './index.ts';
import { TEST_TEMPLATE_CACHE } from './test-helpers.ts';
import { decode, meanDeltaE, ssim } from './test-helpers.ts';

const goldenDir = resolve(__dirname, '../../../test/golden');
const update = process.env.UPDATE_GOLDEN === '1';
const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });

const cases: Array<{ name: string; cut: string; view: string; hex: string; design: FabricDesign; repeatMm?: number }> = [
  {
    name: 'single-breasted-front-navy-twill',
    cut: 'single-breasted',
    view: 'front',
    hex: '#1C2841',
    design: { weave: 'twill', pattern: 'solid', threadMm: 0.22, heather: 0.08, sheen: 0.25 },
  },
  {
    name: 'double-breasted-front-charcoal-pinstripe',
    cut: 'double-breasted',
    view: 'front',
    hex: '#333538',
    design: { weave: 'twill', pattern: 'pinstripe', threadMm: 0.22, repeatMm: 10, heather: 0.05, sheen: 0.2 },
  },
  {
    name: 'three-piece-front-grey-glencheck',
    cut: 'three-piece',
    view: 'front',
    hex: '#6E6F70',
    design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25, repeatMm: 60, heather: 0.1, sheen: 0.1 },
  },
  {
    name: 'single-breasted-three-quarter-flannel',
    cut: 'single-breasted',
    view: 'three-quarter',
    hex: '#9A9C9E',
    design: { weave: 'flannel', pattern: 'solid', threadMm: 0.35, heather: 0.45, nap: 0.7, sheen: 0 },
  },
  {
    name: 'double-breasted-three-quarter-cream-mohair',
    cut: 'double-breasted',
    view: 'three-quarter',
    hex: '#E8E1CF',
    design: { weave: 'plain', pattern: 'solid', threadMm: 0.25, heather: 0.04, sheen: 0.8 },
  },
];

describe('golden renders', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const raw = await engine.renderRaw({ cut: c.cut, view: c.view, fabric: { hex: c.hex, design: c.design, repeatMm: c.repeatMm } }, 'preview');
    const small = await sharp(raw.rgb, { raw: { width: raw.width, height: raw.height, channels: 3 } })
      .resize(128, 192, { kernel: 'lanczos3' })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const file = `${goldenDir}/${name}.png`;
    if (update || !existsSync(file)) {
      await mkdir(goldenDir, { recursive: true });
      await writeFile(file, small);
      if (!update) throw new Error(`No golden for ${name}: wrote ${file}; look at it, then commit it`);
      return;
    }
    const got = await decode(small);
    const want = await decode(await readFile(file));
    expect([got.width, got.height]).toEqual([want.width, want.height]);
    expect(meanDeltaE(got, want)).toBeLessThan(1.0);
    expect(ssim(got, want)).toBeGreaterThan(0.95);
  });
});
