import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { itWithReference, referencePath } from '../helpers/reference.ts';
import { consoleClient, createAccount, signIn, type Console } from './helpers.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let merch: Console;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
  await createAccount(t, 'merch@example.com', 'merchandiser');
  merch = consoleClient(t, await signIn(t, 'merch@example.com'));
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

const exportAs = async (format: 'atelier' | 'fabrics' | 'csv', client = merch) => {
  const res = await client('GET', `/api/admin/catalog/export?format=${format}`);
  expect(res.status).toBe(200);
  return res;
};
const importFile = (body: string, query: string, type = 'application/json', client = merch) =>
  client('POST', `/api/admin/catalog/import?${query}`, body, { 'content-type': type });

/** Everything about the catalog a stylist or a merchandiser can see, in a comparable form. */
async function snapshot(app = t) {
  const { rows } = await sql<Record<string, unknown>>`
    SELECT f.slug, f.name, f.composition, f.weight_gsm, f.season, f.description, f.design::text AS design, f.legacy::text AS legacy,
           f.active, f.archived_at IS NOT NULL AS archived, f.sort,
           (SELECT json_agg(json_build_object('slug', c.slug, 'name', c.name, 'hex', c.hex, 'repeat_mm', c.repeat_mm, 'active', c.active,
                   'archived', c.archived_at IS NOT NULL, 'sort', c.sort) ORDER BY c.slug) FROM fabric_colors c WHERE c.family_id = f.id) AS colors
    FROM fabric_families f ORDER BY f.slug`.execute(app.rt.db);
  const cuts = await app.rt.db.selectFrom('cuts').select(['slug', 'name', 'legacy_id', 'active', 'sort']).orderBy('slug').execute();
  return { families: rows, cuts };
}

describe('catalog export and import', () => {
  it('exports our JSON as a download that imports back to the same catalog, here and into an empty database', async () => {
    const res = await exportAs('atelier');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="atelier-catalog-\d{4}-\d{2}-\d{2}\.json"$/);
    const file = await res.text();
    const doc = JSON.parse(file);
    expect(doc.version).toBe(1);
    expect(doc.families).toHaveLength(12);
    expect(doc.cuts.map((c: any) => c.slug)).toEqual(expect.arrayContaining(['single-breasted', 'double-breasted']));

    const before = await snapshot();
    const dry = await json(await importFile(file, 'dryRun=true'));
    expect(dry.summary).toEqual({
      families: { created: 0, changed: 0, archived: 0, unchanged: 12 },
      colors: { created: 0, changed: 0, archived: 0, unchanged: expect.any(Number) },
      cuts: { created: 0, changed: 0, archived: 0, unchanged: doc.cuts.length },
    });
    expect(dry.changes).toEqual([]);

    // Into an empty database on the same server: the catalog there exports to the same file.
    await sql`CREATE DATABASE roundtrip`.execute(t.rt.db);
    const other = await startTestApp({ databaseUrl: pg.url.replace(/\/[^/]+$/, '/roundtrip'), worker: false, seedDemo: false });
    try {
      await createAccount(other, 'merch@example.com', 'merchandiser');
      const there = consoleClient(other, await signIn(other, 'merch@example.com'));
      const applied = await json(await importFile(file, '', 'application/json', there));
      expect(applied.summary.families.created).toBe(12);
      expect(await (await exportAs('atelier', there)).text()).toBe(file);
      const a = await snapshot();
      const b = await snapshot(other);
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('undoes console edits with a sync import of an earlier export, archiving what the file lacks', async () => {
    const file = await (await exportAs('atelier')).text();
    const before = await snapshot();
    const family = (await merch.json('GET', '/api/admin/families?q=winter-flannel')).items[0];
    const detail = await merch.json('GET', `/api/admin/families/${family.id}`);
    await merch.json('PATCH', `/api/admin/families/${family.id}`, { name: 'Renamed Flannel', description: 'changed', active: false });
    await merch.json('PATCH', `/api/admin/colors/${detail.colors[0].id}`, { hex: '#FF0000' });
    await merch.json('DELETE', `/api/admin/colors/${detail.colors[1].id}`);
    await merch.json('POST', '/api/admin/families', {
      slug: 'extra',
      name: 'Extra',
      design: { weave: 'plain', pattern: 'solid', threadMm: 0.3 },
      colors: [{ slug: 'x', name: 'X', hex: '#111111' }],
    });

    const dry = await json(await importFile(file, 'mode=sync&dryRun=true'));
    expect(dry.summary.families).toMatchObject({ created: 0, changed: 1, archived: 1 });
    expect(dry.summary.colors).toMatchObject({ created: 1, changed: 1, archived: 0 });
    const change = dry.changes.find((c: any) => c.entity === 'family' && c.op === 'update');
    expect(change).toMatchObject({
      slug: 'winter-flannel',
      changes: { name: { before: 'Renamed Flannel', after: 'Winter Flannel' }, active: { before: false, after: true } },
    });
    expect(dry.changes).toContainEqual(expect.objectContaining({ entity: 'family', op: 'archive', slug: 'extra' }));
    expect(dry.changes).toContainEqual(
      expect.objectContaining({
        entity: 'color',
        op: 'update',
        family: 'winter-flannel',
        changes: { hex: { before: '#FF0000', after: detail.colors[0].hex } },
      }),
    );
    // A dry run writes nothing.
    expect((await merch.json('GET', '/api/admin/families?q=winter-flannel')).items[0].name).toBe('Renamed Flannel');

    const applied = await json(await importFile(file, 'mode=sync'));
    expect(applied.error).toBeUndefined();
    expect(applied.dryRun).toBe(false);
    expect(applied.summary).toEqual(dry.summary);
    const after = await snapshot();
    // Identical, but for "extra", which the file does not know: archived, not deleted.
    expect(after.families.filter((f) => f.slug !== 'extra')).toEqual(before.families);
    expect(after.families.find((f) => f.slug === 'extra')).toMatchObject({ archived: true });
    const audit = await merch.json('GET', '/api/admin/audit?action=catalog.import');
    expect(audit.items[0]).toMatchObject({ actor: 'merch@example.com', after: { format: 'atelier', mode: 'sync', summary: applied.summary } });
    const entries = await merch.json('GET', `/api/admin/audit?entity=family&entityId=${family.id}`);
    expect(entries.items[0]).toMatchObject({
      action: 'family.update',
      before: { slug: 'winter-flannel', name: 'Renamed Flannel' },
      after: { name: 'Winter Flannel' },
    });
  });

  itWithReference(['hf-fabrics-head.json'], "reads the replaced system's fabrics.json, and writes it back in the same shape", async () => {
    const reference = await readFile(referencePath('hf-fabrics-head.json'), 'utf8');
    const dry = await json(await importFile(reference, 'dryRun=true'));
    expect(dry.format).toBe('fabrics');
    expect(dry.summary.families.created).toBe(5);
    expect(dry.summary.colors.created).toBe(25);
    const applied = await json(await importFile(reference, ''));
    expect(applied.summary.families.created).toBe(5);

    const exported = JSON.parse(await (await exportAs('fabrics')).text());
    const original = JSON.parse(reference);
    for (const family of original.families) {
      const mine = exported.families.find((f: any) => f.family_id === family.family_id);
      expect(mine).toMatchObject({
        display_name: family.display_name,
        lora_id: family.lora_id,
        default_recipe: family.default_recipe,
        status: family.status,
        sort: family.sort,
      });
      expect(mine.colors.map((c: any) => [c.color_id, c.name, c.hex])).toEqual(family.colors.map((c: any) => [c.color_id, c.name, c.hex.toUpperCase()]));
    }
    // Importing that export changes nothing, and never touches what fabrics.json cannot say (weaves, composition).
    const family = (await merch.json('GET', `/api/admin/families?q=${original.families[0].family_id}`)).items[0];
    await merch.json('PATCH', `/api/admin/families/${family.id}`, {
      composition: 'set in Atelier',
      design: { weave: 'hopsack', pattern: 'solid', threadMm: 0.4 },
    });
    const again = await json(await importFile(JSON.stringify(exported), 'dryRun=true'));
    expect(again.summary.families).toMatchObject({ created: 0, changed: 0 });
    expect(again.summary.colors).toMatchObject({ created: 0, changed: 0 });
  });

  it('round-trips CSV, shows a changed cell as a change, and names the row of a mistake', async () => {
    const bytes = Buffer.from(await (await exportAs('csv')).arrayBuffer());
    // A byte-order mark first, so that spreadsheets read the accents as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv.startsWith('\uFEFFfamily,family_name,composition')).toBe(true);
    const dry = await json(await importFile(csv, 'dryRun=true', 'text/csv'));
    expect(dry.format).toBe('csv');
    expect(dry.summary.families.changed + dry.summary.colors.changed + dry.summary.families.created + dry.summary.colors.created).toBe(0);

    const lines = csv.split('\r\n');
    const navyRow = lines.findIndex((l) => l.startsWith('super-120s-twill,') && l.includes(',navy,'));
    lines[navyRow] = lines[navyRow]!.replace('#1C2841', '#1D2A44');
    lines.splice(navyRow + 1, 0, lines[navyRow]!.replace(',navy,Navy,', ',ink,"Ink, deep",'));
    const edited = lines.join('\r\n');
    const plan = await json(await importFile(edited, 'dryRun=true', 'text/csv'));
    expect(plan.summary.colors).toMatchObject({ created: 1, changed: 1 });
    expect(plan.changes).toContainEqual({
      entity: 'color',
      op: 'update',
      slug: 'navy',
      family: 'super-120s-twill',
      changes: { hex: { before: '#1C2841', after: '#1D2A44' } },
    });

    const broken = edited.replace('#1D2A44', 'navy-ish');
    const res = await importFile(broken, '', 'text/csv');
    expect(res.status).toBe(422);
    expect((await json(res)).error.message).toMatch(new RegExp(`row ${navyRow + 1}: hex: expected a colour`));
    // Nothing of the file was written: not even its valid new colour.
    expect((await merch.json('GET', '/api/admin/audit?action=catalog.import')).items.some((e: any) => e.after.format === 'csv')).toBe(false);
    const catalog = await json(await fetch(`${t.url}/api/catalog`));
    expect(catalog.families.find((f: any) => f.id === 'super-120s-twill').colors.map((c: any) => c.id)).not.toContain('ink');
  });

  it('is all-or-nothing: a failure on the last row leaves no trace of the rows before it', async () => {
    // A database-level failure half-way through the transaction (here a trigger; in life, a lost connection).
    await sql`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.slug = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$`.execute(t.rt.db);
    await sql`CREATE TRIGGER refuse_boom BEFORE INSERT ON fabric_colors FOR EACH ROW EXECUTE FUNCTION refuse_boom()`.execute(t.rt.db);
    try {
      const families = Array.from({ length: 30 }, (_, i) => ({
        slug: `bulk-${i}`,
        name: `Bulk ${i}`,
        design: { weave: 'plain', pattern: 'solid', threadMm: 0.3 },
        colors: [{ slug: i === 29 ? 'boom' : 'ok', name: 'C', hex: '#333333' }],
      }));
      const before = await snapshot();
      const auditBefore = (await merch.json('GET', '/api/admin/audit?limit=1')).items[0].id;
      const res = await importFile(JSON.stringify({ version: 1, families }), '');
      expect(res.status).toBe(500);
      expect(await snapshot()).toEqual(before);
      expect((await merch.json('GET', '/api/admin/audit?limit=1')).items[0].id).toBe(auditBefore);
    } finally {
      await sql`DROP TRIGGER refuse_boom ON fabric_colors`.execute(t.rt.db);
    }
  });

  it('refuses what it cannot read, saying why', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['{"version": 1, "families": [{"slug": "Bad Slug"}]}', 'application/json', /families\.0\.slug/],
      [
        '{"families": [{"family_id": "a", "display_name": "A", "colors": [{"color_id": "x", "name": "X", "hex": "#12"}]}]}',
        'application/json',
        /fabrics\.json.*hex/,
      ],
      [
        '{"version": 1, "families": [{"slug": "a", "name": "A", "design": {"weave": "plain", "pattern": "solid", "threadMm": 0.3}, "colors": [{"slug": "x", "name": "X", "hex": "#111111"}, {"slug": "x", "name": "Y", "hex": "#222222"}]}]}',
        'application/json',
        /"x" appears twice/,
      ],
      ['family,family_name\nx,X\n', 'text/csv', /lacks the columns weave, pattern, thread_mm/],
      ['not json and not csv', 'text/plain', /CSV file lacks/],
      // Malformed quoting is refused with its line, never read as a merged cell (`"ab"c` is not `abc`).
      ['family,family_name,weave,pattern,thread_mm\n"ab"c,X,plain,solid,0.3\n', 'text/csv', /^Not a valid CSV file: line 2: text follows a closing quote/],
    ];
    for (const [body, type, message] of cases) {
      const res = await importFile(body, 'dryRun=true', type);
      expect(res.status, body).toBe(422);
      expect((await json(res)).error.message).toMatch(message);
    }
    expect((await merch('POST', '/api/admin/catalog/import?mode=replace', '{}', { 'content-type': 'application/json' })).status).toBe(422);
  });
});
