import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses, swatchUpload, swatchUploadFields, swatchUploadForm } from '../contract/index.ts';
import { readUploadedFile } from '../http/multipart.ts';
import { parseWith } from '../http/validation.ts';
import { storeSwatchUpload } from './service.ts';
import { requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';

/** The associate photographs a cloth the catalog lacks; it becomes a fabric to render like any colour. */
export async function swatchRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const schema = {
    tags: ['catalog'],
    security: [{ session: [] }],
    summary: 'Upload a photographed cloth; it renders like any colour',
    multipart: swatchUploadForm,
    response: { 201: swatchUpload, ...errorResponses },
  };
  app.post('/api/swatch-uploads', { schema, onRequest: requireSession(base, SIGNED_IN) }, async (req, reply) => {
    const file = await readUploadedFile(req, 'file', rt.config.uploads.maxBytes);
    const fields = parseWith(swatchUploadFields, file.fields, 'fields');
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
