import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { identifyCaller, orderingClient, requireSession } from '../auth/guard.ts';
import { SIGNED_IN } from '../auth/roles.ts';
import { binary, errorResponses } from '../contract/common.ts';
import { historyQuery, render, renderBatch, renderHistory, renderIdParams, renderOrder } from '../contract/renders.ts';
import { AppError, notFound } from '../http/errors.ts';
import { StageClock } from '../http/server-timing.ts';
import { sseStreamOpened } from '../ops/metrics.ts';
import { StreamLimiter } from './events.ts';
import type { Account } from '../auth/roles.ts';
import { findRenderView, listRenderHistory, listRenderViews, TERMINAL_STATUSES, type RenderView } from './repository.ts';
import { orderRenders, toApiRender, withInlineImages } from './service.ts';

const uuid = z.uuid({ message: 'expected a render id (UUID)' });
function encodeCursor(createdAt: Date, id: string) {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}
function decodeCursor(cursor: string) {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !uuid.safeParse(id).success) {
    throw new AppError(422, 'validation_failed', 'cursor: not a cursor returned by this API');
  }
  return { createdAt, id };
}

const STREAM_RETRY_AFTER_S = 5;

/**
 * Catalogue renders are anyone's to read by id. A studio render shows a client's own photo: only the
 * photo's owner (or an administrator) reads it; anyone else is told it does not exist.
 */
function mayRead(render: RenderView, account: Account | undefined): boolean {
  if (!render.studio_photo_id) return true;
  return !!account && (account.role === 'admin' || account.id === render.studio_owner_id);
}

export async function renderRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const rt = app.runtime;
  const tags = ['renders'];
  // Open event streams never end by themselves: close them on shutdown so the server can stop;
  // browsers reconnect (retry: 2000) to another replica.
  const streams = new Set<() => void>();
  const streamLimiter = new StreamLimiter(rt.config.http.sseMaxPerClient, rt.config.http.sseMax);
  app.addHook('preClose', async () => {
    for (const finish of streams) finish();
  });

  app.post(
    '/api/renders',
    {
      config: { rateLimit: { max: rt.config.http.rateLimitRendersMax, timeWindow: rt.config.http.rateLimitWindowMs } },
      onRequest: requireSession(base, SIGNED_IN),
      schema: {
        tags,
        security: [{ session: [] }],
        summary: 'Order renders of a fabric on one or more cuts: 202, or 200 when every one is ready already',
        body: renderOrder,
        response: { 200: renderBatch, 202: renderBatch, ...errorResponses },
      },
    },
    async (req, reply) => {
      const account = req.account!;
      const orderedBy = { userId: account.id, store: account.store };
      const clock = new StageClock();
      // Before this handler: reading the request, the session, validation.
      clock.add('pre', reply.elapsedTime);
      const result = await orderRenders(rt, { ...req.body, requestId: req.id, client: orderingClient(req), source: 'api', orderedBy }, clock);
      const views =
        result.views ??
        (await listRenderViews(
          rt.db,
          result.renders.map((r) => r.render.id),
        ));
      clock.lap('read');
      const byId = new Map(views.map((v) => [v.id, v]));
      const renders = result.renders.map((r) => {
        const answer = toApiRender(rt, byId.get(r.render.id)!);
        const images = withInlineImages(answer.images, result.drawn?.get(r.render.id), rt.config.rendering.previewInlineMaxBytes);
        return { ...answer, images, reused: r.reused };
      });
      const allDone = renders.every((r) => r.status === 'succeeded');
      // Where the order's time went, for the browser's Resource Timing (what a slow tap waited on).
      clock.add('total', reply.elapsedTime);
      reply.header('server-timing', clock.header());
      return reply.status(allDone ? 200 : 202).send({ batchId: result.batchId, renders });
    },
  );

  const oneSchema = { tags, summary: 'A render: status, progress, images', params: renderIdParams, response: { 200: render, ...errorResponses } };
  app.get('/api/renders/:id', { schema: oneSchema, onRequest: identifyCaller(base) }, async (req, reply) => {
    const { id } = req.params;
    const render = await findRenderView(rt.db, id);
    if (!render || !mayRead(render, req.account)) throw notFound('render', id);
    if (render.studio_photo_id) reply.header('cache-control', 'private, no-store');
    return toApiRender(rt, render);
  });

  // History: an associate sees their own and their store's renders, an administrator everyone's.
  const historySchema = {
    tags,
    security: [{ session: [] }],
    summary: 'Render history, newest first, by cursor: your own and your store’s renders (admins: all)',
    querystring: historyQuery,
    response: { 200: renderHistory, ...errorResponses },
  };
  app.get('/api/renders', { schema: historySchema, onRequest: requireSession(base, SIGNED_IN) }, async (req, reply) => {
    const q = req.query;
    const account = req.account!;
    const scope = account.role === 'admin' ? { everyone: true as const } : { userId: account.id, store: account.store };
    reply.header('cache-control', 'private, no-store');
    const rows = await listRenderHistory(rt.db, { limit: q.limit + 1, before: q.cursor ? decodeCursor(q.cursor) : undefined, scope });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => toApiRender(rt, r)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  });

  // Server-sent events: the current state at once, then every change until the render ends.
  const eventsSchema = {
    tags,
    summary: "A render's progress as server-sent events: `status` (the whole render) and `progress`, until it ends",
    params: renderIdParams,
    response: {
      200: {
        description: 'event stream',
        content: { 'text/event-stream': { schema: binary('events: status (a Render as JSON), progress ({id, status, progress, error})') } },
      },
      ...errorResponses,
    },
  };
  app.get('/api/renders/:id/events', { config: { rateLimit: false }, schema: eventsSchema, onRequest: identifyCaller(base) }, async (req, reply) => {
    const { id } = req.params;
    const initial = await findRenderView(rt.db, id);
    if (!initial || !mayRead(initial, req.account)) throw notFound('render', id);
    const isTerminal = (status: string) => (TERMINAL_STATUSES as string[]).includes(status);

    // A finished render needs no stream and no slot: its state, then the end.
    const slot = isTerminal(initial.status) ? { release: () => undefined } : streamLimiter.acquire(req.ip);
    if ('refused' in slot) {
      const headers = { 'retry-after': String(STREAM_RETRY_AFTER_S) };
      if (slot.refused === 'client') {
        throw new AppError(
          429,
          'too_many_streams',
          `At most ${rt.config.http.sseMaxPerClient} progress streams can be open at once from one client; close some or poll GET /api/renders/${id}`,
          undefined,
          headers,
        );
      }
      throw new AppError(
        503,
        'too_many_streams',
        `The server has too many progress streams open; poll GET /api/renders/${id} or try again shortly`,
        undefined,
        headers,
      );
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const untrack = sseStreamOpened();
    const send = (event: string, data: unknown) => {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      streams.delete(finish);
      untrack();
      slot.release();
      unsubscribe();
      unresync();
      clearInterval(keepAlive);
      raw.end();
    };
    /** Sends the render's current state; ends the stream when it is final. */
    const sendCurrent = async () => {
      try {
        const r = await findRenderView(rt.db, id);
        if (r) send('status', toApiRender(rt, r));
        if (!r || isTerminal(r.status)) finish();
      } catch (err) {
        // The database is away: the browser reconnects (retry) and reads the state afresh.
        req.log.warn({ err }, 'render event stream could not read its render; closing it');
        finish();
      }
    };

    // Subscribe before re-reading so no event can slip between the read and the subscription.
    const unsubscribe = rt.events.subscribe(id, (event) => {
      if (isTerminal(event.status)) void sendCurrent();
      else send('progress', { id, status: event.status, progress: event.progress, error: event.error ?? null });
    });
    // Events sent while the listener was reconnecting are lost: read the state again.
    const unresync = rt.events.onResync(() => void sendCurrent());
    const keepAlive = setInterval(() => !closed && raw.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', finish);
    streams.add(finish);

    raw.write('retry: 2000\n\n');
    await sendCurrent();
  });
}
