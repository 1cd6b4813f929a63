/**
 * A phone photo of cloth, uploaded with no width and no crop, made into the cloth itself: found,
 * straightened, measured. `analyzeClothPhoto` is the pure part (raw pixels in and out, for a worker
 * thread); `rectifyClothUpload` decodes and encodes around it.
 */
import sharp from 'sharp';
import { analyzeClothPhoto, type ClothBox, type ClothPhotoOptions } from './analyze.ts';
import { encodeRectifiedCloth } from './store.ts';
import { loadResampleKernel } from './wasm/resample.ts';

export { analyzeClothPhoto, DEFAULT_THREAD_MM, type ClothBox, type ClothPhotoAnalysis, type ClothPhotoOptions } from './analyze.ts';
export { encodeRectifiedCloth, isRectifiedCloth, RECTIFIED_CLOTH_TAG } from './store.ts';
export { loadResampleKernel } from './wasm/resample.ts';

/** What an upload's answer says about how the cloth was read (all lengths in mm, boxes in photo px). */
export interface ClothEstimate {
  box: ClothBox;
  rotationDeg: number;
  tiltDeg: number;
  /** mm per px of the stored (rectified) cloth. */
  mmPerPx: number;
  /** mm per px of the photo as taken, at the middle of the cloth. */
  photoMmPerPx: number;
  /** Real width of the stored cloth: the swatch's width. */
  widthMm: number;
  repeatMm: { x: number; y: number };
  /** 'weave': from the thread count; 'framing': a typical phone framing (no weave resolved). */
  scaleSource: 'weave' | 'framing';
  confidence: number;
}

export interface RectifiedUpload {
  /** The cloth to store: rectified JPEG (tagged as all cloth), or the photo itself when none was found. */
  data: Buffer;
  estimate: ClothEstimate;
}

const r2 = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The photo as a person sees it (EXIF-rotated), decoded to RGB, then analysed and re-encoded. */
export async function rectifyClothUpload(image: Buffer, opts: ClothPhotoOptions & { maxPixels?: number } = {}): Promise<RectifiedUpload> {
  // Sequential: libvips streams the scanlines straight into the output instead of decoding the
  // whole frame into its cache first (a 12 MP JPEG: about a fifth less CPU, the same pixels, EXIF
  // turns included).
  // The resampling's WebAssembly is assembled (once per thread) while libvips decodes.
  const [{ data, info }] = await Promise.all([
    sharp(image, { failOn: 'error', limitInputPixels: opts.maxPixels ?? 268_402_689, sequentialRead: true })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }),
    loadResampleKernel(),
  ]);
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  try {
    const a = analyzeClothPhoto(rgb, info.width, info.height, opts);
    return {
      data: await encodeRectifiedCloth(a.rectified),
      estimate: {
        box: a.box,
        rotationDeg: r2(a.rotationDeg),
        tiltDeg: r2(a.tiltDeg, 1),
        mmPerPx: r2(a.mmPerPx, 4),
        photoMmPerPx: r2(a.photoMmPerPx, 4),
        widthMm: r2(a.rectified.widthMm),
        repeatMm: { x: r2(a.repeatMm.x, 1), y: r2(a.repeatMm.y, 1) },
        scaleSource: a.scaleSource,
        confidence: r2(a.confidence),
      },
    };
  } catch {
    // No cloth told apart from the rest: the whole photo, at a typical phone framing.
    const f = 0.75 * Math.max(info.width, info.height);
    const mmPerPx = (opts.fallbackDistanceMm ?? 320) / f;
    return {
      data: image,
      estimate: {
        box: { left: 0, top: 0, width: info.width, height: info.height },
        rotationDeg: 0,
        tiltDeg: 0,
        mmPerPx: r2(mmPerPx, 4),
        photoMmPerPx: r2(mmPerPx, 4),
        widthMm: r2(info.width * mmPerPx),
        repeatMm: { x: 0, y: 0 },
        scaleSource: 'framing',
        confidence: 0.1,
      },
    };
  }
}
