import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, errorResponses } from '../contract/common.ts';
import { AppError, notFound } from '../http/errors.ts';
import { keyProblem } from './keys.ts';
import { StorageNotFoundError } from './types.ts';

/** Serves stored objects (local storage, or S3 without a public URL) under /files/<key>. */
export async function fileRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const schema = {
    tags: ['renders'],
    summary: 'A stored file: a render image, a swatch, a template (immutable)',
    params: z.object({ '*': z.string().describe('the storage key') }),
    response: { 200: { description: 'the file', content: { '*/*': { schema: binary('the stored bytes') } } }, ...errorResponses },
  };
  app.get('/files/*', { config: { rateLimit: false }, schema }, async (req, reply) => {
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
