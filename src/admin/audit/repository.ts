import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { AuditLogRow } from '../../db/schema.ts';

/** Who acted: a signed-in person, or the system itself (start-up bootstrap, CLI) with a null id. */
export interface Actor {
  id: string | null;
  email: string | null;
  requestId?: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, email: 'system' };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Written in the caller's transaction, so a change and its record land or vanish together. */
export async function recordAudit(db: Db, actor: Actor, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  // Large imports write thousands of entries: a few statements, not one per row.
  for (let i = 0; i < list.length; i += 500) {
    await db
      .insertInto('audit_log')
      .values(
        list.slice(i, i + 500).map((e) => ({
          actor_id: actor.id,
          actor_email: actor.email,
          action: e.action,
          entity: e.entity,
          entity_id: e.entityId ?? null,
          before: e.before === undefined ? null : JSON.stringify(e.before),
          after: e.after === undefined ? null : JSON.stringify(e.after),
          request_id: actor.requestId ?? null,
        })),
      )
      .execute();
  }
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  q?: string;
  from?: Date;
  to?: Date;
  /** Keyset: entries older than this id. */
  beforeId?: string;
  limit: number;
}

/** Newest first. `actor` matches the email; `action` a prefix ("family." finds every family change). */
export function listAudit(db: Db, f: AuditFilter): Promise<AuditLogRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.actor) q = q.where('actor_email', 'ilike', `%${escapeLike(f.actor)}%`);
  if (f.action) q = q.where('action', 'like', `${escapeLike(f.action)}%`);
  if (f.entity) q = q.where('entity', '=', f.entity);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.q) {
    const needle = `%${escapeLike(f.q)}%`;
    q = q.where((eb) => eb.or([eb(sql`before::text`, 'ilike', needle), eb(sql`after::text`, 'ilike', needle), eb('entity_id', 'ilike', needle)]));
  }
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
