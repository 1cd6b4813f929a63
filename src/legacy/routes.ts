import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listActiveFamiliesWithColors } from '../catalog/repository.ts';
import { swatchUrl } from '../catalog/routes.ts';
import { identifyCaller, requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { AppError, notFound } from '../http/errors.ts';
import { readUploadedFile } from '../http/multipart.ts';
import { parseWith } from '../http/validation.ts';
import { findBatch, listRenderViews, type RenderView } from '../renders/repository.ts';
import { orderRenders } from '../renders/service.ts';
import { findSwatchByUrl, storeSwatchUpload } from '../swatches/service.ts';

/**
 * The replaced system's HTTP API, in exactly the shapes its Next.js front end reads, so that front
 * end keeps working against Atelier unchanged. "recto" and "cruzado" are its names for the
 * single- and double-breasted cuts.
 */

const generateBody = z.object({
  family_id: z.string().min(1).max(80),
  color_id: z.string().min(1).max(80),
  cuts: z.array(z.enum(['recto', 'cruzado'])).min(1).default(['recto', 'cruzado']),
  seed: z.number().int().nullable().optional(),
  quality: z.enum(['preview', 'final']).default('preview'),
  swatch_url: z.string().max(2000).nullable().optional(),
});

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

export async function legacyRoutes(app: FastifyInstance) {
  const rt = app.runtime;
  // Open without a session only when LEGACY_API=open (the default outside production), and said so.
  const open = rt.config.legacyApi === 'open';
  const gate = open ? identifyCaller(app) : requireSession(app, SIGNED_IN);
  app.addHook('onRequest', async function legacyGate(req, reply) {
    if (req.routeOptions.url !== '/catalog') await gate.call(this, req, reply, () => undefined);
  });
  if (open) rt.logger.warn('LEGACY_API=open: the replaced front end\'s API (/generate, /jobs, /upload-swatch) answers without a session');
  else rt.logger.info('LEGACY_API=session: the replaced front end\'s API (/generate, /jobs, /upload-swatch) needs a signed-in account');

  const activeFamilies = rt.catalog.value('active-families', () => listActiveFamiliesWithColors(rt.db));
  app.get('/catalog', async (req) => {
    const families = await activeFamilies();
    return {
      families: families.map(({ family, colors }) => ({
        family_id: family.slug,
        display_name: family.name,
        status: 'active',
        sort: family.sort,
        colors: colors.map((c) => ({ color_id: c.slug, name: c.name, hex: c.hex, swatch_url: absolute(req, swatchUrl(rt, family, c)) })),
      })),
    };
  });

  app.post(
    '/generate',
    { config: { rateLimit: { max: rt.config.http.rateLimitRendersMax, timeWindow: rt.config.http.rateLimitWindowMs } } },
    async (req, reply) => {
      const body = parseWith(generateBody, req.body);
      let swatchUploadId: string | undefined;
      if (body.swatch_url) {
        const swatch = await findSwatchByUrl(rt, body.swatch_url);
        if (!swatch) {
          throw new AppError(422, 'unknown_swatch', 'swatch_url must be a URL returned by /upload-swatch on this server', { field: 'swatch_url' });
        }
        swatchUploadId = swatch.id;
      }
      const result = await orderRenders(rt, {
        family: body.family_id,
        color: body.color_id,
        swatchUploadId,
        cuts: [...new Set(body.cuts)],
        requestId: req.id,
        client: req.ip,
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

  app.get<{ Params: { id: string } }>('/jobs/:id', async (req) => {
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
        color_id: renders[0]?.color_slug,
        engine: renders[0]?.engine,
        ...(failed ? { error: failed.error ?? (failed.status === 'canceled' ? 'The render was canceled' : 'The render failed') } : {}),
      },
    };
  });

  app.post('/upload-swatch', async (req, reply) => {
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
}
