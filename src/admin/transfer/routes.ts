import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../auth/guard.ts';
import { CURATORS } from '../../auth/roles.ts';
import { unprocessable } from '../../http/errors.ts';
import { parseWith } from '../../http/validation.ts';
import { exportCatalog, importCatalogFile } from './service.ts';

const format = z.enum(['atelier', 'fabrics', 'csv'], { message: 'expected atelier, fabrics or csv' });
const exportQuery = z.object({ format: format.default('atelier') });
const importQuery = z.object({
  format: format.optional(),
  mode: z.enum(['merge', 'sync'], { message: 'expected merge or sync' }).default('merge'),
  dryRun: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
});

/**
 * GET /api/admin/catalog/export?format=atelier|fabrics|csv — a download.
 * POST /api/admin/catalog/import?mode=merge|sync&dryRun=true — the file as the body (JSON, or CSV as
 * text/csv); the answer lists what is (or would be) created, changed and archived.
 */
export async function transferRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  const bodyLimit = rt.config.admin.importMaxBytes;
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  app.get('/api/admin/catalog/export', { config: { access: CURATORS } }, async (req, reply) => {
    const q = parseWith(exportQuery, req.query, 'query');
    const file = await exportCatalog(rt, q.format, actorOf(req));
    return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
  });

  app.post('/api/admin/catalog/import', { bodyLimit, config: { access: CURATORS } }, async (req) => {
    const q = parseWith(importQuery, req.query, 'query');
    if (req.body === undefined || req.body === null || req.body === '') {
      throw unprocessable('body: send the catalog file as the request body');
    }
    return importCatalogFile(rt, actorOf(req), { content: req.body as string | object, format: q.format, mode: q.mode, dryRun: q.dryRun });
  });
}
