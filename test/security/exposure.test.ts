import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { createStaff, signInAs } from '../helpers/session.ts';
import { json, startTestDatabase, tempDir, testEnv, type TestApp } from '../helpers/harness.ts';
import type { FastifyInstance } from 'fastify';
import type net from 'node:net';

/** Issue 13 item 12: what the public can read, what the logs keep, which passwords pass, how swatch cards cache. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let rt: Runtime;
let app: FastifyInstance;
let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  pg = await startTestDatabase();
  const config = loadConfig(testEnv({ DATABASE_URL: pg.url, FILES_DIR: await tempDir(), LOG_LEVEL: 'info' }));
  rt = await startRuntime(config, createLogger(config, 'atelier', { write: (l: string) => void logLines.push(l) }), { seedDemo: true });
  app = await buildApp(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
  t = { config, rt, app, url, close: async () => undefined };
});
afterAll(async () => {
  await app?.close();
  await rt?.close();
  await pg?.stop();
});

describe('/readyz', () => {
  it('says which dependency failed, never its address, path or error', async () => {
    const check = rt.storage.check.bind(rt.storage);
    rt.storage.check = async () => {
      throw new Error('EACCES: permission denied, open /srv/atelier/files/.probe on 10.0.4.7');
    };
    try {
      const res = await fetch(`${t.url}/readyz`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: 'unavailable', failed: ['storage'], checks: { database: 'ok', storage: 'failed' }, gpu: false });
      expect(text).not.toMatch(/srv|10\.0\.4\.7|EACCES/);
      // The reason is in the log for the operator.
      const line = logLines.find((l) => l.includes('readiness check failed'));
      expect(line).toMatch(/EACCES/);
    } finally {
      rt.storage.check = check;
    }
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});

describe('access logs', () => {
  it('never hold a look’s share token', async () => {
    const token = 'Q'.repeat(43);
    logLines.length = 0;
    await fetch(`${t.url}/api/looks/${token}`);
    await fetch(`${t.url}/looks/${token}?from=mail`);
    const logged = logLines.join('\n');
    expect(logged).toMatch(/"url":"\/api\/looks\/\[redacted\]"/);
    expect(logged).toMatch(/"url":"\/looks\/\[redacted\]\?from=mail"/);
    expect(logged).not.toContain(token);
  });
});

describe('new passwords', () => {
  it.each([['password12'], ['contraseña123'], ['qwertyuiop1'], ['atelier2026']])('refuses an easily guessed one: %s', async (password) => {
    const admin = await signInAs(t, (await createStaff(t, { role: 'admin' })).email);
    const before = await rt.pool.query('SELECT count(*)::int AS n FROM users');
    const res = await admin.send('POST', '/api/admin/users', { email: `weak-${Math.random()}@example.com`, role: 'associate', password });
    expect(res.status).toBe(422);
    expect((await json(res)).error.message).toMatch(/^password: The password is too easy to guess/);
    expect((await rt.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses one built from the person’s own email, and accepts a passphrase', async () => {
    const admin = await signInAs(t, (await createStaff(t, { role: 'admin' })).email);
    const own = await admin.send('POST', '/api/admin/users', { email: 'lucia.fernandez@example.com', role: 'associate', password: 'luciafernandez1' });
    expect(own.status).toBe(422);
    const good = await admin.send('POST', '/api/admin/users', { email: 'lucia.fernandez@example.com', role: 'associate', password: 'velvet lapels at dawn' });
    expect(good.status).toBe(201);
  });
});

describe('catalogue swatch cards', () => {
  it('carry a strong ETag, are immutable under their versioned URL, and read no database when unchanged', async () => {
    const catalog = await json(await fetch(`${t.url}/api/catalog`));
    const url: string = catalog.families[0].colors[0].swatchUrl;
    expect(url).toMatch(/^\/api\/swatches\/.+\.jpg\?v=[0-9a-f]{10}$/);
    const first = await fetch(t.url + url);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{10}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Without the version (an old or hand-made URL): the same card, to be revalidated.
    const bare = await fetch(t.url + url.split('?')[0]);
    expect(bare.headers.get('cache-control')).toBe('no-cache');
    expect(bare.headers.get('etag')).toBe(etag);

    const queries = countQueries();
    try {
      for (let i = 0; i < 5; i++) {
        const again = await fetch(t.url + url, { headers: { 'if-none-match': etag } });
        expect(again.status).toBe(304);
      }
      expect((await fetch(t.url + url)).status).toBe(200);
    } finally {
      expect(queries.stop()).toBe(0);
    }
    expect((await fetch(`${t.url}/api/swatches/${catalog.families[0].id}/no-such-colour.jpg`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/swatches/no-such-family/x.jpg`)).status).toBe(404);
  });
});

describe('the catalogue in memory', () => {
  it('survives a console sign-in and sign-out, and is dropped by a catalogue change', async () => {
    await fetch(`${t.url}/api/catalog`);
    const staff = await createStaff(t, { role: 'admin' });
    const session = await signInAs(t, staff.email, staff.password);
    await session.fetch('/api/admin/logout', { method: 'POST' });
    let queries = countQueries();
    try {
      expect((await fetch(`${t.url}/api/catalog`)).status).toBe(200);
    } finally {
      expect(queries.stop()).toBe(0);
    }

    const admin = await signInAs(t, staff.email, staff.password);
    const listed = await json(await admin.fetch('/api/admin/families'));
    const family = listed.items[0];
    const renamed = `${family.name} (renamed)`;
    const res = await admin.send('PATCH', `/api/admin/families/${family.id}`, { name: renamed });
    expect(res.status, await res.clone().text()).toBe(200);
    queries = countQueries();
    const after = await json(await fetch(`${t.url}/api/catalog`));
    expect(queries.stop()).toBeGreaterThan(0);
    expect(after.families.map((f: { name: string }) => f.name)).toContain(renamed);
  });
});

/** Counts statements sent to PostgreSQL by this process until stop(). */
function countQueries() {
  let n = 0;
  const pool = rt.pool as unknown as { query: (...a: unknown[]) => unknown; connect: (...a: unknown[]) => unknown };
  const original = { query: pool.query, connect: pool.connect };
  pool.query = function (...a: unknown[]) {
    n++;
    return original.query.apply(this, a);
  };
  pool.connect = function (...a: unknown[]) {
    n++;
    return original.connect.apply(this, a);
  };
  return {
    stop() {
      pool.query = original.query;
      pool.connect = original.connect;
      return n;
    },
  };
}
