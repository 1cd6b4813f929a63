/**
 * Remove/fill: OpenCV's Telea inpainting, compiled to WebAssembly (@techstark/opencv-js, pinned to
 * 4.12.0-release.1: its `latest` tag is a stale 4.5.2). Runs only on render threads, never on an
 * event loop; each thread loads the module once (≈ 0.2–0.3 s) on its first fill.
 *
 * Only the hole's bounding box (plus the radius) is handed to OpenCV: Telea reads nothing farther than
 * its radius from the hole, so the result is the same and a small hole in a large photo costs little.
 * Pixels outside the hole are copied from the original, byte for byte.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The part of OpenCV's API used here. */
interface Mat {
  data: Uint8Array;
  delete(): void;
}
interface Cv {
  Mat: { new (rows: number, cols: number, type: number): Mat; new (): Mat };
  CV_8UC1: number;
  CV_8UC3: number;
  INPAINT_TELEA: number;
  inpaint(src: Mat, mask: Mat, dst: Mat, radius: number, flags: number): void;
}

let loading: Promise<{ cv: Cv }> | undefined;

/**
 * The module is an Emscripten thenable: resolving a promise with it (or returning it from a `then`
 * callback, or awaiting it) would loop forever, so it only ever travels inside a box.
 */
export function loadOpenCv(): Promise<{ cv: Cv }> {
  loading ??= new Promise<{ cv: Cv }>((resolve, reject) => {
    try {
      const mod = require('@techstark/opencv-js') as Cv & { then?: (f: (m: Cv) => void) => void; onRuntimeInitialized?: () => void };
      if (typeof mod.inpaint === 'function' && mod.Mat) resolve({ cv: mod });
      else if (typeof mod.then === 'function') mod.then((ready) => resolve({ cv: ready && typeof ready.inpaint === 'function' ? ready : mod }));
      else mod.onRuntimeInitialized = () => resolve({ cv: mod });
    } catch (error) {
      reject(error);
    }
  });
  return loading;
}

export const INPAINT_MODEL = 'opencv-telea';

export interface InpaintInput {
  width: number;
  height: number;
  /** Interleaved pixels, `channels` per pixel (3 or 4; alpha is kept as it is). */
  pixels: Uint8Array;
  channels: number;
  /** 1 = fill this pixel. */
  hole: Uint8Array;
  radius: number;
}

/** The filled pixels (a new array); outside the hole identical to the input. */
export async function inpaintTelea(input: InpaintInput): Promise<Uint8Array> {
  const { cv } = await loadOpenCv();
  const { width: w, height: h, pixels, channels: ch, hole, radius } = input;
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (hole[row + x]) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  const out = new Uint8Array(pixels);
  if (maxX < 0) return out;
  const pad = Math.ceil(radius) + 2;
  const x0 = Math.max(0, minX - pad);
  const y0 = Math.max(0, minY - pad);
  const x1 = Math.min(w - 1, maxX + pad);
  const y1 = Math.min(h - 1, maxY + pad);
  const cw = x1 - x0 + 1;
  const chh = y1 - y0 + 1;
  const src = new cv.Mat(chh, cw, cv.CV_8UC3);
  const mask = new cv.Mat(chh, cw, cv.CV_8UC1);
  const dst = new cv.Mat();
  try {
    const s = src.data;
    const m = mask.data;
    for (let y = 0; y < chh; y++) {
      for (let x = 0; x < cw; x++) {
        const i = (y + y0) * w + (x + x0);
        const o = y * cw + x;
        s[o * 3] = pixels[i * ch];
        s[o * 3 + 1] = pixels[i * ch + 1];
        s[o * 3 + 2] = pixels[i * ch + 2];
        m[o] = hole[i] ? 255 : 0;
      }
    }
    cv.inpaint(src, mask, dst, radius, cv.INPAINT_TELEA);
    const d = dst.data;
    for (let y = 0; y < chh; y++) {
      for (let x = 0; x < cw; x++) {
        const i = (y + y0) * w + (x + x0);
        if (!hole[i]) continue;
        const o = y * cw + x;
        out[i * ch] = d[o * 3];
        out[i * ch + 1] = d[o * 3 + 1];
        out[i * ch + 2] = d[o * 3 + 2];
      }
    }
  } finally {
    src.delete();
    mask.delete();
    dst.delete();
  }
  return out;
}
