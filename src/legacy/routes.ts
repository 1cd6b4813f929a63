import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../contract/common.ts';
import { generateAnswer, generateBody, legacyCatalog, legacyJob, legacyJobParams, legacyUploadAnswer, legacyUploadForm } from '../contract/legacy.ts';
import { listActiveFamiliesWithColors } from '../catalog/repository.ts';
import { identifyCaller, orderingClient, requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { catalogSwatchKey, filesServedByUs, swatchCards } from '../catalog/swatch-cards.ts';
import { AppError, notFound } from '../http/errors.ts';
import { readUploadedFile } from '../http/multipart.ts';
import { findBatch, listRenderViews, type RenderView } from '../renders/repository.ts';
import { orderRenders } from '../renders/service.ts';
import { storeSwatchUpload } from '../swatches/service.ts';
import { replacedAdminApiRefusal, resolveNamedColor, resolveSwatchUrl } from './service.ts';

/**
 * The replaced system's HTTP API, in exactly the shapes its Next.js front end reads, so that front
 * end keeps working against Atelier unchanged. "recto" and "cruzado" are its names for the
 * single- and double-breasted cuts.
 */

/** The old front end lives on another origin: its URLs must be absolute. */
function absolute(req: FastifyRequest, url: string): string {
  if (/^https?:\/\//.test(url)) return url;
  return `${req.protocol}://${req.host}${url}`;
}

function legacyStatus(renders: RenderView[]): 'pending' | 'processing' | 'completed' | 'failed' {
  if (renders.some((r) => r.status === 'failed' || r.status === 'canceled')) return 'failed';
  if (renders.every((r) => r.status === 'succeeded')) return 'completed';
  if (renders.some((r) => r.status === 'running' || r.status === 'succeeded')) return 'processing';
  return 'pending';
}

export async function legacyRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const tags = ['legacy'];
  const rt = app.runtime;
  // Open without a session only when LEGACY_API=open (the default outside production), and said so.
  const open = rt.config.legacyApi === 'open';
  const gate = open ? identifyCaller(base) : requireSession(base, SIGNED_IN);
  app.addHook('onRequest', async function legacyGate(req, reply) {
    if (req.routeOptions.url !== '/catalog') await gate.call(this, req, reply, () => undefined);
  });
  if (open) rt.logger.warn("LEGACY_API=open: the replaced front end's API (/generate, /jobs, /upload-swatch) answers without a session");
  else rt.logger.info("LEGACY_API=session: the replaced front end's API (/generate, /jobs, /upload-swatch) needs a signed-in account");

  const activeFamilies = rt.catalog.value('active-families', () => listActiveFamiliesWithColors(rt.db));
  app.get(
    '/catalog',
    { schema: { tags, summary: "The catalogue in the replaced system's shape", response: { 200: legacyCatalog, ...errorResponses } } },
    async (req) => {
      const families = await activeFamilies();
      // Procedural colours' cards are drawn once and stored. Through our /files route a card missing
      // yet is drawn when first asked for (no CPU spent on cards nobody looks at); from a public
      // bucket it must exist before its URL is handed out.
      if (!filesServedByUs(rt)) await swatchCards(rt).ensure(families.flatMap(({ family, colors }) => colors.map((color) => ({ family, color }))));
      return {
        families: families.map(({ family, colors }) => ({
          family_id: family.slug,
          display_name: family.name,
          status: 'active' as const,
          sort: family.sort,
          colors: colors.map((c) => ({
            color_id: c.legacy_id,
            name: c.name,
            hex: c.hex,
            swatch_url: absolute(req, rt.storage.url(catalogSwatchKey(family, c))),
          })),
        })),
      };
    },
  );

  app.post(
    '/generate',
    {
      config: { rateLimit: { max: rt.config.http.rateLimitRendersMax, timeWindow: rt.config.http.rateLimitWindowMs } },
      schema: {
        tags,
        summary: 'Order the renders of a job (recto, cruzado); poll /jobs/{id}',
        body: generateBody,
        response: { 201: generateAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const named = await resolveNamedColor(rt, body.family_id ?? undefined, body.color_id);
      let order: { family: string; color?: string; swatchUploadId?: string } = named;
      if (body.swatch_url) {
        const swatch = await resolveSwatchUrl(rt, body.swatch_url, { host: req.host }, { colorId: body.color_id });
        if (!swatch) {
          throw new AppError(
            422,
            'unknown_swatch',
            "swatch_url must be a URL this server handed out: a colour's swatch_url from /catalog or one returned by /upload-swatch",
            {
              field: 'swatch_url',
            },
          );
        }
        // A photographed cloth is rendered as itself: the selected colour is not part of it.
        order =
          swatch.kind === 'upload' ? { family: named.family, swatchUploadId: swatch.upload.id } : { family: swatch.family.slug, color: swatch.color.slug };
      }
      const result = await orderRenders(rt, {
        ...order,
        cuts: [...new Set(body.cuts)],
        requestId: req.id,
        client: orderingClient(req),
        source: 'legacy',
        orderedBy: req.account ? { userId: req.account.id, store: req.account.store } : undefined,
        batchParams: { seed: body.seed ?? null, quality: body.quality },
      });
      return reply.status(201).send({
        request_id: result.batchId,
        job_id: result.batchId,
        status: 'pending',
        images: [],
        duration_ms: null,
        meta: {},
      });
    },
  );

  app.get(
    '/jobs/:id',
    { schema: { tags, summary: "A job's status and its images", params: legacyJobParams, response: { 200: legacyJob, ...errorResponses } } },
    async (req) => {
      const id = req.params.id;
      const found = z.uuid().safeParse(id).success ? await findBatch(rt.db, id) : undefined;
      if (!found) throw notFound('job', id);
      const views = await listRenderViews(rt.db, found.renderIds);
      const renders = found.renderIds.map((rid) => views.find((v) => v.id === rid)!);
      const status = legacyStatus(renders);
      const images = renders
        .filter((r) => r.status === 'succeeded')
        .flatMap((r) => {
          const full = r.images.find((i) => i.size === 'full' && i.format === 'jpeg');
          return full
            ? [{ cut: r.cut_legacy_id ?? r.cut_slug, url: absolute(req, rt.storage.url(full.key)), width: full.width, height: full.height, watermark: true }]
            : [];
        });
      const finished = renders.every((r) => r.finished_at) ? Math.max(...renders.map((r) => r.finished_at!.getTime())) : null;
      const failed = renders.find((r) => r.status === 'failed' || r.status === 'canceled');
      return {
        request_id: found.batch.id,
        status,
        images,
        result_urls: images.map((i) => i.url),
        duration_ms: status === 'completed' && finished ? Math.max(0, finished - found.batch.created_at.getTime()) : null,
        meta: {
          family_id: renders[0]?.family_slug,
          color_id: renders[0]?.color_legacy_id ?? null,
          engine: renders[0]?.engine,
          ...(failed ? { error: failed.error ?? (failed.status === 'canceled' ? 'The render was canceled' : 'The render failed') } : {}),
        },
      };
    },
  );

  const uploadSchema = {
    tags,
    summary: 'Upload a photographed cloth; generate takes its swatch_url',
    multipart: legacyUploadForm,
    response: { 200: legacyUploadAnswer, ...errorResponses },
  };
  app.post('/upload-swatch', { schema: uploadSchema }, async (req, reply) => {
    const file = await readUploadedFile(req, 'file', rt.config.uploads.maxBytes);
    const upload = await storeSwatchUpload(rt, file.data, file.filename);
    return reply.status(200).send({
      swatch_url: absolute(req, rt.storage.url(upload.storage_key)),
      filename: upload.filename,
      size_bytes: upload.size_bytes,
      mean_hex: upload.mean_hex,
      ...(upload.clothEstimate ? { cloth_estimate: upload.clothEstimate } : {}),
    });
  });

  // Its admin page's API calls (see replacedAdminApiRefusal); browsers' page loads are the console's.
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/admin',
    // A refusal of an API we do not serve, not part of ours: left out of the OpenAPI document.
    schema: { hide: true },
    handler: async () => {
      throw replacedAdminApiRefusal();
    },
  });
  app.route({
    method: ['POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/admin/*',
    // A refusal of an API we do not serve, not part of ours: left out of the OpenAPI document.
    schema: { hide: true },
    handler: async () => {
      throw replacedAdminApiRefusal();
    },
  });
}
