import type { FastifyInstance } from 'fastify';
import { installAccessControl } from '../auth/guard.ts';
import { authRoutes } from '../auth/routes.ts';
import { diagnosticsRoutes } from '../ops/diagnostics.ts';
import { auditRoutes } from './audit/routes.ts';
import { catalogAdminRoutes } from './catalog/routes.ts';
import { renderAdminRoutes } from './renders/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { transferRoutes } from './transfer/routes.ts';

/**
 * The console's API under /api/admin: one plugin, encapsulated, so its cookie parser and access
 * control apply to its own routes only. Every route declares who may call it (config.access).
 */
export async function adminRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  const tokens = app.sessionTokens;
  installAccessControl(app, { db: rt.db, config: rt.config, tokens });
  // Console answers are about one person's view of changing data: never cached.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });

  await app.register(authRoutes, { tokens });
  await app.register(catalogAdminRoutes);
  await app.register(transferRoutes);
  await app.register(renderAdminRoutes);
  await app.register(auditRoutes);
  await app.register(systemRoutes);
  await app.register(diagnosticsRoutes);
}
