import { maskFromRgba, maskToRgba, type Mask } from './mask.ts';

/** Loads an image (same origin or CORS-enabled storage, so its pixels can be read). */
export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.decoding = 'async';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load ${url}`));
    img.src = url;
  });
}

function canvas2d(width: number, height: number) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  return { canvas, ctx };
}

/** The image's RGBA pixels at `width`×`height` (the photo's own size). */
export function imagePixels(img: CanvasImageSource, width: number, height: number): Uint8ClampedArray {
  const { ctx } = canvas2d(width, height);
  ctx.drawImage(img, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

/** The suggested mask PNG as a mask of the photo's size (stretched if the server sent another size). */
export async function loadMask(url: string, width: number, height: number): Promise<Mask> {
  const img = await loadImage(url);
  return maskFromRgba(imagePixels(img, width, height), width, height);
}

/**
 * The mask as the PNG data URL the API takes. Through a blob and FileReader, not fetch: the page's
 * CSP allows no data: connections, and toDataURL would block the main thread on a 12 MP photo.
 */
export function maskToPngDataUrl(mask: Mask): Promise<string> {
  const { canvas, ctx } = canvas2d(mask.width, mask.height);
  ctx.putImageData(new ImageData(maskToRgba(mask) as Uint8ClampedArray<ArrayBuffer>, mask.width, mask.height), 0, 0);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('the mask could not be encoded'));
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error ?? new Error('the mask could not be read'));
      reader.readAsDataURL(blob);
    }, 'image/png');
  });
}
