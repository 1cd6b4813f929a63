/**
 * Geometry of the crop box and the scale of a photographed cloth. Everything here works in the
 * photo's own pixels (as displayed, i.e. after EXIF rotation, which is what the server crops).
 */
export interface Size {
  width: number;
  height: number;
}
export interface Point {
  x: number;
  y: number;
}
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}
export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';

/** The server refuses a cloth smaller than this on its shorter side. */
export const MIN_CROP_PX = 64;
export const MIN_WIDTH_MM = 5;
export const MAX_WIDTH_MM = 1000;
/** A swatch card in a bunch is about 6 cm across: the default scale. */
export const DEFAULT_WIDTH_MM = 60;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A centred square over most of the photo: where the cloth usually is. */
export function defaultCrop(image: Size): Rect {
  const side = Math.max(1, Math.round(Math.min(image.width, image.height) * 0.7));
  return { left: Math.round((image.width - side) / 2), top: Math.round((image.height - side) / 2), width: side, height: side };
}

/** The smallest box the editor allows: the server's minimum, or the whole photo if it is smaller. */
export function minSide(image: Size): number {
  return Math.min(MIN_CROP_PX, image.width, image.height);
}

export function clampRect(rect: Rect, image: Size, min = minSide(image)): Rect {
  const width = clamp(rect.width, min, image.width);
  const height = clamp(rect.height, min, image.height);
  return { left: clamp(rect.left, 0, image.width - width), top: clamp(rect.top, 0, image.height - height), width, height };
}

export function moveRect(rect: Rect, dx: number, dy: number, image: Size): Rect {
  return clampRect({ ...rect, left: rect.left + dx, top: rect.top + dy }, image);
}

/** Drags one edge or corner; the opposite edge stays put, and the box never leaves the photo. */
export function resizeRect(rect: Rect, handle: Handle, dx: number, dy: number, image: Size, min = minSide(image)): Rect {
  let left = rect.left;
  let top = rect.top;
  let right = rect.left + rect.width;
  let bottom = rect.top + rect.height;
  if (handle.includes('w')) left = clamp(left + dx, 0, right - min);
  if (handle.includes('e')) right = clamp(right + dx, left + min, image.width);
  if (handle.includes('n')) top = clamp(top + dy, 0, bottom - min);
  if (handle.includes('s')) bottom = clamp(bottom + dy, top + min, image.height);
  return { left, top, width: right - left, height: bottom - top };
}

/** Whole pixels inside the photo, as the API's `crop` field wants them. */
export function toCropField(rect: Rect, image: Size): Rect {
  const left = clamp(Math.round(rect.left), 0, image.width - 1);
  const top = clamp(Math.round(rect.top), 0, image.height - 1);
  return {
    left,
    top,
    width: clamp(Math.round(rect.width), 1, image.width - left),
    height: clamp(Math.round(rect.height), 1, image.height - top),
  };
}

/** From a point on the displayed photo (CSS pixels from its top-left) to photo pixels. */
export function displayToImage(point: Point, displayed: Size, image: Size): Point {
  return {
    x: clamp((point.x * image.width) / displayed.width, 0, image.width),
    y: clamp((point.y * image.height) / displayed.height, 0, image.height),
  };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Two taps this far apart (photo pixels) at least, or the measurement is too rough to use. */
export const MIN_TAP_DISTANCE_PX = 20;

/**
 * "Two taps on a known length": the associate taps both ends of something of known size (a ruler,
 * the swatch card's edge) and types its length. The crop's real width follows from the ratio.
 */
export function widthMmFromKnownLength(a: Point, b: Point, lengthMm: number, cropWidthPx: number): number | undefined {
  const px = distance(a, b);
  if (!(px >= MIN_TAP_DISTANCE_PX) || !(lengthMm > 0) || !(cropWidthPx > 0)) return undefined;
  return (cropWidthPx * lengthMm) / px;
}

export function isValidWidthMm(mm: number | undefined): mm is number {
  return typeof mm === 'number' && Number.isFinite(mm) && mm >= MIN_WIDTH_MM && mm <= MAX_WIDTH_MM;
}
