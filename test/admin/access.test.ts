import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes } from '../../src/admin/routes.ts';
import { ROLES, type Role } from '../../src/auth/roles.ts';
import { useZodSchemas } from '../../src/http/contract.ts';
import { startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { consoleClient, createAccount, signIn } from './helpers.ts';

/**
 * Every console route, read from Fastify as the admin plugin registers it: 401 without a session,
 * 403 for each role it does not admit. A route added later is in this table without anyone listing it.
 */

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
const routes: Array<{ method: string; url: string; access: 'public' | readonly Role[] }> = [];
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
  // The same plugin on a bare instance, only to read its route table.
  const probe = Fastify();
  probe.decorate('runtime', t.rt);
  useZodSchemas(probe);
  probe.addHook('onRoute', (route: RouteOptions) => {
    if (route.method === 'HEAD') return;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access ?? 'public' });
  });
  await probe.register(adminRoutes);
  await probe.ready();
  await probe.close();
  for (const role of ROLES) {
    await createAccount(t, `${role}@example.com`, role);
    cookies[role] = await signIn(t, `${role}@example.com`);
  }
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** A concrete path for a route pattern: ids become a UUID that names nothing. */
const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');

describe('console access control', () => {
  it('finds the whole console in the route table', () => {
    const paths = routes.map((r) => `${r.method} ${r.url}`);
    expect(paths.length).toBeGreaterThanOrEqual(30);
    for (const expected of [
      'POST /api/admin/login',
      'GET /api/admin/families',
      'POST /api/admin/catalog/import',
      'POST /api/admin/renders/purge',
      'GET /api/admin/audit',
    ]) {
      expect(paths).toContain(expected);
    }
    // Only login and logout are open; every other route names its roles.
    expect(
      routes
        .filter((r) => r.access === 'public')
        .map((r) => r.url)
        .sort(),
    ).toEqual(['/api/admin/login', '/api/admin/logout']);
  });

  it('has no /api/admin route outside the admin plugin', () => {
    // printRoutes draws a tree ("│   ├── api/admin/families (GET, HEAD, POST)"): rebuild the full paths.
    const stack: string[] = [];
    const paths: string[] = [];
    for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const at = line.indexOf('── ');
      if (at < 0) continue;
      const depth = Math.round(at / 4);
      const segment = line.slice(at + 3).replace(/ \(.*\)$/, '');
      stack.length = depth;
      stack.push(segment);
      paths.push(stack.join('').replace(/\/\//g, '/'));
    }
    const admin = paths.filter((p) => p.startsWith('/api/admin'));
    const known = new Set(routes.map((r) => r.url));
    expect(admin.length).toBeGreaterThanOrEqual(known.size);
    expect(admin.filter((p) => !known.has(p))).toEqual([]);
    for (const r of routes) expect(t.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`).toBe(true);
  });

  it('answers 401 without a session, and with a forged or stale cookie, on every protected route', async () => {
    const anonymous = consoleClient(t, undefined);
    const forged = consoleClient(t, 'atelier_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      for (const client of [anonymous, forged]) {
        const res = await client(route.method, concrete(route.url), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
        if (res.status !== 401) failures.push(`${route.method} ${route.url} → ${res.status}`);
        else expect(((await res.json()) as any).error.code).toBe('unauthenticated');
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 to every role a route does not admit, and lets the others past the guard', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes.filter((r) => r.access !== 'public')) {
      for (const role of ROLES) {
        const res = await consoleClient(t, cookies[role])(
          route.method,
          concrete(route.url),
          route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        );
        const admitted = (route.access as readonly Role[]).includes(role);
        if (!admitted && res.status !== 403) failures.push(`${role}: ${route.method} ${route.url} → ${res.status}, expected 403`);
        if (admitted && (res.status === 401 || res.status === 403 || res.status >= 500)) failures.push(`${role}: ${route.method} ${route.url} → ${res.status}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(90);
  });

  it('keeps associates out of everything but their own session', () => {
    const associateRoutes = routes
      .filter((r) => r.access !== 'public' && (r.access as readonly Role[]).includes('associate'))
      .map((r) => `${r.method} ${r.url}`);
    expect(associateRoutes.sort()).toEqual(['GET /api/admin/me', 'POST /api/admin/me/password']);
  });
});
