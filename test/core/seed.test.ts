import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogFormatError, parseCatalogDocument } from '../../src/catalog/catalog-file.ts';
import { importCatalog } from '../../src/catalog/import.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { itWithReference, referencePath } from '../helpers/reference.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

const readReference = async (name: string) => JSON.parse(await readFile(referencePath(name), 'utf8'));

describe('importing catalogs', () => {
  itWithReference(['hf-fabrics-head.json'], "imports the replaced system's last fabrics.json idempotently", async () => {
    const doc = parseCatalogDocument(await readReference('hf-fabrics-head.json'));
    expect(doc.families).toHaveLength(5);
    const first = await importCatalog(t.rt.db, doc);
    expect(first.families).toEqual({ created: 5, updated: 0 });
    expect(first.colors).toEqual({ created: 25, updated: 0 });
    const snapshot = async () =>
      (
        await t.rt.pool.query(
          `SELECT f.slug, f.name, f.design, c.slug AS color, c.hex FROM fabric_families f JOIN fabric_colors c ON c.family_id = f.id ORDER BY 1, 4`,
        )
      ).rows;
    const before = await snapshot();
    const second = await importCatalog(t.rt.db, doc);
    expect(second.families).toEqual({ created: 0, updated: 5 });
    expect(await snapshot()).toEqual(before);

    const catalog = await json(await fetch(`${t.url}/catalog`));
    const linen = catalog.families.find((f: any) => f.family_id === 'lino-premium');
    expect(linen.colors.map((c: any) => c.color_id)).toContain('lp-ivory-002');
    expect(linen.colors.find((c: any) => c.color_id === 'lp-ivory-002').hex).toBe('#FFFFF0');
    // The replaced catalog said nothing about weave; its linen must not drape as a worsted twill.
    const ours = (await json(await fetch(`${t.url}/api/catalog`))).families.find((f: any) => f.id === 'lino-premium');
    expect(ours.design.weave).toBe('plain');
  });

  itWithReference(['hf-fabrics-head.json', 'hf-fabrics.json'], 'imports the early 2 × 2 version over the newer one without losing colours', async () => {
    await importCatalog(t.rt.db, parseCatalogDocument(await readReference('hf-fabrics-head.json')));
    await importCatalog(t.rt.db, parseCatalogDocument(await readReference('hf-fabrics.json')));
    const { rows } = await t.rt.pool.query(
      `SELECT count(*)::int AS n FROM fabric_colors c JOIN fabric_families f ON f.id = c.family_id WHERE f.slug = 'lana-cachemir'`,
    );
    expect(rows[0].n).toBe(7);
  });

  it('rejects a malformed catalog naming the field, writing nothing', async () => {
    const bad = { families: [{ family_id: 'x', display_name: 'X', colors: [{ color_id: 'c', name: 'C', hex: 'blue' }] }] };
    expect(() => parseCatalogDocument(bad)).toThrow(CatalogFormatError);
    expect(() => parseCatalogDocument(bad)).toThrow(/families\.0\.colors\.0\.hex/);
  });
});
