import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/jobs/worker.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { consoleClient, createAccount, signIn, type Console } from './helpers.ts';
import { associateSession, stylistFor } from '../helpers/session.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let admin: Console;
let merch: Console;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  pg = await startTestDatabase();
  // No worker at first: ordered renders wait in the queue.
  t = await startTestApp({ databaseUrl: pg.url, worker: false, env: { TEST_RENDER_DELAY_MS: '1500', JOB_MAX_ATTEMPTS: '1' } });
  await createAccount(t, 'admin@example.com', 'admin');
  await createAccount(t, 'merch@example.com', 'merchandiser');
  admin = consoleClient(t, await signIn(t, 'admin@example.com'));
  // A worker has run once (it sets up the queue's schema), and stopped.
  await (await startWorker(t.rt)).stop();
  merch = consoleClient(t, await signIn(t, 'merch@example.com'));
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await pg?.stop();
});

async function order(family: string, color: string, cuts = ['single-breasted']) {
  const res = await (await stylistFor(t)).fetch('/api/renders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ family, color, cuts }),
  });
  const body = await json(res);
  if (!body.renders) throw new Error(`order failed: ${res.status} ${JSON.stringify(body)}`);
  return body.renders as Array<{ id: string; status: string }>;
}
const status = async (id: string) => (await json(await fetch(`${t.url}/api/renders/${id}`))).status as string;
const jobsFor = async (id: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'renderId' = ${id}`.execute(t.rt.db)).rows[0]!.n;

describe('renders monitor', () => {
  it('lists renders with filters and shows the queue', async () => {
    const [a] = await order('super-120s-twill', 'navy');
    const [b, c] = await order('winter-flannel', 'charcoal', ['single-breasted', 'double-breasted']);
    const all = await merch.json('GET', '/api/admin/renders');
    // Newest first (the two of one order share their time).
    expect(all.items.map((r: any) => r.id).sort()).toEqual([a!.id, b!.id, c!.id].sort());
    expect(all.items[2].id).toBe(a!.id);
    expect((await merch.json('GET', '/api/admin/renders?family=winter-flannel')).items).toHaveLength(2);
    expect((await merch.json('GET', '/api/admin/renders?cut=double-breasted')).items.map((r: any) => r.cut)).toEqual(['double-breasted']);
    expect((await merch.json('GET', '/api/admin/renders?cut=cruzado')).items.map((r: any) => r.cut)).toEqual(['double-breasted']);
    expect((await merch.json('GET', '/api/admin/renders?status=queued,running&engine=compose')).items).toHaveLength(3);
    expect((await merch.json('GET', '/api/admin/renders?status=failed')).items).toHaveLength(0);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await merch.json('GET', `/api/admin/renders?from=${tomorrow}`)).items).toHaveLength(0);
    const page = await merch.json('GET', '/api/admin/renders?limit=2');
    expect(page.items).toHaveLength(2);
    expect((await merch.json('GET', `/api/admin/renders?limit=2&cursor=${page.nextCursor}`)).items).toHaveLength(1);
    expect((await merch('GET', '/api/admin/renders?status=lost')).status).toBe(422);

    const stats = await merch.json('GET', '/api/admin/renders/stats');
    expect(stats).toMatchObject({
      queued: 3,
      running: 0,
      failedLast24h: 0,
      byStatus: { queued: 3, succeeded: 0 },
      jobs: { waiting: 3, locked: 0 },
      workers: [],
    });
  });

  it('cancels a queued render: its job leaves the queue and no worker will touch it', async () => {
    const [r] = await order('city-pinstripe', 'navy');
    expect(await jobsFor(r!.id)).toBe(1);
    expect(await merch.json('POST', `/api/admin/renders/${r!.id}/cancel`)).toEqual({ status: 'canceled' });
    expect(await status(r!.id)).toBe('canceled');
    expect(await jobsFor(r!.id)).toBe(0);
    const again = await merch('POST', `/api/admin/renders/${r!.id}/cancel`);
    expect(again.status).toBe(409);
    expect((await merch('POST', '/api/admin/renders/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
  });

  it('retries a failed render and cancels a running one; live workers show with their heartbeat', async () => {
    const { items } = await merch.json('GET', '/api/admin/renders?status=queued');
    // One of the queued renders failed for good, as after its last attempt.
    const failed = items[0];
    await t.rt.db
      .updateTable('renders')
      .set({ status: 'failed', error: 'The render failed because of an internal error' })
      .where('id', '=', failed.id)
      .execute();
    await sql`DELETE FROM graphile_worker._private_jobs WHERE (payload->>'renderId') = ${failed.id}`.execute(t.rt.db);
    expect((await merch.json('GET', '/api/admin/renders/stats')).failedLast24h).toBe(1);
    expect((await merch('POST', `/api/admin/renders/${items[1].id}/retry`)).status).toBe(409);

    worker = await startWorker(t.rt);
    const retried = await merch('POST', `/api/admin/renders/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    await waitFor(async () => (await status(failed.id)) === 'succeeded', 30_000);

    const stats = await waitFor(async () => {
      const s = await merch.json('GET', '/api/admin/renders/stats');
      return s.workers.length ? s : undefined;
    });
    expect(stats.workers[0]).toMatchObject({ id: worker.id, engines: ['compose'] });
    expect(Date.now() - Date.parse(stats.workers[0].lastHeartbeatAt)).toBeLessThan(5000);

    const [running] = await order('summer-mohair', 'sand');
    await waitFor(async () => (await status(running!.id)) === 'running');
    await merch.json('POST', `/api/admin/renders/${running!.id}/cancel`);
    // The worker finishes its attempt and throws the pictures away: the render stays canceled, with no images.
    await waitFor(async () => (await jobsFor(running!.id)) === 0, 20_000);
    const render = await json(await fetch(`${t.url}/api/renders/${running!.id}`));
    expect(render).toMatchObject({ status: 'canceled', images: [] });

    await waitFor(async () => (await merch.json('GET', '/api/admin/renders/stats')).queued === 0, 30_000);
    const after = await merch.json('GET', '/api/admin/renders/stats');
    expect(after.byStatus.succeeded).toBeGreaterThanOrEqual(3);
    expect(after.medianDurationMsByEngine.compose).toBeGreaterThan(1000);
    const audit = await merch.json('GET', '/api/admin/audit?entity=render');
    expect(audit.items.map((e: any) => e.action)).toEqual(['render.cancel', 'render.retry', 'render.cancel']);
  });

  it('purges old finished renders with their files, keeping those a saved look shows (admins only)', async () => {
    const done = (await merch.json('GET', '/api/admin/renders?status=succeeded')).items;
    expect(done.length).toBeGreaterThanOrEqual(3);
    const [kept, purged, young] = done;
    await t.rt.db
      .updateTable('renders')
      .set({ created_at: new Date(Date.now() - 40 * 86_400_000) } as never)
      .where('id', 'in', [kept.id, purged.id])
      .execute();
    const associate = await associateSession(t);
    const look = await associate.send('POST', '/api/looks', { title: 'For Mr. Ruiz', clientName: 'Mr. Ruiz', renderIds: [kept.id] });
    expect(look.status).toBe(201);
    const keys = purged.images.map((i: any) => decodeURIComponent(new URL(i.url, t.url).pathname.replace(/^\/files\//, '')));
    for (const key of keys) expect(await t.rt.storage.exists(key)).toBe(true);

    expect((await merch('POST', '/api/admin/renders/purge', { olderThanDays: 30 })).status).toBe(403);
    expect((await admin('POST', '/api/admin/renders/purge', { olderThanDays: 30, statuses: ['queued'] })).status).toBe(422);
    const dry = await admin.json('POST', '/api/admin/renders/purge', { olderThanDays: 30, statuses: ['succeeded'], dryRun: true });
    expect(dry).toEqual({ dryRun: true, renders: 1, keptInLooks: 1, files: null });
    const res = await admin.json('POST', '/api/admin/renders/purge', { olderThanDays: 30, statuses: ['succeeded'] });
    expect(res).toEqual({ dryRun: false, renders: 1, keptInLooks: 1, files: purged.images.length });
    expect((await fetch(`${t.url}/api/renders/${purged.id}`)).status).toBe(404);
    expect(await status(kept.id)).toBe('succeeded');
    expect(await status(young.id)).toBe('succeeded');
    for (const key of keys) expect(await t.rt.storage.exists(key)).toBe(false);
    const entry = (await admin.json('GET', '/api/admin/audit?action=render.purge')).items[0];
    expect(entry).toMatchObject({ actor: 'admin@example.com', before: { ids: [purged.id] } });
  });
});
