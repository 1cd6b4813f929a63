import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComposeEngine } from '../../src/engines/compose/index.ts';
import { decode, deltaE2000, deshadedMeanLab, TEST_TEMPLATE_CACHE, type Decoded } from '../../src/engines/compose/test-helpers.ts';
import { hexToLab } from '../../src/fabrics/color.ts';
import { createLogger } from '../../src/logger.ts';
import { runRetention } from '../../src/ops/retention.ts';
import { sendMaskAhead } from '../../src/studio/service.ts';
import { loadPhotoTemplate } from '../../src/templates/index.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { associateSession, type Session } from '../helpers/session.ts';
import { iou, makeClientPhoto, maskPng, type ClientPhoto } from './fixtures.ts';

/**
 * Issue 15, server side: an associate photographs a client (here a drawn suit on a wall, with a head
 * and hands), gets a suggested garment mask, orders the cloth on it, removes something, deletes it.
 */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let me: Session & { id: string };
let other: Session & { id: string };
let client: ClientPhoto;
let family: { id: string; design: any; colors: Array<{ id: string; hex: string }> };

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url });
  me = await associateSession(t);
  other = await associateSession(t);
  client = await makeClientPhoto({ size: 'preview' });
  const catalog = await json(await fetch(`${t.url}/api/catalog`));
  family = catalog.families.find((f: any) => f.design.pattern === 'solid') ?? catalog.families[0];
}, 180_000);
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

function photoForm(data: Buffer, name = 'client.jpg', type = 'image/jpeg') {
  const body = new FormData();
  body.append('photo', new Blob([new Uint8Array(data)], { type }), name);
  return body;
}

async function upload(session: Session, data: Buffer = client.jpeg) {
  const res = await session.fetch('/api/studio/photos', { method: 'POST', body: photoForm(data) });
  return { res, body: await json(res) };
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

async function getBytes(url: string, session?: Session): Promise<Response> {
  return session ? session.fetch(url) : fetch(new URL(url, t.url));
}

function greyOf(d: Decoded): Uint8Array {
  const m = new Uint8Array(d.width * d.height);
  for (let i = 0; i < m.length; i++) m[i] = d.px[i * 3]! > 127 ? 1 : 0;
  return m;
}

/** Pixels at least `r` px away from any marked pixel. */
function farFrom(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h).fill(1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w) out[yy * w + xx] = 0;
        }
    }
  }
  return out;
}

async function waitForRender(session: Session, id: string) {
  let last: any;
  try {
    return await waitFor(async () => {
      last = await json(await session.fetch(`/api/renders/${id}`));
      if (last.status === 'failed') throw new Error(`render failed: ${last.error}`);
      return last.status === 'succeeded' ? last : undefined;
    }, 100_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last state ${JSON.stringify(last)}`);
  }
}

describe('client photo studio', () => {
  let photo: { id: string; width: number; height: number; photoUrl: string; suggestedMaskUrl: string };
  let render: any;

  it('an uploaded photo comes back upright, private, with a suggested mask of the suit', async () => {
    const { res, body } = await upload(me);
    expect(res.status, JSON.stringify(body)).toBe(201);
    photo = body;
    expect(photo).toMatchObject({ width: client.width, height: client.height });
    const got = await getBytes(photo.photoUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get('cache-control')).toMatch(/^private/);
    const stored = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
    expect([stored.width, stored.height]).toEqual([client.width, client.height]);
    expect(stored.exif).toBeUndefined();

    const maskRes = await getBytes(photo.suggestedMaskUrl);
    expect(maskRes.status).toBe(200);
    const mask = await decode(Buffer.from(await maskRes.arrayBuffer()));
    expect([mask.width, mask.height]).toEqual([client.width, client.height]);
    const score = iou(greyOf(mask), client.truth);
    console.log(`suggested mask IoU against the truth mask: ${score.toFixed(3)}`);
    expect(score).toBeGreaterThan(0.8);
    // The first upload waits for the render threads to load the shipped templates (built once per change).
  }, 200_000);

  it('EXIF orientation is applied: a sideways JPEG tagged "rotate 90" is stored upright', async () => {
    const sideways = await sharp(client.rgb, { raw: { width: client.width, height: client.height, channels: 3 } })
      .rotate(-90)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { res, body } = await upload(me, sideways);
    expect(res.status).toBe(201);
    expect([body.width, body.height]).toEqual([client.width, client.height]);
    const upright = await decode(Buffer.from(await (await getBytes(body.photoUrl)).arrayBuffer()));
    // The top-left corner is the wall, the middle bottom is trouser: as in the original.
    const original: Decoded = { px: client.rgb, width: client.width, height: client.height };
    const at = (d: Decoded, x: number, y: number) => Array.from(d.px.subarray((y * d.width + x) * 3, (y * d.width + x) * 3 + 3));
    for (const [x, y] of [
      [10, 10],
      [Math.round(client.width / 2), Math.round(client.height * 0.6)],
      [client.width - 10, client.height - 10],
    ] as const) {
      const a = at(upright, x, y);
      const b = at(original, x, y);
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(24);
    }
    // And over the whole photo: the same picture, up to two JPEG encodings.
    let sum = 0;
    for (let i = 0; i < upright.px.length; i++) sum += Math.abs(upright.px[i]! - original.px[i]!);
    expect(sum / upright.px.length).toBeLessThan(4);
    await me.fetch(`/api/studio/photos/${body.id}`, { method: 'DELETE' });
  }, 60_000);

  it('the cloth goes on the painted garment: its colour exact (de-shaded ΔE2000 < 2), everything else unchanged', async () => {
    const color = family.colors.find((c) => c.hex.toUpperCase() !== '#7A7468') ?? family.colors[0]!;
    const mask = await maskPng(client.truth, client.width, client.height);
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: dataUrl(mask), family: family.id, color: color.id });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(202);
    expect(body.renders).toHaveLength(1);
    expect(body.renders[0]).toMatchObject({ kind: 'studio', private: true, studioPhotoId: photo.id, cut: 'studio' });
    render = await waitForRender(me, body.renders[0].id);
    const full = render.images.find((i: any) => i.size === 'full' && i.format === 'jpeg');
    expect([full.width, full.height]).toEqual([client.width, client.height]);
    expect(full.url).toMatch(new RegExp(`^/api/studio/files/${photo.id}/`));
    const img = await decode(Buffer.from(await (await getBytes(full.url)).arrayBuffer()));

    // Outside the mask (and a 3 px edge band): the client's photo as it was, up to JPEG noise.
    const storedPhoto = Buffer.from(await (await getBytes(photo.photoUrl)).arrayBuffer());
    const before = await decode(storedPhoto);
    const outside = farFrom(client.truth, client.width, client.height, 3);
    let diff = 0;
    let count = 0;
    let worst = 0;
    for (let i = 0; i < outside.length; i++) {
      if (!outside[i]) continue;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(img.px[i * 3 + c]! - before.px[i * 3 + c]!);
        diff += d;
        worst = Math.max(worst, d);
      }
      count += 3;
    }
    expect(diff / count).toBeLessThan(1.5);

    // Inside: the cloth's colour with the photo's light taken out, as the engine applied it.
    const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
    const cv = await loadPhotoTemplate(storedPhoto, mask, {
      cut: 'studio-check',
      view: 'front',
      width: client.width,
      height: client.height,
      pxPerMm: client.height / 1800,
    });
    engine.addTemplate(cv);
    const maps = await engine.shadingMaps('studio-check', 'front', { hex: color.hex, design: family.design });
    const dE = deltaE2000(deshadedMeanLab(img, maps), hexToLab(color.hex));
    console.log(`studio render: de-shaded ΔE2000 ${dE.toFixed(2)} to ${color.hex}; outside the mask mean |Δ| ${(diff / count).toFixed(2)}, max ${worst}`);
    expect(dE).toBeLessThan(2);
    // And the photo's own colour is gone from the garment.
    const photoLab = deshadedMeanLab(before, maps);
    expect(deltaE2000(photoLab, hexToLab(color.hex))).toBeGreaterThan(5);
  }, 200_000);

  it('the same order again is the same render (cache)', async () => {
    const mask = await maskPng(client.truth, client.width, client.height);
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: mask.toString('base64'), family: family.id, color: render.color });
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.renders[0]).toMatchObject({ id: render.id, reused: true });
  });

  it('a corrected mask is applied as painted: the erased part back as photographed, the rest re-clothed', async () => {
    // The associate erases the right half of the suit from the mask and applies again.
    const w = client.width;
    const h = client.height;
    const corrected = new Uint8Array(client.truth);
    for (let y = 0; y < h; y++) for (let x = Math.floor(w / 2); x < w; x++) corrected[y * w + x] = 0;
    const erased = new Uint8Array(w * h);
    for (let i = 0; i < erased.length; i++) erased[i] = client.truth[i] && !corrected[i] ? 1 : 0;
    const mask = await maskPng(corrected, w, h);
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: dataUrl(mask), family: family.id, color: render.color });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(202);
    expect(body.renders[0].id).not.toBe(render.id);
    const again = await waitForRender(me, body.renders[0].id);
    const full = again.images.find((i: any) => i.size === 'full' && i.format === 'jpeg');
    const img = await decode(Buffer.from(await (await getBytes(full.url)).arrayBuffer()));
    const storedPhoto = Buffer.from(await (await getBytes(photo.photoUrl)).arrayBuffer());
    const before = await decode(storedPhoto);
    const meanDiff = (where: Uint8Array) => {
      let diff = 0;
      let count = 0;
      for (let i = 0; i < where.length; i++) {
        if (!where[i]) continue;
        for (let c = 0; c < 3; c++) diff += Math.abs(img.px[i * 3 + c]! - before.px[i * 3 + c]!);
        count += 3;
      }
      return { mean: diff / count, count };
    };
    // Everything away from the corrected mask, the erased half of the suit included: as photographed.
    const away = farFrom(corrected, w, h, 3);
    const outside = meanDiff(away);
    const erasedPart = meanDiff(erased.map((v, i) => (v && away[i] ? 1 : 0)));
    expect(erasedPart.count).toBeGreaterThan(3 * 10_000);
    console.log(`corrected mask: outside mean |Δ| ${outside.mean.toFixed(2)}, on the erased half ${erasedPart.mean.toFixed(2)}`);
    expect(outside.mean).toBeLessThan(1.5);
    expect(erasedPart.mean).toBeLessThan(1.5);
    // The kept half: the cloth's colour (de-shaded ΔE2000 < 2), not the photo's.
    const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
    const cv = await loadPhotoTemplate(storedPhoto, mask, { cut: 'studio-corrected', view: 'front', width: w, height: h, pxPerMm: h / 1800 });
    engine.addTemplate(cv);
    const color = family.colors.find((c) => c.id === render.color)!;
    const maps = await engine.shadingMaps('studio-corrected', 'front', { hex: color.hex, design: family.design });
    const dE = deltaE2000(deshadedMeanLab(img, maps), hexToLab(color.hex));
    console.log(`corrected mask: de-shaded ΔE2000 ${dE.toFixed(2)} to ${color.hex} on the kept half`);
    expect(dE).toBeLessThan(2);
    expect(deltaE2000(deshadedMeanLab(before, maps), hexToLab(color.hex))).toBeGreaterThan(5);
  }, 200_000);

  /** A render's full JPEG checked as applied with `marked`: the photo as it was away from it, the cloth's colour on it. */
  async function expectApplied(done: any, marked: Uint8Array, maskBytes: Buffer, label: string) {
    const w = client.width;
    const h = client.height;
    const full = done.images.find((i: any) => i.size === 'full' && i.format === 'jpeg');
    const img = await decode(Buffer.from(await (await getBytes(full.url)).arrayBuffer()));
    const storedPhoto = Buffer.from(await (await getBytes(photo.photoUrl)).arrayBuffer());
    const before = await decode(storedPhoto);
    const away = farFrom(marked, w, h, 3);
    let diff = 0;
    let count = 0;
    for (let i = 0; i < away.length; i++) {
      if (!away[i]) continue;
      for (let c = 0; c < 3; c++) diff += Math.abs(img.px[i * 3 + c]! - before.px[i * 3 + c]!);
      count += 3;
    }
    const engine = createComposeEngine({ templateCacheDir: TEST_TEMPLATE_CACHE });
    const cv = await loadPhotoTemplate(storedPhoto, maskBytes, { cut: `studio-${label}`, view: 'front', width: w, height: h, pxPerMm: h / 1800 });
    engine.addTemplate(cv);
    const color = family.colors.find((c) => c.id === done.color)!;
    const maps = await engine.shadingMaps(`studio-${label}`, 'front', { hex: color.hex, design: family.design });
    const dE = deltaE2000(deshadedMeanLab(img, maps), hexToLab(color.hex));
    console.log(`${label}: outside mean |Δ| ${(diff / count).toFixed(2)}, de-shaded ΔE2000 ${dE.toFixed(2)} to ${color.hex}`);
    expect(diff / count).toBeLessThan(1.5);
    expect(dE).toBeLessThan(2);
  }

  /** The suit's mask with the columns `from`..`to` (fractions of the width) erased. */
  function erasedColumns(from: number, to: number): Uint8Array {
    const w = client.width;
    const m = new Uint8Array(client.truth);
    for (let y = 0; y < client.height; y++) for (let x = Math.floor(w * from); x < Math.floor(w * to); x++) m[y * w + x] = 0;
    return m;
  }

  it('a mask sent ahead while the associate paints is prepared once, in the background; the apply with it is rendered from it', async () => {
    const stats = () => t.rt.rendering.preparedStats().templatesMade;
    const marked = erasedColumns(0, 0.3);
    const mask = await maskPng(marked, client.width, client.height);
    const before = stats();
    const sent = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: dataUrl(mask) });
    const body = await json(sent);
    expect(sent.status, JSON.stringify(body)).toBe(202);
    expect(body).toMatchObject({ photoId: photo.id, preparing: true });
    expect(body.maskSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sent.headers.get('cache-control')).toMatch(/private/);
    // The app's idle time: the same mask sent again answers "prepared" once it is made (and is not made again).
    await waitFor(async () => {
      const again = await json(await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: dataUrl(mask) }));
      return again.preparing === false ? again : undefined;
    }, 60_000);
    expect(stats() - before).toBe(1);
    const color = family.colors.find((c) => c.id !== render.color) ?? family.colors[0]!;
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: dataUrl(mask), family: family.id, color: color.id });
    const order = await json(res);
    expect(res.status, JSON.stringify(order)).toBe(202);
    const done = await waitForRender(me, order.renders[0].id);
    // Rendered from the template made ahead: nothing prepared for the apply.
    expect(stats() - before).toBe(1);
    await expectApplied(done, marked, mask, 'ahead');
  }, 200_000);

  it('masks sent ahead whose checks finish out of order: the last to arrive stays the photo’s latest, and only it is prepared', async () => {
    const stats = () => t.rt.rendering.preparedStats().templatesMade;
    const account = { id: me.id, email: 'associate@example.test', role: 'associate' as const, store: null, sessionId: 'test' };
    const first = await maskPng(erasedColumns(0.1, 0.35), client.width, client.height);
    // Erased up to 0.7 of the width, not 0.75: the tapered sleeve (b22) ends inside 0.75, so that mask
    // was the right half erased, the earlier test's corrected mask, and its apply came back reused.
    const second = await maskPng(erasedColumns(0.5, 0.7), client.width, client.height);
    // `second` sent ahead and made: its check is remembered, so a resend of it answers at once.
    await (await sendMaskAhead(t.rt, account, photo.id, dataUrl(second))).prepared;
    const before = stats();
    // A pause after painting `first`, then an undo back to `second` and another pause: `first` arrives
    // first but its check (new bytes, on a render thread) ends after the resend of `second` (remembered).
    const [a, b] = await Promise.all([sendMaskAhead(t.rt, account, photo.id, dataUrl(first)), sendMaskAhead(t.rt, account, photo.id, dataUrl(second))]);
    expect(await a.prepared).toBe(false);
    expect(await b.prepared).toBe(true);
    await waitFor(async () => t.rt.rendering.preparedStats().masksPreparing === 0, 60_000);
    expect(stats() - before).toBe(0);
    // The apply with the latest mask renders from the template kept for it: nothing prepared again.
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: dataUrl(second), family: family.id, color: render.color });
    const order = await json(res);
    expect(res.status, JSON.stringify(order)).toBe(202);
    await waitForRender(me, order.renders[0].id);
    expect(stats() - before).toBe(0);
  }, 200_000);

  it('masks sent ahead that arrive in the other order than painted: the one with the higher edit number stays the latest', async () => {
    const stats = () => t.rt.rendering.preparedStats().templatesMade;
    const older = await maskPng(erasedColumns(0.15, 0.4), client.width, client.height);
    const newer = await maskPng(erasedColumns(0.55, 0.65), client.width, client.height);
    const before = stats();
    // Two pauses, two requests: the newer (edit 8) overtakes the older (edit 7) on the way.
    const first = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: dataUrl(newer), edit: 8 });
    expect(first.status).toBe(202);
    await waitFor(async () => t.rt.rendering.preparedStats().masksPreparing === 0, 60_000);
    expect(stats() - before).toBe(1);
    const late = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: dataUrl(older), edit: 7 });
    const lateBody = await json(late);
    // Checked and answered, but not prepared: it is not what the associate sees now.
    expect(late.status, JSON.stringify(lateBody)).toBe(202);
    expect(lateBody.preparing).toBe(false);
    await waitFor(async () => t.rt.rendering.preparedStats().masksPreparing === 0, 60_000);
    expect(stats() - before).toBe(1);
    // The apply with what is on screen renders from the template made for it, not made again.
    const res = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: dataUrl(newer), family: family.id, color: render.color });
    const order = await json(res);
    expect(res.status, JSON.stringify(order)).toBe(202);
    await waitForRender(me, order.renders[0].id);
    expect(stats() - before).toBe(1);
    // An edit number that is not a count is refused, naming the field.
    const bad = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: dataUrl(newer), edit: -1 });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await json(bad))).toMatch(/edit/);
  }, 200_000);

  it('an apply arriving while its mask is still being prepared waits for that preparation, never makes it twice', async () => {
    const stats = () => t.rt.rendering.preparedStats().templatesMade;
    const marked = erasedColumns(0.6, 1);
    const mask = await maskPng(marked, client.width, client.height);
    const before = stats();
    const sent = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: mask.toString('base64') });
    expect(sent.status).toBe(202);
    // At once, as an associate tapping "apply" right after the last stroke; at another scale, too.
    const res = await me.send('POST', '/api/studio/renders', {
      photoId: photo.id,
      mask: mask.toString('base64'),
      family: family.id,
      color: render.color,
      scale: 1.5,
    });
    const order = await json(res);
    expect(res.status, JSON.stringify(order)).toBe(202);
    const done = await waitForRender(me, order.renders[0].id);
    expect(stats() - before).toBe(1);
    const full = done.images.find((i: any) => i.size === 'full' && i.format === 'jpeg');
    expect([full.width, full.height]).toEqual([client.width, client.height]);
    // Another scale of the same mask is the same preparation too.
    const other = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: mask.toString('base64'), family: family.id, color: render.color });
    const otherDone = await waitForRender(me, (await json(other)).renders[0].id);
    expect(stats() - before).toBe(1);
    await expectApplied(otherDone, marked, mask, 'joined');
  }, 200_000);

  it('a mask sent ahead is refused with a message when it does not fit the photo, or is not the caller’s photo', async () => {
    const small = await maskPng(new Uint8Array(100 * 100).fill(1), 100, 100);
    const wrong = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: small.toString('base64') });
    expect(wrong.status).toBe(422);
    expect((await json(wrong)).error).toMatchObject({ code: 'mask_size_mismatch', message: expect.stringMatching(/100 × 100/) });
    const empty = await maskPng(new Uint8Array(client.width * client.height), client.width, client.height);
    const none = await me.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: empty.toString('base64') });
    expect(none.status).toBe(422);
    expect((await json(none)).error.code).toBe('empty_mask');
    const full = await maskPng(client.truth, client.width, client.height);
    expect((await other.send('PUT', `/api/studio/photos/${photo.id}/mask`, { mask: full.toString('base64') })).status).toBe(404);
    const anon = await fetch(`${t.url}/api/studio/photos/${photo.id}/mask`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mask: full.toString('base64') }),
    });
    expect(anon.status).toBe(401);
  });

  it('is private: in no History or listing, unreadable by another associate or by guessing', async () => {
    const history = await json(await me.fetch('/api/renders?limit=100'));
    expect(history.items.map((r: any) => r.id)).not.toContain(render.id);
    expect((await me.fetch(`/api/renders/${render.id}`)).status).toBe(200);
    expect((await other.fetch(`/api/renders/${render.id}`)).status).toBe(404);
    expect((await fetch(`${t.url}/api/renders/${render.id}`)).status).toBe(404);
    expect((await other.fetch(`/api/renders/${render.id}/events`)).status).toBe(404);
    const mask = await maskPng(client.truth, client.width, client.height);
    const theirs = await other.send('POST', '/api/studio/renders', {
      photoId: photo.id,
      mask: mask.toString('base64'),
      family: family.id,
      color: render.color,
    });
    expect(theirs.status).toBe(404);
    expect((await other.send('POST', '/api/studio/fill', { photoId: photo.id, mask: mask.toString('base64') })).status).toBe(404);
    expect((await other.fetch(`/api/studio/photos/${photo.id}`, { method: 'DELETE' })).status).toBe(404);
    // A link with a wrong token, or the storage key through the public /files route: not found.
    const wrong = photo.photoUrl.replace(/\/api\/studio\/files\/([^/]+)\/([^/]+)\//, (_m, id) => `/api/studio/files/${id}/${'A'.repeat(43)}/`);
    expect((await fetch(new URL(wrong, t.url))).status).toBe(404);
    const key = `studio/${photo.id}/${photo.photoUrl.split('/').slice(6).join('/')}`;
    expect((await fetch(`${t.url}/files/${key}`)).status).toBe(404);
    // The admin monitor's list does not show it either.
    const admin = await t.rt.db.selectFrom('renders').select('id').where('studio_photo_id', '=', photo.id).execute();
    expect(admin.map((r) => r.id)).toContain(render.id);
  });

  it("goes into its owner's looks like any render, and its share page shows it; nobody else can share it", async () => {
    const saved = await me.send('POST', '/api/looks', { title: 'On the client', clientName: 'Client in the studio', renderIds: [render.id] });
    const look = await json(saved);
    expect(saved.status, JSON.stringify(look)).toBe(201);
    const shared = await json(await fetch(`${t.url}/api/looks/${look.token}`));
    expect(shared.renders.map((r: any) => r.id)).toEqual([render.id]);
    const thumb = shared.renders[0].images.find((i: any) => i.size === 'thumb');
    expect(thumb.url).toMatch(/^\/api\/studio\/files\//);
    expect((await fetch(new URL(thumb.url, t.url))).status).toBe(200);
    const theirs = await other.send('POST', '/api/looks', { title: 'Not mine', clientName: 'Someone', renderIds: [render.id] });
    expect(theirs.status).toBe(422);
    expect((await json(theirs)).error.code).toBe('unknown_render');
  });

  it('remove/fill makes a new photo: the hole filled from around it, every other pixel identical', async () => {
    const w = client.width;
    const h = client.height;
    // A "logo" on the wall: a red square, to be removed.
    const before = await decode(Buffer.from(await (await getBytes(photo.photoUrl)).arrayBuffer()));
    const hole = new Uint8Array(w * h);
    for (let y = 40; y < 80; y++) for (let x = 30; x < 70; x++) hole[y * w + x] = 1;
    const res = await me.send('POST', '/api/studio/fill', { photoId: photo.id, mask: dataUrl(await maskPng(hole, w, h)) });
    const filled = await json(res);
    expect(res.status, JSON.stringify(filled)).toBe(201);
    expect(filled.id).not.toBe(photo.id);
    expect([filled.width, filled.height]).toEqual([w, h]);
    const after = await decode(Buffer.from(await (await getBytes(filled.photoUrl)).arrayBuffer()));
    let changedOutside = 0;
    for (let i = 0; i < w * h; i++) {
      if (hole[i]) continue;
      for (let c = 0; c < 3; c++) if (after.px[i * 3 + c] !== before.px[i * 3 + c]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
    // The wall there is smooth: the fill matches the wall's colour around it.
    const around = before.px.subarray((35 * w + 25) * 3, (35 * w + 25) * 3 + 3);
    const inside = after.px.subarray((60 * w + 50) * 3, (60 * w + 50) * 3 + 3);
    for (let c = 0; c < 3; c++) expect(Math.abs(inside[c]! - around[c]!)).toBeLessThan(20);
    // Fill and re-clothe chain: the filled photo takes a render like any.
    const order = await me.send('POST', '/api/studio/renders', {
      photoId: filled.id,
      mask: dataUrl(await maskPng(client.truth, w, h)),
      family: family.id,
      color: render.color,
    });
    expect(order.status).toBe(202);
    await waitForRender(me, (await json(order)).renders[0].id);
  }, 120_000);

  it('refuses bad input with a message: HEIC, wrong mask size, empty mask, not base64, unknown cloth, no session', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(64)]);
    const h = await upload(me, heic);
    expect(h.res.status).toBe(415);
    expect(h.body.error.message).toMatch(/HEIC/);
    const notImage = await upload(me, Buffer.from('just some text, not a photo'));
    expect(notImage.res.status).toBe(415);

    const small = await maskPng(new Uint8Array(100 * 100).fill(1), 100, 100);
    const r1 = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: small.toString('base64'), family: family.id, color: render.color });
    expect(r1.status).toBe(422);
    expect((await json(r1)).error).toMatchObject({ code: 'mask_size_mismatch' });
    const empty = await maskPng(new Uint8Array(client.width * client.height), client.width, client.height);
    const r2 = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: empty.toString('base64'), family: family.id, color: render.color });
    expect(r2.status).toBe(422);
    expect((await json(r2)).error.code).toBe('empty_mask');
    const r3 = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: 'this is not base64!', family: family.id, color: render.color });
    expect(r3.status).toBe(422);
    const r4 = await me.send('POST', '/api/studio/renders', {
      photoId: photo.id,
      mask: Buffer.from('not a png').toString('base64'),
      family: family.id,
      color: render.color,
    });
    expect([415, 422]).toContain(r4.status);
    expect((await json(r4)).error.message).toMatch(/^mask:/);
    const full = await maskPng(client.truth, client.width, client.height);
    const r5 = await me.send('POST', '/api/studio/renders', { photoId: photo.id, mask: full.toString('base64'), family: 'no-such-cloth', color: 'x' });
    expect(r5.status).toBe(422);
    const r6 = await fetch(`${t.url}/api/studio/photos`, { method: 'POST', body: photoForm(client.jpeg) });
    expect(r6.status).toBe(401);
    const r7 = await me.send('POST', '/api/studio/fill', { photoId: photo.id, mask: empty.toString('base64') });
    expect(r7.status).toBe(422);
  }, 60_000);

  it('DELETE removes the photo, its masks, its renders and their files at once', async () => {
    const { body: p } = await upload(me);
    const order = await me.send('POST', '/api/studio/renders', {
      photoId: p.id,
      mask: dataUrl(await maskPng(client.truth, client.width, client.height)),
      family: family.id,
      color: render.color,
    });
    const r = await waitForRender(me, (await json(order)).renders[0].id);
    const keysBefore = (await listKeys()).filter((k) => k.startsWith(`studio/${p.id}/`));
    expect(keysBefore.length).toBeGreaterThanOrEqual(6); // photo, suggested mask, painted mask, 3 images
    const res = await me.fetch(`/api/studio/photos/${p.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect((await listKeys()).filter((k) => k.startsWith(`studio/${p.id}/`))).toEqual([]);
    expect(await t.rt.db.selectFrom('renders').select('id').where('id', '=', r.id).executeTakeFirst()).toBeUndefined();
    expect((await getBytes(p.photoUrl)).status).toBe(404);
    expect((await me.fetch(`/api/renders/${r.id}`)).status).toBe(404);
    expect((await me.fetch(`/api/studio/photos/${p.id}`, { method: 'DELETE' })).status).toBe(404);
  }, 120_000);

  it(`retention deletes photos older than STUDIO_RETENTION_DAYS with their renders' rows and files`, async () => {
    const { body: old } = await upload(me);
    const order = await me.send('POST', '/api/studio/renders', {
      photoId: old.id,
      mask: dataUrl(await maskPng(client.truth, client.width, client.height)),
      family: family.id,
      color: render.color,
    });
    const r = await waitForRender(me, (await json(order)).renders[0].id);
    await t.rt.db
      .updateTable('studio_photos')
      .set({ created_at: new Date(Date.now() - 31 * 86_400_000) } as never)
      .where('id', '=', old.id)
      .execute();
    const report = await runRetention({ db: t.rt.db, storage: t.rt.storage, config: t.config, logger: createLogger(t.config) }, { dryRun: false });
    const rule = report.rules.find((x) => x.rule === 'studio_photos')!;
    expect(rule.items).toContain(old.id);
    expect(rule.items).not.toContain(photo.id);
    expect((await listKeys()).filter((k) => k.startsWith(`studio/${old.id}/`))).toEqual([]);
    expect(await t.rt.db.selectFrom('renders').select('id').where('id', '=', r.id).executeTakeFirst()).toBeUndefined();
    expect(await t.rt.db.selectFrom('studio_photos').select('id').where('id', '=', old.id).executeTakeFirst()).toBeUndefined();
    // The young photo and its files stay, masks included.
    const kept = (await listKeys()).filter((k) => k.startsWith(`studio/${photo.id}/`));
    expect(kept.some((k) => k.includes('/masks/'))).toBe(true);
    expect(kept.some((k) => k.endsWith('suggested-mask.png'))).toBe(true);
    expect((await getBytes(photo.photoUrl)).status).toBe(200);
  }, 120_000);
});

async function listKeys(): Promise<string[]> {
  const { listStoredObjects } = await import('../../src/ops/inventory.ts');
  return (await listStoredObjects(t.config.storage)).map((o) => o.key);
}
