/**
 * The studio's pixel work, run on render threads only (src/rendering/thread.ts): a client photo
 * checked, turned upright and stripped of its metadata, with its suggested garment mask; masks read
 * and checked against their photo; holes filled by inpainting.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { inspectImageUpload, UploadRejected, type ImageUploadLimits } from '../uploads/validate.ts';
import { inpaintTelea } from './inpaint.ts';
import { refineEdges, shrink, suggestGarmentMaskSmall, type RgbImage } from './suggest-mask.ts';

export interface StudioPhotoLimits extends ImageUploadLimits {
  /** Photos with more pixels are scaled down to this before they are stored (renders stay bounded). */
  storeMaxPixels: number;
  /** Long side of the working copy the suggested mask is computed on. */
  maskWorkSide: number;
}

export interface PreparedPhoto {
  /** The photo as stored: upright, sRGB, no metadata; JPEG when it came as JPEG, else PNG. */
  data: Uint8Array;
  mime: 'image/jpeg' | 'image/png';
  ext: 'jpg' | 'png';
  width: number;
  height: number;
  sha256: string;
  /** Greyscale PNG the size of the photo, white = garment. */
  suggestedMask: Uint8Array;
  timings: Record<string, number>;
}

/** A refusal crossing the thread boundary as data. */
export interface StudioRejection {
  rejected: { status: number; code: string; message: string };
}

export function reject(status: number, code: string, message: string): StudioRejection {
  return { rejected: { status, code, message } };
}

function rejectionOf(error: unknown, what: string): StudioRejection | undefined {
  if (error instanceof UploadRejected) return reject(error.statusCode, error.code, what ? `${what}: ${error.message}` : error.message);
  return undefined;
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * The suggested mask of an upright RGB photo, as a PNG the photo's size: found on a copy `workSide`
 * px on its long side, its outline redrawn on one three times finer, then scaled to the photo.
 */
export async function suggestedMaskPng(photo: RgbImage, workSide: number): Promise<Uint8Array> {
  const small = shrink(photo, workSide);
  const coarse = suggestGarmentMaskSmall(small);
  const fine = Math.max(photo.width, photo.height) > workSide ? shrink(photo, workSide * 3, false) : small;
  const m = fine === small ? coarse : refineEdges(small, coarse, fine);
  const grey = Buffer.alloc(m.length);
  for (let i = 0; i < m.length; i++) grey[i] = m[i] ? 255 : 0;
  const png = await sharp(grey, { raw: { width: fine.width, height: fine.height, channels: 1 } })
    .resize(photo.width, photo.height, { kernel: 'linear' })
    .threshold(128)
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.length);
}

export async function prepareStudioPhoto(data: Uint8Array, limits: StudioPhotoLimits): Promise<PreparedPhoto | StudioRejection> {
  const t0 = performance.now();
  let info: Awaited<ReturnType<typeof inspectImageUpload>>;
  try {
    info = await inspectImageUpload(asBuffer(data), limits);
  } catch (error) {
    const r = rejectionOf(error, '');
    if (r) return r;
    throw error;
  }
  let pipeline = sharp(asBuffer(data), { limitInputPixels: limits.maxPixels }).rotate();
  let width = info.width;
  let height = info.height;
  if (width * height > limits.storeMaxPixels) {
    const s = Math.sqrt(limits.storeMaxPixels / (width * height));
    width = Math.max(1, Math.floor(width * s));
    height = Math.max(1, Math.floor(height * s));
    pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  }
  const raw = await pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  width = raw.info.width;
  height = raw.info.height;
  const rgb = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  const t1 = performance.now();
  const stored = await encodePhoto({ width, height, rgb }, info.format === 'jpeg' ? 'jpeg' : 'png');
  const t2 = performance.now();
  const suggestedMask = await suggestedMaskPng({ width, height, rgb }, limits.maskWorkSide);
  const t3 = performance.now();
  return {
    ...stored,
    width,
    height,
    suggestedMask,
    timings: { decode: Math.round(t1 - t0), encode: Math.round(t2 - t1), suggestMask: Math.round(t3 - t2) },
  };
}

async function encodePhoto(img: RgbImage, format: 'jpeg' | 'png') {
  const s = sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } });
  const buf = format === 'jpeg' ? await s.jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer() : await s.png({ compressionLevel: 6 }).toBuffer();
  return {
    data: new Uint8Array(buf.buffer, buf.byteOffset, buf.length),
    mime: format === 'jpeg' ? ('image/jpeg' as const) : ('image/png' as const),
    ext: format === 'jpeg' ? ('jpg' as const) : ('png' as const),
    sha256: createHash('sha256').update(buf).digest('hex'),
  };
}

export interface MaskCheck {
  /** Greyscale PNG, 0/255, the photo's size: what is stored and rendered with (white = garment / fill). */
  png: Uint8Array;
  sha256: string;
  /** Share of the photo the mask covers (0..1). */
  coverage: number;
}

/**
 * Reads a painted mask and checks it against its photo's size. `white` says what its white means to
 * the caller; the answer is always white = the marked area.
 */
async function readMask(
  data: Uint8Array,
  expect: { width: number; height: number },
  limits: ImageUploadLimits,
  markedIs: 'white' | 'black',
): Promise<{ marked: Uint8Array } | StudioRejection> {
  let info: Awaited<ReturnType<typeof inspectImageUpload>>;
  try {
    info = await inspectImageUpload(asBuffer(data), { ...limits, minShortSide: 1 });
  } catch (error) {
    const r = rejectionOf(error, 'mask');
    if (r) return r;
    throw error;
  }
  if (info.width !== expect.width || info.height !== expect.height) {
    return reject(
      422,
      'mask_size_mismatch',
      `mask: the mask is ${info.width} × ${info.height} px but the image is ${expect.width} × ${expect.height} px; paint it over the image at its own size`,
    );
  }
  // A transparent pixel of a canvas-painted mask was never painted: it is "keep" either way.
  const background = markedIs === 'white' ? '#000000' : '#ffffff';
  const grey = await sharp(asBuffer(data), { limitInputPixels: limits.maxPixels }).flatten({ background }).greyscale().raw().toBuffer();
  const marked = new Uint8Array(grey.length);
  let count = 0;
  for (let i = 0; i < grey.length; i++) {
    const on = markedIs === 'white' ? grey[i] >= 128 : grey[i] < 128;
    if (on) {
      marked[i] = 1;
      count++;
    }
  }
  const what = markedIs === 'white' ? 'white' : 'black';
  if (count === 0) return reject(422, 'empty_mask', `mask: nothing is marked; paint the area in ${what} first`);
  return { marked };
}

/** A studio mask (white = garment) checked and normalised to a 0/255 PNG. */
export async function checkStudioMask(
  data: Uint8Array,
  photo: { width: number; height: number },
  limits: ImageUploadLimits,
): Promise<MaskCheck | StudioRejection> {
  const read = await readMask(data, photo, limits, 'white');
  if ('rejected' in read) return read;
  const grey = Buffer.alloc(read.marked.length);
  let count = 0;
  for (let i = 0; i < grey.length; i++) {
    if (read.marked[i]) {
      grey[i] = 255;
      count++;
    }
  }
  // A greyscale PNG (not the RGB one libvips writes from one channel by default): a third of the
  // bytes to encode, and the render decodes it in a fifth of the time.
  const png = await sharp(grey, { raw: { width: photo.width, height: photo.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer();
  return {
    png: new Uint8Array(png.buffer, png.byteOffset, png.length),
    sha256: createHash('sha256').update(png).digest('hex'),
    coverage: count / grey.length,
  };
}

export interface FillResult {
  /** PNG at the image's size; pixels outside the hole identical to the image's decoded pixels. */
  png: Uint8Array;
  width: number;
  height: number;
  /** The filled pixels as RGB (studio fill: the new photo's suggested mask is computed from them). */
  timings: Record<string, number>;
}

/**
 * Fills the marked area of an image (inpainting). `markedIs`: what colour of the mask marks the hole
 * (the studio paints it white; the replaced inpainting app's front end paints it black).
 */
export async function fillImage(
  image: Uint8Array,
  mask: Uint8Array,
  options: { markedIs: 'white' | 'black'; limits: ImageUploadLimits; radius: number; suggestMaskSide?: number },
): Promise<(FillResult & { suggestedMask?: Uint8Array; sha256: string }) | StudioRejection> {
  const t0 = performance.now();
  let info: Awaited<ReturnType<typeof inspectImageUpload>>;
  try {
    info = await inspectImageUpload(asBuffer(image), options.limits);
  } catch (error) {
    const r = rejectionOf(error, options.markedIs === 'black' ? 'original_image' : 'photo');
    if (r) return r;
    throw error;
  }
  const decoded = await sharp(asBuffer(image), { limitInputPixels: options.limits.maxPixels })
    .rotate()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = decoded.info;
  if (width !== info.width || height !== info.height) throw new Error('decoded size differs from the inspected size');
  const read = await readMask(mask, { width, height }, options.limits, options.markedIs);
  if ('rejected' in read) return read;
  let holes = 0;
  for (let i = 0; i < read.marked.length; i++) holes += read.marked[i];
  if (holes === read.marked.length) return reject(422, 'mask_covers_everything', 'mask: the whole image is marked; there is nothing left to fill it from');
  const t1 = performance.now();
  const pixels = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length);
  const filled = await inpaintTelea({ width, height, pixels, channels, hole: read.marked, radius: options.radius });
  const t2 = performance.now();
  // zlib level 3: a 1024² photo encodes in ~35 ms instead of ~80 ms at level 6, for ~6 % more bytes.
  const png = await sharp(filled, { raw: { width, height, channels: channels as 3 | 4 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
  const t3 = performance.now();
  let suggestedMask: Uint8Array | undefined;
  if (options.suggestMaskSide) {
    let rgb = filled;
    if (channels === 4) {
      rgb = new Uint8Array(width * height * 3);
      for (let i = 0; i < width * height; i++) {
        rgb[i * 3] = filled[i * 4];
        rgb[i * 3 + 1] = filled[i * 4 + 1];
        rgb[i * 3 + 2] = filled[i * 4 + 2];
      }
    }
    suggestedMask = await suggestedMaskPng({ width, height, rgb }, options.suggestMaskSide);
  }
  return {
    png: new Uint8Array(png.buffer, png.byteOffset, png.length),
    sha256: createHash('sha256').update(png).digest('hex'),
    width,
    height,
    suggestedMask,
    timings: { decode: Math.round(t1 - t0), inpaint: Math.round(t2 - t1), encode: Math.round(t3 - t2) },
  };
}
