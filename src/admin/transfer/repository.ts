import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CatalogState } from './formats.ts';
import type { Change } from './plan.ts';

/** SQL for imports and exports: the whole catalog in one read, a plan written change by change. */

export async function loadCatalogState(db: Db): Promise<CatalogState> {
  const [families, colors, cuts, views] = await Promise.all([
    db.selectFrom('fabric_families').selectAll().orderBy('sort').orderBy('name').orderBy('id').execute(),
    db.selectFrom('fabric_colors').selectAll().orderBy('sort').orderBy('name').orderBy('id').execute(),
    db.selectFrom('cuts').selectAll().orderBy('sort').orderBy('name').execute(),
    db.selectFrom('cut_views').selectAll().orderBy('sort').orderBy('view').execute(),
  ]);
  const byFamily = new Map<string, typeof colors>();
  for (const c of colors) byFamily.get(c.family_id)?.push(c) ?? byFamily.set(c.family_id, [c]);
  const byCut = new Map<string, typeof views>();
  for (const v of views) byCut.get(v.cut_id)?.push(v) ?? byCut.set(v.cut_id, [v]);
  return {
    families: families.map((row) => ({ row, colors: byFamily.get(row.id) ?? [] })),
    cuts: cuts.map((row) => ({ row, views: byCut.get(row.id) ?? [] })),
  };
}

/** Keeps console edits and other imports out while an import reads and writes (readers carry on). */
export async function lockCatalog(db: Db): Promise<void> {
  await sql`LOCK TABLE fabric_families, fabric_colors, cuts, cut_views IN SHARE ROW EXCLUSIVE MODE`.execute(db);
}

/**
 * Applies one change; returns the id of the row it wrote. A new family comes before its colours,
 * which find its id in `createdFamilies`.
 */
export async function applyChange(db: Db, change: Change, createdFamilies: Map<string, string>): Promise<string> {
  const now = new Date();
  if (change.entity === 'family') {
    if (change.op === 'create') {
      const v = change.values!;
      const row = await db
        .insertInto('fabric_families')
        .values({
          slug: change.slug,
          name: v.name!,
          composition: v.composition!,
          weight_gsm: v.weight_gsm ?? null,
          season: v.season!,
          description: v.description!,
          design: JSON.stringify(v.design),
          legacy: v.legacy ? JSON.stringify(v.legacy) : null,
          active: v.active!,
          sort: v.sort!,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      createdFamilies.set(change.slug, row.id);
      return row.id;
    }
    if (change.op === 'archive') {
      await db.updateTable('fabric_families').set({ archived_at: now, updated_at: now }).where('id', '=', change.id!).execute();
      return change.id!;
    }
    const { design, legacy, ...rest } = change.values ?? {};
    await db
      .updateTable('fabric_families')
      .set({
        ...rest,
        ...(design !== undefined ? { design: JSON.stringify(design) } : {}),
        ...(legacy !== undefined ? { legacy: legacy ? JSON.stringify(legacy) : null } : {}),
        ...(change.restore ? { archived_at: null } : {}),
        updated_at: now,
      })
      .where('id', '=', change.id!)
      .execute();
    return change.id!;
  }
  if (change.entity === 'color') {
    if (change.op === 'create') {
      const v = change.values!;
      const familyId = change.familyId ?? createdFamilies.get(change.family);
      if (!familyId) throw new Error(`import: family ${change.family} was not written before its colour ${change.slug}`);
      const row = await db
        .insertInto('fabric_colors')
        .values({
          family_id: familyId,
          slug: change.slug,
          ...(change.legacyId ? { legacy_id: change.legacyId } : {}),
          name: v.name!,
          hex: v.hex!,
          repeat_mm: v.repeat_mm ?? null,
          active: v.active!,
          sort: v.sort!,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    }
    if (change.op === 'archive') {
      await db.updateTable('fabric_colors').set({ archived_at: now, updated_at: now }).where('id', '=', change.id!).execute();
      return change.id!;
    }
    await db
      .updateTable('fabric_colors')
      .set({ ...change.values, ...(change.restore ? { archived_at: null } : {}), updated_at: now })
      .where('id', '=', change.id!)
      .execute();
    return change.id!;
  }
  let cutId = change.id;
  if (change.op === 'create') {
    const v = change.values!;
    const row = await db
      .insertInto('cuts')
      .values({ slug: change.slug, name: v.name!, legacy_id: v.legacy_id ?? null, active: v.active!, sort: v.sort!, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    cutId = row.id;
  } else if (change.values && Object.keys(change.values).length) {
    await db
      .updateTable('cuts')
      .set({ ...change.values, updated_at: now })
      .where('id', '=', cutId!)
      .execute();
  }
  if (change.addViews.length) {
    const { rows } = await sql<{ n: number }>`SELECT coalesce(max(sort), -1)::int + 1 AS n FROM cut_views WHERE cut_id = ${cutId}`.execute(db);
    await db
      .insertInto('cut_views')
      .values(change.addViews.map((view, i) => ({ cut_id: cutId!, view, kind: 'builtin' as const, sort: rows[0]!.n + i })))
      .execute();
  }
  return cutId!;
}
