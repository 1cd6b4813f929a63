/**
 * Colour science for cloth: sRGB (IEC 61966-2-1) ⇄ linear light ⇄ CIE XYZ (D65) ⇄ CIELAB, and
 * CIEDE2000. Everything that averages or mixes colour does it in linear light, because that is how
 * light from neighbouring yarns mixes in the eye and in a camera; Lab is only for judging.
 */

export type Rgb = [number, number, number];
export type Lab = [number, number, number];
export type Xyz = [number, number, number];

/** sRGB component 0..1 → linear light 0..1. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Linear light 0..1 → sRGB component 0..1 (clamped). */
export function linearToSrgb(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 1;
  return v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
}

/** 8-bit sRGB code → linear light; index with the byte. */
export const SRGB8_TO_LINEAR: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = srgbToLinear(i / 255);
  return t;
})();

/**
 * The same table as doubles (each entry exactly SRGB8_TO_LINEAR's float): hot loops that sum many
 * entries read it without widening each one (the cloth photo's prefilter: ~15 % less time).
 */
export const SRGB8_TO_LINEAR_F64: Float64Array = Float64Array.from(SRGB8_TO_LINEAR);

/**
 * Linear light → 8-bit sRGB by table. 16384 steps keep the dark end (where sRGB codes are closest
 * together in linear light: code 1 ≈ 0.0003) exact to the nearest code, which matters for navy.
 */
export const LIN_LUT_SIZE = 16384;
export const LINEAR_TO_SRGB8_LUT: Uint8Array = (() => {
  const t = new Uint8Array(LIN_LUT_SIZE + 1);
  // Decide each entry by the exact nearest code in linear light, not by rounding in sRGB, so that
  // averages of quantised pixels stay unbiased.
  let code = 0;
  for (let i = 0; i <= LIN_LUT_SIZE; i++) {
    const v = i / LIN_LUT_SIZE;
    while (code < 255 && Math.abs(SRGB8_TO_LINEAR[code + 1] - v) <= Math.abs(SRGB8_TO_LINEAR[code] - v)) code++;
    t[i] = code;
  }
  return t;
})();

/**
 * The same table run on past 1.0 (to LIN_LUT_OVER × 1.0, all 255): a hot loop indexes it with
 * round(linear × LIN_LUT_SIZE) for shaded highlights without clamping each channel.
 */
export const LIN_LUT_OVER = 8;
export const LINEAR_TO_SRGB8_LUT_OVER: Uint8Array = (() => {
  const t = new Uint8Array(LIN_LUT_SIZE * LIN_LUT_OVER + 1).fill(255);
  t.set(LINEAR_TO_SRGB8_LUT);
  return t;
})();

/** Linear light 0..1 → nearest 8-bit sRGB code (table-driven, for per-pixel loops). */
export function linearToSrgb8(v: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  return LINEAR_TO_SRGB8_LUT[(v * LIN_LUT_SIZE + 0.5) | 0];
}

/** Exact (not table) nearest 8-bit code, for single colours. */
export function linearToSrgb8Exact(v: number): number {
  return Math.round(linearToSrgb(v) * 255);
}

export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`Not a colour: ${JSON.stringify(hex)} (expected #RRGGBB)`);
  let s = m[1];
  if (s.length === 3) s = s[0] + s[0] + s[1] + s[1] + s[2] + s[2];
  return [parseInt(s.slice(0, 2), 16), parseInt(s.slice(2, 4), 16), parseInt(s.slice(4, 6), 16)];
}

export function formatHex(rgb8: ArrayLike<number>): string {
  let s = '#';
  for (let i = 0; i < 3; i++) {
    const v = Math.max(0, Math.min(255, Math.round(rgb8[i])));
    s += v.toString(16).padStart(2, '0');
  }
  return s.toUpperCase();
}

export function hexToLinear(hex: string): Rgb {
  const [r, g, b] = parseHex(hex);
  return [SRGB8_TO_LINEAR[r], SRGB8_TO_LINEAR[g], SRGB8_TO_LINEAR[b]];
}

export function linearToHex(lin: ArrayLike<number>): string {
  return formatHex([linearToSrgb8Exact(lin[0]), linearToSrgb8Exact(lin[1]), linearToSrgb8Exact(lin[2])]);
}

// sRGB primaries, D65 white (IEC 61966-2-1).
export function linearToXyz(lin: ArrayLike<number>): Xyz {
  const r = lin[0],
    g = lin[1],
    b = lin[2];
  return [0.4124564 * r + 0.3575761 * g + 0.1804375 * b, 0.2126729 * r + 0.7151522 * g + 0.072175 * b, 0.0193339 * r + 0.119192 * g + 0.9503041 * b];
}

export function xyzToLinear(xyz: ArrayLike<number>): Rgb {
  const x = xyz[0],
    y = xyz[1],
    z = xyz[2];
  return [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.969266 * x + 1.8760108 * y + 0.041556 * z, 0.0556434 * x - 0.2040259 * y + 1.0572252 * z];
}

/** D65 reference white, Y = 1. */
export const D65: Xyz = [0.95047, 1, 1.08883];

const LAB_E = 216 / 24389;
const LAB_K = 24389 / 27;

function labF(t: number): number {
  return t > LAB_E ? Math.cbrt(t) : (LAB_K * t + 16) / 116;
}

function labFInv(f: number): number {
  const f3 = f * f * f;
  return f3 > LAB_E ? f3 : (116 * f - 16) / LAB_K;
}

export function xyzToLab(xyz: ArrayLike<number>): Lab {
  const fx = labF(xyz[0] / D65[0]);
  const fy = labF(xyz[1] / D65[1]);
  const fz = labF(xyz[2] / D65[2]);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

export function labToXyz(lab: ArrayLike<number>): Xyz {
  const fy = (lab[0] + 16) / 116;
  const fx = fy + lab[1] / 500;
  const fz = fy - lab[2] / 200;
  return [labFInv(fx) * D65[0], labFInv(fy) * D65[1], labFInv(fz) * D65[2]];
}

export function linearToLab(lin: ArrayLike<number>): Lab {
  return xyzToLab(linearToXyz(lin));
}

/** Lab → linear RGB; out-of-gamut values are clamped to 0..1 per channel. */
export function labToLinear(lab: ArrayLike<number>): Rgb {
  const l = xyzToLinear(labToXyz(lab));
  return [clamp01(l[0]), clamp01(l[1]), clamp01(l[2])];
}

export function hexToLab(hex: string): Lab {
  return linearToLab(hexToLinear(hex));
}

export function labToHex(lab: ArrayLike<number>): string {
  return linearToHex(labToLinear(lab));
}

/** Relative luminance (Y) of a linear RGB triple. */
export function luminance(lin: ArrayLike<number>): number {
  return 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.072175 * lin[2];
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : Math.min(v, 1);
}

const DEG = Math.PI / 180;
const POW25_7 = 6103515625; // 25^7

/**
 * CIEDE2000 colour difference (kL = kC = kH = 1), following Sharma, Wu & Dalal (2005), including
 * their notes on hue averaging when one chroma is zero.
 */
export function deltaE2000(lab1: ArrayLike<number>, lab2: ArrayLike<number>): number {
  const L1 = lab1[0],
    a1 = lab1[1],
    b1 = lab1[2];
  const L2 = lab2[0],
    a2 = lab2[1],
    b2 = lab2[2];
  const C1ab = Math.hypot(a1, b1);
  const C2ab = Math.hypot(a2, b2);
  const Cab = (C1ab + C2ab) / 2;
  const Cab7 = Cab ** 7;
  const G = 0.5 * (1 - Math.sqrt(Cab7 / (Cab7 + POW25_7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1 = Math.hypot(a1p, b1);
  const C2 = Math.hypot(a2p, b2);
  const h1 = C1 === 0 ? 0 : hueDeg(b1, a1p);
  const h2 = C2 === 0 ? 0 : hueDeg(b2, a2p);

  const dL = L2 - L1;
  const dC = C2 - C1;
  let dh = 0;
  if (C1 * C2 !== 0) {
    dh = h2 - h1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(C1 * C2) * Math.sin((dh / 2) * DEG);

  const Lm = (L1 + L2) / 2;
  const Cm = (C1 + C2) / 2;
  let hm = h1 + h2;
  if (C1 * C2 !== 0) {
    if (Math.abs(h1 - h2) > 180) hm = hm < 360 ? hm + 360 : hm - 360;
    hm /= 2;
  }
  const T = 1 - 0.17 * Math.cos((hm - 30) * DEG) + 0.24 * Math.cos(2 * hm * DEG) + 0.32 * Math.cos((3 * hm + 6) * DEG) - 0.2 * Math.cos((4 * hm - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hm - 275) / 25) ** 2));
  const Cm7 = Cm ** 7;
  const RC = 2 * Math.sqrt(Cm7 / (Cm7 + POW25_7));
  const Lm50 = (Lm - 50) ** 2;
  const SL = 1 + (0.015 * Lm50) / Math.sqrt(20 + Lm50);
  const SC = 1 + 0.045 * Cm;
  const SH = 1 + 0.015 * Cm * T;
  const RT = -Math.sin(2 * dTheta * DEG) * RC;
  const tL = dL / SL,
    tC = dC / SC,
    tH = dH / SH;
  return Math.sqrt(tL * tL + tC * tC + tH * tH + RT * tC * tH);
}

function hueDeg(b: number, a: number): number {
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

export interface RgbRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Mean colour of interleaved 8-bit sRGB pixels (3 or 4 channels), averaged in linear light.
 * Optional `region` restricts to a rectangle; optional `weights` (one per pixel of the whole image)
 * makes it a weighted mean (e.g. a mask's coverage).
 */
export function meanLinearRgb(
  rgb: ArrayLike<number>,
  width: number,
  height: number,
  opts: { region?: RgbRegion; channels?: number; weights?: ArrayLike<number> } = {},
): Rgb {
  const ch = opts.channels ?? 3;
  const r = opts.region ?? { left: 0, top: 0, width, height };
  const x0 = Math.max(0, r.left | 0),
    y0 = Math.max(0, r.top | 0);
  const x1 = Math.min(width, x0 + r.width),
    y1 = Math.min(height, y0 + r.height);
  const w = opts.weights;
  let sr = 0,
    sg = 0,
    sb = 0,
    sw = 0;
  const lut = SRGB8_TO_LINEAR;
  for (let y = y0; y < y1; y++) {
    let i = (y * width + x0) * ch;
    for (let x = x0; x < x1; x++, i += ch) {
      const k = w ? w[y * width + x] : 1;
      if (k === 0) continue;
      sr += lut[rgb[i]] * k;
      sg += lut[rgb[i + 1]] * k;
      sb += lut[rgb[i + 2]] * k;
      sw += k;
    }
  }
  if (sw === 0) return [0, 0, 0];
  return [sr / sw, sg / sw, sb / sw];
}

/** Mean colour of an RGB image or region, averaged in linear light, reported in CIELAB. */
export function meanLab(
  rgb: ArrayLike<number>,
  width: number,
  height: number,
  opts: { region?: RgbRegion; channels?: number; weights?: ArrayLike<number> } = {},
): Lab {
  return linearToLab(meanLinearRgb(rgb, width, height, opts));
}

/** Lab → LCh (chroma, hue in degrees). */
export function labToLch(lab: ArrayLike<number>): [number, number, number] {
  return [lab[0], Math.hypot(lab[1], lab[2]), hueDeg(lab[2], lab[1])];
}

export function lchToLab(L: number, C: number, hDeg: number): Lab {
  return [L, C * Math.cos(hDeg * DEG), C * Math.sin(hDeg * DEG)];
}
