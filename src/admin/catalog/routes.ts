import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../auth/guard.ts';
import { CURATORS } from '../../auth/roles.ts';
import { binary, errorResponses, noContent } from '../../contract/common.ts';
import {
  adminColor,
  adminCut,
  adminCutView,
  adminFamilyDetail,
  adminSwatch,
  colorChange,
  colorCreate,
  cutChange,
  cutCreate,
  familyChange,
  familyCreate,
  familyPage,
  familyQuery,
  idParams,
  photoViewForm,
  previewBody,
  removal,
  reorderBody,
  swatchFields,
  swatchForm,
  templateFields,
  templatePreviewForm,
  viewChange,
  viewName,
  viewRemoval,
} from '../../contract/admin/catalog.ts';
import { z } from 'zod';
import { parseWith } from '../../http/validation.ts';
import { readAdminUpload } from '../uploads.ts';
import { listCutsWithViews, listFamilies, type FamilySort } from './repository.ts';
import { PreviewRenderer } from './previews.ts';
import { CatalogAdmin, toAdminFamily } from './service.ts';
import { SwatchTileCache, toApiSwatch, uploadSwatch } from './swatches.ts';
import { checkTemplateImages, CutsAdmin, toAdminCut } from './templates.ts';

const curators = { access: CURATORS };
const tags = ['admin'];
const security = [{ session: [] }];
const jpeg = (description: string) => ({ description, content: { 'image/jpeg': { schema: binary('JPEG') } } });

/** Families, colours, swatches, previews, cuts and photo templates. HTTP only; rules in service.ts. */
export async function catalogAdminRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const tiles = new SwatchTileCache();
  const catalog = new CatalogAdmin(rt, tiles);
  const cuts = new CutsAdmin(rt);
  const previews = new PreviewRenderer(rt);
  const maxUpload = rt.config.admin.uploadMaxBytes;
  const doc = (summary: string) => ({ tags, security, summary });

  app.get(
    '/api/admin/families',
    {
      config: curators,
      schema: { ...doc('Families, filtered, sorted and paged'), querystring: familyQuery, response: { 200: familyPage, ...errorResponses } },
    },
    async (req) => {
      const q = req.query;
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
    },
  );

  app.get(
    '/api/admin/families/:id',
    { config: curators, schema: { ...doc('A family with all its colours'), params: idParams, response: { 200: adminFamilyDetail, ...errorResponses } } },
    async (req) => catalog.family(req.params.id),
  );

  app.post(
    '/api/admin/families',
    {
      config: curators,
      schema: { ...doc('Create a family, with colours if given'), body: familyCreate, response: { 201: adminFamilyDetail, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await catalog.createFamily(actorOf(req), req.body)),
  );

  app.patch(
    '/api/admin/families/:id',
    {
      config: curators,
      schema: {
        ...doc('Change a family (archived: false restores it)'),
        params: idParams,
        body: familyChange,
        response: { 200: adminFamilyDetail, ...errorResponses },
      },
    },
    async (req) => catalog.changeFamily(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/admin/families/:id',
    {
      config: curators,
      schema: { ...doc('Delete a family, or archive it when renders use it'), params: idParams, response: { 200: removal, ...errorResponses } },
    },
    async (req) => catalog.removeFamily(actorOf(req), req.params.id),
  );

  app.post(
    '/api/admin/families/reorder',
    { config: curators, schema: { ...doc('Put families in this order'), body: reorderBody, response: { 204: noContent, ...errorResponses } } },
    async (req, reply) => {
      await catalog.reorderFamilies(actorOf(req), req.body.ids);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/families/:id/colors',
    { config: curators, schema: { ...doc('Add a colour to a family'), params: idParams, body: colorCreate, response: { 201: adminColor, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await catalog.createColor(actorOf(req), req.params.id, req.body)),
  );

  app.post(
    '/api/admin/families/:id/colors/reorder',
    {
      config: curators,
      schema: { ...doc("Put a family's colours in this order"), params: idParams, body: reorderBody, response: { 200: adminFamilyDetail, ...errorResponses } },
    },
    async (req) => catalog.reorderColors(actorOf(req), req.params.id, req.body.ids),
  );

  app.patch(
    '/api/admin/colors/:id',
    {
      config: curators,
      schema: {
        ...doc('Change a colour (archived: false restores it)'),
        params: idParams,
        body: colorChange,
        response: { 200: adminColor, ...errorResponses },
      },
    },
    async (req) => catalog.changeColor(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/admin/colors/:id',
    {
      config: curators,
      schema: { ...doc('Delete a colour, or archive it when renders use it'), params: idParams, response: { 200: removal, ...errorResponses } },
    },
    async (req) => catalog.removeColor(actorOf(req), req.params.id),
  );

  // A swatch photo: validated, tiled and measured; a colour takes it by its id.
  app.post(
    '/api/admin/swatches',
    {
      config: curators,
      schema: { ...doc('Upload a swatch photo: tiled, measured, checked'), multipart: swatchForm, response: { 201: adminSwatch, ...errorResponses } },
    },
    async (req, reply) => {
      const upload = await readAdminUpload(req, ['file'], maxUpload);
      const fields = parseWith(swatchFields, upload.fields, 'fields');
      const swatch = await uploadSwatch(rt, tiles, actorOf(req), upload.files.file!, fields.widthMm);
      return reply.status(201).send(toApiSwatch(rt, swatch));
    },
  );

  // What a family / colour / swatch looks like on a suit, before anything is saved.
  app.post(
    '/api/admin/previews',
    {
      config: curators,
      schema: {
        ...doc('A family, colour or swatch on a suit, before it is saved'),
        body: previewBody,
        response: { 200: jpeg('the preview'), ...errorResponses },
      },
    },
    async (req, reply) => {
      const image = await previews.render(req.body);
      return reply.type('image/jpeg').send(image);
    },
  );

  app.get(
    '/api/admin/cuts',
    { config: curators, schema: { ...doc('Every cut with its views'), response: { 200: z.object({ items: z.array(adminCut) }), ...errorResponses } } },
    async () => ({
      items: (await listCutsWithViews(rt.db)).map(({ cut, views }) => toAdminCut(rt, cut, views)),
    }),
  );

  app.post(
    '/api/admin/cuts',
    { config: curators, schema: { ...doc('Create a cut'), body: cutCreate, response: { 201: adminCut, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await cuts.createCut(actorOf(req), req.body)),
  );

  app.patch(
    '/api/admin/cuts/:id',
    { config: curators, schema: { ...doc('Change a cut'), params: idParams, body: cutChange, response: { 200: adminCut, ...errorResponses } } },
    async (req) => cuts.changeCut(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/api/admin/cuts/reorder',
    { config: curators, schema: { ...doc('Put cuts in this order'), body: reorderBody, response: { 204: noContent, ...errorResponses } } },
    async (req, reply) => {
      await cuts.reorderCuts(actorOf(req), req.body.ids);
      return reply.status(204).send();
    },
  );

  // A photo template: multipart `base` (the photo), `mask` (white = cloth) and `view` (its name).
  app.post(
    '/api/admin/cuts/:id/views',
    {
      config: curators,
      schema: {
        ...doc('Add or replace a photo view of a cut'),
        params: idParams,
        multipart: photoViewForm,
        response: { 201: adminCutView, ...errorResponses },
      },
    },
    async (req, reply) => {
      const upload = await readAdminUpload(req, ['base', 'mask'], maxUpload);
      const view = parseWith(viewName, upload.fields.view, 'view');
      return reply.status(201).send(await cuts.savePhotoView(actorOf(req), req.params.id, view, { base: upload.files.base!, mask: upload.files.mask! }));
    },
  );

  // The same upload, rendered in a striped cloth (or a given family/colour) without saving anything.
  app.post(
    '/api/admin/templates/preview',
    {
      config: curators,
      schema: {
        ...doc('A photo template rendered in cloth, without saving it'),
        multipart: templatePreviewForm,
        response: { 200: jpeg('the preview'), ...errorResponses },
      },
    },
    async (req, reply) => {
      const upload = await readAdminUpload(req, ['base', 'mask'], maxUpload);
      const fields = parseWith(templateFields, upload.fields, 'fields');
      const images = { base: upload.files.base!, mask: upload.files.mask! };
      await checkTemplateImages(rt, images);
      const fabric = await previews.fabricOf(fields.familyId, fields.colorId);
      return reply.type('image/jpeg').send(await previews.renderTemplate(images.base.data, images.mask.data, fabric));
    },
  );

  app.patch(
    '/api/admin/cut-views/:id',
    { config: curators, schema: { ...doc('Switch a view on or off'), params: idParams, body: viewChange, response: { 200: adminCutView, ...errorResponses } } },
    async (req) => cuts.changeView(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/admin/cut-views/:id',
    {
      config: curators,
      schema: { ...doc('Delete a photo view, or switch it off when renders use it'), params: idParams, response: { 200: viewRemoval, ...errorResponses } },
    },
    async (req) => cuts.removeView(actorOf(req), req.params.id),
  );
}
