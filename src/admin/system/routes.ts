import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { systemAnswer } from '../../contract/admin/system.ts';
import { errorResponses } from '../../contract/common.ts';
import { ADMINS } from '../../auth/roles.ts';
import type { Config } from '../../config.ts';
import { pingDb } from '../../db/database.ts';
import { listAppliedMigrations } from './repository.ts';

/** The configuration as an administrator may see it: every setting, no secret (only whether it is set). */
const redactUrl = (url?: string) => url?.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:[redacted]@');

export function sanitizedConfig(config: Config) {
  return {
    ...config,
    database: { ...config.database, url: redactUrl(config.database.url) },
    storage: config.storage.driver === 's3' ? { ...config.storage, accessKeyId: '[set]', secretAccessKey: '[set]' } : config.storage,
    auth: {
      ...config.auth,
      jwtSecret: config.auth.jwtSecret ? '[set]' : '[unset: random per process]',
      adminPassword: config.auth.adminPassword ? '[set]' : '[unset]',
    },
    comfyuiUrl: redactUrl(config.comfyuiUrl),
    comfyui: config.comfyui ? { ...config.comfyui, urls: config.comfyui.urls.map((u) => redactUrl(u)!) } : undefined,
    metrics: { ...config.metrics, token: config.metrics.token ? '[set]' : '[unset: /metrics is open]' },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  try {
    await work();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** Detailed health for administrators: database, storage, migrations, process, and the sanitized configuration. */
export async function systemRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const schema = {
    tags: ['admin'],
    security: [{ session: [] }],
    summary: 'Detailed health: database, storage, migrations, engines, configuration',
    response: { 200: systemAnswer, ...errorResponses },
  };
  app.get('/api/admin/system', { config: { access: ADMINS }, schema }, async () => {
    const [database, storage, migrations] = await Promise.all([timed(() => pingDb(rt.db)), timed(() => rt.storage.check()), listAppliedMigrations(rt.db)]);
    return {
      process: { pid: process.pid, node: process.version, uptimeSeconds: Math.round(process.uptime()), rssBytes: process.memoryUsage().rss },
      build: rt.config.build,
      database: {
        ...database,
        embedded: !rt.config.database.url,
        migrations: migrations.map((m) => ({ version: m.version, appliedAt: m.applied_at.toISOString() })),
      },
      storage: { ...storage, driver: rt.storage.driver },
      engines: [...rt.engines.values()].map((e) => ({ name: e.name, version: e.version, views: e.views().length })),
      gpu: rt.rendering.comfyui
        ? {
            servers: (await rt.rendering.comfyui.pool.status(true)).map((h) => ({
              ...h,
              url: redactUrl(h.url)!,
              error: h.error === null ? null : h.error.replaceAll(h.url, redactUrl(h.url)!),
            })),
            workflows: Object.values(rt.rendering.comfyui.workflows).map((w) => ({ name: w.name, file: w.file, nodeClasses: [...w.nodeClasses].sort() })),
          }
        : null,
      config: sanitizedConfig(rt.config),
    };
  });
}
