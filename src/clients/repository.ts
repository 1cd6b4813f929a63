import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ClientTable } from '../db/schema.ts';
import type { Selectable } from 'kysely';

/** SQL for the house's client records (personal data: read only by signed-in staff). */

export type ClientRow = Selectable<ClientTable> & { look_count: number };

const withLookCount = (db: Db) =>
  db.selectFrom('clients as c').selectAll('c').select(sql<number>`(SELECT count(*)::int FROM looks l WHERE l.client_id = c.id)`.as('look_count'));

/** Newest first; `search` matches anywhere in the name, ignoring case. */
export function listClients(db: Db, options: { search?: string; limit: number }): Promise<ClientRow[]> {
  let q = withLookCount(db);
  if (options.search) q = q.where(sql<boolean>`lower(c.name) LIKE ${`%${escapeLike(options.search.toLowerCase())}%`} ESCAPE '\\'`);
  return q.orderBy('c.updated_at', 'desc').orderBy('c.id').limit(options.limit).execute();
}

export function findClient(db: Db, id: string): Promise<ClientRow | undefined> {
  return withLookCount(db).where('c.id', '=', id).executeTakeFirst();
}

export async function insertClient(db: Db, client: { name: string; notes: string; createdBy: string }): Promise<ClientRow> {
  const row = await db
    .insertInto('clients')
    .values({ name: client.name, notes: client.notes, created_by: client.createdBy, updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, look_count: 0 };
}

export async function updateClient(db: Db, id: string, changes: { name?: string; notes?: string }): Promise<ClientRow | undefined> {
  const row = await db
    .updateTable('clients')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row ? findClient(db, id) : undefined;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
