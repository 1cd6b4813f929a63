import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { client, clientChange, clientCreate, clientList, clientListQuery, clientParams, errorResponses } from '../contract/index.ts';
import { notFound } from '../http/errors.ts';
import { findClient, insertClient, listClients, updateClient, type ClientRow } from './repository.ts';

export function toApiClient(c: ClientRow) {
  return { id: c.id, name: c.name, notes: c.notes, looks: c.look_count, createdAt: c.created_at.toISOString(), updatedAt: c.updated_at.toISOString() };
}

const tags = ['clients'];
const security = [{ session: [] }];

/**
 * The house's clients, shared by every tablet: any signed-in associate finds, adds and annotates
 * them. Personal data: never cached, never public (a look's share page shows only the name).
 */
export async function clientRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  app.addHook('onRequest', requireSession(base, SIGNED_IN));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'private, no-store');
  });

  app.get(
    '/api/clients',
    {
      schema: {
        tags,
        security,
        summary: 'Find clients by name, most recently changed first',
        querystring: clientListQuery,
        response: { 200: clientList, ...errorResponses },
      },
    },
    async (req) => ({
      items: (await listClients(rt.db, { search: req.query.q || undefined, limit: req.query.limit })).map(toApiClient),
    }),
  );

  app.post(
    '/api/clients',
    { schema: { tags, security, summary: 'Add a client', body: clientCreate, response: { 201: client, ...errorResponses } } },
    async (req, reply) => {
      const created = await insertClient(rt.db, { name: req.body.name, notes: req.body.notes ?? '', createdBy: req.account!.id });
      return reply.status(201).send(toApiClient(created));
    },
  );

  app.get(
    '/api/clients/:id',
    { schema: { tags, security, summary: 'One client', params: clientParams, response: { 200: client, ...errorResponses } } },
    async (req) => {
      const found = await findClient(rt.db, req.params.id);
      if (!found) throw notFound('client', req.params.id);
      return toApiClient(found);
    },
  );

  app.patch(
    '/api/clients/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a client’s name or notes',
        params: clientParams,
        body: clientChange,
        response: { 200: client, ...errorResponses },
      },
    },
    async (req) => {
      const changed = await updateClient(rt.db, req.params.id, req.body);
      if (!changed) throw notFound('client', req.params.id);
      return toApiClient(changed);
    },
  );
}
