import type { Db } from '../db/database.ts';
import type { SwatchUploadRow } from '../db/schema.ts';

/** Photographed cloths (swatch_uploads): immutable rows, one per photo and width. */

export interface NewSwatchUpload {
  storage_key: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  sha256: string;
  width_mm: number;
  mean_hex: string | null;
}

/**
 * Stores an upload, or returns the one already made of the same file at the same width. Uploads are
 * immutable: the same photo at another width is another row, never an update; the no-op update makes
 * a concurrent twin's row come back.
 */
export function insertSwatchUpload(db: Db, upload: NewSwatchUpload): Promise<SwatchUploadRow> {
  return db
    .insertInto('swatch_uploads')
    .values(upload)
    .onConflict((oc) => oc.columns(['storage_key', 'width_mm']).doUpdateSet((eb) => ({ filename: eb.ref('swatch_uploads.filename') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findSwatchUploadById(db: Db, id: string): Promise<SwatchUploadRow | undefined> {
  return db.selectFrom('swatch_uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The upload of these exact bytes at this width, if there is one. */
export function findSwatchUploadByContent(db: Db, sha256: string, widthMm: number): Promise<SwatchUploadRow | undefined> {
  return db.selectFrom('swatch_uploads').selectAll().where('sha256', '=', sha256).where('width_mm', '=', String(widthMm)).executeTakeFirst();
}

/** One file may back several swatches (one per width): the first one made from it. */
export function findFirstSwatchUploadByKey(db: Db, key: string): Promise<SwatchUploadRow | undefined> {
  return db.selectFrom('swatch_uploads').selectAll().where('storage_key', '=', key).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function isSwatchFileReferenced(db: Db, key: string): Promise<boolean> {
  return !!(await db.selectFrom('swatch_uploads').select('id').where('storage_key', '=', key).executeTakeFirst());
}

/** The upload stored under this key (the photo's URL names it), at any width. */
export function findSwatchUploadByKey(db: Db, storageKey: string): Promise<SwatchUploadRow | undefined> {
  return db.selectFrom('swatch_uploads').selectAll().where('storage_key', '=', storageKey).executeTakeFirst();
}
