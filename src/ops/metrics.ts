import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import client from 'prom-client';
import { binary, errorResponses } from '../contract/common.ts';
import { queueFigures, type QueueFigures } from './repository.ts';

/**
 * Prometheus metrics, one registry per process. Other code reports with the tiny hooks below
 * (renderFinished, renderOrdered, uploadRejected, sseStreamOpened); the HTTP histograms come from
 * hooks installed on the app; queue, worker and pool gauges are read from PostgreSQL and the pool at
 * scrape time, so they cost nothing between scrapes.
 *
 * Every label has a bounded set of values: routes are Fastify's templates ('/api/renders/:id'),
 * never the path a client sent, and anything outside a known set becomes 'other'.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'atelier_' });

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RENDER_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const ENGINES = new Set(['compose', 'comfyui']);
const SIZES = new Set(['full', 'preview', 'thumb']);

const httpRequests = new client.Counter({
  name: 'atelier_http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});
const httpDuration = new client.Histogram({
  name: 'atelier_http_request_duration_seconds',
  help: 'Time to answer an HTTP request (to the last byte of the reply), by method, route template and status class',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: SECONDS_BUCKETS,
  registers: [registry],
});
const renderDuration = new client.Histogram({
  name: 'atelier_render_duration_seconds',
  help: 'Time a worker spent on one render attempt, by engine, the sizes it produced and outcome',
  labelNames: ['engine', 'size', 'outcome'] as const,
  buckets: RENDER_BUCKETS,
  registers: [registry],
});
const renderOrders = new client.Counter({
  name: 'atelier_render_orders_total',
  help: 'Renders asked for, by whether an existing render was reused (cache hit) or a new one queued',
  labelNames: ['cache'] as const,
  registers: [registry],
});
new client.Gauge({
  name: 'atelier_render_cache_hit_ratio',
  help: 'Share of renders asked for since this process started that reused an existing render',
  registers: [registry],
  async collect() {
    const values = (await renderOrders.get()).values;
    const hits = values.find((v) => v.labels.cache === 'hit')?.value ?? 0;
    const total = values.reduce((sum, v) => sum + v.value, 0);
    this.set(total ? hits / total : 0);
  },
});
const uploadRejections = new client.Counter({
  name: 'atelier_upload_rejections_total',
  help: 'Uploads refused, by reason (the error code the client received)',
  labelNames: ['reason'] as const,
  registers: [registry],
});
const sseStreams = new client.Gauge({
  name: 'atelier_sse_streams_open',
  help: 'Server-sent event streams (render progress) open on this process',
  registers: [registry],
});

// ---------------------------------------------------------------- hooks for the rest of the code

/** A render attempt ended on a worker. `sizes` are the sizes it produced (or was asked for). */
export function renderFinished(engine: string, sizes: readonly string[] | undefined, durationMs: number, outcome: 'succeeded' | 'failed'): void {
  const size = sizes?.length ? [...new Set(sizes.map((s) => (SIZES.has(s) ? s : 'other')))].sort().join('+') : 'all';
  renderDuration.observe({ engine: ENGINES.has(engine) ? engine : 'other', size, outcome }, durationMs / 1000);
}

/** One render of an order: reused an existing one (a cache hit) or queued a new one. */
export function renderOrdered(reused: boolean): void {
  renderOrders.inc({ cache: reused ? 'hit' : 'miss' });
}

const REASON = /^[a-z][a-z0-9_]{0,39}$/;
/** An upload was refused; `reason` is the error code the client got ('too_large', 'unsupported_type'…). */
export function uploadRejected(reason: string): void {
  uploadRejections.inc({ reason: REASON.test(reason) ? reason : 'other' });
}

/** An event stream opened; call the returned function once when it closes (extra calls are ignored). */
export function sseStreamOpened(): () => void {
  sseStreams.inc();
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    sseStreams.dec();
  };
}

// ---------------------------------------------------------------- scrape-time gauges

export interface MetricsSources {
  pool: pg.Pool;
  /** Workers silent longer than this are not counted as alive. */
  workerDeadAfterMs: number;
}

/**
 * Gauges read when scraped: the queue (graphile-worker's jobs), live workers and this process's DB
 * pool. Kept in a registry of their own per runtime (tests run several in one process), merged with
 * the process registry when scraped.
 */
export function createSourceRegistry(sources: MetricsSources): client.Registry {
  const own = new client.Registry();
  const { pool } = sources;
  new client.Gauge({
    name: 'atelier_db_pool_connections',
    help: 'Connections of this process’s PostgreSQL pool: in use, idle, and requests waiting for one',
    labelNames: ['state'] as const,
    registers: [own],
    collect() {
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  // One query feeds the three queue gauges; a failing database shows as -1, not as a failed scrape.
  let queueRead: Promise<QueueState> | undefined;
  const readQueue = () => (queueRead ??= queueState(pool, sources.workerDeadAfterMs).finally(() => setTimeout(() => (queueRead = undefined), 0)));
  new client.Gauge({
    name: 'atelier_queue_jobs',
    help: 'Render queue jobs: ready to run (queued), locked by a worker (running), waiting for a retry (retrying)',
    labelNames: ['state'] as const,
    registers: [own],
    async collect() {
      const q = await readQueue();
      this.set({ state: 'queued' }, q.queued);
      this.set({ state: 'running' }, q.running);
      this.set({ state: 'retrying' }, q.retrying);
    },
  });
  new client.Gauge({
    name: 'atelier_queue_oldest_queued_age_seconds',
    help: 'How long the oldest job ready to run has waited (0 when none waits)',
    registers: [own],
    async collect() {
      this.set((await readQueue()).oldestQueuedSeconds);
    },
  });
  new client.Gauge({
    name: 'atelier_workers_alive',
    help: 'Worker processes that sent a heartbeat within WORKER_DEAD_AFTER_MS',
    registers: [own],
    async collect() {
      this.set((await readQueue()).workersAlive);
    },
  });
  return own;
}

type QueueState = QueueFigures;

async function queueState(pool: pg.Pool, deadAfterMs: number): Promise<QueueState> {
  try {
    return await queueFigures(pool, deadAfterMs);
  } catch {
    return { queued: -1, running: -1, retrying: -1, oldestQueuedSeconds: -1, workersAlive: -1 };
  }
}

/** The text a scrape returns: the process registry and this runtime's gauges. */
export async function scrape(sourceRegistry?: client.Registry): Promise<{ contentType: string; body: string }> {
  const merged = sourceRegistry ? client.Registry.merge([registry, sourceRegistry]) : registry;
  return { contentType: registry.contentType, body: await merged.metrics() };
}

// ---------------------------------------------------------------- HTTP

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Counts and times every request by route template, counts rejected uploads (any 4xx answer to a
 * multipart request), and serves GET /metrics (behind `Authorization: Bearer METRICS_TOKEN` when set).
 * Call on the root instance before routes are registered, so the hooks see every route.
 */
export function installHttpMetrics(app: FastifyInstance, options: MetricsSources & { token?: string }): void {
  const own = createSourceRegistry(options);
  app.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    const method = METHODS.has(req.method) ? req.method : 'other';
    // No template means no route matched (404): one label value for every unknown path.
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    httpRequests.inc({ method, route, status: String(status) });
    httpDuration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, reply.elapsedTime / 1000);
  });
  app.addHook('onError', async (req, reply, error) => {
    const status = (error as { statusCode?: number; status?: number }).statusCode ?? (error as { status?: number }).status ?? reply.statusCode;
    if (status >= 400 && status < 500 && req.isMultipart())
      uploadRejected(
        String((error as { code?: string }).code ?? 'bad_request')
          .toLowerCase()
          .replace(/^fst_err_/, ''),
      );
  });
  const metricsSchema = {
    tags: ['operations'],
    summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)',
    response: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: binary('metrics') } } }, ...errorResponses },
  };
  app.get('/metrics', { config: { rateLimit: false }, schema: metricsSchema }, async (req, reply) => {
    if (options.token && !bearerMatches(req.headers.authorization, options.token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: { code: 'unauthenticated', message: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"' } });
    }
    const { contentType, body } = await scrape(own);
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * A worker process has no HTTP server of its own: this one answers GET /metrics and GET /healthz
 * (and nothing else) on WORKER_METRICS_PORT.
 */
export async function startMetricsServer(
  options: MetricsSources & { port: number; host: string; token?: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const own = createSourceRegistry(options);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    // Liveness for the container's HEALTHCHECK: a worker has no API to ask.
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: 'Only GET /metrics and /healthz are served here' } }));
      return;
    }
    if (options.token && !bearerMatches(req.headers.authorization, options.token)) {
      res
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' })
        .end(JSON.stringify({ error: { code: 'unauthenticated', message: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"' } }));
      return;
    }
    scrape(own).then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error.message}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
