import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, errorResponses } from '../contract/common.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { isStudioKey } from '../studio/files.ts';
import { keyProblem } from './keys.ts';
import { StorageNotFoundError } from './types.ts';

/** The storage's own key rule (keys.ts): a path no stored object can have is simply not found. */
export function assertServableKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new AppError(404, 'not_found', `No file at this path: ${problem}`);
}

/**
 * Streams a stored object. Keys carry content identity (render id, content hash), so a stored file
 * never changes: the key alone is a strong validator, and a revalidation needs no storage round trip.
 */
export async function sendStoredFile(rt: Runtime, key: string, req: FastifyRequest, reply: FastifyReply) {
  const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
  const immutable = { etag, 'cache-control': 'public, max-age=31536000, immutable' };
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.status(304).headers(immutable).send();
  try {
    const { body, contentType, size } = await rt.storage.stream(key);
    return reply.headers(immutable).header('content-type', contentType).header('content-length', size).send(body);
  } catch (error) {
    if (error instanceof StorageNotFoundError) throw notFound('file', key);
    throw error;
  }
}

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
    assertServableKey(key);
    // Clients' photos and everything made from them are served only through their private links.
    if (isStudioKey(key)) throw new AppError(404, 'not_found', 'No file at this path');
    return sendStoredFile(rt, key, req, reply);
  });
}
