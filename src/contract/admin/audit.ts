import { z } from 'zod';
import { timestamp } from '../common.ts';

/** Who changed what and when, newest first. */

export const auditQuery = z.object({
  actor: z.string().trim().max(254).optional(),
  action: z.string().trim().max(80).optional(),
  entity: z.string().trim().max(40).optional(),
  entityId: z.string().trim().max(120).optional(),
  q: z.string().trim().max(120).optional(),
  from: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  to: z.coerce.date({ message: 'expected a date such as 2025-01-31' }).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'not a cursor returned by this API' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = { [K in keyof z.input<typeof auditQuery>]?: string | number };

export const auditEntry = z.object({
  id: z.string(),
  at: timestamp,
  actor: z.string().nullable(),
  actorId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });
