import { describe, expect, it } from 'vitest';
import { clampRect, defaultCrop, displayToImage, isValidWidthMm, moveRect, resizeRect, toCropField, widthMmFromKnownLength } from './cropMath.ts';

const photo = { width: 4000, height: 3000 };

describe('crop box', () => {
  it('starts as a centred square over most of the photo', () => {
    expect(defaultCrop(photo)).toEqual({ left: 950, top: 450, width: 2100, height: 2100 });
  });

  it('moves but never leaves the photo', () => {
    const r = defaultCrop(photo);
    expect(moveRect(r, 100, -50, photo)).toMatchObject({ left: 1050, top: 400 });
    expect(moveRect(r, 10_000, 10_000, photo)).toMatchObject({ left: 1900, top: 900, width: 2100, height: 2100 });
    expect(moveRect(r, -10_000, -10_000, photo)).toMatchObject({ left: 0, top: 0 });
  });

  it('resizes from any handle keeping the opposite edges, down to the server’s minimum', () => {
    const r = { left: 1000, top: 1000, width: 1000, height: 1000 };
    expect(resizeRect(r, 'se', 200, 100, photo)).toEqual({ left: 1000, top: 1000, width: 1200, height: 1100 });
    expect(resizeRect(r, 'nw', 200, 100, photo)).toEqual({ left: 1200, top: 1100, width: 800, height: 900 });
    expect(resizeRect(r, 'w', -5000, 0, photo)).toEqual({ left: 0, top: 1000, width: 2000, height: 1000 });
    expect(resizeRect(r, 'n', 0, 5000, photo)).toEqual({ left: 1000, top: 1936, width: 1000, height: 64 });
    expect(resizeRect(r, 'e', 10_000, 0, photo).width).toBe(3000);
  });

  it('clamps into the photo and gives whole pixels for the API', () => {
    expect(clampRect({ left: -10, top: 2990, width: 20, height: 50 }, photo)).toEqual({ left: 0, top: 2936, width: 64, height: 64 });
    expect(toCropField({ left: 10.4, top: 20.6, width: 100.5, height: 99.4 }, photo)).toEqual({ left: 10, top: 21, width: 101, height: 99 });
    // A tiny photo: the box may not be larger than the photo.
    expect(clampRect({ left: 0, top: 0, width: 10, height: 10 }, { width: 40, height: 30 })).toEqual({ left: 0, top: 0, width: 30, height: 30 });
  });

  it('maps a tap on the displayed photo to photo pixels', () => {
    expect(displayToImage({ x: 200, y: 150 }, { width: 400, height: 300 }, photo)).toEqual({ x: 2000, y: 1500 });
    expect(displayToImage({ x: 500, y: -3 }, { width: 400, height: 300 }, photo)).toEqual({ x: 4000, y: 0 });
  });
});

describe('scale from two taps on a known length', () => {
  it('derives the crop’s real width from the ratio', () => {
    // 100 mm of ruler spans 1000 px; the crop is 600 px wide → 60 mm.
    expect(widthMmFromKnownLength({ x: 0, y: 0 }, { x: 600, y: 800 }, 100, 600)).toBeCloseTo(60);
    expect(widthMmFromKnownLength({ x: 100, y: 100 }, { x: 1100, y: 100 }, 25, 2000)).toBeCloseTo(50);
  });

  it('refuses taps too close together, or no length', () => {
    expect(widthMmFromKnownLength({ x: 0, y: 0 }, { x: 5, y: 5 }, 100, 600)).toBeUndefined();
    expect(widthMmFromKnownLength({ x: 0, y: 0 }, { x: 500, y: 0 }, 0, 600)).toBeUndefined();
    expect(widthMmFromKnownLength({ x: 0, y: 0 }, { x: 500, y: 0 }, Number.NaN, 600)).toBeUndefined();
  });

  it('accepts widths the server accepts (5–1000 mm)', () => {
    expect([4.9, 5, 60, 1000, 1001, Number.NaN, undefined].map(isValidWidthMm)).toEqual([false, true, true, true, false, false, false]);
  });
});
