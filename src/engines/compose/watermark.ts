/**
 * Watermark: text rasterised once per (text, image width) by librsvg into a small RGBA stamp, then
 * blended into each output in our own loop (a sharp composite would cost 20–40 ms).
 */
import sharp from 'sharp';
import { ByteCache } from '../../cache.ts';
import type { WatermarkSpec } from '../types.ts';

export interface Stamp {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A few stamps per text (one per output width); bounded, since the text is configurable. */
const stamps = new ByteCache<Stamp>({ maxBytes: 4 * 1024 * 1024, sizeOf: (s) => s.rgba.byteLength + 64 });

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

async function makeStamp(text: string, imageWidth: number): Promise<Stamp> {
  const size = Math.max(9, Math.round(imageWidth * 0.026));
  const pad = Math.ceil(size * 0.4);
  // Generous width estimate; trimmed after rendering.
  const w = Math.ceil(text.length * size * 0.68) + pad * 2;
  const h = Math.ceil(size * 1.5) + pad;
  const stroke = Math.max(1, size * 0.12);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <text x="${pad}" y="${pad + size}" font-family="DejaVu Sans, sans-serif" font-size="${size}" letter-spacing="${(size * 0.08).toFixed(1)}"
      fill="#1c1c1c" stroke="#ffffff" stroke-opacity="0.85" stroke-width="${stroke.toFixed(2)}" paint-order="stroke">${escapeXml(text)}</text>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().trim({ threshold: 0 }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export function stampFor(text: string, imageWidth: number): Promise<Stamp> {
  return stamps.getOrMakeAsync(`${imageWidth}\u0000${text}`, () => makeStamp(text, imageWidth));
}

/** Top-left corner of the stamp for a position. */
export function stampOrigin(spec: WatermarkSpec, stamp: Stamp, width: number, height: number): [number, number] {
  const m = Math.round(width * 0.03);
  switch (spec.position) {
    case 'top-left':
      return [m, m];
    case 'top-right':
      return [width - stamp.width - m, m];
    case 'bottom-left':
      return [m, height - stamp.height - m];
    case 'center':
      return [Math.round((width - stamp.width) / 2), Math.round((height - stamp.height) / 2)];
    default:
      return [width - stamp.width - m, height - stamp.height - m];
  }
}

export function applyStamp(out: Uint8Array, width: number, height: number, stamp: Stamp, spec: WatermarkSpec): void {
  const opacity = Math.max(0, Math.min(1, spec.opacity));
  if (opacity <= 0 || !spec.text) return;
  const [ox, oy] = stampOrigin(spec, stamp, width, height);
  for (let y = 0; y < stamp.height; y++) {
    const Y = oy + y;
    if (Y < 0 || Y >= height) continue;
    for (let x = 0; x < stamp.width; x++) {
      const X = ox + x;
      if (X < 0 || X >= width) continue;
      const s = (y * stamp.width + x) * 4;
      const a = (stamp.rgba[s + 3] / 255) * opacity;
      if (a <= 0) continue;
      const o = (Y * width + X) * 3;
      out[o] = out[o] + (stamp.rgba[s] - out[o]) * a + 0.5;
      out[o + 1] = out[o + 1] + (stamp.rgba[s + 1] - out[o + 1]) * a + 0.5;
      out[o + 2] = out[o + 2] + (stamp.rgba[s + 2] - out[o + 2]) * a + 0.5;
    }
  }
}
