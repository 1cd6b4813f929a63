import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/guard.ts';
import { ADMINS, CURATORS } from '../../auth/roles.ts';
import { AppError } from '../../http/errors.ts';
import { parseWith } from '../../http/validation.ts';
import { toApiRender } from '../../renders/service.ts';
import { listRenders } from './repository.ts';
import { RendersAdmin } from './service.ts';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
const status = z.enum(STATUSES, { message: `expected ${STATUSES.join(', ')}` });

const listQuery = z.object({
  status: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(status))
    .optional(),
  engine: z.string().max(40).optional(),
  cut: z.string().max(80).optional(),
  family: z.string().max(80).optional(),
  from: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  to: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const idParam = z.object({ id: z.uuid({ message: 'expected a render id (UUID)' }) });
const purgeBody = z.strictObject({
  olderThanDays: z.number().min(0.01).max(3650),
  statuses: z
    .array(z.enum(['succeeded', 'failed', 'canceled'], { message: 'only finished renders (succeeded, failed, canceled) can be purged' }))
    .min(1)
    .default(['failed', 'canceled']),
  dryRun: z.boolean().default(false),
});

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
export async function renderAdminRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  const renders = new RendersAdmin(rt);
  app.addHook('onClose', () => renders.close());

  app.get('/api/admin/renders', { config: { access: CURATORS } }, async (req) => {
    const q = parseWith(listQuery, req.query, 'query');
    const rows = await listRenders(rt.db, { ...q, before: q.cursor ? decodeCursor(q.cursor) : undefined, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...toApiRender(rt, r), workerId: r.worker_id })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  });

  app.get('/api/admin/renders/stats', { config: { access: CURATORS } }, async () => renders.figures());

  app.post('/api/admin/renders/:id/retry', { config: { access: CURATORS } }, async (req, reply) => {
    await renders.retry(actorOf(req), parseWith(idParam, req.params, 'params').id);
    return reply.status(202).send({ status: 'queued' });
  });

  app.post('/api/admin/renders/:id/cancel', { config: { access: CURATORS } }, async (req) => {
    await renders.cancel(actorOf(req), parseWith(idParam, req.params, 'params').id);
    return { status: 'canceled' };
  });

  app.post('/api/admin/renders/purge', { config: { access: ADMINS } }, async (req) => renders.purge(actorOf(req), parseWith(purgeBody, req.body)));
}
