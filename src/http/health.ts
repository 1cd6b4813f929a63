import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pingDb } from '../db/database.ts';
import { PROJECT_ROOT } from '../runtime.ts';

const VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref()),
  ]);
}

export async function healthRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  const liveness = async () => ({ status: 'ok' });
  app.get('/healthz', { config: { rateLimit: false } }, liveness);
  // The replaced system's name for the same thing.
  app.get('/health', { config: { rateLimit: false } }, liveness);

  app.get('/readyz', { config: { rateLimit: false } }, async (_req, reply) => {
    const checks: Record<string, string> = {};
    const results = await Promise.allSettled([
      withTimeout(pingDb(rt.db), 3000, 'the database'),
      withTimeout(rt.storage.check(), 3000, 'the storage'),
    ]);
    const names = ['database', 'storage'];
    results.forEach((r, i) => {
      checks[names[i]!] = r.status === 'fulfilled' ? 'ok' : `failed: ${(r.reason as Error).message}`;
    });
    const failed = names.filter((n) => checks[n] !== 'ok');
    return reply.status(failed.length ? 503 : 200).send({ status: failed.length ? 'unavailable' : 'ready', failed, checks });
  });

  app.get('/version', async () => ({
    name: 'atelier',
    version: VERSION,
    commit: rt.config.build.commit ?? null,
    buildTime: rt.config.build.time ?? null,
    node: process.version,
  }));
}
