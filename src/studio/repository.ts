import { sql, type Insertable, type Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, StudioPhotoRow, StudioPhotoTable } from '../db/schema.ts';

/** SQL of the client photo studio: photos, and the files and rows that go with them. */

export function insertStudioPhoto(db: Db, photo: Insertable<StudioPhotoTable>): Promise<StudioPhotoRow> {
  return db.insertInto('studio_photos').values(photo).returningAll().executeTakeFirstOrThrow();
}

export function findStudioPhoto(db: Db | Transaction<Database>, id: string): Promise<StudioPhotoRow | undefined> {
  return db.selectFrom('studio_photos').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every stored file of these photos: the photos, suggested masks, painted masks and render images. */
export async function listStudioPhotoFiles(db: Db | Transaction<Database>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ key: string | null }>`
    SELECT storage_key AS key FROM studio_photos WHERE id = ANY(${ids}::uuid[])
    UNION SELECT suggested_mask_key FROM studio_photos WHERE id = ANY(${ids}::uuid[])
    UNION SELECT r.params #>> '{studio,maskKey}' FROM renders r WHERE r.studio_photo_id = ANY(${ids}::uuid[])
    UNION SELECT img->>'key' FROM renders r, jsonb_array_elements(r.images) img WHERE r.studio_photo_id = ANY(${ids}::uuid[])`.execute(db);
  return rows.flatMap((r) => (r.key ? [r.key] : []));
}

/**
 * Deletes the photos and every row that shows them: their renders (out of any look that holds them:
 * a client's photo leaves with the client's consent). A queued job of a deleted render finds no row
 * and ends without rendering (render-task). Returns the ids deleted.
 */
export async function deleteStudioPhotos(trx: Transaction<Database>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  await sql`DELETE FROM look_renders WHERE render_id IN (SELECT id FROM renders WHERE studio_photo_id = ANY(${ids}::uuid[]))`.execute(trx);
  await sql`DELETE FROM renders WHERE studio_photo_id = ANY(${ids}::uuid[])`.execute(trx);
  const { rows } = await sql<{ id: string }>`DELETE FROM studio_photos WHERE id = ANY(${ids}::uuid[]) RETURNING id::text`.execute(trx);
  return rows.map((r) => r.id);
}

/** Photos older than `days`, oldest first (the retention rule). */
export async function findExpiredStudioPhotos(db: Db, days: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id::text FROM studio_photos WHERE created_at < now() - make_interval(days => ${days}) ORDER BY created_at`.execute(db);
  return rows.map((r) => r.id);
}

/** Whether a painted mask's file is still used by a render of its photo. */
export async function isStudioMaskReferenced(db: Db, key: string): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`SELECT 1 AS one FROM renders WHERE params #>> '{studio,maskKey}' = ${key} LIMIT 1`.execute(db);
  return rows.length > 0;
}

/** The owner of each studio render among `renderIds` (catalogue renders are not in the map). */
export async function findStudioRenderOwners(db: Db, renderIds: string[]): Promise<Map<string, string>> {
  if (renderIds.length === 0) return new Map();
  const { rows } = await sql<{ id: string; owner_id: string }>`
    SELECT r.id::text, p.owner_id::text FROM renders r JOIN studio_photos p ON p.id = r.studio_photo_id
     WHERE r.id = ANY(${renderIds}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.owner_id]));
}
