import type { FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { readLimited, UploadRejected, type InspectedImage } from '../uploads/validate.ts';

/**
 * Console uploads: several named files in one multipart request (a template's photo and mask), each
 * read with ADMIN_UPLOAD_MAX_BYTES as its limit — larger than the stylist app's, since merchandisers
 * send studio photos — and refused as soon as it passes it.
 */
export interface AdminUpload {
  files: Record<string, { data: Buffer; filename: string }>;
  fields: Record<string, string>;
}

export async function readAdminUpload(req: FastifyRequest, fileFields: readonly string[], maxBytes: number): Promise<AdminUpload> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', `Send the file${fileFields.length > 1 ? 's' : ''} as multipart/form-data (${fileFields.join(', ')})`);
  }
  const files: AdminUpload['files'] = {};
  const fields: Record<string, string> = {};
  // busboy's own limit one byte above ours, so that ours is the one that speaks (see readLimited).
  for await (const part of req.parts({ limits: { fileSize: maxBytes + 1, files: fileFields.length, fields: 20 } })) {
    if (part.type === 'file') {
      if (!fileFields.includes(part.fieldname) || files[part.fieldname]) {
        part.file.resume();
        continue;
      }
      try {
        files[part.fieldname] = { data: await readLimited(part.file, maxBytes), filename: part.filename ?? '' };
      } catch (error) {
        if (error instanceof UploadRejected) throw new AppError(413, 'too_large', `${part.fieldname}: ${error.message}`, { field: part.fieldname });
        throw error;
      }
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  for (const name of fileFields) {
    if (!files[name]) throw new AppError(422, 'validation_failed', `${name}: send the image in the multipart field "${name}"`, { field: name });
  }
  return { files, fields };
}

/** inspectImageUpload with the console's limits; a refusal becomes the matching HTTP answer, naming the field. */
export async function inspectAdminImage(
  rt: Pick<Runtime, 'rendering'>,
  data: Buffer,
  limits: { maxBytes: number; maxPixels: number; minShortSide?: number },
  field: string,
): Promise<InspectedImage> {
  try {
    // Decoded on a render thread, a bounded number at once (503 beyond).
    return await rt.rendering.uploads.inspect(data, limits);
  } catch (error) {
    if (error instanceof UploadRejected) throw new AppError(error.statusCode, error.code, `${field}: ${error.message}`, { field });
    throw error;
  }
}
