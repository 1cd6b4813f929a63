import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { parseWith } from '../http/validation.ts';
import { listLooks } from './repository.ts';
import { createLook, DEFAULT_LOOK_EXPIRY_DAYS, MAX_RENDERS_PER_LOOK, readLook } from './service.ts';

const text = (max: number) => z.string().trim().min(1, { message: 'must not be empty' }).max(max, { message: `at most ${max} characters` });

const createLookBody = z.strictObject({
  title: text(120),
  clientId: z.uuid({ message: 'expected a client id' }).optional(),
  clientName: z.union([text(120), z.literal('').transform(() => undefined), z.null().transform(() => undefined)]).optional(),
  renderIds: z
    .array(z.uuid({ message: 'expected a render id (UUID)' }))
    .min(1, { message: 'choose at least one render' })
    .max(MAX_RENDERS_PER_LOOK, { message: `at most ${MAX_RENDERS_PER_LOOK} renders fit in a look` }),
  expiresInDays: z.number().int().min(1).max(365).optional(),
});

export interface LookRoutesOptions {
  /** How long a share link lives unless the request says otherwise. */
  defaultExpiryDays?: number;
}

const listQuery = z.object({
  clientId: z.uuid({ message: 'expected a client id' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * Looks: a set of finished renders saved by a signed-in associate for a client record, listed on
 * every tablet of the house, and readable by anyone holding the share link (`/looks/<token>` in the
 * web app) until it expires. The share page is the only public part.
 */
export async function lookRoutes(app: FastifyInstance, options: LookRoutesOptions = {}) {
  const rt = app.runtime;
  const configured = rt.config.looks.expiryDays;
  const defaultExpiryDays = options.defaultExpiryDays ?? configured ?? DEFAULT_LOOK_EXPIRY_DAYS;

  const signedIn = requireSession(app, SIGNED_IN);

  app.get('/api/looks', { onRequest: signedIn }, async (req, reply) => {
    const q = parseWith(listQuery, req.query, 'query');
    reply.header('cache-control', 'private, no-store');
    const looks = await listLooks(rt.db, { clientId: q.clientId, limit: q.limit });
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

  app.post('/api/looks', { onRequest: signedIn }, async (req, reply) => {
    const body = parseWith(createLookBody, req.body);
    const { look, renderIds } = await createLook(rt, req.account!, body, defaultExpiryDays);
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

  app.get<{ Params: { token: string } }>('/api/looks/:token', async (req, reply) => {
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
