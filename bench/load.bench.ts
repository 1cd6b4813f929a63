/**
 * Load on a real `atelier serve` process (embedded PostgreSQL, in-process render worker):
 * - `/api/catalog` throughput and latency under 50 concurrent connections (autocannon), full bodies
 *   and revalidations (If-None-Match → 304);
 * - a burst of 500 mixed render orders (`/api/renders` and the replaced API's `/generate`, many of
 *   them identical) sent at once: every order answered, every distinct render made exactly once,
 *   none lost.
 * `npm run bench load` writes bench/results/load.json. The load generator runs in this process and
 * the server in another, on the same 2 cores, so the figures are a floor.
 */
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { freePort, tempDir, testEnv } from '../test/helpers/harness.ts';
import { startAtelier, stopAll } from '../test/helpers/processes.ts';
import { ADMIN_ENV, adminSessionAt } from '../test/helpers/session.ts';
import { quantile } from './stats.ts';

const r1 = (v: number) => Math.round(v * 10) / 10;

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function summarise(result: autocannon.Result) {
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  };
}

export async function benchLoad(): Promise<Record<string, unknown>> {
  const dir = await tempDir('atelier-load-');
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const server = startAtelier(['serve'], {
    ...testEnv(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    FILES_DIR: path.join(dir, 'files'),
    HOST: '127.0.0.1',
    PORT: String(port),
    LEGACY_API: 'open',
    // The load comes from one address: lift the per-client limits, keep everything else as shipped.
    RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_RENDERS_MAX: '100000',
    RENDER_QUEUE_MAX_PER_CLIENT: '100000',
    WORKER_CONCURRENCY: '2',
    // Renders on /api/renders are ordered by a signed-in person (the legacy half stays anonymous).
    ...ADMIN_ENV,
  });
  try {
    // Request logging is off at this level, so readiness is polled rather than read from the log.
    const readyBy = Date.now() + 120_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.output().slice(-2000)}`);
      const ok = await fetch(`${api}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > readyBy) throw new Error(`the server did not get ready: ${server.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const stylist = await adminSessionAt(api);
    const catalogRes = await fetch(`${api}/api/catalog`);
    const etag = catalogRes.headers.get('etag') ?? '';
    const catalog = (await catalogRes.json()) as { families: Array<{ id: string; colors: Array<{ id: string }> }> };

    // Warm-up, then the measured runs.
    await cannon({ url: `${api}/api/catalog`, connections: 20, duration: 3 });
    const full = await cannon({ url: `${api}/api/catalog`, connections: 50, duration: 10 });
    const revalidate = await cannon({ url: `${api}/api/catalog`, connections: 50, duration: 10, headers: { 'if-none-match': etag } });

    // The burst: 500 orders over 120 distinct renders, half the replaced API's shape.
    const combos: Array<{ family: string; color: string; cut: string; legacyCut: string }> = [];
    const cuts: Array<[string, string]> = [
      ['single-breasted', 'recto'],
      ['double-breasted', 'cruzado'],
    ];
    for (const f of catalog.families) for (const c of f.colors) for (const [cut, legacyCut] of cuts) combos.push({ family: f.id, color: c.id, cut, legacyCut });
    const distinct = combos.slice(0, 60);
    const orders = Array.from({ length: 500 }, (_, i) => ({ combo: distinct[(i * 7) % distinct.length]!, legacy: i % 2 === 1 }));
    const burstStarted = performance.now();
    let retries = 0;
    const answers = await Promise.all(
      orders.map(async ({ combo, legacy }) => {
        const t = performance.now();
        // A well-behaved client: on 429/503 it waits as told by Retry-After and asks again.
        for (let attempt = 1; ; attempt++) {
          const res = legacy
            ? await fetch(`${api}/generate`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ family_id: combo.family, color_id: combo.color, cuts: [combo.legacyCut] }),
              })
            : await stylist.fetch('/api/renders', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ family: combo.family, color: combo.color, cuts: [combo.cut] }),
              });
          const body = (await res.json()) as Record<string, any>;
          if ((res.status === 429 || res.status === 503) && attempt < 20) {
            retries++;
            await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
            continue;
          }
          return { status: res.status, ms: performance.now() - t, body };
        }
      }),
    );
    const acceptedAllMs = performance.now() - burstStarted;
    const statuses: Record<string, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;

    // Wait for the queue to drain, reading the database directly.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let drained: { renders: number; succeeded: number; failed: number; multiAttempt: number; jobs: number; duplicateKeys: number };
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const { rows } = await client.query(`
        SELECT count(*)::int AS renders,
               count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
               count(*) FILTER (WHERE status IN ('failed', 'canceled'))::int AS failed,
               count(*) FILTER (WHERE attempts > 1)::int AS "multiAttempt",
               (SELECT count(*)::int FROM graphile_worker.jobs) AS jobs,
               (SELECT count(*)::int FROM (SELECT cache_key FROM renders GROUP BY cache_key HAVING count(*) > 1) d) AS "duplicateKeys"
        FROM renders`);
      drained = rows[0];
      if (drained.succeeded + drained.failed === drained.renders && drained.jobs === 0) break;
      if (Date.now() > deadline) throw new Error(`the burst did not drain within 30 min: ${JSON.stringify(drained)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const drainedMs = performance.now() - burstStarted;
    await client.end();

    const accept = answers.map((a) => a.ms);
    const result = {
      catalog: {
        logLevel: 'warn',
        connections: 50,
        durationS: 10,
        full: summarise(full),
        revalidate304: summarise(revalidate),
        goal: { requestsPerSecond: 5000, p99Ms: 20 },
        before: { requestsPerSecond: 542, p99Ms: 315 },
      },
      renderBurst: {
        orders: orders.length,
        distinctRenders: distinct.length,
        statuses,
        retriesAfter503or429: retries,
        acceptMs: { p50: r1(quantile(accept, 0.5)), p99: r1(quantile(accept, 0.99)), all: r1(acceptedAllMs) },
        drainedS: r1(drainedMs / 1000),
        renders: drained!.renders,
        succeeded: drained!.succeeded,
        failed: drained!.failed,
        renderedMoreThanOnce: drained!.multiAttempt,
        duplicateRenders: drained!.duplicateKeys,
        jobsLeft: drained!.jobs,
        allOk:
          statuses['202'] !== undefined &&
          Object.keys(statuses).every((s) => s === '200' || s === '201' || s === '202') &&
          drained!.renders === distinct.length &&
          drained!.succeeded === distinct.length &&
          drained!.multiAttempt === 0,
      },
    };
    return result;
  } catch (error) {
    // Say what the server said: a bench that fails because the server died must show why.
    console.error(`server output (last lines):\n${server.output().slice(-4000)}`);
    throw error;
  } finally {
    await stopAll([server]);
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
