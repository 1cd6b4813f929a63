/**
 * Zoom and pan of an image fitted ("contain") into a frame. The transform is
 * `translate(x, y) scale(scale)` about the frame's centre; points are relative to that centre.
 */
export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}

export const IDENTITY: ZoomState = { scale: 1, x: 0, y: 0 };
export const MIN_SCALE = 1;
export const MAX_SCALE = 8;

/** The size of `content` fitted inside `frame` without cropping, at scale 1. */
export function fitContain(content: Size, frame: Size): Size {
  if (!content.width || !content.height) return frame;
  const k = Math.min(frame.width / content.width, frame.height / content.height);
  return { width: content.width * k, height: content.height * k };
}

/** Keeps the image covering the frame where it can: no panning it out of sight. */
export function clampPan(state: ZoomState, fitted: Size, frame: Size): ZoomState {
  const maxX = Math.max(0, (fitted.width * state.scale - frame.width) / 2);
  const maxY = Math.max(0, (fitted.height * state.scale - frame.height) / 2);
  // `+ 0` turns -0 into 0.
  return { scale: state.scale, x: Math.min(maxX, Math.max(-maxX, state.x)) + 0, y: Math.min(maxY, Math.max(-maxY, state.y)) + 0 };
}

/** Zooms by `factor` keeping the point under `at` (relative to the frame's centre) where it is. */
export function zoomAt(state: ZoomState, factor: number, at: { x: number; y: number }, fitted: Size, frame: Size): ZoomState {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, state.scale * factor));
  const k = scale / state.scale;
  return clampPan({ scale, x: at.x - (at.x - state.x) * k, y: at.y - (at.y - state.y) * k }, fitted, frame);
}

export function panBy(state: ZoomState, dx: number, dy: number, fitted: Size, frame: Size): ZoomState {
  return clampPan({ ...state, x: state.x + dx, y: state.y + dy }, fitted, frame);
}

/** Mouse wheel: a notch zooms by about 20 %; trackpads send small deltas and zoom smoothly. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 40 : deltaMode === 2 ? deltaY * 800 : deltaY;
  return Math.exp(-pixels * 0.0018);
}
