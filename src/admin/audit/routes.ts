import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CURATORS } from '../../auth/roles.ts';
import type { AuditLogRow } from '../../db/schema.ts';
import { parseWith } from '../../http/validation.ts';
import { listAudit } from './repository.ts';

const query = z.object({
  actor: z.string().trim().max(254).optional(),
  action: z.string().trim().max(80).optional(),
  entity: z.string().trim().max(40).optional(),
  entityId: z.string().trim().max(120).optional(),
  q: z.string().trim().max(120).optional(),
  from: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  to: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  cursor: z.string().regex(/^\d{1,19}$/, { message: 'not a cursor returned by this API' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

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
export async function auditRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  app.get('/api/admin/audit', { config: { access: CURATORS } }, async (req) => {
    const q = parseWith(query, req.query, 'query');
    const rows = await listAudit(rt.db, { ...q, beforeId: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page.map(toApiAudit), nextCursor: rows.length > q.limit ? page.at(-1)!.id : null };
  });
}
