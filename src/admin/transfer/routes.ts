import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { exportQuery, importFile, importQuery, importResult } from '../../contract/admin/transfer.ts';
import { binary, errorResponses } from '../../contract/common.ts';
import { actorOf } from '../../auth/guard.ts';
import { CURATORS } from '../../auth/roles.ts';
import { unprocessable } from '../../http/errors.ts';
import { exportCatalog, importCatalogFile } from './service.ts';

/**
 * GET /api/admin/catalog/export?format=atelier|fabrics|csv — a download.
 * POST /api/admin/catalog/import?mode=merge|sync&dryRun=true — the file as the body (JSON, or CSV as
 * text/csv); the answer lists what is (or would be) created, changed and archived.
 */
export async function transferRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const doc = (summary: string) => ({ tags: ['admin'], security: [{ session: [] }], summary });
  const bodyLimit = rt.config.admin.importMaxBytes;
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  const download = {
    description: 'the catalogue file, as an attachment',
    content: { 'application/json': { schema: binary('Atelier JSON or fabrics.json') }, 'text/csv': { schema: binary('CSV') } },
  };
  const exportSchema = { ...doc('Download the catalogue (atelier, fabrics or csv)'), querystring: exportQuery, response: { 200: download, ...errorResponses } };
  app.get('/api/admin/catalog/export', { config: { access: CURATORS }, schema: exportSchema }, async (req, reply) => {
    const q = req.query;
    const file = await exportCatalog(rt, q.format, actorOf(req));
    return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
  });

  const importSchema = {
    ...doc('Import a catalogue file (JSON, or CSV as text/csv): merge or sync, or only see what would change'),
    querystring: importQuery,
    body: importFile,
    response: { 200: importResult, ...errorResponses },
  };
  app.post('/api/admin/catalog/import', { bodyLimit, config: { access: CURATORS }, schema: importSchema }, async (req) => {
    const q = req.query;
    if (req.body === undefined || req.body === null || req.body === '') {
      throw unprocessable('body: send the catalog file as the request body');
    }
    return importCatalogFile(rt, actorOf(req), { content: req.body as string | object, format: q.format, mode: q.mode, dryRun: q.dryRun });
  });
}
