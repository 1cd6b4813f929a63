import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../../test/helpers/harness.ts';
import { etagMatches } from './cache.ts';

/** Two API replicas on one database: the catalogue is served from memory and changes reach both. */
let pgServer: Awaited<ReturnType<typeof startTestDatabase>>;
let a: TestApp;
let b: TestApp;
let sqlClient: pg.Client;

beforeAll(async () => {
  pgServer = await startTestDatabase();
  a = await startTestApp({ databaseUrl: pgServer.url, worker: false });
  b = await startTestApp({ databaseUrl: pgServer.url, worker: false, seedDemo: false });
  sqlClient = new pg.Client({ connectionString: pgServer.url });
  await sqlClient.connect();
});

afterAll(async () => {
  await sqlClient?.end();
  await a?.close();
  await b?.close();
  await pgServer?.stop();
});

async function familyName(app: TestApp, slug: string): Promise<string> {
  const catalog = await json(await fetch(`${app.url}/api/catalog`));
  return catalog.families.find((f: { id: string }) => f.id === slug).name;
}

describe('the catalogue cache', () => {
  it('answers with a strong ETag and 304 when the client has it', async () => {
    const first = await fetch(`${a.url}/api/catalog`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await json(first)).families.length).toBeGreaterThan(0);

    const again = await fetch(`${a.url}/api/catalog`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // Same data, same validator, on every replica.
    expect((await fetch(`${b.url}/api/catalog`)).headers.get('etag')).toBe(etag);
    expect((await fetch(`${a.url}/api/catalog`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    const cuts = await fetch(`${a.url}/api/cuts`);
    expect(cuts.status).toBe(200);
    expect((await fetch(`${a.url}/api/cuts`, { headers: { 'if-none-match': cuts.headers.get('etag')! } })).status).toBe(304);
  });

  it('serves from memory: a change that sends no notification is not seen', async () => {
    const before = await familyName(a, 'herringbone');
    await sqlClient.query('ALTER TABLE fabric_families DISABLE TRIGGER fabric_families_changed');
    try {
      await sqlClient.query(`UPDATE fabric_families SET name = 'Silent rename' WHERE slug = 'herringbone'`);
      expect(await familyName(a, 'herringbone')).toBe(before);
    } finally {
      await sqlClient.query(`UPDATE fabric_families SET name = $1 WHERE slug = 'herringbone'`, [before]);
      await sqlClient.query('ALTER TABLE fabric_families ENABLE TRIGGER fabric_families_changed');
    }
  });

  it('a change by any writer reaches every replica through NOTIFY, with a new ETag', async () => {
    const oldTag = (await fetch(`${b.url}/api/catalog`)).headers.get('etag')!;
    await familyName(a, 'herringbone');
    await sqlClient.query(`UPDATE fabric_families SET name = 'Herringbone Tweed (new)' WHERE slug = 'herringbone'`);
    await waitFor(async () => (await familyName(a, 'herringbone')) === 'Herringbone Tweed (new)', 5_000, 20);
    await waitFor(async () => (await familyName(b, 'herringbone')) === 'Herringbone Tweed (new)', 5_000, 20);
    const res = await fetch(`${b.url}/api/catalog`, { headers: { 'if-none-match': oldTag } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).not.toBe(oldTag);
    // The replaced API's catalogue reads the same cached rows.
    const legacy = await json(await fetch(`${b.url}/catalog`));
    expect(legacy.families.find((f: { family_id: string }) => f.family_id === 'herringbone').display_name).toBe('Herringbone Tweed (new)');

    // A colour hidden from the catalogue disappears as well.
    await sqlClient.query(
      `UPDATE fabric_colors SET active = false WHERE slug = 'grey' AND family_id = (SELECT id FROM fabric_families WHERE slug = 'herringbone')`,
    );
    await waitFor(
      async () => {
        const catalog = await json(await fetch(`${a.url}/api/catalog`));
        const family = catalog.families.find((f: { id: string }) => f.id === 'herringbone');
        return !family.colors.some((c: { id: string }) => c.id === 'grey');
      },
      5_000,
      20,
    );
  });

  it('one LISTEN connection per process, whatever the number of streams', async () => {
    const { rows } = await sqlClient.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN atelier_render%'`);
    // a and b each hold exactly one listener.
    expect(rows[0].n).toBe(2);
  });
});

describe('If-None-Match', () => {
  it('matches lists, weak forms and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagMatches('W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"c"', '"b"')).toBe(false);
    expect(etagMatches(undefined, '"b"')).toBe(false);
  });
});
