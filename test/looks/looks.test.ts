import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let finished: string[] = [];
/** Looks are made by a signed-in associate on a tablet. */
let associate: Session;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  associate = await associateSession(t);
  // Two finished renders to save in looks.
  const res = await post('/api/renders', { family: 'super-120s-twill', color: 'navy', cuts: ['single-breasted', 'double-breasted'] });
  const batch = await json(res);
  finished = batch.renders.map((r: any) => r.id);
  for (const id of finished) {
    await waitFor(async () => {
      const r = await json(await fetch(`${t.url}/api/renders/${id}`));
      if (r.status === 'failed') throw new Error(`render failed: ${r.error}`);
      return r.status === 'succeeded';
    }, 120_000);
  }
  // Starting the worker builds the garment templates, which takes a while on two cores.
}, 300_000);
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** As the associate; a look is for a client, named here unless a test names one. */
function post(path: string, body: Record<string, unknown>) {
  return associate.send('POST', path, path === '/api/looks' && !('clientName' in body) ? { clientName: 'A client', ...body } : body);
}

describe('looks', () => {
  it('saves a look and reads it back by its share token, renders in the chosen order with names', async () => {
    const res = await post('/api/looks', { title: 'Wedding, June', clientName: 'Ana García', renderIds: [finished[1], finished[0]] });
    expect(res.status).toBe(201);
    const saved = await json(res);
    expect(saved.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(saved.url).toBe(`/looks/${saved.token}`);
    const days = (new Date(saved.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const read = await fetch(`${t.url}/api/looks/${saved.token}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toContain('no-store');
    expect(read.headers.get('x-robots-tag')).toContain('noindex');
    const look = await json(read);
    expect(look).toMatchObject({ token: saved.token, title: 'Wedding, June', clientName: 'Ana García', expiresAt: saved.expiresAt });
    expect(look.renders.map((r: any) => r.id)).toEqual([finished[1], finished[0]]);
    expect(look.renders[0]).toMatchObject({ status: 'succeeded', family: 'super-120s-twill', color: 'navy', cut: 'double-breasted' });
    expect(look.renders[0].labels).toEqual({ family: 'Super 120s Twill', color: 'Navy', cut: 'Double-breasted six-on-two' });
    expect(look.renders[0].images.map((i: any) => i.size).sort()).toEqual(['full', 'preview', 'thumb']);
    // The images the page shows are reachable without signing in.
    expect((await fetch(t.url + look.renders[0].images[0].url)).status).toBe(200);
  });

  it('makes a different unguessable token for each look; a title and the client are enough', async () => {
    const a = await json(await post('/api/looks', { title: 'A', renderIds: [finished[0]] }));
    const b = await json(await post('/api/looks', { title: 'B', renderIds: [finished[0]] }));
    expect(a.token).not.toBe(b.token);
    const look = await json(await fetch(`${t.url}/api/looks/${a.token}`));
    expect(look.clientName).toBe('A client');
  });

  it('stores a repeated render once', async () => {
    const saved = await json(await post('/api/looks', { title: 'Twice', renderIds: [finished[0], finished[0], finished[1]] }));
    const look = await json(await fetch(`${t.url}/api/looks/${saved.token}`));
    expect(look.renders.map((r: any) => r.id)).toEqual([finished[0], finished[1]]);
  });

  it('honours a chosen expiry', async () => {
    const saved = await json(await post('/api/looks', { title: 'Short', renderIds: [finished[0]], expiresInDays: 2 }));
    const days = (new Date(saved.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(1.9);
    expect(days).toBeLessThanOrEqual(2);
  });

  it('answers 410 for an expired look and 404 for an unknown or malformed token', async () => {
    const saved = await json(await post('/api/looks', { title: 'Old', renderIds: [finished[0]] }));
    await t.rt.pool.query(`UPDATE looks SET created_at = now() - interval '40 days', expires_at = now() - interval '10 days' WHERE token = $1`, [saved.token]);
    const expired = await fetch(`${t.url}/api/looks/${saved.token}`);
    expect(expired.status).toBe(410);
    expect((await json(expired)).error).toMatchObject({ code: 'look_expired', message: expect.stringMatching(/expired/) });

    const unknown = await fetch(`${t.url}/api/looks/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('not_found');
    expect((await fetch(`${t.url}/api/looks/short`)).status).toBe(404);
  });

  describe('refuses a look that cannot be shown, writing nothing', () => {
    async function lookCount() {
      const { rows } = await t.rt.pool.query('SELECT (SELECT count(*) FROM looks)::int AS looks, (SELECT count(*) FROM look_renders)::int AS items');
      return rows[0];
    }

    it('an unknown render', async () => {
      const before = await lookCount();
      const missing = '00000000-0000-4000-8000-000000000000';
      const res = await post('/api/looks', { title: 'X', renderIds: [finished[0], missing] });
      expect(res.status).toBe(422);
      const error = (await json(res)).error;
      expect(error).toMatchObject({ code: 'unknown_render', details: { renderIds: [missing] } });
      expect(error.message).toContain(missing);
      expect(await lookCount()).toEqual(before);
    });

    it('a render that has not finished', async () => {
      const { rows } = await t.rt.pool.query(
        `INSERT INTO renders (cache_key, status, engine, engine_version, family_id, color_id, cut_id, view)
         SELECT 'test-unfinished', 'failed', 'compose', 'test', f.id, k.id, c.id, 'front'
         FROM fabric_families f JOIN fabric_colors k ON k.family_id = f.id, cuts c
         WHERE f.slug = 'super-120s-twill' AND k.slug = 'navy' AND c.slug = 'single-breasted' RETURNING id`,
      );
      const before = await lookCount();
      const res = await post('/api/looks', { title: 'X', renderIds: [rows[0].id] });
      expect(res.status).toBe(422);
      expect((await json(res)).error).toMatchObject({ code: 'render_not_ready', details: { renderIds: [rows[0].id] } });
      expect(await lookCount()).toEqual(before);
    });

    it.each([
      ['no title', { renderIds: ['00000000-0000-4000-8000-000000000000'] }, /^title/],
      ['a blank title', { title: '   ', renderIds: ['00000000-0000-4000-8000-000000000000'] }, /^title/],
      ['no renders', { title: 'X', renderIds: [] }, /^renderIds: choose at least one/],
      ['too many renders', { title: 'X', renderIds: Array.from({ length: 25 }, () => '00000000-0000-4000-8000-000000000000') }, /^renderIds: at most 24/],
      ['a malformed id', { title: 'X', renderIds: ['nope'] }, /^renderIds\.0/],
      ['an unknown field', { title: 'X', renderIds: ['00000000-0000-4000-8000-000000000000'], owner: 'me' }, /owner|Unrecognized/i],
    ])('%s', async (_name, body, message) => {
      const before = await lookCount();
      const res = await post('/api/looks', body);
      expect(res.status).toBe(422);
      expect((await json(res)).error.message).toMatch(message);
      expect(await lookCount()).toEqual(before);
    });
  });

  it('keeps a render that a look shows from being deleted', async () => {
    await json(await post('/api/looks', { title: 'Kept', renderIds: [finished[0]] }));
    await expect(t.rt.pool.query('DELETE FROM renders WHERE id = $1', [finished[0]])).rejects.toThrow(/look_renders/);
  });
});
