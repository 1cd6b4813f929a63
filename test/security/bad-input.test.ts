import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clothPhoto } from '../admin/helpers.ts';
import { associateSession } from '../helpers/session.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

/** Issue 13 item 8: input no one should send is refused with a 4xx and a sentence, never a 500. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

async function post(path: string, body: unknown) {
  return fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/json', origin: t.url }, body: JSON.stringify(body) });
}

async function expectRefusal(res: Response, status: number | RegExp, message: RegExp) {
  const body = await json(res);
  if (typeof status === 'number') expect(res.status, JSON.stringify(body)).toBe(status);
  else expect(String(res.status), JSON.stringify(body)).toMatch(status);
  expect(body.error.code).toEqual(expect.any(String));
  expect(body.error.message).toMatch(message);
  return body;
}

describe('a NUL character in any string', () => {
  it('is refused on the replaced API, renders, login and swatch cards, before the database sees it', async () => {
    await expectRefusal(await post('/generate', { family_id: 'a\u0000b', color_id: 'navy' }), 400, /NUL|control character/i);
    const associate = await associateSession(t);
    await expectRefusal(await associate.send('POST', '/api/renders', { family: 'a\u0000b', cuts: ['single-breasted'] }), 400, /family_id|family/);
    await expectRefusal(await post('/api/admin/login', { email: 'a\u0000b@example.com', password: 'x' }), 400, /email/);
    await expectRefusal(await fetch(`${t.url}/api/swatches/%00/%00.jpg`), 400, /family/);
    await expectRefusal(await associate.fetch('/api/renders?cursor=%00'), 400, /cursor/);
    await expectRefusal(await associate.send('POST', '/api/looks', { title: 'x', clientName: 'x\u0000', renderIds: [] }), 400, /^clientName: /);
    await expectRefusal(await associate.send('POST', '/api/clients', { name: 'Ana', notes: '\u0000' }), 400, /^notes: /);
    const { rows } = await t.rt.pool.query('SELECT (SELECT count(*) FROM renders) + (SELECT count(*) FROM looks) + (SELECT count(*) FROM clients) AS n');
    expect(Number(rows[0].n)).toBe(0);
  });
});

describe('a photographed cloth cropped with fractional pixels', () => {
  it('is cropped to the pixels the box covers, not refused with a 500', async () => {
    const photo = await sharp((await clothPhoto()).jpeg)
      .resize(800, 600, { fit: 'cover' })
      .jpeg({ quality: 92 })
      .toBuffer();
    const form = new FormData();
    form.append('crop', JSON.stringify({ left: 0.5, top: 0.5, width: 799.5, height: 599.5 }));
    // A stated width keeps the crop as framed: without one, the cloth is found and straightened inside it.
    form.append('widthMm', '80');
    form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'cloth.jpg');
    const associate = await associateSession(t);
    const res = await associate.fetch('/api/swatch-uploads', { method: 'POST', body: form });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(201);
    // (The cloth is then found and straightened within the framed box: it is at most the box.)
    expect(body.width).toBeLessThanOrEqual(800);
    expect(body.height).toBeLessThanOrEqual(600);

    const outside = new FormData();
    outside.append('crop', JSON.stringify({ left: 0.5, top: 0, width: 800, height: 600 }));
    outside.append('file', new Blob([photo], { type: 'image/jpeg' }), 'cloth.jpg');
    await expectRefusal(await associate.fetch('/api/swatch-uploads', { method: 'POST', body: outside }), 422, /inside the 800 × 600 photo/);
  });
});

describe('file paths that no stored file can have', () => {
  it.each([['/files/swatches/.hidden'], ['/files/a//b'], ['/files/renders/'], ['/files/a%5Cb'], [`/files/renders/${'a'.repeat(1100)}.jpg`]])(
    '%.40s → 404 with a reason',
    async (path) => {
      await expectRefusal(await fetch(t.url + path), 404, /file/i);
    },
  );

  it('/files/%00 → 400 naming the path', async () => {
    await expectRefusal(await fetch(`${t.url}/files/%00`), 400, /^path: contains a NUL/);
  });

  it('a real stored file is still served', async () => {
    await t.rt.storage.put('renders/ok/file.txt', Buffer.from('hello'), 'text/plain');
    const res = await fetch(`${t.url}/files/renders/ok/file.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
  });
});
