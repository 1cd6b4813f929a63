import { describe, expect, it } from 'vitest';
import { colorFamilyOf, contrastRatio } from './colorFamily.ts';

describe('colour family from hex', () => {
  // The demo catalogue's colourways, as an associate would group them.
  it.each([
    ['#1C2841', 'blue'], // navy
    ['#141B2E', 'blue'], // midnight blue
    ['#3B5079', 'blue'], // mid blue
    ['#4E5867', 'blue'], // blue grey reads blue
    ['#36393D', 'grey'], // charcoal
    ['#74777B', 'grey'], // mid grey
    ['#9A9C9E', 'grey'], // light grey
    ['#8A8D91', 'grey'], // silver
    ['#7A7A7A', 'grey'], // houndstooth black-and-white
    ['#161616', 'black'],
    ['#131313', 'black'],
    ['#4E3B31', 'brown'], // chocolate
    ['#6A5A48', 'brown'],
    ['#A48763', 'brown'], // tan
    ['#545440', 'green'], // olive
    ['#2F4F2F', 'green'],
    ['#BDB4A2', 'neutral'], // stone
    ['#C2B08F', 'neutral'], // sand
    ['#E8E1CF', 'neutral'], // cream
    ['#F4F4F2', 'neutral'], // white
    ['#6B1F2A', 'red'], // burgundy
    ['#B03030', 'red'],
    ['#4E3A66', 'purple'],
  ])('%s is %s', (hex, family) => {
    expect(colorFamilyOf(hex)).toBe(family);
  });

  it('accepts lower case and no hash; refuses what is not a colour', () => {
    expect(colorFamilyOf('1c2841')).toBe('blue');
    expect(() => colorFamilyOf('navy')).toThrow();
  });

  it('computes WCAG contrast', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 0);
    // The palette's text colours on ivory pass AA for body text.
    expect(contrastRatio('#23211E', '#FAF7F0')).toBeGreaterThan(4.5);
    expect(contrastRatio('#665F55', '#FAF7F0')).toBeGreaterThan(4.5);
    expect(contrastRatio('#665F55', '#F1ECE1')).toBeGreaterThan(4.5);
    expect(contrastRatio('#FFFAF2', '#7D2A1F')).toBeGreaterThan(4.5);
    expect(contrastRatio('#5E1A12', '#FBEEEA')).toBeGreaterThan(4.5);
    expect(contrastRatio('#4F4942', '#FFFDF8')).toBeGreaterThan(4.5);
    expect(contrastRatio('#1F56A3', '#FAF7F0')).toBeGreaterThan(3); // focus ring, non-text
  });
});
