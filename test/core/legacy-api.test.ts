import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';

/**
 * Plays the replaced Next.js front end's own sequence against Atelier over HTTP, from another
 * origin: catalog → upload-swatch → generate → poll /jobs/:id → fetch and decode every image.
 */
const FRONT_END = 'https://showroom.example.com';
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, env: { CORS_ORIGINS: FRONT_END, UPLOAD_MAX_BYTES: String(1024 * 1024) } });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

async function checkPhoto(): Promise<Buffer> {
  // A photographed glen-check-like cloth: crossing bars on a brown ground, with uneven light.
  const w = 800,
    h = 600;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const bar = x % 40 < 6 || y % 40 < 6 ? 50 : 0;
      const light = 0.85 + 0.15 * (x / w);
      const i = (y * w + x) * 3;
      rgb[i] = Math.min(255, (110 + bar) * light);
      rgb[i + 1] = Math.min(255, (80 + bar) * light);
      rgb[i + 2] = Math.min(255, (60 + bar) * light);
    }
  }
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

function upload(data: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type }), name);
  return fetch(`${t.url}/upload-swatch`, { method: 'POST', body: form, headers: { origin: FRONT_END } });
}

describe('the replaced front end keeps working', () => {
  it('catalog → upload-swatch → generate → poll jobs → decode images', async () => {
    const catalogRes = await fetch(`${t.url}/catalog`, { headers: { origin: FRONT_END } });
    expect(catalogRes.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    const catalog = await json(catalogRes);
    const family = catalog.families[0];
    expect(Object.keys(family).sort()).toEqual(['colors', 'display_name', 'family_id', 'sort', 'status']);
    expect(Object.keys(family.colors[0]).sort()).toEqual(['color_id', 'hex', 'name', 'swatch_url']);
    expect(family.colors[0].swatch_url).toMatch(/^http:\/\//);

    const up = await upload(await checkPhoto(), 'tela.jpg', 'image/jpeg');
    expect(up.status).toBe(200);
    const swatch = await json(up);
    expect(swatch).toMatchObject({ filename: 'tela.jpg' });
    expect(swatch.size_bytes).toBeGreaterThan(1000);
    expect(swatch.swatch_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/swatches\//);

    const gen = await fetch(`${t.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: FRONT_END },
      body: JSON.stringify({ family_id: family.family_id, color_id: family.colors[0].color_id, seed: 42, quality: 'preview', swatch_url: swatch.swatch_url }),
    });
    expect(gen.status).toBe(201);
    const job = await json(gen);
    expect(job).toMatchObject({ status: 'pending', images: [], duration_ms: null, meta: {} });
    expect(job.job_id).toBe(job.request_id);

    const done = await waitFor(async () => {
      const r = await json(await fetch(`${t.url}/jobs/${job.job_id}`, { headers: { origin: FRONT_END } }));
      expect(['pending', 'processing', 'completed']).toContain(r.status);
      return r.status === 'completed' ? r : undefined;
    });
    expect(done.images.map((i: any) => i.cut).sort()).toEqual(['cruzado', 'recto']);
    expect(done.result_urls).toEqual(done.images.map((i: any) => i.url));
    expect(done.duration_ms).toBeGreaterThanOrEqual(0);
    for (const image of done.images) {
      expect(image.watermark).toBe(true);
      const bytes = Buffer.from(await (await fetch(image.url)).arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([image.width, image.height]);
      expect(meta.format).toBe('jpeg');
    }
  });

  it('defaults to both cuts and rejects unknown ids with the shared error shape', async () => {
    const res = await fetch(`${t.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family_id: 'nope', color_id: 'navy' }),
    });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.message).toContain('nope');
    expect(await json(await fetch(`${t.url}/health`))).toEqual({ status: 'ok' });
    expect((await fetch(`${t.url}/jobs/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('refuses a swatch_url this server did not store, and never fetches it', async () => {
    for (const swatch_url of [
      'http://169.254.169.254/latest/meta-data',
      'file:///etc/passwd',
      '/etc/passwd',
      `${t.url}/files/swatches/00/${'0'.repeat(64)}.jpg`,
    ]) {
      const res = await fetch(`${t.url}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ family_id: 'city-pinstripe', color_id: 'navy', swatch_url }),
      });
      expect(res.status, swatch_url).toBe(422);
      expect((await json(res)).error.code).toBe('unknown_swatch');
    }
  });

  it('checks uploads by their bytes and size, storing nothing it refuses', async () => {
    const before = (await t.rt.pool.query('SELECT count(*)::int AS n FROM swatch_uploads')).rows[0].n;
    const notImage = await upload(Buffer.from('%PDF-1.7 this is not a photo'.repeat(20)), 'cloth.jpg', 'image/jpeg');
    expect(notImage.status).toBe(415);
    expect((await json(notImage)).error.message).toMatch(/JPEG, PNG or WebP/);
    const big = await upload(Buffer.alloc(2 * 1024 * 1024, 7), 'huge.jpg', 'image/jpeg');
    expect(big.status).toBe(413);
    const after = (await t.rt.pool.query('SELECT count(*)::int AS n FROM swatch_uploads')).rows[0].n;
    expect(after).toBe(before);
  });
});
