import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CutRow, CutViewRow, FabricColorRow, FabricFamilyRow } from '../db/schema.ts';
import type { CatalogDocument, CatalogFamily } from './catalog-file.ts';

/** SQL for the fabric catalog and cuts. Services hold the rules; this file only reads and writes. */

export interface FamilyWithColors {
  family: FabricFamilyRow;
  colors: FabricColorRow[];
}

export async function listActiveFamiliesWithColors(db: Db): Promise<FamilyWithColors[]> {
  const families = await db
    .selectFrom('fabric_families')
    .selectAll()
    .where('active', '=', true)
    .where('archived_at', 'is', null)
    .orderBy('sort')
    .orderBy('name')
    .execute();
  if (families.length === 0) return [];
  const colors = await db
    .selectFrom('fabric_colors')
    .selectAll()
    .where(
      'family_id',
      'in',
      families.map((f) => f.id),
    )
    .where('active', '=', true)
    .where('archived_at', 'is', null)
    .orderBy('sort')
    .orderBy('name')
    .execute();
  return families.map((family) => ({ family, colors: colors.filter((c) => c.family_id === family.id) }));
}

/** Every family's colours, archived or not, by "family/colour" slug: what swatch cards are drawn from. */
export async function listSwatchCardSources(db: Db): Promise<Map<string, { family: FabricFamilyRow; color: FabricColorRow }>> {
  const [families, colors] = await Promise.all([db.selectFrom('fabric_families').selectAll().execute(), db.selectFrom('fabric_colors').selectAll().execute()]);
  const byId = new Map(families.map((f) => [f.id, f]));
  const index = new Map<string, { family: FabricFamilyRow; color: FabricColorRow }>();
  for (const color of colors) {
    const family = byId.get(color.family_id);
    if (family) index.set(`${family.slug}/${color.slug}`, { family, color });
  }
  return index;
}

export function findFamilyBySlug(db: Db, slug: string): Promise<FabricFamilyRow | undefined> {
  return db.selectFrom('fabric_families').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findColorBySlug(db: Db, familyId: string, slug: string): Promise<FabricColorRow | undefined> {
  return db.selectFrom('fabric_colors').selectAll().where('family_id', '=', familyId).where('slug', '=', slug).executeTakeFirst();
}

/** A family's colours, every one (active or not: the caller decides what it may use). */
export function listColorsOfFamily(db: Db, familyId: string): Promise<FabricColorRow[]> {
  return db.selectFrom('fabric_colors').selectAll().where('family_id', '=', familyId).orderBy('sort').orderBy('name').execute();
}

export interface CutWithViews {
  cut: CutRow;
  views: CutViewRow[];
}

export async function listActiveCuts(db: Db): Promise<CutWithViews[]> {
  const cuts = await db.selectFrom('cuts').selectAll().where('active', '=', true).orderBy('sort').orderBy('name').execute();
  if (cuts.length === 0) return [];
  const views = await db
    .selectFrom('cut_views')
    .selectAll()
    .where(
      'cut_id',
      'in',
      cuts.map((c) => c.id),
    )
    .where('active', '=', true)
    .orderBy('sort')
    .execute();
  return cuts.map((cut) => ({ cut, views: views.filter((v) => v.cut_id === cut.id) }));
}

/** Finds a cut by our slug or by the replaced system's name for it ("recto", "cruzado"). */
export function findCutBySlugOrLegacyId(db: Db, id: string): Promise<CutRow | undefined> {
  return db
    .selectFrom('cuts')
    .selectAll()
    .where((eb) => eb.or([eb('slug', '=', id), eb('legacy_id', '=', id)]))
    .executeTakeFirst();
}

export function countFamilies(db: Db): Promise<number> {
  return db
    .selectFrom('fabric_families')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => r.n);
}

// ---- import: upserts by slug; `inserted` tells a created row from an updated one ----

// xmax = 0 only for a freshly inserted row: tells created from updated in one round trip.
const inserted = sql<boolean>`(xmax = 0)`.as('inserted');

/** A family by slug: created, or updated in place (and un-archived). */
export function upsertFamily(db: Db, f: CatalogFamily) {
  return db
    .insertInto('fabric_families')
    .values({
      slug: f.slug,
      name: f.name,
      composition: f.composition,
      weight_gsm: f.weightGsm ?? null,
      season: f.season,
      description: f.description,
      design: JSON.stringify(f.design),
      legacy: f.legacy ? JSON.stringify(f.legacy) : null,
      active: f.active,
      sort: f.sort,
      updated_at: new Date(),
    })
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        composition: eb.ref('excluded.composition'),
        weight_gsm: eb.ref('excluded.weight_gsm'),
        season: eb.ref('excluded.season'),
        description: eb.ref('excluded.description'),
        design: eb.ref('excluded.design'),
        legacy: eb.ref('excluded.legacy'),
        active: eb.ref('excluded.active'),
        sort: eb.ref('excluded.sort'),
        archived_at: null,
        updated_at: new Date(),
      })),
    )
    .returning(['id', inserted])
    .executeTakeFirstOrThrow();
}

/** A colour of a family by slug: created, or updated in place (and un-archived). */
export function upsertColor(db: Db, familyId: string, c: CatalogFamily['colors'][number] & { sort: number }) {
  return db
    .insertInto('fabric_colors')
    .values({
      family_id: familyId,
      slug: c.slug,
      name: c.name,
      hex: c.hex,
      repeat_mm: c.repeatMm ?? null,
      // Assigned once at insert (see migration 0006); an update never changes it.
      ...(c.legacyId ? { legacy_id: c.legacyId } : {}),
      active: c.active,
      sort: c.sort,
      updated_at: new Date(),
    })
    .onConflict((oc) =>
      oc.columns(['family_id', 'slug']).doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        hex: eb.ref('excluded.hex'),
        repeat_mm: eb.ref('excluded.repeat_mm'),
        active: eb.ref('excluded.active'),
        sort: eb.ref('excluded.sort'),
        archived_at: null,
        updated_at: new Date(),
      })),
    )
    .returning(inserted)
    .executeTakeFirstOrThrow();
}

/** A cut by slug: created, or updated in place. */
export function upsertCut(db: Db, c: CatalogDocument['cuts'][number]) {
  return db
    .insertInto('cuts')
    .values({ slug: c.slug, name: c.name, legacy_id: c.legacyId ?? null, active: c.active, sort: c.sort, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        legacy_id: eb.ref('excluded.legacy_id'),
        active: eb.ref('excluded.active'),
        sort: eb.ref('excluded.sort'),
        updated_at: new Date(),
      })),
    )
    .returning(['id', inserted])
    .executeTakeFirstOrThrow();
}

/** A built-in view of a cut, in this place, switched on. */
export async function upsertBuiltinView(db: Db, cutId: string, view: string, sort: number): Promise<void> {
  await db
    .insertInto('cut_views')
    .values({ cut_id: cutId, view, kind: 'builtin', sort })
    .onConflict((oc) => oc.columns(['cut_id', 'view']).doUpdateSet({ sort, active: true }))
    .execute();
}

/** Every view of a cut (active or not), in order. */
export function listCutViews(db: Db, cutId: string): Promise<CutViewRow[]> {
  return db.selectFrom('cut_views').selectAll().where('cut_id', '=', cutId).orderBy('sort').execute();
}

/** The active views of a cut, in order. */
export function listActiveCutViews(db: Db, cutId: string): Promise<CutViewRow[]> {
  return db.selectFrom('cut_views').selectAll().where('cut_id', '=', cutId).where('active', '=', true).orderBy('sort').execute();
}

/** A colour by the replaced API's catalogue-wide id, with its family; only when both are in the catalogue. */
export async function findActiveColorByLegacyId(db: Db, legacyId: string): Promise<FamilyAndColor | undefined> {
  const color = await db
    .selectFrom('fabric_colors')
    .selectAll()
    .where('legacy_id', '=', legacyId)
    .where('active', '=', true)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!color) return undefined;
  const family = await db
    .selectFrom('fabric_families')
    .selectAll()
    .where('id', '=', color.family_id)
    .where('active', '=', true)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return family ? { family, color } : undefined;
}

export interface FamilyAndColor {
  family: FabricFamilyRow;
  color: FabricColorRow;
}

/** A cut's slug and, when it has one by that name, its view's template source fields (render jobs). */
export function findCutAndView(db: Db, cutId: string, view: string) {
  return db
    .selectFrom('cuts as c')
    .leftJoin('cut_views as v', (j) => j.onRef('v.cut_id', '=', 'c.id').on('v.view', '=', view))
    .select(['c.slug', 'v.kind', 'v.version', 'v.base_key', 'v.mask_key'])
    .where('c.id', '=', cutId)
    .executeTakeFirstOrThrow();
}
