import { z } from 'zod';
import { fileField } from './common.ts';
import { hexOut } from './catalog.ts';

/** A cloth the catalogue lacks, photographed by the associate: it renders like any colour. */

export const swatchUploadFields = z.object({
  widthMm: z.coerce.number().min(5, { message: 'expected at least 5 mm' }).max(1000, { message: 'expected at most 1000 mm' }).optional(),
  crop: z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON such as {"left":0,"top":0,"width":400,"height":400}' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ left: z.number().min(0), top: z.number().min(0), width: z.number().min(1), height: z.number().min(1) }))
    .optional(),
});

/** The multipart form, as documented: the plain fields first, the photo last. */
export const swatchUploadForm = z.object({
  widthMm: z.string().optional().describe('the width the photo shows, in millimetres (5–1000)'),
  crop: z.string().optional().describe('JSON {left, top, width, height} in pixels of the photo'),
  file: fileField('the photo (JPEG, PNG or WebP)'),
});

/** How a photo uploaded with no width was read: where the cloth is, how it lay, how big it is. */
export const clothEstimate = z
  .object({
    box: z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() }).describe('the part of the photo used, in its pixels'),
    rotationDeg: z.number().describe('turn of the weave in the photo'),
    tiltDeg: z.number().describe('tilt of the cloth away from the camera'),
    mmPerPx: z.number().describe('mm per pixel of the stored, straightened cloth'),
    photoMmPerPx: z.number().describe('mm per pixel of the photo at the middle of the cloth'),
    widthMm: z.number().describe('width of the stored cloth: the swatch width used'),
    repeatMm: z.object({ x: z.number(), y: z.number() }).describe('pattern repeat across and along (0: none)'),
    scaleSource: z.enum(['weave', 'framing']).describe('weave: from its thread count; framing: a typical phone framing'),
    confidence: z.number().min(0).max(1),
  })
  .describe('present when no width was given');
export type ClothEstimate = z.infer<typeof clothEstimate>;

export const swatchUpload = z.object({
  id: z.uuid(),
  url: z.string(),
  meanHex: hexOut.nullable().describe("the cloth's mean colour (null only for uploads older than its measurement)"),
  widthMm: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  estimate: clothEstimate.optional(),
});
export type SwatchUpload = z.infer<typeof swatchUpload>;
