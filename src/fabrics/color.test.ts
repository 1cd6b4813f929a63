import { describe, expect, it } from 'vitest';
import {
  deltaE2000,
  formatHex,
  hexToLab,
  labToHex,
  linearToSrgb8,
  linearToSrgb8Exact,
  meanLab,
  parseHex,
  SRGB8_TO_LINEAR,
  srgbToLinear,
  linearToSrgb,
} from './color.ts';

/** Sharma, Wu & Dalal (2005), Table 1: L1 a1 b1 L2 a2 b2 ΔE00. */
const SHARMA: number[][] = [
  [50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
  [50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
  [50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
  [50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
  [50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
  [50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
  [50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
  [50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
  [50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
  [50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
  [50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
  [50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
  [50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
  [50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
  [50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
  [50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
  [50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
  [50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
  [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
  [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
  [61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
  [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
  [22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
  [36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
  [90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
  [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
  [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
  [2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe('CIEDE2000', () => {
  it('matches all 34 Sharma et al. (2005) reference pairs to 1e-4, both ways round', () => {
    for (const [L1, a1, b1, L2, a2, b2, de] of SHARMA) {
      expect(deltaE2000([L1, a1, b1], [L2, a2, b2])).toBeCloseTo(de, 4);
      expect(deltaE2000([L2, a2, b2], [L1, a1, b1])).toBeCloseTo(de, 4);
    }
  });
  it('is zero for identical colours', () => {
    expect(deltaE2000([40, 10, -20], [40, 10, -20])).toBe(0);
  });
});

describe('sRGB ⇄ linear ⇄ Lab', () => {
  it('round-trips every 8-bit code through linear light, exactly and by table', () => {
    for (let c = 0; c < 256; c++) {
      expect(Math.round(linearToSrgb(srgbToLinear(c / 255)) * 255)).toBe(c);
      expect(linearToSrgb8Exact(SRGB8_TO_LINEAR[c])).toBe(c);
      expect(linearToSrgb8(SRGB8_TO_LINEAR[c])).toBe(c);
    }
  });
  it('knows the reference whites and primaries', () => {
    const white = hexToLab('#FFFFFF');
    expect(white[0]).toBeCloseTo(100, 3);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    expect(hexToLab('#000000')[0]).toBeCloseTo(0, 6);
    // sRGB red in CIELAB D65 ≈ (53.24, 80.09, 67.20)
    const red = hexToLab('#FF0000');
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
  });
  it('round-trips hex through Lab', () => {
    for (const hex of ['#0A1D3A', '#343434', '#C19A6B', '#6D0D2B', '#F2F0EB', '#111111']) {
      expect(labToHex(hexToLab(hex))).toBe(hex);
    }
  });
  it('parses and formats hex', () => {
    expect(parseHex('#0a1d3a')).toEqual([10, 29, 58]);
    expect(parseHex('fff')).toEqual([255, 255, 255]);
    expect(formatHex([10, 29, 58])).toBe('#0A1D3A');
    expect(() => parseHex('navy')).toThrow(/Not a colour/);
  });
  it('averages in linear light: a 50/50 black/white mix is sRGB 188, not 128', () => {
    const px = new Uint8Array([0, 0, 0, 255, 255, 255]);
    const lab = meanLab(px, 2, 1);
    expect(labToHex(lab)).toBe('#BCBCBC');
    expect(meanLab(px, 2, 1, { region: { left: 1, top: 0, width: 1, height: 1 } })[0]).toBeCloseTo(100, 3);
  });
});
