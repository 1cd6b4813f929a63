import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../http/errors.ts';
import { keyProblem } from './keys.ts';
import { StorageNotFoundError } from './types.ts';

/** Serves stored objects (local storage, or S3 without a public URL) under /files/<key>. */
export async function fileRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  app.get<{ Params: { '*': string } }>('/files/*', { config: { rateLimit: false } }, async (req, reply) => {
    const key = req.params['*'];
    // The storage's own key rule (keys.ts): a path no stored object can have is simply not found.
    const problem = keyProblem(key);
    if (problem) throw new AppError(404, 'not_found', `No file at this path: ${problem}`);
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
