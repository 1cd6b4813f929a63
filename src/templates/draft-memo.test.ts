/**
 * A style option tapped in the configurator: its first preview drafts the view at preview size. The
 * pieces that option does not change (most panels, marks and shading layers) are kept from earlier
 * drafts, and the result must be exactly what a draft from nothing gives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { draftMemoStats, quickPreviewLevels, setDraftMemoBytes } from './build.ts';
import { cutViewSource, primeQuickDrafts, resolveOptions, shippedViews, type StyleOptions } from './index.ts';
import type { ViewLevel } from './types.ts';

const FRAME = '512x768';
const DEFAULT_BYTES = 64 * 1024 * 1024;

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

  it('draws a tapped trim from the drawing nearest it, not from the neighbour drafted ahead last', async () => {
    const sb = (change: Partial<StyleOptions>) => cutViewSource('single-breasted', 'front', resolveOptions('single-breasted', change));
    setDraftMemoBytes(0);
    const scratch = await quickPreviewLevels(sb({ tie: 'silver' }), ['preview']);
    setDraftMemoBytes(DEFAULT_BYTES);
    await primeQuickDrafts([{ cut: 'single-breasted', view: 'front' }]);
    const drawnPx = () => draftMemoStats()[FRAME]!.surroundingPx;
    // Another tie straight from the preset: the shirt and tie are drawn again, not the frame.
    let px = drawnPx();
    await quickPreviewLevels(sb({ tie: 'forest' }), ['preview']);
    const fromPreset = drawnPx() - px;
    expect(fromPreset).toBeGreaterThan(0);
    expect(fromPreset).toBeLessThan(0.2 * 512 * 768);
    await quickPreviewLevels(sb({}), ['preview']);
    // The app drafts the style's neighbours ahead: brown shoes are the latest drawn when the tie is
    // tapped. Drawn from them, the patch spanned the tie down to the shoes (up to 95de986: 4.0× the tie's).
    await quickPreviewLevels(sb({ shoes: 'brown' }), ['preview']);
    px = drawnPx();
    const tapped = await quickPreviewLevels(sb({ tie: 'silver' }), ['preview']);
    const afterAhead = drawnPx() - px;
    console.log(`surroundings drawn for a tie: ${fromPreset} px from the preset, ${afterAhead} px after brown shoes were drafted ahead`);
    // The silver and forest ties have one outline: the same patch.
    expect(afterAhead).toBe(fromPreset);
    expectSameLevel(scratch.preview!, tapped.preview!);
  });

  it('keeps the pieces of all six views the render threads prime, within the default budget', async () => {
    setDraftMemoBytes(0);
    setDraftMemoBytes(DEFAULT_BYTES);
    const six = shippedViews().filter((v) => v.view === 'front' || v.view === 'three-quarter');
    expect(six).toHaveLength(6);
    await primeQuickDrafts(six);
    const primed = draftMemoStats()[FRAME]!;
    expect(primed.bytes).toBeLessThanOrEqual(DEFAULT_BYTES);
    // The first view primed is drafted again from what was kept: nothing is rasterised.
    await quickPreviewLevels(cutViewSource(six[0].cut, six[0].view), ['preview']);
    expect(draftMemoStats()[FRAME]!.rasterised).toBe(primed.rasterised);
    // Taps on one view (each a new lapel, fastening or waistcoat, back to the preset between them)
    // make pieces no other view uses: those go before any view's kept pieces.
    const taps: Array<Partial<StyleOptions>> = [
      { lapel: 'peak' },
      { lapel: 'shawl' },
      { fastening: 'sb1' },
      { fastening: 'db6x2' },
      { waistcoat: 'sb' },
      { waistcoat: 'db' },
      { lapelWidth: 'wide' },
      { pockets: 'patch' },
    ];
    for (const change of taps) {
      await quickPreviewLevels(cutViewSource('single-breasted', 'three-quarter', resolveOptions('single-breasted', change)), ['preview']);
      await quickPreviewLevels(cutViewSource('single-breasted', 'three-quarter'), ['preview']);
    }
    expect(draftMemoStats()[FRAME]!.bytes).toBeLessThanOrEqual(DEFAULT_BYTES);
    for (const { cut, view } of six) {
      const before = draftMemoStats()[FRAME]!.rasterised;
      await quickPreviewLevels(cutViewSource(cut, view), ['preview']);
      expect(draftMemoStats()[FRAME]!.rasterised - before, `${cut}/${view}`).toBe(0);
    }
    // A peak lapel on the first view primed redraws its lapels, collars and their marks, not the view.
    const before = draftMemoStats()[FRAME]!.rasterised;
    await quickPreviewLevels(cutViewSource(six[0].cut, six[0].view, resolveOptions(six[0].cut, { lapel: 'peak' })), ['preview']);
    expect(draftMemoStats()[FRAME]!.rasterised - before).toBeLessThan(30);
  }, 120_000);

  it('keeps within its byte budget, least recently used out first', async () => {
    setDraftMemoBytes(2 * 1024 * 1024);
    await primeQuickDrafts([{ cut: 'single-breasted', view: 'three-quarter' }]);
    expect(draftMemoStats()[FRAME]!.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    setDraftMemoBytes(0);
    expect(draftMemoStats()[FRAME]!.entries).toBe(0);
  });
});
