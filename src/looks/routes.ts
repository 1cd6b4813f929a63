import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses, look, lookCreate, lookParams, savedLook } from '../contract/index.ts';
import { createLook, DEFAULT_LOOK_EXPIRY_DAYS, readLook } from './service.ts';

export interface LookRoutesOptions {
  /** How long a share link lives unless the request says otherwise. */
  defaultExpiryDays?: number;
}

/**
 * Looks: a set of finished renders saved for a client, readable by anyone holding the share link
 * (`/looks/<token>` in the web app) until it expires. There is no listing: the token is the secret.
 */
export async function lookRoutes(base: FastifyInstance, options: LookRoutesOptions = {}) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const configured = rt.config.looks.expiryDays;
  const defaultExpiryDays = options.defaultExpiryDays ?? configured ?? DEFAULT_LOOK_EXPIRY_DAYS;

  const createSchema = { tags: ['looks'], summary: 'Save finished renders as a look for a client', body: lookCreate, response: { 201: savedLook, ...errorResponses } };
  app.post('/api/looks', { schema: createSchema }, async (req, reply) => {
    const { look, renderIds } = await createLook(rt, req.body, defaultExpiryDays);
    return reply.status(201).send({
      token: look.token,
      url: `/looks/${look.token}`,
      title: look.title,
      clientName: look.client_name,
      renderIds,
      createdAt: look.created_at.toISOString(),
      expiresAt: look.expires_at.toISOString(),
    });
  });

  const readSchema = { tags: ['looks'], summary: 'A look by its share token (410 once expired)', params: lookParams, response: { 200: look, ...errorResponses } };
  app.get('/api/looks/:token', { schema: readSchema }, async (req, reply) => {
    const { look, renders } = await readLook(rt, req.params.token);
    // A private page for one client: never cached by shared caches, never indexed.
    reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex, nofollow');
    return {
      token: look.token,
      title: look.title,
      clientName: look.client_name,
      createdAt: look.created_at.toISOString(),
      expiresAt: look.expires_at.toISOString(),
      renders,
    };
  });
}
