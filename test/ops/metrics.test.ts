import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/jobs/worker.ts';
import { startMetricsServer } from '../../src/ops/metrics.ts';
import { freePort, json, startTestApp, startTestDatabase, testEnv, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';
import { startAtelier, stopAll } from '../helpers/processes.ts';

const TOKEN = 'metrics-token-for-the-test-0123';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format: the TYPE of each family and every sample with its labels. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unreadable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('/metrics', { timeout: 120_000 }, () => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;
  let worker: WorkerHandle | undefined;

  const scrape = async (base = t.url) => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };
  let associate: Session;
  const post = (path: string, body: unknown) => associate.send('POST', path, body);

  beforeAll(async () => {
    db = await startTestDatabase();
    // No worker at first: a render stays queued, so the queue gauges and an open event stream can be seen.
    t = await startTestApp({ databaseUrl: db.url, worker: false, env: { METRICS_TOKEN: TOKEN } });
    associate = await associateSession(t);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await db?.stop();
  });

  it('refuses a scrape without the bearer token', async () => {
    const bare = await fetch(`${t.url}/metrics`);
    expect(bare.status).toBe(401);
    expect((await json(bare)).error.code).toBe('unauthenticated');
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
  });

  it('shows the queue, an open event stream, renders by engine and size, and the cache hit ratio', async () => {
    // Thumbnails go through the queue (a lone preview is rendered by the API itself).
    const order = { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], sizes: ['thumb'] };
    const first = await json(await post('/api/renders', order));
    const id = first.renders[0].id as string;
    expect(first.renders[0].status).toBe('queued');

    const stream = await fetch(`${t.url}/api/renders/${id}/events`);
    const reader = stream.body!.getReader();
    await reader.read(); // the stream is open once its first bytes arrive

    let m = await scrape();
    expect(value(m.samples, 'atelier_sse_streams_open')).toBe(1);
    expect(value(m.samples, 'atelier_queue_jobs', { state: 'queued' })).toBe(1);
    expect(value(m.samples, 'atelier_queue_oldest_queued_age_seconds')).toBeGreaterThan(0);
    expect(value(m.samples, 'atelier_workers_alive')).toBe(0);

    worker = await startWorker(t.rt);
    // The stream ends by itself when the render is done.
    for (;;) if ((await reader.read()).done) break;

    m = await scrape();
    expect(value(m.samples, 'atelier_sse_streams_open')).toBe(0);
    expect(value(m.samples, 'atelier_queue_jobs', { state: 'queued' })).toBe(0);
    expect(value(m.samples, 'atelier_queue_oldest_queued_age_seconds')).toBe(0);
    expect(value(m.samples, 'atelier_workers_alive')).toBe(1);
    expect(value(m.samples, 'atelier_render_duration_seconds_count', { engine: 'compose', size: 'thumb', outcome: 'succeeded' })).toBe(1);
    expect(value(m.samples, 'atelier_render_duration_seconds_sum', { engine: 'compose', size: 'thumb', outcome: 'succeeded' })).toBeGreaterThan(0);

    const again = await json(await post('/api/renders', order));
    expect(again.renders[0]).toMatchObject({ id, reused: true });
    m = await scrape();
    expect(value(m.samples, 'atelier_render_orders_total', { cache: 'hit' })).toBe(1);
    expect(value(m.samples, 'atelier_render_orders_total', { cache: 'miss' })).toBe(1);
    expect(value(m.samples, 'atelier_render_cache_hit_ratio')).toBe(0.5);
  });

  it('counts rejected uploads by reason', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('these are not the pixels of a cloth')], { type: 'image/jpeg' }), 'cloth.jpg');
    const res = await associate.fetch('/api/swatch-uploads', { method: 'POST', body: form });
    expect(res.status).toBe(415);
    const { code } = (await json(res)).error;
    const m = await scrape();
    expect(value(m.samples, 'atelier_upload_rejections_total', { reason: code })).toBe(1);
  });

  it('labels requests by route template, so random paths add no series', async () => {
    const secrets: string[] = [];
    for (let i = 0; i < 40; i++) {
      const word = randomBytes(6).toString('hex');
      secrets.push(word);
      const res = await fetch(`${t.url}/${word}/${randomUUID()}?q=${word}`);
      expect(res.status).toBe(404);
      await (await fetch(`${t.url}/api/renders/${randomUUID()}`)).arrayBuffer();
      await (await fetch(`${t.url}/files/renders/${word}.jpg`)).arrayBuffer();
      await (await fetch(`${t.url}/api/swatches/${word}/${word}.jpg`)).arrayBuffer();
    }
    const m = await scrape();
    const http = m.samples.filter((s) => s.name === 'atelier_http_requests_total');
    const routes = new Set(http.map((s) => s.labels.route!));
    for (const route of routes) {
      expect(route === 'unmatched' || route.startsWith('/'), route).toBe(true);
      for (const secret of secrets) expect(route).not.toContain(secret);
    }
    expect(routes).toContain('unmatched');
    expect(routes).toContain('/api/renders/:id');
    // 160 requests to random paths landed in a handful of series.
    expect(http.length).toBeLessThan(25);
    expect(value(m.samples, 'atelier_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(40);
    expect(value(m.samples, 'atelier_http_requests_total', { method: 'GET', route: '/api/renders/:id', status: '404' })).toBe(40);
    const buckets = m.samples.filter((s) => s.name === 'atelier_http_request_duration_seconds_bucket');
    expect(new Set(buckets.map((s) => s.labels.status_class))).toEqual(new Set(buckets.map((s) => s.labels.status_class).filter((c) => /^[1-5]xx$/.test(c!))));
    for (const s of m.samples) for (const v of Object.values(s.labels)) expect(v.length).toBeLessThan(80);
  });

  it('declares every family with its Prometheus type', async () => {
    const m = await scrape();
    expect(Object.fromEntries([...m.types].filter(([name]) => !name.startsWith('atelier_process_') && !name.startsWith('atelier_nodejs_')))).toEqual({
      atelier_http_requests_total: 'counter',
      atelier_http_request_duration_seconds: 'histogram',
      atelier_render_duration_seconds: 'histogram',
      atelier_render_orders_total: 'counter',
      atelier_render_cache_hit_ratio: 'gauge',
      atelier_upload_rejections_total: 'counter',
      atelier_sse_streams_open: 'gauge',
      atelier_db_pool_connections: 'gauge',
      atelier_queue_jobs: 'gauge',
      atelier_queue_oldest_queued_age_seconds: 'gauge',
      atelier_workers_alive: 'gauge',
    });
    expect(m.types.get('atelier_process_cpu_seconds_total')).toBe('counter');
    for (const state of ['in_use', 'idle', 'waiting']) expect(value(m.samples, 'atelier_db_pool_connections', { state })).toBeGreaterThanOrEqual(0);
  });

  it('`atelier worker` with WORKER_METRICS_PORT answers /metrics and /healthz', async () => {
    const port = await freePort();
    const p = startAtelier(
      ['worker'],
      // Alive within 30 s (the production default), not the harness's 1.5 s: on a loaded machine a
      // worker starting beside this test can delay a heartbeat past 1.5 s, and liveness is not what this checks.
      testEnv({
        DATABASE_URL: db.url,
        WORKER_METRICS_PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_TOKEN: TOKEN,
        LOG_LEVEL: 'info',
        WORKER_DEAD_AFTER_MS: '30000',
      }),
    );
    try {
      await p.waitForOutput(/worker metrics at \/metrics/, 60_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // The test's in-process worker and this one. On a loaded machine the in-process worker (the
      // harness's 1.5 s liveness) can take this one for dead while it starts, until its next beat.
      let m = await scrape(base);
      for (const end = Date.now() + 30_000; value(m.samples, 'atelier_workers_alive') !== 2 && Date.now() < end; m = await scrape(base))
        await new Promise((r) => setTimeout(r, 100));
      expect(value(m.samples, 'atelier_workers_alive')).toBe(2);
      expect(m.types.get('atelier_render_duration_seconds')).toBe('histogram');
    } finally {
      await stopAll([p]);
    }
    expect(p.child.exitCode).toBe(0);
  });

  it('serves a worker process’s metrics on its own port', async () => {
    const server = await startMetricsServer({ pool: t.rt.pool, workerDeadAfterMs: t.config.worker.deadAfterMs, token: TOKEN, host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const m = await scrape(base);
      expect(value(m.samples, 'atelier_workers_alive')).toBe(1);
      expect(value(m.samples, 'atelier_render_duration_seconds_count', { engine: 'compose', size: 'thumb', outcome: 'succeeded' })).toBe(1);
    } finally {
      await server.close();
    }
  });
});
