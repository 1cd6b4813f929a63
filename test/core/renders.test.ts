import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitForRender, type TestApp } from '../helpers/harness.ts';
import { associateSession, createStaff, signInAs, type Session } from '../helpers/session.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  associate = await associateSession(t);
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** Renders are ordered by a signed-in associate, from the app's own origin. */
let associate: Session;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  associate.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const waitSucceeded = (id: string) => waitForRender(t, id);

describe('catalog', () => {
  it('lists the demo catalog: active families with their colours and swatch URLs', async () => {
    const res = await fetch(`${t.url}/api/catalog`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.families.length).toBeGreaterThanOrEqual(8);
    const weaves = new Set(body.families.map((f: any) => `${f.design.weave}/${f.design.pattern}`));
    expect(weaves.size).toBeGreaterThanOrEqual(6);
    for (const f of body.families) {
      expect(f.colors.length).toBeGreaterThanOrEqual(3);
      expect(f.colors.length).toBeLessThanOrEqual(6);
      for (const c of f.colors) expect(c.hex).toMatch(/^#[0-9A-F]{6}$/);
    }
    const swatch = await fetch(t.url + body.families[0].colors[0].swatchUrl);
    expect(swatch.status).toBe(200);
    const meta = await sharp(Buffer.from(await swatch.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
  });

  it('lists the cuts that ship, with their views', async () => {
    const body = await json(await fetch(`${t.url}/api/cuts`));
    const ids = body.cuts.map((c: any) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['single-breasted', 'double-breasted']));
    const sb = body.cuts.find((c: any) => c.id === 'single-breasted');
    expect(sb.legacyId).toBe('recto');
    expect(sb.views[0]).toMatchObject({ id: 'front', width: 1024, height: 1536 });
  });
});

describe('renders', () => {
  it('renders a suit end to end: 202, progress over SSE, watermarked images at three sizes', async () => {
    const res = await post('/api/renders', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'] }, { 'x-request-id': 'test-request-0001' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('test-request-0001');
    const body = await json(res);
    expect(body.renders).toHaveLength(1);
    const id = body.renders[0].id;

    // Stream events while it renders: the stream ends with the final status.
    const events = await fetch(`${t.url}/api/renders/${id}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    const statuses = [...text.matchAll(/event: status\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
    expect(statuses.at(-1).status).toBe('succeeded');

    const render = await waitSucceeded(id);
    expect(render.requestId).toBe('test-request-0001');
    const sizes = Object.fromEntries(render.images.map((i: any) => [i.size, i]));
    expect(sizes.full).toMatchObject({ width: 1024, height: 1536, format: 'jpeg' });
    expect(sizes.preview).toMatchObject({ width: 512, height: 768 });
    expect(sizes.thumb.width).toBeLessThan(512);
    for (const image of render.images) {
      const file = await fetch(t.url + image.url);
      expect(file.status).toBe(200);
      const decoded = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
      expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
    }
  });

  it('encodes WebP and AVIF as well when asked', async () => {
    const res = await json(await post('/api/renders', { family: 'summer-mohair', color: 'sand', cuts: ['single-breasted'], formats: ['webp', 'avif'] }));
    const render = await waitSucceeded(res.renders[0].id);
    for (const format of ['jpeg', 'webp', 'avif']) {
      const images = render.images.filter((i: any) => i.format === format);
      expect(images.map((i: any) => i.size).sort()).toEqual(['full', 'preview', 'thumb']);
      const full = images.find((i: any) => i.size === 'full');
      const meta = await sharp(Buffer.from(await (await fetch(t.url + full.url)).arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([1024, 1536]);
      expect(meta.format).toBe(format === 'avif' ? 'heif' : format);
    }
    const plain = await json(await post('/api/renders', { family: 'summer-mohair', color: 'sand', cuts: ['single-breasted'] }));
    expect(plain.renders[0].id).not.toBe(render.id);
  });

  it('renders only the preview size for a live preview', async () => {
    const res = await json(await post('/api/renders', { family: 'hopsack-travel', color: 'stone', cuts: ['double-breasted'], sizes: ['preview'] }));
    const render = await waitSucceeded(res.renders[0].id);
    expect(render.images.map((i: any) => `${i.size}:${i.width}x${i.height}`)).toEqual(['preview:512x768']);
    const full = await json(await post('/api/renders', { family: 'hopsack-travel', color: 'stone', cuts: ['double-breasted'] }));
    expect(full.renders[0].id).not.toBe(render.id);
  });

  it('answers an identical request from the cache with 200 and no new render', async () => {
    const first = await json(await post('/api/renders', { family: 'super-120s-twill', color: 'charcoal', cuts: ['double-breasted'] }));
    await waitSucceeded(first.renders[0].id);
    const again = await post('/api/renders', { family: 'super-120s-twill', color: 'charcoal', cuts: ['double-breasted'] });
    expect(again.status).toBe(200);
    const body = await json(again);
    expect(body.renders[0]).toMatchObject({ id: first.renders[0].id, status: 'succeeded', reused: true });
  });

  it('renders concurrent identical requests once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        post('/api/renders', { family: 'winter-flannel', color: 'brown', cuts: ['single-breasted', 'double-breasted'] }).then(json),
      ),
    );
    const ids = new Set(responses.flatMap((r) => r.renders.map((x: any) => x.id)));
    expect(ids.size).toBe(2);
    for (const id of ids) await waitSucceeded(id);
    const { rows } = await t.rt.pool.query(
      `SELECT count(*)::int AS n FROM renders r JOIN fabric_families f ON f.id = r.family_id WHERE f.slug = 'winter-flannel'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('pages through history newest first', async () => {
    // An administrator's History holds every render (whose is whose: test/security/who-sees-what.test.ts).
    const admin = await signInAs(t, (await createStaff(t, { role: 'admin' })).email);
    const fetch = admin.fetch;
    const page1 = await json(await fetch(`/api/renders?limit=2`));
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await json(await fetch(`/api/renders?limit=2&cursor=${page1.nextCursor}`));
    const seen = new Set([...page1.items, ...page2.items].map((r: any) => r.id));
    expect(seen.size).toBe(page1.items.length + page2.items.length);
    expect(new Date(page1.items[1].createdAt) >= new Date(page2.items[0].createdAt)).toBe(true);
  });
});

describe('bad input gets a clear error and writes nothing', () => {
  async function counts() {
    const { rows } = await t.rt.pool.query(
      `SELECT (SELECT count(*) FROM renders)::int AS renders, (SELECT count(*) FROM render_batches)::int AS batches, (SELECT count(*) FROM graphile_worker.jobs)::int AS jobs`,
    );
    return rows[0];
  }

  it.each([
    ['unknown family', { family: 'no-such-cloth', color: 'navy', cuts: ['single-breasted'] }, 422, /no-such-cloth/],
    ['unknown colour', { family: 'city-pinstripe', color: 'purple', cuts: ['single-breasted'] }, 422, /purple/],
    ['unknown cut', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted', 'kimono'] }, 422, /kimono/],
    ['unknown view', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted'], view: 'top-down' }, 422, /top-down/],
    ['wrong types', { family: 'city-pinstripe', color: 'navy', cuts: 'single-breasted' }, 422, /^cuts/],
    ['a nested wrong type', { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted', 7] }, 422, /^cuts\.1/],
    ['malformed JSON', '{"family": "city-pinstripe",', 400, /not valid JSON/],
  ])('%s', async (_name, body, status, message) => {
    const before = await counts();
    const res = await post('/api/renders', body);
    expect(res.status).toBe(status);
    const error = (await json(res)).error;
    expect(error.message).toMatch(message);
    expect(typeof error.code).toBe('string');
    expect(await counts()).toEqual(before);
  });

  it('404 for an unknown render, 422 for a malformed id', async () => {
    expect((await fetch(`${t.url}/api/renders/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/renders/not-a-uuid`)).status).toBe(422);
  });
});

describe('operations', () => {
  it('healthz, readyz and version', async () => {
    expect(await json(await fetch(`${t.url}/healthz`))).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await json(ready)).checks).toEqual({ database: 'ok', storage: 'ok' });
    const version = await json(await fetch(`${t.url}/version`));
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
