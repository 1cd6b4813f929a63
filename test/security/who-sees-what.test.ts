import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clothPhoto } from '../admin/helpers.ts';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { startRuntime } from '../../src/runtime.ts';
import { json, startTestApp, startTestDatabase, testEnv, type TestApp } from '../helpers/harness.ts';
import { createStaff, signInAs, type Session } from '../helpers/session.ts';

/** Issue 13 "Who can see what": History, clients and looks need a session and show what they should. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false, env: { DEVICE_SESSION_TTL_DAYS: '45' } });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

async function clothJpeg() {
  return (await clothPhoto('#3A4F6B')).jpeg;
}

async function order(s: Session, color: string): Promise<string[]> {
  const res = await s.send('POST', '/api/renders', { family: 'super-120s-twill', color, cuts: ['single-breasted'] });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBeLessThan(300);
  return body.renders.map((r: { id: string }) => r.id);
}

async function history(s: Session): Promise<string[]> {
  const res = await s.fetch('/api/renders?limit=100');
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(res.headers.get('cache-control')).toMatch(/no-store/);
  return body.items.map((r: { id: string }) => r.id).sort();
}

describe('History', () => {
  it('is not shown to anyone without a session', async () => {
    const res = await fetch(`${t.url}/api/renders`);
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthenticated');
  });

  it('shows an associate their own and their store’s renders, an administrator everyone’s', async () => {
    const ana = await signInAs(t, (await createStaff(t, { store: 'Serrano' })).email);
    const bea = await signInAs(t, (await createStaff(t, { store: 'Serrano' })).email);
    const carla = await signInAs(t, (await createStaff(t, { store: 'Diagonal' })).email);
    const dora = await signInAs(t, (await createStaff(t, { store: null })).email);
    const admin = await signInAs(t, (await createStaff(t, { role: 'admin', store: null })).email);

    const anas = await order(ana, 'navy');
    const carlas = await order(carla, 'charcoal');
    expect(await history(ana)).toEqual(anas);
    expect(await history(bea)).toEqual(anas);
    expect(await history(carla)).toEqual(carlas);
    expect(await history(dora)).toEqual([]);
    const all = await history(admin);
    for (const id of [...anas, ...carlas]) expect(all).toContain(id);

    // The same request from another store joins the same render: now it is theirs too.
    const again = await order(carla, 'navy');
    expect(again).toEqual(anas);
    expect(await history(carla)).toEqual([...anas, ...carlas].sort());
    expect(await history(ana)).toEqual(anas);
  });

  it('keeps an associate’s tablet signed in for DEVICE_SESSION_TTL_DAYS', async () => {
    const staff = await createStaff(t);
    const res = await fetch(`${t.url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ email: staff.email, password: staff.password }),
    });
    const { expiresAt, user } = await json(res);
    expect(user.store).toBe('Test store');
    const days = (new Date(expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(44.9);
    expect(days).toBeLessThan(45.1);
  });
});

describe('ordering renders and uploading cloth photos', () => {
  const renderCount = async () => (await t.rt.pool.query(`SELECT count(*)::int AS n FROM renders`)).rows[0].n as number;
  const uploadCount = async () => (await t.rt.pool.query(`SELECT count(*)::int AS n FROM swatch_uploads`)).rows[0].n as number;

  it('need a signed-in account on the Atelier API; refused calls write nothing', async () => {
    const renders = await renderCount();
    const uploads = await uploadCount();
    const ordered = await fetch(`${t.url}/api/renders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ family: 'super-120s-twill', color: 'navy', cuts: ['single-breasted'], sizes: ['preview'] }),
    });
    expect(ordered.status).toBe(401);
    expect((await json(ordered)).error.code).toBe('unauthenticated');
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(await clothJpeg())], { type: 'image/jpeg' }), 'cloth.jpg');
    form.set('widthMm', '80');
    const uploaded = await fetch(`${t.url}/api/swatch-uploads`, { method: 'POST', body: form, headers: { origin: t.url } });
    expect(uploaded.status).toBe(401);
    expect((await json(uploaded)).error.code).toBe('unauthenticated');
    expect(await renderCount()).toBe(renders);
    expect(await uploadCount()).toBe(uploads);

    // Signed in, both work (and the upload renders like any colour).
    const s = await signInAs(t, (await createStaff(t)).email);
    form.set('file', new Blob([new Uint8Array(await clothJpeg())], { type: 'image/jpeg' }), 'cloth.jpg');
    const upload = await s.fetch('/api/swatch-uploads', { method: 'POST', body: form });
    const body = await json(upload);
    expect(upload.status, JSON.stringify(body)).toBe(201);
    const res = await s.send('POST', '/api/renders', { family: 'super-120s-twill', swatchUploadId: body.id, cuts: ['single-breasted'] });
    expect(res.status).toBe(202);
    // Reading a render stays public: share pages and image URLs carry no session.
    const id = (await json(res)).renders[0].id;
    expect((await fetch(`${t.url}/api/renders/${id}`)).status).toBe(200);
  });
});

describe('clients and looks', () => {
  it('need a session; the share link alone stays public', async () => {
    expect((await fetch(`${t.url}/api/clients`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/looks`)).status).toBe(401);
    const post = await fetch(`${t.url}/api/looks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: t.url },
      body: JSON.stringify({ title: 'x', clientName: 'y', renderIds: [] }),
    });
    expect(post.status).toBe(401);
  });

  it('a look made on one tablet belongs to a client record that every tablet of the house sees', async () => {
    const north = await signInAs(t, (await createStaff(t, { store: 'Serrano' })).email);
    const south = await signInAs(t, (await createStaff(t, { store: 'Diagonal' })).email);
    const client = await json(await north.send('POST', '/api/clients', { name: 'Ana García', notes: 'Wedding in June; prefers lighter cloth' }));
    expect(client).toMatchObject({ name: 'Ana García', notes: 'Wedding in June; prefers lighter cloth', looks: 0 });

    // A finished render to put in the look.
    const [renderId] = await order(north, 'navy');
    await t.rt.pool.query(`UPDATE renders SET status = 'succeeded', finished_at = now() WHERE id = $1`, [renderId]);
    const saved = await north.send('POST', '/api/looks', { title: 'Wedding, June', clientId: client.id, renderIds: [renderId] });
    const look = await json(saved);
    expect(saved.status, JSON.stringify(look)).toBe(201);
    expect(look).toMatchObject({ clientId: client.id, clientName: 'Ana García' });

    const found = await json(await south.fetch(`/api/clients?q=${encodeURIComponent('garcía')}`));
    expect(found.items).toEqual([expect.objectContaining({ id: client.id, notes: client.notes, looks: 1 })]);
    const looks = await json(await south.fetch(`/api/looks?clientId=${client.id}`));
    expect(looks.items).toEqual([expect.objectContaining({ token: look.token, title: 'Wedding, June', clientName: 'Ana García', renderIds: [renderId] })]);
    expect((await json(await south.send('PATCH', `/api/clients/${client.id}`, { notes: 'Fitting on the 12th' }))).notes).toBe('Fitting on the 12th');

    // The client, holding only the link, reads the look without any session.
    const shared = await fetch(`${t.url}/api/looks/${look.token}`);
    expect(shared.status).toBe(200);
    expect((await json(shared)).clientName).toBe('Ana García');
  });

  it('a look for a new client by name makes the client record', async () => {
    const s = await signInAs(t, (await createStaff(t)).email);
    const [renderId] = await order(s, 'charcoal');
    await t.rt.pool.query(`UPDATE renders SET status = 'succeeded', finished_at = now() WHERE id = $1`, [renderId]);
    const look = await json(await s.send('POST', '/api/looks', { title: 'First visit', clientName: 'Luis Pérez', renderIds: [renderId] }));
    expect(look.clientId).toEqual(expect.any(String));
    expect(await json(await s.fetch(`/api/clients/${look.clientId}`))).toMatchObject({ name: 'Luis Pérez', looks: 1 });
    const none = await s.send('POST', '/api/looks', { title: 'For nobody', renderIds: [renderId] });
    expect(none.status).toBe(422);
    expect((await json(none)).error.message).toMatch(/^clientId:/);
  });
});

describe('the replaced front end’s API', () => {
  async function appWith(env: Record<string, string>) {
    const lines: string[] = [];
    const config = loadConfig(testEnv({ DATABASE_URL: pg.url, FILES_DIR: `${pg.dir}/files`, LOG_LEVEL: 'info', ...env }));
    const rt = await startRuntime(config, pino({ level: 'info' }, { write: (l: string) => lines.push(l) }), { seedDemo: false });
    const app = await buildApp(rt);
    return { app, rt, lines };
  }
  const generate = { family_id: 'super-120s-twill', color_id: 'navy', cuts: ['recto'] };

  it('with LEGACY_API=session needs a signed-in account, and says so at start', async () => {
    const { app, rt, lines } = await appWith({ LEGACY_API: 'session' });
    try {
      expect(lines.join('\n')).toMatch(/LEGACY_API=session/);
      const res = await app.inject({ method: 'POST', url: '/generate', payload: generate, headers: { origin: 'http://localhost' } });
      expect(res.statusCode).toBe(401);
      expect((await app.inject({ url: '/jobs/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(401);
      expect((await app.inject({ url: '/catalog' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await rt.close();
    }
  });

  it('is open without a session by default outside production, and warns so at start; production closes it', async () => {
    const { app, rt, lines } = await appWith({});
    try {
      expect(lines.join('\n')).toMatch(/"level":40.*LEGACY_API=open/);
      const res = await app.inject({ method: 'POST', url: '/generate', payload: generate });
      expect(res.statusCode).toBe(201);
    } finally {
      await app.close();
      await rt.close();
    }
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).legacyApi).toBe('session');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), LEGACY_API: 'open' }).legacyApi).toBe('open');
    expect(loadConfig({ NODE_ENV: 'development' }).legacyApi).toBe('open');
  });
});
