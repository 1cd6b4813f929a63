import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CutRow, CutViewRow, FabricColorRow, FabricFamilyRow } from '../db/schema.ts';

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
  return db
    .selectFrom('fabric_colors')
    .selectAll()
    .where('family_id', '=', familyId)
    .where('slug', '=', slug)
    .executeTakeFirst();
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
