import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { binary, catalogAnswer, cutsAnswer, errorResponses, swatchCardParams } from '../contract/index.ts';
import { describeOptions } from '../templates/options.ts';
import type { FabricColorRow, FabricFamilyRow } from '../db/schema.ts';
import type { FabricDesign } from '../engines/types.ts';
import { notFound } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { assertServableKey, sendStoredFile } from '../storage/routes.ts';
import { etagMatches, type CachedResponse } from './cache.ts';
import { catalogSwatchKey, swatchCards } from './swatch-cards.ts';
import { listActiveCuts, listActiveFamiliesWithColors, listSwatchCardSources } from './repository.ts';

export function swatchUrl(rt: Runtime, family: FabricFamilyRow, color: FabricColorRow): string {
  if (color.swatch_key) return rt.storage.url(color.swatch_key);
  return `${rt.config.publicBaseUrl}/api/swatches/${family.slug}/${color.slug}.jpg?v=${swatchCardVersion(family, color)}`;
}

/** What a procedural card's pixels depend on, hashed: its URL's `v` and its strong ETag. */
function swatchCardVersion(family: FabricFamilyRow, color: FabricColorRow): string {
  return createHash('sha1')
    .update(JSON.stringify([family.design, color.hex, color.repeat_mm]))
    .digest('hex')
    .slice(0, 10);
}

/**
 * A cached JSON body with its ETag; 304 when the client already has it. `no-cache` makes browsers
 * revalidate every time, so a catalogue change shows at once while unchanged reads cost a 304.
 * The body is a Buffer, so Fastify sends it as it is: the contract was checked when it was made.
 */
export async function sendCached(req: FastifyRequest, reply: FastifyReply, cached: CachedResponse) {
  const { body, etag } = await cached.get();
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (etagMatches(req.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(body);
}

export async function catalogRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;

  const catalogSchema = { tags: ['catalog'], summary: 'Active fabric families with their colours', response: { 200: catalogAnswer, ...errorResponses } };
  const activeFamilies = rt.catalog.value('active-families', () => listActiveFamiliesWithColors(rt.db));
  const catalogBody = rt.catalog.response('api-catalog', async () => {
    const families = await activeFamilies();
    return catalogAnswer.parse({
      families: families.map(({ family, colors }) => ({
        id: family.slug,
        name: family.name,
        composition: family.composition,
        weightGsm: family.weight_gsm,
        season: family.season,
        description: family.description,
        design: family.design as FabricDesign,
        sort: family.sort,
        colors: colors.map((c) => ({
          id: c.slug,
          name: c.name,
          hex: c.hex,
          repeatMm: c.repeat_mm != null ? Number(c.repeat_mm) : ((family.design as FabricDesign).repeatMm ?? null),
          swatchUrl: swatchUrl(rt, family, c),
        })),
      })),
    });
  });
  app.get('/api/catalog', { schema: catalogSchema }, (req, reply) => sendCached(req, reply, catalogBody));

  const cutsSchema = {
    tags: ['catalog'],
    summary: "Active cuts with their views (and each view's size) and style options",
    response: { 200: cutsAnswer, ...errorResponses },
  };
  const cutsBody = rt.catalog.response('api-cuts', async () => {
    const cuts = await listActiveCuts(rt.db);
    const templates = [...rt.engines.values()].flatMap((e) => e.views());
    return cutsAnswer.parse({
      cuts: cuts.map(({ cut, views }) => ({
        id: cut.slug,
        name: cut.name,
        legacyId: cut.legacy_id,
        views: views.map((v) => {
          const t = templates.find((t) => t.cut === cut.slug && t.view === v.view);
          return { id: v.view, kind: v.kind, width: t?.width ?? null, height: t?.height ?? null };
        }),
        options: views.some((v) => v.kind === 'builtin') ? describeOptions(cut.slug) : [],
      })),
    });
  });
  app.get('/api/cuts', { schema: cutsSchema }, (req, reply) => sendCached(req, reply, cutsBody));

  // A colour's swatch card (its stored tile, or a procedural card drawn once and stored).
  const cardSchema = {
    tags: ['catalog'],
    summary: 'A swatch card of a colour (JPEG, 320×320)',
    params: swatchCardParams,
    response: { 200: { description: 'the card', content: { 'image/jpeg': { schema: binary('JPEG') } } }, ...errorResponses },
  };
  // Which card a URL names comes from memory (dropped with the rest of the catalogue on a change), so
  // a page of swatches costs no database reads; an unchanged card costs a 304 or nothing at all.
  const cardSources = rt.catalog.value('swatch-card-sources', () => listSwatchCardSources(rt.db));
  app.get('/api/swatches/:family/:color.jpg', { schema: cardSchema }, async (req, reply) => {
    const sources = await cardSources();
    const found = sources.get(`${req.params.family}/${req.params.color}`);
    if (!found) {
      if (![...sources.keys()].some((k) => k.startsWith(`${req.params.family}/`))) throw notFound('fabric family', req.params.family);
      throw notFound('colour', req.params.color);
    }
    const { family, color } = found;
    if (color.swatch_key) return reply.redirect(rt.storage.url(color.swatch_key));
    const version = swatchCardVersion(family, color);
    const etag = `"${version}"`;
    // A URL carrying the current version names these exact pixels forever; any other is revalidated.
    const wanted = (req.query as { v?: unknown }).v;
    reply.header('etag', etag).header('cache-control', wanted === version ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (etagMatches(req.headers['if-none-match'], etag)) return (reply as FastifyReply).status(304).send();
    await swatchCards(rt).ensure([{ family, color }]);
    const card = await rt.storage.get(catalogSwatchKey(family, color));
    return reply.header('content-type', 'image/jpeg').send(card);
  });

  // Drawn cards are stored files; one not drawn yet is drawn when first asked for.
  const storedCardSchema = {
    tags: ['catalog'],
    summary: 'A stored swatch card (immutable; drawn when first asked for)',
    params: z.object({ '*': z.string().describe('the rest of the storage key') }),
    response: { 200: { description: 'the card', content: { 'image/jpeg': { schema: binary('JPEG') } } }, ...errorResponses },
  };
  app.get('/files/swatch-cards/*', { config: { rateLimit: false }, schema: storedCardSchema }, async (req, reply) => {
    const key = `swatch-cards/${req.params['*']}`;
    assertServableKey(key);
    await swatchCards(rt).ensureKey(key);
    return sendStoredFile(rt, key, req, reply);
  });
  app.addHook('onClose', () => swatchCards(rt).close());
}
