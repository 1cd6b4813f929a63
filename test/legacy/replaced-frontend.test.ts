import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogDocument } from '../../src/catalog/catalog-file.ts';
import { importCatalog } from '../../src/catalog/import.ts';
import { deltaE2000, hexToLab, linearToLab, srgbToLinear } from '../../src/fabrics/color.ts';
import { json, REFERENCE_DIR, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { createStaff, signInAs, stylistFor } from '../helpers/session.ts';
import { allowedByReplacedFrontEnd } from './next-image.ts';

/**
 * The replaced system's Next.js front end, unchanged, against Atelier started as the README says for
 * it (PUBLIC_BASE_URL=http://localhost:8000, CORS_ORIGINS=<its origin>): the requests its pages make,
 * in their order, from its origin, with the CORS preflights a browser sends first.
 *
 * The server under test listens on a random port; the URLs it hands out name localhost:8000 (what
 * the front end's image allow-list admits), and the test sends them to the real port.
 */
const FRONT_END = 'http://localhost:3000';
const PUBLIC_BASE = 'http://localhost:8000';
const REFERENCE_CATALOG = path.join(REFERENCE_DIR, 'hf-fabrics-head.json');
const hasReference = existsSync(REFERENCE_CATALOG);
if (!hasReference) console.warn(`skipping the replaced catalogue's own ids: ${REFERENCE_CATALOG} is absent`);

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, env: { PUBLIC_BASE_URL: PUBLIC_BASE, CORS_ORIGINS: FRONT_END } });
  // A house switching over seeds its old fabrics.json beside (or instead of) the demo catalogue.
  if (hasReference) await importCatalog(t.rt.db, parseCatalogDocument(JSON.parse(await readFile(REFERENCE_CATALOG, 'utf8'))));
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** CIELAB of a mean 8-bit sRGB colour. */
const srgbToLab = (rgb: number[]) => linearToLab(rgb.map((v) => srgbToLinear(v / 255)));

/** A URL handed out for localhost:8000, sent to the server under test. */
function toServer(url: string): string {
  expect(url.startsWith(`${PUBLIC_BASE}/`), url).toBe(true);
  return t.url + url.slice(PUBLIC_BASE.length);
}

/** What the browser sends for a cross-origin fetch with a JSON body (or a non-simple method). */
async function preflight(pathname: string, method: string) {
  const res = await fetch(`${t.url}${pathname}`, {
    method: 'OPTIONS',
    headers: { origin: FRONT_END, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
  });
  expect(res.status, `preflight ${method} ${pathname}`).toBeLessThan(300);
  expect(res.headers.get('access-control-allow-origin')).toBe(FRONT_END);
  expect(res.headers.get('access-control-allow-methods') ?? '').toContain(method);
  expect((res.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('content-type');
}

async function api(pathname: string, init: { method?: string; body?: unknown; accept?: string } = {}) {
  const method = init.method ?? 'GET';
  if (init.body !== undefined) await preflight(pathname, method);
  const res = await fetch(`${t.url}${pathname}`, {
    method,
    headers: {
      origin: FRONT_END,
      accept: init.accept ?? 'application/json, text/plain, */*',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  expect(res.headers.get('access-control-allow-origin'), `${method} ${pathname}`).toBe(FRONT_END);
  return res;
}

/** The Next image optimizer's own fetch (server side, no Origin): only allow-listed URLs. */
async function fetchImage(url: string): Promise<{ bytes: Buffer; res: Response }> {
  expect(allowedByReplacedFrontEnd(url), `${url} is outside the front end's image allow-list`).toBe(true);
  const res = await fetch(toServer(url));
  expect(res.status, url).toBe(200);
  return { bytes: Buffer.from(await res.arrayBuffer()), res };
}

async function pollJob(jobId: string) {
  return waitFor(async () => {
    const res = await api(`/jobs/${jobId}`);
    expect(res.status).toBe(200);
    const job = await json(res);
    expect(['pending', 'processing', 'completed']).toContain(job.status);
    return job.status === 'completed' ? job : undefined;
  }, 60_000);
}

/** Mean colour (CIELAB) of the garment: the pixels where two renders of one cut in different cloths differ. */
async function garmentMeans(a: Buffer, b: Buffer) {
  const [ra, rb] = await Promise.all([a, b].map((x) => sharp(x).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  expect([ra!.info.width, ra!.info.height]).toEqual([rb!.info.width, rb!.info.height]);
  const sum = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  let n = 0;
  for (let i = 0; i < ra!.data.length; i += 3) {
    const d = Math.abs(ra!.data[i]! - rb!.data[i]!) + Math.abs(ra!.data[i + 1]! - rb!.data[i + 1]!) + Math.abs(ra!.data[i + 2]! - rb!.data[i + 2]!);
    if (d < 60) continue;
    n++;
    for (let c = 0; c < 3; c++) {
      sum[0]![c]! += ra!.data[i + c]!;
      sum[1]![c]! += rb!.data[i + c]!;
    }
  }
  expect(n / (ra!.data.length / 3), 'share of the picture that is the garment').toBeGreaterThan(0.1);
  return sum.map((s) => srgbToLab(s.map((v) => v / n)));
}

async function checkPhoto(): Promise<Buffer> {
  // A photographed cloth: a warm brown with crossing bars, under slightly uneven light.
  const w = 640,
    h = 480;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const bar = x % 36 < 5 || y % 36 < 5 ? 40 : 0;
      const light = 0.9 + 0.1 * (x / w);
      const i = (y * w + x) * 3;
      rgb[i] = Math.min(255, (150 + bar) * light);
      rgb[i + 1] = Math.min(255, (95 + bar) * light);
      rgb[i + 2] = Math.min(255, (50 + bar) * light);
    }
  }
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('the replaced Next.js front end, unchanged, against Atelier', () => {
  it('plays its whole sequence: catalogue, swatch images, generate, poll, images, upload-swatch, search by id', async () => {
    // 1. The catalogue page loads the catalogue.
    const catalogRes = await api('/catalog');
    expect(catalogRes.status).toBe(200);
    const catalog = await json(catalogRes);
    const colors = catalog.families.flatMap((f: any) => f.colors.map((c: any) => ({ ...c, family_id: f.family_id })));
    expect(colors.length).toBeGreaterThan(20);
    // Its search by id looks a color_id up across every family: ids must be unique there.
    expect(new Set(colors.map((c: any) => c.color_id)).size).toBe(colors.length);
    for (const c of colors) {
      expect(c.swatch_url.startsWith(`${PUBLIC_BASE}/files/`), c.swatch_url).toBe(true);
      expect(allowedByReplacedFrontEnd(c.swatch_url), c.swatch_url).toBe(true);
    }

    // 2. Its <Image> shows each swatch through the optimizer: a real JPEG of the colour, cached for good.
    const navy = colors.find((c: any) => c.family_id === 'super-120s-twill' && c.name === 'Navy');
    expect(navy.color_id).toBe('super-120s-twill-navy');
    const swatch = await fetchImage(navy.swatch_url);
    expect(swatch.res.headers.get('content-type')).toBe('image/jpeg');
    expect(swatch.res.headers.get('cache-control')).toContain('immutable');
    expect(swatch.res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = swatch.res.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/ prefix
    const again = await fetch(toServer(navy.swatch_url), { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    const card = await sharp(swatch.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([card.info.width, card.info.height]).toEqual([320, 320]);
    const mean = [0, 1, 2].map((c) => {
      let s = 0;
      for (let i = c; i < card.data.length; i += 3) s += card.data[i]!;
      return s / (card.data.length / 3);
    });
    expect(deltaE2000(srgbToLab(mean), hexToLab(navy.hex))).toBeLessThan(6);

    // 3. "Generar" on the catalogue: the colour's swatch_url exactly as /catalog handed it out.
    const genRes = await api('/generate', {
      method: 'POST',
      body: { family_id: navy.family_id, color_id: navy.color_id, cuts: ['recto', 'cruzado'], seed: 42, quality: 'preview', swatch_url: navy.swatch_url },
    });
    expect(genRes.status).toBe(201);
    const gen = await json(genRes);
    expect(gen).toMatchObject({ status: 'pending', images: [], duration_ms: null, meta: {} });

    // 4. It polls the job, then 5. shows every image (through the optimizer).
    const job = await pollJob(gen.job_id);
    expect(job.meta).toMatchObject({ family_id: 'super-120s-twill', color_id: 'super-120s-twill-navy' });
    expect(job.images.map((i: any) => i.cut).sort()).toEqual(['cruzado', 'recto']);
    const catalogueImages = new Map<string, Buffer>();
    for (const image of job.images) {
      const { bytes } = await fetchImage(image.url);
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', image.width, image.height]);
      catalogueImages.set(image.cut, bytes);
    }
    // The swatch_url resolved to the colour itself, not to a photographed cloth: the very render
    // Atelier's own app gets for that colour.
    const direct = await json(
      await (await stylistFor(t)).fetch('/api/renders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ family: 'super-120s-twill', color: 'navy', cuts: ['recto'] }),
      }),
    );
    expect(direct.renders[0]).toMatchObject({ reused: true, color: 'navy', swatchUploadId: null });

    // 6. A cloth the catalogue lacks: the associate uploads a photo (multipart: no preflight) ...
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await checkPhoto())], { type: 'image/jpeg' }), 'tela.jpg');
    const upRes = await fetch(`${t.url}/upload-swatch`, { method: 'POST', body: form, headers: { origin: FRONT_END } });
    expect(upRes.status).toBe(200);
    expect(upRes.headers.get('access-control-allow-origin')).toBe(FRONT_END);
    const upload = await json(upRes);
    expect(allowedByReplacedFrontEnd(upload.swatch_url), upload.swatch_url).toBe(true);
    expect((await fetchImage(upload.swatch_url)).res.headers.get('content-type')).toBe('image/jpeg');

    // ... and generates with its URL, the catalogue colour still selected.
    const upGen = await json(
      await api('/generate', {
        method: 'POST',
        body: { family_id: navy.family_id, color_id: navy.color_id, cuts: ['recto'], seed: 42, quality: 'preview', swatch_url: upload.swatch_url },
      }),
    );
    const upJob = await pollJob(upGen.job_id);
    expect(upJob.images).toHaveLength(1);
    const uploadImage = (await fetchImage(upJob.images[0].url)).bytes;
    // The suit is the photographed brown cloth, and the catalogue render's suit is navy.
    const [navyLab, brownLab] = await garmentMeans(catalogueImages.get('recto')!, uploadImage);
    expect(navyLab![2], 'navy suit: blue side of b*').toBeLessThan(-3);
    expect(brownLab![2], 'brown suit: yellow side of b*').toBeGreaterThan(8);
    expect(brownLab![1], 'brown suit: red side of a*').toBeGreaterThan(3);
    // The render records the photographed cloth, not the colour that happened to be selected, and
    // Atelier's own API labels it so, with the photo as its thumbnail.
    expect(upJob.meta.color_id).toBeNull();
    // History needs a session; the replaced front end's renders are anonymous, so an admin sees them.
    const admin = await createStaff(t, { role: 'admin' });
    const history = await json(await (await signInAs(t, admin.email, admin.password)).fetch('/api/renders?limit=10'));
    const photoRender = history.items.find((r: any) => r.swatchUploadId);
    expect(photoRender).toMatchObject({ color: null, cloth: { kind: 'photographed', label: 'Photographed cloth' } });
    expect(photoRender.cloth.thumbnailUrl).toBe(PUBLIC_BASE + new URL(upload.swatch_url).pathname);
    expect(history.items.find((r: any) => r.color === 'navy').cloth).toEqual({ kind: 'catalogue' });

    // 7. Search by id: the front end finds a color_id in any family and generates with it alone,
    //    or with whatever family was selected before.
    const pinstripe = colors.find((c: any) => c.color_id === 'city-pinstripe-charcoal');
    expect(pinstripe).toBeDefined();
    for (const body of [{ color_id: pinstripe.color_id }, { family_id: 'super-120s-twill', color_id: pinstripe.color_id }]) {
      const res = await api('/generate', { method: 'POST', body: { ...body, cuts: ['cruzado'] } });
      expect(res.status, JSON.stringify(body)).toBe(201);
      const done = await pollJob((await json(res)).job_id);
      expect(done.meta).toMatchObject({ family_id: 'city-pinstripe', color_id: 'city-pinstripe-charcoal' });
      await fetchImage(done.images[0].url);
    }
  }, 240_000);

  it.skipIf(!hasReference)("keeps the replaced catalogue's own colour ids (lc-navy-001)", async () => {
    const catalog = await json(await api('/catalog'));
    const family = catalog.families.find((f: any) => f.family_id === 'lana-cachemir');
    expect(family.colors.map((c: any) => c.color_id)).toEqual(['lc-navy-001', 'lc-charcoal-002', 'lc-camel-003', 'lc-heather-004', 'lc-burgundy-005']);
    const res = await api('/generate', { method: 'POST', body: { family_id: 'lana-normal', color_id: 'lc-camel-003', cuts: ['recto'] } });
    expect(res.status).toBe(201);
    const done = await pollJob((await json(res)).job_id);
    expect(done.meta).toMatchObject({ family_id: 'lana-cachemir', color_id: 'lc-camel-003' });
  });

  it("answers its admin page's API calls with a JSON 401 pointing at Atelier's console", async () => {
    const list = await api('/admin/fabrics');
    expect(list.status).toBe(401);
    expect(list.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await json(list);
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.message).toContain('/admin');
    for (const [method, pathname] of [
      ['PATCH', '/admin/fabrics/lana-cachemir/status'],
      ['POST', '/admin/fabrics'],
      ['DELETE', '/admin/fabrics/lana-cachemir'],
    ] as const) {
      const res = await api(pathname, { method, body: { status: 'inactive' } });
      expect(res.status, `${method} ${pathname}`).toBe(401);
      expect((await json(res)).error.message).toContain("Atelier's console at /admin");
    }
    // Nothing changed behind the refusal.
    const catalog = await json(await api('/catalog'));
    expect(catalog.families.some((f: any) => f.family_id === 'super-120s-twill')).toBe(true);
    // A person typing /admin/... in a browser still gets the console.
    const page = await fetch(`${t.url}/admin/fabrics`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it("keeps Atelier's error shape and refuses URLs it did not hand out", async () => {
    const unknown = await api('/generate', { method: 'POST', body: { color_id: 'no-such-colour' } });
    expect(unknown.status).toBe(422);
    expect((await json(unknown)).error).toMatchObject({ code: 'unknown_color', message: expect.stringContaining('no-such-colour') });
    const catalog = await json(await api('/catalog'));
    const c = catalog.families[0].colors[0];
    const foreign = [
      c.swatch_url.replace(PUBLIC_BASE, 'https://evil.example'),
      c.swatch_url.replace(PUBLIC_BASE, 'https://pub-123.r2.dev'),
      `${PUBLIC_BASE}/files/swatch-cards/00/${'0'.repeat(64)}.jpg`,
      'http://169.254.169.254/latest/meta-data',
    ];
    for (const swatch_url of foreign) {
      const res = await api('/generate', { method: 'POST', body: { family_id: catalog.families[0].family_id, color_id: c.color_id, swatch_url } });
      expect(res.status, swatch_url).toBe(422);
      expect((await json(res)).error.code).toBe('unknown_swatch');
    }
  });
});
