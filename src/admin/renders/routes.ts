import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminRenderPage,
  cancelAnswer,
  purgeAnswer,
  purgeBody,
  renderFigures,
  renderListQuery,
  renderParams,
  retryAnswer,
} from '../../contract/admin/renders.ts';
import { errorResponses } from '../../contract/common.ts';
import { actorOf } from '../../auth/guard.ts';
import { ADMINS, CURATORS } from '../../auth/roles.ts';
import { AppError } from '../../http/errors.ts';
import { toApiRender } from '../../renders/service.ts';
import { listRenders } from './repository.ts';
import { RendersAdmin } from './service.ts';

function encodeCursor(createdAt: Date, id: string) {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}
function decodeCursor(cursor: string) {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) {
    throw new AppError(422, 'validation_failed', 'cursor: not a cursor returned by this API');
  }
  return { createdAt, id };
}

/** The renders monitor: list with filters, queue figures and live workers, retry, cancel, purge. */
export async function renderAdminRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const doc = (summary: string) => ({ tags: ['admin'], security: [{ session: [] }], summary });
  const renders = new RendersAdmin(rt);
  app.addHook('onClose', () => renders.close());

  const listSchema = { ...doc('Renders, newest first, filtered'), querystring: renderListQuery, response: { 200: adminRenderPage, ...errorResponses } };
  app.get('/api/admin/renders', { config: { access: CURATORS }, schema: listSchema }, async (req) => {
    const q = req.query;
    const rows = await listRenders(rt.db, { ...q, before: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...toApiRender(rt, r), workerId: r.worker_id })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  });

  const statsSchema = { ...doc('Queue figures and live workers'), response: { 200: renderFigures, ...errorResponses } };
  app.get('/api/admin/renders/stats', { config: { access: CURATORS }, schema: statsSchema }, async () => renders.figures());

  const retrySchema = { ...doc('Queue a failed or canceled render again'), params: renderParams, response: { 202: retryAnswer, ...errorResponses } };
  app.post('/api/admin/renders/:id/retry', { config: { access: CURATORS }, schema: retrySchema }, async (req, reply) => {
    await renders.retry(actorOf(req), req.params.id);
    return reply.status(202).send({ status: 'queued' as const });
  });

  const cancelSchema = { ...doc('Cancel a queued or running render'), params: renderParams, response: { 200: cancelAnswer, ...errorResponses } };
  app.post('/api/admin/renders/:id/cancel', { config: { access: CURATORS }, schema: cancelSchema }, async (req) => {
    await renders.cancel(actorOf(req), req.params.id);
    return { status: 'canceled' as const };
  });

  const purgeSchema = {
    ...doc('Delete finished renders older than a number of days (or count them: dryRun)'),
    body: purgeBody,
    response: { 200: purgeAnswer, ...errorResponses },
  };
  app.post('/api/admin/renders/purge', { config: { access: ADMINS }, schema: purgeSchema }, async (req) => renders.purge(actorOf(req), req.body));
}
