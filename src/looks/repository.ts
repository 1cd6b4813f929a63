import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { RenderStatus } from '../db/schema.ts';

/** A row of `looks` (src/db/migrations/0002_looks.sql). */
export interface LookRow {
  id: string;
  token: string;
  title: string;
  client_name: string | null;
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

/** Writes a look and its renders, in order, in one transaction. */
export async function insertLook(
  db: Db,
  look: { token: string; title: string; clientName: string | null; expiresAt: Date; renderIds: string[] },
): Promise<LookRow> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<LookRow>`
      INSERT INTO looks (token, title, client_name, expires_at)
      VALUES (${look.token}, ${look.title}, ${look.clientName}, ${look.expiresAt})
      RETURNING id, token, title, client_name, created_at, expires_at`.execute(trx);
    const row = rows[0]!;
    await sql`
      INSERT INTO look_renders (look_id, render_id, position)
      SELECT ${row.id}::uuid, render_id, position - 1
      FROM unnest(${look.renderIds}::uuid[]) WITH ORDINALITY AS chosen (render_id, position)`.execute(trx);
    return row;
  });
}

export async function findLookByToken(db: Db, token: string): Promise<LookRow | undefined> {
  const { rows } = await sql<LookRow>`
    SELECT id, token, title, client_name, created_at, expires_at
    FROM looks
    WHERE token = ${token}`.execute(db);
  return rows[0];
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
    SELECT r.id AS render_id, f.name AS family_name, k.name AS color_name, c.name AS cut_name
    FROM renders r
    JOIN fabric_families f ON f.id = r.family_id
    JOIN cuts c ON c.id = r.cut_id
    LEFT JOIN fabric_colors k ON k.id = r.color_id
    WHERE r.id = ANY(${ids}::uuid[])`.execute(db);
  return rows;
}
