import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CatalogDocument } from './catalog-file.ts';

export interface ImportSummary {
  families: { created: number; updated: number };
  colors: { created: number; updated: number };
  cuts: { created: number; updated: number };
}

/**
 * Writes a catalog document in one transaction: families and colours are matched by slug and
 * updated in place, so importing the same file twice changes nothing. Colours and families that the
 * document does not mention are left alone (removal is the admin console's job, with archiving).
 */
export async function importCatalog(db: Db, doc: CatalogDocument): Promise<ImportSummary> {
  const summary: ImportSummary = {
    families: { created: 0, updated: 0 },
    colors: { created: 0, updated: 0 },
    cuts: { created: 0, updated: 0 },
  };
  await db.transaction().execute(async (trx) => {
    for (const f of doc.families) {
      const family = await trx
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
        // xmax = 0 only for a freshly inserted row: tells created from updated in one round trip.
        .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
        .executeTakeFirstOrThrow();
      summary.families[family.inserted ? 'created' : 'updated']++;

      for (const [i, c] of f.colors.entries()) {
        const color = await trx
          .insertInto('fabric_colors')
          .values({
            family_id: family.id,
            slug: c.slug,
            name: c.name,
            hex: c.hex,
            repeat_mm: c.repeatMm ?? null,
            // Assigned once at insert (see migration 0006); an update never changes it.
            ...(c.legacyId ? { legacy_id: c.legacyId } : {}),
            active: c.active,
            sort: c.sort ?? i,
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
          .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
          .executeTakeFirstOrThrow();
        summary.colors[color.inserted ? 'created' : 'updated']++;
      }
    }

    for (const c of doc.cuts) {
      const cut = await trx
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
        .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
        .executeTakeFirstOrThrow();
      summary.cuts[cut.inserted ? 'created' : 'updated']++;
      for (const [i, view] of c.views.entries()) {
        await trx
          .insertInto('cut_views')
          .values({ cut_id: cut.id, view, kind: 'builtin', sort: i })
          .onConflict((oc) => oc.columns(['cut_id', 'view']).doUpdateSet({ sort: i, active: true }))
          .execute();
      }
    }
  });
  return summary;
}
