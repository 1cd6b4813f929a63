import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CutRow, CutViewRow, FabricColorRow, FabricFamilyRow } from '../../db/schema.ts';
import { escapeLike } from '../audit/repository.ts';

/** SQL for the console's catalog: families, colours, cuts and their views, all states included. */

export type FamilyStatus = 'current' | 'active' | 'inactive' | 'archived' | 'all';
export type FamilySort = 'sort' | 'name' | 'updated' | 'colors' | 'weight';

export interface FamilyFilter {
  q?: string;
  season?: string;
  weave?: string;
  pattern?: string;
  status: FamilyStatus;
  sort: FamilySort;
  descending: boolean;
  limit: number;
  offset: number;
}

export interface FamilyListRow extends FabricFamilyRow {
  color_count: number;
  render_count: number;
  total: number;
}

export async function listFamilies(db: Db, f: FamilyFilter): Promise<{ rows: FamilyListRow[]; total: number }> {
  const colorCount = sql<number>`(SELECT count(*)::int FROM fabric_colors c WHERE c.family_id = f.id AND c.archived_at IS NULL)`;
  let q = db
    .selectFrom('fabric_families as f')
    .selectAll('f')
    .select([
      colorCount.as('color_count'),
      sql<number>`(SELECT count(*)::int FROM renders r WHERE r.family_id = f.id)`.as('render_count'),
      sql<number>`count(*) OVER ()::int`.as('total'),
    ]);
  if (f.q) {
    const needle = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('f.name', 'ilike', needle),
        eb('f.slug', 'ilike', needle),
        eb('f.composition', 'ilike', needle),
        eb.exists(
          eb
            .selectFrom('fabric_colors as c')
            .select(sql`1`.as('one'))
            .whereRef('c.family_id', '=', 'f.id')
            .where((c) => c.or([c('c.name', 'ilike', needle), c('c.slug', 'ilike', needle), c('c.hex', 'ilike', needle)])),
        ),
      ]),
    );
  }
  if (f.season) q = q.where('f.season', '=', f.season as FabricFamilyRow['season']);
  if (f.weave) q = q.where(sql`f.design->>'weave'`, '=', f.weave);
  if (f.pattern) q = q.where(sql`f.design->>'pattern'`, '=', f.pattern);
  if (f.status === 'current') q = q.where('f.archived_at', 'is', null);
  if (f.status === 'active') q = q.where('f.archived_at', 'is', null).where('f.active', '=', true);
  if (f.status === 'inactive') q = q.where('f.archived_at', 'is', null).where('f.active', '=', false);
  if (f.status === 'archived') q = q.where('f.archived_at', 'is not', null);

  const key: Record<FamilySort, Expression<unknown>> = {
    sort: sql`f.sort`,
    name: sql`lower(f.name)`,
    updated: sql`f.updated_at`,
    colors: colorCount,
    weight: sql`f.weight_gsm`,
  };
  q = q
    .orderBy(key[f.sort], (ob) => (f.descending ? ob.desc() : ob.asc()).nullsLast())
    .orderBy('f.sort')
    .orderBy('f.name')
    .orderBy('f.id');
  const rows = (await q.limit(f.limit).offset(f.offset).execute()) as FamilyListRow[];
  // An offset past the end returns no rows, and with them no window count: ask once more.
  const total = rows[0]?.total ?? (f.offset > 0 ? await countFamilies(db, f) : 0);
  return { rows, total };
}

async function countFamilies(db: Db, f: FamilyFilter): Promise<number> {
  const { total } = await listFamilies(db, { ...f, limit: 1, offset: 0 });
  return total;
}

export function findFamily(db: Db, id: string): Promise<FabricFamilyRow | undefined> {
  return db.selectFrom('fabric_families').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockFamily(db: Db, id: string): Promise<FabricFamilyRow | undefined> {
  return db.selectFrom('fabric_families').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listColors(db: Db, familyId: string): Promise<FabricColorRow[]> {
  return db.selectFrom('fabric_colors').selectAll().where('family_id', '=', familyId).orderBy('sort').orderBy('name').orderBy('id').execute();
}

export function findColor(db: Db, id: string): Promise<FabricColorRow | undefined> {
  return db.selectFrom('fabric_colors').selectAll().where('id', '=', id).executeTakeFirst();
}

export function lockColor(db: Db, id: string): Promise<FabricColorRow | undefined> {
  return db.selectFrom('fabric_colors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export type FamilyValues = {
  slug: string;
  name: string;
  composition: string;
  weight_gsm: number | null;
  season: FabricFamilyRow['season'];
  description: string;
  design: unknown;
  legacy?: unknown;
  active: boolean;
  sort: number;
};

export function insertFamily(db: Db, v: FamilyValues): Promise<FabricFamilyRow> {
  return db
    .insertInto('fabric_families')
    .values({ ...v, design: JSON.stringify(v.design), legacy: v.legacy ? JSON.stringify(v.legacy) : null, updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateFamily(db: Db, id: string, v: Partial<Omit<FamilyValues, 'slug'>> & { archived_at?: Date | null }): Promise<FabricFamilyRow> {
  const { design, legacy, ...rest } = v;
  return db
    .updateTable('fabric_families')
    .set({
      ...rest,
      ...(design !== undefined ? { design: JSON.stringify(design) } : {}),
      ...(legacy !== undefined ? { legacy: legacy === null ? null : JSON.stringify(legacy) } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteFamilyWithColors(db: Db, id: string): Promise<void> {
  await db.deleteFrom('fabric_colors').where('family_id', '=', id).execute();
  await db.deleteFrom('fabric_families').where('id', '=', id).execute();
}

export type ColorValues = {
  slug: string;
  name: string;
  hex: string;
  repeat_mm: number | null;
  swatch_key: string | null;
  swatch_width_mm: number | null;
  active: boolean;
  sort: number;
};

export function insertColor(db: Db, familyId: string, v: ColorValues): Promise<FabricColorRow> {
  return db
    .insertInto('fabric_colors')
    .values({ ...v, family_id: familyId, updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateColor(db: Db, id: string, v: Partial<Omit<ColorValues, 'slug'>> & { archived_at?: Date | null }): Promise<FabricColorRow> {
  return db
    .updateTable('fabric_colors')
    .set({ ...v, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteColor(db: Db, id: string): Promise<void> {
  await db.deleteFrom('fabric_colors').where('id', '=', id).execute();
}

/** One past the largest sort value of a list (a family's colours, a cut's views, or a whole table). */
export async function nextSort(
  db: Db,
  table: 'fabric_families' | 'fabric_colors' | 'cuts' | 'cut_views',
  scope?: { column: 'family_id' | 'cut_id'; id: string },
): Promise<number> {
  const where = scope ? sql`WHERE ${sql.ref(scope.column)} = ${scope.id}` : sql``;
  const { rows } = await sql<{ n: number }>`SELECT coalesce(max(sort), 0)::int + 1 AS n FROM ${sql.table(table)} ${where}`.execute(db);
  return rows[0]!.n;
}

export async function familyHasRenders(db: Db, familyId: string): Promise<boolean> {
  return hasRow(db, sql`SELECT 1 FROM renders WHERE family_id = ${familyId} LIMIT 1`);
}

export async function colorHasRenders(db: Db, colorId: string): Promise<boolean> {
  return hasRow(db, sql`SELECT 1 FROM renders WHERE color_id = ${colorId} LIMIT 1`);
}

/** Whether any colour (other than `exceptColorId`) still shows this swatch tile. */
export async function swatchKeyInUse(db: Db, key: string, exceptColorId?: string): Promise<boolean> {
  return hasRow(db, sql`SELECT 1 FROM fabric_colors WHERE swatch_key = ${key} AND id IS DISTINCT FROM ${exceptColorId ?? null}::uuid LIMIT 1`);
}

async function hasRow(db: Db, query: ReturnType<typeof sql>): Promise<boolean> {
  const { rows } = await query.execute(db);
  return rows.length > 0;
}

/**
 * Gives `orderedIds` the sort slots they already hold, in the new order; everything else keeps its
 * place. Reordering one filtered page moves its rows among themselves only. The whole list is
 * renumbered (10, 20, …) when it is, so equal sort values cannot keep two rows from swapping.
 */
export async function reorder(
  db: Db,
  table: 'fabric_families' | 'fabric_colors' | 'cuts',
  orderedIds: string[],
  scope?: { familyId: string },
): Promise<{ id: string; before: number; after: number }[]> {
  const where: Expression<SqlBool> = scope ? sql<SqlBool>`family_id = ${scope.familyId}` : sql<SqlBool>`true`;
  const { rows } = await sql<{ id: string; sort: number }>`
    SELECT id, sort FROM ${sql.table(table)} WHERE ${where} ORDER BY sort, name, id FOR UPDATE`.execute(db);
  const moving = new Set(orderedIds);
  if (moving.size !== orderedIds.length) throw new ReorderError('an id appears twice');
  const known = new Set(rows.map((r) => r.id));
  const unknown = orderedIds.find((id) => !known.has(id));
  if (unknown) throw new ReorderError(`"${unknown}" is not in this list`);
  const slots = rows.map((r, i) => (moving.has(r.id) ? i : -1)).filter((i) => i >= 0);
  const order = rows.map((r) => r.id);
  slots.forEach((slot, k) => (order[slot] = orderedIds[k]!));
  const before = new Map(rows.map((r) => [r.id, r.sort]));
  const changes = order.map((id, i) => ({ id, before: before.get(id)!, after: (i + 1) * 10 })).filter((c) => c.before !== c.after);
  for (const c of changes) {
    await sql`UPDATE ${sql.table(table)} SET sort = ${c.after}, updated_at = now() WHERE id = ${c.id}`.execute(db);
  }
  return changes;
}

export class ReorderError extends Error {}

/* Cuts and views */

export interface CutWithAllViews {
  cut: CutRow;
  views: CutViewRow[];
}

export async function listCutsWithViews(db: Db): Promise<CutWithAllViews[]> {
  const cuts = await db.selectFrom('cuts').selectAll().orderBy('sort').orderBy('name').execute();
  const views = cuts.length
    ? await db
        .selectFrom('cut_views')
        .selectAll()
        .where(
          'cut_id',
          'in',
          cuts.map((c) => c.id),
        )
        .orderBy('sort')
        .orderBy('view')
        .execute()
    : [];
  return cuts.map((cut) => ({ cut, views: views.filter((v) => v.cut_id === cut.id) }));
}

export function findCut(db: Db, id: string): Promise<CutRow | undefined> {
  return db.selectFrom('cuts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCutBySlug(db: Db, slug: string): Promise<CutRow | undefined> {
  return db.selectFrom('cuts').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function insertCut(db: Db, v: { slug: string; name: string; legacy_id: string | null; sort: number }): Promise<CutRow> {
  return db
    .insertInto('cuts')
    .values({ ...v, updated_at: new Date() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCut(db: Db, id: string, v: { name?: string; legacy_id?: string | null; active?: boolean }): Promise<CutRow> {
  return db
    .updateTable('cuts')
    .set({ ...v, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findCutView(db: Db, id: string): Promise<CutViewRow | undefined> {
  return db.selectFrom('cut_views').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCutViewByName(db: Db, cutId: string, view: string): Promise<CutViewRow | undefined> {
  return db.selectFrom('cut_views').selectAll().where('cut_id', '=', cutId).where('view', '=', view).forUpdate().executeTakeFirst();
}

export function upsertPhotoView(
  db: Db,
  v: { cutId: string; view: string; baseKey: string; maskKey: string; version: string; sort: number },
): Promise<CutViewRow> {
  return db
    .insertInto('cut_views')
    .values({ cut_id: v.cutId, view: v.view, kind: 'photo', base_key: v.baseKey, mask_key: v.maskKey, version: v.version, sort: v.sort })
    .onConflict((oc) => oc.columns(['cut_id', 'view']).doUpdateSet({ base_key: v.baseKey, mask_key: v.maskKey, version: v.version, kind: 'photo' }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCutView(db: Db, id: string, v: { active?: boolean }): Promise<CutViewRow> {
  return db.updateTable('cut_views').set(v).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteCutView(db: Db, id: string): Promise<void> {
  await db.deleteFrom('cut_views').where('id', '=', id).execute();
}

export async function viewHasRenders(db: Db, cutId: string, view: string): Promise<boolean> {
  return hasRow(db, sql`SELECT 1 FROM renders WHERE cut_id = ${cutId} AND view = ${view} LIMIT 1`);
}

export function photoViewsUsingKey(db: Db, key: string): Promise<{ id: string }[]> {
  return db
    .selectFrom('cut_views')
    .select('id')
    .where((eb) => eb.or([eb('base_key', '=', key), eb('mask_key', '=', key)]))
    .execute();
}

/** A cut's view by name, or its first active view (what a preview shows by default). */
export function findCutViewOrFirst(db: Db, cutId: string, viewName?: string): Promise<CutViewRow | undefined> {
  let q = db.selectFrom('cut_views').selectAll().where('cut_id', '=', cutId);
  q = viewName ? q.where('view', '=', viewName) : q.where('active', '=', true).orderBy('sort');
  return q.executeTakeFirst();
}
