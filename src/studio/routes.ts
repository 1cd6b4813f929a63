import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { identifyCaller, orderingClient, requireSession } from '../auth/guard.ts';
import type { Role } from '../auth/roles.ts';
import { binary, errorResponses, noContent } from '../contract/common.ts';
import {
  inpaintStatus,
  inpaintUploadAnswer,
  inpaintUploadForm,
  studioFillRequest,
  studioMaskAhead,
  studioMaskAheadAnswer,
  studioPhoto,
  studioPhotoForm,
  studioPhotoParams,
  studioRenderBatch,
  studioRenderOrder,
} from '../contract/studio.ts';
import { AppError } from '../http/errors.ts';
import { readUploadedFile } from '../http/multipart.ts';
import { listRenderViews } from '../renders/repository.ts';
import { toApiRender } from '../renders/service.ts';
import { StorageNotFoundError } from '../storage/types.ts';
import { readLimited, UploadRejected } from '../uploads/validate.ts';
import { STUDIO_PREFIX, tokensMatch } from './files.ts';
import { findStudioPhoto } from './repository.ts';
import { INPAINT_MODEL } from './inpaint.ts';
import { deleteStudioPhoto, fillStudioPhoto, inpaintUpload, orderStudioRender, sendMaskAhead, toApiStudioPhoto, uploadStudioPhoto } from './service.ts';

/** The studio is the stylist app's: associates and administrators. */
const STUDIO_ROLES: readonly Role[] = ['associate', 'admin'];

/** Reads the named file fields of a multipart form, each bounded by `maxBytes` as it arrives. */
async function readFiles(req: FastifyRequest, names: string[], maxBytes: number): Promise<Record<string, Buffer>> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', `Send multipart/form-data with the files ${names.map((n) => `"${n}"`).join(' and ')}`);
  }
  const files: Record<string, Buffer> = {};
  for await (const part of req.parts({ limits: { files: names.length + 2, fileSize: maxBytes } })) {
    if (part.type !== 'file') continue;
    if (!names.includes(part.fieldname) || files[part.fieldname]) {
      part.file.resume();
      continue;
    }
    try {
      const data = await readLimited(part.file, maxBytes);
      if (part.file.truncated) throw new UploadRejected('too_large', '');
      files[part.fieldname] = data;
    } catch (error) {
      if (error instanceof UploadRejected)
        throw new AppError(413, 'too_large', `${part.fieldname}: the file is larger than ${(maxBytes / 1024 / 1024).toFixed(0)} MB`);
      throw error;
    }
  }
  const missing = names.filter((n) => !files[n]);
  if (missing.length)
    throw new AppError(422, 'validation_failed', `${missing.join(', ')}: send ${missing.map((n) => `the file "${n}"`).join(' and ')} in the multipart form`);
  return files;
}

export async function studioRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const tags = ['studio'];
  const signedIn = requireSession(base, STUDIO_ROLES);
  const security = [{ session: [] }];

  app.post(
    '/api/studio/photos',
    {
      onRequest: signedIn,
      schema: {
        tags,
        security,
        summary: "Upload a client's photo (JPEG, PNG or WebP): stored upright without metadata, with a suggested garment mask",
        multipart: studioPhotoForm,
        response: { 201: studioPhoto, ...errorResponses },
      },
    },
    async (req, reply) => {
      const file = await readUploadedFile(req, 'photo', rt.config.uploads.maxBytes);
      const photo = await uploadStudioPhoto(rt, req.account!, file.data);
      reply.header('cache-control', 'private, no-store');
      return reply.status(201).send(toApiStudioPhoto(photo));
    },
  );

  app.delete(
    '/api/studio/photos/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        security,
        summary: 'Delete a client photo now, with its masks, its renders and their files',
        params: studioPhotoParams,
        response: { 204: noContent, ...errorResponses },
      },
    },
    async (req, reply) => {
      await deleteStudioPhoto(rt, req.account!, req.params.id);
      return reply.status(204).send();
    },
  );

  // A mask of a large photo is a few hundred kB of PNG, a third more as base64.
  const maskBodyLimit = Math.ceil((rt.config.studio.maskMaxBytes * 4) / 3) + 64 * 1024;

  // Orders carrying a mask: a session, room for the mask, and the renders' rate allowance.
  const maskOrder = {
    bodyLimit: maskBodyLimit,
    onRequest: signedIn,
    config: { rateLimit: { max: rt.config.http.rateLimitRendersMax, timeWindow: rt.config.http.rateLimitWindowMs } },
  };

  app.post(
    '/api/studio/renders',
    {
      ...maskOrder,
      schema: {
        tags,
        security,
        summary:
          "The chosen cloth on the client's photo, within the painted mask: a private render, followed like any other (202, or 200 when it exists already)",
        body: studioRenderOrder,
        response: { 200: studioRenderBatch, 202: studioRenderBatch, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await orderStudioRender(rt, req.account!, { ...req.body, requestId: req.id, client: orderingClient(req) });
      const [view] = await listRenderViews(rt.db, [result.render.id]);
      const render = { ...toApiRender(rt, view!), reused: result.reused };
      reply.header('cache-control', 'private, no-store');
      return reply.status(render.status === 'succeeded' ? 200 : 202).send({ batchId: result.batchId, renders: [render] });
    },
  );

  app.put(
    '/api/studio/photos/:id/mask',
    {
      ...maskOrder,
      schema: {
        tags,
        security,
        summary:
          'The mask as painted so far, sent while the associate pauses: checked, and its template prepared in the background, so that "apply cloth" with the same mask costs only the cloth (202)',
        params: studioPhotoParams,
        body: studioMaskAhead,
        response: { 202: studioMaskAheadAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const sent = await sendMaskAhead(rt, req.account!, req.params.id, req.body.mask, req.body.edit);
      // Made already (the same mask sent again) or not: either way nothing waits for it here.
      const made = await Promise.race([sent.prepared, Promise.resolve(undefined)]);
      reply.header('cache-control', 'private, no-store');
      return reply.status(202).send({ photoId: sent.photo.id, maskSha256: sent.maskSha256, coverage: sent.coverage, preparing: made === undefined });
    },
  );

  app.post(
    '/api/studio/fill',
    {
      ...maskOrder,
      schema: {
        tags,
        security,
        summary: 'Remove/fill: a new studio photo whose area marked white is filled by inpainting (OpenCV Telea); fill and re-clothe chain',
        body: studioFillRequest,
        response: { 201: studioPhoto, ...errorResponses },
      },
    },
    async (req, reply) => {
      const photo = await fillStudioPhoto(rt, req.account!, req.body);
      reply.header('cache-control', 'private, no-store');
      return reply.status(201).send(toApiStudioPhoto(photo));
    },
  );

  // The link is the credential (256 random bits, dead with the photo): <img> tags and the share page
  // of a look load these without a session. Cached privately, never by shared caches.
  const fileParams = z.object({
    photoId: z.uuid({ message: 'expected a studio photo id (UUID)' }),
    token: z.string().min(1).max(100),
    '*': z.string().min(1).max(300),
  });
  app.get(
    '/api/studio/files/:photoId/:token/*',
    {
      config: { rateLimit: false },
      schema: {
        tags,
        summary: "A studio photo's file (photo, mask, render image) by its private link",
        params: fileParams,
        response: { 200: { description: 'the file', content: { '*/*': { schema: binary('the stored bytes') } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { photoId, token } = req.params;
      const rest = req.params['*'];
      const gone = () => new AppError(404, 'not_found', 'No such file; the photo may have been deleted');
      if (rest.includes('..') || rest.startsWith('/')) throw gone();
      const photo = await findStudioPhoto(rt.db, photoId);
      if (!photo || !tokensMatch(photo.url_token, token)) throw gone();
      const key = `${STUDIO_PREFIX}${photo.id}/${rest}`;
      try {
        const { body, contentType, size } = await rt.storage.stream(key);
        return reply
          .headers({
            'cache-control': 'private, max-age=86400, immutable',
            'referrer-policy': 'no-referrer',
            'x-robots-tag': 'noindex, nofollow',
          })
          .header('content-type', contentType)
          .header('content-length', size)
          .send(body);
      } catch (error) {
        if (error instanceof StorageNotFoundError) throw gone();
        throw error;
      }
    },
  );

  // The replaced inpainting app's contract, for its front end, unchanged. It is a replaced front end
  // like the one LEGACY_API governs, and follows the same switch: open without a session when
  // LEGACY_API=open (the default outside production), a signed-in associate or admin otherwise.
  const open = rt.config.legacyApi === 'open';
  const inpaintGate = open ? identifyCaller(base) : signedIn;
  app.get(
    '/api',
    { onRequest: inpaintGate, schema: { tags, summary: "The replaced inpainting app's status check", response: { 200: inpaintStatus, ...errorResponses } } },
    async () => ({ status: 'ok' as const, model: INPAINT_MODEL, device: 'cpu' as const }),
  );
  app.post(
    '/api/upload',
    {
      onRequest: inpaintGate,
      config: { rateLimit: { max: rt.config.http.rateLimitRendersMax, timeWindow: rt.config.http.rateLimitWindowMs } },
      schema: {
        tags,
        summary: "The replaced inpainting app's fill: multipart original_image + mask (black = fill, white = keep) → the filled image as base64 PNG",
        multipart: inpaintUploadForm,
        response: { 200: inpaintUploadAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const files = await readFiles(req, ['original_image', 'mask'], rt.config.uploads.maxBytes);
      const data = await inpaintUpload(rt, files.original_image!, files.mask!);
      return { status: 'success' as const, output_image: { data } };
    },
  );
}
