import type { FastifyRequest } from 'fastify';
import { readLimited, UploadRejected } from '../uploads/validate.ts';
import { AppError } from './errors.ts';

export interface UploadedFile {
  data: Buffer;
  filename: string;
  fields: Record<string, string>;
}

/**
 * Reads one file field (and any plain fields) from a multipart request, stopping as soon as the
 * size limit is passed instead of buffering an oversized upload first.
 */
export async function readUploadedFile(req: FastifyRequest, fieldName: string, maxBytes: number): Promise<UploadedFile> {
  if (!req.isMultipart()) throw new AppError(415, 'unsupported_media_type', `Send the photo as multipart/form-data in the field "${fieldName}"`);
  const fields: Record<string, string> = {};
  let file: { data: Buffer; filename: string } | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== fieldName || file) {
        part.file.resume();
        continue;
      }
      try {
        const data = await readLimited(part.file, maxBytes);
        if (part.file.truncated) throw new UploadRejected('too_large', tooLarge(maxBytes));
        file = { data, filename: part.filename ?? '' };
      } catch (error) {
        if (error instanceof UploadRejected) throw new AppError(413, 'too_large', tooLarge(maxBytes));
        throw error;
      }
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  if (!file) throw new AppError(422, 'validation_failed', `${fieldName}: send the photo in the multipart field "${fieldName}"`);
  return { ...file, fields };
}

function tooLarge(maxBytes: number) {
  return `The photo is larger than ${(maxBytes / 1024 / 1024).toFixed(maxBytes % (1024 * 1024) ? 1 : 0)} MB`;
}
