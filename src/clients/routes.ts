import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { notFound } from '../http/errors.ts';
import { parseWith } from '../http/validation.ts';
import { findClient, insertClient, listClients, updateClient, type ClientRow } from './repository.ts';

const name = z.string().trim().min(1, { message: 'must not be empty' }).max(120, { message: 'at most 120 characters' });
const notes = z.string().trim().max(4000, { message: 'at most 4000 characters' });
const createBody = z.strictObject({ name, notes: notes.optional() });
const changeBody = z.strictObject({ name: name.optional(), notes: notes.optional() });
const listQuery = z.object({ q: z.string().trim().max(120).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
const idParam = z.object({ id: z.uuid({ message: 'expected a client id' }) });

export function toApiClient(c: ClientRow) {
  return { id: c.id, name: c.name, notes: c.notes, looks: c.look_count, createdAt: c.created_at.toISOString(), updatedAt: c.updated_at.toISOString() };
}

/**
 * The house's clients, shared by every tablet: any signed-in associate finds, adds and annotates
 * them. Personal data: never cached, never public (a look's share page shows only the name).
 */
export async function clientRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  app.addHook('onRequest', requireSession(app, SIGNED_IN));
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'private, no-store');
  });

  app.get('/api/clients', async (req) => {
    const q = parseWith(listQuery, req.query, 'query');
    return { items: (await listClients(rt.db, { search: q.q || undefined, limit: q.limit })).map(toApiClient) };
  });

  app.post('/api/clients', async (req, reply) => {
    const body = parseWith(createBody, req.body);
    const client = await insertClient(rt.db, { name: body.name, notes: body.notes ?? '', createdBy: req.account!.id });
    return reply.status(201).send(toApiClient(client));
  });

  app.get('/api/clients/:id', async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    const client = await findClient(rt.db, id);
    if (!client) throw notFound('client', id);
    return toApiClient(client);
  });

  app.patch('/api/clients/:id', async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    const body = parseWith(changeBody, req.body);
    const client = await updateClient(rt.db, id, body);
    if (!client) throw notFound('client', id);
    return toApiClient(client);
  });
}
