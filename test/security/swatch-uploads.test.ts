import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clothPhoto, consoleClient, createAccount, signIn } from '../admin/helpers.ts';
import { associateSession } from '../helpers/session.ts';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

/** Issue 13 item 10: an upload never changes once made; another width is another swatch. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let jpeg: Buffer;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false });
  jpeg = (await clothPhoto('#3A4F6B')).jpeg;
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

function form(widthMm: string) {
  const body = new FormData();
  body.append('widthMm', widthMm);
  body.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'cloth.jpg');
  return body;
}

async function widthOf(id: string): Promise<number> {
  const { rows } = await t.rt.pool.query('SELECT width_mm FROM swatch_uploads WHERE id = $1', [id]);
  return Number(rows[0].width_mm);
}

describe('swatch uploads are immutable', () => {
  it('the stylist re-uploading a photo with another width gets a new swatch; the first keeps its scale', async () => {
    const stylist = await associateSession(t);
    const post = (w: string) => stylist.fetch('/api/swatch-uploads', { method: 'POST', body: form(w) }).then((r) => json(r));
    const first = await post('60');
    const second = await post('100');
    expect(first.id).toBeDefined();
    expect(second.id).not.toBe(first.id);
    expect(second.widthMm).toBe(100);
    expect(await widthOf(first.id)).toBe(60);
    expect(await widthOf(second.id)).toBe(100);
    // The same photo at the same width is the same swatch, and one stored file serves both.
    const again = await post('60');
    expect(again.id).toBe(first.id);
    expect(second.url).toBe(first.url);
  });

  it('the console re-uploading a photo with another width gets a new swatch; the first keeps its scale', async () => {
    await createAccount(t, 'merch@example.com', 'merchandiser');
    const merch = consoleClient(t, await signIn(t, 'merch@example.com'));
    const post = async (w: string) => {
      const res = await merch('POST', '/api/admin/swatches', form(w));
      expect(res.status).toBe(201);
      return json(res);
    };
    const a = await post('70');
    const b = await post('120');
    expect(b.id).not.toBe(a.id);
    expect(await widthOf(a.id)).toBe(70);
    expect(await widthOf(b.id)).toBe(120);
    expect((await post('70')).id).toBe(a.id);
  });
});
