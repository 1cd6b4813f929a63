import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { associateSession } from '../helpers/session.ts';
import { makeClientPhoto, type ClientPhoto } from './fixtures.ts';

/**
 * The replaced mask-and-inpaint app's HTTP contract, as its front end uses it: POST /api/upload with
 * multipart original_image + mask (black = fill, white = keep) → {"status":"success",
 * "output_image":{"data": base64 PNG}} at the original's size, every pixel outside the mask identical.
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let open: TestApp;
let client: ClientPhoto;

beforeAll(async () => {
  pg = await startTestDatabase();
  open = await startTestApp({ databaseUrl: pg.url, worker: false, env: { LEGACY_API: 'open' } });
  client = await makeClientPhoto({ size: 'preview', seed: 3 });
}, 180_000);
afterAll(async () => {
  await open?.close();
  await pg?.stop();
});

function form(image: Buffer, mask: Buffer | undefined, imageType = 'image/png') {
  const body = new FormData();
  body.append('original_image', new Blob([new Uint8Array(image)], { type: imageType }), 'image.png');
  if (mask) body.append('mask', new Blob([new Uint8Array(mask)], { type: 'image/png' }), 'mask.png');
  return body;
}

/** The old front end's mask: white everywhere, black where the user painted. */
function oldMask(w: number, h: number, paint: (x: number, y: number) => boolean): Promise<Buffer> {
  const grey = Buffer.alloc(w * h, 255);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (paint(x, y)) grey[y * w + x] = 0;
  return sharp(grey, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

describe('the replaced inpainting app’s contract', () => {
  it('GET /api answers its status check', async () => {
    const res = await fetch(`${open.url}/api`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', model: 'opencv-telea', device: 'cpu' });
  });

  it('POST /api/upload fills the black area; every other pixel is byte-identical, at the original size', async () => {
    const { width: w, height: h } = client;
    const original = client.png;
    // Paint over the left hand and a strip of wall.
    const painted = (x: number, y: number) => (x - 60) ** 2 + (y - 300) ** 2 < 15 ** 2 || (y > 100 && y < 120 && x > 380 && x < 480);
    const mask = await oldMask(w, h, painted);
    const res = await fetch(`${open.url}/api/upload`, { method: 'POST', body: form(original, mask) });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['output_image', 'status']);
    expect(body.status).toBe('success');
    expect(Object.keys(body.output_image)).toEqual(['data']);
    const out = Buffer.from(body.output_image.data, 'base64');
    expect(out.subarray(1, 4).toString()).toBe('PNG');
    const a = await sharp(original).raw().toBuffer({ resolveWithObject: true });
    const b = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([b.info.width, b.info.height, b.info.channels]).toEqual([w, h, a.info.channels]);
    let outsideDiffers = 0;
    let insideChanged = 0;
    const ch = a.info.channels;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * ch;
        const same = a.data.subarray(i, i + ch).equals(b.data.subarray(i, i + ch));
        if (painted(x, y)) insideChanged += same ? 0 : 1;
        else outsideDiffers += same ? 0 : 1;
      }
    }
    expect(outsideDiffers).toBe(0);
    expect(insideChanged).toBeGreaterThan(100);
    // The strip of wall is filled with wall, not with the hole's old pixels or black.
    const at = (x: number, y: number) => Array.from(b.data.subarray((y * w + x) * ch, (y * w + x) * ch + 3));
    const wall = Array.from(a.data.subarray((95 * w + 430) * ch, (95 * w + 430) * ch + 3));
    const filled = at(430, 110);
    for (let c = 0; c < 3; c++) expect(Math.abs(filled[c]! - wall[c]!)).toBeLessThan(20);
  }, 60_000);

  it('refuses a mask of another size, an empty mask, a non-image and a missing field with 4xx and a message', async () => {
    const { width: w, height: h } = client;
    const cases: Array<[string, FormData, number, RegExp]> = [
      ['mask of another size', form(client.png, await oldMask(w + 10, h, () => true)), 422, /mask.*\d+ × \d+/],
      ['nothing painted', form(client.png, await oldMask(w, h, () => false)), 422, /nothing is marked/],
      ['everything painted', form(client.png, await oldMask(w, h, () => true)), 422, /whole image/],
      ['not an image', form(Buffer.from('%PDF-1.4 not an image at all'), await oldMask(w, h, () => false)), 415, /PDF/],
      ['mask not an image', form(client.png, Buffer.from('hello')), 415, /^mask:/],
      ['no mask', form(client.png, undefined), 422, /mask/],
    ];
    for (const [what, body, status, message] of cases) {
      const res = await fetch(`${open.url}/api/upload`, { method: 'POST', body });
      const answer = await json(res);
      expect(res.status, `${what}: ${JSON.stringify(answer)}`).toBe(status);
      expect(answer.error.message, what).toMatch(message);
    }
    const notMultipart = await fetch(`${open.url}/api/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(notMultipart.status).toBe(415);
  }, 60_000);

  it('with LEGACY_API=session it wants a signed-in associate, as the replaced API does', async () => {
    const closed = await startTestApp({ databaseUrl: pg.url, worker: false, env: { LEGACY_API: 'session' } });
    try {
      expect((await fetch(`${closed.url}/api`)).status).toBe(401);
      const mask = await oldMask(client.width, client.height, (x, y) => x < 20 && y < 20);
      expect((await fetch(`${closed.url}/api/upload`, { method: 'POST', body: form(client.png, mask) })).status).toBe(401);
      const me = await associateSession(closed);
      const res = await me.fetch('/api/upload', { method: 'POST', body: form(client.png, mask) });
      expect(res.status).toBe(200);
    } finally {
      await closed.close();
    }
  }, 120_000);
});
