import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaE2000, hexToLab } from '../../src/fabrics/index.ts';
import { jpegDeclaringSize, makePngBomb } from '../../src/uploads/fixtures.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { describeWithReference, referencePath } from '../helpers/reference.ts';
import { clothPhoto, consoleClient, createAccount, signIn, type Console } from './helpers.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let merch: Console;
let cloth: { jpeg: Buffer; meanLab: number[] };

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
  await createAccount(t, 'merch@example.com', 'merchandiser');
  merch = consoleClient(t, await signIn(t, 'merch@example.com'));
  cloth = await clothPhoto();
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

function form(files: Record<string, { data: Buffer; name: string; type?: string }>, fields: Record<string, string> = {}) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const [k, f] of Object.entries(files)) body.append(k, new Blob([f.data], { type: f.type ?? 'application/octet-stream' }), f.name);
  return body;
}

async function noise(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 4) pixels.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, i);
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

describe('swatch upload', () => {
  it('tiles and measures a real cloth photo, previews it on a suit, and gives it to a new colour', async () => {
    const res = await merch(
      'POST',
      '/api/admin/swatches',
      form({ file: { data: cloth.jpeg, name: 'herringbone.jpg', type: 'image/jpeg' } }, { widthMm: '100' }),
    );
    expect(res.status).toBe(201);
    const swatch = await json(res);
    expect(swatch).toMatchObject({ width: 1200, height: 1200, widthMm: 100, filename: 'herringbone.jpg' });
    expect(swatch.meanHex).toMatch(/^#[0-9A-F]{6}$/);
    // The measured colour is the photo's own mean colour.
    expect(deltaE2000(hexToLab(swatch.meanHex), cloth.meanLab)).toBeLessThan(2);
    // The tile is seamless by construction; here: it is stored and a PNG of the announced size.
    const tile = await fetch(t.url + swatch.tile.url);
    expect(tile.status).toBe(200);
    expect(await sharp(Buffer.from(await tile.arrayBuffer())).metadata()).toMatchObject({
      format: 'png',
      width: swatch.tile.width,
      height: swatch.tile.height,
    });
    expect(swatch.tile.widthMm).toBeGreaterThan(50);
    expect(swatch.tile.widthMm).toBeLessThanOrEqual(100);

    const preview = await merch('POST', '/api/admin/previews', {
      design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.3 },
      swatchUploadId: swatch.id,
    });
    expect(preview.status).toBe(200);
    expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).format).toBe('jpeg');

    const family = await merch.json('POST', '/api/admin/families', {
      slug: 'photographed',
      name: 'Photographed Herringbone',
      design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.3 },
      colors: [{ slug: 'brown', name: 'Brown', swatchUploadId: swatch.id }],
    });
    expect(family.colors[0]).toMatchObject({ hex: swatch.meanHex, swatch: { url: swatch.tile.url, widthMm: swatch.tile.widthMm } });
    const catalog = await json(await fetch(`${t.url}/api/catalog`));
    const colour = catalog.families.find((f: any) => f.id === 'photographed').colors[0];
    expect(colour.swatchUrl).toBe(swatch.tile.url);
    // Back to the procedural cloth: the tile is no longer shown by anything and goes.
    await merch.json('PATCH', `/api/admin/colors/${family.colors[0].id}`, { swatchUploadId: null });
    expect((await fetch(t.url + swatch.tile.url)).status).toBe(404);
  });

  it("accepts up to ADMIN_UPLOAD_MAX_BYTES (10 MB), beyond the stylist app's 5 MB", async () => {
    const png = await noise(1700, 1700);
    expect(png.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(png.length).toBeLessThan(10 * 1024 * 1024);
    const res = await merch('POST', '/api/admin/swatches', form({ file: { data: png, name: 'noise.png' } }));
    expect(res.status).toBe(201);
  });

  it.each([
    ['an oversized photo (> 10 MB)', async () => noise(2000, 1800), 413, 'too_large'],
    ['a truncated JPEG', async () => cloth.jpeg.subarray(0, Math.floor(cloth.jpeg.length / 2)), 422, 'corrupt_image'],
    [
      'a truncated PNG',
      async () => {
        const png = await sharp(cloth.jpeg).png().toBuffer();
        return png.subarray(0, Math.floor(png.length * 0.6));
      },
      422,
      'corrupt_image',
    ],
    [
      'a genuine 41-megapixel image',
      async () =>
        sharp({ create: { width: 8000, height: 5125, channels: 3, background: '#556677' } })
          .png()
          .toBuffer(),
      422,
      'too_many_pixels',
    ],
    ['a JPEG declaring 48 megapixels', async () => jpegDeclaringSize(cloth.jpeg, 8000, 6000), 422, 'too_many_pixels'],
    ['a PNG decompression bomb (30000 × 30000 in 110 kB)', async () => makePngBomb(), 422, 'too_many_pixels'],
    [
      'a GIF',
      async () =>
        sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } })
          .gif()
          .toBuffer(),
      415,
      'unsupported_type',
    ],
    ['a PDF named .jpg', async () => Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), 415, 'unsupported_type'],
  ])('refuses %s', async (_what, make, status, code) => {
    const data = await make();
    const started = performance.now();
    const res = await merch('POST', '/api/admin/swatches', form({ file: { data, name: 'swatch.jpg', type: 'image/jpeg' } }));
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/^file: /);
    // Refusals are cheap: nothing is decoded past the header of a bomb.
    if (code === 'too_many_pixels') expect(performance.now() - started).toBeLessThan(3000);
    const count = await t.rt.db
      .selectFrom('swatch_uploads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('filename', '=', 'swatch.jpg')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('asks for the file when it is missing, and for multipart when JSON is sent', async () => {
    const none = await merch('POST', '/api/admin/swatches', form({}, { widthMm: '60' }));
    expect(none.status).toBe(422);
    expect((await json(none)).error.message).toMatch(/^file:/);
    expect((await merch('POST', '/api/admin/swatches', { file: 'x' })).status).toBe(415);
    const bad = await merch('POST', '/api/admin/swatches', form({ file: { data: cloth.jpeg, name: 'a.jpg' } }, { widthMm: '2' }));
    expect(bad.status).toBe(422);
    expect((await json(bad)).error.message).toMatch(/^widthMm:/);
  });
});

const PHOTO_TEMPLATES = ['recto_reference.jpg', 'recto_mask.png', 'cruzado_reference.jpg', 'cruzado_mask.png'].map((f) => `photo-templates/${f}`);

describeWithReference(PHOTO_TEMPLATES, 'photo templates', () => {
  const reference = (name: string) => readFile(referencePath('photo-templates', name));

  it("previews the replaced system's single-breasted photo with its mask, then saves it as a view of the cut", async () => {
    const base = await reference('recto_reference.jpg');
    const mask = await reference('recto_mask.png');
    const preview = await merch(
      'POST',
      '/api/admin/templates/preview',
      form({ base: { data: base, name: 'recto.jpg' }, mask: { data: mask, name: 'recto_mask.png' } }),
    );
    expect(preview.status).toBe(200);
    const image = await sharp(Buffer.from(await preview.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(image.info).toMatchObject({ width: 512, height: 768 });
    // The salmon of the photo is gone from the suit: the chest, in the mask, is now the navy stripe.
    const maskRaw = await sharp(mask).resize(512, 768, { fit: 'cover' }).greyscale().raw().toBuffer();
    let r = 0,
      b = 0,
      n = 0;
    for (let i = 0; i < maskRaw.length; i++) {
      if (maskRaw[i]! < 250) continue;
      r += image.data[i * 3]!;
      b += image.data[i * 3 + 2]!;
      n++;
    }
    expect(n).toBeGreaterThan(10_000);
    expect(b / n).toBeGreaterThan(r / n);

    const cuts = await merch.json('GET', '/api/admin/cuts');
    const sb = cuts.items.find((c: any) => c.slug === 'single-breasted');
    const saved = await merch(
      'POST',
      `/api/admin/cuts/${sb.id}/views`,
      form({ base: { data: base, name: 'recto.jpg' }, mask: { data: mask, name: 'recto_mask.png' } }, { view: 'studio' }),
    );
    expect(saved.status).toBe(201);
    const view = await json(saved);
    expect(view).toMatchObject({ view: 'studio', kind: 'photo', active: true, version: expect.stringMatching(/^photo-[0-9a-f]{16}$/) });
    // (Bodies are read to the end: an unread file download would hold the server's shutdown.)
    for (const url of [view.baseUrl, view.maskUrl]) {
      const file = await fetch(t.url + url);
      expect(file.status).toBe(200);
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    // A preview of a family on the saved photo view.
    const onPhoto = await merch('POST', '/api/admin/previews', {
      design: { weave: 'twill', pattern: 'glencheck', threadMm: 0.25 },
      hex: '#5A5F66',
      cut: 'single-breasted',
      view: 'studio',
    });
    expect(onPhoto.status).toBe(200);
    // A drawn view cannot be replaced by a photo.
    const clash = await merch(
      'POST',
      `/api/admin/cuts/${sb.id}/views`,
      form({ base: { data: base, name: 'a.jpg' }, mask: { data: mask, name: 'b.png' } }, { view: 'front' }),
    );
    expect(clash.status).toBe(409);
    // Nothing rendered it yet: deleting removes the row and its files.
    expect(await merch.json('DELETE', `/api/admin/cut-views/${view.id}`)).toEqual({ outcome: 'deleted' });
    expect((await fetch(t.url + view.baseUrl)).status).toBe(404);
  });

  it('refuses a mask of other proportions, an empty mask, and a bomb for a mask', async () => {
    const base = await reference('cruzado_reference.jpg');
    const square = await sharp(await reference('cruzado_mask.png'))
      .resize(800, 800, { fit: 'fill' })
      .png()
      .toBuffer();
    const black = await sharp({ create: { width: 1066, height: 1600, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const cases: Array<[Buffer, number, string]> = [
      [square, 422, 'mask_mismatch'],
      [black, 422, 'mask_empty'],
      [makePngBomb(), 422, 'too_many_pixels'],
    ];
    for (const [mask, status, code] of cases) {
      const res = await merch('POST', '/api/admin/templates/preview', form({ base: { data: base, name: 'c.jpg' }, mask: { data: mask, name: 'm.png' } }));
      expect(res.status, code).toBe(status);
      const body = await json(res);
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(/^mask: /);
    }
  });
});
