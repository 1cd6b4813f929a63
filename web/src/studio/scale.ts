import type { Point } from './view.ts';

/** The scale slider's range, millimetres of cloth per photo pixel (a full-length 12 MP photo is about 0.5). */
export const MIN_SCALE_MM = 0.05;
export const MAX_SCALE_MM = 5;
/** Taps closer than this (photo pixels) cannot measure anything reliably. */
export const MIN_MEASURE_PX = 20;

/** Two taps on something of known length → mm per pixel; undefined when it cannot be trusted. */
export function scaleFromLength(a: Point, b: Point, lengthMm: number): number | undefined {
  const px = Math.hypot(b.x - a.x, b.y - a.y);
  if (!(px >= MIN_MEASURE_PX) || !(lengthMm > 0)) return undefined;
  const mm = lengthMm / px;
  return mm >= MIN_SCALE_MM && mm <= MAX_SCALE_MM ? mm : undefined;
}

/** The slider moves on a log scale: equal steps feel like equal changes of pattern size. */
export const sliderToScale = (v: number) => MIN_SCALE_MM * (MAX_SCALE_MM / MIN_SCALE_MM) ** (v / 100);
export const scaleToSlider = (mm: number) => (100 * Math.log(mm / MIN_SCALE_MM)) / Math.log(MAX_SCALE_MM / MIN_SCALE_MM);
