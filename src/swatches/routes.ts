import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readUploadedFile } from '../http/multipart.ts';
import { parseWith } from '../http/validation.ts';
import { storeSwatchUpload } from './service.ts';

const fieldsSchema = z.object({
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

/** The associate photographs a cloth the catalog lacks; it becomes a fabric to render like any colour. */
export async function swatchRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  app.post('/api/swatch-uploads', async (req, reply) => {
    const file = await readUploadedFile(req, 'file', rt.config.uploads.maxBytes);
    const fields = parseWith(fieldsSchema, file.fields, 'fields');
    const upload = await storeSwatchUpload(rt, file.data, file.filename, { widthMm: fields.widthMm, crop: fields.crop });
    return reply.status(201).send({
      id: upload.id,
      url: rt.storage.url(upload.storage_key),
      meanHex: upload.mean_hex,
      widthMm: Number(upload.width_mm),
      width: upload.width,
      height: upload.height,
      // How the cloth was found and measured when no width was given (box, rotation, scale, repeat).
      ...(upload.clothEstimate ? { estimate: upload.clothEstimate } : {}),
    });
  });
}
