import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../auth/guard.ts';
import { CURATORS } from '../../auth/roles.ts';
import { parseWith } from '../../http/validation.ts';
import { readAdminUpload } from '../uploads.ts';
import { listCutsWithViews, listFamilies, type FamilySort } from './repository.ts';
import { PreviewRenderer } from './previews.ts';
import {
  colorChange,
  colorCreate,
  cutChange,
  cutCreate,
  familyChange,
  familyCreate,
  familyQuery,
  idParam,
  previewBody,
  reorderBody,
  swatchFields,
  templateFields,
  viewChange,
  viewName,
} from './schemas.ts';
import { CatalogAdmin, toAdminFamily } from './service.ts';
import { SwatchTileCache, toApiSwatch, uploadSwatch } from './swatches.ts';
import { checkTemplateImages, CutsAdmin, toAdminCut } from './templates.ts';

const curators = { config: { access: CURATORS } };

/** Families, colours, swatches, previews, cuts and photo templates. HTTP only; rules in service.ts. */
export async function catalogAdminRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  const tiles = new SwatchTileCache();
  const catalog = new CatalogAdmin(rt, tiles);
  const cuts = new CutsAdmin(rt);
  const previews = new PreviewRenderer(rt);
  const maxUpload = rt.config.admin.uploadMaxBytes;

  app.get('/api/admin/families', curators, async (req) => {
    const q = parseWith(familyQuery, req.query, 'query');
    const descending = q.sort.startsWith('-');
    const { rows, total } = await listFamilies(rt.db, {
      ...q,
      sort: q.sort.replace(/^-/, '') as FamilySort,
      descending,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    return {
      items: rows.map((r) => ({ ...toAdminFamily(r), colorCount: r.color_count, renderCount: r.render_count })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  });

  app.get('/api/admin/families/:id', curators, async (req) => catalog.family(parseWith(idParam, req.params, 'params').id));

  app.post('/api/admin/families', curators, async (req, reply) => {
    const body = parseWith(familyCreate, req.body);
    return reply.status(201).send(await catalog.createFamily(actorOf(req), body));
  });

  app.patch('/api/admin/families/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return catalog.changeFamily(actorOf(req), id, parseWith(familyChange, req.body));
  });

  app.delete('/api/admin/families/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return catalog.removeFamily(actorOf(req), id);
  });

  app.post('/api/admin/families/reorder', curators, async (req, reply) => {
    await catalog.reorderFamilies(actorOf(req), parseWith(reorderBody, req.body).ids);
    return reply.status(204).send();
  });

  app.post('/api/admin/families/:id/colors', curators, async (req, reply) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return reply.status(201).send(await catalog.createColor(actorOf(req), id, parseWith(colorCreate, req.body)));
  });

  app.post('/api/admin/families/:id/colors/reorder', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return catalog.reorderColors(actorOf(req), id, parseWith(reorderBody, req.body).ids);
  });

  app.patch('/api/admin/colors/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return catalog.changeColor(actorOf(req), id, parseWith(colorChange, req.body));
  });

  app.delete('/api/admin/colors/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return catalog.removeColor(actorOf(req), id);
  });

  // A swatch photo: validated, tiled and measured; a colour takes it by its id.
  app.post('/api/admin/swatches', curators, async (req, reply) => {
    const upload = await readAdminUpload(req, ['file'], maxUpload);
    const fields = parseWith(swatchFields, upload.fields, 'fields');
    const swatch = await uploadSwatch(rt, tiles, actorOf(req), upload.files.file!, fields.widthMm);
    return reply.status(201).send(toApiSwatch(rt, swatch));
  });

  // What a family / colour / swatch looks like on a suit, before anything is saved.
  app.post('/api/admin/previews', curators, async (req, reply) => {
    const jpeg = await previews.render(parseWith(previewBody, req.body));
    return reply.type('image/jpeg').send(jpeg);
  });

  app.get('/api/admin/cuts', curators, async () => ({
    items: (await listCutsWithViews(rt.db)).map(({ cut, views }) => toAdminCut(rt, cut, views)),
  }));

  app.post('/api/admin/cuts', curators, async (req, reply) => reply.status(201).send(await cuts.createCut(actorOf(req), parseWith(cutCreate, req.body))));

  app.patch('/api/admin/cuts/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return cuts.changeCut(actorOf(req), id, parseWith(cutChange, req.body));
  });

  app.post('/api/admin/cuts/reorder', curators, async (req, reply) => {
    await cuts.reorderCuts(actorOf(req), parseWith(reorderBody, req.body).ids);
    return reply.status(204).send();
  });

  // A photo template: multipart `base` (the photo), `mask` (white = cloth) and `view` (its name).
  app.post('/api/admin/cuts/:id/views', curators, async (req, reply) => {
    const { id } = parseWith(idParam, req.params, 'params');
    const upload = await readAdminUpload(req, ['base', 'mask'], maxUpload);
    const view = parseWith(viewName, upload.fields.view, 'view');
    return reply.status(201).send(await cuts.savePhotoView(actorOf(req), id, view, { base: upload.files.base!, mask: upload.files.mask! }));
  });

  // The same upload, rendered in a striped cloth (or a given family/colour) without saving anything.
  app.post('/api/admin/templates/preview', curators, async (req, reply) => {
    const upload = await readAdminUpload(req, ['base', 'mask'], maxUpload);
    const fields = parseWith(templateFields, upload.fields, 'fields');
    const images = { base: upload.files.base!, mask: upload.files.mask! };
    await checkTemplateImages(rt, images);
    const fabric = await previews.fabricOf(fields.familyId, fields.colorId);
    return reply.type('image/jpeg').send(await previews.renderTemplate(images.base.data, images.mask.data, fabric));
  });

  app.patch('/api/admin/cut-views/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return cuts.changeView(actorOf(req), id, parseWith(viewChange, req.body));
  });

  app.delete('/api/admin/cut-views/:id', curators, async (req) => {
    const { id } = parseWith(idParam, req.params, 'params');
    return cuts.removeView(actorOf(req), id);
  });
}
