import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditPage, auditQuery } from '../../contract/admin/audit.ts';
import { errorResponses } from '../../contract/common.ts';
import { CURATORS } from '../../auth/roles.ts';
import type { AuditLogRow } from '../../db/schema.ts';
import { listAudit } from './repository.ts';

export function toApiAudit(row: AuditLogRow) {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor_email,
    actorId: row.actor_id,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
  };
}

/** Who changed what and when, newest first. */
export async function auditRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const schema = {
    tags: ['admin'],
    security: [{ session: [] }],
    summary: 'The audit log, newest first, filtered',
    querystring: auditQuery,
    response: { 200: auditPage, ...errorResponses },
  };
  app.get('/api/admin/audit', { config: { access: CURATORS }, schema }, async (req) => {
    const q = req.query;
    const rows = await listAudit(rt.db, { ...q, beforeId: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page.map(toApiAudit), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  });
}
