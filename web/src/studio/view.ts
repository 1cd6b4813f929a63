/**
 * Where the photo sits in the editor's viewport: screen = image × scale + (x, y). Fitting, zooming
 * about a point (wheel, buttons) and the two-finger pinch-and-pan, as pure functions.
 */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** At most 8 screen pixels per photo pixel: enough to paint a hairline, no more. */
export const MAX_ZOOM = 8;

/** The whole photo, centred, as large as the viewport allows. */
export function fitView(viewport: Size, image: Size): View {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  return { scale, x: (viewport.width - image.width * scale) / 2, y: (viewport.height - image.height * scale) / 2 };
}

export function minScale(viewport: Size, image: Size): number {
  return fitView(viewport, image).scale * 0.5;
}

export function clampScale(scale: number, viewport: Size, image: Size): number {
  return Math.min(MAX_ZOOM, Math.max(minScale(viewport, image), scale));
}

export function toImage(view: View, p: Point): Point {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale };
}

/** Zooms by `factor` keeping the photo point under `at` (screen) where it is. */
export function zoomAt(view: View, factor: number, at: Point, viewport: Size, image: Size): View {
  const scale = clampScale(view.scale * factor, viewport, image);
  const anchor = toImage(view, at);
  return keepInView({ scale, x: at.x - anchor.x * scale, y: at.y - anchor.y * scale }, viewport, image);
}

/**
 * Two fingers: the photo point that was under their midpoint at the start stays under their
 * midpoint now, scaled by how far apart they have moved.
 */
export function pinch(start: View, from: [Point, Point], to: [Point, Point], viewport: Size, image: Size): View {
  const d0 = Math.hypot(from[1].x - from[0].x, from[1].y - from[0].y);
  const d1 = Math.hypot(to[1].x - to[0].x, to[1].y - to[0].y);
  const m0 = { x: (from[0].x + from[1].x) / 2, y: (from[0].y + from[1].y) / 2 };
  const m1 = { x: (to[0].x + to[1].x) / 2, y: (to[0].y + to[1].y) / 2 };
  const scale = clampScale(d0 > 0 ? (start.scale * d1) / d0 : start.scale, viewport, image);
  const anchor = toImage(start, m0);
  return keepInView({ scale, x: m1.x - anchor.x * scale, y: m1.y - anchor.y * scale }, viewport, image);
}

export function pan(start: View, dx: number, dy: number, viewport: Size, image: Size): View {
  return keepInView({ ...start, x: start.x + dx, y: start.y + dy }, viewport, image);
}

/** At least a quarter of the viewport keeps showing photo: it can never be pushed out of sight. */
export function keepInView(view: View, viewport: Size, image: Size): View {
  const w = image.width * view.scale;
  const h = image.height * view.scale;
  const marginX = Math.min(w, viewport.width / 4);
  const marginY = Math.min(h, viewport.height / 4);
  return {
    scale: view.scale,
    x: Math.min(viewport.width - marginX, Math.max(marginX - w, view.x)),
    y: Math.min(viewport.height - marginY, Math.max(marginY - h, view.y)),
  };
}
