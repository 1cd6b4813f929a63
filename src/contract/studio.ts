import { z } from 'zod';
import { fileField } from './common.ts';
import { renderBatch } from './renders.ts';

/**
 * The client photo studio (issue 15): a client's own photo, a garment mask painted over it, the
 * chosen cloth applied (a render like any other, but private), and remove/fill by inpainting.
 * Masks are PNGs the size of the photo; in the studio's own routes white = garment (or = area to
 * fill), as the stylist app paints them. The replaced inpainting app's /api/upload keeps its own
 * convention (black = fill).
 */

const slugLike = z.string().min(1).max(80);

/** The multipart form of POST /api/studio/photos. */
export const studioPhotoForm = z.object({
  photo: fileField('the client photo: JPEG, PNG or WebP (HEIC is refused with a message; export it as JPEG)'),
});

/** A studio photo as the stylist app receives it. URLs are signed and expire (STUDIO_URL_TTL_S). */
export const studioPhoto = z.object({
  id: z.uuid(),
  width: z.number().int().describe('pixels, after EXIF orientation (and scaling down to STUDIO_PHOTO_MAX_PIXELS)'),
  height: z.number().int(),
  photoUrl: z.string().describe('the stored photo (signed, private)'),
  suggestedMaskUrl: z.string().describe('a PNG the size of the photo: white = jacket and trousers (signed, private)'),
});
export type StudioPhoto = z.infer<typeof studioPhoto>;

export const studioPhotoParams = z.object({ id: z.uuid({ message: 'expected a studio photo id (UUID)' }) });

/** A base64 PNG, bare or as a data: URL (what canvas.toDataURL() gives). */
const base64Png = z.string().min(1, { message: 'expected a PNG as base64 (or a data: URL)' }).describe('PNG bytes as base64, or a data:image/png;base64,… URL');

export const studioRenderOrder = z.strictObject({
  photoId: z.uuid({ message: 'expected a studio photo id (UUID)' }),
  mask: base64Png.describe('PNG the size of the photo, white = garment; base64 or a data: URL'),
  family: slugLike,
  color: slugLike.optional(),
  swatchUploadId: z.uuid().optional(),
  scale: z
    .number()
    .positive()
    .max(50, { message: 'expected at most 50 mm per pixel' })
    .optional()
    .describe('mm of the client per pixel of the photo (from the scale slider or a two-tap reference length); default: the photo is taken as 1.8 m tall'),
});
export type StudioRenderOrder = z.input<typeof studioRenderOrder>;

/**
 * PUT /api/studio/photos/:id/mask: the mask as painted so far, sent while the associate pauses, so
 * that its template is prepared before "apply cloth" (which must still carry the same mask).
 */
export const studioMaskAhead = z.strictObject({
  mask: base64Png.describe('PNG the size of the photo, white = garment; base64 or a data: URL (as for POST /api/studio/renders)'),
  edit: z
    .number()
    .int()
    .nonnegative()
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe(
      "the editor's count of edits when this mask was taken, increasing as the associate paints: a mask with a lower count than one already sent for the photo is checked but not prepared (two requests can arrive in the other order). Without it, the last mask to arrive is the latest",
    ),
});
export type StudioMaskAhead = z.input<typeof studioMaskAhead>;

export const studioMaskAheadAnswer = z.object({
  photoId: z.uuid(),
  maskSha256: z.string().describe('digest of the mask as checked and stored (white = garment, 0/255)'),
  coverage: z.number().min(0).max(1).describe('share of the photo the mask covers'),
  preparing: z.boolean().describe('true: its template is being prepared in the background; an apply with the same mask waits for it'),
});
export type StudioMaskAheadAnswer = z.infer<typeof studioMaskAheadAnswer>;

/** Same shape as POST /api/renders: the render is followed at /api/renders/:id and its events. */
export const studioRenderBatch = renderBatch;
export type StudioRenderBatch = z.infer<typeof studioRenderBatch>;

export const studioFillRequest = z.strictObject({
  photoId: z.uuid({ message: 'expected a studio photo id (UUID)' }),
  mask: base64Png.describe('PNG the size of the photo, white = area to fill; base64 or a data: URL'),
});
export type StudioFillRequest = z.input<typeof studioFillRequest>;

/** The replaced inpainting app's multipart form (its front end sends exactly this). */
export const inpaintUploadForm = z.object({
  original_image: fileField('the image to fill: JPEG, PNG or WebP'),
  mask: fileField('a PNG the size of the image: black = area to fill, white = keep'),
});

export const inpaintUploadAnswer = z.object({
  status: z.literal('success'),
  output_image: z.object({ data: z.string().describe('the filled image as a base64 PNG, at the original size; pixels outside the mask unchanged') }),
});
export type InpaintUploadAnswer = z.infer<typeof inpaintUploadAnswer>;

export const inpaintStatus = z.object({
  status: z.literal('ok'),
  model: z.string(),
  device: z.literal('cpu'),
});
export type InpaintStatus = z.infer<typeof inpaintStatus>;
