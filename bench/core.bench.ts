import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { json, startTestApp, startTestDatabase } from '../test/helpers/harness.ts';
import { associateSession } from '../test/helpers/session.ts';
import { quantile, summary } from './stats.ts';

const quiet = new Logger(() => () => undefined);

/** Queue pickup: job enqueued → handler started, graphile-worker on embedded PostgreSQL. */
async function queuePickup(databaseUrl: string, n = 200) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 6 });
  const latencies: number[] = [];
  let resolveStarted: (() => void) | undefined;
  const runner = await run({
    pgPool: pool,
    concurrency: 1,
    noHandleSignals: true,
    logger: quiet,
    taskList: {
      bench_pickup: async (payload) => {
        latencies.push(performance.now() - (payload as { t: number }).t);
        resolveStarted?.();
      },
    },
  });
  const utils = await makeWorkerUtils({ pgPool: pool, logger: quiet });
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < n + 10; i++) {
    const started = new Promise<void>((r) => (resolveStarted = r));
    await utils.addJob('bench_pickup', { t: performance.now() });
    await started;
  }
  await runner.stop();
  await utils.release();
  await pool.end();
  return summary(latencies.slice(10));
}

export async function benchCore(): Promise<Record<string, unknown>> {
  const pg = await startTestDatabase();
  try {
    const pickup = await queuePickup(pg.url);
    const t = await startTestApp({ databaseUrl: pg.url, env: { WORKER_CONCURRENCY: '1' } });
    try {
      // Renders are ordered by a signed-in associate, as the stylist app does.
      const stylist = await associateSession(t);
      const catalog = await json(await fetch(`${t.url}/api/catalog`));
      const colors: Array<[string, string]> = catalog.families.flatMap((f: any) => f.colors.map((c: any) => [f.id, c.id]));

      // Uncached: a new colour each time, request → succeeded seen on the SSE stream.
      const uncached: number[] = [];
      const cached: number[] = [];
      for (const [family, color] of colors.slice(0, 30)) {
        const started = performance.now();
        const res = await json(
          await stylist.fetch('/api/renders', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ family, color, cuts: ['single-breasted'] }),
          }),
        );
        const events = await (await fetch(`${t.url}/api/renders/${res.renders[0].id}/events`)).text();
        if (!events.includes('"status":"succeeded"')) throw new Error(`render did not succeed: ${events.slice(-300)}`);
        uncached.push(performance.now() - started);

        const again = performance.now();
        const hit = await stylist.fetch('/api/renders', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ family, color, cuts: ['single-breasted'] }),
        });
        if (hit.status !== 200) throw new Error(`expected a cache hit, got ${hit.status}`);
        await hit.arrayBuffer();
        cached.push(performance.now() - again);
      }

      // The live preview (preview size only): rendered on the API replica at once, answered 200 finished.
      const previewFresh: number[] = [];
      const previewCached: number[] = [];
      const previewCachedServer: number[] = [];
      const previewBody = (family: string, color: string, view: string) =>
        JSON.stringify({ family, color, cuts: ['double-breasted'], view, sizes: ['preview'] });
      for (const [k, [family, color]] of colors.slice(0, 40).entries()) {
        const view = k % 2 ? 'front' : 'three-quarter';
        let started = performance.now();
        const res = await stylist.fetch('/api/renders', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: previewBody(family, color, view),
        });
        const body = await json(res);
        if (res.status !== 200 || body.renders[0].status !== 'succeeded')
          throw new Error(`expected a finished preview, got ${res.status} ${body.renders?.[0]?.status}`);
        // The image the app then loads.
        await (await fetch(new URL(body.renders[0].images[0].url, t.url))).arrayBuffer();
        previewFresh.push(performance.now() - started);

        // Server time alone, in process (no sockets): the cache hit.
        started = performance.now();
        const hit = await t.app.inject({
          method: 'POST',
          url: '/api/renders',
          headers: { 'content-type': 'application/json', host: new URL(t.url).host, origin: t.url, cookie: stylist.cookie },
          payload: previewBody(family, color, view),
        });
        previewCachedServer.push(performance.now() - started);
        if (hit.statusCode !== 200) throw new Error(`expected a cache hit, got ${hit.statusCode}`);
        started = performance.now();
        const hit2 = await stylist.fetch('/api/renders', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: previewBody(family, color, view),
        });
        await hit2.arrayBuffer();
        previewCached.push(performance.now() - started);
      }

      // The replaced front end's flow: POST /generate (both cuts) → poll GET /jobs/:id until completed.
      const legacy: number[] = [];
      for (const [family, color] of colors.slice(30, 45)) {
        const started = performance.now();
        const job = await json(
          await fetch(`${t.url}/generate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ family_id: family, color_id: color }),
          }),
        );
        for (;;) {
          const status = await json(await fetch(`${t.url}/jobs/${job.job_id}`));
          if (status.status === 'completed') break;
          if (status.status === 'failed') throw new Error(status.meta.error);
          await new Promise((r) => setTimeout(r, 10));
        }
        legacy.push(performance.now() - started);
      }
      return {
        queuePickupMs: pickup,
        requestToSucceededUncachedMs: summary(uncached),
        requestToSucceededCachedMs: summary(cached),
        legacyGenerateBothCutsToCompletedMs: summary(legacy),
        livePreview: {
          freshRequestToImageLoadedMs: summary(previewFresh),
          freshP95Ms: Number(quantile(previewFresh, 0.95).toFixed(2)),
          cachedRequestMs: summary(previewCached),
          cachedServerInProcessMs: summary(previewCachedServer),
          cachedServerP95Ms: Number(quantile(previewCachedServer, 0.95).toFixed(2)),
          note: 'POST /api/renders sizes:[preview]: rendered on the API replica, answered 200 with the finished render; fresh includes fetching the image',
        },
        notes: 'uncached/legacy: one in-process worker (concurrency 1) on the API process; legacy polls /jobs every 10 ms',
      };
    } finally {
      await t.close();
    }
  } finally {
    await pg.stop();
  }
}
