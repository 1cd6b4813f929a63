import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { errorResponses, look, lookCreate, lookList, lookListQuery, lookParams, savedLook } from '../contract/index.ts';
import { listLooks } from './repository.ts';
import { createLook, DEFAULT_LOOK_EXPIRY_DAYS, readLook } from './service.ts';

export interface LookRoutesOptions {
  /** How long a share link lives unless the request says otherwise. */
  defaultExpiryDays?: number;
}

const security = [{ session: [] }];

/**
 * Looks: a set of finished renders saved by a signed-in associate for a client record, listed on
 * every tablet of the house, and readable by anyone holding the share link (`/looks/<token>` in the
 * web app) until it expires. The share page is the only public part.
 */
export async function lookRoutes(base: FastifyInstance, options: LookRoutesOptions = {}) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const configured = rt.config.looks.expiryDays;
  const defaultExpiryDays = options.defaultExpiryDays ?? configured ?? DEFAULT_LOOK_EXPIRY_DAYS;
  const signedIn = requireSession(base, SIGNED_IN);

  const listSchema = {
    tags: ['looks'],
    security,
    summary: 'The house’s looks, newest first',
    querystring: lookListQuery,
    response: { 200: lookList, ...errorResponses },
  };
  app.get('/api/looks', { schema: listSchema, onRequest: signedIn }, async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    const looks = await listLooks(rt.db, { clientId: req.query.clientId, limit: req.query.limit });
    return {
      items: looks.map((l) => ({
        token: l.token,
        url: `/looks/${l.token}`,
        title: l.title,
        clientId: l.client_id,
        clientName: l.client_name,
        renderIds: l.render_ids,
        createdAt: l.created_at.toISOString(),
        expiresAt: l.expires_at.toISOString(),
      })),
    };
  });

  const createSchema = {
    tags: ['looks'],
    security,
    summary: 'Save finished renders as a look for a client',
    body: lookCreate,
    response: { 201: savedLook, ...errorResponses },
  };
  app.post('/api/looks', { schema: createSchema, onRequest: signedIn }, async (req, reply) => {
    const { look, renderIds } = await createLook(rt, req.account!, req.body, defaultExpiryDays);
    return reply.status(201).send({
      token: look.token,
      url: `/looks/${look.token}`,
      title: look.title,
      clientId: look.client_id,
      clientName: look.client_name,
      renderIds,
      createdAt: look.created_at.toISOString(),
      expiresAt: look.expires_at.toISOString(),
    });
  });

  const readSchema = {
    tags: ['looks'],
    summary: 'A look by its share token (410 once expired)',
    params: lookParams,
    response: { 200: look, ...errorResponses },
  };
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
