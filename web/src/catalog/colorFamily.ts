/**
 * The colour family a colourway reads as from across the showroom, derived from its hex alone, so
 * new catalogue colours need no tagging: navy and midnight are blues, charcoal and silver greys,
 * stone, sand and cream neutrals, olive a green.
 */
export const COLOR_FAMILIES = ['blue', 'grey', 'black', 'brown', 'green', 'neutral', 'red', 'purple'] as const;
export type ColorFamily = (typeof COLOR_FAMILIES)[number];

/** A representative colour to draw each family's filter dot. */
export const COLOR_FAMILY_DOT: Record<ColorFamily, string> = {
  blue: '#26365C',
  grey: '#75787C',
  black: '#161616',
  brown: '#5E4533',
  green: '#4F5A3A',
  neutral: '#CDBF9F',
  red: '#7A2630',
  purple: '#4E3A66',
};

export interface Hsl {
  /** 0..360 */
  h: number;
  /** chroma, 0..1: max − min of the channels */
  c: number;
  /** lightness, 0..1 */
  l: number;
}

export function parseHex(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a colour: ${hex}`);
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function hexToHcl(hex: string): Hsl {
  const [r, g, b] = parseHex(hex).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  const l = (max + min) / 2;
  let h = 0;
  if (c > 0) {
    if (max === r) h = 60 * (((g - b) / c) % 6);
    else if (max === g) h = 60 * ((b - r) / c + 2);
    else h = 60 * ((r - g) / c + 4);
  }
  if (h < 0) h += 360;
  return { h, c, l };
}

export function colorFamilyOf(hex: string): ColorFamily {
  const { h, c, l } = hexToHcl(hex);
  // Suiting greys carry a trace of tint; below this chroma the eye reads grey (or black, or ivory).
  if (c < 0.05) {
    if (l < 0.12) return 'black';
    if (l > 0.82) return 'neutral';
    return 'grey';
  }
  if (c < 0.09 && l < 0.1) return 'black';
  if (h >= 15 && h < 50) return l > 0.55 ? 'neutral' : 'brown';
  if (h >= 50 && h < 70) return l > 0.5 ? 'neutral' : 'green';
  if (h >= 70 && h < 170) return 'green';
  if (h >= 170 && h < 260) return 'blue';
  if (h >= 260 && h < 330) return 'purple';
  // Reds and wines; a very dark, dull red reads as brown.
  return l < 0.2 && c < 0.12 ? 'brown' : 'red';
}

/** Relative luminance (WCAG), to pick a legible ink over a colour. */
export function luminance(hex: string): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = parseHex(hex);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}
