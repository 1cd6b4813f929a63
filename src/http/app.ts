import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { adminRoutes } from '../admin/routes.ts';
import { forgetPreviewPlans } from '../renders/preview-memo.ts';
import { installSessionCache, SessionCache } from '../auth/session-cache.ts';
import { createSessionTokens, type SessionTokens } from '../auth/sessions.ts';
import { catalogRoutes } from '../catalog/routes.ts';
import { clientRoutes } from '../clients/routes.ts';
import { legacyRoutes } from '../legacy/routes.ts';
import { studioRoutes } from '../studio/routes.ts';
import { lookRoutes } from '../looks/routes.ts';
import { renderRoutes } from '../renders/routes.ts';
import type { Runtime } from '../runtime.ts';
import { fileRoutes } from '../storage/routes.ts';
import { swatchRoutes } from '../swatches/routes.ts';
import { isDatabaseUnavailable } from '../db/database.ts';
import { StorageFullError } from '../storage/types.ts';
import { installHttpMetrics } from '../ops/metrics.ts';
import { installContract } from './contract.ts';
import { AppError, requestErrorOf } from './errors.ts';
import { healthRoutes, VERSION } from './health.ts';
import { refuseNulCharacters } from './validation.ts';
import { webRoutes } from './web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    runtime: Runtime;
    /** Signs and checks session cookies: one per app, so the console and the stylist share sessions. */
    sessionTokens: SessionTokens;
  }
}

const DATABASE_RETRY_AFTER_S = 5;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Console routes that change what a preview draws (families, colours, cuts and their views, imports, swatches). */
const CATALOG_WRITES = /^\/api\/admin\/(families|colors|cuts|cut-views|catalog\/import|swatches)(\/|\?|$)/;

export async function buildApp(rt: Runtime): Promise<FastifyInstance> {
  const { config } = rt;
  const app = Fastify({
    loggerInstance: rt.logger,
    bodyLimit: config.http.bodyLimitBytes,
    // Headers and body must arrive within this: a client dripping a body byte by byte cannot hold a
    // connection (and its memory) for minutes. Node answers 408 and closes the socket.
    requestTimeout: config.http.requestTimeoutMs,
    // Node checks those deadlines only this often (30 s by default, longer than a short timeout).
    http: { connectionsCheckingInterval: Math.min(1000, config.http.requestTimeoutMs) } as never,
    trustProxy: config.trustProxy,
    // A caller's correlation id is kept when it looks like one; otherwise we make our own.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Errors of the router itself (a malformed URL, a path parameter over maxParamLength) come before
    // any route: they get the same {error: {code, message}} as every other refusal.
    frameworkErrors: (error, _req, reply) => {
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A part of the path is too long' : 'The URL is malformed';
      void (reply as unknown as FastifyReply).code(400).send({ error: { code: error.code.replace(/^FST_ERR_/, '').toLowerCase(), message } });
    },
  });
  app.decorate('runtime', rt);
  app.decorate('sessionTokens', createSessionTokens(config, rt.logger));
  // Sessions remembered for SESSION_CACHE_MS, forgotten at once on a change (see session-cache.ts).
  const sessions = installSessionCache(
    rt.db,
    new SessionCache({ ttlMs: config.auth.sessionCacheMs, maxEntries: config.auth.sessionCacheEntries, listening: () => rt.events.listening }),
  );
  const unlistenSessions = rt.events.onSessionChange((what) => sessions.onNotification(what));
  app.addHook('onClose', async () => {
    unlistenSessions();
    sessions.clear();
  });
  await app.register(cookie);
  // Node wants the headers deadline no later than the whole request's.
  app.server.headersTimeout = Math.min(app.server.headersTimeout || 60_000, config.http.requestTimeoutMs);

  // A catalogue change is visible to the very next request on this replica; the NOTIFY its triggers
  // send reaches the other replicas (and this one again) a moment later. Other console writes (a
  // sign-in, a render's retry, a user) leave the catalogue's and the live preview's memory alone.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400 && CATALOG_WRITES.test(req.url)) {
      rt.catalog.invalidate();
      forgetPreviewPlans(rt.db);
    }
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // Before any route: the OpenAPI document is collected as routes are added.
  await installContract(app as unknown as FastifyInstance, { version: VERSION });
  installHttpMetrics(app as unknown as FastifyInstance, { pool: rt.pool, workerDeadAfterMs: config.worker.deadAfterMs, token: config.metrics.token });
  // One guard for every route: no string we store or look up may hold U+0000 (see validation.ts).
  app.addHook('preValidation', async (req) => {
    refuseNulCharacters({ params: req.params, query: req.query, body: req.body });
  });

  await app.register(helmet, {
    // The API is also called by a front end on another origin: images must be embeddable there.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(config.storage.driver === 's3' && config.storage.publicBaseUrl ? [config.storage.publicBaseUrl] : [])],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
      },
    },
  });
  await app.register(cors, {
    origin: (origin, cb) => cb(null, !origin || config.http.corsOrigins.includes(origin) || config.http.corsOrigins.includes('*')),
    credentials: true,
    // PATCH/PUT/DELETE too: the replaced front end's admin page must be able to read our JSON 401.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id'],
  });
  await app.register(rateLimit, {
    max: config.http.rateLimitMax,
    timeWindow: config.http.rateLimitWindowMs,
    errorResponseBuilder: (_req, ctx) => new AppError(429, 'rate_limited', `Too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  await app.register(multipart, {
    limits: { fileSize: config.uploads.maxBytes, files: 1, fields: 10, fieldSize: 10_000 },
  });

  app.setErrorHandler((error: FastifyError | AppError, req, reply) => {
    const caused = requestErrorOf(error);
    if (caused) {
      req.log.warn({ err: error }, 'request refused by the database');
      error = caused;
    }
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error instanceof StorageFullError) {
      req.log.error({ err: error }, 'storage full');
      return reply
        .status(507)
        .header('retry-after', '300')
        .send({
          error: {
            code: 'storage_full',
            message: 'The server has run out of space to store images; nothing was saved. Please tell the administrator and try again later',
          },
        });
    }
    if (isDatabaseUnavailable(error)) {
      // A stalled, restarting or saturated database: say so at once and when to come back, rather
      // than hanging the caller or blaming "something" with a 500.
      req.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_S))
        .send({ error: { code: 'database_unavailable', message: 'The service is briefly unable to reach its database; try again in a few seconds' } });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if ((error as FastifyError).code === 'FST_ERR_RESPONSE_SERIALIZATION') {
      // Our answer broke its own contract: a bug on our side, never sent half-checked.
      const issues = ((error as Error).cause as { issues?: unknown } | undefined)?.issues;
      req.log.error({ err: error, route: req.routeOptions.url, issues }, 'the answer does not match its schema');
      return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side; the error was logged' } });
    }
    if (status >= 500) {
      req.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side; the error was logged' } });
    }
    const code = (error as FastifyError).code;
    const message =
      code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? 'The request body is not valid JSON'
        : code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `The request body is larger than ${config.http.bodyLimitBytes} bytes`
          : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'Unsupported content type'
            : error.message;
    return reply.status(status).send({ error: { code: code ? code.replace(/^FST_ERR_/, '').toLowerCase() : 'bad_request', message } });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }));

  await app.register(adminRoutes);
  await app.register(healthRoutes);
  await app.register(catalogRoutes);
  await app.register(renderRoutes);
  await app.register(swatchRoutes);
  await app.register(fileRoutes);
  await app.register(legacyRoutes);
  await app.register(studioRoutes);
  await app.register(lookRoutes);
  await app.register(clientRoutes);
  await app.register(webRoutes);
  // Fastify types the instance by its pino logger; the rest of the code only needs the base type.
  return app as unknown as FastifyInstance;
}
