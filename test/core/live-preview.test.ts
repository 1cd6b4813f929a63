import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, createStaff, signInAs, type Session } from '../helpers/session.ts';

/**
 * The live preview's fast path (issue 11): a preview-only order renders on the API replica that
 * received it and is answered with the finished render; full renders stay on the queue. The app here
 * runs no worker at all, so anything rendered was rendered by the API itself.
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

/** Previews are ordered by a signed-in associate (on another replica, signed in there). */
let associate: Session;
const post = (url: string, body: unknown, who = associate) => who.send('POST', url, body);

/** Images as any later answer gives them: by URL (only the answer that drew a preview carries its bytes). */
const byUrl = (images: Array<Record<string, unknown>>) => images.map(({ dataUrl: _inline, ...image }) => image);

async function jobsFor(renderId: string): Promise<number> {
  const { rows } = await t.rt.pool.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'renderId' = $1`, [renderId]);
  return rows[0].n;
}

/** Records what the render service is asked to make ahead (view and cloth colours); `restore()` undoes it. */
function watchClothAhead(app: TestApp) {
  const asked: Array<{ view: unknown; hexes: string[] }> = [];
  const rendering = app.rt.rendering;
  const original = rendering.prepareCloth;
  rendering.prepareCloth = (view, fabrics) => {
    asked.push({ view, hexes: fabrics.map((f) => f.hex.toUpperCase()) });
    return original.call(rendering, view, fabrics);
  };
  return { asked, restore: () => (rendering.prepareCloth = original) };
}

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false, env: { SESSION_CACHE_MS: '60000' } });
  associate = await associateSession(t);
});

afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

describe('live preview', () => {
  it('renders a preview-only order at once and answers 200 with the finished render, without the queue', async () => {
    const res = await post('/api/renders', { family: 'hopsack-travel', color: 'mid-blue', cuts: ['single-breasted'], view: 'front', sizes: ['preview'] });
    expect(res.status).toBe(200);
    const body = await json(res);
    const render = body.renders[0];
    expect(render).toMatchObject({ status: 'succeeded', progress: 1, attempts: 1, reused: false });
    expect(render.images.map((i: any) => `${i.size}:${i.format}:${i.width}x${i.height}`)).toEqual(['preview:jpeg:512x768']);
    const image = await fetch(new URL(render.images[0].url, t.url));
    expect(image.status).toBe(200);
    const stored = Buffer.from(await image.arrayBuffer());
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 768]);
    // The answer carries the very bytes that were stored, so the tablet needs no second request.
    const { dataUrl, ...stable } = render.images[0];
    expect(dataUrl).toMatch(/^data:image\/jpeg;base64,/);
    expect(Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64').equals(stored)).toBe(true);
    expect(await jobsFor(render.id)).toBe(0);
    const { rows } = await t.rt.pool.query(`SELECT worker_id, duration_ms FROM renders WHERE id = $1`, [render.id]);
    expect(rows[0].worker_id).toMatch(/^api:/);
    // Where the time went, for the browser: the order's stages, the thread's drawing among them.
    const timing = res.headers.get('server-timing') ?? '';
    for (const stage of ['order', 'thread-texture', 'thread-render', 'thread-encode', 'store', 'total'])
      expect(timing).toMatch(new RegExp(`(^|, )${stage};dur=\\d`));

    // GET and the event stream say the same (with the image by its URL only).
    expect(await json(await fetch(`${t.url}/api/renders/${render.id}`))).toMatchObject({ status: 'succeeded', images: [stable] });
    // Asked again (another tablet), the finished render is answered from memory, with the bytes this
    // replica drew inside the answer too: that tablet needs no second request either.
    const elsewhere = await associateSession(t, { store: 'Elsewhere' });
    const again = (
      await json(
        await post('/api/renders', { family: 'hopsack-travel', color: 'mid-blue', cuts: ['single-breasted'], view: 'front', sizes: ['preview'] }, elsewhere),
      )
    ).renders[0];
    expect(again).toMatchObject({ id: render.id, reused: true });
    expect(again.images).toEqual([{ ...stable, dataUrl }]);
    const sse = await (await fetch(`${t.url}/api/renders/${render.id}/events`)).text();
    expect(sse).toMatch(/event: status\ndata: .*"status":"succeeded"/);
  });

  it('has the cloth of the family’s other colourways made ahead while one is on screen', async () => {
    const { asked, restore } = watchClothAhead(t);
    try {
      const res = await post('/api/renders', { family: 'herringbone', color: 'navy', cuts: ['three-piece'], view: 'front', sizes: ['preview'] });
      expect(res.status).toBe(200);
      await waitFor(async () => asked.length > 0, 10_000);
      const family = (await json(await fetch(`${t.url}/api/catalog`))).families.find((f: { id: string }) => f.id === 'herringbone');
      const others = family.colors.filter((c: { id: string }) => c.id !== 'navy').map((c: { hex: string }) => c.hex.toUpperCase());
      expect(others.length).toBeGreaterThan(0);
      expect(asked).toEqual([{ view: { cut: 'three-piece', view: 'front', sizes: ['preview'] }, hexes: others }]);
    } finally {
      restore();
    }
  });

  it('has the rest of the catalogue’s cloth made ahead after the family’s, once per view, up to CLOTH_AHEAD_COLOURS', async () => {
    const ahead = await startTestApp({ databaseUrl: pg.url, worker: false, env: { CLOTH_AHEAD_COLOURS: '5' } });
    try {
      const { asked } = watchClothAhead(ahead);
      const who = await associateSession(ahead);
      const preview = async (family: string, color: string, view: string) => {
        const res = await who.send('POST', '/api/renders', { family, color, cuts: ['single-breasted'], view, sizes: ['preview'] });
        expect(res.status).toBe(200);
      };
      const families = (await json(await fetch(`${ahead.url}/api/catalog`))).families as Array<{ id: string; colors: Array<{ id: string; hex: string }> }>;
      const hexesOf = (f: (typeof families)[number], except?: string) => f.colors.filter((c) => c.id !== except).map((c) => c.hex.toUpperCase());
      const windowpane = families.find((f) => f.id === 'windowpane')!;
      const front = { cut: 'single-breasted', view: 'front', sizes: ['preview'] };

      await preview('windowpane', 'tan', 'front');
      await waitFor(async () => asked.length >= 2, 10_000);
      // The family's colourways first, then the catalogue's others in its order, as many as allowed.
      const rest = families.filter((f) => f.id !== 'windowpane').flatMap((f) => hexesOf(f));
      expect(rest.length).toBeGreaterThan(5);
      expect(asked).toEqual([
        { view: front, hexes: hexesOf(windowpane, 'tan') },
        { view: front, hexes: rest.slice(0, 5) },
      ]);

      // Another family on the same view: its own colourways only, the catalogue is asked for once.
      // Another view has its own preview scale and cloth: the catalogue is asked for again.
      await preview('summer-mohair', 'sand', 'front');
      await preview('summer-mohair', 'sand', 'back');
      await waitFor(async () => asked.length >= 5, 10_000);
      const mohair = families.find((f) => f.id === 'summer-mohair')!;
      const mohairRest = families.filter((f) => f.id !== 'summer-mohair').flatMap((f) => hexesOf(f));
      const back = { ...front, view: 'back' };
      expect(asked.slice(2)).toEqual([
        { view: front, hexes: hexesOf(mohair, 'sand') },
        { view: back, hexes: hexesOf(mohair, 'sand') },
        { view: back, hexes: mohairRest.slice(0, 5) },
      ]);
    } finally {
      await ahead.close();
    }
  });

  it('answers a preview already rendered from its cache key before writing anything, then files it in the asker’s History', async () => {
    const order = { family: 'birdseye', color: 'blue', cuts: ['single-breasted'], view: 'front', sizes: ['preview'] };
    const first = await json(await post('/api/renders', order));
    expect(first.renders[0]).toMatchObject({ status: 'succeeded', reused: false });
    const id = first.renders[0].id;

    // Another associate taps the same colour while nothing can be written to the orders' tables.
    const other = await associateSession(t, { store: 'Elsewhere' });
    const locker = await t.rt.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE render_batches, render_batch_items IN EXCLUSIVE MODE');
      const res = await other.fetch('/api/renders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(200);
      expect((await json(res)).renders[0]).toMatchObject({ id, status: 'succeeded', reused: true, images: byUrl(first.renders[0].images) });
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    // The order is recorded once it could be: the render is in the other associate's History too.
    await waitFor(async () => (await json(await other.fetch('/api/renders?limit=20'))).items.some((r: { id: string }) => r.id === id), 10_000);
  });

  it('a preview prepared ahead (the app’s, for a likely tap) is in nobody’s History until the app shows it and orders it plainly', async () => {
    const who = await associateSession(t, { store: 'Ahead' });
    const order = { family: 'hopsack-travel', color: 'mid-blue', cuts: ['single-breasted'], view: 'back', sizes: ['preview'], options: { vents: 'single' } };
    const history = async () => (await json(await who.fetch('/api/renders?limit=50'))).items.map((r: { id: string }) => r.id);
    const prepared = await post('/api/renders', { ...order, ahead: true }, who);
    expect(prepared.status).toBe(200);
    const render = (await json(prepared)).renders[0];
    expect(render).toMatchObject({ status: 'succeeded', reused: false });
    // Prepared again (another tablet prepares the same suit): answered from the cache, still filed nowhere.
    expect((await json(await post('/api/renders', { ...order, ahead: true }, who))).renders[0]).toMatchObject({ id: render.id, reused: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await history()).not.toContain(render.id);
    // Tapped: the app shows it from memory and orders it plainly, which files it where the associate looks.
    const shown = (await json(await post('/api/renders', order, who))).renders[0];
    expect(shown).toMatchObject({ id: render.id, reused: true });
    await waitFor(async () => (await history()).includes(render.id), 10_000);
    expect((await history()).filter((id: string) => id === render.id)).toHaveLength(1);
  });

  it('answers a colour tapped again from memory: neither the session nor the render is read from the database', async () => {
    const order = { family: 'birdseye', color: 'blue', cuts: ['double-breasted'], view: 'three-quarter', sizes: ['preview'] };
    const first = (await json(await post('/api/renders', order))).renders[0];
    expect(first).toMatchObject({ status: 'succeeded', reused: false });
    // The session is remembered for SESSION_CACHE_MS from its last read (this app: a minute).
    expect((await associate.fetch('/api/admin/me')).status).toBe(200);
    // Nothing can read the renders, sessions or accounts while this transaction holds them.
    const locker = await t.rt.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE renders, user_sessions, users IN ACCESS EXCLUSIVE MODE');
      const res = await associate.fetch('/api/renders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
      expect((await json(res)).renders[0]).toMatchObject({ id: first.id, status: 'succeeded', reused: true, images: byUrl(first.images) });
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
  });

  it('never serves from memory a render an administrator purged', async () => {
    const admin = await signInAs(t, (await createStaff(t, { role: 'admin', store: null })).email);
    const order = { family: 'herringbone', color: 'olive', cuts: ['three-piece'], view: 'three-quarter', sizes: ['preview'] };
    const first = (await json(await post('/api/renders', order))).renders[0];
    expect((await json(await post('/api/renders', order))).renders[0]).toMatchObject({ id: first.id, reused: true });
    // That tap is filed in History after its answer, and the filing holds the render's row a moment
    // (the purge skips rows in use): let it be written first.
    await waitFor(async () => (await t.rt.pool.query(`SELECT count(*)::int AS n FROM render_batch_items WHERE render_id = $1`, [first.id])).rows[0].n >= 2);
    await t.rt.pool.query(`UPDATE renders SET created_at = now() - interval '40 days' WHERE id = $1`, [first.id]);
    const purged = await json(await admin.send('POST', '/api/admin/renders/purge', { olderThanDays: 30, statuses: ['succeeded'] }));
    expect(purged.renders).toBeGreaterThanOrEqual(1);
    // The very next tap: the purged render (and its deleted file) is not offered.
    const again = (await json(await post('/api/renders', order))).renders[0];
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ status: 'succeeded', reused: false });
    expect((await fetch(new URL(again.images[0].url, t.url))).status).toBe(200);
  });

  it('forgets a finished preview removed by another process within moments', async () => {
    const order = { family: 'birdseye', color: 'grey', cuts: ['three-piece'], view: 'front', sizes: ['preview'] };
    const first = (await json(await post('/api/renders', order))).renders[0];
    expect((await json(await post('/api/renders', order))).renders[0]).toMatchObject({ id: first.id, reused: true });
    // As retention on a worker, or a hand-written DELETE, would.
    await t.rt.pool.query(`DELETE FROM renders WHERE id = $1`, [first.id]);
    const started = Date.now();
    const again = await waitFor(
      async () => {
        const r = (await json(await post('/api/renders', order))).renders[0];
        return r.id !== first.id ? r : undefined;
      },
      3000,
      5,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(again).toMatchObject({ status: 'succeeded', reused: false });
  });

  it('never answers a styled preview with the cached preset: every field that draws the suit is in the cache’s key', async () => {
    const order = { family: 'birdseye', color: 'grey', cuts: ['single-breasted'], view: 'front', sizes: ['preview'] };
    const preset = (await json(await post('/api/renders', order))).renders[0];
    expect((await json(await post('/api/renders', order))).renders[0]).toMatchObject({ id: preset.id, reused: true });
    const peak = (await json(await post('/api/renders', { ...order, options: { lapel: 'peak' } }))).renders[0];
    expect(peak.id).not.toBe(preset.id);
    expect(peak.options).toMatchObject({ lapel: 'peak' });
    const wide = (await json(await post('/api/renders', { ...order, options: { lapel: 'peak', lapelWidth: 'wide' } }))).renders[0];
    expect(new Set([preset.id, peak.id, wide.id]).size).toBe(3);
    // Asked again, each is its own cached picture.
    expect((await json(await post('/api/renders', { ...order, options: { lapel: 'peak' } }))).renders[0]).toMatchObject({ id: peak.id, reused: true });
  });

  it('does not answer from the cache with a picture the catalogue has since changed', async () => {
    const order = { family: 'hopsack-travel', color: 'stone', cuts: ['three-piece'], view: 'front', sizes: ['preview'] };
    const first = (await json(await post('/api/renders', order))).renders[0];
    expect((await json(await post('/api/renders', order))).renders[0]).toMatchObject({ id: first.id, reused: true });
    await t.rt.pool.query(
      `UPDATE fabric_colors SET hex = '#8A7F6A' WHERE slug = 'stone' AND family_id = (SELECT id FROM fabric_families WHERE slug = 'hopsack-travel')`,
    );
    const changed = await waitFor(async () => {
      const r = (await json(await post('/api/renders', order))).renders[0];
      return r.id !== first.id ? r : undefined;
    }, 10_000);
    expect(changed).toMatchObject({ status: 'succeeded', reused: false });
  });

  it('serves an identical preview from the cache, and renders concurrent identical ones once', async () => {
    const order = { family: 'sharkskin', color: 'silver', cuts: ['double-breasted'], view: 'three-quarter', sizes: ['preview'] };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post('/api/renders', order).then(async (r) => ({ status: r.status, body: await json(r) }))),
    );
    const ids = new Set(answers.map((a) => a.body.renders[0].id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    // One drew it; the others waited for that drawing on this replica and were answered the finished render.
    expect(answers.filter((a) => a.body.renders[0].reused === false)).toHaveLength(1);
    expect(answers.map((a) => [a.status, a.body.renders[0].status])).toEqual(answers.map(() => [200, 'succeeded']));
    await waitFor(async () => (await json(await fetch(`${t.url}/api/renders/${id}`))).status === 'succeeded', 20_000, 20);
    const again = await post('/api/renders', order);
    expect(again.status).toBe(200);
    expect((await json(again)).renders[0]).toMatchObject({ id, status: 'succeeded', reused: true });
    const { rows } = await t.rt.pool.query(`SELECT count(*)::int AS n FROM renders r JOIN fabric_families f ON f.id = r.family_id WHERE f.slug = 'sharkskin'`);
    expect(rows[0].n).toBe(1);
  });

  it('joins a render another replica is drawing, and removes the images it drew itself', async () => {
    const order = { family: 'sharkskin', color: 'charcoal', cuts: ['single-breasted'], view: 'three-quarter', sizes: ['preview'] };
    const first = (await json(await post('/api/renders', order))).renders[0];
    // As if another replica were drawing this very preview again right now (its row live and running).
    await t.rt.pool.query(`UPDATE renders SET status = 'running', finished_at = NULL WHERE id = $1`, [first.id]);
    const other = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false });
    try {
      const there = await associateSession(other);
      const res = await post('/api/renders', order, there);
      expect(res.status).toBe(202);
      const answer = (await json(res)).renders[0];
      expect(answer).toMatchObject({ id: first.id, status: 'running', reused: true });
      // It drew the preview too (nothing told it not to), then found the live render: nothing it
      // stored is left behind, and no second row was written.
      const files = async (dir: string): Promise<string[]> => {
        const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
        const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)])));
        return nested.flat();
      };
      await waitFor(async () => (await files((other.config.storage as { root: string }).root)).filter((f) => f.includes('/renders/')).length === 0, 5_000);
      const { rows } = await t.rt.pool.query(`SELECT count(*)::int AS n FROM renders WHERE cache_key = (SELECT cache_key FROM renders WHERE id = $1)`, [
        first.id,
      ]);
      expect(rows[0].n).toBe(1);
    } finally {
      await other.close();
      await t.rt.pool.query(`UPDATE renders SET status = 'succeeded', finished_at = now() WHERE id = $1`, [first.id]);
    }
  });

  it('keeps full renders on the queue', async () => {
    const res = await post('/api/renders', { family: 'hopsack-travel', color: 'mid-blue', cuts: ['single-breasted'], view: 'front' });
    expect(res.status).toBe(202);
    const render = (await json(res)).renders[0];
    expect(render.status).toBe('queued');
    expect(await jobsFor(render.id)).toBe(1);
  });

  it("hands a preview to the queue when this replica's render threads are saturated", async () => {
    const busy = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false, env: { RENDER_THREADS: '1', RENDER_THREAD_QUEUE_MAX: '1' } });
    try {
      const there = await associateSession(busy);
      const colours = ['navy', 'mid-blue', 'stone'];
      const answers = await Promise.all(
        ['single-breasted', 'double-breasted', 'three-piece'].flatMap((cut) =>
          colours.map((color) =>
            post('/api/renders', { family: 'hopsack-travel', color, cuts: [cut], view: 'three-quarter', sizes: ['preview'] }, there).then(json),
          ),
        ),
      );
      const renders = answers.map((a) => a.renders[0]);
      // Every order was answered; what could not render here waits for a worker.
      const queued = renders.filter((r: any) => r.status === 'queued');
      expect(queued.length).toBeGreaterThan(0);
      for (const r of queued) expect(await jobsFor(r.id)).toBe(1);
      for (const r of renders.filter((r: any) => r.status === 'succeeded')) expect(await jobsFor(r.id)).toBe(0);
    } finally {
      await busy.close();
    }
  });

  it('answers another tablet by URL only when it was drawn elsewhere or PREVIEW_IMAGE_MEMORY_MB is 0', async () => {
    const order = { family: 'hopsack-travel', color: 'stone', cuts: ['double-breasted'], view: 'front', sizes: ['preview'] };
    const bare = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false, env: { PREVIEW_IMAGE_MEMORY_MB: '0' } });
    try {
      const there = await associateSession(bare);
      const first = (await json(await post('/api/renders', order, there))).renders[0];
      expect(first).toMatchObject({ status: 'succeeded', reused: false });
      expect(first.images[0].dataUrl).toMatch(/^data:image\/jpeg;base64,/);
      // Another tablet on the same replica: no image memory, so the answer names the file.
      const other = await associateSession(bare, { store: 'Elsewhere' });
      const again = (await json(await post('/api/renders', order, other))).renders[0];
      expect(again).toMatchObject({ id: first.id, reused: true });
      expect(again.images).toEqual(byUrl(first.images));
      // Another replica (its own memory) never drew it: by URL as well.
      const elsewhere = (await json(await post('/api/renders', order))).renders[0];
      expect(elsewhere).toMatchObject({ id: first.id, reused: true });
      expect(elsewhere.images).toEqual(byUrl(first.images));
    } finally {
      await bare.close();
    }
  });
});
