import type { Rect } from './cropMath.ts';

/**
 * Photos from a tablet's camera are often several megabytes, most of it table and hands. Above this
 * size the framed cloth is cut out on the device and sent alone: less to upload over showroom Wi-Fi,
 * and a camera photo is not refused for its size. Smaller photos go whole, with the crop for the server.
 */
export const CROP_ON_DEVICE_ABOVE_BYTES = 3 * 1024 * 1024;

export interface PreparedUpload {
  file: Blob;
  /** The crop for the server to apply; absent when the file already is the framed cloth. */
  crop?: Rect;
}

/** The framed cloth as a JPEG, cut at the photo's full resolution; undefined when the browser cannot. */
export async function cropOnDevice(file: Blob, crop: Rect): Promise<Blob | undefined> {
  if (typeof createImageBitmap !== 'function' || typeof document === 'undefined') return undefined;
  try {
    // The crop was drawn on the photo as displayed, i.e. after EXIF rotation: decode it the same way.
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(crop.width);
    canvas.height = Math.round(crop.height);
    const context = canvas.getContext('2d');
    if (!context) return undefined;
    context.drawImage(bitmap, crop.left, crop.top, crop.width, crop.height, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob | undefined>((resolve) => canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/jpeg', 0.92));
  } catch {
    return undefined;
  }
}

export async function prepareUpload(file: Blob, crop: Rect, crop_ = cropOnDevice): Promise<PreparedUpload> {
  if (file.size <= CROP_ON_DEVICE_ABOVE_BYTES) return { file, crop };
  const cut = await crop_(file, crop);
  // If the device cannot cut it out, the whole photo goes and the server decides.
  return cut ? { file: cut } : { file, crop };
}
