import type { Db } from '../db/database.ts';
import type { CatalogDocument } from './catalog-file.ts';
import { upsertBuiltinView, upsertColor, upsertCut, upsertFamily } from './repository.ts';

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
      const family = await upsertFamily(trx, f);
      summary.families[family.inserted ? 'created' : 'updated']++;
      for (const [i, c] of f.colors.entries()) {
        const color = await upsertColor(trx, family.id, { ...c, sort: c.sort ?? i });
        summary.colors[color.inserted ? 'created' : 'updated']++;
      }
    }
    for (const c of doc.cuts) {
      const cut = await upsertCut(trx, c);
      summary.cuts[cut.inserted ? 'created' : 'updated']++;
      for (const [i, view] of c.views.entries()) await upsertBuiltinView(trx, cut.id, view, i);
    }
  });
  return summary;
}
