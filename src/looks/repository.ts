import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, RenderStatus } from '../db/schema.ts';

/** A row of `looks` (src/db/migrations/0002_looks.sql). */
export interface LookRow {
  id: string;
  token: string;
  title: string;
  client_name: string | null;
  client_id: string | null;
  created_at: Date;
  expires_at: Date;
}

/** What a person reads on a look's page for each render: names, not slugs. */
export interface LookRenderLabels {
  render_id: string;
  family_name: string;
  color_name: string | null;
  cut_name: string;
}

/** Writes a look and its renders, in order; call it inside a transaction (with the client it needs). */
export async function insertLook(
  trx: Transaction<Database>,
  look: { token: string; title: string; clientId: string; clientName: string; createdBy: string; expiresAt: Date; renderIds: string[] },
): Promise<LookRow> {
  {
    const { rows } = await sql<LookRow>`
      INSERT INTO looks (token, title, client_id, client_name, created_by, expires_at)
      VALUES (${look.token}, ${look.title}, ${look.clientId}, ${look.clientName}, ${look.createdBy}, ${look.expiresAt})
      RETURNING id, token, title, client_name, client_id, created_at, expires_at`.execute(trx);
    const row = rows[0]!;
    await sql`
      INSERT INTO look_renders (look_id, render_id, position)
      SELECT ${row.id}::uuid, render_id, position - 1
      FROM unnest(${look.renderIds}::uuid[]) WITH ORDINALITY AS chosen (render_id, position)`.execute(trx);
    return row;
  }
}

export async function findLookByToken(db: Db, token: string): Promise<LookRow | undefined> {
  const { rows } = await sql<LookRow>`
    SELECT id, token, title, client_name, client_id, created_at, expires_at
    FROM looks
    WHERE token = ${token}`.execute(db);
  return rows[0];
}

/** The house's looks, newest first (every tablet sees the same list); optionally one client's. */
export async function listLooks(db: Db, options: { clientId?: string; limit: number }): Promise<Array<LookRow & { render_ids: string[] }>> {
  const { rows } = await sql<LookRow & { render_ids: string[] }>`
    SELECT l.id, l.token, l.title, coalesce(c.name, l.client_name) AS client_name, l.client_id, l.created_at, l.expires_at,
           ARRAY(SELECT lr.render_id FROM look_renders lr WHERE lr.look_id = l.id ORDER BY lr.position) AS render_ids
    FROM looks l
    LEFT JOIN clients c ON c.id = l.client_id
    WHERE (${options.clientId ?? null}::uuid IS NULL OR l.client_id = ${options.clientId ?? null}::uuid)
    ORDER BY l.created_at DESC, l.id DESC
    LIMIT ${options.limit}`.execute(db);
  return rows;
}

/** The look's render ids in the order they were saved. */
export async function listLookRenderIds(db: Db, lookId: string): Promise<string[]> {
  const { rows } = await sql<{ render_id: string }>`
    SELECT render_id FROM look_renders WHERE look_id = ${lookId} ORDER BY position`.execute(db);
  return rows.map((r) => r.render_id);
}

/** Status of each of the given renders that exists. */
export async function findRenderStatuses(db: Db, ids: string[]): Promise<Array<{ id: string; status: RenderStatus }>> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: string; status: RenderStatus }>`
    SELECT id, status FROM renders WHERE id = ANY(${ids}::uuid[])`.execute(db);
  return rows;
}

export async function listRenderLabels(db: Db, ids: string[]): Promise<LookRenderLabels[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<LookRenderLabels>`
    SELECT r.id AS render_id, f.name AS family_name, k.name AS color_name, coalesce(c.name, 'Client photo') AS cut_name
    FROM renders r
    JOIN fabric_families f ON f.id = r.family_id
    LEFT JOIN cuts c ON c.id = r.cut_id
    LEFT JOIN fabric_colors k ON k.id = r.color_id
    WHERE r.id = ANY(${ids}::uuid[])`.execute(db);
  return rows;
}
