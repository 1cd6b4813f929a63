import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isApiStyleRequest, replacedAdminApiRefusal } from '../legacy/service.ts';
import { PROJECT_ROOT } from '../runtime.ts';

export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

export interface WebRoutesOptions {
  /** The built SPA (vite's output); defaults to web/dist. */
  distDir?: string;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Atelier</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#faf7f0;color:#23211e;max-width:36rem;margin:15vh auto;padding:0 1.5rem}
h1{font-family:Georgia,serif;font-weight:500}code{background:#efe9dd;padding:.1em .35em;border-radius:4px}</style></head>
<body><h1>Atelier</h1><p>The web app has not been built yet. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload this page.</p>
<p>The API is running: see <a href="/healthz">/healthz</a>.</p></body></html>`;

/**
 * Serves the stylist web app: hashed assets from web/dist with immutable caching, and index.html
 * (never cached) for the SPA's own paths. API paths keep their JSON 404s: only `/`, `/looks/*` and
 * `/admin*` fall back to the app.
 */
export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions = {}) {
  const dist = options.distDir ?? WEB_DIST;
  const indexFile = path.join(dist, 'index.html');

  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    index: false,
    // The SPA's routes are served below; a missing file goes to the app's JSON 404.
    wildcard: true,
    suppressWarning: true,
    cacheControl: false,
    // vite writes .br and .gz next to each asset; clients that accept them get the smaller file.
    preCompressed: true,
    setHeaders(reply, filePath) {
      const relative = path.relative(dist, filePath);
      reply.header('cache-control', relative.startsWith(`assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  let cachedIndex: { html: string; mtimeMs: number } | undefined;
  async function sendIndex(reply: FastifyReply) {
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    if (!existsSync(indexFile)) return reply.status(200).send(NOT_BUILT);
    const { mtimeMs } = await stat(indexFile);
    if (!cachedIndex || cachedIndex.mtimeMs !== mtimeMs) cachedIndex = { html: await readFile(indexFile, 'utf8'), mtimeMs };
    return reply.send(cachedIndex.html);
  }

  // The web app's pages, not API: left out of the OpenAPI document.
  const spa = { config: { rateLimit: false as const }, schema: { hide: true } };
  app.get('/', spa, (_req, reply) => sendIndex(reply));
  app.get('/index.html', spa, (_req, reply) => sendIndex(reply));
  app.get('/looks/*', spa, (_req, reply) => sendIndex(reply));
  // The replaced system's admin page fetched JSON from /admin/*: such calls get a JSON 401, not the page.
  const adminPage = (req: FastifyRequest, reply: FastifyReply) => {
    if (isApiStyleRequest(req.method, req.headers.accept)) throw replacedAdminApiRefusal();
    return sendIndex(reply);
  };
  app.get('/admin', spa, adminPage);
  app.get('/admin/*', spa, adminPage);
}
