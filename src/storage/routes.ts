import type { FastifyInstance } from 'fastify';
import { notFound } from '../http/errors.ts';
import { StorageNotFoundError } from './types.ts';

/** Serves stored objects (local storage, or S3 without a public URL) under /files/<key>. */
export async function fileRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  app.get<{ Params: { '*': string } }>('/files/*', { config: { rateLimit: false } }, async (req, reply) => {
    const key = req.params['*'];
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) || key.includes('..')) throw notFound('file', key);
    try {
      const { body, contentType, size } = await rt.storage.stream(key);
      // Keys carry content identity (render id, swatch hash), so a stored file never changes.
      return reply
        .header('content-type', contentType)
        .header('content-length', size)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(body);
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw notFound('file', key);
      throw error;
    }
  });
}
