import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleClient, createAccount, signIn, type Console } from '../admin/helpers.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

const JWT_SECRET = 'a-jwt-secret-of-more-than-32-characters-0123';
const ADMIN_PASSWORD = 'the admin password of the test';
const METRICS_TOKEN = 'metrics-token-never-shown-4567';
const SHOP = 'https://shop.example.com';

describe('operator diagnostics', () => {
  let pg: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;
  let admin: Console;

  beforeAll(async () => {
    pg = await startTestDatabase();
    t = await startTestApp({
      databaseUrl: pg.url,
      worker: false,
      env: { JWT_SECRET, ADMIN_PASSWORD, METRICS_TOKEN, CORS_ORIGINS: `${SHOP},https://other.example.org`, RETENTION_FAILED_RENDERS_DAYS: '9' },
    });
    admin = consoleClient(t, await signIn(t, 'admin@atelier.local', ADMIN_PASSWORD));
    await createAccount(t, 'merch@example.com', 'merchandiser');
  });
  afterAll(async () => {
    await t?.close();
    await pg?.stop();
  });

  it('is for administrators only', async () => {
    const anonymous = consoleClient(t, undefined);
    const merchandiser = consoleClient(t, await signIn(t, 'merch@example.com'));
    for (const path of ['/api/admin/config', `/api/admin/cors-debug?origin=${SHOP}`]) {
      expect((await anonymous('GET', path)).status).toBe(401);
      expect((await merchandiser('GET', path)).status).toBe(403);
    }
  });

  it('shows the effective configuration with every secret masked, and audits the look', async () => {
    const res = await admin('GET', '/api/admin/config');
    expect(res.status).toBe(200);
    const text = await res.text();
    const { config } = JSON.parse(text);
    expect(config.http.corsOrigins).toEqual([SHOP, 'https://other.example.org']);
    expect(config.retention.failedRendersDays).toBe(9);
    expect(config.auth).toMatchObject({ jwtSecret: '[set]', adminPassword: '[set]' });
    expect(config.metrics.token).toBe('[set]');
    for (const secret of [JWT_SECRET, ADMIN_PASSWORD, METRICS_TOKEN, new URL(pg.url).password]) expect(text).not.toContain(secret);

    const audit = await admin.json('GET', '/api/admin/audit?action=diagnostics.');
    expect(audit.items.map((e: any) => `${e.actor} ${e.action}`)).toContain('admin@atelier.local diagnostics.config_viewed');
  });

  it('tells what CORS answers a listed Origin', async () => {
    const body = await admin.json('GET', `/api/admin/cors-debug?origin=${encodeURIComponent(SHOP)}`);
    expect(body.configured.corsOrigins).toEqual([SHOP, 'https://other.example.org']);
    expect(body.api.allowed).toBe(true);
    expect(body.api.reason).toBe('listed in CORS_ORIGINS');
    expect(body.api.preflight.status).toBe(204);
    expect(body.api.preflight.headers['access-control-allow-origin']).toBe(SHOP);
    expect(body.api.simpleRequest.headers).toMatchObject({ 'access-control-allow-origin': SHOP, 'access-control-allow-credentials': 'true' });
    expect(body.console.stateChangingAllowed).toBe(true);
  });

  it('tells what CORS answers an Origin that is not listed, the same as a real browser gets', async () => {
    const stranger = 'https://evil.example.net';
    const body = await admin.json('GET', `/api/admin/cors-debug?origin=${encodeURIComponent(stranger)}`);
    expect(body.api.allowed).toBe(false);
    expect(body.api.reason).toMatch(/not listed in CORS_ORIGINS/);
    expect(body.api.simpleRequest.headers['access-control-allow-origin']).toBeUndefined();
    expect(body.console.stateChangingAllowed).toBe(false);
    const real = await fetch(`${t.url}/version`, { headers: { origin: stranger } });
    expect(real.headers.get('access-control-allow-origin')).toBeNull();

    const audit = await admin.json('GET', '/api/admin/audit?action=diagnostics.cors_checked');
    expect(audit.items[0].after).toEqual({ origin: stranger });
  });

  it('says what is wrong with a malformed Origin', async () => {
    for (const origin of ['', 'shop.example.com', 'https://shop.example.com/path', 'ftp://x.example']) {
      const res = await admin('GET', `/api/admin/cors-debug?origin=${encodeURIComponent(origin)}`);
      expect(res.status, origin).toBe(422);
      expect((await json(res)).error.message).toMatch(/origin/);
    }
  });
});
