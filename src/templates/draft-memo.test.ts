/**
 * A style option tapped in the configurator: its first preview drafts the view at preview size. The
 * pieces that option does not change (most panels, marks and shading layers) are kept from earlier
 * drafts, and the result must be exactly what a draft from nothing gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { draftMemoStats, quickPreviewLevels, setDraftMemoBytes } from './build.ts';
import { cutViewSource, primeQuickDrafts, resolveOptions } from './index.ts';
import type { ViewLevel } from './types.ts';

const FRAME = '512x768';
const DEFAULT_BYTES = 48 * 1024 * 1024;

function expectSameLevel(a: ViewLevel, b: ViewLevel) {
  for (const k of Object.keys(a) as Array<keyof ViewLevel>) {
    const x = a[k];
    const y = b[k];
    if (k === 'base') {
      // The underlay (another tie) is redrawn on a canvas cropped to the tie, where librsvg rounds
      // gradients and blurs by up to one level differently from a whole canvas.
      let worst = 0;
      for (let i = 0; i < a.base.length; i++) worst = Math.max(worst, Math.abs(a.base[i] - b.base[i]));
      expect(worst, k).toBeLessThanOrEqual(1);
    } else if (ArrayBuffer.isView(x))
      expect(
        Buffer.compare(
          Buffer.from(x.buffer, x.byteOffset, x.byteLength),
          Buffer.from((y as typeof x).buffer, (y as typeof x).byteOffset, (y as typeof x).byteLength),
        ),
        k,
      ).toBe(0);
    else expect(y, k).toEqual(x);
  }
}

describe('drafting a style option after its view was drafted', () => {
  afterAll(() => setDraftMemoBytes(DEFAULT_BYTES));

  it('redraws only the pieces the option changes, and gives the pixels of a draft from nothing', async () => {
    const peak = cutViewSource('single-breasted', 'front', resolveOptions('single-breasted', { lapel: 'peak', pockets: 'patch', tie: 'forest' }));
    // From nothing: nothing kept.
    setDraftMemoBytes(0);
    const scratch = await quickPreviewLevels(peak, ['preview']);

    setDraftMemoBytes(DEFAULT_BYTES);
    await primeQuickDrafts([{ cut: 'single-breasted', view: 'front' }]);
    const primed = draftMemoStats()[FRAME]!;
    expect(primed.entries).toBeGreaterThan(50);
    const again = await quickPreviewLevels(peak, ['preview']);
    const after = draftMemoStats()[FRAME]!;
    // The lapels, collars and pockets and their marks, the layers they fall in and the shirt-and-tie
    // underlay: a fraction of the view's pieces.
    const redrawn = after.entries - primed.entries;
    expect(redrawn).toBeGreaterThan(0);
    expect(redrawn).toBeLessThan(primed.entries / 3);
    expectSameLevel(scratch.preview!, again.preview!);
  });

  it('keeps within its byte budget, least recently used out first', async () => {
    setDraftMemoBytes(2 * 1024 * 1024);
    await primeQuickDrafts([{ cut: 'single-breasted', view: 'three-quarter' }]);
    expect(draftMemoStats()[FRAME]!.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    setDraftMemoBytes(0);
    expect(draftMemoStats()[FRAME]!.entries).toBe(0);
  });
});
