import { describe, expect, it } from 'vitest';
import { clampPan, fitContain, IDENTITY, MAX_SCALE, panBy, wheelFactor, zoomAt } from './zoom.ts';

const frame = { width: 800, height: 600 };
const fitted = fitContain({ width: 1024, height: 1536 }, frame);

describe('zoom and pan', () => {
  it('fits the image inside the frame', () => {
    expect(fitted).toEqual({ width: 400, height: 600 });
  });

  it('zooms about the pointer: the point under it stays put', () => {
    const at = { x: 100, y: -150 };
    const z = zoomAt(IDENTITY, 3, at, fitted, frame);
    expect(z.scale).toBe(3);
    // content point under `at` before: (at - t) / s; after, it maps back to `at`.
    const before = { x: (at.x - IDENTITY.x) / 1, y: (at.y - IDENTITY.y) / 1 };
    expect(before.x * z.scale + z.x).toBeCloseTo(at.x);
    expect(before.y * z.scale + z.y).toBeCloseTo(at.y);
  });

  it('keeps the image covering the frame near its edges (the pan is clamped)', () => {
    const z = zoomAt(IDENTITY, 2, { x: 100, y: -150 }, fitted, frame);
    // 2× makes the image exactly as wide as the frame: no sideways pan is possible.
    expect(z).toEqual({ scale: 2, x: 0, y: 150 });
  });

  it('stays between 1× and the maximum', () => {
    expect(zoomAt(IDENTITY, 0.2, { x: 0, y: 0 }, fitted, frame)).toEqual(IDENTITY);
    expect(zoomAt(IDENTITY, 100, { x: 0, y: 0 }, fitted, frame).scale).toBe(MAX_SCALE);
  });

  it('pans only as far as the image reaches', () => {
    const z = { scale: 3, x: 0, y: 0 };
    // At 3× the image is 1200 × 1800 in an 800 × 600 frame: ±200 px across, ±600 px down.
    expect(panBy(z, 1000, -1000, fitted, frame)).toEqual({ scale: 3, x: 200, y: -600 });
    expect(clampPan({ scale: 1, x: 50, y: 50 }, fitted, frame)).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it('turns wheel notches into gentle zoom steps', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1.1);
    expect(wheelFactor(100)).toBeLessThan(0.9);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-120));
  });
});
