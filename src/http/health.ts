import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses, liveness as livenessAnswer, readiness, version } from '../contract/index.ts';
import { pingDb } from '../db/database.ts';
import { PROJECT_ROOT } from '../runtime.ts';

export const VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);
}

export async function healthRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const liveness = async () => ({ status: 'ok' as const });
  const live = {
    config: { rateLimit: false },
    schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: livenessAnswer, ...errorResponses } },
  };
  app.get('/healthz', live, liveness);
  // The replaced system's name for the same thing.
  app.get('/health', { ...live, schema: { ...live.schema, tags: ['operations', 'legacy'] } }, liveness);

  const ready = {
    tags: ['operations'],
    summary: 'Readiness: database and storage answer (503 naming the failed dependency)',
    response: { 200: readiness, 503: readiness, ...errorResponses },
  };
  const within = rt.config.http.readyCheckTimeoutMs;
  app.get('/readyz', { config: { rateLimit: false }, schema: ready }, async (req, reply) => {
    const checks: Record<string, string> = {};
    const results = await Promise.allSettled([withTimeout(pingDb(rt.db), within, 'the database'), withTimeout(rt.storage.check(), within, 'the storage')]);
    const names = ['database', 'storage'];
    results.forEach((r, i) => {
      // Public: the reason (addresses, paths) goes to the log and the admin health, never here.
      checks[names[i]!] = r.status === 'fulfilled' ? 'ok' : 'failed';
      if (r.status === 'rejected') req.log.warn({ check: names[i], err: r.reason }, 'readiness check failed');
    });
    const failed = names.filter((n) => checks[n] !== 'ok');
    // The stylist app offers "Photoreal" only when this is true; which server answers (or why none
    // does) is for the admin health, not for the public.
    const gpu = rt.rendering.comfyui ? await withTimeout(rt.rendering.comfyui.pool.anyReachable(), within, 'the GPU servers').catch(() => false) : false;
    return reply.status(failed.length ? 503 : 200).send({ status: failed.length ? 'unavailable' : 'ready', failed, checks, gpu });
  });

  app.get('/version', { schema: { tags: ['operations'], summary: 'The running build', response: { 200: version, ...errorResponses } } }, async () => ({
    name: 'atelier',
    version: VERSION,
    commit: rt.config.build.commit ?? null,
    buildTime: rt.config.build.time ?? null,
    node: process.version,
  }));
}
