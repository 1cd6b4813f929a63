import { describe, expect, it } from 'vitest';
import { EditHistory } from './history.ts';
import {
  applyRegion,
  clearMask,
  coverage,
  createMask,
  foundGarment,
  invertMask,
  maskFromRgba,
  maskToRgba,
  stampDisc,
  stampSegment,
  type Mask,
} from './mask.ts';
import { fitView, pinch, toImage, zoomAt } from './view.ts';
import { floodRegion } from './wand.ts';

const count = (m: Mask) => m.data.reduce((n, v) => n + (v ? 1 : 0), 0);
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const at = (m: Mask, x: number, y: number) => m.data[y * m.width + x];

describe('brush', () => {
  it('stamps a disc whose area is πr², clipped at the photo’s edges', () => {
    const m = createMask(200, 200);
    const rect = stampDisc(m, 100, 100, 20, 255);
    expect(Math.abs(count(m) - Math.PI * 400) / (Math.PI * 400)).toBeLessThan(0.02);
    expect(rect).toEqual({ x: 80, y: 80, w: 40, h: 40 });
    expect(at(m, 100, 100)).toBe(255);
    expect(at(m, 81, 81)).toBe(0); // the corner of the box is outside the disc
    const edge = createMask(50, 50);
    expect(stampDisc(edge, 0, 0, 10, 255)).toEqual({ x: 0, y: 0, w: 10, h: 10 });
    expect(Math.abs(count(edge) - (Math.PI * 100) / 4)).toBeLessThan(6);
    expect(stampDisc(edge, -30, -30, 5, 255)).toBeNull();
  });

  it('draws a solid stroke between far-apart samples (no beads) and the eraser takes it back', () => {
    const m = createMask(300, 100);
    const rect = stampSegment(m, 10, 50, 290, 50, 6, 255);
    for (let x = 10; x <= 289; x++) for (let y = 46; y <= 53; y++) expect(at(m, x, y), `${x},${y}`).toBe(255);
    expect(at(m, 150, 40)).toBe(0);
    expect(rect).toMatchObject({ x: 4, w: 292 });
    stampSegment(m, 100, 50, 200, 50, 10, 0);
    expect(at(m, 150, 50)).toBe(0);
    expect(at(m, 50, 50)).toBe(255);
    expect(at(m, 250, 50)).toBe(255);
  });

  it('inverts, clears and measures coverage', () => {
    const m = createMask(10, 10);
    stampDisc(m, 5, 5, 100, 255);
    expect(coverage(m)).toBe(1);
    invertMask(m);
    expect(coverage(m)).toBe(0);
    m.data[3] = 255;
    invertMask(m);
    expect(count(m)).toBe(99);
    clearMask(m);
    expect(coverage(m)).toBe(0);
  });

  it('reads a PNG’s pixels (white in, black and transparent out) and writes opaque black and white', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255, 200, 200, 200, 255, 255, 255, 255, 0]);
    const m = maskFromRgba(rgba, 2, 2);
    expect([...m.data]).toEqual([255, 0, 255, 0]);
    expect([...maskToRgba(m)]).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  });
});

describe('undo and redo', () => {
  it('takes strokes back and forth, keeping only the rectangles they changed', () => {
    const m = createMask(1000, 1000);
    const h = new EditHistory();
    const snap1 = m.data.slice();
    const r1 = stampSegment(m, 100, 100, 200, 100, 5, 255);
    expect(h.record(m, snap1, r1)).toBe(true);
    const afterFirst = m.data.slice();
    const snap2 = m.data.slice();
    const r2 = stampSegment(m, 150, 80, 150, 300, 8, 0);
    h.record(m, snap2, r2);
    const afterSecond = m.data.slice();

    expect(h.undo(m)).toEqual(r2);
    expect(same(m.data, afterFirst)).toBe(true);
    expect(h.undo(m)).toEqual(r1);
    expect(count(m)).toBe(0);
    expect(h.canUndo).toBe(false);
    expect(h.undo(m)).toBeNull();
    h.redo(m);
    h.redo(m);
    expect(same(m.data, afterSecond)).toBe(true);
    expect(h.canRedo).toBe(false);
  });

  it('drops what was undone when a new edit is made, and an edit that changed nothing', () => {
    const m = createMask(100, 100);
    const h = new EditHistory();
    let snap = m.data.slice();
    h.record(m, snap, stampDisc(m, 50, 50, 10, 255));
    h.undo(m);
    snap = m.data.slice();
    h.record(m, snap, stampDisc(m, 20, 20, 5, 255));
    expect(h.canRedo).toBe(false);
    snap = m.data.slice();
    expect(h.record(m, snap, stampDisc(m, 20, 20, 5, 255))).toBe(false);
    expect(h.size).toBe(1);
  });

  it('forgets the oldest edits beyond its memory budget', () => {
    const m = createMask(100, 100);
    const h = new EditHistory(2 * 100 * 100 * 2);
    for (let i = 0; i < 5; i++) {
      const snap = m.data.slice();
      h.record(m, snap, invertMask(m));
    }
    expect(h.size).toBe(2);
  });
});

/** A 60×40 picture: navy left half, grey right half, a navy island inside the grey, some noise. */
function picture() {
  const w = 60;
  const h = 40;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const island = x >= 45 && x < 50 && y >= 10 && y < 15;
      const navy = x < 30 || island;
      const noise = (x * 7 + y * 13) % 5;
      rgba.set(navy ? [30 + noise, 40 + noise, 80 + noise, 255] : [150 + noise, 150, 150, 255], p);
    }
  }
  return { rgba, w, h };
}

describe('magic wand', () => {
  it('selects the connected region of similar colour, not the same colour elsewhere', () => {
    const { rgba, w, h } = picture();
    const region = floodRegion(rgba, w, h, 10, 10, 10)!;
    expect(region.count).toBe(30 * 40);
    expect(region.bounds).toEqual({ x: 0, y: 0, w: 30, h: 40 });
    expect(region.data[12 * w + 46]).toBe(0); // the navy island is not connected
    expect(region.data[10 * w + 35]).toBe(0);
    expect(new Set(region.data)).toEqual(new Set([0, 255]));
  });

  it('takes in more as the tolerance grows', () => {
    const { rgba, w, h } = picture();
    expect(floodRegion(rgba, w, h, 10, 10, 0.5)!.count).toBeLessThan(30 * 40);
    expect(floodRegion(rgba, w, h, 10, 10, 100)!.count).toBe(w * h);
    expect(floodRegion(rgba, w, h, -1, 10, 10)).toBeNull();
  });

  it('adds the region to a mask', () => {
    const { rgba, w, h } = picture();
    const m = createMask(w, h);
    const region = floodRegion(rgba, w, h, 40, 30, 10)!;
    applyRegion(m, region.data, region.bounds, 255);
    expect(count(m)).toBe(30 * 40 - 25);
    expect(at(m, 47, 12)).toBe(0);
  });
});

describe('zoom and pan', () => {
  const viewport = { width: 800, height: 600 };
  const image = { width: 4000, height: 6000 };

  it('fits the photo, centred', () => {
    expect(fitView(viewport, image)).toEqual({ scale: 0.1, x: 200, y: 0 });
  });

  it('keeps the photo point under the fingers while pinching and under the cursor while zooming', () => {
    const start = fitView(viewport, image);
    const under = toImage(start, { x: 400, y: 300 });
    const v = pinch(
      start,
      [
        { x: 350, y: 300 },
        { x: 450, y: 300 },
      ],
      [
        { x: 300, y: 320 },
        { x: 500, y: 320 },
      ],
      viewport,
      image,
    );
    expect(v.scale).toBeCloseTo(0.2);
    const now = toImage(v, { x: 400, y: 320 });
    expect(now.x).toBeCloseTo(under.x);
    expect(now.y).toBeCloseTo(under.y);
    const z = zoomAt(start, 4, { x: 500, y: 100 }, viewport, image);
    const p = toImage(z, { x: 500, y: 100 });
    const q = toImage(start, { x: 500, y: 100 });
    expect(p.x).toBeCloseTo(q.x);
    expect(p.y).toBeCloseTo(q.y);
    expect(zoomAt(start, 1000, { x: 0, y: 0 }, viewport, image).scale).toBe(8);
  });
});

describe('pattern scale', () => {
  it('measures mm per pixel from two taps on a known length, refusing taps too close or absurd results', async () => {
    const { scaleFromLength, sliderToScale, scaleToSlider } = await import('./scale.ts');
    expect(scaleFromLength({ x: 100, y: 100 }, { x: 400, y: 500 }, 250)).toBeCloseTo(0.5);
    expect(scaleFromLength({ x: 100, y: 100 }, { x: 105, y: 100 }, 250)).toBeUndefined();
    expect(scaleFromLength({ x: 0, y: 0 }, { x: 100, y: 0 }, 0)).toBeUndefined();
    expect(scaleFromLength({ x: 0, y: 0 }, { x: 100, y: 0 }, 10_000)).toBeUndefined();
    expect(sliderToScale(scaleToSlider(0.7))).toBeCloseTo(0.7);
    expect(sliderToScale(0)).toBeCloseTo(0.05);
    expect(sliderToScale(100)).toBeCloseTo(5);
  });
});

describe('a suggested outline', () => {
  // A suit the wall's very colour: the assist takes it for wall, and a few specks of outline are
  // left (0.3 % of the photo). Offered as "outline suggested: correct it", the associate looked
  // for an outline that was not there.
  it('of a few specks found no garment; a suit standing in the frame did', () => {
    const specks = createMask(300, 450);
    for (let k = 0; k < 6; k++) stampDisc(specks, 40 + 40 * k, 200 + 20 * k, 3, 255);
    expect(coverage(specks)).toBeLessThan(0.005);
    expect(foundGarment(specks)).toBe(false);
    expect(foundGarment(createMask(300, 450))).toBe(false);
    const suit = createMask(300, 450);
    applyRegion(suit, new Uint8Array(300 * 450).fill(1), { x: 90, y: 90, w: 120, h: 330 }, 255);
    expect(coverage(suit)).toBeGreaterThan(0.25);
    expect(foundGarment(suit)).toBe(true);
  });
});
