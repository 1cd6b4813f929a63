/**
 * `atelier serve` serves the built web app at `/`: hashed assets cached for good, index.html never,
 * the app's own paths answered with index.html, API paths keeping their JSON 404s.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webRoutes } from '../../src/http/web.ts';

let dist: string;
let app: FastifyInstance;
let empty: FastifyInstance;

async function server(distDir: string) {
  const s = Fastify();
  // The same JSON 404 as the real app's.
  s.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url}` } }));
  s.get('/api/catalog', async () => ({ families: [] }));
  await s.register(webRoutes, { distDir });
  await s.ready();
  return s;
}

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'atelier-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Atelier</title><script type="module" src="/assets/index-abc123.js"></script>');
  await writeFile(path.join(dist, 'assets/index-abc123.js'), 'console.log("app")');
  await writeFile(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  app = await server(dist);
  empty = await server(path.join(dist, 'not-built'));
});
afterAll(async () => {
  await app?.close();
  await empty?.close();
  await rm(dist, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('answers / with index.html, never cached', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('/assets/index-abc123.js');
  });

  it('caches hashed assets for a year, other files not', async () => {
    const js = await app.inject('/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/looks/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd', '/admin', '/admin/users/42'])('falls back to the app for %s', async (url) => {
    // What a browser sends when it navigates to a page.
    const res = await app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Atelier</title>');
  });

  it('answers an API-style call to /admin/* (no text/html in Accept) with 401, not the page', async () => {
    const res = await app.inject({ url: '/admin/fabrics', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('<title>');
  });

  it.each(['/api/nope', '/api/looks/', '/files/renders/x.jpg', '/jobs', '/assets/missing.js', '/something-else'])('keeps the JSON 404 for %s', async (url) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('leaves the API alone', async () => {
    expect((await app.inject('/api/catalog')).json()).toEqual({ families: [] });
  });

  it('says how to build the app when web/dist is missing', async () => {
    const res = await empty.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build:web');
    expect((await empty.inject('/api/nope')).statusCode).toBe(404);
  });
});
